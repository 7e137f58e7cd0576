//! Held-out acceptance tests for the Maildir backend, written from public material only:
//! the inputs (directory trees, file names, `dovecot-uidlist` lines) and the behaviour those
//! sources document or expect. No code was copied from them.
//!
//! Sources:
//! - `staktrace/maildir` (Rust crate, 0BSD licence per its LICENSE file): the `testdata/`
//!   tree as its `tests/smoke.rs` reconstructs it (a Maildir with one message in `new/` and
//!   one in `cur/` whose name `...:2,S` is stored percent-escaped as `%3A2%2CS`;
//!   `submaildirs` with the Maildir++ folders `.Subdir1`, `.Subdir2` and the bogus
//!   `..Subdir3`; subfolders such as `.folder.with.subs`) and what that test expects:
//!   message counts in `new/` and `cur/`, message ids being the name before `:2,`, `S`
//!   meaning seen, the bogus folder not listed.
//! - Dovecot's documentation of its Maildir format (doc.dovecot.org, "Maildir Mailbox
//!   Format"; its licence was not checked, and only format facts are used): file names such as
//!   `1035478339.27041_118.foo.org,S=1000,W=1030:2,S` (`S=` physical size, `W=` virtual CRLF
//!   size), the `:2,` flag letters `D F R S T` and keyword letters `a`-`z` mapped by
//!   `dovecot-keywords`, and the `dovecot-uidlist` version 3 header
//!   `3 V1275660208 N25022 G3085f01b7f11094c501100008c4a11c1` with lines
//!   `<uid> [<fields>] :<file name>`.
//!
//! Fixture trees are built in a fresh directory under `std::env::temp_dir()` per test and
//! removed afterwards.
#![cfg(feature = "maildir")]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use futures_lite::future::block_on;
use mail_store_traits::maildir::{MaildirConfig, MaildirStore};
use mail_store_traits::*;

/// A unique directory under the system temp dir, removed on drop.
struct TempTree(PathBuf);

impl TempTree {
    fn new(tag: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!(
            "mailwire-held-out-maildir-{tag}-{}-{n}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).expect("mkdir temp tree");
        Self(p)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn maildir_dirs(dir: &Path) {
    for sub in ["tmp", "new", "cur"] {
        fs::create_dir_all(dir.join(sub)).expect("mkdir maildir");
    }
}

fn put(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir parent");
    }
    fs::write(path, bytes).expect("write fixture");
}

/// A small LF-terminated message like the `staktrace/maildir` test data (Subject "test").
fn test_mail(from: &str) -> Vec<u8> {
    format!(
        "Return-Path: <{from}>\nFrom: {from}\nTo: user@example.org\nSubject: test\n\
         Date: Sun, 22 May 2016 00:08:25 +0200\n\nHello\n"
    )
    .into_bytes()
}

/// A message with bare LF line endings of exactly `phys` octets in `lines` lines, so that
/// its CRLF size is `phys + lines`.
fn sized_mail(phys: usize, lines: usize) -> Vec<u8> {
    let head = b"Subject: sized\n\n".to_vec(); // 2 lines
    assert!(lines >= 3);
    let mut out = head;
    let body_lines = lines - 2;
    let remaining = phys - out.len();
    // body_lines lines, each ending with '\n', total `remaining` octets.
    let per = remaining / body_lines;
    let extra = remaining % body_lines;
    for i in 0..body_lines {
        let len = per + usize::from(i < extra);
        out.extend(std::iter::repeat_n(b'x', len - 1));
        out.push(b'\n');
    }
    assert_eq!(out.len(), phys);
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), lines);
    out
}

fn store_at(root: &Path) -> MaildirStore {
    MaildirStore::single(
        root,
        MaildirConfig::default()
            .with_fsync(false)
            .with_poll_interval(None),
    )
}

fn account(root: &Path) -> maildir::MaildirAccount {
    block_on(store_at(root).open_account(&AccountId::new("user"))).expect("open account")
}

fn metas(acc: &maildir::MaildirAccount, name: &str) -> Vec<MessageMeta> {
    block_on(async {
        let mb = acc.mailbox(name).await?;
        acc.fetch_meta(mb.id, &UidSet::all()).await
    })
    .expect("fetch_meta")
}

fn status(acc: &maildir::MaildirAccount, name: &str) -> MailboxStatus {
    block_on(async {
        let mb = acc.mailbox(name).await?;
        acc.status(mb.id).await
    })
    .expect("status")
}

