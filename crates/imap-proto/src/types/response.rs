//! Responses (RFC 9051 section 7 and the extensions).

use bytes::Bytes;

use super::capability::Capability;
use super::code::ResponseCode;
use super::core::IString;
use super::core::{AString, Tag, Text};
use super::fetch::FetchItem;
use super::flag::Flag;
use super::mailbox::Mailbox;
use super::mailbox_data::{
    ListItem, MetadataEntry, NamespaceDescription, QuotaResource, StatusItem,
};
use super::search::{ESearchItem, Thread};
use super::sequence::SequenceSet;

/// A server response: a status, data, or a continuation request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Response {
    /// A tagged or untagged status response (OK, NO, BAD, PREAUTH, BYE).
    Status(StatusResponse),
    /// Untagged data.
    Data(Data),
    /// `+ ...`: a continuation request.
    Continuation(Continuation),
}

/// The kind of a status response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusKind {
    /// `OK`
    Ok,
    /// `NO`
    No,
    /// `BAD`
    Bad,
    /// `PREAUTH` (greeting only)
    PreAuth,
    /// `BYE`
    Bye,
}

/// A status response: `* OK [code] text`, `A1 NO text`, `* BYE text`, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusResponse {
    /// The tag, for tagged completions (`None` = untagged `*`).
    pub tag: Option<Tag>,
    /// OK, NO, BAD, PREAUTH or BYE.
    pub kind: StatusKind,
    /// The response code.
    pub code: Option<ResponseCode>,
    /// Human-readable text.
    pub text: Text,
}

impl StatusResponse {
    /// An untagged response of this kind with plain text; add a tag or a code with
    /// [`StatusResponse::tagged`] and [`StatusResponse::with_code`].
    pub fn new(kind: StatusKind, text: Text) -> Self {
        Self {
            tag: None,
            kind,
            code: None,
            text,
        }
    }

    /// The same response, completing the command with this tag.
    pub fn tagged(self, tag: Tag) -> Self {
        Self {
            tag: Some(tag),
            ..self
        }
    }

    /// The same response with a response code.
    pub fn with_code(self, code: ResponseCode) -> Self {
        Self {
            code: Some(code),
            ..self
        }
    }
}

/// A continuation request (`+ text` or `+ base64`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Continuation {
    /// A response code, rarely used.
    pub code: Option<ResponseCode>,
    /// The text or base64 challenge, raw.
    pub text: Text,
}

/// Untagged data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Data {
    /// `CAPABILITY ...`
    Capability(Vec<Capability>),
    /// `ENABLED ...` (RFC 5161)
    Enabled(Vec<Capability>),
    /// `LIST (...) delim mailbox [ext]`
    List(ListItem),
    /// `LSUB (...) delim mailbox` (IMAP4rev1)
    Lsub(ListItem),
    /// `NAMESPACE personal other shared` (each NIL = empty)
    Namespace {
        /// Personal namespaces.
        personal: Vec<NamespaceDescription>,
        /// Other users' namespaces.
        other: Vec<NamespaceDescription>,
        /// Shared namespaces.
        shared: Vec<NamespaceDescription>,
    },
    /// `STATUS mailbox (items)`
    Status {
        /// The mailbox.
        mailbox: Mailbox,
        /// Items.
        items: Vec<StatusItem>,
    },
    /// `ESEARCH [(TAG tag)] [UID] items` (RFC 4731)
    ESearch {
        /// The correlator: the tag of the SEARCH command.
        tag: Option<AString>,
        /// Results are UIDs.
        uid: bool,
        /// Result items.
        items: Vec<ESearchItem>,
    },
    /// `SEARCH n... [(MODSEQ m)]` (IMAP4rev1, CONDSTORE)
    Search {
        /// Matching numbers.
        ids: Vec<u32>,
        /// Highest mod-sequence of the matches (CONDSTORE).
        modseq: Option<u64>,
    },
    /// `SORT n... [(MODSEQ m)]` (RFC 5256)
    Sort {
        /// Sorted numbers.
        ids: Vec<u32>,
        /// Highest mod-sequence (CONDSTORE).
        modseq: Option<u64>,
    },
    /// `THREAD (...)...` (RFC 5256)
    Thread(Vec<Thread>),
    /// `FLAGS (...)`
    Flags(Vec<Flag>),
    /// `n EXISTS`
    Exists(u32),
    /// `n RECENT` (IMAP4rev1)
    Recent(u32),
    /// `n EXPUNGE`
    Expunge(u32),
    /// `VANISHED [(EARLIER)] uids` (QRESYNC)
    Vanished {
        /// `(EARLIER)`: a FETCH/SELECT answer rather than a live expunge.
        earlier: bool,
        /// UIDs.
        uids: SequenceSet,
    },
    /// `n FETCH (items)`
    Fetch {
        /// Message sequence number.
        seq: u32,
        /// Items.
        items: Vec<FetchItem>,
    },
    /// `QUOTA root (resources)` (RFC 9208)
    Quota {
        /// Quota root.
        root: AString,
        /// Resources.
        resources: Vec<QuotaResource>,
    },
    /// `QUOTAROOT mailbox roots...` (RFC 9208)
    QuotaRoot {
        /// The mailbox.
        mailbox: Mailbox,
        /// Its quota roots.
        roots: Vec<AString>,
    },
    /// `METADATA mailbox (entry value ...)` (RFC 5464)
    Metadata {
        /// The mailbox (empty = server).
        mailbox: Mailbox,
        /// Entries with values.
        entries: Vec<MetadataEntry>,
    },
    /// `METADATA mailbox entry...`: unsolicited change notification (RFC 5464).
    MetadataKeys {
        /// The mailbox.
        mailbox: Mailbox,
        /// Changed entry names.
        entries: Vec<AString>,
    },
    /// `ID (params) / NIL` (RFC 2971)
    Id(Option<Vec<(IString, Option<IString>)>>),
    /// Untagged data this crate does not know: the name and the raw rest of the line.
    Other {
        /// The keyword (or number and keyword).
        name: Bytes,
        /// Raw bytes after it, without CRLF.
        value: Bytes,
    },
}
