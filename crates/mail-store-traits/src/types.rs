//! The records that operations take and return.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::{AccountId, EmailId, Flags, MailboxId, ModSeq, Uid, UidSet, UidValidity, UnixTime};

/// The hierarchy delimiter of mailbox names across the seam. Backends map it to their own
/// layout (the Maildir backend writes `.` on disk, as Dovecot's Maildir++ does).
pub const HIERARCHY_DELIMITER: char = '/';

/// The name of the inbox; matched case-insensitively (RFC 9051 §5.1).
pub const INBOX: &str = "INBOX";

/// A special-use attribute (RFC 6154).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecialUse {
    /// `\All`
    All,
    /// `\Archive`
    Archive,
    /// `\Drafts`
    Drafts,
    /// `\Flagged`
    Flagged,
    /// `\Junk`
    Junk,
    /// `\Sent`
    Sent,
    /// `\Trash`
    Trash,
}

impl SpecialUse {
    /// Every attribute.
    pub const ALL: [Self; 7] = [
        Self::All,
        Self::Archive,
        Self::Drafts,
        Self::Flagged,
        Self::Junk,
        Self::Sent,
        Self::Trash,
    ];

    /// The IMAP spelling, with the backslash.
    #[must_use]
    pub const fn as_imap(self) -> &'static str {
        match self {
            Self::All => "\\All",
            Self::Archive => "\\Archive",
            Self::Drafts => "\\Drafts",
            Self::Flagged => "\\Flagged",
            Self::Junk => "\\Junk",
            Self::Sent => "\\Sent",
            Self::Trash => "\\Trash",
        }
    }

    /// Parses the IMAP spelling, case-insensitively.
    #[must_use]
    pub fn from_imap(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|u| u.as_imap().eq_ignore_ascii_case(s))
    }
}

/// One mailbox of an account, as LIST shows it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxInfo {
    /// The stable identity.
    pub id: MailboxId,
    /// The full name in UTF-8 with [`HIERARCHY_DELIMITER`]; `INBOX` for the inbox.
    pub name: String,
    /// The special-use attribute, if any.
    pub special_use: Option<SpecialUse>,
    /// Whether the account subscribed to it (LSUB / LIST (SUBSCRIBED)).
    pub subscribed: bool,
    /// Whether other mailboxes exist below it (`\HasChildren`).
    pub has_children: bool,
}

/// STATUS of a mailbox (RFC 9051 §6.3.11 plus RFC 7162 HIGHESTMODSEQ).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxStatus {
    /// The mailbox.
    pub id: MailboxId,
    /// MESSAGES
    pub messages: u32,
    /// UIDNEXT
    pub uidnext: Uid,
    /// UIDVALIDITY
    pub uidvalidity: UidValidity,
    /// UNSEEN: messages without `\Seen`.
    pub unseen: u32,
    /// DELETED: messages with `\Deleted`.
    pub deleted: u32,
    /// SIZE: the sum of the messages' exact CRLF sizes.
    pub size: u64,
    /// HIGHESTMODSEQ
    pub highest_modseq: ModSeq,
}

/// What a session needs to open a mailbox (SELECT, EXAMINE, POP3 login): the UIDs at one
/// instant.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The mailbox.
    pub id: MailboxId,
    /// UIDVALIDITY
    pub uidvalidity: UidValidity,
    /// UIDNEXT
    pub uidnext: Uid,
    /// HIGHESTMODSEQ at the instant of the snapshot: pass it to
    /// [`Account::changes_since`](crate::Account::changes_since) to catch up later.
    pub highest_modseq: ModSeq,
    /// Every UID, ascending; position `i` is IMAP sequence number `i + 1`.
    pub uids: Vec<Uid>,
    /// The keywords defined in the mailbox, for IMAP's FLAGS and PERMANENTFLAGS at SELECT.
    pub keywords: Vec<crate::Keyword>,
}

