//! Error types: parse errors, framing errors and refused constructor values.
//!
//! All three are small, `Copy` where they can be, and never carry nom types. Each maps
//! once to its wire answer (`to_response`).

use crate::types::{ResponseCode, StatusKind, StatusResponse, Tag, Text};

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
    /// A message held more list elements than the configured limit.
    #[error("too many items")]
    TooManyItems,
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

fn text(message: String) -> Text {
    // Display output of these errors never holds CR, LF or NUL.
    Text::new(bytes::Bytes::from(message)).unwrap_or_default()
}

impl ParseError {
    /// The answer a server gives to a command that did not parse:
    /// `<tag> BAD <reason>`, untagged when the tag could not be recovered
    /// (see [`parse::tag_of`](crate::parse::tag_of)).
    pub fn to_response(&self, tag: Option<Tag>) -> StatusResponse {
        StatusResponse {
            tag,
            kind: StatusKind::Bad,
            code: None,
            text: text(self.to_string()),
        }
    }
}

impl FramingError {
    /// The answer a server gives to a refused message: `NO [TOOBIG]` for a literal or
    /// message over its limit (RFC 7889, RFC 4469), `BAD` for an over-long line or too
    /// many literals.
    pub fn to_response(&self, tag: Option<Tag>) -> StatusResponse {
        let (kind, code) = match self {
            Self::LiteralTooLarge { .. } | Self::MessageTooLarge { .. } => {
                (StatusKind::No, Some(ResponseCode::TooBig))
            }
            Self::LineTooLong { .. } | Self::TooManyLiterals { .. } => (StatusKind::Bad, None),
        };
        StatusResponse {
            tag,
            kind,
            code,
            text: text(self.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::Encoder;
    use crate::types::Response;

    #[test]
    fn errors_map_to_wire_answers() {
        let tag = Tag::try_from("a1").ok();
        let parse = ParseError::new(ParseErrorKind::Expected("SP"), 7).to_response(tag.clone());
        let wire = Encoder::default()
            .response(&Response::Status(parse))
            .to_bytes();
        assert_eq!(&wire[..], b"a1 BAD expected SP at byte 7\r\n");
        let framing = FramingError::LiteralTooLarge {
            announced: 10,
            limit: 5,
        }
        .to_response(tag);
        let wire = Encoder::default()
            .response(&Response::Status(framing))
            .to_bytes();
        assert_eq!(
            &wire[..],
            b"a1 NO [TOOBIG] literal of 10 bytes exceeds the limit of 5\r\n"
        );
        let untagged = FramingError::LineTooLong { limit: 8 }.to_response(None);
        let wire = Encoder::default()
            .response(&Response::Status(untagged))
            .to_bytes();
        assert_eq!(&wire[..], b"* BAD line longer than 8 bytes\r\n");
    }
}
