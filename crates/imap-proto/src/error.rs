//! Error types: parse errors, framing errors and refused constructor values.
//!
//! All three are small, `Copy` where they can be, and never carry nom types.

/// Why a message could not be parsed, and where.
///
/// `offset` counts bytes from the start of the message handed to the parser.
/// A truncated message is not an error: the `parse` entry points report it as
/// [`Status::Incomplete`](crate::parse::Status::Incomplete).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset}")]
#[non_exhaustive]
pub struct ParseError {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// Byte offset of the failure from the start of the message.
    pub offset: usize,
}

impl ParseError {
    pub(crate) const fn new(kind: ParseErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }
}

/// The class of a [`ParseError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input ended in the middle of a message (only seen through
    /// [`ParseError`] when a caller asked for a complete message).
    #[error("message truncated")]
    Incomplete,
    /// A specific byte or token was expected.
    #[error("expected {0}")]
    Expected(&'static str),
    /// The command or response name is not known.
    #[error("unknown command or response")]
    Unknown,
    /// A number did not fit its type or was zero where a non-zero number is due.
    #[error("number out of range")]
    Number,
    /// A quoted string contained a byte the grammar forbids (CR, LF, NUL or 8-bit without UTF-8).
    #[error("forbidden byte in quoted string")]
    BadQuoted,
    /// A literal contained NUL outside a literal8.
    #[error("NUL in literal")]
    NulInLiteral,
    /// Nesting (parentheses, BODYSTRUCTURE, THREAD, SEARCH) went deeper than the configured limit.
    #[error("nesting too deep")]
    TooDeep,
    /// Bytes were left after the message's final CRLF.
    #[error("trailing bytes after the message")]
    Trailing,
    /// A date or time was malformed.
    #[error("invalid date-time")]
    DateTime,
    /// base64 data was malformed.
    #[error("invalid base64")]
    Base64,
}

/// A value refused by a validating constructor (an atom with a space, a tag with `+`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// The value is empty but the grammar needs at least one byte.
    #[error("empty value")]
    Empty,
    /// The value holds a byte the grammar forbids at this place.
    #[error("forbidden byte {byte:#04x} at index {index}")]
    ForbiddenByte {
        /// The offending byte.
        byte: u8,
        /// Its index in the value.
        index: usize,
    },
    /// A number was zero where the grammar needs a non-zero number.
    #[error("zero where a non-zero number is due")]
    Zero,
    /// A modified UTF-7 mailbox name was malformed (RFC 3501 section 5.1.3).
    #[error("malformed modified UTF-7")]
    ModifiedUtf7,
    /// A field value is out of its range (a month of 13, ...).
    #[error("value out of range")]
    OutOfRange,
}

/// Why the framer refused a message. The message is dropped through
/// [`Progress::Discard`](crate::framing::Progress::Discard); the stream stays in sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FramingError {
    /// A line was longer than [`Limits::max_line`](crate::framing::Limits::max_line).
    #[error("line longer than {limit} bytes")]
    LineTooLong {
        /// The limit in force.
        limit: usize,
    },
    /// A literal announcement exceeded the literal limit in force.
    #[error("literal of {announced} bytes exceeds the limit of {limit}")]
    LiteralTooLarge {
        /// The announced size.
        announced: u64,
        /// The limit in force.
        limit: u64,
    },
    /// The whole message would exceed [`Limits::max_message`](crate::framing::Limits::max_message).
    #[error("message larger than {limit} bytes")]
    MessageTooLarge {
        /// The limit in force.
        limit: u64,
    },
    /// A message announced more literals than [`Limits::max_literals`](crate::framing::Limits::max_literals).
    #[error("more than {limit} literals in one message")]
    TooManyLiterals {
        /// The limit in force.
        limit: usize,
    },
}
