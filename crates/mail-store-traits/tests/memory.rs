//! The memory backend against the conformance kit, plus what only it can show.

use bytes::Bytes;
use futures_lite::future::block_on;
use mail_store_traits::memory::{MemoryConfig, MemoryStore};
use mail_store_traits::testing::{run_conformance, sample_message};
use mail_store_traits::*;

fn store_with(config: MemoryConfig) -> (MemoryStore, AccountId, AccountId) {
    let store = MemoryStore::with_config(config);
    let (a, b) = (
        AccountId::new("a@example.org"),
        AccountId::new("b@example.org"),
    );
    store.add_account(a.clone());
    store.add_account(b.clone());
    (store, a, b)
}

#[test]
fn memory_passes_the_conformance_kit() {
    let (store, a, b) = store_with(MemoryConfig::default());
    let report = block_on(run_conformance(&store, &a, &b));
    assert!(report.checks > 400, "ran {} checks", report.checks);
    println!("conformance: {} checks", report.checks);
}

#[test]
fn boxed_memory_passes_the_conformance_kit() {
    let (store, a, b) = store_with(MemoryConfig::default());
    let boxed = BoxedStore::new(store);
    let report = block_on(run_conformance(&boxed, &a, &b));
    assert!(report.checks > 100);
}

#[test]
fn changes_since_says_too_old_beyond_the_retention() {
    let (store, a, _) = store_with(MemoryConfig::default().with_vanished_retention(2));
    block_on(async {
        let acc = store.open_account(&a).await?;
        let inbox = acc.mailbox("INBOX").await?.id;
        let mut uids = Vec::new();
        for i in 0..5 {
            uids.push(
                acc.append(
                    inbox,
                    sample_message(&i.to_string(), 1),
                    AppendOptions::default(),
                )
                .await?
                .uid,
            );
        }
        let mark = acc.status(inbox).await?.highest_modseq;
        for u in &uids[..4] {
            acc.expunge(inbox, &UidSet::range(*u, *u), ExpungeFilter::Any)
                .await?;
        }
        let ch = acc.changes_since(inbox, mark).await?;
        assert_eq!(ch.vanished, Vanished::TooOld);
        // Recent enough: complete.
        let recent = acc.changes_since(inbox, ch.highest_modseq).await?;
        assert_eq!(recent.vanished, Vanished::Uids(UidSet::new()));
        Ok::<_, StoreError>(())
    })
    .expect("store operations");
}

#[test]
fn quota_is_enforced_per_recipient() {
    let (store, a, b) = store_with(MemoryConfig::default().with_quota(Some(100), None));
    let big = Bytes::from(vec![b'x'; 80]);
    let r = block_on(store.deliver(
        big.clone(),
        &[Delivery::inbox(a.clone()), Delivery::inbox(b.clone())],
    ));
    assert!(r.iter().all(Result::is_ok));
    let r = block_on(store.deliver(big, &[Delivery::inbox(a.clone())]));
    assert_eq!(
        r[0].as_ref().map_err(StoreError::kind).err(),
        Some(ErrorKind::OverQuota)
    );
    let acc = block_on(store.open_account(&a)).expect("open");
    let q = block_on(acc.quota()).expect("quota");
    assert_eq!(
        (q.used_bytes, q.limit_bytes, q.used_messages),
        (80, Some(100), 1)
    );
}

#[test]
fn unknown_accounts_are_not_found_unless_auto_created() {
    let (store, _, _) = store_with(MemoryConfig::default());
    let err = block_on(store.open_account(&AccountId::new("x@y"))).expect_err("unknown");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let (auto, _, _) = store_with(MemoryConfig::default().with_auto_create_accounts(true));
    assert!(block_on(auto.open_account(&AccountId::new("x@y"))).is_ok());
}

#[test]
fn internal_and_save_dates_come_from_the_clock() {
    let clock = ManualClock::new(UnixTime(1_000_000));
    let (store, a, _) = store_with(MemoryConfig::default().with_clock(clock.clone()));
    block_on(async {
        let acc = store.open_account(&a).await?;
        let inbox = acc.mailbox("INBOX").await?.id;
        clock.advance(5);
        let x = acc
            .append(inbox, sample_message("d", 1), AppendOptions::default())
            .await?;
        let m = acc.fetch_meta(inbox, &UidSet::range(x.uid, x.uid)).await?;
        assert_eq!(m[0].internal_date, UnixTime(1_000_005));
        assert_eq!(m[0].saved_date, UnixTime(1_000_005));
        assert_eq!(m[0].pop3_uidl, default_pop3_uidl(x.uid, x.uidvalidity));
        Ok::<_, StoreError>(())
    })
    .expect("store operations");
}

#[test]
fn fetch_meta_of_100k_messages_is_fast() {
    // A smoke bound (the bench measures properly): generous so a loaded debug build passes.
    let (store, a, _) = store_with(MemoryConfig::default());
    let acc = block_on(store.open_account(&a)).expect("open");
    let inbox = block_on(acc.mailbox("INBOX")).expect("inbox").id;
    let body = Bytes::from_static(b"Subject: x\r\n\r\nbody\r\n");
    for _ in 0..100_000 {
        block_on(acc.append(inbox, body.clone(), AppendOptions::default())).expect("append");
    }
    let meta = block_on(acc.fetch_meta(inbox, &UidSet::all())).expect("fetch");
    assert_eq!(meta.len(), 100_000);
    assert!(meta.windows(2).all(|w| w[0].uid < w[1].uid));
}
