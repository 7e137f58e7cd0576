//! The Maildir backend against the conformance kit, plus on-disk behaviour: the Dovecot file
//! formats, persistence across restarts, and changes made by other programs.
#![cfg(feature = "maildir")]

use std::fs;
use std::path::Path;

use bytes::Bytes;
use futures_lite::future::block_on;
use mail_store_traits::maildir::{MaildirConfig, MaildirStore};
use mail_store_traits::testing::{run_conformance, sample_message};
use mail_store_traits::*;

fn config() -> MaildirConfig {
    // fsync is exercised by the crash test and the bench; here it only costs time.
    MaildirConfig::default().with_fsync(false)
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = ["new", "cur"]
        .iter()
        .flat_map(|s| fs::read_dir(dir.join(s)).into_iter().flatten().flatten())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    v.sort();
    v
}

#[test]
fn maildir_passes_the_conformance_kit() {
    let root = tempfile::tempdir().expect("tempdir");
    let store = MaildirStore::per_account(root.path(), config());
    let (a, b) = (
        AccountId::new("a@example.org"),
        AccountId::new("b@example.org"),
    );
    let report = block_on(run_conformance(&store, &a, &b));
    assert!(report.checks > 400, "ran {} checks", report.checks);
    println!("conformance: {} checks", report.checks);
}

#[test]
fn writes_the_dovecot_layout() {
    let root = tempfile::tempdir().expect("tempdir");
    let store = MaildirStore::single(root.path(), config());
    let id = AccountId::new("u");
    block_on(async {
        let acc = store.open_account(&id).await?;
        let inbox = acc.mailbox("INBOX").await?;
        let plain = acc
            .append(
                inbox.id,
                Bytes::from_static(b"Subject: a\n\nx\n"),
                AppendOptions::default(),
            )
            .await?;
        let flags = Flags::parse_imap("\\Seen \\Flagged $Junk Work")?;
        let flagged = acc
            .append(
                inbox.id,
                sample_message("b", 1),
                AppendOptions::with_flags(flags),
            )
            .await?;
        assert_eq!(flagged.uid.get(), plain.uid.get() + 1);
        let entw = acc.create_mailbox("Archiv/Entwürfe", None).await?;
        acc.append(entw.id, sample_message("c", 1), AppendOptions::default())
            .await?;

        // new/ holds the unflagged message, cur/ the flagged one with letters in ASCII order.
        let names = files(root.path());
        assert_eq!(names.len(), 2);
        let newf = fs::read_dir(root.path().join("new"))?.count();
        assert_eq!(newf, 1);
        let cur = names
            .iter()
            .find(|n| n.contains(":2,"))
            .expect("flagged file in cur");
        assert!(cur.ends_with(":2,FSab"), "{cur}");
        let size = b"Subject: a\r\n\r\nx\r\n".len();
        assert!(
            names
                .iter()
                .any(|n| n.contains(&format!(",S={size},W={size}"))),
            "{names:?}"
        );
        let kw = fs::read_to_string(root.path().join("dovecot-keywords"))?;
        assert_eq!(kw, "0 $Junk\n1 Work\n");
        let uidlist = fs::read_to_string(root.path().join("dovecot-uidlist"))?;
        let header = uidlist.lines().next().expect("header");
        assert!(header.starts_with("3 V"), "{header}");
        assert!(header.contains(&format!(" G{}", inbox.id)), "{header}");
        assert_eq!(uidlist.lines().count(), 3, "{uidlist}");
        assert!(
            uidlist
                .lines()
                .nth(2)
                .expect("line")
                .starts_with(&format!("{} :", flagged.uid))
        );
        assert!(!root.path().join("dovecot-uidlist.lock").exists());
        // Maildir++ folder in modified UTF-7.
        assert!(
            root.path()
                .join(".Archiv.Entw&APw-rfe")
                .join("cur")
                .is_dir()
        );
        assert!(root.path().join(".Archiv").join("cur").is_dir());
        Ok::<_, Box<dyn std::error::Error>>(())
    })
    .expect("store operations");
}

