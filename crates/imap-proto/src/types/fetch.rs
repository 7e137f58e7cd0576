//! FETCH attributes (what a client asks for) and FETCH items (what a server answers).

use std::num::NonZeroU32;

use bytes::Bytes;

use super::body::{BodyStructure, Envelope};
use super::core::{AString, IString};
use super::datetime::DateTime;
use super::flag::Flag;
use super::gmail::GmailLabel;

/// The text part of a section specifier (`section-msgtext` / `section-text`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SectionText {
    /// `HEADER`
    Header,
    /// `HEADER.FIELDS (names)`
    HeaderFields(Vec<AString>),
    /// `HEADER.FIELDS.NOT (names)`
    HeaderFieldsNot(Vec<AString>),
    /// `TEXT`
    Text,
    /// `MIME` (only after a part number)
    Mime,
}

/// A section specifier: `[1.2.HEADER]`, `[]`, `[3]`, ...
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// Part numbers, outermost first (empty for the whole message).
    pub part: Vec<NonZeroU32>,
    /// The text selector, if any.
    pub text: Option<SectionText>,
}

/// A partial range `<origin.length>` of a FETCH request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partial {
    /// First byte.
    pub origin: u32,
    /// Number of bytes.
    pub length: NonZeroU32,
}

/// A FETCH attribute (`fetch-att`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchAttribute {
    /// `ENVELOPE`
    Envelope,
    /// `FLAGS`
    Flags,
    /// `INTERNALDATE`
    InternalDate,
    /// `RFC822` (IMAP4rev1)
    Rfc822,
    /// `RFC822.HEADER` (IMAP4rev1)
    Rfc822Header,
    /// `RFC822.SIZE`
    Rfc822Size,
    /// `RFC822.TEXT` (IMAP4rev1)
    Rfc822Text,
    /// `BODY` (non-extensible structure)
    Body,
    /// `BODYSTRUCTURE`
    BodyStructure,
    /// `UID`
    Uid,
    /// `BODY[section]<partial>` or `BODY.PEEK[...]`
    BodySection {
        /// `.PEEK`: do not set `\Seen`.
        peek: bool,
        /// The section.
        section: Section,
        /// A byte range.
        partial: Option<Partial>,
    },
    /// `BINARY[part]<partial>` or `BINARY.PEEK[...]` (RFC 3516)
    Binary {
        /// `.PEEK`.
        peek: bool,
        /// Part numbers.
        part: Vec<NonZeroU32>,
        /// A byte range.
        partial: Option<Partial>,
    },
    /// `BINARY.SIZE[part]` (RFC 3516)
    BinarySize {
        /// Part numbers.
        part: Vec<NonZeroU32>,
    },
    /// `MODSEQ` (CONDSTORE)
    ModSeq,
    /// `EMAILID` (OBJECTID)
    EmailId,
    /// `THREADID` (OBJECTID)
    ThreadId,
    /// `SAVEDATE` (RFC 8514)
    SaveDate,
    /// `PREVIEW` or `PREVIEW (LAZY)` (RFC 8970). With `lazy` the server may answer
    /// NIL instead of generating a preview it does not have yet.
    Preview {
        /// The `LAZY` modifier.
        lazy: bool,
    },
    /// `X-GM-MSGID` (Gmail X-GM-EXT-1)
    XGmMsgId,
    /// `X-GM-THRID` (Gmail X-GM-EXT-1)
    XGmThrId,
    /// `X-GM-LABELS` (Gmail X-GM-EXT-1)
    XGmLabels,
}

/// The attribute list of a FETCH command, with the rev1 macros.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchAttributes {
    /// `ALL` = FLAGS INTERNALDATE RFC822.SIZE ENVELOPE
    All,
    /// `FAST` = FLAGS INTERNALDATE RFC822.SIZE
    Fast,
    /// `FULL` = ALL + BODY
    Full,
    /// An explicit list (one element may be written without parentheses).
    List(Vec<FetchAttribute>),
}