fn names(acc: &maildir::MaildirAccount) -> Vec<String> {
    let mut v: Vec<String> = block_on(acc.list_mailboxes())
        .expect("list")
        .into_iter()
        .map(|m| m.name)
        .collect();
    v.sort();
    v
}

const NEW_ID: &str = "1463941010.5f7fa6dd4922c183dc457d033deee9d7";
const CUR_ID: &str = "1463868505.38518452d49213cb409aa1db32f53184";

/// The `staktrace/maildir` `testdata/maildir` tree, with `%3A2%2CS` decoded to `:2,S`, plus
/// dotfiles of the kind a checkout carries (they must be ignored).
fn staktrace_maildir(root: &Path) {
    maildir_dirs(root);
    put(&root.join("new").join(NEW_ID), &test_mail("a@example.org"));
    put(
        &root.join("cur").join(format!("{CUR_ID}:2,S")),
        &test_mail("b@example.org"),
    );
}

fn add_dotfiles(root: &Path) {
    for sub in ["tmp", "new", "cur"] {
        put(&root.join(sub).join(".gitignore"), b"");
    }
    put(&root.join("new").join(".hidden-message"), &test_mail("c@x"));
    put(
        &root.join("cur").join(".1463000000.hidden:2,S"),
        &test_mail("d@x"),
    );
    // A delivery still in progress lives in tmp/ and is not a message yet.
    put(
        &root.join("tmp").join("1463999999.inprogress.host"),
        &test_mail("e@x"),
    );
}

#[test]
fn staktrace_maildir_counts_ids_and_seen_flag() {
    let t = TempTree::new("staktrace");
    staktrace_maildir(t.path());
    let acc = account(t.path());

    let st = status(&acc, "INBOX");
    assert_eq!(st.messages, 2, "one in new/, one in cur/");
    assert_eq!(st.unseen, 1);
    assert_eq!(st.deleted, 0);

    let ms = metas(&acc, "INBOX");
    assert_eq!(ms.len(), 2);
    let by_id = |id: &str| {
        ms.iter()
            .find(|m| m.email_id.as_str() == id)
            .unwrap_or_else(|| panic!("no message with id {id}: {ms:?}"))
    };
    let new = by_id(NEW_ID);
    let cur = by_id(CUR_ID);
    assert!(!new.flags.contains(SystemFlag::Seen));
    assert!(new.flags.is_empty());
    assert!(cur.flags.contains(SystemFlag::Seen));
    assert_eq!(cur.flags.system().count(), 1);
    // Sizes are CRLF sizes of the LF files.
    let lf = test_mail("a@example.org");
    let lines = lf.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(new.size, (lf.len() + lines) as u64);
}

#[test]
fn dotfiles_and_tmp_are_ignored() {
    let t = TempTree::new("dotfiles");
    staktrace_maildir(t.path());
    add_dotfiles(t.path());
    let acc = account(t.path());
    assert_eq!(status(&acc, "INBOX").messages, 2);
    let ids: Vec<String> = metas(&acc, "INBOX")
        .iter()
        .map(|m| m.email_id.as_str().to_owned())
        .collect();
    assert!(ids.iter().all(|i| !i.starts_with('.')), "{ids:?}");
    assert!(ids.iter().all(|i| !i.contains("inprogress")), "{ids:?}");
    // The dotfiles were left alone.
    assert!(t.path().join("new/.hidden-message").exists());
    assert!(t.path().join("cur/.gitignore").exists());
}

#[test]
fn staktrace_submaildirs_lists_maildirpp_folders_only() {
    let t = TempTree::new("submaildirs");
    maildir_dirs(t.path());
    for f in [".Subdir1", ".Subdir2", "..Subdir3"] {
        maildir_dirs(&t.path().join(f));
    }
    put(
        &t.path()
            .join(".Subdir1/cur/1463868505.38518452d49213cb409aa1db32f53184:2,S"),
        &test_mail("a@x"),
    );
    // A plain directory without cur/ is not a folder, nor is a non-dot directory.
    fs::create_dir_all(t.path().join(".NotAFolder")).expect("mkdir");
    maildir_dirs(&t.path().join("invalid"));
    let acc = account(t.path());
    assert_eq!(names(&acc), ["INBOX", "Subdir1", "Subdir2"]);
    assert_eq!(status(&acc, "Subdir1").messages, 1);
    assert_eq!(status(&acc, "Subdir1").unseen, 0);
    assert_eq!(status(&acc, "Subdir2").messages, 0);
}

