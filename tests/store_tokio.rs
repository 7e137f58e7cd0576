//! The storage seam under tokio, the runtime the mailwire servers use: the conformance kit on
//! a multi-threaded runtime, and many tokio tasks appending and flagging at once.

use mail_store_traits::maildir::{MaildirConfig, MaildirStore};
use mail_store_traits::memory::MemoryStore;
use mail_store_traits::testing::{run_conformance, sample_message};
use mail_store_traits::{
    Account, AccountId, AppendOptions, BoxedStore, FlagOp, Flags, Store, SystemFlag, UidSet,
};

fn temp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "mailwire-store-tokio-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    d
}

async fn tasks_append_and_flag(store: BoxedStore, account: AccountId) {
    let acc = store.open_account(&account).await.expect("open");
    let inbox = acc.mailbox("INBOX").await.expect("inbox").id;
    let before = acc.status(inbox).await.expect("status");
    let mut handles = Vec::new();
    for t in 0..16 {
        let acc = acc.clone();
        handles.push(tokio::spawn(async move {
            let mut uids = Vec::new();
            for i in 0..10 {
                let x = acc
                    .append(
                        inbox,
                        sample_message(&format!("tokio{t}-{i}"), 3),
                        AppendOptions::default(),
                    )
                    .await
                    .expect("append");
                let seen = Flags::new().with(SystemFlag::Seen);
                acc.store_flags(
                    inbox,
                    &UidSet::range(x.uid, x.uid),
                    FlagOp::Add,
                    &seen,
                    None,
                )
                .await
                .expect("store");
                uids.push(x.uid);
            }
            uids
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.expect("task"));
    }
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 160, "every task got its own UIDs");
    let st = acc.status(inbox).await.expect("status");
    assert_eq!(st.messages, before.messages + 160);
    assert_eq!(
        st.unseen, before.unseen,
        "every new message was marked seen"
    );
    let ch = acc
        .changes_since(inbox, before.highest_modseq)
        .await
        .expect("changes");
    assert_eq!(ch.new_uids.len(), 160);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_under_tokio() {
    let store = MemoryStore::new();
    let (a, b) = (AccountId::new("a@t"), AccountId::new("b@t"));
    store.add_account(a.clone());
    store.add_account(b.clone());
    let report = run_conformance(&store, &a, &b).await;
    assert!(report.checks > 400);
    tasks_append_and_flag(BoxedStore::new(store), a).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn maildir_under_tokio() {
    let dir = temp("maildir");
    let store = MaildirStore::per_account(&dir, MaildirConfig::default().with_fsync(false));
    let (a, b) = (AccountId::new("a@t"), AccountId::new("b@t"));
    let report = run_conformance(&store, &a, &b).await;
    assert!(report.checks > 400);
    tasks_append_and_flag(BoxedStore::new(store), a).await;
    let _ = std::fs::remove_dir_all(&dir);
}