/// One data item of a FETCH response (`msg-att`). Unknown items are kept raw.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchItem {
    /// `FLAGS (...)`
    Flags(Vec<Flag>),
    /// `ENVELOPE (...)`
    Envelope(Box<Envelope>),
    /// `BODYSTRUCTURE (...)` (with extension data)
    BodyStructure(Box<BodyStructure>),
    /// `BODY (...)` (without extension data: what a server sends there anyway is dropped)
    Body(Box<BodyStructure>),
    /// `INTERNALDATE "..."`
    InternalDate(DateTime),
    /// `RFC822.SIZE n`
    Rfc822Size(u64),
    /// `RFC822 nstring`
    Rfc822(Option<IString>),
    /// `RFC822.HEADER nstring`
    Rfc822Header(Option<IString>),
    /// `RFC822.TEXT nstring`
    Rfc822Text(Option<IString>),
    /// `BODY[section]<origin> nstring`
    BodySection {
        /// The section.
        section: Section,
        /// `<origin>` when the request was partial.
        origin: Option<u32>,
        /// The data (NIL when the server has none).
        data: Option<IString>,
    },
    /// `BINARY[part]<origin> (nstring / literal8)` (RFC 3516)
    Binary {
        /// Part numbers.
        part: Vec<NonZeroU32>,
        /// `<origin>` when the request was partial.
        origin: Option<u32>,
        /// The data; may hold NUL (it came as a literal8).
        data: Option<Bytes>,
    },
    /// `BINARY.SIZE[part] n` (RFC 3516)
    BinarySize {
        /// Part numbers.
        part: Vec<NonZeroU32>,
        /// Decoded size.
        size: u64,
    },
    /// `UID n`
    Uid(u32),
    /// `MODSEQ (n)` (CONDSTORE)
    ModSeq(u64),
    /// `EMAILID (id)` (OBJECTID)
    EmailId(Bytes),
    /// `THREADID (id)` or `THREADID NIL` (OBJECTID)
    ThreadId(Option<Bytes>),
    /// `SAVEDATE "..."` or `SAVEDATE NIL` (RFC 8514)
    SaveDate(Option<DateTime>),
    /// `PREVIEW nstring` (RFC 8970): NIL when a `LAZY` request found no preview ready;
    /// an empty string when none can be made.
    Preview(Option<IString>),
    /// `X-GM-MSGID n` (Gmail X-GM-EXT-1): the message's unique id.
    XGmMsgId(u64),
    /// `X-GM-THRID n` (Gmail X-GM-EXT-1): the conversation's id.
    XGmThrId(u64),
    /// `X-GM-LABELS (labels)` (Gmail X-GM-EXT-1)
    XGmLabels(Vec<GmailLabel>),
    /// An item this crate does not know: its name (with any `[...]` section) and the
    /// raw bytes of its value.
    Other {
        /// The item name as written, with any `[...]` and `<...>`, e.g. `X-FOO[1]`.
        name: Bytes,
        /// Raw value bytes.
        value: Bytes,
    },
}

/// The FETCH item whose literal a streaming framer hands out in pieces
/// ([`Progress::LiteralStarted`](crate::framing::Progress::LiteralStarted)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamedItem {
    /// `BODY[section]<origin>`
    BodySection {
        /// The section.
        section: Section,
        /// `<origin>` when the request was partial.
        origin: Option<u32>,
    },
    /// `BINARY[part]<origin>` (a literal8 when `binary` in [`FetchHead`]).
    Binary {
        /// Part numbers.
        part: Vec<NonZeroU32>,
        /// `<origin>` when the request was partial.
        origin: Option<u32>,
    },
    /// `RFC822`
    Rfc822,
    /// `RFC822.HEADER`
    Rfc822Header,
    /// `RFC822.TEXT`
    Rfc822Text,
}

/// The head of a FETCH response whose big literal is streamed: the items before it,
/// and the item the literal belongs to. See
/// [`parse::fetch_head`](crate::parse::fetch_head).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchHead {
    /// Message sequence number (`None` for the head of a later streamed item of the
    /// same response, from [`parse::fetch_next`](crate::parse::fetch_next)).
    pub seq: Option<u32>,
    /// Complete items before the streamed one.
    pub items: Vec<FetchItem>,
    /// The item whose literal follows.
    pub streamed: StreamedItem,
    /// Announced literal length.
    pub length: u64,
    /// Announced as a literal8.
    pub binary: bool,
}
