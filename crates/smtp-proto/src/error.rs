//! Errors.
//!
//! [`ParseError`] is what the wire layer ([`crate::parse`], [`crate::framing`]) reports about peer
//! bytes: small, `Copy`, with the kind and the byte offset in the line. Each kind maps once to
//! the SMTP reply a server sends for it ([`ParseError::reply`]).

use bytes::Bytes;

use crate::types::{EnhancedStatusCode as Esc, Reply, ReplyCode, ReplyLine};

/// What was wrong with the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    // ---- command lines (server side) ----
    /// The line is longer than the configured limit (RFC 5321 §4.5.3.1.4: 512 octets with
    /// CRLF). Reply: 500 5.5.2.
    #[error("line too long")]
    LineTooLong,
    /// An AUTH exchange line is longer than the configured limit (RFC 4954 §4: 12288).
    /// Reply: 500 5.5.6.
    #[error("authentication exchange line too long")]
    AuthLineTooLong,
    /// A line ended with a bare LF (not CRLF), or holds a bare CR (RFC 5321 §2.3.8).
    /// Reply: 500 5.5.2.
    #[error("bare CR or LF in a command line")]
    BareLineEnding,
    /// The verb is not a word (letters, digits, `-`) or a control byte / NUL / non-UTF-8 byte
    /// appears where only text may be. Reply: 500 5.5.2.
    #[error("syntax error")]
    Syntax,
    /// A known verb with a missing, extra or malformed argument. Reply: 501 5.5.4.
    #[error("syntax error in parameters or arguments")]
    InvalidArguments,
    /// A known MAIL/RCPT parameter with a bad value, or a parameter given twice.
    /// Reply: 501 5.5.4.
    #[error("invalid parameter value")]
    InvalidParameter,
    /// A MAIL/RCPT parameter that is not recognised or not offered (RFC 5321 §4.1.1.11).
    /// Not produced by the parser (it keeps unknown parameters); for the server's use.
    /// Reply: 555 5.5.4.
    #[error("parameter not recognized or not implemented")]
    UnsupportedParameter,
    /// The MAIL FROM reverse-path is not a valid mailbox. Reply: 553 5.1.7.
    #[error("bad sender address syntax")]
    InvalidSender,
    /// The RCPT TO forward-path is not a valid mailbox. Reply: 553 5.1.3.
    #[error("bad recipient address syntax")]
    InvalidRecipient,
    /// A non-ASCII address without SMTPUTF8 (RFC 6531 §3.5). Reply: 553 5.6.7.
    #[error("non-ASCII address without SMTPUTF8")]
    Utf8WithoutSmtpUtf8,
    /// Bad base64 in an AUTH initial response or SASL response (RFC 4954 §4).
    /// Reply: 501 5.5.2.
    #[error("invalid base64")]
    InvalidBase64,
    // ---- replies (client side) ----
    /// A reply line does not start with a valid three-digit code and `-`, SP or CRLF.
    #[error("invalid reply line")]
    InvalidReply,
    /// The lines of a multi-line reply carry different codes (RFC 5321 §4.2.1).
    #[error("inconsistent codes in a multi-line reply")]
    InconsistentReplyCode,
    /// A reply line or a whole reply is longer than the configured limit.
    #[error("reply too long")]
    ReplyTooLong,
    /// A reply of an unexpected kind (e.g. not 334 where a challenge was expected, or not 250
    /// for EHLO).
    #[error("unexpected reply")]
    UnexpectedReply,
}

/// A parse error: the kind and the byte offset in the input where it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{kind} at offset {offset}")]
#[non_exhaustive]
pub struct ParseError {
    /// What was wrong.
    pub kind: ParseErrorKind,
    /// Byte offset in the parsed input (a line without CRLF, or the reply buffer).
    pub offset: usize,
}

impl ParseError {
    /// A new error.
    pub const fn new(kind: ParseErrorKind, offset: usize) -> Self {
        ParseError { kind, offset }
    }

    /// The reply a server sends for this error (see each [`ParseErrorKind`]).
    pub fn reply(&self) -> Reply {
        self.kind.reply()
    }
}

impl ParseErrorKind {
    /// The reply code and enhanced status code for this kind.
    pub fn codes(self) -> (ReplyCode, Esc) {
        use ParseErrorKind as K;
        match self {
            K::LineTooLong | K::BareLineEnding | K::Syntax => {
                (ReplyCode::SYNTAX_ERROR, Esc::SYNTAX_ERROR)
            }
            K::AuthLineTooLong => (ReplyCode::SYNTAX_ERROR, Esc::AUTH_LINE_TOO_LONG),
            K::InvalidArguments | K::InvalidParameter => {
                (ReplyCode::PARAMETER_SYNTAX_ERROR, Esc::INVALID_ARGUMENTS)
            }
            K::UnsupportedParameter => {
                (ReplyCode::PARAMETERS_NOT_RECOGNIZED, Esc::INVALID_ARGUMENTS)
            }
            K::InvalidSender => (ReplyCode::MAILBOX_NAME_NOT_ALLOWED, Esc::BAD_SENDER_SYNTAX),
            K::InvalidRecipient => (
                ReplyCode::MAILBOX_NAME_NOT_ALLOWED,
                Esc::BAD_DESTINATION_SYNTAX,
            ),
            K::Utf8WithoutSmtpUtf8 => (ReplyCode::MAILBOX_NAME_NOT_ALLOWED, Esc::NON_ASCII_ADDRESS),
            K::InvalidBase64 => (ReplyCode::PARAMETER_SYNTAX_ERROR, Esc::SYNTAX_ERROR),
            K::InvalidReply | K::InconsistentReplyCode | K::ReplyTooLong | K::UnexpectedReply => {
                (ReplyCode::SYNTAX_ERROR, Esc::PROTOCOL_ERROR)
            }
        }
    }

    /// The reply a server sends for this kind of error.
    pub fn reply(self) -> Reply {
        use ParseErrorKind as K;
        let (code, esc) = self.codes();
        let text: &'static str = match self {
            K::LineTooLong => "Line too long",
            K::AuthLineTooLong => "Authentication exchange line is too long",
            K::BareLineEnding => "Bare CR or LF not allowed, use CRLF",
            K::Syntax => "Syntax error, command unrecognized",
            K::InvalidArguments => "Syntax error in parameters or arguments",
            K::InvalidParameter => "Invalid parameter value",
            K::UnsupportedParameter => "Parameter not recognized or not implemented",
            K::InvalidSender => "Bad sender address syntax",
            K::InvalidRecipient => "Bad recipient address syntax",
            K::Utf8WithoutSmtpUtf8 => "Non-ASCII address requires SMTPUTF8",
            K::InvalidBase64 => "Cannot decode base64",
            K::InvalidReply | K::InconsistentReplyCode | K::ReplyTooLong | K::UnexpectedReply => {
                "Protocol error"
            }
        };
        Reply::from_lines(
            code,
            vec![ReplyLine::new(
                Some(esc),
                Bytes::from_static(text.as_bytes()),
            )],
        )
    }
}
