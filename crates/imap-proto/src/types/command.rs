//! Commands (RFC 9051 section 6 and the extensions).

use bytes::Bytes;

use super::core::{AString, Atom, IString, Secret, Tag};
use super::datetime::DateTime;
use super::fetch::FetchAttributes;
use super::flag::{Flag, MailboxAttribute};
use super::gmail::GmailLabel;
use super::mailbox::Mailbox;
use super::mailbox_data::{ListReturn, ListSelect, MetadataEntry, StatusAttribute};
use super::search::{PartialRange, SearchKey, SearchReturn, SortCriterion};
use super::sequence::SequenceSet;

/// A tagged command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The tag.
    pub tag: Tag,
    /// The command and its arguments.
    pub body: CommandBody,
}

/// QRESYNC parameters of SELECT/EXAMINE (RFC 7162 section 3.2.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QResyncParameters {
    /// The last known UIDVALIDITY.
    pub uid_validity: u32,
    /// The last known mod-sequence.
    pub modseq: u64,
    /// Known UIDs.
    pub known_uids: Option<SequenceSet>,
    /// Sequence match data: message numbers and the matching UIDs.
    pub seq_match: Option<(SequenceSet, SequenceSet)>,
}

/// SELECT/EXAMINE parameters (CONDSTORE, QRESYNC).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SelectParameters {
    /// `CONDSTORE`
    pub condstore: bool,
    /// `QRESYNC (...)`
    pub qresync: Option<QResyncParameters>,
}

/// One message of an APPEND (several with MULTIAPPEND).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendMessage {
    /// Flags to set.
    pub flags: Vec<Flag>,
    /// Internal date to set.
    pub date: Option<DateTime>,
    /// The message.
    pub data: Bytes,
    /// Sent as a literal8 (`~{n}`, BINARY): may hold NUL.
    pub binary: bool,
    /// Sent as `UTF8 (~{n})` (UTF8=ACCEPT, RFC 6855 section 4): a message with UTF-8
    /// headers. Implies a literal8.
    pub utf8: bool,
}

/// The head of an APPEND whose message literal is streamed
/// ([`Progress::LiteralStarted`](crate::framing::Progress::LiteralStarted)); see
/// [`parse::append_head`](crate::parse::append_head).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendHead {
    /// The command's tag.
    pub tag: Tag,
    /// Target mailbox.
    pub mailbox: Mailbox,
    /// The first message's options and literal.
    pub part: AppendPart,
}

/// One message of a streamed APPEND: its options and announced literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendPart {
    /// Flags to set.
    pub flags: Vec<Flag>,
    /// Internal date to set.
    pub date: Option<DateTime>,
    /// Announced as a literal8.
    pub binary: bool,
    /// Wrapped in `UTF8 (...)`: a `)` follows the data.
    pub utf8: bool,
    /// Announced length of the message.
    pub length: u64,
}

/// How STORE changes flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreKind {
    /// `FLAGS`: replace.
    Replace,
    /// `+FLAGS`: add.
    Add,
    /// `-FLAGS`: remove.
    Remove,
}

/// Options of GETMETADATA (RFC 5464).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MetadataOptions {
    /// `MAXSIZE n`
    pub max_size: Option<u64>,
    /// `DEPTH 0|1|infinity` (`None` = not given, `Some(None)` = infinity)
    pub depth: Option<Option<u32>>,
}

