//! The storage traits: [`Store`] (accounts and delivery) and [`Account`] (one account's
//! mailboxes and messages).

use std::future::Future;
use std::ops::Range;

use bytes::Bytes;

use crate::{
    AccountId, AppendOptions, Appended, BodyStream, Changes, CopyMap, Delivery, ExpungeFilter,
    Expunged, Features, FlagOp, FlagUpdate, Flags, MailboxId, MailboxInfo, MailboxStatus, Maildrop,
    MessageMeta, ModSeq, Moved, Quota, Result, Snapshot, SpecialUse, Uid, UidSet, Watcher,
};

/// A mail store: opens accounts and delivers mail into them.
///
/// Cheap to clone and share between tasks (backends are handles around an `Arc`).
pub trait Store: Clone + Send + Sync + 'static {
    /// One account's view of the store.
    type Account: Account;

    /// Opens an account, creating its INBOX if it has none yet.
    ///
    /// # Errors
    /// `NotFound` if the store does not know the account.
    fn open_account(
        &self,
        account: &AccountId,
    ) -> impl Future<Output = Result<Self::Account>> + Send;

    /// Delivers one message to many recipients (LMTP, local SMTP delivery), with one result per
    /// recipient in the same order: a full mailbox fails only its own recipient.
    fn deliver(
        &self,
        message: Bytes,
        recipients: &[Delivery],
    ) -> impl Future<Output = Vec<Result<Appended>>> + Send;
}

