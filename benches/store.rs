//! Storage benchmarks. Names: `store/<workload>/<backend>`; throughput in messages.
//!
//! - `store/deliver`: delivering 50 KiB messages. `memory`: 10,000 per iteration into a fresh
//!   store. `maildir`: 200 per iteration with fsync (file, directory and `dovecot-uidlist`),
//!   into one growing Maildir; 10,000 per iteration would take minutes per sample. `dovecot`:
//!   the same 200 messages appended by Dovecot itself (`doveadm exec imap`, one session,
//!   LITERAL+), when Dovecot is installed, for the ratio.
//! - `store/fetch-meta/memory`: metadata of every message of a 100,000-message mailbox.
//! - `store/changes-since/memory`: a QRESYNC-style resync of a 100,000-message mailbox after
//!   1% of it changed (flags of 500, 250 expunged, 250 new); `store/changes-since-none/memory`
//!   is the same call with nothing changed, to show the cost follows the change.

use std::hint::black_box;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use mail_store_traits::maildir::{MaildirConfig, MaildirStore};
use mail_store_traits::memory::MemoryStore;
use mail_store_traits::{
    Account, AccountId, AppendOptions, Delivery, ExpungeFilter, FlagOp, Flags, Store, SystemFlag,
    Uid, UidSet,
};

const KIB50: usize = 50 * 1024;

fn message_50k(n: usize) -> Bytes {
    let mut m = format!(
        "From: sender@example.org\r\nTo: rcpt@example.net\r\nSubject: bench {n}\r\n\
         Message-ID: <{n}@bench.test>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\n"
    )
    .into_bytes();
    let line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\r\n";
    while m.len() + line.len() <= KIB50 {
        m.extend_from_slice(line);
    }
    m.resize(KIB50 - 2, b'x');
    m.extend_from_slice(b"\r\n");
    Bytes::from(m)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

fn bench_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mailwire-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn deliver(c: &mut Criterion) {
    let rt = rt();
    let msgs: Vec<Bytes> = (0..10_000).map(message_50k).collect();
    let mut g = c.benchmark_group("store/deliver");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));

    g.throughput(Throughput::Elements(10_000));
    g.bench_function("memory", |b| {
        b.iter_batched(
            || {
                let s = MemoryStore::new();
                s.add_account(AccountId::new("u"));
                s
            },
            |s| {
                rt.block_on(async {
                    let to = [Delivery::inbox(AccountId::new("u"))];
                    for m in &msgs {
                        let r = s.deliver(m.clone(), &to).await;
                        black_box(&r);
                    }
                });
                s
            },
            BatchSize::PerIteration,
        );
    });

    const BATCH: usize = 200;
    g.throughput(Throughput::Elements(BATCH as u64));
    let dir = bench_dir("maildir");
    let store = MaildirStore::single(dir.join("Maildir"), MaildirConfig::default());
    let acc = rt
        .block_on(store.open_account(&AccountId::new("u")))
        .expect("open");
    let inbox = rt.block_on(acc.mailbox("INBOX")).expect("inbox").id;
    g.bench_function("maildir", |b| {
        b.iter(|| {
            rt.block_on(async {
                for m in &msgs[..BATCH] {
                    let a = acc
                        .append(inbox, m.clone(), AppendOptions::default())
                        .await
                        .expect("append");
                    black_box(a);
                }
            });
        });
    });
    let _ = std::fs::remove_dir_all(&dir);

    if let Some(dovecot) = DovecotAppend::new(&msgs[..BATCH]) {
        g.bench_function("dovecot", |b| b.iter(|| dovecot.run()));
    } else {
        eprintln!("store/deliver/dovecot skipped: Dovecot is not installed");
    }
    g.finish();
}

/// Dovecot appending the same messages in one `doveadm exec imap` session.
struct DovecotAppend {
    dir: PathBuf,
    conf: PathBuf,
    script: Vec<u8>,
}