/// A command name with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommandBody {
    /// `CAPABILITY`
    Capability,
    /// `NOOP`
    Noop,
    /// `LOGOUT`
    Logout,
    /// `STARTTLS`
    StartTls,
    /// `AUTHENTICATE mechanism [initial-response]` (SASL-IR)
    Authenticate {
        /// SASL mechanism.
        mechanism: Atom,
        /// Decoded initial response (`=` decodes to empty).
        initial_response: Option<Secret<Bytes>>,
    },
    /// `LOGIN user password`
    Login {
        /// User name.
        username: AString,
        /// Password.
        password: Secret<AString>,
    },
    /// `ENABLE capabilities` (RFC 5161)
    Enable(Vec<Atom>),
    /// `SELECT mailbox [params]`
    Select {
        /// The mailbox.
        mailbox: Mailbox,
        /// CONDSTORE/QRESYNC parameters.
        parameters: SelectParameters,
    },
    /// `EXAMINE mailbox [params]`
    Examine {
        /// The mailbox.
        mailbox: Mailbox,
        /// CONDSTORE/QRESYNC parameters.
        parameters: SelectParameters,
    },
    /// `CREATE mailbox [(USE (attrs))]` (CREATE-SPECIAL-USE)
    Create {
        /// The mailbox.
        mailbox: Mailbox,
        /// Special-use attributes.
        special_use: Vec<MailboxAttribute>,
    },
    /// `DELETE mailbox`
    Delete(Mailbox),
    /// `RENAME from to`
    Rename {
        /// Existing name.
        from: Mailbox,
        /// New name.
        to: Mailbox,
    },
    /// `SUBSCRIBE mailbox`
    Subscribe(Mailbox),
    /// `UNSUBSCRIBE mailbox`
    Unsubscribe(Mailbox),
    /// `LIST [(select)] reference patterns [RETURN (options)]`
    List {
        /// Selection options (LIST-EXTENDED).
        selection: Vec<ListSelect>,
        /// Reference name.
        reference: Mailbox,
        /// Patterns (several with LIST-EXTENDED).
        patterns: Vec<AString>,
        /// Return options.
        returns: Vec<ListReturn>,
    },
    /// `LSUB reference pattern` (IMAP4rev1)
    Lsub {
        /// Reference name.
        reference: Mailbox,
        /// Pattern.
        pattern: AString,
    },
    /// `NAMESPACE`
    Namespace,
    /// `STATUS mailbox (items)`
    Status {
        /// The mailbox.
        mailbox: Mailbox,
        /// Requested items.
        items: Vec<StatusAttribute>,
    },
    /// `APPEND mailbox message...` (several with MULTIAPPEND)
    Append {
        /// Target mailbox.
        mailbox: Mailbox,
        /// At least one message.
        messages: Vec<AppendMessage>,
    },
    /// `IDLE` (ended by `DONE`, see [`crate::parse::idle_done`])
    Idle,
    /// `CHECK` (IMAP4rev1)
    Check,
    /// `CLOSE`
    Close,
    /// `UNSELECT`
    Unselect,
    /// `EXPUNGE`
    Expunge,
    /// `UID EXPUNGE set` (UIDPLUS)
    UidExpunge(SequenceSet),
    /// `[UID] SEARCH [RETURN (...)] [CHARSET x] keys`
    Search {
        /// UID form.
        uid: bool,
        /// ESEARCH return options (`None` = classic SEARCH).
        returns: Option<Vec<SearchReturn>>,
        /// Charset.
        charset: Option<AString>,
        /// Keys, and-ed.
        criteria: Vec<SearchKey>,
    },
    /// `[UID] FETCH set attrs [(CHANGEDSINCE n [VANISHED] [PARTIAL range])]`
    Fetch {
        /// UID form.
        uid: bool,
        /// Messages.
        set: SequenceSet,
        /// Attributes.
        attributes: FetchAttributes,
        /// `CHANGEDSINCE` (CONDSTORE).
        changed_since: Option<u64>,
        /// `VANISHED` (QRESYNC, UID FETCH only).
        vanished: bool,
        /// `PARTIAL range` (RFC 9394 §4): only this page of the messages in `set` (which
        /// `CHANGEDSINCE` may narrow first), counted from the lowest or, for `-n:-m`, the
        /// highest.
        partial: Option<PartialRange>,
    },
    /// `[UID] STORE set [(UNCHANGEDSINCE n)] [+|-]FLAGS[.SILENT] (flags)`
    Store {
        /// UID form.
        uid: bool,
        /// Messages.
        set: SequenceSet,
        /// `UNCHANGEDSINCE` (CONDSTORE).
        unchanged_since: Option<u64>,
        /// Replace, add or remove.
        kind: StoreKind,
        /// `.SILENT`.
        silent: bool,
        /// The flags.
        flags: Vec<Flag>,
    },
    /// `[UID] STORE set [+|-]X-GM-LABELS[.SILENT] (labels)` (Gmail X-GM-EXT-1): labels
    /// are not flags, so they travel apart from [`CommandBody::Store`].
    StoreGmailLabels {
        /// UID form.
        uid: bool,
        /// Messages.
        set: SequenceSet,
        /// Replace, add or remove.
        kind: StoreKind,
        /// `.SILENT`.
        silent: bool,
        /// The labels.
        labels: Vec<GmailLabel>,
    },
    /// `[UID] COPY set mailbox`
    Copy {
        /// UID form.
        uid: bool,
        /// Messages.
        set: SequenceSet,
        /// Target.
        mailbox: Mailbox,
    },
    /// `[UID] MOVE set mailbox` (RFC 6851)
    Move {
        /// UID form.
        uid: bool,
        /// Messages.
        set: SequenceSet,
        /// Target.
        mailbox: Mailbox,
    },
    /// `[UID] SORT (criteria) charset keys` (RFC 5256)
    Sort {
        /// UID form.
        uid: bool,
        /// `RETURN (options)` (RFC 5267 ESORT): the answer comes as ESEARCH, like a
        /// SEARCH with RETURN; `PARTIAL` (RFC 9394) pages the sorted result.
        returns: Option<Vec<SearchReturn>>,
        /// Sort criteria.
        criteria: Vec<SortCriterion>,
        /// Charset.
        charset: AString,
        /// Search keys, and-ed.
        search: Vec<SearchKey>,
    },
    /// `[UID] THREAD algorithm charset keys` (RFC 5256)
    Thread {
        /// UID form.
        uid: bool,
        /// Algorithm (`ORDEREDSUBJECT`, `REFERENCES`, ...).
        algorithm: Atom,
        /// Charset.
        charset: AString,
        /// Search keys, and-ed.
        search: Vec<SearchKey>,
    },
    /// `GETQUOTA root` (RFC 9208)
    GetQuota(AString),
    /// `GETQUOTAROOT mailbox` (RFC 9208)
    GetQuotaRoot(Mailbox),
    /// `SETQUOTA root (resource limit ...)` (RFC 9208)
    SetQuota {
        /// Quota root.
        root: AString,
        /// Resource names and limits.
        limits: Vec<(Atom, u64)>,
    },
    /// `GETMETADATA [options] mailbox entries` (RFC 5464)
    GetMetadata {
        /// Options.
        options: MetadataOptions,
        /// Mailbox (empty name = server metadata).
        mailbox: Mailbox,
        /// Entry names.
        entries: Vec<AString>,
    },
    /// `SETMETADATA mailbox (entry value ...)` (RFC 5464)
    SetMetadata {
        /// Mailbox (empty name = server metadata).
        mailbox: Mailbox,
        /// Entries.
        entries: Vec<MetadataEntry>,
    },
    /// `COMPRESS algorithm` (RFC 4978). After the tagged OK both sides switch to the
    /// compressed stream.
    Compress(Atom),
    /// `UNAUTHENTICATE` (RFC 8437)
    Unauthenticate,
    /// `ID (params) / NIL` (RFC 2971)
    Id(Option<Vec<(IString, Option<IString>)>>),
}