/// The metadata of one message: everything but the body.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageMeta {
    /// The UID.
    pub uid: Uid,
    /// The MODSEQ of its last change.
    pub modseq: ModSeq,
    /// Its flags and keywords.
    pub flags: Flags,
    /// INTERNALDATE: when it was received; never changes.
    pub internal_date: UnixTime,
    /// SAVEDATE (RFC 8514): when it was stored in this mailbox.
    pub saved_date: UnixTime,
    /// The exact size in octets with CRLF line endings (RFC822.SIZE, POP3 LIST).
    pub size: u64,
    /// The length of the header including the empty line that ends it, in CRLF octets; the
    /// body starts at this offset (POP3 TOP, `BODY[HEADER]`).
    pub header_len: u64,
    /// The POP3 unique id (UIDL): 1 to 70 characters in 0x21..=0x7E, unique and never reused.
    pub pop3_uidl: String,
    /// The content identity (EMAILID).
    pub email_id: EmailId,
}

/// Options of [`Account::append`](crate::Account::append).
#[derive(Debug, Clone, Default)]
pub struct AppendOptions {
    /// The initial flags.
    pub flags: Flags,
    /// INTERNALDATE; the store's clock when `None`.
    pub internal_date: Option<UnixTime>,
}

impl AppendOptions {
    /// Options with these flags and the store's clock for INTERNALDATE.
    #[must_use]
    pub fn with_flags(flags: Flags) -> Self {
        Self {
            flags,
            internal_date: None,
        }
    }
}

/// Where one appended or delivered message landed (IMAP APPENDUID).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The mailbox.
    pub mailbox: MailboxId,
    /// Its UIDVALIDITY.
    pub uidvalidity: UidValidity,
    /// The new message's UID.
    pub uid: Uid,
    /// The MODSEQ of the append.
    pub modseq: ModSeq,
}

/// One recipient of [`Store::deliver`](crate::Store::deliver).
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The account, usually from [`Directory::lookup_recipient`](crate::Directory::lookup_recipient).
    pub account: AccountId,
    /// The mailbox name; `None` means INBOX.
    pub mailbox: Option<String>,
    /// The initial flags.
    pub flags: Flags,
}

impl Delivery {
    /// Delivery into the account's INBOX with no flags.
    #[must_use]
    pub fn inbox(account: AccountId) -> Self {
        Self {
            account,
            mailbox: None,
            flags: Flags::new(),
        }
    }
}

/// One message's flags after a change.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagChange {
    /// The message.
    pub uid: Uid,
    /// Its flags now.
    pub flags: Flags,
    /// The MODSEQ of the change.
    pub modseq: ModSeq,
}

/// The outcome of [`Account::store_flags`](crate::Account::store_flags).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlagUpdate {
    /// The messages whose flags changed, ascending by UID.
    pub changed: Vec<FlagChange>,
    /// The messages left alone because their MODSEQ exceeded UNCHANGEDSINCE (RFC 7162
    /// `[MODIFIED ...]`).
    pub modified: UidSet,
}

/// A UID map from a copy or move (IMAP COPYUID).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyMap {
    /// The destination's UIDVALIDITY.
    pub uidvalidity: UidValidity,
    /// `(source UID, destination UID)` pairs, ascending by source UID.
    pub pairs: Vec<(Uid, Uid)>,
}

/// The outcome of an expunge.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expunged {
    /// The UIDs that vanished.
    pub uids: UidSet,
    /// The mailbox's HIGHESTMODSEQ afterwards.
    pub highest_modseq: ModSeq,
}

/// Which of the given UIDs an expunge removes.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpungeFilter {
    /// Only those with `\Deleted` at the instant of the expunge (IMAP EXPUNGE, UID EXPUNGE).
    Deleted,
    /// All of them (POP3 DELE, MOVE).
    Any,
}

/// The outcome of a move (IMAP MOVE): the UID map and what left the source.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// The UID map.
    pub map: CopyMap,
    /// What vanished from the source.
    pub expunged: Expunged,
}

/// Vanished UIDs, or the admission that they are no longer known.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vanished {
    /// These UIDs were expunged after the given MODSEQ (some may have been created after it
    /// too; RFC 7162 allows that).
    Uids(UidSet),
    /// The store no longer remembers expunges that old: compare the UIDs the client knows with
    /// the current ones (RFC 7162 §3.2.5.2).
    TooOld,
}