impl DovecotAppend {
    fn new(msgs: &[Bytes]) -> Option<Self> {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
        let ok = Command::new("dovecot")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return None;
        }
        let dir = bench_dir("dovecot");
        for d in [
            "run",
            "state",
            "home/Maildir/cur",
            "home/Maildir/new",
            "home/Maildir/tmp",
        ] {
            std::fs::create_dir_all(dir.join(d)).ok()?;
        }
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).ok()?;
        let md = std::fs::metadata(&dir).ok()?;
        let (uid, gid) = if md.uid() == 0 {
            (65534, 65534)
        } else {
            (md.uid(), md.gid())
        };
        fn walk(p: &std::path::Path, uid: u32, gid: u32) {
            let _ = std::os::unix::fs::chown(p, Some(uid), Some(gid));
            if let Ok(rd) = std::fs::read_dir(p) {
                for e in rd.flatten() {
                    walk(&e.path(), uid, gid);
                }
            }
        }
        walk(&dir.join("home"), uid, gid);
        let conf = dir.join("dovecot.conf");
        std::fs::write(
            &conf,
            format!(
                "base_dir = {b}/run\nstate_dir = {b}/state\nlog_path = {b}/dovecot.log\n\
                 protocols = imap\nssl = no\nmail_location = maildir:{b}/home/Maildir\n\
                 mail_uid = {uid}\nmail_gid = {gid}\nfirst_valid_uid = 1\nfirst_valid_gid = 1\n",
                b = dir.display()
            ),
        )
        .ok()?;
        let mut script = Vec::new();
        for (i, m) in msgs.iter().enumerate() {
            script.extend_from_slice(format!("a{i} APPEND INBOX {{{}+}}\r\n", m.len()).as_bytes());
            script.extend_from_slice(m);
            script.extend_from_slice(b"\r\n");
        }
        script.extend_from_slice(b"z LOGOUT\r\n");
        Some(Self { dir, conf, script })
    }

    fn run(&self) {
        use std::io::Write as _;
        let mut child = Command::new("doveadm")
            .arg("-c")
            .arg(&self.conf)
            .args(["exec", "imap"])
            .env("USER", "bench")
            .env("HOME", self.dir.join("home"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("doveadm");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(&self.script)
            .expect("script");
        let out = child.wait_with_output().expect("output");
        assert!(
            out.stdout.windows(10).any(|w| w == b"OK Logout "),
            "Dovecot did not complete the appends"
        );
    }
}

impl Drop for DovecotAppend {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn big_mailbox(rt: &tokio::runtime::Runtime) -> (MemoryStore, mail_store_traits::MailboxId) {
    let s = MemoryStore::new();
    let id = AccountId::new("u");
    s.add_account(id.clone());
    let acc = rt.block_on(s.open_account(&id)).expect("open");
    let inbox = rt.block_on(acc.mailbox("INBOX")).expect("inbox").id;
    let body = Bytes::from_static(b"Subject: x\r\n\r\nbody\r\n");
    rt.block_on(async {
        for _ in 0..100_000 {
            acc.append(inbox, body.clone(), AppendOptions::default())
                .await
                .expect("append");
        }
    });
    (s, inbox)
}

fn fetch_meta(c: &mut Criterion) {
    let rt = rt();
    let (s, inbox) = big_mailbox(&rt);
    let acc = rt
        .block_on(s.open_account(&AccountId::new("u")))
        .expect("open");
    let mut g = c.benchmark_group("store/fetch-meta");
    g.sample_size(20);
    g.throughput(Throughput::Elements(100_000));
    g.bench_function("memory", |b| {
        b.iter(|| {
            let m = rt
                .block_on(acc.fetch_meta(inbox, &UidSet::all()))
                .expect("fetch");
            assert_eq!(m.len(), 100_000);
            black_box(m)
        });
    });
    g.finish();
}

fn changes_since(c: &mut Criterion) {
    let rt = rt();
    let (s, inbox) = big_mailbox(&rt);
    let acc = rt
        .block_on(s.open_account(&AccountId::new("u")))
        .expect("open");
    let mark = rt
        .block_on(acc.status(inbox))
        .expect("status")
        .highest_modseq;
    rt.block_on(async {
        let seen = Flags::new().with(SystemFlag::Seen);
        for i in 0..500u32 {
            let u = Uid::new(2 + i * 200).expect("uid"); // even UIDs
            acc.store_flags(inbox, &UidSet::range(u, u), FlagOp::Add, &seen, None)
                .await
                .expect("store");
        }
        for i in 0..250u32 {
            let u = Uid::new(1 + i * 400).expect("uid"); // odd UIDs: disjoint from the flagged
            acc.expunge(inbox, &UidSet::range(u, u), ExpungeFilter::Any)
                .await
                .expect("expunge");
        }
        for _ in 0..250 {
            acc.append(
                inbox,
                Bytes::from_static(b"Subject: y\r\n\r\nnew\r\n"),
                AppendOptions::default(),
            )
            .await
            .expect("append");
        }
    });
    let now = rt
        .block_on(acc.status(inbox))
        .expect("status")
        .highest_modseq;
    let mut g = c.benchmark_group("store/changes-since");
    g.throughput(Throughput::Elements(1_000));
    g.bench_function("memory", |b| {
        b.iter(|| {
            let ch = rt
                .block_on(acc.changes_since(inbox, mark))
                .expect("changes");
            assert_eq!(ch.changed.len(), 750);
            black_box(ch)
        });
    });
    g.finish();
    let mut g = c.benchmark_group("store/changes-since-none");
    g.bench_function("memory", |b| {
        b.iter(|| black_box(rt.block_on(acc.changes_since(inbox, now)).expect("changes")));
    });
    g.finish();
}

criterion_group!(benches, deliver, fetch_meta, changes_since);
criterion_main!(benches);
