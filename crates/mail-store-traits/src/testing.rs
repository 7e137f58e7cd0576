//! The conformance kit: one call runs every operation, the edge cases and concurrent sessions
//! against a backend, and panics (like a failed `assert!`) naming the first broken rule.
//!
//! It is runtime-free: drive it with any executor (`futures_lite::future::block_on` is
//! enough). The concurrency part starts OS threads that each drive their own sessions, so
//! backends are exercised truly in parallel whatever the caller's executor; the calling
//! thread waits for them (under tokio, use a multi-threaded runtime).
//!
//! What it checks: mailbox management (INBOX rules, parents, special-use, UTF-8 names,
//! rename keeping ids, UIDs and UIDVALIDITY, recreate giving a new UIDVALIDITY); appends
//! (UIDs and MODSEQs strictly rising, exact CRLF sizes and header lengths, byte ranges);
//! flag stores (add/remove/replace, keywords, UNCHANGEDSINCE, no-op stores); expunge filters
//! and UIDs never reused; copy and move (UID maps, flags, dates, bytes, EMAILID); delivery to
//! many recipients with per-recipient results; change hints; POP3 maildrop lock and commit;
//! quota accounting; concurrent appenders, flaggers, expungers and readers; concurrent
//! opposite moves; and a model-checked random walk ending with QRESYNC completeness checks
//! from many earlier MODSEQs.
//!
//! ```
//! # #[cfg(feature = "memory")] {
//! use mail_store_traits::{AccountId, memory::MemoryStore, testing::run_conformance};
//! let store = MemoryStore::new();
//! let (a, b) = (AccountId::new("a@kit"), AccountId::new("b@kit"));
//! store.add_account(a.clone());
//! store.add_account(b.clone());
//! let report = futures_lite::future::block_on(run_conformance(&store, &a, &b));
//! assert!(report.checks > 100);
//! # }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use futures_lite::StreamExt;
use futures_lite::future::block_on;

use crate::{
    Account, AccountId, AppendOptions, Delivery, ErrorKind, ExpungeFilter, FlagOp, Flags, Keyword,
    MailboxId, ModSeq, SpecialUse, Store, SystemFlag, Uid, UidSet, Vanished,
};

/// What the kit did.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// How many individual rules were checked.
    pub checks: u64,
}

struct Kit {
    checks: AtomicU64,
    prefix: String,
}

macro_rules! check {
    ($kit:expr, $cond:expr, $($msg:tt)+) => {{
        $kit.checks.fetch_add(1, Ordering::Relaxed);
        assert!($cond, $($msg)+);
    }};
}

macro_rules! check_eq {
    ($kit:expr, $a:expr, $b:expr, $($msg:tt)+) => {{
        $kit.checks.fetch_add(1, Ordering::Relaxed);
        assert_eq!($a, $b, $($msg)+);
    }};
}

static RUN: AtomicU64 = AtomicU64::new(0);

/// A small message with a unique marker, bare LF line endings (the store must make them CRLF).
#[must_use]
pub fn sample_message(tag: &str, body_lines: usize) -> Bytes {
    let mut m = format!(
        "From: kit@example.org\nTo: user@example.org\nSubject: {tag}\nMessage-ID: <{tag}@kit>\n\n"
    );
    for i in 0..body_lines {
        m.push_str(&format!("line {i} of {tag}\n"));
    }
    Bytes::from(m)
}

