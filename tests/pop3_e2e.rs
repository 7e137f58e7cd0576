//! End-to-end POP3: Python's poplib against our server session (wired to an in-memory maildrop
//! here), and `pop3-fetch` against the real Dovecot with byte-exact comparison.

mod common;

use std::collections::BTreeMap;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::os::unix::fs::chown;
use std::process::Command;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use common::*;
use mailwire::pop3::serve::{Maildrops, Refusal, serve};
use mailwire::stream::MailStream;
use mailwire::tls::ServerIdentity;
use pop3_proto::server::{Config, MaildropEntry};
use pop3_proto::types::UniqueId;

/// The messages whose framing most POP3 code gets wrong.
fn awkward_messages() -> Vec<Vec<u8>> {
    let mut long = b"Subject: long\r\n\r\n".to_vec();
    long.extend_from_slice(&[b'a'; 998]);
    long.extend_from_slice(b"\r\n");
    let mut big = b"Subject: big\r\n\r\n".to_vec();
    while big.len() < 3 * 1024 * 1024 {
        big.extend_from_slice(b".line with a leading dot and some more text to fill the space\r\n");
        big.extend_from_slice(
            b"an ordinary line of text, long enough to look like real mail...\r\n",
        );
    }
    vec![
        b"Subject: dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nafter a dot line\r\n"
            .to_vec(),
        b"Subject: only a dot\r\n\r\n.\r\n".to_vec(),
        long,
        b"Subject: empty body\r\n\r\n".to_vec(),
        big,
        b"Subject: ends without CRLF\r\n\r\nlast".to_vec(),
    ]
}

/// An in-memory maildrop for user "u" / password "p" (APOP secret "p").
struct Memory {
    messages: BTreeMap<u64, Vec<u8>>,
    committed: Mutex<Vec<Vec<u64>>>,
}

impl Maildrops for Memory {
    type Maildrop = ();

    async fn open(&self, user: &str, password: &[u8]) -> Result<((), Vec<MaildropEntry>), Refusal> {
        if user != "u" || password != b"p" {
            return Err(Refusal::bad_credentials());
        }
        let entries = self
            .messages
            .iter()
            .map(|(&key, m)| MaildropEntry {
                key,
                octets: m.len() as u64,
                uid: UniqueId::new(format!("uid-{key}")).expect("valid unique-id"),
                needs_utf8: false,
            })
            .collect();
        Ok(((), entries))
    }

    async fn apop_secret(&self, user: &str) -> Option<Vec<u8>> {
        (user == "u").then(|| b"p".to_vec())
    }

    async fn message(&self, _: &(), key: u64) -> io::Result<Vec<Bytes>> {
        let m = self
            .messages
            .get(&key)
            .ok_or_else(|| io::Error::other("no such message"))?;
        // Several chunks, split inside lines, as a store streaming a file would.
        Ok(m.chunks(777).map(Bytes::copy_from_slice).collect())
    }

    async fn commit(&self, _: &(), deleted: Vec<u64>) -> io::Result<()> {
        self.committed.lock().expect("lock").push(deleted);
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_poplib_against_our_server() {
    if !require_program("python3") {
        return;
    }
    let messages: BTreeMap<u64, Vec<u8>> = awkward_messages()
        .into_iter()
        .enumerate()
        .map(|(i, m)| (i as u64 + 10, m))
        .collect();
    let memory = Arc::new(Memory {
        messages: messages.clone(),
        committed: Mutex::new(Vec::new()),
    });
    let identity = ServerIdentity::self_signed("localhost").expect("certificate");
    let acceptor = identity.acceptor().expect("acceptor");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server_memory = memory.clone();
    tokio::spawn(async move {
        let mut n = 0u32;
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            n += 1;
            let (memory, acceptor) = (server_memory.clone(), acceptor.clone());
            tokio::spawn(async move {
                let mut config = Config::default();
                config.stls = true;
                config.apop_timestamp = Some(format!("<{n}.test@localhost>"));
                let _ = serve(
                    MailStream::Plain(tcp),
                    config,
                    Some(&acceptor),
                    memory.as_ref(),
                )
                .await;
            });
        }
    });
    let expected: Vec<String> = messages
        .values()
        .map(|m| format!("{:?}", m.len()))
        .collect();
    let dir = temp_dir("poplib");
    let script = format!(
        r#"
import poplib, ssl, hashlib
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
p = poplib.POP3('127.0.0.1', {port})
assert 'STLS' in p.capa(), p.capa()
p.stls(context=ctx)
p.user('u'); p.pass_('p')
count, size = p.stat()
print('stat', count, size)
resp, listing, _ = p.list()
print('sizes', [int(l.split()[1]) for l in listing])
resp, uidls, _ = p.uidl()
print('uidl', [u.decode() for u in uidls])
for i in range(1, count + 1):
    resp, lines, octets = p.retr(i)
    open('{dir}/%d' % i, 'wb').write(b'\r\n'.join(lines))
resp, lines, _ = p.top(1, 0)
print('top0', lines)
resp, lines, _ = p.top(1, 2)
print('top2', lines)
p.dele(1); p.dele(2)
print('after-dele', p.stat())
p.rset()
print('after-rset', p.stat())
p.dele(3)
p.quit()
a = poplib.POP3('127.0.0.1', {port})
a.apop('u', 'p')
print('apop', a.stat()[0])
a.dele(1)
a.close()  # dropped connection: nothing may be committed
"#,
        port = port,
        dir = dir.display(),
    );
    let out = tokio::task::spawn_blocking(move || python(&script))
        .await
        .expect("python thread");
    let total: usize = messages.values().map(Vec::len).sum();
    assert!(
        out.contains(&format!("stat {} {total}", messages.len())),
        "{out}"
    );
    assert!(
        out.contains(&format!("sizes [{}]", expected.join(", "))),
        "{out}"
    );
    assert!(out.contains("uidl ['1 uid-10', '2 uid-11'"), "{out}");
    assert!(
        out.contains("top0 [b'Subject: dots', b'']"),
        "TOP n 0 sends headers only: {out}"
    );
    assert!(
        out.contains("top2 [b'Subject: dots', b'', b'.starts with a dot', b'..two dots']"),
        "TOP counts body lines (poplib keeps the stuffing of '..'): {out}"
    );
    assert!(out.contains("after-rset (6,"), "{out}");
    assert!(out.contains("apop 6"), "{out}");
    // poplib unstuffs and splits lines; rebuild and compare with the originals.
    for (i, original) in messages.values().enumerate() {
        let got = std::fs::read(dir.join((i + 1).to_string())).expect("retrieved message");
        let mut want = original.clone();
        // poplib drops the CRLF of the last line (the server adds one when it is missing).
        if want.ends_with(b"\r\n") {
            want.truncate(want.len() - 2);
        }
        assert_eq!(got, want, "message {} changed", i + 1);
    }
    let committed = memory.committed.lock().expect("lock").clone();
    assert_eq!(
        committed,
        vec![vec![12]],
        "only the QUIT in TRANSACTION commits, and only msg 3"
    );
}

/// The Maildir of a Dovecot user owned only by this test binary.
fn fill_dovecot_maildrop(user: &str, messages: &[Vec<u8>]) -> std::path::PathBuf {
    let root = peers_dir().join("mail").join(user).join("Maildir");
    let _ = std::fs::remove_dir_all(&root);
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(root.join(sub)).expect("maildir");
    }
    let owner = std::fs::metadata(peers_dir().join("mail")).expect("mail dir");
    for (i, m) in messages.iter().enumerate() {
        let path = root.join("new").join(format!("17000000{i:02}.M{i}P1.test"));
        std::fs::write(&path, m).expect("write message");
        chown(&path, Some(owner.uid()), Some(owner.gid())).expect("chown");
    }
    for dir in [
        root.parent().expect("home").to_path_buf(),
        root.clone(),
        root.join("tmp"),
        root.join("new"),
        root.join("cur"),
    ] {
        chown(&dir, Some(owner.uid()), Some(owner.gid())).expect("chown");
    }
    root
}

