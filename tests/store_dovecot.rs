//! Interop of the Maildir backend with the real Dovecot, which reads and writes the same
//! Maildir. Dovecot is driven with `doveadm exec imap` (IMAP over stdin/stdout, no socket).
//!
//! Skips with a printed reason when Dovecot is not installed, except under `CI=true`, where
//! a missing Dovecot fails the test.

use std::fs;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mail_store_traits::maildir::{MaildirConfig, MaildirStore};
use mail_store_traits::{
    Account, AccountId, AppendOptions, FlagOp, Flags, Keyword, Store, SystemFlag, UidSet,
};

fn dovecot_present() -> bool {
    let quiet = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
    };
    let found = quiet("dovecot", "--version").is_ok_and(|s| s.success())
        && quiet("doveadm", "help").is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but Dovecot (doveadm) is not installed: apt-get install dovecot-imapd"
        );
        eprintln!("skipped: Dovecot is not installed (apt-get install dovecot-imapd)");
    }
    found
}

/// A private Dovecot configuration around one Maildir.
struct Dovecot {
    base: PathBuf,
    home: PathBuf,
    conf: PathBuf,
    /// The uid/gid Dovecot runs as; `Some` when we are root and must hand it the files.
    chown_to: Option<(u32, u32)>,
}

impl Dovecot {
    fn new(name: &str) -> Self {
        let base =
            std::env::temp_dir().join(format!("mailwire-dovecot-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let home = base.join("home");
        for d in ["run", "state", "home"] {
            fs::create_dir_all(base.join(d)).expect("mkdir");
        }
        fs::set_permissions(&base, fs::Permissions::from_mode(0o755)).expect("chmod");
        let probe = fs::metadata(&base).expect("stat");
        let (uid, gid) = (probe.uid(), probe.gid());
        // Dovecot refuses to run mail processes as root.
        let (mail_uid, mail_gid, chown_to) = if uid == 0 {
            (65534, 65534, Some((65534, 65534)))
        } else {
            (uid, gid, None)
        };
        let conf = base.join("dovecot.conf");
        fs::write(
            &conf,
            format!(
                "base_dir = {b}/run\nstate_dir = {b}/state\nlog_path = {b}/dovecot.log\n\
                 protocols = imap\nssl = no\nmail_location = maildir:{h}/Maildir\n\
                 mail_uid = {mail_uid}\nmail_gid = {mail_gid}\nfirst_valid_uid = 1\nfirst_valid_gid = 1\n",
                b = base.display(),
                h = home.display()
            ),
        )
        .expect("write dovecot.conf");
        Self {
            base,
            home,
            conf,
            chown_to,
        }
    }

    fn maildir(&self) -> PathBuf {
        self.home.join("Maildir")
    }

    fn hand_over(&self) {
        fn walk(p: &Path, ids: (u32, u32)) {
            std::os::unix::fs::chown(p, Some(ids.0), Some(ids.1)).expect("chown");
            if p.is_dir() {
                for e in fs::read_dir(p).expect("readdir").flatten() {
                    walk(&e.path(), ids);
                }
            }
        }
        if let Some(ids) = self.chown_to {
            walk(&self.home, ids);
        }
    }

    /// Runs an IMAP script through Dovecot and returns what it answered.
    fn imap(&self, script: &[u8]) -> Vec<u8> {
        self.hand_over();
        let mut child = Command::new("doveadm")
            .arg("-c")
            .arg(&self.conf)
            .args(["exec", "imap"])
            .env("USER", "tester")
            .env("HOME", &self.home)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run doveadm exec imap");
        {
            use std::io::Write as _;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(script).expect("write the script");
        }
        let out = child.wait_with_output().expect("doveadm output");
        let stdout = out.stdout;
        let text = String::from_utf8_lossy(&stdout);
        assert!(
            text.contains("OK Logout"),
            "Dovecot did not finish the script:\n{text}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !text.contains(" NO ") && !text.contains(" BAD "),
            "Dovecot refused something:\n{text}"
        );
        stdout
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.base);
    }
}

/// One message of a `UID FETCH (UID FLAGS BODY.PEEK[])` answer.
#[derive(Debug)]
struct Fetched {
    uid: u32,
    flags: Vec<String>,
    body: Vec<u8>,
}

fn parse_fetches(out: &[u8]) -> Vec<Fetched> {
    let mut found = Vec::new();
    let mut rest = out;
    while let Some(i) = find(rest, b" FETCH (") {
        rest = &rest[i + 8..];
        let uid_at = find(rest, b"UID ").expect("UID item") + 4;
        let uid: u32 = digits(&rest[uid_at..]).parse().expect("uid");
        let f_at = find(rest, b"FLAGS (").expect("FLAGS item") + 7;
        let f_end = f_at + find(&rest[f_at..], b")").expect("flags end");
        let flags = String::from_utf8_lossy(&rest[f_at..f_end])
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        let b_at = find(rest, b"BODY[] {").expect("BODY[] item") + 8;
        let len: usize = digits(&rest[b_at..]).parse().expect("literal length");
        let start = b_at + find(&rest[b_at..], b"}\r\n").expect("literal") + 3;
        let body = rest[start..start + len].to_vec();
        rest = &rest[start + len..];
        found.push(Fetched { uid, flags, body });
    }
    found
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn digits(b: &[u8]) -> String {
    b.iter()
        .take_while(|c| c.is_ascii_digit())
        .map(|&c| char::from(c))
        .collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

fn message(n: u32, extra: &str) -> Vec<u8> {
    format!(
        "From: a@example.org\r\nTo: b@example.org\r\nSubject: interop {n} {extra}\r\n\
         Message-ID: <{n}@interop.test>\r\n\r\nHello {n}, non-ASCII body: \u{e4}\u{f6}\u{fc}\r\n.leading dot\r\n"
    )
    .into_bytes()
}

/// The `maildir-deliver` example binary if `cargo test` built it.
fn deliver_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let p = exe
        .parent()?
        .parent()?
        .join("examples")
        .join("maildir-deliver");
    p.is_file().then_some(p)
}

/// Delivers `files` into `mailbox` with `flags` and returns the `(UIDVALIDITY, UID)`s, with
/// maildir-deliver when it was built, else through the same library calls.
fn deliver(maildir: &Path, mailbox: &str, flags: &str, bodies: &[Vec<u8>]) -> Vec<(u32, u32)> {
    let dir = maildir.parent().expect("parent").join("incoming");
    fs::create_dir_all(&dir).expect("mkdir");
    let files: Vec<PathBuf> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let p = dir.join(format!("{mailbox}-{i}.eml").replace('/', "_"));
            fs::write(&p, b).expect("write message file");
            p
        })
        .collect();
    if let Some(bin) = deliver_binary() {
        let out = Command::new(bin)
            .arg("--maildir")
            .arg(maildir)
            .args(["--mailbox", mailbox, "--flags", flags])
            .args(&files)
            .output()
            .expect("run maildir-deliver");
        assert!(
            out.status.success(),
            "maildir-deliver failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return String::from_utf8(out.stdout)
            .expect("utf-8")
            .lines()
            .map(|l| {
                let (v, u) = l.split_once(' ').expect("UIDVALIDITY UID");
                (v.parse().expect("v"), u.parse().expect("uid"))
            })
            .collect();
    }
    eprintln!(
        "note: maildir-deliver was not built (cargo test --test store_dovecot); delivering through the library"
    );
    runtime().block_on(async {
        let store = MaildirStore::single(maildir, MaildirConfig::default());
        let acc = store
            .open_account(&AccountId::new("local"))
            .await
            .expect("open");
        let mb = match acc.mailbox(mailbox).await {
            Ok(m) => m,
            Err(_) => acc.create_mailbox(mailbox, None).await.expect("create"),
        };
        let flags = Flags::parse_imap(flags).expect("flags");
        let mut out = Vec::new();
        for b in bodies {
            let a = acc
                .append(
                    mb.id,
                    b.clone().into(),
                    AppendOptions::with_flags(flags.clone()),
                )
                .await
                .expect("append");
            out.push((a.uidvalidity.get(), a.uid.get()));
        }
        out
    })
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn dovecot_reads_what_maildir_deliver_wrote() {
    if !dovecot_present() {
        return;
    }
    let dc = Dovecot::new("read");
    let maildir = dc.maildir();
    let inbox_plain = vec![message(1, "plain"), message(2, "plain")];
    let inbox_flagged = vec![message(3, "flagged")];
    let folder = vec![message(4, "folder"), message(5, "folder")];
    let a = deliver(&maildir, "INBOX", "", &inbox_plain);
    let b = deliver(
        &maildir,
        "INBOX",
        "\\Seen \\Flagged $Junk Work",
        &inbox_flagged,
    );
    let c = deliver(
        &maildir,
        "Archiv/Entwürfe",
        "\\Answered $Forwarded",
        &folder,
    );
    assert_eq!(
        a.iter().chain(&b).map(|x| x.1).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(c.iter().map(|x| x.1).collect::<Vec<_>>(), vec![1, 2]);

    // A copy made by our backend (hard link, EMAILID in the uidlist's G field).
    runtime().block_on(async {
        let store = MaildirStore::single(&maildir, MaildirConfig::default());
        let acc = store
            .open_account(&AccountId::new("local"))
            .await
            .expect("open");
        let inbox = acc.mailbox("INBOX").await.expect("inbox").id;
        let dest = acc.mailbox("Archiv/Entwürfe").await.expect("folder").id;
        let map = acc.copy(inbox, &UidSet::all(), dest).await.expect("copy");
        assert_eq!(map.pairs.len(), 3);
    });

    let out = dc.imap(
        b"l LIST \"\" \"*\"\r\n\
          a SELECT INBOX\r\n\
          b UID FETCH 1:* (UID FLAGS BODY.PEEK[])\r\n\
          z LOGOUT\r\n",
    );
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("\"Archiv.Entw&APw-rfe\"") || text.contains(" Archiv.Entw&APw-rfe"),
        "{text}"
    );
    assert!(
        text.contains(&format!("[UIDVALIDITY {}]", a[0].0)),
        "Dovecot sees our UIDVALIDITY:\n{text}"
    );
    let got = parse_fetches(&out);
    assert_eq!(
        got.iter().map(|f| f.uid).collect::<Vec<_>>(),
        vec![1, 2, 3],
        "Dovecot sees our UIDs"
    );
    for (f, want) in got.iter().zip(inbox_plain.iter().chain(&inbox_flagged)) {
        assert_eq!(
            &f.body, want,
            "UID {}: Dovecot serves the same bytes",
            f.uid
        );
    }
    assert!(
        got[0].flags.iter().all(|f| f == "\\Recent"),
        "{:?}",
        got[0].flags
    );
    let flags: Vec<String> = got[2]
        .flags
        .iter()
        .filter(|f| *f != "\\Recent")
        .cloned()
        .collect();
    assert_eq!(
        sorted(flags),
        sorted(vec![
            "$Junk".into(),
            "Work".into(),
            "\\Flagged".into(),
            "\\Seen".into()
        ])
    );

    let out = dc.imap(
        b"a SELECT \"Archiv.Entw&APw-rfe\"\r\n\
          b UID FETCH 1:* (UID FLAGS BODY.PEEK[])\r\n\
          z LOGOUT\r\n",
    );
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains(&format!("[UIDVALIDITY {}]", c[0].0)),
        "{text}"
    );
    let got = parse_fetches(&out);
    assert_eq!(
        got.iter().map(|f| f.uid).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    for (f, want) in got.iter().zip(&folder) {
        assert_eq!(&f.body, want);
        let flags: Vec<String> = f
            .flags
            .iter()
            .filter(|f| *f != "\\Recent")
            .cloned()
            .collect();
        assert_eq!(
            sorted(flags),
            sorted(vec!["$Forwarded".into(), "\\Answered".into()])
        );
    }
    for (f, want) in got[2..]
        .iter()
        .zip(inbox_plain.iter().chain(&inbox_flagged))
    {
        assert_eq!(&f.body, want, "UID {}: the copies", f.uid);
    }
    let copied: Vec<String> = got[4]
        .flags
        .iter()
        .filter(|f| *f != "\\Recent")
        .cloned()
        .collect();
    assert_eq!(
        sorted(copied),
        sorted(vec![
            "$Junk".into(),
            "Work".into(),
            "\\Flagged".into(),
            "\\Seen".into()
        ]),
        "keywords are remapped to the destination's letters"
    );
    let log = fs::read_to_string(dc.base.join("dovecot.log")).unwrap_or_default();
    assert!(
        !log.contains("Error") && !log.contains("orrupt") && !log.contains("roken"),
        "Dovecot complained about our Maildir:\n{log}"
    );
}

#[test]
fn maildir_backend_reads_what_dovecot_wrote() {
    if !dovecot_present() {
        return;
    }
    let dc = Dovecot::new("write");
    fs::create_dir_all(dc.maildir()).expect("mkdir");
    let m1 = message(11, "dovecot");
    let m2 = message(12, "dovecot");
    let m3 = message(13, "dovecot");
    let mut script = Vec::new();
    script.extend_from_slice(b"c CREATE \"Entw&APw-rfe\"\r\n");
    for (tag, mb, flags, m) in [
        ("a1", "INBOX", "(\\Seen $Junk)", &m1),
        ("a2", "INBOX", "()", &m2),
        ("a3", "\"Entw&APw-rfe\"", "(\\Flagged \\Draft)", &m3),
    ] {
        script.extend_from_slice(
            format!("{tag} APPEND {mb} {flags} {{{}+}}\r\n", m.len()).as_bytes(),
        );
        script.extend_from_slice(m);
        script.extend_from_slice(b"\r\n");
    }
    script.extend_from_slice(b"z LOGOUT\r\n");
    let out = dc.imap(&script);
    let text = String::from_utf8_lossy(&out);
    let appenduid = |tag: &str| -> (u32, u32) {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{tag} OK")))
            .expect("tagged OK");
        let at = line.find("[APPENDUID ").expect("APPENDUID") + 11;
        let mut it = line[at..].split([' ', ']']);
        (
            it.next().expect("v").parse().expect("v"),
            it.next().expect("uid").parse().expect("uid"),
        )
    };
    let (v_inbox, u1) = appenduid("a1");
    let (_, u2) = appenduid("a2");
    let (v_folder, u3) = appenduid("a3");

    runtime().block_on(async {
        let store = MaildirStore::single(dc.maildir(), MaildirConfig::default());
        let acc = store
            .open_account(&AccountId::new("tester"))
            .await
            .expect("open");
        let inbox = acc.mailbox("INBOX").await.expect("inbox").id;
        let st = acc.status(inbox).await.expect("status");
        assert_eq!(st.uidvalidity.get(), v_inbox, "same UIDVALIDITY as Dovecot");
        let snap = acc.snapshot(inbox).await.expect("snapshot");
        assert_eq!(
            snap.uids.iter().map(|u| u.get()).collect::<Vec<_>>(),
            vec![u1, u2],
            "same UIDs"
        );
        let meta = acc.fetch_meta(inbox, &UidSet::all()).await.expect("meta");
        let junk = Keyword::new("$Junk").expect("keyword");
        assert!(meta[0].flags.contains(SystemFlag::Seen) && meta[0].flags.has_keyword(&junk));
        assert!(meta[1].flags.is_empty());
        for (m, want) in meta.iter().zip([&m1, &m2]) {
            assert_eq!(
                m.size,
                want.len() as u64,
                "exact CRLF size of a Dovecot-written file"
            );
            let body = acc
                .read_body(inbox, m.uid, None)
                .await
                .expect("body")
                .collect_bytes()
                .await
                .expect("read");
            assert_eq!(
                body.as_ref(),
                want.as_slice(),
                "same bytes as appended to Dovecot"
            );
        }
        let folder = acc
            .mailbox("Entwürfe")
            .await
            .expect("the folder Dovecot created, by its UTF-8 name");
        let st = acc.status(folder.id).await.expect("status");
        assert_eq!(st.uidvalidity.get(), v_folder);
        let fm = acc
            .fetch_meta(folder.id, &UidSet::all())
            .await
            .expect("meta");
        assert_eq!(fm.iter().map(|m| m.uid.get()).collect::<Vec<_>>(), vec![u3]);
        assert!(
            fm[0].flags.contains(SystemFlag::Flagged) && fm[0].flags.contains(SystemFlag::Draft)
        );
        // And back: a flag we set is what Dovecot then reports.
        let answered = Flags::new().with(SystemFlag::Answered);
        let one = UidSet::range(meta[1].uid, meta[1].uid);
        acc.store_flags(inbox, &one, FlagOp::Add, &answered, None)
            .await
            .expect("store");
    });
    let out = dc.imap(b"a SELECT INBOX\r\nb UID FETCH 1:* (UID FLAGS BODY.PEEK[])\r\nz LOGOUT\r\n");
    let got = parse_fetches(&out);
    assert_eq!(got.len(), 2);
    assert!(
        got[1].flags.iter().any(|f| f == "\\Answered"),
        "{:?}",
        got[1].flags
    );
    assert_eq!(got[1].body, m2);
}
