//! STATUS items, LIST options and items, NAMESPACE, QUOTA, METADATA, ID.

use bytes::Bytes;

use super::core::{AString, Atom, IString};
use super::flag::MailboxAttribute;
use super::mailbox::Mailbox;

/// A STATUS data item name (in a STATUS command or a LIST RETURN STATUS option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusAttribute {
    /// `MESSAGES`
    Messages,
    /// `RECENT` (IMAP4rev1)
    Recent,
    /// `UIDNEXT`
    UidNext,
    /// `UIDVALIDITY`
    UidValidity,
    /// `UNSEEN`
    Unseen,
    /// `DELETED` (IMAP4rev2)
    Deleted,
    /// `SIZE` (STATUS=SIZE)
    Size,
    /// `HIGHESTMODSEQ` (CONDSTORE)
    HighestModSeq,
    /// `APPENDLIMIT` (RFC 7889)
    AppendLimit,
    /// `MAILBOXID` (OBJECTID)
    MailboxId,
    /// `DELETED-STORAGE` (RFC 9208)
    DeletedStorage,
}

/// Wire names of [`StatusAttribute`].
pub(crate) const STATUS_NAMES: [(&[u8], StatusAttribute); 11] = [
    (b"MESSAGES", StatusAttribute::Messages),
    (b"RECENT", StatusAttribute::Recent),
    (b"UIDNEXT", StatusAttribute::UidNext),
    (b"UIDVALIDITY", StatusAttribute::UidValidity),
    (b"UNSEEN", StatusAttribute::Unseen),
    (b"DELETED", StatusAttribute::Deleted),
    (b"SIZE", StatusAttribute::Size),
    (b"HIGHESTMODSEQ", StatusAttribute::HighestModSeq),
    (b"APPENDLIMIT", StatusAttribute::AppendLimit),
    (b"MAILBOXID", StatusAttribute::MailboxId),
    (b"DELETED-STORAGE", StatusAttribute::DeletedStorage),
];

/// A value in a STATUS response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusItem {
    /// A numeric item (`MESSAGES 3`, `SIZE 1234`, ...).
    Number(StatusAttribute, u64),
    /// `APPENDLIMIT NIL` (no limit).
    AppendLimitNone,
    /// `MAILBOXID (id)` (OBJECTID).
    MailboxId(Bytes),
}

/// A LIST selection option (LIST-EXTENDED, RFC 5258; SPECIAL-USE).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListSelect {
    /// `SUBSCRIBED`
    Subscribed,
    /// `REMOTE`
    Remote,
    /// `RECURSIVEMATCH`
    RecursiveMatch,
    /// `SPECIAL-USE`
    SpecialUse,
    /// Any other option.
    Other(Atom),
}

/// A LIST return option (LIST-EXTENDED, LIST-STATUS, SPECIAL-USE).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListReturn {
    /// `SUBSCRIBED`
    Subscribed,
    /// `CHILDREN`
    Children,
    /// `SPECIAL-USE`
    SpecialUse,
    /// `STATUS (items)` (LIST-STATUS)
    Status(Vec<StatusAttribute>),
    /// Any other option.
    Other(Atom),
}

/// Extended data of a LIST response (`mbox-list-extended-item`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListExtendedItem {
    /// `CHILDINFO (SUBSCRIBED ...)`
    ChildInfo(Vec<IString>),
    /// `OLDNAME (mailbox)` (IMAP4rev2)
    OldName(Mailbox),
    /// Anything else: the tag and its raw value.
    Other {
        /// The item's tag.
        tag: AString,
        /// Raw value bytes.
        value: Bytes,
    },
}

/// One LIST or LSUB response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    /// Attributes.
    pub attributes: Vec<MailboxAttribute>,
    /// Hierarchy delimiter (NIL = flat).
    pub delimiter: Option<u8>,
    /// The mailbox.
    pub mailbox: Mailbox,
    /// Extended data (LIST-EXTENDED).
    pub extended: Vec<ListExtendedItem>,
}

/// One namespace description (RFC 2342 / RFC 9051 `namespace-descr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceDescription {
    /// The prefix.
    pub prefix: IString,
    /// The hierarchy delimiter.
    pub delimiter: Option<u8>,
    /// Extensions: a name and its values.
    pub extensions: Vec<(IString, Vec<IString>)>,
}

/// A QUOTA resource (RFC 9208).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaResource {
    /// Resource name (`STORAGE`, `MESSAGE`, ...).
    pub name: Atom,
    /// Current usage (absent in a SETQUOTA command).
    pub usage: u64,
    /// Limit.
    pub limit: u64,
}

/// A METADATA entry value of a GETMETADATA answer or SETMETADATA command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataEntry {
    /// Entry name, e.g. `/private/comment`.
    pub name: AString,
    /// Value; `None` is NIL (removal in SETMETADATA).
    pub value: Option<IString>,
}
