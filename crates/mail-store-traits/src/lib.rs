//! The storage seam of mailwire: traits, types and errors that mail servers embed.
//!
//! POP3, IMAP and SMTP/LMTP servers reach mail only through the [`Store`] and [`Account`]
//! traits, and log users in through a [`Directory`]. The rules of the seam:
//!
//! - **Only UIDs and MODSEQs cross it.** IMAP sequence numbers and POP3 message numbers are
//!   per-session views kept by the protocol side.
//! - **[`Account::changes_since`] is the source of truth**; the [`Watcher`] from
//!   [`Account::watch`] only says "look now" and may lose or coalesce hints.
//! - **Sizes are computed once, at save time**: [`MessageMeta::size`] is the exact CRLF size and
//!   [`MessageMeta::header_len`] the body offset, so POP3 STAT/LIST/TOP and IMAP RFC822.SIZE
//!   never read a body. Bodies come as a [`BodyStream`] of `Bytes`, whole or by byte range.
//! - **Async and runtime-free**: methods return `impl Future + Send`; no executor type
//!   appears. [`BoxedStore`]/[`BoxedAccount`] erase the backend type for `dyn` use.
//! - **One error type**, [`StoreError`], whose [`ErrorKind`] maps to IMAP, POP3 and SMTP
//!   answers.
//!
//! ```
//! # #[cfg(feature = "memory")] {
//! use mail_store_traits::{memory::MemoryStore, *};
//! use futures_lite::future::block_on;
//!
//! block_on(async {
//!     let store = MemoryStore::new();
//!     let alice = AccountId::new("alice@example.org");
//!     store.add_account(alice.clone());
//!     let account = store.open_account(&alice).await?;
//!     let inbox = account.mailbox("INBOX").await?;
//!
//!     // LMTP delivery: one message, one result per recipient.
//!     let results = store
//!         .deliver("Subject: hi\n\nhello\n".into(), &[Delivery::inbox(alice.clone())])
//!         .await;
//!     let appended = results.into_iter().next().unwrap()?;
//!
//!     // A session remembers HIGHESTMODSEQ and later asks what changed.
//!     let before = account.snapshot(inbox.id).await?.highest_modseq;
//!     let seen = Flags::new().with(SystemFlag::Seen);
//!     account
//!         .store_flags(inbox.id, &UidSet::range(appended.uid, appended.uid), FlagOp::Add, &seen, None)
//!         .await?;
//!     let changes = account.changes_since(inbox.id, before).await?;
//!     assert_eq!(changes.changed[0].uid, appended.uid);
//!
//!     // Exact CRLF size, computed at save time.
//!     let meta = account.fetch_meta(inbox.id, &UidSet::all()).await?;
//!     assert_eq!(meta[0].size, 22);
//!     Ok::<_, StoreError>(())
//! })
//! .unwrap();
//! # }
//! ```
//!
//! # What a server calls
//!
//! | Protocol need | Call |
//! |---|---|
//! | IMAP LOGIN/AUTHENTICATE, POP3 USER+PASS/AUTH, SMTP AUTH | [`Directory::authenticate`], then [`Store::open_account`] |
//! | LMTP/SMTP `RCPT TO` | [`Directory::lookup_recipient`] |
//! | LMTP/SMTP end of DATA | [`Store::deliver`]: one result per recipient; `Err(e)` answers `e.kind().smtp_reply()` |
//! | LIST, CREATE, RENAME, DELETE, (UN)SUBSCRIBE | [`Account::list_mailboxes`], [`Account::create_mailbox`], [`Account::rename_mailbox`], [`Account::delete_mailbox`], [`Account::set_subscribed`] |
//! | SELECT/EXAMINE | [`Account::mailbox`] then [`Account::snapshot`] (UIDs → sequence numbers), [`Account::status`], [`Account::features`] (PERMANENTFLAGS, NOMODSEQ) |
//! | STATUS | [`Account::status`] |
//! | FETCH FLAGS, INTERNALDATE, RFC822.SIZE, MODSEQ, EMAILID, SAVEDATE | [`Account::fetch_meta`] |
//! | FETCH `BODY[]`, `BODY[]<o.n>`, `BODY[HEADER]` | [`Account::read_body`] (whole, a range, or `0..header_len`) |
//! | STORE (with UNCHANGEDSINCE) | [`Account::store_flags`]: `changed` → untagged FETCH, `modified` → `[MODIFIED ...]` |
//! | COPY, MOVE (COPYUID) | [`Account::copy`], [`Account::move_messages`] |
//! | EXPUNGE, UID EXPUNGE | [`Account::expunge`] with [`ExpungeFilter::Deleted`] |
//! | APPEND (APPENDUID) | [`Account::append`] |
//! | NOOP, IDLE, QRESYNC, CHANGEDSINCE | [`Account::watch`] for the wake-up, [`Account::changes_since`] for the facts |
//! | POP3 STAT, LIST, UIDL | [`Account::pop3_maildrop`] (takes the maildrop lock; `[IN-USE]` when held) |
//! | POP3 RETR, TOP | [`Account::read_body`] (TOP: from 0, header length plus the wanted lines) |
//! | POP3 QUIT in UPDATE | [`Account::pop3_commit`]: every DELE in one step |
//! | GETQUOTA | [`Account::quota`] |
//!
//! Errors: [`ErrorKind::imap_code`], [`ErrorKind::pop3_code`] and [`ErrorKind::smtp_reply`]
//! give the answer for each kind.
//!
//! # Backends
//!
//! Backends are features: `memory` (default; [`memory::MemoryStore`]) and `maildir`
//! (Dovecot-compatible on-disk layout; `maildir::MaildirStore`). The `testing` feature adds
//! `testing::run_conformance`, the suite every backend passes; a new backend calls it from
//! one test.