#[test]
fn maildirpp_dotted_folder_is_a_hierarchy() {
    let t = TempTree::new("hier");
    staktrace_maildir(t.path());
    maildir_dirs(&t.path().join(".created"));
    maildir_dirs(&t.path().join(".folder.with.subs"));
    put(
        &t.path()
            .join(".folder.with.subs/new/1700000000.M1P2.host,S=10"),
        b"Subject: x",
    );
    let acc = account(t.path());
    let all = names(&acc);
    assert!(all.contains(&"created".to_owned()), "{all:?}");
    assert!(all.contains(&"folder/with/subs".to_owned()), "{all:?}");
    assert!(!all.iter().any(|n| n.contains('.')), "{all:?}");
    assert_eq!(status(&acc, "folder/with/subs").messages, 1);
    assert_eq!(status(&acc, "INBOX").messages, 2, "subfolders do not count");
}

#[test]
fn dovecot_name_with_s_and_w_sizes() {
    let t = TempTree::new("sw");
    maildir_dirs(t.path());
    let name = "1035478339.27041_118.foo.org,S=1000,W=1030:2,S";
    put(&t.path().join("cur").join(name), &sized_mail(1000, 30));
    let acc = account(t.path());
    let ms = metas(&acc, "INBOX");
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].size, 1030, "W= is the CRLF size");
    assert!(ms[0].flags.contains(SystemFlag::Seen));
    assert_eq!(ms[0].email_id.as_str(), "1035478339.27041_118.foo.org");
    let st = status(&acc, "INBOX");
    assert_eq!(st.size, 1030);
    assert_eq!(st.unseen, 0);
    // The body served is the CRLF form, of that size.
    let body = block_on(async {
        let mb = acc.mailbox("INBOX").await?;
        acc.read_body(mb.id, ms[0].uid, None)
            .await?
            .collect_bytes()
            .await
    })
    .expect("read body");
    assert_eq!(body.len(), 1030);
    assert!(body.windows(2).filter(|w| w == b"\r\n").count() == 30);
}

#[test]
fn s_only_name_size_is_crlf_size_of_lf_file() {
    // S= is the physical (LF) size; without W= the CRLF size must come from the content.
    let t = TempTree::new("sonly");
    maildir_dirs(t.path());
    let name = "1276528487.M364837P9451.kurkku,S=1355";
    put(&t.path().join("new").join(name), &sized_mail(1355, 39));
    let acc = account(t.path());
    let ms = metas(&acc, "INBOX");
    assert_eq!(ms.len(), 1);
    assert_eq!(ms[0].size, 1355 + 39);
    assert!(ms[0].flags.is_empty());
    assert_eq!(status(&acc, "INBOX").unseen, 1);
}

#[test]
fn info_flag_letters() {
    let t = TempTree::new("flags");
    maildir_dirs(t.path());
    put(&t.path().join("dovecot-keywords"), b"0 $Junk\n1 Work\n");
    let files = [
        ("1000000001.a.host:2,DFRST", "all"),
        ("1000000002.b.host:2,", "none"),
        ("1000000003.c.host:2,PS", "passed"),
        ("1000000004.d.host:2,Sab", "keywords"),
        ("1000000005.e.host:2,T", "deleted"),
    ];
    for (f, _) in files {
        put(&t.path().join("cur").join(f), &test_mail("a@x"));
    }
    let acc = account(t.path());
    let ms = metas(&acc, "INBOX");
    assert_eq!(ms.len(), files.len());
    let get = |prefix: &str| {
        ms.iter()
            .find(|m| m.email_id.as_str() == prefix)
            .unwrap_or_else(|| panic!("{prefix}: {ms:?}"))
    };
    let all = &get("1000000001.a.host").flags;
    for f in [
        SystemFlag::Draft,
        SystemFlag::Flagged,
        SystemFlag::Answered,
        SystemFlag::Seen,
        SystemFlag::Deleted,
    ] {
        assert!(all.contains(f), "{f:?} in {all:?}");
    }
    assert!(get("1000000002.b.host").flags.is_empty());
    let passed = &get("1000000003.c.host").flags;
    assert!(passed.contains(SystemFlag::Seen));
    assert_eq!(passed.system().count(), 1, "P has no IMAP flag: {passed:?}");
    let kw = &get("1000000004.d.host").flags;
    assert!(kw.contains(SystemFlag::Seen));
    assert!(kw.has_keyword(&Keyword::new("$Junk").expect("kw")));
    assert!(kw.has_keyword(&Keyword::new("Work").expect("kw")));
    let st = status(&acc, "INBOX");
    assert_eq!(st.unseen, 2, "`:2,` and `:2,T` carry no S");
    assert_eq!(st.deleted, 2);
}

