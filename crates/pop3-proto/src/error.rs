//! Error families shared by both sides: [`ParseError`] for bytes that do not follow the grammar and
//! [`ApiMisuse`] for calls that break the session contract.
//!
//! Why a session ended lives next to the session ([`crate::client::Error`],
//! [`crate::server::Error`]).

use thiserror::Error;

/// What was wrong with a line, without the line itself (small and `Copy`, so it can travel in
/// events and logs cheaply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The line does not end with CRLF.
    MissingCrlf,
    /// The line is longer than the configured limit.
    LineTooLong,
    /// The keyword is not a POP3 command this crate knows.
    UnknownCommand,
    /// A required argument is missing.
    MissingArgument,
    /// More arguments than the command takes.
    TooManyArguments,
    /// An argument is malformed (not a number, message number 0, bad base64, bad characters, ...).
    InvalidArgument,
    /// A status line starts with neither `+OK` nor `-ERR` (nor `+ ` for a SASL continuation).
    InvalidStatus,
    /// A response code (`[...]`) is malformed.
    InvalidResponseCode,
    /// Text that must be UTF-8 is not.
    InvalidUtf8,
    /// A line of a multi-line response (scan listing, unique-id listing, capability) is malformed.
    InvalidListing,
    /// A control character where only text may appear (CR, LF or NUL inside a line).
    ControlCharacter,
}

impl ParseErrorKind {
    /// A short English description, used by `Display` and in `-ERR` texts.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MissingCrlf => "line does not end with CRLF",
            Self::LineTooLong => "line too long",
            Self::UnknownCommand => "unknown command",
            Self::MissingArgument => "missing argument",
            Self::TooManyArguments => "too many arguments",
            Self::InvalidArgument => "invalid argument",
            Self::InvalidStatus => "invalid status indicator",
            Self::InvalidResponseCode => "invalid response code",
            Self::InvalidUtf8 => "invalid UTF-8",
            Self::InvalidListing => "invalid listing line",
            Self::ControlCharacter => "control character in line",
        }
    }
}

/// A line that does not follow the POP3 grammar: what was wrong and where (byte offset into the
/// line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[error("{} at offset {offset}", kind.as_str())]
#[non_exhaustive]
pub struct ParseError {
    /// What was wrong.
    pub kind: ParseErrorKind,
    /// Byte offset into the line where the problem was found.
    pub offset: usize,
}

impl ParseError {
    /// Builds an error of `kind` at `offset`.
    #[must_use]
    pub const fn new(kind: ParseErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }
}

/// The caller broke the session contract (wrong state, unknown request id, invalid value handed
/// in). Never caused by peer bytes; the session state is unchanged when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ApiMisuse {
    /// The session has ended; no more commands or decisions are accepted.
    #[error("the session is closed")]
    Closed,
    /// The request id does not name a request waiting for this decision.
    #[error("request {0} is not waiting for this decision")]
    UnknownRequest(u64),
    /// The command is not allowed in the current POP3 state.
    #[error("{command} is not allowed in the {state} state")]
    WrongState {
        /// The command keyword.
        command: &'static str,
        /// The state the session is in.
        state: &'static str,
    },
    /// A value handed in cannot be put on the wire (contains CR/LF, too long, out of range).
    #[error("invalid value: {0}")]
    InvalidValue(&'static str),
    /// APOP needs a timestamp in the server greeting, and the greeting had none.
    #[error("the server greeting carried no APOP timestamp")]
    NoApopTimestamp,
    /// Too many requests are queued already (see the `max_queued_requests` limit).
    #[error("too many queued requests")]
    QueueFull,
    /// A TLS upgrade is pending or in progress: only `handle_tls_established` may follow.
    #[error("a TLS upgrade is pending")]
    TlsPending,
    /// `handle_tls_established` was called without an accepted STLS.
    #[error("no TLS upgrade was requested")]
    NoTlsUpgrade,
    /// A body chunk was pushed after the body ended or for a request that asked for none.
    #[error("no body is being sent for this request")]
    NoBodyExpected,
}