mod body;
pub mod boxed;
mod clock;
mod directory;
mod error;
mod flags;
mod ids;
mod message;
mod notify;
mod secret;
mod store;
mod types;
mod uid_set;

#[cfg(feature = "maildir")]
pub mod maildir;
#[cfg(feature = "memory")]
pub mod memory;
#[cfg(feature = "testing")]
pub mod testing;

pub use body::{BodyStream, clamp_range};
pub use boxed::{BoxFuture, BoxedAccount, BoxedStore};
pub use clock::{Clock, ManualClock, SystemClock};
pub use directory::{Credentials, Directory, Users};
pub use error::{ErrorKind, Result, StoreError};
pub use flags::{FlagOp, Flags, Keyword, SystemFlag};
pub use ids::{AccountId, EmailId, MailboxId, ModSeq, Uid, UidValidity, UnixTime};
pub use message::CanonicalMessage;
pub use notify::{Hint, Notifier, Watcher};
pub use secret::Secret;
pub use store::{Account, Store};
pub use types::{
    AppendOptions, Appended, Changes, CopyMap, Delivery, ExpungeFilter, Expunged, Features,
    FlagChange, FlagUpdate, HIERARCHY_DELIMITER, INBOX, MailboxInfo, MailboxStatus, Maildrop,
    MaildropEntry, MaildropLock, MaildropLockTable, MessageMeta, Moved, Quota, Snapshot,
    SpecialUse, Vanished,
};
pub use uid_set::UidSet;

/// The default POP3 UIDL: UID and UIDVALIDITY as 8 hex digits each, Dovecot's
/// `%08Xu%08Xv`, so a maildrop served by Dovecot before keeps its UIDLs.
#[must_use]
pub fn default_pop3_uidl(uid: Uid, uidvalidity: UidValidity) -> String {
    format!("{:08X}{:08X}", uid.get(), uidvalidity.get())
}

/// Validates a mailbox name and returns it normalised (`INBOX` in capitals).
///
/// # Errors
/// `InvalidInput` for an empty name, an empty hierarchy level, or control characters.
pub fn normalize_mailbox_name(name: &str) -> Result<String> {
    let trimmed = name.trim_end_matches(HIERARCHY_DELIMITER);
    if trimmed.is_empty()
        || trimmed.split(HIERARCHY_DELIMITER).any(str::is_empty)
        || trimmed.chars().any(char::is_control)
    {
        return Err(StoreError::invalid(format!(
            "invalid mailbox name {name:?}"
        )));
    }
    if trimmed.eq_ignore_ascii_case(INBOX) {
        return Ok(INBOX.to_owned());
    }
    if let Some((first, rest)) = trimmed.split_once(HIERARCHY_DELIMITER)
        && first.eq_ignore_ascii_case(INBOX)
    {
        return Ok(format!("{INBOX}{HIERARCHY_DELIMITER}{rest}"));
    }
    Ok(trimmed.to_owned())
}