#[test]
fn existing_dovecot_uidlist_gives_uids_and_uidvalidity() {
    let t = TempTree::new("uidlist");
    maildir_dirs(t.path());
    let a = "1276528487.M364837P9451.kurkku,S=1355,W=1394";
    let b = "1276528488.M364838P9451.kurkku,S=1000,W=1030";
    let c = "1276528489.M364839P9451.kurkku,S=1355";
    put(&t.path().join("new").join(a), &sized_mail(1355, 39));
    // b's flags changed after the uidlist line was written (Dovecot keeps the old name).
    put(
        &t.path().join("cur").join(format!("{b}:2,FS")),
        &sized_mail(1000, 30),
    );
    // c is not in the uidlist yet: it gets N.
    put(&t.path().join("new").join(c), &sized_mail(1355, 39));
    put(
        &t.path().join("dovecot-uidlist"),
        format!(
            "3 V1275660208 N25022 G3085f01b7f11094c501100008c4a11c1\n\
             25006 :{a}\n25021 W1030 :{b}:2,\n"
        )
        .as_bytes(),
    );
    let acc = account(t.path());
    let mb = block_on(acc.mailbox("INBOX")).expect("inbox");
    assert_eq!(mb.id.as_u128(), 0x3085_f01b_7f11_094c_5011_0000_8c4a_11c1);
    let snap = block_on(acc.snapshot(mb.id)).expect("snapshot");
    assert_eq!(snap.uidvalidity.get(), 1_275_660_208);
    let uids: Vec<u32> = snap.uids.iter().map(|u| u.get()).collect();
    assert_eq!(uids, [25006, 25021, 25022]);
    assert_eq!(snap.uidnext.get(), 25023);
    let ms = metas(&acc, "INBOX");
    let by_uid = |u: u32| ms.iter().find(|m| m.uid.get() == u).expect("uid");
    assert_eq!(by_uid(25006).size, 1394);
    assert!(by_uid(25006).flags.is_empty());
    assert_eq!(by_uid(25021).size, 1030);
    assert!(by_uid(25021).flags.contains(SystemFlag::Seen));
    assert!(by_uid(25021).flags.contains(SystemFlag::Flagged));
    assert_eq!(by_uid(25022).size, 1355 + 39);
    assert_eq!(
        by_uid(25022).email_id.as_str(),
        c.split(',').next().unwrap_or(c)
    );

    // The uidlist on disk keeps its header identity and now knows c.
    let text = fs::read_to_string(t.path().join("dovecot-uidlist")).expect("uidlist");
    let header = text.lines().next().expect("header");
    assert!(header.starts_with("3 "), "{header}");
    assert!(header.contains(" V1275660208"), "{header}");
    assert!(
        header.contains(" G3085f01b7f11094c501100008c4a11c1"),
        "{header}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("25022 ") && l.contains(c)),
        "{text}"
    );
}

#[test]
fn reopening_keeps_uids_stable() {
    let t = TempTree::new("stable");
    staktrace_maildir(t.path());
    let first: Vec<(u32, String)> = {
        let acc = account(t.path());
        let mut v: Vec<(u32, String)> = metas(&acc, "INBOX")
            .iter()
            .map(|m| (m.uid.get(), m.email_id.as_str().to_owned()))
            .collect();
        v.sort();
        v
    };
    // Another program (a MUA) marks the new/ message seen by moving it to cur/.
    fs::rename(
        t.path().join("new").join(NEW_ID),
        t.path().join("cur").join(format!("{NEW_ID}:2,S")),
    )
    .expect("rename");
    let acc = account(t.path());
    let mut second: Vec<(u32, String)> = metas(&acc, "INBOX")
        .iter()
        .map(|m| (m.uid.get(), m.email_id.as_str().to_owned()))
        .collect();
    second.sort();
    assert_eq!(first, second);
    assert_eq!(status(&acc, "INBOX").unseen, 0);
}