#[test]
fn uids_modseqs_and_flags_survive_a_restart() {
    let root = tempfile::tempdir().expect("tempdir");
    let id = AccountId::new("u");
    let (inbox, uids, highest, v) = block_on(async {
        let store = MaildirStore::single(root.path(), config());
        let acc = store.open_account(&id).await?;
        let inbox = acc.mailbox("INBOX").await?.id;
        let mut uids = Vec::new();
        for i in 0..5 {
            uids.push(
                acc.append(
                    inbox,
                    sample_message(&i.to_string(), 2),
                    AppendOptions::default(),
                )
                .await?
                .uid,
            );
        }
        let seen = Flags::new().with(SystemFlag::Seen);
        acc.store_flags(
            inbox,
            &UidSet::range(uids[1], uids[1]),
            FlagOp::Add,
            &seen,
            None,
        )
        .await?;
        acc.expunge(inbox, &UidSet::range(uids[3], uids[3]), ExpungeFilter::Any)
            .await?;
        let st = acc.status(inbox).await?;
        Ok::<_, StoreError>((inbox, uids, st.highest_modseq, st.uidvalidity))
    })
    .expect("first run");
    block_on(async {
        let store = MaildirStore::single(root.path(), config());
        let acc = store.open_account(&id).await?;
        let again = acc.mailbox("INBOX").await?.id;
        assert_eq!(again, inbox, "the mailbox id (GUID) persists");
        let st = acc.status(inbox).await?;
        assert_eq!(st.uidvalidity, v);
        assert_eq!(st.highest_modseq, highest, "HIGHESTMODSEQ persists");
        let snap = acc.snapshot(inbox).await?;
        assert_eq!(snap.uids, vec![uids[0], uids[1], uids[2], uids[4]]);
        let meta = acc.fetch_meta(inbox, &UidSet::all()).await?;
        assert!(meta[1].flags.contains(SystemFlag::Seen));
        assert_eq!(
            meta[1].modseq,
            highest
                .get()
                .checked_sub(1)
                .and_then(ModSeq::new)
                .expect("modseq")
        );
        let ch = acc
            .changes_since(inbox, ModSeq::new(highest.get() - 1).expect("modseq"))
            .await?;
        assert_eq!(
            ch.vanished,
            Vanished::Uids(UidSet::range(uids[3], uids[3])),
            "tombstones persist"
        );
        let next = acc
            .append(inbox, sample_message("later", 1), AppendOptions::default())
            .await?;
        assert!(next.uid > uids[4] && next.modseq > highest);
        Ok::<_, StoreError>(())
    })
    .expect("second run");
}

#[test]
fn notices_changes_made_by_other_programs() {
    let root = tempfile::tempdir().expect("tempdir");
    let store = MaildirStore::single(root.path(), config());
    let id = AccountId::new("u");
    block_on(async {
        let acc = store.open_account(&id).await?;
        let inbox = acc.mailbox("INBOX").await?.id;
        let x = acc
            .append(inbox, sample_message("x", 1), AppendOptions::default())
            .await?;
        let y = acc
            .append(inbox, sample_message("y", 1), AppendOptions::default())
            .await?;
        let mark = acc.status(inbox).await?.highest_modseq;
        // An MTA drops a file into new/ (LF line endings, no sizes in the name).
        fs::write(
            root.path().join("new").join("1700000000.P1.mta"),
            b"Subject: dropped\n\nhi\n",
        )?;
        // Another client marks x as seen by renaming its file.
        // Identify x's file through the uidlist.
        let uidlist = fs::read_to_string(root.path().join("dovecot-uidlist"))?;
        let x_name = uidlist
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{} :", x.uid)))
            .expect("x in uidlist")
            .to_owned();
        fs::rename(
            root.path().join("new").join(&x_name),
            root.path().join("cur").join(format!("{x_name}:2,S")),
        )?;
        // And someone deletes y.
        let y_name = uidlist
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{} :", y.uid)))
            .expect("y in uidlist")
            .to_owned();
        fs::remove_file(root.path().join("new").join(&y_name))?;

        let ch = acc.changes_since(inbox, mark).await?;
        let changed: Vec<Uid> = ch.changed.iter().map(|c| c.uid).collect();
        assert_eq!(changed.len(), 2, "{changed:?}");
        assert_eq!(changed[0], x.uid);
        assert!(ch.changed[0].flags.contains(SystemFlag::Seen));
        assert_eq!(ch.new_uids.len(), 1);
        assert_eq!(ch.vanished, Vanished::Uids(UidSet::range(y.uid, y.uid)));
        let dropped = ch.new_uids.first().expect("new uid");
        assert!(dropped > y.uid);
        let body = acc
            .read_body(inbox, dropped, None)
            .await?
            .collect_bytes()
            .await?;
        assert_eq!(
            body.as_ref(),
            b"Subject: dropped\r\n\r\nhi\r\n",
            "LF files are served as CRLF"
        );
        let meta = acc
            .fetch_meta(inbox, &UidSet::range(dropped, dropped))
            .await?;
        assert_eq!(meta[0].size, 24);
        assert_eq!(meta[0].header_len, 20);
        Ok::<_, Box<dyn std::error::Error>>(())
    })
    .expect("store operations");
}

