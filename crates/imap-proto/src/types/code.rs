//! Response codes (`resp-text-code`, RFC 9051 section 7.1 and the extensions).

use bytes::Bytes;

use super::capability::Capability;
use super::core::{Atom, Quoted};
use super::flag::Flag;
use super::sequence::SequenceSet;

/// A response code in square brackets at the start of a status response's text.
/// Unknown codes are kept as [`ResponseCode::Other`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseCode {
    /// `ALERT`
    Alert,
    /// `ALREADYEXISTS` (RFC 5530)
    AlreadyExists,
    /// `APPENDUID <uidvalidity> <uid-set>` (UIDPLUS)
    AppendUid {
        /// UIDVALIDITY of the target mailbox.
        uid_validity: u32,
        /// UIDs given to the appended messages.
        uids: SequenceSet,
    },
    /// `AUTHENTICATIONFAILED` (RFC 5530)
    AuthenticationFailed,
    /// `AUTHORIZATIONFAILED` (RFC 5530)
    AuthorizationFailed,
    /// `BADCHARSET [(charsets)]`; a charset is an atom or a quoted string, never a
    /// literal (the code sits inside a line of free text).
    BadCharset(Vec<Quoted>),
    /// `CANNOT` (RFC 5530)
    Cannot,
    /// `CAPABILITY ...`
    Capability(Vec<Capability>),
    /// `CLIENTBUG` (RFC 5530)
    ClientBug,
    /// `CLOSED` (QRESYNC)
    Closed,
    /// `COMPRESSIONACTIVE` (RFC 4978)
    CompressionActive,
    /// `CONTACTADMIN` (RFC 5530)
    ContactAdmin,
    /// `COPYUID <uidvalidity> <source-uids> <destination-uids>` (UIDPLUS)
    CopyUid {
        /// UIDVALIDITY of the destination mailbox.
        uid_validity: u32,
        /// Source UIDs.
        source: SequenceSet,
        /// Destination UIDs, in the same order.
        destination: SequenceSet,
    },
    /// `CORRUPTION` (RFC 5530)
    Corruption,
    /// `EXPIRED` (RFC 5530)
    Expired,
    /// `EXPUNGEISSUED` (RFC 5530)
    ExpungeIssued,
    /// `HASCHILDREN` (RFC 9051)
    HasChildren,
    /// `HIGHESTMODSEQ <n>` (CONDSTORE)
    HighestModSeq(u64),
    /// `INUSE` (RFC 5530)
    InUse,
    /// `LIMIT` (RFC 5530)
    Limit,
    /// `MAILBOXID (<objectid>)` (OBJECTID)
    MailboxId(Bytes),
    /// `METADATA LONGENTRIES <n>` (RFC 5464)
    MetadataLongEntries(u64),
    /// `METADATA MAXSIZE <n>` (RFC 5464)
    MetadataMaxSize(u64),
    /// `METADATA TOOMANY` (RFC 5464)
    MetadataTooMany,
    /// `METADATA NOPRIVATE` (RFC 5464)
    MetadataNoPrivate,
    /// `MODIFIED <sequence-set>` (CONDSTORE)
    Modified(SequenceSet),
    /// `NOMODSEQ` (CONDSTORE)
    NoModSeq,
    /// `NONEXISTENT` (RFC 5530)
    NonExistent,
    /// `NOPERM` (RFC 5530)
    NoPerm,
    /// `NOTSAVED` (SEARCHRES)
    NotSaved,
    /// `OVERQUOTA` (RFC 5530)
    OverQuota,
    /// `PARSE`
    Parse,
    /// `PERMANENTFLAGS (...)`
    PermanentFlags(Vec<Flag>),
    /// `PRIVACYREQUIRED` (RFC 5530)
    PrivacyRequired,
    /// `READ-ONLY`
    ReadOnly,
    /// `READ-WRITE`
    ReadWrite,
    /// `REFERRAL <url>` (RFC 2221)
    Referral(Bytes),
    /// `SERVERBUG` (RFC 5530)
    ServerBug,
    /// `TOOBIG` (RFC 7889 and common use)
    TooBig,
    /// `TRYCREATE`
    TryCreate,
    /// `UIDNEXT <n>`
    UidNext(u32),
    /// `UIDNOTSTICKY` (UIDPLUS)
    UidNotSticky,
    /// `UIDVALIDITY <n>`
    UidValidity(u32),
    /// `UNAVAILABLE` (RFC 5530)
    Unavailable,
    /// `UNKNOWN-CTE` (BINARY)
    UnknownCte,
    /// `UNSEEN <n>` (IMAP4rev1)
    Unseen(u32),
    /// `USEATTR` (RFC 6154)
    UseAttr,
    /// Any other code: its atom and the raw text after it, up to the `]`.
    Other {
        /// The code's name.
        name: Atom,
        /// Raw bytes after the name and a space, if any.
        data: Option<Bytes>,
    },
}

/// Codes without data, by wire name.
pub(crate) const PLAIN_CODES: [(&[u8], ResponseCode); 32] = [
    (b"ALERT", ResponseCode::Alert),
    (b"ALREADYEXISTS", ResponseCode::AlreadyExists),
    (b"AUTHENTICATIONFAILED", ResponseCode::AuthenticationFailed),
    (b"AUTHORIZATIONFAILED", ResponseCode::AuthorizationFailed),
    (b"CANNOT", ResponseCode::Cannot),
    (b"CLIENTBUG", ResponseCode::ClientBug),
    (b"CLOSED", ResponseCode::Closed),
    (b"COMPRESSIONACTIVE", ResponseCode::CompressionActive),
    (b"CONTACTADMIN", ResponseCode::ContactAdmin),
    (b"CORRUPTION", ResponseCode::Corruption),
    (b"EXPIRED", ResponseCode::Expired),
    (b"EXPUNGEISSUED", ResponseCode::ExpungeIssued),
    (b"HASCHILDREN", ResponseCode::HasChildren),
    (b"INUSE", ResponseCode::InUse),
    (b"LIMIT", ResponseCode::Limit),
    (b"NOMODSEQ", ResponseCode::NoModSeq),
    (b"NONEXISTENT", ResponseCode::NonExistent),
    (b"NOPERM", ResponseCode::NoPerm),
    (b"NOTSAVED", ResponseCode::NotSaved),
    (b"OVERQUOTA", ResponseCode::OverQuota),
    (b"PARSE", ResponseCode::Parse),
    (b"PRIVACYREQUIRED", ResponseCode::PrivacyRequired),
    (b"READ-ONLY", ResponseCode::ReadOnly),
    (b"READ-WRITE", ResponseCode::ReadWrite),
    (b"SERVERBUG", ResponseCode::ServerBug),
    (b"TOOBIG", ResponseCode::TooBig),
    (b"TRYCREATE", ResponseCode::TryCreate),
    (b"UIDNOTSTICKY", ResponseCode::UidNotSticky),
    (b"UNAVAILABLE", ResponseCode::Unavailable),
    (b"UNKNOWN-CTE", ResponseCode::UnknownCte),
    (b"USEATTR", ResponseCode::UseAttr),
    (b"BADCHARSET", ResponseCode::BadCharset(Vec::new())),
];
