//! SEARCH keys (RFC 9051 section 6.4.4 plus CONDSTORE, WITHIN, OBJECTID, SAVEDATE),
//! ESEARCH return options (RFC 4731, PARTIAL from RFC 9394), SORT criteria and THREAD
//! results (RFC 5256).

use std::num::NonZeroU32;

use bytes::Bytes;

use super::core::{AString, Atom};
use super::datetime::Date;
use super::gmail::GmailLabel;
use super::sequence::SequenceSet;

/// A search key. `And` is a parenthesised list; a SEARCH command's keys are
/// implicitly and-ed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SearchKey {
    /// `ALL`
    All,
    /// `ANSWERED`
    Answered,
    /// `BCC string`
    Bcc(AString),
    /// `BEFORE date`
    Before(Date),
    /// `BODY string`
    Body(AString),
    /// `CC string`
    Cc(AString),
    /// `DELETED`
    Deleted,
    /// `DRAFT`
    Draft,
    /// `FLAGGED`
    Flagged,
    /// `FROM string`
    From(AString),
    /// `HEADER field-name string`
    Header(AString, AString),
    /// `KEYWORD flag-keyword`
    Keyword(Atom),
    /// `LARGER n`
    Larger(u64),
    /// `NEW` (IMAP4rev1)
    New,
    /// `NOT key`
    Not(Box<SearchKey>),
    /// `OLD` (IMAP4rev1)
    Old,
    /// `ON date`
    On(Date),
    /// `OR key key`
    Or(Box<SearchKey>, Box<SearchKey>),
    /// `RECENT` (IMAP4rev1)
    Recent,
    /// `SEEN`
    Seen,
    /// `SENTBEFORE date`
    SentBefore(Date),
    /// `SENTON date`
    SentOn(Date),
    /// `SENTSINCE date`
    SentSince(Date),
    /// `SINCE date`
    Since(Date),
    /// `SMALLER n`
    Smaller(u64),
    /// `SUBJECT string`
    Subject(AString),
    /// `TEXT string`
    Text(AString),
    /// `TO string`
    To(AString),
    /// `UID sequence-set`
    Uid(SequenceSet),
    /// `UNANSWERED`
    Unanswered,
    /// `UNDELETED`
    Undeleted,
    /// `UNDRAFT`
    Undraft,
    /// `UNFLAGGED`
    Unflagged,
    /// `UNKEYWORD flag-keyword`
    Unkeyword(Atom),
    /// `UNSEEN`
    Unseen,
    /// A bare sequence set.
    SequenceSet(SequenceSet),
    /// `( key *(SP key) )`
    And(Vec<SearchKey>),
    /// `MODSEQ [entry-name entry-type] n` (CONDSTORE)
    ModSeq {
        /// Optional metadata entry and its type (`priv`, `shared` or `all`).
        entry: Option<(AString, Atom)>,
        /// The mod-sequence.
        modseq: u64,
    },
    /// `OLDER n` (WITHIN, seconds)
    Older(u32),
    /// `YOUNGER n` (WITHIN, seconds)
    Younger(u32),
    /// `EMAILID id` (OBJECTID)
    EmailId(Bytes),
    /// `THREADID id` (OBJECTID)
    ThreadId(Bytes),
    /// `SAVEDBEFORE date` (SAVEDATE)
    SavedBefore(Date),
    /// `SAVEDON date` (SAVEDATE)
    SavedOn(Date),
    /// `SAVEDSINCE date` (SAVEDATE)
    SavedSince(Date),
    /// `SAVEDATESUPPORTED` (SAVEDATE)
    SaveDateSupported,
    /// `X-GM-RAW string` (Gmail X-GM-EXT-1): a query in Gmail's web search syntax.
    XGmRaw(AString),
    /// `X-GM-MSGID n` (Gmail X-GM-EXT-1)
    XGmMsgId(u64),
    /// `X-GM-THRID n` (Gmail X-GM-EXT-1)
    XGmThrId(u64),
    /// `X-GM-LABELS label` (Gmail X-GM-EXT-1)
    XGmLabels(GmailLabel),
}

/// A `RETURN (...)` option of an extended SEARCH (ESEARCH, SEARCHRES).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SearchReturn {
    /// `MIN`
    Min,
    /// `MAX`
    Max,
    /// `ALL`
    All,
    /// `COUNT`
    Count,
    /// `SAVE` (SEARCHRES)
    Save,
    /// `PARTIAL range` (RFC 9394): one page of the result.
    Partial(PartialRange),
    /// Any other option name.
    Other(Atom),
}

/// A page of a search result (RFC 9394 `partial-range`). Positions count from 1 and
/// never include `*`; `500:400` means the same as `400:500`, and is kept as written
/// so that a value re-encodes to the bytes it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PartialRange {
    /// `partial-range-first`, `n:m`: counted from the oldest (lowest) match.
    First(NonZeroU32, NonZeroU32),
    /// `partial-range-last`, `-n:-m`: counted from the newest (highest) match; the
    /// numbers are stored without the minus sign.
    Last(NonZeroU32, NonZeroU32),
}

/// A SORT criterion (RFC 5256, RFC 5957).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SortKey {
    /// `ARRIVAL`
    Arrival,
    /// `CC`
    Cc,
    /// `DATE`
    Date,
    /// `FROM`
    From,
    /// `SIZE`
    Size,
    /// `SUBJECT`
    Subject,
    /// `TO`
    To,
    /// `DISPLAYFROM` (SORT=DISPLAY)
    DisplayFrom,
    /// `DISPLAYTO` (SORT=DISPLAY)
    DisplayTo,
}

/// A SORT criterion with its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortCriterion {
    /// `REVERSE`.
    pub reverse: bool,
    /// The key.
    pub key: SortKey,
}

/// One node of a THREAD response: a chain of messages, then child threads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Thread {
    /// Message numbers or UIDs along the chain (each a reply to the previous).
    pub messages: Vec<u32>,
    /// Sub-threads branching after the last message of the chain.
    pub children: Vec<Thread>,
}

/// One `search-return-data` item of an ESEARCH response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ESearchItem {
    /// `MIN n`
    Min(u32),
    /// `MAX n`
    Max(u32),
    /// `ALL sequence-set`
    All(SequenceSet),
    /// `COUNT n`
    Count(u32),
    /// `MODSEQ n` (CONDSTORE)
    ModSeq(u64),
    /// `PARTIAL (range results)` (RFC 9394): the page that was asked for and the
    /// matches in it; `None` (NIL) when no match falls into the range.
    Partial {
        /// The range from the command.
        range: PartialRange,
        /// The matching message numbers or UIDs.
        results: Option<SequenceSet>,
    },
    /// Any other item: its name and raw value.
    Other {
        /// Item name.
        name: Atom,
        /// Raw value bytes.
        value: Bytes,
    },
}