#[test]
fn a_lock_left_by_a_dead_process_is_broken() {
    let root = tempfile::tempdir().expect("tempdir");
    let store = MaildirStore::single(root.path(), config());
    let id = AccountId::new("u");
    block_on(async {
        let acc = store.open_account(&id).await?;
        let inbox = acc.mailbox("INBOX").await?.id;
        fs::write(
            root.path().join("dovecot-uidlist.lock"),
            "4194303999:elsewhere",
        )?;
        let x = acc
            .append(inbox, sample_message("x", 1), AppendOptions::default())
            .await?;
        assert_eq!(x.uid, Uid::MIN);
        assert!(!root.path().join("dovecot-uidlist.lock").exists());
        Ok::<_, Box<dyn std::error::Error>>(())
    })
    .expect("store operations");
}

#[test]
fn keeps_dovecot_uidlist_fields_and_serves_stored_uidls() {
    let root = tempfile::tempdir().expect("tempdir");
    for d in ["cur", "new", "tmp"] {
        fs::create_dir_all(root.path().join(d)).expect("mkdir");
    }
    fs::write(
        root.path().join("cur/1000.a.host,S=14:2,S"),
        b"Subject: a\n\nx\n",
    )
    .expect("write");
    fs::write(root.path().join("cur/1001.b.host:2,"), b"Subject: b\n\ny\n").expect("write");
    fs::write(
        root.path().join("dovecot-uidlist"),
        "3 V77 N9 G000000000000000000000000000000aa\n7 P0000abcd-legacy :1000.a.host,S=14:2,S\n8 :1001.b.host:2,\n",
    )
    .expect("write");
    // An aborted delivery from long ago.
    let stale = root.path().join("tmp/123.dead.host");
    fs::write(&stale, b"half a mess").expect("write");
    let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    fs::File::options()
        .write(true)
        .open(&stale)
        .expect("open")
        .set_modified(old)
        .expect("mtime");

    let store = MaildirStore::single(root.path(), config());
    block_on(async {
        let acc = store.open_account(&AccountId::new("u")).await?;
        let inbox = acc.mailbox("INBOX").await?;
        assert_eq!(
            inbox.id,
            MailboxId::from_u128(0xaa),
            "the GUID is the mailbox id"
        );
        let st = acc.status(inbox.id).await?;
        assert_eq!((st.uidvalidity.get(), st.uidnext.get()), (77, 9));
        let meta = acc.fetch_meta(inbox.id, &UidSet::all()).await?;
        assert_eq!(
            meta[0].pop3_uidl, "0000abcd-legacy",
            "Dovecot's stored UIDL wins"
        );
        assert_eq!(
            meta[1].pop3_uidl,
            default_pop3_uidl(meta[1].uid, st.uidvalidity)
        );
        let ch = acc.changes_since(inbox.id, ModSeq::MIN).await?;
        assert_eq!(
            ch.vanished,
            Vanished::TooOld,
            "expunges before our log began are unknown"
        );
        let drop = acc.pop3_maildrop().await?;
        assert_eq!(drop.messages[0].uidl, "0000abcd-legacy");
        acc.pop3_commit(drop, &UidSet::range(meta[1].uid, meta[1].uid))
            .await?;
        Ok::<_, StoreError>(())
    })
    .expect("store operations");
    let uidlist = fs::read_to_string(root.path().join("dovecot-uidlist")).expect("read");
    assert!(
        uidlist.contains("7 P0000abcd-legacy :1000.a.host"),
        "fields survive a rewrite:\n{uidlist}"
    );
    assert!(!uidlist.contains("1001.b.host"), "{uidlist}");
    assert!(!stale.exists(), "stale tmp/ files are swept");
}

#[test]
fn large_bodies_stream_in_chunks_and_ranges_cross_them() {
    let root = tempfile::tempdir().expect("tempdir");
    let store = MaildirStore::single(root.path(), config());
    block_on(async {
        let acc = store.open_account(&AccountId::new("u")).await?;
        let inbox = acc.mailbox("INBOX").await?.id;
        let mut raw = b"Subject: big\r\n\r\n".to_vec();
        for i in 0..20_000 {
            raw.extend_from_slice(format!("line {i:08}\r\n").as_bytes());
        }
        let x = acc
            .append(inbox, Bytes::from(raw.clone()), AppendOptions::default())
            .await?;
        let mut stream = acc.read_body(inbox, x.uid, None).await?;
        let mut chunks = 0;
        let mut all = Vec::new();
        while let Some(c) = futures_lite::StreamExt::next(&mut stream).await {
            let c = c?;
            assert!(c.len() <= 64 * 1024);
            chunks += 1;
            all.extend_from_slice(&c);
        }
        assert!(chunks > 1, "a 300 KB body comes in several chunks");
        assert_eq!(all, raw);
        let r = 65_000..140_000u64;
        let part = acc
            .read_body(inbox, x.uid, Some(r.clone()))
            .await?
            .collect_bytes()
            .await?;
        assert_eq!(part.as_ref(), &raw[65_000..140_000]);
        Ok::<_, StoreError>(())
    })
    .expect("store operations");
}