/// One account: its mailboxes and their messages. Only UIDs and MODSEQs cross this trait;
/// sequence numbers and POP3 message numbers are the sessions' business.
///
/// Handles are cheap to clone; every session of the account may hold its own.
///
/// Every method is one step for other sessions: they see all of it or none of it. Dropping a
/// returned future early never leaves half an operation behind: it either did not start or
/// (for file backends, whose work runs on a thread pool) finishes in the background.
pub trait Account: Clone + Send + Sync + 'static {
    /// The account.
    fn id(&self) -> &AccountId;

    /// What this backend supports.
    fn features(&self) -> Features;

    /// Every mailbox, INBOX first, then by name.
    fn list_mailboxes(&self) -> impl Future<Output = Result<Vec<MailboxInfo>>> + Send;

    /// Finds a mailbox by name (`INBOX` case-insensitively).
    ///
    /// # Errors
    /// `NotFound`.
    fn mailbox(&self, name: &str) -> impl Future<Output = Result<MailboxInfo>> + Send;

    /// Creates a mailbox. Missing parents are created too (RFC 9051 §6.3.4).
    ///
    /// # Errors
    /// `AlreadyExists`, `InvalidInput` for an empty or malformed name.
    fn create_mailbox(
        &self,
        name: &str,
        special_use: Option<SpecialUse>,
    ) -> impl Future<Output = Result<MailboxInfo>> + Send;

    /// Renames a mailbox and everything below it, keeping ids, UIDs and UIDVALIDITY.
    ///
    /// # Errors
    /// `NotFound`, `AlreadyExists`, `InvalidInput` (renaming INBOX is refused).
    fn rename_mailbox(
        &self,
        id: MailboxId,
        new_name: &str,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Deletes a mailbox and its messages (mailboxes below it stay).
    ///
    /// # Errors
    /// `NotFound`, `InvalidInput` for INBOX.
    fn delete_mailbox(&self, id: MailboxId) -> impl Future<Output = Result<()>> + Send;

    /// Subscribes or unsubscribes.
    ///
    /// # Errors
    /// `NotFound`.
    fn set_subscribed(
        &self,
        id: MailboxId,
        subscribed: bool,
    ) -> impl Future<Output = Result<()>> + Send;

    /// STATUS.
    ///
    /// # Errors
    /// `NotFound`.
    fn status(&self, id: MailboxId) -> impl Future<Output = Result<MailboxStatus>> + Send;

    /// The UIDs at one instant, with UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ.
    ///
    /// # Errors
    /// `NotFound`.
    fn snapshot(&self, id: MailboxId) -> impl Future<Output = Result<Snapshot>> + Send;

    /// Metadata of the messages in `uids` that exist (absent UIDs are skipped), ascending.
    ///
    /// # Errors
    /// `NotFound` for the mailbox.
    fn fetch_meta(
        &self,
        id: MailboxId,
        uids: &UidSet,
    ) -> impl Future<Output = Result<Vec<MessageMeta>>> + Send;

    /// The message in CRLF form, whole or the byte range `range` of it (clamped to its size).
    ///
    /// # Errors
    /// `NotFound` for the mailbox or the message.
    fn read_body(
        &self,
        id: MailboxId,
        uid: Uid,
        range: Option<Range<u64>>,
    ) -> impl Future<Output = Result<BodyStream>> + Send;

    /// Stores a message (bare LF becomes CRLF).
    ///
    /// # Errors
    /// `NotFound`, `OverQuota`.
    fn append(
        &self,
        id: MailboxId,
        message: Bytes,
        options: AppendOptions,
    ) -> impl Future<Output = Result<Appended>> + Send;

    /// Changes flags. With `unchanged_since`, messages whose MODSEQ is greater are left alone
    /// and reported in [`FlagUpdate::modified`] (RFC 7162 UNCHANGEDSINCE). A message whose
    /// flags would not change keeps its MODSEQ and is not reported.
    ///
    /// # Errors
    /// `NotFound` for the mailbox.
    fn store_flags(
        &self,
        id: MailboxId,
        uids: &UidSet,
        op: FlagOp,
        flags: &Flags,
        unchanged_since: Option<ModSeq>,
    ) -> impl Future<Output = Result<FlagUpdate>> + Send;

    /// Copies messages (flags and INTERNALDATE kept) to `dest`.
    ///
    /// # Errors
    /// `NotFound`, `OverQuota`.
    fn copy(
        &self,
        source: MailboxId,
        uids: &UidSet,
        dest: MailboxId,
    ) -> impl Future<Output = Result<CopyMap>> + Send;

    /// Moves messages atomically: no observer sees them in both or in neither mailbox.
    ///
    /// # Errors
    /// `NotFound`.
    fn move_messages(
        &self,
        source: MailboxId,
        uids: &UidSet,
        dest: MailboxId,
    ) -> impl Future<Output = Result<Moved>> + Send;

    /// Expunges the messages of `uids` that pass `filter`.
    ///
    /// # Errors
    /// `NotFound` for the mailbox.
    fn expunge(
        &self,
        id: MailboxId,
        uids: &UidSet,
        filter: ExpungeFilter,
    ) -> impl Future<Output = Result<Expunged>> + Send;

    /// What changed after `since`: the source of truth for IDLE, NOOP and QRESYNC.
    ///
    /// # Errors
    /// `NotFound` for the mailbox.
    fn changes_since(
        &self,
        id: MailboxId,
        since: ModSeq,
    ) -> impl Future<Output = Result<Changes>> + Send;

    /// Hints about changes in this account from now on (IDLE). Hints may be lost or
    /// coalesced; [`Account::changes_since`] has the facts.
    fn watch(&self) -> Watcher;

    /// Takes the POP3 maildrop lock and snapshots the INBOX with sizes and UIDLs.
    ///
    /// # Errors
    /// `InUse` when another POP3 session holds the maildrop.
    fn pop3_maildrop(&self) -> impl Future<Output = Result<Maildrop>> + Send;

    /// Ends a POP3 session: expunges `deleted` in one step (messages already gone are
    /// ignored) and releases the lock.
    ///
    /// # Errors
    /// `TryAgain` if the expunge could not be made; the lock is released either way.
    fn pop3_commit(
        &self,
        maildrop: Maildrop,
        deleted: &UidSet,
    ) -> impl Future<Output = Result<Expunged>> + Send;

    /// Use and limits.
    fn quota(&self) -> impl Future<Output = Result<Quota>> + Send;
}