fn pop3_fetch(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(example("pop3-fetch"))
        .args(args)
        .output()
        .expect("run pop3-fetch");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn downloaded(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("new"))
        .expect("new/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect()
}

#[test]
fn pop3_fetch_against_dovecot_byte_exact() {
    if !require_peer("Dovecot POP3", 10110) {
        return;
    }
    // Dovecot serves what it stores; a message ending without CRLF gets one on the wire.
    let messages: Vec<Vec<u8>> = awkward_messages()
        .into_iter()
        .filter(|m| m.ends_with(b"\r\n"))
        .collect();
    fill_dovecot_maildrop("carol", &messages);
    let ca = peers_dir().join("tls/cert.pem");
    let ca = ca.to_str().expect("utf-8");
    for (tls, port, auth) in [
        ("plain", "10110", "user"),
        ("starttls", "10110", "apop"),
        ("tls", "10995", "plain"),
    ] {
        let out_dir = temp_dir("pop3-fetch");
        let server = format!("127.0.0.1:{port}");
        let maildir = out_dir.to_str().expect("utf-8");
        let args = [
            "--server",
            &server,
            "--tls",
            tls,
            "--ca",
            ca,
            "--user",
            "carol",
            "--password",
            "secret3",
            "--auth",
            auth,
            "--maildir",
            maildir,
        ];
        let (ok, stdout, stderr) = pop3_fetch(&args);
        assert!(ok, "{tls}/{auth}: {stderr}");
        let total: usize = messages.iter().map(Vec::len).sum();
        assert_eq!(
            stdout.trim(),
            format!("fetched {} messages, {total} bytes", messages.len())
        );
        let mut got = downloaded(&out_dir);
        let mut want = messages.clone();
        got.sort();
        want.sort();
        assert!(
            got == want,
            "{tls}/{auth}: downloaded messages differ from the maildrop"
        );
        if tls == "plain" {
            let (ok, stdout, _) = pop3_fetch(&[&args[..], &["--new-only"]].concat());
            assert!(ok);
            assert_eq!(stdout.trim(), "fetched 0 messages, 0 bytes");
        }
    }
    // --delete removes them on the server, only after they are on disk.
    let out_dir = temp_dir("pop3-delete");
    let maildir = out_dir.to_str().expect("utf-8");
    let base = [
        "--server",
        "127.0.0.1:10110",
        "--user",
        "carol",
        "--password",
        "secret3",
        "--maildir",
        maildir,
    ];
    let (ok, _, stderr) = pop3_fetch(&[&base[..], &["--delete"]].concat());
    assert!(ok, "{stderr}");
    assert_eq!(downloaded(&out_dir).len(), messages.len());
    let (ok, stdout, _) = pop3_fetch(&base);
    assert!(ok);
    assert_eq!(
        stdout.trim(),
        "fetched 0 messages, 0 bytes",
        "the maildrop is empty after --delete"
    );
    let (ok, _, stderr) = pop3_fetch(&[
        "--server",
        "127.0.0.1:10110",
        "--user",
        "carol",
        "--password",
        "wrong",
        "--maildir",
        maildir,
    ]);
    assert!(!ok && stderr.contains("[AUTH]"), "{stderr}");
}
