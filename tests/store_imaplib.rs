//! A Maildir that the running Dovecot wrote for APPENDs made by Python's imaplib is read by our
//! Maildir backend with the same UIDVALIDITY, UIDs, flags and bytes.

mod common;

use common::*;
use mail_store_traits::maildir::{MaildirConfig, MaildirStore};
use mail_store_traits::{Account, AccountId, Keyword, Store, SystemFlag, UidSet};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_maildir_backend_reads_what_dovecot_appended_for_imaplib() {
    if !(require_peer("Dovecot IMAP", 10143) && require_program("python3")) {
        return;
    }
    let root = peers_dir().join("mail/erin/Maildir");
    let _ = std::fs::remove_dir_all(&root);
    let messages: Vec<Vec<u8>> = vec![
        b"Subject: one\r\nFrom: a@example.org\r\n\r\nfirst\r\n.dot line\r\n".to_vec(),
        b"Subject: two\r\n\r\n".to_vec(),
        [
            b"Subject: three\r\n\r\n".to_vec(),
            vec![b'z'; 5000],
            b"\r\n".to_vec(),
        ]
        .concat(),
    ];
    let script = format!(
        r#"
import imaplib, re
m = imaplib.IMAP4('127.0.0.1', 10143)
m.login('erin', 'secret5')
msgs = [{msgs}]
flags = ['(\\Seen $Label1)', '()', '(\\Flagged \\Answered)']
for f, body in zip(flags, msgs):
    typ, data = m.append('INBOX', f, None, body)
    assert typ == 'OK', data
    print(re.search(rb'APPENDUID (\d+) (\d+)', data[0]).group(1, 2))
m.logout()
"#,
        msgs = messages
            .iter()
            .map(|b| format!("{b:?}")
                .replacen('[', "bytes([", 1)
                .replacen(']', "])", 1))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let out = tokio::task::spawn_blocking(move || python(&script))
        .await
        .expect("imaplib");
    let appended: Vec<(u32, u32)> = out
        .lines()
        .map(|l| {
            let nums: Vec<u32> = l
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().expect("number"))
                .collect();
            (nums[0], nums[1])
        })
        .collect();
    assert_eq!(appended.len(), 3, "{out}");

    let store = MaildirStore::single(&root, MaildirConfig::default());
    let account = store
        .open_account(&AccountId::new("erin"))
        .await
        .expect("open");
    let inbox = account.mailbox("INBOX").await.expect("INBOX").id;
    let status = account.status(inbox).await.expect("status");
    assert_eq!(
        status.uidvalidity.get(),
        appended[0].0,
        "same UIDVALIDITY as Dovecot"
    );
    let meta = account
        .fetch_meta(inbox, &UidSet::all())
        .await
        .expect("metadata");
    assert_eq!(
        meta.iter().map(|m| m.uid.get()).collect::<Vec<_>>(),
        appended.iter().map(|a| a.1).collect::<Vec<_>>(),
        "same UIDs as Dovecot's APPENDUID"
    );
    let label = Keyword::new("$Label1").expect("keyword");
    assert!(meta[0].flags.contains(SystemFlag::Seen) && meta[0].flags.has_keyword(&label));
    assert!(meta[1].flags.is_empty());
    assert!(
        meta[2].flags.contains(SystemFlag::Flagged) && meta[2].flags.contains(SystemFlag::Answered)
    );
    for (m, want) in meta.iter().zip(&messages) {
        assert_eq!(m.size, want.len() as u64, "exact CRLF size");
        let body = account
            .read_body(inbox, m.uid, None)
            .await
            .expect("body")
            .collect_bytes()
            .await
            .expect("read");
        assert_eq!(
            body.as_ref(),
            want.as_slice(),
            "same bytes as imaplib appended"
        );
    }
}
