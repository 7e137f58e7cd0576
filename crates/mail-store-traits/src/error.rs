//! The one error type of the storage seam, and how each kind maps to a protocol answer.

use std::borrow::Cow;
use std::fmt;

/// What went wrong, in the terms a protocol needs to answer the client.
///
/// Each kind maps once to an IMAP response code ([`ErrorKind::imap_code`]), a POP3 extended
/// response code ([`ErrorKind::pop3_code`]) and an SMTP/LMTP reply ([`ErrorKind::smtp_reply`]).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The account, mailbox or message does not exist (IMAP `[NONEXISTENT]`, SMTP 550 5.1.1).
    NotFound,
    /// A mailbox of that name already exists (IMAP `[ALREADYEXISTS]`).
    AlreadyExists,
    /// Someone else holds what was asked for, e.g. the POP3 maildrop lock (POP3 `[IN-USE]`,
    /// IMAP `[INUSE]`).
    InUse,
    /// Storing this would exceed the quota (IMAP `[OVERQUOTA]`, SMTP 552 5.2.2).
    OverQuota,
    /// A concurrent change won, e.g. the mailbox was recreated under the caller (IMAP
    /// `[EXPUNGEISSUED]`-style conflicts; retrying with fresh state is the answer).
    Conflict,
    /// The mailbox or account cannot be written (IMAP `[READ-ONLY]`/`[NOPERM]`).
    ReadOnly,
    /// A transient failure: a lock held too long, a full disk that may clear (IMAP
    /// `[UNAVAILABLE]`, POP3 `[SYS/TEMP]`, SMTP 451 4.3.0).
    TryAgain,
    /// A permanent failure of the backend or a request it can never satisfy (IMAP
    /// `[SERVERBUG]`/`[CANNOT]`, POP3 `[SYS/PERM]`, SMTP 554 5.3.0).
    Permanent,
    /// The credentials were not accepted (IMAP `[AUTHENTICATIONFAILED]`, POP3 `[AUTH]`,
    /// SMTP 535 5.7.8).
    AuthFailed,
    /// The caller passed something malformed: an empty mailbox name, an invalid keyword
    /// (IMAP `BAD`/`NO [CANNOT]`, SMTP 501 5.5.4).
    InvalidInput,
}

impl ErrorKind {
    /// The IMAP response code (RFC 5530 and RFC 9051) to put in the tagged `NO`.
    #[must_use]
    pub const fn imap_code(self) -> &'static str {
        match self {
            Self::NotFound => "NONEXISTENT",
            Self::AlreadyExists => "ALREADYEXISTS",
            Self::InUse => "INUSE",
            Self::OverQuota => "OVERQUOTA",
            Self::Conflict => "EXPUNGEISSUED",
            Self::ReadOnly => "NOPERM",
            Self::TryAgain => "UNAVAILABLE",
            Self::Permanent => "SERVERBUG",
            Self::AuthFailed => "AUTHENTICATIONFAILED",
            Self::InvalidInput => "CANNOT",
        }
    }

    /// The POP3 extended response code (RFC 2449, RFC 3206) for `-ERR [CODE]`, if one fits.
    #[must_use]
    pub const fn pop3_code(self) -> Option<&'static str> {
        match self {
            Self::InUse => Some("IN-USE"),
            Self::AuthFailed => Some("AUTH"),
            Self::TryAgain | Self::Conflict => Some("SYS/TEMP"),
            Self::Permanent | Self::OverQuota | Self::ReadOnly => Some("SYS/PERM"),
            Self::NotFound | Self::AlreadyExists | Self::InvalidInput => None,
        }
    }

    /// The SMTP/LMTP reply code and enhanced status code (RFC 3463) for a failed delivery or
    /// authentication.
    #[must_use]
    pub const fn smtp_reply(self) -> (u16, &'static str) {
        match self {
            Self::NotFound => (550, "5.1.1"),
            Self::OverQuota => (552, "5.2.2"),
            Self::InUse | Self::Conflict | Self::TryAgain => (451, "4.3.0"),
            Self::ReadOnly => (550, "5.2.1"),
            Self::AuthFailed => (535, "5.7.8"),
            Self::InvalidInput => (501, "5.5.4"),
            Self::AlreadyExists | Self::Permanent => (554, "5.3.0"),
        }
    }

    /// Whether retrying the same request later may succeed.
    #[must_use]
    pub const fn is_transient(self) -> bool {
        matches!(self, Self::InUse | Self::Conflict | Self::TryAgain)
    }

    const fn describe(self) -> &'static str {
        match self {
            Self::NotFound => "not found",
            Self::AlreadyExists => "already exists",
            Self::InUse => "in use",
            Self::OverQuota => "over quota",
            Self::Conflict => "conflict",
            Self::ReadOnly => "read-only",
            Self::TryAgain => "temporary failure",
            Self::Permanent => "permanent failure",
            Self::AuthFailed => "authentication failed",
            Self::InvalidInput => "invalid input",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The error every store operation returns: a [`ErrorKind`] for the protocol answer, a
/// human-readable message for logs, and optionally the backend error that caused it.
///
/// The message never contains secrets: credentials are only ever held in
/// [`Secret`](crate::Secret).
#[derive(Debug, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct StoreError {
    kind: ErrorKind,
    message: Cow<'static, str>,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl StoreError {
    /// An error of `kind` with a message for logs.
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the underlying cause (an I/O error, a database error, ...).
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What went wrong, for the protocol answer.
    #[must_use]
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message for logs.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Shorthand for [`ErrorKind::NotFound`].
    pub fn not_found(what: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::NotFound, what)
    }

    /// Shorthand for [`ErrorKind::InvalidInput`].
    pub fn invalid(what: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::InvalidInput, what)
    }

    /// Classifies an I/O error (missing file → `NotFound`, full disk → `OverQuota`,
    /// interrupted or busy → `TryAgain`, ...) and keeps it as the source.
    pub fn io(context: impl Into<Cow<'static, str>>, err: std::io::Error) -> Self {
        let kind = match err.kind() {
            std::io::ErrorKind::NotFound => ErrorKind::NotFound,
            std::io::ErrorKind::AlreadyExists => ErrorKind::AlreadyExists,
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                ErrorKind::ReadOnly
            }
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                ErrorKind::OverQuota
            }
            std::io::ErrorKind::Interrupted
            | std::io::ErrorKind::WouldBlock
            | std::io::ErrorKind::TimedOut
            | std::io::ErrorKind::ResourceBusy => ErrorKind::TryAgain,
            _ => ErrorKind::Permanent,
        };
        Self::new(kind, context).with_source(err)
    }
}

/// Shorthand for results of store operations.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_protocol_answers() {
        assert_eq!(ErrorKind::AlreadyExists.imap_code(), "ALREADYEXISTS");
        assert_eq!(ErrorKind::NotFound.imap_code(), "NONEXISTENT");
        assert_eq!(ErrorKind::InUse.pop3_code(), Some("IN-USE"));
        assert_eq!(ErrorKind::OverQuota.smtp_reply(), (552, "5.2.2"));
        assert_eq!(ErrorKind::TryAgain.smtp_reply().0 / 100, 4);
        assert_eq!(ErrorKind::Permanent.smtp_reply().0 / 100, 5);
        assert!(ErrorKind::TryAgain.is_transient());
        assert!(!ErrorKind::NotFound.is_transient());
    }

    #[test]
    fn io_errors_are_classified() {
        let e = StoreError::io("open", std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(e.kind(), ErrorKind::NotFound);
        assert!(std::error::Error::source(&e).is_some());
        assert_eq!(e.to_string(), "not found: open");
    }
}