fn crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 16);
    for (i, &b) in raw.iter().enumerate() {
        if b == b'\n' && (i == 0 || raw[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

fn one(uid: Uid) -> UidSet {
    UidSet::range(uid, uid)
}

fn kw(s: &str) -> Keyword {
    Keyword::new(s).expect("kit keywords are valid")
}

/// Runs the whole suite against `store`, using two accounts that must exist (and may already
/// hold mail: the kit works in mailboxes it creates, plus INBOX where it must, counting only
/// its own messages).
///
/// # Panics
/// On the first broken rule, with a message naming it.
pub async fn run_conformance<S: Store>(store: &S, first: &AccountId, second: &AccountId) -> Report {
    let run = RUN.fetch_add(1, Ordering::Relaxed);
    let kit = Kit {
        checks: AtomicU64::new(0),
        prefix: format!("Kit{run}"),
    };
    let a = store.open_account(first).await.expect("open first account");
    let b = store
        .open_account(second)
        .await
        .expect("open second account");
    kit.mailboxes(&a).await;
    kit.append_and_sizes(&a).await;
    kit.flags_and_changes(&a).await;
    kit.expunge_rules(&a).await;
    kit.copy_move(&a).await;
    kit.rename_delete(&a).await;
    kit.deliver_many(store, &a, &b).await;
    kit.watch_hints(&a).await;
    kit.pop3(&a).await;
    kit.quota(&a).await;
    kit.concurrent_sessions(store, first);
    kit.concurrent_moves(store, first);
    kit.model_walk(&a, run).await;
    Report {
        checks: kit.checks.load(Ordering::Relaxed),
    }
}

impl Kit {
    fn name(&self, suffix: &str) -> String {
        format!("{}/{suffix}", self.prefix)
    }

    async fn fresh<A: Account>(&self, a: &A, suffix: &str) -> MailboxId {
        a.create_mailbox(&self.name(suffix), None)
            .await
            .expect("create a mailbox")
            .id
    }

    async fn mailboxes<A: Account>(&self, a: &A) {
        let list = a.list_mailboxes().await.expect("list");
        check_eq!(
            self,
            list.first().map(|m| m.name.as_str()),
            Some("INBOX"),
            "INBOX is listed first"
        );
        let inbox = a
            .mailbox("inbox")
            .await
            .expect("INBOX matches case-insensitively");
        check_eq!(self, inbox.name, "INBOX", "INBOX is spelled in capitals");
        check_eq!(
            self,
            inbox.id,
            list[0].id,
            "mailbox() and list agree on INBOX's id"
        );

        let sent = a
            .create_mailbox(&self.name("Sent"), Some(SpecialUse::Sent))
            .await
            .expect("create with parent");
        check_eq!(
            self,
            sent.special_use,
            Some(SpecialUse::Sent),
            "special-use is kept"
        );
        let parent = a
            .mailbox(&self.prefix)
            .await
            .expect("missing parents are created");
        check!(self, parent.has_children, "the parent has children");
        let again = a.create_mailbox(&self.name("Sent"), None).await;
        check_eq!(
            self,
            again.map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::AlreadyExists),
            "creating twice"
        );
        for bad in ["", "a//b", "/x"] {
            let r = a.create_mailbox(bad, None).await;
            check_eq!(
                self,
                r.map(|_| ()).map_err(|e| e.kind()),
                Err(ErrorKind::InvalidInput),
                "invalid name {bad:?}"
            );
        }
        let inbox_again = a.create_mailbox("Inbox", None).await;
        check_eq!(
            self,
            inbox_again.map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::AlreadyExists),
            "INBOX always exists"
        );
        let missing = a.mailbox(&self.name("missing")).await;
        check_eq!(
            self,
            missing.map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::NotFound),
            "unknown mailbox"
        );

        // Non-ASCII names survive as they were given.
        let name = self.name("Entwürfe ✉");
        let made = a.create_mailbox(&name, None).await.expect("UTF-8 name");
        check_eq!(
            self,
            a.mailbox(&name).await.expect("found by UTF-8 name").id,
            made.id,
            "UTF-8 names round-trip"
        );
        let listed = a.list_mailboxes().await.expect("list");
        check!(
            self,
            listed.iter().any(|m| m.name == name),
            "UTF-8 name is listed as given"
        );

        a.set_subscribed(made.id, false).await.expect("unsubscribe");
        check!(
            self,
            !a.mailbox(&name).await.expect("found").subscribed,
            "unsubscribed"
        );
        a.set_subscribed(made.id, true).await.expect("subscribe");
        check!(
            self,
            a.mailbox(&name).await.expect("found").subscribed,
            "subscribed"
        );
    }

    async fn append_and_sizes<A: Account>(&self, a: &A) {
        let id = self.fresh(a, "Sizes").await;
        let st0 = a.status(id).await.expect("status");
        check_eq!(self, st0.messages, 0, "a new mailbox is empty");
        check_eq!(self, st0.uidnext, Uid::MIN, "a new mailbox starts at UID 1");

        let raw = sample_message("sizes", 7);
        let want = crlf(&raw);
        let flags = Flags::new()
            .with(SystemFlag::Flagged)
            .with_keyword(kw("$Forwarded"));
        let date = crate::UnixTime(1_600_000_000);
        let x = a
            .append(
                id,
                raw.clone(),
                AppendOptions {
                    flags: flags.clone(),
                    internal_date: Some(date),
                },
            )
            .await
            .expect("append");
        check_eq!(
            self,
            x.uidvalidity,
            st0.uidvalidity,
            "UIDVALIDITY does not change on append"
        );
        check_eq!(self, x.uid, st0.uidnext, "the first UID is UIDNEXT");
        check!(
            self,
            x.modseq > st0.highest_modseq,
            "append raises HIGHESTMODSEQ"
        );
        let y = a
            .append(
                id,
                Bytes::from_static(b"Subject: crlf\r\n\r\nalready crlf\r\n"),
                AppendOptions::default(),
            )
            .await
            .expect("append");
        check!(self, y.uid > x.uid, "UIDs strictly increase");
        check!(self, y.modseq > x.modseq, "MODSEQs strictly increase");

        let meta = a.fetch_meta(id, &UidSet::all()).await.expect("fetch");
        check_eq!(self, meta.len(), 2, "two messages");
        check_eq!(
            self,
            meta[0].size,
            want.len() as u64,
            "size is the exact CRLF size"
        );
        let hdr = want
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("has a body") as u64
            + 4;
        check_eq!(
            self,
            meta[0].header_len,
            hdr,
            "header length includes the empty line"
        );
        check_eq!(self, meta[0].flags, flags, "flags and keywords are stored");
        check_eq!(self, meta[0].internal_date, date, "INTERNALDATE is kept");
        check!(
            self,
            !meta[0].pop3_uidl.is_empty()
                && meta[0].pop3_uidl.len() <= 70
                && meta[0].pop3_uidl.bytes().all(|b| (0x21..0x7f).contains(&b)),
            "UIDL is 1..70 printable characters"
        );
        check!(
            self,
            meta[0].pop3_uidl != meta[1].pop3_uidl,
            "UIDLs are unique"
        );
        check_eq!(
            self,
            meta[1].size,
            b"Subject: crlf\r\n\r\nalready crlf\r\n".len() as u64,
            "CRLF input is kept as is"
        );

        let body = a
            .read_body(id, x.uid, None)
            .await
            .expect("body")
            .collect_bytes()
            .await
            .expect("read");
        check_eq!(self, body.as_ref(), &want[..], "body is the CRLF form");
        let part = a
            .read_body(id, x.uid, Some(5..25))
            .await
            .expect("range")
            .collect_bytes()
            .await
            .expect("read");
        check_eq!(self, part.as_ref(), &want[5..25], "byte range");
        let tail = a
            .read_body(id, x.uid, Some(hdr..u64::MAX))
            .await
            .expect("range")
            .collect_bytes()
            .await
            .expect("read");
        check_eq!(
            self,
            tail.as_ref(),
            &want[hdr as usize..],
            "range clamped to the size"
        );
        let past = a
            .read_body(id, x.uid, Some(10_000..10_010))
            .await
            .expect("range")
            .collect_bytes()
            .await
            .expect("read");
        check!(self, past.is_empty(), "range past the end is empty");
        let none = a
            .read_body(id, Uid::new(999).expect("non-zero"), None)
            .await;
        check_eq!(
            self,
            none.map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::NotFound),
            "reading a missing UID"
        );

        let st = a.status(id).await.expect("status");
        check_eq!(self, st.messages, 2, "MESSAGES");
        check_eq!(self, st.unseen, 2, "UNSEEN");
        check_eq!(
            self,
            st.size,
            meta[0].size + meta[1].size,
            "SIZE is the sum of the sizes"
        );
        check_eq!(
            self,
            st.uidnext,
            y.uid.next().expect("room"),
            "UIDNEXT follows the last UID"
        );
        check_eq!(
            self,
            st.highest_modseq,
            y.modseq,
            "HIGHESTMODSEQ is the last change"
        );
        let snap = a.snapshot(id).await.expect("snapshot");
        check_eq!(
            self,
            snap.uids,
            vec![x.uid, y.uid],
            "snapshot lists UIDs ascending"
        );
        check_eq!(
            self,
            snap.highest_modseq,
            st.highest_modseq,
            "snapshot HIGHESTMODSEQ"
        );

        let subset = a
            .fetch_meta(id, &UidSet::range(y.uid, Uid::MAX))
            .await
            .expect("fetch");
        check_eq!(
            self,
            subset.iter().map(|m| m.uid).collect::<Vec<_>>(),
            vec![y.uid],
            "fetch_meta honours the UID set"
        );
        let gone = a
            .fetch_meta(MailboxId::from_u128(u128::MAX - 7), &UidSet::all())
            .await;
        check_eq!(
            self,
            gone.map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::NotFound),
            "unknown mailbox id"
        );
    }

    async fn flags_and_changes<A: Account>(&self, a: &A) {
        let id = self.fresh(a, "Flags").await;
        let mut uids = Vec::new();
        for i in 0..6 {
            uids.push(
                a.append(
                    id,
                    sample_message(&format!("f{i}"), 2),
                    AppendOptions::default(),
                )
                .await
                .expect("append")
                .uid,
            );
        }
        let base = a.status(id).await.expect("status").highest_modseq;
        let seen = Flags::new().with(SystemFlag::Seen);
        let up = a
            .store_flags(
                id,
                &UidSet::range(uids[0], uids[1]),
                FlagOp::Add,
                &seen,
                None,
            )
            .await
            .expect("store");
        check_eq!(self, up.changed.len(), 2, "two messages changed");
        check!(
            self,
            up.changed
                .iter()
                .all(|c| c.modseq > base && c.flags.contains(SystemFlag::Seen)),
            "changes carry the new MODSEQ and flags"
        );
        let m1 = up.changed[0].modseq;

        let again = a
            .store_flags(id, &one(uids[0]), FlagOp::Add, &seen, None)
            .await
            .expect("store");
        check!(
            self,
            again.changed.is_empty(),
            "a no-op store changes nothing"
        );
        check_eq!(
            self,
            a.status(id).await.expect("status").highest_modseq,
            m1,
            "a no-op store keeps HIGHESTMODSEQ"
        );

        let junk = Flags::new()
            .with_keyword(kw("$Junk"))
            .with_keyword(kw("Work"));
        a.store_flags(id, &one(uids[2]), FlagOp::Replace, &junk, None)
            .await
            .expect("replace");
        let meta = a.fetch_meta(id, &one(uids[2])).await.expect("fetch");
        check_eq!(self, meta[0].flags, junk, "replace sets keywords");
        let snap = a.snapshot(id).await.expect("snapshot");
        check!(
            self,
            snap.keywords.contains(&kw("$Junk")) && snap.keywords.contains(&kw("Work")),
            "the snapshot lists the keywords in use (IMAP FLAGS)"
        );
        a.store_flags(
            id,
            &one(uids[2]),
            FlagOp::Remove,
            &Flags::new().with_keyword(kw("Work")),
            None,
        )
        .await
        .expect("remove");
        let meta = a.fetch_meta(id, &one(uids[2])).await.expect("fetch");
        check_eq!(
            self,
            meta[0].flags,
            Flags::new().with_keyword(kw("$Junk")),
            "remove drops one keyword, keeps the other"
        );

        // UNCHANGEDSINCE: uids[2] changed after m1, uids[3] did not.
        let flagged = Flags::new().with(SystemFlag::Flagged);
        let cond = a
            .store_flags(
                id,
                &UidSet::from_iter([uids[2], uids[3]]),
                FlagOp::Add,
                &flagged,
                Some(m1),
            )
            .await
            .expect("conditional store");
        check_eq!(
            self,
            cond.modified,
            one(uids[2]),
            "UNCHANGEDSINCE reports the newer message as MODIFIED"
        );
        check_eq!(
            self,
            cond.changed.iter().map(|c| c.uid).collect::<Vec<_>>(),
            vec![uids[3]],
            "UNCHANGEDSINCE changes the older one"
        );
        check!(
            self,
            !a.fetch_meta(id, &one(uids[2])).await.expect("fetch")[0]
                .flags
                .contains(SystemFlag::Flagged),
            "the MODIFIED message is untouched"
        );

        // changes_since: flags, new, vanished.
        let mark = a.status(id).await.expect("status").highest_modseq;
        a.store_flags(id, &one(uids[4]), FlagOp::Add, &seen, None)
            .await
            .expect("store");
        let fresh = a
            .append(id, sample_message("fnew", 1), AppendOptions::default())
            .await
            .expect("append");
        let ex = a
            .expunge(id, &one(uids[5]), ExpungeFilter::Any)
            .await
            .expect("expunge");
        check_eq!(self, ex.uids, one(uids[5]), "expunge reports what vanished");
        let ch = a.changes_since(id, mark).await.expect("changes");
        check_eq!(
            self,
            ch.changed.iter().map(|c| c.uid).collect::<Vec<_>>(),
            vec![uids[4], fresh.uid],
            "changed = flag change + new, ascending"
        );
        check_eq!(self, ch.new_uids, one(fresh.uid), "new UIDs");
        check_eq!(
            self,
            ch.vanished,
            Vanished::Uids(one(uids[5])),
            "vanished UIDs"
        );
        check_eq!(
            self,
            ch.highest_modseq,
            ex.highest_modseq,
            "HIGHESTMODSEQ after the expunge"
        );
        check!(
            self,
            ch.changed.iter().all(|c| c.modseq > mark),
            "every change is newer than the mark"
        );
        let none = a
            .changes_since(id, ch.highest_modseq)
            .await
            .expect("changes");
        check!(
            self,
            none.changed.is_empty()
                && none.new_uids.is_empty()
                && none.vanished == Vanished::Uids(UidSet::new()),
            "nothing changed since HIGHESTMODSEQ"
        );
        let all = a.changes_since(id, ModSeq::MIN).await.expect("changes");
        check_eq!(
            self,
            all.changed.len(),
            6,
            "since the beginning: every live message"
        );
        if let Vanished::Uids(v) = &all.vanished {
            check!(
                self,
                v.contains(uids[5]),
                "since the beginning: the expunged UID"
            );
        }
        let st = a.status(id).await.expect("status");
        check_eq!(self, st.unseen, 3, "UNSEEN follows flag changes");
    }

    async fn expunge_rules<A: Account>(&self, a: &A) {
        let id = self.fresh(a, "Expunge").await;
        let mut uids = Vec::new();
        for i in 0..4 {
            uids.push(
                a.append(
                    id,
                    sample_message(&format!("e{i}"), 1),
                    AppendOptions::default(),
                )
                .await
                .expect("append")
                .uid,
            );
        }
        let del = Flags::new().with(SystemFlag::Deleted);
        a.store_flags(
            id,
            &UidSet::from_iter([uids[1], uids[2]]),
            FlagOp::Add,
            &del,
            None,
        )
        .await
        .expect("store");
        check_eq!(
            self,
            a.status(id).await.expect("status").deleted,
            2,
            "DELETED counts \\Deleted"
        );
        let out = a
            .expunge(id, &UidSet::range(uids[0], uids[2]), ExpungeFilter::Deleted)
            .await
            .expect("expunge");
        check_eq!(
            self,
            out.uids,
            UidSet::from_iter([uids[1], uids[2]]),
            "only \\Deleted messages in the set are expunged"
        );
        let snap = a.snapshot(id).await.expect("snapshot");
        check_eq!(self, snap.uids, vec![uids[0], uids[3]], "the others stay");
        let out = a
            .expunge(id, &one(uids[1]), ExpungeFilter::Any)
            .await
            .expect("expunge");
        check!(
            self,
            out.uids.is_empty(),
            "expunging a vanished UID is a no-op"
        );
        // Remove the last message: its UID must never come back.
        a.expunge(id, &one(uids[3]), ExpungeFilter::Any)
            .await
            .expect("expunge");
        let next = a
            .append(id, sample_message("e-next", 1), AppendOptions::default())
            .await
            .expect("append");
        check!(self, next.uid > uids[3], "an expunged UID is never reused");
    }

    async fn copy_move<A: Account>(&self, a: &A) {
        let src = self.fresh(a, "Src").await;
        let dst = self.fresh(a, "Dst").await;
        let flags = Flags::new()
            .with(SystemFlag::Answered)
            .with_keyword(kw("$Label1"));
        let mut uids = Vec::new();
        for i in 0..3 {
            let opts = AppendOptions {
                flags: flags.clone(),
                internal_date: Some(crate::UnixTime(1_500_000_000 + i)),
            };
            uids.push(
                a.append(src, sample_message(&format!("c{i}"), 3), opts)
                    .await
                    .expect("append")
                    .uid,
            );
        }
        let dst_v = a.status(dst).await.expect("status").uidvalidity;
        let map = a
            .copy(src, &UidSet::range(uids[0], uids[1]), dst)
            .await
            .expect("copy");
        check_eq!(
            self,
            map.uidvalidity,
            dst_v,
            "COPYUID carries the destination UIDVALIDITY"
        );
        check_eq!(
            self,
            map.pairs.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec![uids[0], uids[1]],
            "source UIDs ascending"
        );
        check!(
            self,
            map.pairs[0].1 < map.pairs[1].1,
            "destination UIDs ascending"
        );
        let src_meta = a.fetch_meta(src, &UidSet::all()).await.expect("fetch");
        check_eq!(self, src_meta.len(), 3, "copy leaves the source alone");
        let dst_meta = a.fetch_meta(dst, &UidSet::all()).await.expect("fetch");
        check_eq!(self, dst_meta.len(), 2, "copies arrive");
        check_eq!(self, dst_meta[0].flags, flags, "copy keeps flags");
        check_eq!(
            self,
            dst_meta[0].internal_date,
            src_meta[0].internal_date,
            "copy keeps INTERNALDATE"
        );
        check_eq!(
            self,
            dst_meta[0].size,
            src_meta[0].size,
            "copy keeps the size"
        );
        let b1 = a
            .read_body(src, uids[0], None)
            .await
            .expect("body")
            .collect_bytes()
            .await
            .expect("read");
        let b2 = a
            .read_body(dst, map.pairs[0].1, None)
            .await
            .expect("body")
            .collect_bytes()
            .await
            .expect("read");
        check_eq!(self, b1, b2, "copy keeps the bytes");
        check_eq!(
            self,
            dst_meta[0].email_id,
            src_meta[0].email_id,
            "copy keeps the EMAILID"
        );

        let before = a.status(src).await.expect("status").highest_modseq;
        let moved = a
            .move_messages(src, &UidSet::range(uids[1], uids[2]), dst)
            .await
            .expect("move");
        check_eq!(self, moved.map.pairs.len(), 2, "both moved");
        check_eq!(
            self,
            moved.expunged.uids,
            UidSet::range(uids[1], uids[2]),
            "move expunges from the source"
        );
        check!(
            self,
            moved.expunged.highest_modseq > before,
            "move raises the source HIGHESTMODSEQ"
        );
        check_eq!(
            self,
            a.snapshot(src).await.expect("snapshot").uids,
            vec![uids[0]],
            "source keeps the rest"
        );
        check_eq!(
            self,
            a.status(dst).await.expect("status").messages,
            4,
            "destination has copies and moved"
        );
        let ch = a.changes_since(src, before).await.expect("changes");
        check_eq!(
            self,
            ch.vanished,
            Vanished::Uids(UidSet::range(uids[1], uids[2])),
            "moved UIDs vanish from the source"
        );
        let missing = a
            .copy(src, &one(uids[0]), MailboxId::from_u128(u128::MAX - 3))
            .await;
        check_eq!(
            self,
            missing.map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::NotFound),
            "copy to an unknown mailbox"
        );
        check_eq!(
            self,
            a.snapshot(src).await.expect("snapshot").uids,
            vec![uids[0]],
            "a failed copy changes nothing"
        );
    }

    async fn rename_delete<A: Account>(&self, a: &A) {
        let old = self.name("Old");
        let made = a.create_mailbox(&old, None).await.expect("create");
        let child = a
            .create_mailbox(&format!("{old}/Child"), None)
            .await
            .expect("create child");
        let x = a
            .append(made.id, sample_message("r", 1), AppendOptions::default())
            .await
            .expect("append");
        let st = a.status(made.id).await.expect("status");
        let new = self.name("New");
        a.rename_mailbox(made.id, &new).await.expect("rename");
        let after = a.mailbox(&new).await.expect("renamed mailbox found");
        check_eq!(self, after.id, made.id, "rename keeps the id");
        let st2 = a.status(made.id).await.expect("status");
        check_eq!(
            self,
            st2.uidvalidity,
            st.uidvalidity,
            "rename keeps UIDVALIDITY"
        );
        check_eq!(
            self,
            a.snapshot(made.id).await.expect("snapshot").uids,
            vec![x.uid],
            "rename keeps UIDs"
        );
        check_eq!(
            self,
            a.mailbox(&format!("{new}/Child"))
                .await
                .expect("child follows")
                .id,
            child.id,
            "children follow a rename"
        );
        check_eq!(
            self,
            a.mailbox(&old).await.map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::NotFound),
            "the old name is gone"
        );
        let taken = a
            .create_mailbox(&self.name("Taken"), None)
            .await
            .expect("create");
        check_eq!(
            self,
            a.rename_mailbox(made.id, &self.name("Taken"))
                .await
                .map_err(|e| e.kind()),
            Err(ErrorKind::AlreadyExists),
            "rename onto an existing name"
        );
        let inbox = a.mailbox("INBOX").await.expect("inbox");
        check!(
            self,
            a.delete_mailbox(inbox.id).await.is_err(),
            "INBOX cannot be deleted"
        );

        a.delete_mailbox(taken.id).await.expect("delete");
        check_eq!(
            self,
            a.status(taken.id).await.map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::NotFound),
            "a deleted mailbox is gone"
        );
        let again = a
            .create_mailbox(&self.name("Taken"), None)
            .await
            .expect("recreate");
        let v_old = taken.id;
        check!(self, again.id != v_old, "a recreated mailbox has a new id");
        let v1 = a.status(again.id).await.expect("status").uidvalidity;
        a.delete_mailbox(again.id).await.expect("delete");
        let third = a
            .create_mailbox(&self.name("Taken"), None)
            .await
            .expect("recreate");
        let v2 = a.status(third.id).await.expect("status").uidvalidity;
        check!(
            self,
            v1 != v2,
            "recreating a name gives a new UIDVALIDITY (UIDs were reset)"
        );
    }

    async fn deliver_many<S: Store, A: Account>(&self, store: &S, a: &A, b: &A) {
        let folder = self.name("Delivered");
        a.create_mailbox(&folder, None).await.expect("create");
        let raw = sample_message("deliver", 4);
        let recipients = [
            Delivery::inbox(a.id().clone()),
            Delivery {
                account: b.id().clone(),
                mailbox: None,
                flags: Flags::new().with(SystemFlag::Seen),
            },
            Delivery {
                account: a.id().clone(),
                mailbox: Some(folder.clone()),
                flags: Flags::new(),
            },
            Delivery {
                account: a.id().clone(),
                mailbox: Some(self.name("NoSuchFolder")),
                flags: Flags::new(),
            },
        ];
        let results = store.deliver(raw.clone(), &recipients).await;
        check_eq!(self, results.len(), 4, "one result per recipient");
        let ok: Vec<_> = results[..3]
            .iter()
            .map(|r| r.as_ref().expect("delivered"))
            .collect();
        check_eq!(
            self,
            results[3].as_ref().map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::NotFound),
            "a bad recipient fails alone"
        );
        let inbox_b = b.mailbox("INBOX").await.expect("inbox");
        let meta = b
            .fetch_meta(inbox_b.id, &one(ok[1].uid))
            .await
            .expect("fetch");
        check_eq!(self, meta.len(), 1, "the second account got it");
        check!(
            self,
            meta[0].flags.contains(SystemFlag::Seen),
            "per-recipient flags"
        );
        let body = b
            .read_body(inbox_b.id, ok[1].uid, None)
            .await
            .expect("body")
            .collect_bytes()
            .await
            .expect("read");
        check_eq!(
            self,
            body.as_ref(),
            &crlf(&raw)[..],
            "delivered bytes are the CRLF form"
        );
        let f = a.mailbox(&folder).await.expect("folder");
        check_eq!(self, ok[2].mailbox, f.id, "delivery into a named folder");
    }

    async fn watch_hints<A: Account>(&self, a: &A) {
        let id = self.fresh(a, "Watched").await;
        let mut w = a.watch();
        let x = a
            .append(id, sample_message("w", 1), AppendOptions::default())
            .await
            .expect("append");
        let mut seen = false;
        for _ in 0..64 {
            match w.next().await {
                Some(crate::Hint::Changed { mailbox, modseq }) if mailbox == id => {
                    check!(self, modseq >= x.modseq, "the hint carries the new MODSEQ");
                    seen = true;
                    break;
                }
                Some(crate::Hint::Lagged) => {
                    seen = true;
                    break;
                }
                Some(_) => {}
                None => break,
            }
        }
        check!(self, seen, "an append wakes a watcher");
    }

    async fn pop3<A: Account>(&self, a: &A) {
        let inbox = a.mailbox("INBOX").await.expect("inbox");
        let mut mine = Vec::new();
        for i in 0..3 {
            mine.push(
                a.append(
                    inbox.id,
                    sample_message(&format!("pop{i}"), 2),
                    AppendOptions::default(),
                )
                .await
                .expect("append")
                .uid,
            );
        }
        let drop1 = a.pop3_maildrop().await.expect("maildrop");
        let second = a.pop3_maildrop().await;
        check_eq!(
            self,
            second.map(|_| ()).map_err(|e| e.kind()),
            Err(ErrorKind::InUse),
            "one POP3 session at a time"
        );
        let entries: BTreeMap<Uid, u64> = drop1.messages.iter().map(|m| (m.uid, m.size)).collect();
        check!(
            self,
            mine.iter().all(|u| entries.contains_key(u)),
            "the maildrop lists the INBOX"
        );
        let meta = a
            .fetch_meta(inbox.id, &UidSet::from_iter(mine.iter().copied()))
            .await
            .expect("fetch");
        check!(
            self,
            meta.iter().all(|m| entries.get(&m.uid) == Some(&m.size)),
            "maildrop sizes are the exact sizes"
        );
        let hdr: BTreeMap<Uid, u64> = drop1
            .messages
            .iter()
            .map(|m| (m.uid, m.header_len))
            .collect();
        check!(
            self,
            meta.iter().all(|m| hdr.get(&m.uid) == Some(&m.header_len)),
            "maildrop header lengths (for TOP)"
        );
        check_eq!(
            self,
            drop1.total_size(),
            drop1.messages.iter().map(|m| m.size).sum::<u64>(),
            "STAT total"
        );
        let uidls: BTreeSet<&str> = drop1.messages.iter().map(|m| m.uidl.as_str()).collect();
        check_eq!(self, uidls.len(), drop1.messages.len(), "UIDLs are unique");
        // IMAP expunges one meanwhile; the commit tolerates it.
        a.expunge(inbox.id, &one(mine[0]), ExpungeFilter::Any)
            .await
            .expect("expunge");
        let out = a
            .pop3_commit(drop1, &UidSet::from_iter([mine[0], mine[1]]))
            .await
            .expect("commit");
        check_eq!(
            self,
            out.uids,
            one(mine[1]),
            "commit expunges what is still there"
        );
        let snap = a.snapshot(inbox.id).await.expect("snapshot");
        check!(
            self,
            snap.uids.contains(&mine[2]) && !snap.uids.contains(&mine[1]),
            "commit applied"
        );
        let again = a.pop3_maildrop().await;
        check!(self, again.is_ok(), "the lock is released by the commit");
        drop(again);
        check!(
            self,
            a.pop3_maildrop().await.is_ok(),
            "the lock is released by drop"
        );
    }

    async fn quota<A: Account>(&self, a: &A) {
        let id = self.fresh(a, "Quota").await;
        let q0 = a.quota().await.expect("quota");
        let x = a
            .append(id, sample_message("q", 10), AppendOptions::default())
            .await
            .expect("append");
        let size = a.fetch_meta(id, &one(x.uid)).await.expect("fetch")[0].size;
        let q1 = a.quota().await.expect("quota");
        check_eq!(
            self,
            q1.used_bytes,
            q0.used_bytes + size,
            "quota counts the CRLF size"
        );
        check_eq!(
            self,
            q1.used_messages,
            q0.used_messages + 1,
            "quota counts messages"
        );
        a.expunge(id, &one(x.uid), ExpungeFilter::Any)
            .await
            .expect("expunge");
        check_eq!(
            self,
            a.quota().await.expect("quota").used_bytes,
            q0.used_bytes,
            "expunge gives the space back"
        );
    }

    /// Appenders, flaggers, expungers and readers on one mailbox at once, each an OS thread
    /// with its own session; then the invariants.
    fn concurrent_sessions<S: Store>(&self, store: &S, account: &AccountId) {
        const APPENDERS: usize = 4;
        const PER: usize = 40;
        let a = block_on(store.open_account(account)).expect("open");
        let id = block_on(self.fresh(&a, "Busy"));
        let start = block_on(a.status(id)).expect("status");
        let results = std::thread::scope(|s| {
            let mut appenders = Vec::new();
            for t in 0..APPENDERS {
                let store = store.clone();
                appenders.push(s.spawn(move || {
                    block_on(async {
                        let a = store.open_account(account).await.expect("open");
                        let mut got = Vec::new();
                        for i in 0..PER {
                            let flags = if i % 3 == 0 {
                                Flags::new().with(SystemFlag::Deleted)
                            } else {
                                Flags::new()
                            };
                            let x = a
                                .append(
                                    id,
                                    sample_message(&format!("t{t}m{i}"), 2),
                                    AppendOptions::with_flags(flags),
                                )
                                .await
                                .expect("concurrent append");
                            got.push(x);
                        }
                        got
                    })
                }));
            }
            let flagger = {
                let store = store.clone();
                s.spawn(move || {
                    block_on(async {
                        let a = store.open_account(account).await.expect("open");
                        let seen = Flags::new().with(SystemFlag::Seen);
                        let mut last = ModSeq::MIN;
                        for i in 0..60 {
                            let op = if i % 2 == 0 {
                                FlagOp::Add
                            } else {
                                FlagOp::Remove
                            };
                            let up = a
                                .store_flags(id, &UidSet::all(), op, &seen, None)
                                .await
                                .expect("concurrent store");
                            if let Some(c) = up.changed.first() {
                                assert!(c.modseq > last, "MODSEQs of successive stores increase");
                                last = c.modseq;
                            }
                        }
                    });
                })
            };
            let expunger = {
                let store = store.clone();
                s.spawn(move || {
                    block_on(async {
                        let a = store.open_account(account).await.expect("open");
                        let mut gone = UidSet::new();
                        for _ in 0..30 {
                            let out = a
                                .expunge(id, &UidSet::all(), ExpungeFilter::Deleted)
                                .await
                                .expect("concurrent expunge");
                            for u in out.uids.iter() {
                                assert!(!gone.contains(u), "a UID is expunged once");
                                gone.insert(u);
                            }
                            std::thread::yield_now();
                        }
                        gone
                    })
                })
            };
            let reader = {
                let store = store.clone();
                s.spawn(move || {
                    block_on(async {
                        let a = store.open_account(account).await.expect("open");
                        let mut prev = start.highest_modseq;
                        for _ in 0..60 {
                            let snap = a.snapshot(id).await.expect("concurrent snapshot");
                            assert!(
                                snap.uids.windows(2).all(|w| w[0] < w[1]),
                                "snapshot UIDs strictly ascend"
                            );
                            assert!(snap.highest_modseq >= prev, "HIGHESTMODSEQ never goes back");
                            prev = snap.highest_modseq;
                            let meta = a
                                .fetch_meta(id, &UidSet::all())
                                .await
                                .expect("concurrent fetch");
                            for m in meta.iter().take(5) {
                                // The message may vanish between fetch and read; that is allowed.
                                if let Ok(body) = a.read_body(id, m.uid, None).await {
                                    let bytes = body.collect_bytes().await.expect("read");
                                    assert_eq!(
                                        bytes.len() as u64,
                                        m.size,
                                        "a body read concurrently is whole"
                                    );
                                }
                            }
                        }
                    });
                })
            };
            flagger.join().expect("flagger");
            reader.join().expect("reader");
            let gone = expunger.join().expect("expunger");
            let appended: Vec<_> = appenders
                .into_iter()
                .flat_map(|h| h.join().expect("appender"))
                .collect();
            (appended, gone)
        });
        let (appended, mut gone) = results;
        let a2 = block_on(store.open_account(account)).expect("open");
        gone.extend(
            block_on(a2.expunge(id, &UidSet::all(), ExpungeFilter::Deleted))
                .expect("final expunge")
                .uids
                .iter(),
        );
        let uids: BTreeSet<Uid> = appended.iter().map(|x| x.uid).collect();
        check_eq!(
            self,
            uids.len(),
            APPENDERS * PER,
            "concurrent appends get distinct UIDs"
        );
        let modseqs: BTreeSet<ModSeq> = appended.iter().map(|x| x.modseq).collect();
        check_eq!(
            self,
            modseqs.len(),
            APPENDERS * PER,
            "concurrent appends get distinct MODSEQs"
        );
        let deleted_count = (0..PER).filter(|i| i % 3 == 0).count() * APPENDERS;
        check_eq!(
            self,
            gone.len() as usize,
            deleted_count,
            "exactly the \\Deleted messages were expunged"
        );
        let snap = block_on(a2.snapshot(id)).expect("snapshot");
        let live: BTreeSet<Uid> = snap.uids.iter().copied().collect();
        let want: BTreeSet<Uid> = uids
            .iter()
            .copied()
            .filter(|u| !gone.contains(*u))
            .collect();
        check_eq!(
            self,
            live,
            want,
            "the survivors are the appended minus the expunged"
        );
        let st = block_on(a2.status(id)).expect("status");
        check_eq!(
            self,
            st.messages as usize,
            live.len(),
            "MESSAGES agrees with the snapshot"
        );
        check!(
            self,
            st.uidnext > *uids.last().expect("appended"),
            "UIDNEXT is past every UID"
        );
        let ch = block_on(a2.changes_since(id, start.highest_modseq)).expect("changes");
        check_eq!(
            self,
            ch.changed.iter().map(|c| c.uid).collect::<BTreeSet<_>>(),
            live,
            "changes since the start name every survivor"
        );
        match ch.vanished {
            Vanished::Uids(v) => check!(
                self,
                gone.iter().all(|u| v.contains(u)),
                "changes since the start name every expunged UID"
            ),
            Vanished::TooOld => check!(self, true, "too old is an allowed answer"),
        }
        let meta = block_on(a2.fetch_meta(id, &UidSet::all())).expect("fetch");
        let unseen = meta
            .iter()
            .filter(|m| !m.flags.contains(SystemFlag::Seen))
            .count();
        check_eq!(
            self,
            st.unseen as usize,
            unseen,
            "UNSEEN agrees with the flags"
        );
        check_eq!(
            self,
            st.size,
            meta.iter().map(|m| m.size).sum::<u64>(),
            "SIZE agrees with the sizes"
        );
        check!(
            self,
            meta.iter().all(|m| m.modseq <= st.highest_modseq),
            "no message is newer than HIGHESTMODSEQ"
        );
    }

    /// Two threads move messages back and forth between two mailboxes while a third counts:
    /// at the end every message exists exactly once.
    fn concurrent_moves<S: Store>(&self, store: &S, account: &AccountId) {
        const N: usize = 30;
        let a = block_on(store.open_account(account)).expect("open");
        let left = block_on(self.fresh(&a, "Left"));
        let right = block_on(self.fresh(&a, "Right"));
        for i in 0..N {
            block_on(a.append(
                left,
                sample_message(&format!("mv{i}"), 1),
                AppendOptions::default(),
            ))
            .expect("append");
        }
        std::thread::scope(|s| {
            for (from, to) in [(left, right), (right, left)] {
                let store = store.clone();
                s.spawn(move || {
                    block_on(async {
                        let a = store.open_account(account).await.expect("open");
                        for _ in 0..25 {
                            let snap = a.snapshot(from).await.expect("snapshot");
                            let pick: UidSet = snap.uids.iter().copied().step_by(2).collect();
                            let moved = a
                                .move_messages(from, &pick, to)
                                .await
                                .expect("concurrent move");
                            assert_eq!(
                                moved.map.pairs.len() as u64,
                                moved.expunged.uids.len(),
                                "a move copies exactly what it expunges"
                            );
                        }
                    });
                });
            }
        });
        let mut tags = BTreeMap::new();
        for id in [left, right] {
            for uid in block_on(a.snapshot(id)).expect("snapshot").uids {
                let body =
                    block_on(async { a.read_body(id, uid, None).await?.collect_bytes().await })
                        .expect("read");
                let text = String::from_utf8_lossy(&body).into_owned();
                let tag = text
                    .lines()
                    .find_map(|l| l.strip_prefix("Subject: "))
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                *tags.entry(tag).or_insert(0) += 1;
            }
        }
        check_eq!(
            self,
            tags.len(),
            N,
            "no message was lost by concurrent moves"
        );
        check!(
            self,
            tags.values().all(|&n| n == 1),
            "no message was duplicated by concurrent moves"
        );
    }
}

