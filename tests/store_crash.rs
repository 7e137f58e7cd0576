//! Crash safety of Maildir delivery.
//!
//! A child process (this same test binary, in child mode) delivers a stream of messages and
//! prints `N UIDVALIDITY UID` after each delivery returns. The parent kills it with SIGKILL at
//! random moments, many times over, then checks with a fresh store that every acknowledged
//! message is present under its UID and whole, and that no message visible in the Maildir is
//! partial.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use mail_store_traits::maildir::{MaildirConfig, MaildirStore};
use mail_store_traits::{Account, AccountId, AppendOptions, Store, UidSet};

const CHILD_ENV: &str = "MAILWIRE_STORE_CRASH_CHILD";
const ROUNDS: u64 = 40;

/// Message `n`: 1 KiB to 200 KiB, so kills land inside writes as well as between them.
fn message(n: u64) -> Vec<u8> {
    let lines = 20 + (n.wrapping_mul(7919) % 5000) as usize;
    let mut m = format!("Subject: crash {n}\r\nMessage-ID: <{n}@crash.test>\r\n\r\n").into_bytes();
    for i in 0..lines {
        m.extend_from_slice(format!("line {i} of message {n}, padding padding\r\n").as_bytes());
    }
    m.extend_from_slice(format!("END {n}\r\n").as_bytes());
    m
}

fn tag(body: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(body.get(..64.min(body.len()))?).ok()?;
    text.strip_prefix("Subject: crash ")?
        .split("\r\n")
        .next()?
        .parse()
        .ok()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime")
}

fn child(spec: &str) {
    let (dir, start) = spec.split_once('|').expect("DIR|START");
    let start: u64 = start.parse().expect("start number");
    runtime().block_on(async {
        let store = MaildirStore::single(dir, MaildirConfig::default());
        let account = store
            .open_account(&AccountId::new("crash"))
            .await
            .expect("open");
        let inbox = account.mailbox("INBOX").await.expect("inbox").id;
        let mut out = std::io::stdout().lock();
        for n in start.. {
            let a = account
                .append(inbox, message(n).into(), AppendOptions::default())
                .await
                .expect("append");
            writeln!(out, "{n} {} {}", a.uidvalidity, a.uid).expect("stdout");
            out.flush().expect("stdout");
        }
    });
}

fn seed() -> u64 {
    #[allow(clippy::disallowed_methods)] // test randomness, not a protocol clock
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    t | 1
}

fn parent() {
    let dir = std::env::temp_dir().join(format!("mailwire-store-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let maildir = dir.join("Maildir");
    let exe = std::env::current_exe().expect("own path");
    let mut rng = seed();
    println!("store_crash: seed {rng}");
    let mut acked: Vec<(u64, u32, u32)> = Vec::new();
    for round in 0..ROUNDS {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let delay = Duration::from_millis(5 + rng % 150);
        let mut child = Command::new(&exe)
            .env(
                CHILD_ENV,
                format!("{}|{}", maildir.display(), round * 1_000_000),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the delivering child");
        let stdout = child.stdout.take().expect("piped stdout");
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        std::thread::sleep(delay);
        child.kill().expect("SIGKILL the child");
        child.wait().expect("reap the child");
        for line in reader.join().expect("reader thread") {
            let mut f = line.split(' ').map(|x| x.parse::<u64>().expect("number"));
            let (n, v, uid) = (f.next(), f.next(), f.next());
            acked.push((
                n.expect("n"),
                u32::try_from(v.expect("uidvalidity")).expect("u32"),
                u32::try_from(uid.expect("uid")).expect("u32"),
            ));
        }
    }
    verify(&maildir, &acked);
    let _ = std::fs::remove_dir_all(&dir);
}

fn verify(maildir: &Path, acked: &[(u64, u32, u32)]) {
    assert!(
        acked.len() >= 10,
        "too few deliveries were acknowledged ({}) to test anything",
        acked.len()
    );
    runtime().block_on(async {
        let store = MaildirStore::single(maildir, MaildirConfig::default());
        let account = store.open_account(&AccountId::new("check")).await.expect("open");
        let inbox = account.mailbox("INBOX").await.expect("inbox").id;
        let snap = account.snapshot(inbox).await.expect("snapshot");
        let mut by_uid = std::collections::HashMap::new();
        for uid in &snap.uids {
            let body = account
                .read_body(inbox, *uid, None)
                .await
                .expect("read")
                .collect_bytes()
                .await
                .expect("read");
            let n = tag(&body).unwrap_or_else(|| panic!("UID {uid}: a partial or foreign message is visible"));
            assert!(body.as_ref() == message(n).as_slice(), "UID {uid}: message {n} is not whole");
            by_uid.insert(uid.get(), n);
        }
        let meta = account.fetch_meta(inbox, &UidSet::all()).await.expect("meta");
        for m in &meta {
            let n = by_uid[&m.uid.get()];
            assert_eq!(m.size, message(n).len() as u64, "UID {}: size", m.uid);
        }
        let mut seen = std::collections::HashSet::new();
        for &(n, v, uid) in acked {
            assert_eq!(v, snap.uidvalidity.get(), "UIDVALIDITY changed after a crash");
            assert!(seen.insert(uid), "UID {uid} was acknowledged twice");
            assert_eq!(by_uid.get(&uid), Some(&n), "acknowledged message {n} is not at UID {uid}");
        }
        println!(
            "store_crash: {ROUNDS} kills, {} acknowledged, {} present ({} delivered but killed before the acknowledgement), all whole",
            acked.len(),
            snap.uids.len(),
            snap.uids.len() - acked.len()
        );
    });
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        child(&spec);
        return;
    }
    parent();
    println!("test store_crash ... ok");
}