/// What changed in a mailbox since a MODSEQ: the source of truth for IDLE, NOOP, QRESYNC and
/// CONDSTORE's CHANGEDSINCE.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The mailbox's UIDVALIDITY (a different one means start over).
    pub uidvalidity: UidValidity,
    /// HIGHESTMODSEQ now; pass it next time.
    pub highest_modseq: ModSeq,
    /// Every message whose MODSEQ exceeds the given one, ascending by UID, new ones included.
    pub changed: Vec<FlagChange>,
    /// The subset of `changed` appended after the given MODSEQ.
    pub new_uids: UidSet,
    /// What vanished.
    pub vanished: Vanished,
}

/// Storage use and limits of an account (RFC 9208's STORAGE and MESSAGE resources).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Quota {
    /// Octets used (sum of CRLF sizes).
    pub used_bytes: u64,
    /// The limit in octets.
    pub limit_bytes: Option<u64>,
    /// Messages stored.
    pub used_messages: u64,
    /// The limit in messages.
    pub limit_messages: Option<u64>,
}

impl Quota {
    /// Whether adding a message of `size` octets stays within the limits.
    #[must_use]
    pub fn allows(&self, size: u64) -> bool {
        self.limit_bytes
            .is_none_or(|l| self.used_bytes.saturating_add(size) <= l)
            && self
                .limit_messages
                .is_none_or(|l| self.used_messages.saturating_add(1) <= l)
    }
}

/// One message of a POP3 maildrop.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaildropEntry {
    /// The UID in the INBOX.
    pub uid: Uid,
    /// The exact CRLF size (POP3 LIST).
    pub size: u64,
    /// The header length in CRLF octets, with the empty line (POP3 TOP reads
    /// `0..header_len + the first n body lines`).
    pub header_len: u64,
    /// The UIDL.
    pub uidl: String,
}

/// A POP3 maildrop: the INBOX at login, held under the account's maildrop lock until it is
/// committed or dropped (RFC 1939 §8 "exclusive-access lock", RFC 2449 `[IN-USE]`).
#[derive(Debug)]
pub struct Maildrop {
    /// The INBOX.
    pub mailbox: MailboxId,
    /// Its UIDVALIDITY.
    pub uidvalidity: UidValidity,
    /// The messages, ascending by UID; position `i` is POP3 message number `i + 1`.
    pub messages: Vec<MaildropEntry>,
    _lock: MaildropLock,
}

impl Maildrop {
    /// Used by backends: a maildrop holding `lock`.
    #[must_use]
    pub fn new(
        mailbox: MailboxId,
        uidvalidity: UidValidity,
        messages: Vec<MaildropEntry>,
        lock: MaildropLock,
    ) -> Self {
        Self {
            mailbox,
            uidvalidity,
            messages,
            _lock: lock,
        }
    }

    /// The sum of the sizes (POP3 STAT).
    #[must_use]
    pub fn total_size(&self) -> u64 {
        self.messages.iter().map(|m| m.size).sum()
    }
}

/// The in-process maildrop lock of one account, shared by the backends.
#[derive(Debug, Clone, Default)]
pub struct MaildropLockTable {
    flag: Arc<AtomicBool>,
}

impl MaildropLockTable {
    /// A new, unlocked table.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the lock, or `None` when a maildrop already holds it.
    #[must_use]
    pub fn try_lock(&self) -> Option<MaildropLock> {
        self.flag
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .ok()
            .map(|_| MaildropLock {
                flag: Arc::clone(&self.flag),
            })
    }
}

/// A held maildrop lock; released on drop.
#[derive(Debug)]
pub struct MaildropLock {
    flag: Arc<AtomicBool>,
}

impl Drop for MaildropLock {
    fn drop(&mut self) {
        self.flag.store(false, Ordering::Release);
    }
}

/// What a backend can and cannot do, for CAPABILITY and PERMANENTFLAGS.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Features {
    /// MODSEQs survive a restart (else IMAP must announce NOMODSEQ).
    pub persistent_modseq: bool,
    /// New keywords may be created (`\*` in PERMANENTFLAGS).
    pub keywords_creatable: bool,
    /// The most keywords one mailbox can hold, if limited (Maildir file names hold 26).
    pub max_keywords: Option<usize>,
}