/// A tiny deterministic generator (xorshift64), so a failing walk replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

type Model = BTreeMap<MailboxId, BTreeMap<Uid, Flags>>;

impl Kit {
    /// A random walk of appends, flag changes, expunges, copies and moves over two
    /// mailboxes, checked step by step against a model; and at the end, for many earlier
    /// instants, that `changes_since` names every difference (the QRESYNC guarantee).
    async fn model_walk<A: Account>(&self, a: &A, run: u64) {
        let ids = [self.fresh(a, "ModelA").await, self.fresh(a, "ModelB").await];
        let mut model: Model = ids.iter().map(|id| (*id, BTreeMap::new())).collect();
        let mut max_uid: BTreeMap<MailboxId, Uid> = BTreeMap::new();
        let mut history: Vec<(MailboxId, ModSeq, BTreeMap<Uid, Flags>)> = Vec::new();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (run + 1));
        let choices = [
            Flags::new().with(SystemFlag::Seen),
            Flags::new().with(SystemFlag::Deleted),
            Flags::new().with_keyword(kw("$Label1")),
            Flags::new()
                .with(SystemFlag::Flagged)
                .with_keyword(kw("$Label2")),
        ];
        for step in 0..160u64 {
            let id = ids[usize::from(rng.below(2) == 1)];
            let other = if id == ids[0] { ids[1] } else { ids[0] };
            let live: Vec<Uid> = model[&id].keys().copied().collect();
            let pick = |rng: &mut Rng| -> UidSet {
                if live.is_empty() {
                    return UidSet::new();
                }
                let i = rng.below(live.len() as u64) as usize;
                let j = (i + rng.below(4) as usize).min(live.len() - 1);
                UidSet::range(live[i], live[j])
            };
            match rng.below(10) {
                0..=3 => {
                    let x = a
                        .append(
                            id,
                            sample_message(&format!("w{run}s{step}"), 1),
                            AppendOptions::default(),
                        )
                        .await
                        .expect("walk: append");
                    if let Some(m) = max_uid.get(&id) {
                        check!(self, x.uid > *m, "walk step {step}: UIDs strictly increase");
                    }
                    max_uid.insert(id, x.uid);
                    model
                        .get_mut(&id)
                        .expect("model")
                        .insert(x.uid, Flags::new());
                }
                4..=6 => {
                    let set = pick(&mut rng);
                    let op = [FlagOp::Add, FlagOp::Remove, FlagOp::Replace][rng.below(3) as usize];
                    let f = &choices[rng.below(choices.len() as u64) as usize];
                    let up = a
                        .store_flags(id, &set, op, f, None)
                        .await
                        .expect("walk: store");
                    let mb = model.get_mut(&id).expect("model");
                    let mut want = Vec::new();
                    for u in set.iter() {
                        if let Some(old) = mb.get_mut(&u) {
                            let new = old.apply(op, f);
                            if new != *old {
                                want.push(u);
                                *old = new;
                            }
                        }
                    }
                    let got: Vec<Uid> = up.changed.iter().map(|c| c.uid).collect();
                    check_eq!(
                        self,
                        got,
                        want,
                        "walk step {step}: the messages a store changes"
                    );
                }
                7 => {
                    let set = pick(&mut rng);
                    let filter = if rng.below(2) == 0 {
                        ExpungeFilter::Any
                    } else {
                        ExpungeFilter::Deleted
                    };
                    let out = a.expunge(id, &set, filter).await.expect("walk: expunge");
                    let mb = model.get_mut(&id).expect("model");
                    let want: UidSet = set
                        .iter()
                        .filter(|u| {
                            mb.get(u).is_some_and(|f| {
                                filter == ExpungeFilter::Any || f.contains(SystemFlag::Deleted)
                            })
                        })
                        .collect();
                    for u in want.iter() {
                        mb.remove(&u);
                    }
                    check_eq!(
                        self,
                        out.uids,
                        want,
                        "walk step {step}: what an expunge removes"
                    );
                }
                _ => {
                    let set = pick(&mut rng);
                    let moving = rng.below(2) == 0;
                    let map = if moving {
                        a.move_messages(id, &set, other)
                            .await
                            .expect("walk: move")
                            .map
                    } else {
                        a.copy(id, &set, other).await.expect("walk: copy")
                    };
                    let want: Vec<Uid> =
                        set.iter().filter(|u| model[&id].contains_key(u)).collect();
                    check_eq!(
                        self,
                        map.pairs.iter().map(|p| p.0).collect::<Vec<_>>(),
                        want,
                        "walk step {step}: the UID map covers the set"
                    );
                    for (from, to) in &map.pairs {
                        let flags = model[&id][from].clone();
                        if let Some(m) = max_uid.get(&other) {
                            check!(self, to > m, "walk step {step}: copied UIDs are new");
                        }
                        max_uid.insert(other, *to);
                        model.get_mut(&other).expect("model").insert(*to, flags);
                        if moving {
                            model.get_mut(&id).expect("model").remove(from);
                        }
                    }
                }
            }
            for mid in ids {
                let meta = a
                    .fetch_meta(mid, &UidSet::all())
                    .await
                    .expect("walk: fetch");
                let got: BTreeMap<Uid, Flags> =
                    meta.into_iter().map(|m| (m.uid, m.flags)).collect();
                check_eq!(
                    self,
                    &got,
                    &model[&mid],
                    "walk step {step}: the mailbox matches the model"
                );
            }
            if step % 8 == 0 {
                let st = a.status(id).await.expect("walk: status");
                history.push((id, st.highest_modseq, model[&id].clone()));
            }
        }
        for (id, mark, then) in &history {
            let ch = a.changes_since(*id, *mark).await.expect("walk: changes");
            let named: BTreeSet<Uid> = ch.changed.iter().map(|c| c.uid).collect();
            check!(
                self,
                ch.changed.iter().all(|c| c.modseq > *mark),
                "every reported change is newer than the mark"
            );
            for (uid, flags) in &model[id] {
                if then.get(uid) != Some(flags) {
                    check!(
                        self,
                        named.contains(uid),
                        "changes since {mark} name UID {uid}, whose flags differ or which is new"
                    );
                }
            }
            if let Vanished::Uids(v) = &ch.vanished {
                for uid in then.keys().filter(|u| !model[id].contains_key(u)) {
                    check!(
                        self,
                        v.contains(*uid),
                        "changes since {mark} name the vanished UID {uid}"
                    );
                }
            }
        }
    }
}