#[test]
fn two_processes_share_uids_and_modseqs() {
    // Two stores on one Maildir stand for two processes (a delivery agent and a server).
    let root = tempfile::tempdir().expect("tempdir");
    let a = MaildirStore::single(root.path(), config());
    let b = MaildirStore::single(root.path(), config());
    let id = AccountId::new("u");
    block_on(async {
        let acc_a = a.open_account(&id).await?;
        let acc_b = b.open_account(&id).await?;
        let inbox = acc_a.mailbox("INBOX").await?.id;
        assert_eq!(acc_b.mailbox("INBOX").await?.id, inbox);
        let mut last = ModSeq::MIN;
        let seen = Flags::new().with(SystemFlag::Seen);
        let mut uids = Vec::new();
        for i in 0..6 {
            let (acc, other) = if i % 2 == 0 {
                (&acc_a, &acc_b)
            } else {
                (&acc_b, &acc_a)
            };
            let x = acc
                .append(
                    inbox,
                    sample_message(&format!("p{i}"), 1),
                    AppendOptions::default(),
                )
                .await?;
            assert!(x.modseq > last, "MODSEQs rise across processes");
            last = x.modseq;
            let up = other
                .store_flags(
                    inbox,
                    &UidSet::range(x.uid, x.uid),
                    FlagOp::Add,
                    &seen,
                    None,
                )
                .await?;
            assert_eq!(
                up.changed.len(),
                1,
                "the other process sees the new message at once"
            );
            assert!(up.changed[0].modseq > last);
            last = up.changed[0].modseq;
            uids.push(x.uid);
        }
        let ma = acc_a.fetch_meta(inbox, &UidSet::all()).await?;
        let mb = acc_b.fetch_meta(inbox, &UidSet::all()).await?;
        assert_eq!(ma, mb, "both processes agree on UIDs, flags and MODSEQs");
        assert_eq!(acc_a.status(inbox).await?.highest_modseq, last);
        assert_eq!(acc_b.status(inbox).await?.highest_modseq, last);
        acc_a
            .expunge(inbox, &UidSet::range(uids[0], uids[0]), ExpungeFilter::Any)
            .await?;
        let ch = acc_b.changes_since(inbox, last).await?;
        assert_eq!(ch.vanished, Vanished::Uids(UidSet::range(uids[0], uids[0])));
        Ok::<_, StoreError>(())
    })
    .expect("store operations");
}

#[test]
fn watchers_hear_about_changes_made_by_other_processes() {
    let root = tempfile::tempdir().expect("tempdir");
    let cfg = config().with_poll_interval(Some(std::time::Duration::from_millis(50)));
    let server = MaildirStore::single(root.path(), cfg);
    let delivery = MaildirStore::single(root.path(), config().with_poll_interval(None));
    let id = AccountId::new("u");
    block_on(async {
        let acc = server.open_account(&id).await?;
        let inbox = acc.mailbox("INBOX").await?.id;
        let before = acc.status(inbox).await?.highest_modseq;
        let mut watcher = acc.watch();
        let other = delivery.open_account(&id).await?;
        let x = other
            .append(
                inbox,
                sample_message("elsewhere", 1),
                AppendOptions::default(),
            )
            .await?;
        let hint = futures_lite::StreamExt::next(&mut watcher).await;
        assert!(
            matches!(hint, Some(Hint::Changed { mailbox, .. }) if mailbox == inbox),
            "{hint:?}"
        );
        let ch = acc.changes_since(inbox, before).await?;
        assert_eq!(ch.new_uids, UidSet::range(x.uid, x.uid));
        Ok::<_, StoreError>(())
    })
    .expect("store operations");
}

#[test]
fn one_delivery_is_one_file_linked_into_every_recipient() {
    use std::os::unix::fs::MetadataExt as _;
    let root = tempfile::tempdir().expect("tempdir");
    let store = MaildirStore::per_account(root.path(), config());
    let (a, b) = (AccountId::new("a@x"), AccountId::new("b@x"));
    let results = block_on(store.deliver(
        sample_message("shared", 50),
        &[Delivery::inbox(a.clone()), Delivery::inbox(b.clone())],
    ));
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let file = |acc: &str| {
        let dir = root.path().join(acc).join("new");
        let e = fs::read_dir(&dir)
            .expect("new/")
            .next()
            .expect("one file")
            .expect("entry");
        fs::metadata(e.path()).expect("stat")
    };
    let (fa, fb) = (file("a@x"), file("b@x"));
    assert_eq!(fa.ino(), fb.ino(), "the recipients share one file");
    assert_eq!(fa.nlink(), 2, "and nothing else (the staging link is gone)");
    assert_eq!(
        fs::read_dir(root.path().join("a@x/tmp"))
            .expect("tmp")
            .count(),
        0
    );
}
