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
//! Backends are features: `memory` (default), `maildir` (Dovecot-compatible on-disk layout).
//! The `testing` feature adds [`testing::run_conformance`], the suite every backend passes.

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