impl CommandBody {
    /// The command's name as written on the wire (`UID FETCH` for UID forms).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Capability => "CAPABILITY",
            Self::Noop => "NOOP",
            Self::Logout => "LOGOUT",
            Self::StartTls => "STARTTLS",
            Self::Authenticate { .. } => "AUTHENTICATE",
            Self::Login { .. } => "LOGIN",
            Self::Enable(_) => "ENABLE",
            Self::Select { .. } => "SELECT",
            Self::Examine { .. } => "EXAMINE",
            Self::Create { .. } => "CREATE",
            Self::Delete(_) => "DELETE",
            Self::Rename { .. } => "RENAME",
            Self::Subscribe(_) => "SUBSCRIBE",
            Self::Unsubscribe(_) => "UNSUBSCRIBE",
            Self::List { .. } => "LIST",
            Self::Lsub { .. } => "LSUB",
            Self::Namespace => "NAMESPACE",
            Self::Status { .. } => "STATUS",
            Self::Append { .. } => "APPEND",
            Self::Idle => "IDLE",
            Self::Check => "CHECK",
            Self::Close => "CLOSE",
            Self::Unselect => "UNSELECT",
            Self::Expunge => "EXPUNGE",
            Self::UidExpunge(_) => "UID EXPUNGE",
            Self::Search { uid: false, .. } => "SEARCH",
            Self::Search { uid: true, .. } => "UID SEARCH",
            Self::Fetch { uid: false, .. } => "FETCH",
            Self::Fetch { uid: true, .. } => "UID FETCH",
            Self::Store { uid: false, .. } => "STORE",
            Self::Store { uid: true, .. } => "UID STORE",
            Self::StoreGmailLabels { uid: false, .. } => "STORE",
            Self::StoreGmailLabels { uid: true, .. } => "UID STORE",
            Self::Copy { uid: false, .. } => "COPY",
            Self::Copy { uid: true, .. } => "UID COPY",
            Self::Move { uid: false, .. } => "MOVE",
            Self::Move { uid: true, .. } => "UID MOVE",
            Self::Sort { uid: false, .. } => "SORT",
            Self::Sort { uid: true, .. } => "UID SORT",
            Self::Thread { uid: false, .. } => "THREAD",
            Self::Thread { uid: true, .. } => "UID THREAD",
            Self::GetQuota(_) => "GETQUOTA",
            Self::GetQuotaRoot(_) => "GETQUOTAROOT",
            Self::SetQuota { .. } => "SETQUOTA",
            Self::GetMetadata { .. } => "GETMETADATA",
            Self::SetMetadata { .. } => "SETMETADATA",
            Self::Compress(_) => "COMPRESS",
            Self::Unauthenticate => "UNAUTHENTICATE",
            Self::Id(_) => "ID",
        }
    }
}

/// A line sent during AUTHENTICATE (RFC 9051 section 6.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthenticateData {
    /// A base64-decoded SASL response.
    Response(Secret<Bytes>),
    /// `*`: the client cancels the exchange.
    Cancel,
}
