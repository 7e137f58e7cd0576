//! Whole IMAP sessions between real clients (Python's imaplib, curl) and the real Dovecot,
//! recorded by a proxy in this test, must be parsed completely by `dissect imap` in both
//! directions, with round trips.

mod common;

use std::process::Command;
use std::sync::{Arc, Mutex};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What went through the proxy, per direction.
#[derive(Default)]
struct Recording {
    client: Vec<u8>,
    server: Vec<u8>,
}

/// Copies `from` to `to`, appending everything to `log`.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    log: Arc<Mutex<Recording>>,
    client_side: bool,
) {
    let mut buf = vec![0u8; 65536];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        {
            let mut log = log.lock().expect("lock");
            let side = if client_side {
                &mut log.client
            } else {
                &mut log.server
            };
            side.extend_from_slice(&buf[..n]);
        }
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// A recording proxy to 127.0.0.1:`upstream` for one connection; returns its port.
async fn proxy(upstream: u16, log: Arc<Mutex<Recording>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let Ok((client, _)) = listener.accept().await else {
            return;
        };
        let server = TcpStream::connect(("127.0.0.1", upstream))
            .await
            .expect("upstream");
        let (cr, cw) = client.into_split();
        let (sr, sw) = server.into_split();
        let a = tokio::spawn(pump(cr, sw, log.clone(), true));
        let b = tokio::spawn(pump(sr, cw, log, false));
        let _ = tokio::join!(a, b);
    });
    port
}

fn check_both_directions(what: &str, log: &Mutex<Recording>) {
    let log = log.lock().expect("lock");
    assert!(
        !log.client.is_empty() && !log.server.is_empty(),
        "{what}: nothing recorded"
    );
    for (from, bytes) in [("client", &log.client), ("server", &log.server)] {
        let (code, out) = dissect(&["imap", from, "--roundtrip"], bytes);
        assert_eq!(
            code,
            0,
            "{what} {from}:\n{out}\n--- stream ---\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imaplib_and_curl_sessions_with_dovecot() {
    if !(require_peer("Dovecot IMAP", 10143) && require_program("python3")) {
        return;
    }
    let log = Arc::new(Mutex::new(Recording::default()));
    let port = proxy(10143, log.clone()).await;
    let script = format!(
        r#"
import imaplib
m = imaplib.IMAP4('127.0.0.1', {port})
m.login('alice', 'secret1')
m.create('Archive.2024')
m.subscribe('Archive.2024')
m.list()
m.lsub()
m.select('INBOX')
m.append('INBOX', '(\\Seen $Label1)', None, b'Subject: from imaplib\r\nTo: a@example.org\r\n\r\nline\r\n.dot\r\n')
typ, data = m.search(None, 'ALL')
ids = data[0].split()
m.fetch(ids[-1], '(FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)')
m.fetch(ids[-1], '(BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.10> RFC822)')
m.uid('SEARCH', 'UNSEEN')
m.store(ids[-1], '+FLAGS', '(\\Flagged)')
m.copy(ids[-1], 'Archive.2024')
m.status('Archive.2024', '(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)')
m._simple_command('MOVE', ids[-1], 'Archive.2024')
m.expunge()
m.select('Archive.2024', readonly=True)
m.uid('FETCH', '1:*', '(UID FLAGS)')
m.close()
m.delete('Archive.2024')
m.logout()
"#
    );
    tokio::task::spawn_blocking(move || python(&script))
        .await
        .expect("imaplib");
    check_both_directions("imaplib", &log);

    if require_program("curl") {
        let log = Arc::new(Mutex::new(Recording::default()));
        let port = proxy(10143, log.clone()).await;
        let out = tokio::task::spawn_blocking(move || {
            Command::new("curl")
                .args(["-sS", "--max-time", "20", "-u", "alice:secret1"])
                .arg(format!("imap://127.0.0.1:{port}/INBOX;UID=1"))
                .output()
                .expect("curl")
        })
        .await
        .expect("curl thread");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        check_both_directions("curl", &log);
    }
}
