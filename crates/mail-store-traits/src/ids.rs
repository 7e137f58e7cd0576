//! Identifiers that cross the seam: UIDs, UIDVALIDITY, MODSEQs, mailbox and account ids, dates.

use std::fmt;
use std::sync::Arc;

/// An IMAP UID (RFC 9051 §2.3.1.1): non-zero, strictly ascending within a mailbox for one
/// [`UidValidity`], never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uid(u32);

impl Uid {
    /// The smallest UID.
    pub const MIN: Self = Self(1);
    /// The largest UID.
    pub const MAX: Self = Self(u32::MAX);

    /// `Some` unless `value` is zero, which is never a UID.
    #[must_use]
    pub const fn new(value: u32) -> Option<Self> {
        if value == 0 { None } else { Some(Self(value)) }
    }

    /// The number.
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The next UID, or `None` when the UID space is exhausted.
    #[must_use]
    pub const fn next(self) -> Option<Self> {
        match self.0.checked_add(1) {
            Some(n) => Some(Self(n)),
            None => None,
        }
    }
}

impl fmt::Display for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// UIDVALIDITY (RFC 9051 §2.3.1.1): non-zero; changes only when a mailbox's UIDs are reset,
/// which tells clients to throw their cache away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UidValidity(u32);

impl UidValidity {
    /// `Some` unless `value` is zero.
    #[must_use]
    pub const fn new(value: u32) -> Option<Self> {
        if value == 0 { None } else { Some(Self(value)) }
    }

    /// The number.
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for UidValidity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A modification sequence (RFC 7162): non-zero, at most 2^63 − 1, strictly increasing for
/// every append, flag change and expunge in a mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModSeq(u64);

impl ModSeq {
    /// The first MODSEQ of a new mailbox.
    pub const MIN: Self = Self(1);
    /// The largest MODSEQ RFC 7162 allows.
    pub const MAX: Self = Self(i64::MAX as u64);

    /// `Some` if `value` is in `1..=2^63-1`.
    #[must_use]
    pub const fn new(value: u64) -> Option<Self> {
        if value == 0 || value > Self::MAX.0 {
            None
        } else {
            Some(Self(value))
        }
    }

    /// The number.
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0
    }

    /// The next MODSEQ (saturating at [`ModSeq::MAX`]).
    #[must_use]
    pub const fn next(self) -> Self {
        if self.0 >= Self::MAX.0 {
            Self::MAX
        } else {
            Self(self.0 + 1)
        }
    }
}

impl fmt::Display for ModSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A mailbox's identity, stable across renames (RFC 8474 MAILBOXID; Dovecot's mailbox GUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MailboxId(u128);

impl MailboxId {
    /// Wraps a backend's 128-bit identifier.
    #[must_use]
    pub const fn from_u128(value: u128) -> Self {
        Self(value)
    }

    /// The 128 bits.
    #[must_use]
    pub const fn as_u128(self) -> u128 {
        self.0
    }
}

impl fmt::Display for MailboxId {
    /// 32 lowercase hex digits, the form Dovecot writes in `dovecot-uidlist` (`G...`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

/// An account, as the [`Directory`](crate::Directory) names it (usually the login name or the
/// address).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(Arc<str>);

impl AccountId {
    /// Wraps a name.
    pub fn new(name: impl Into<Arc<str>>) -> Self {
        Self(name.into())
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A point in time as whole seconds since the Unix epoch (UTC), the resolution of IMAP
/// INTERNALDATE and of a Maildir file's mtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub i64);

impl UnixTime {
    /// Seconds since the epoch.
    #[must_use]
    pub const fn seconds(self) -> i64 {
        self.0
    }

    /// Converts a [`std::time::SystemTime`] (truncating to seconds).
    #[must_use]
    pub fn from_system(time: std::time::SystemTime) -> Self {
        match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => Self(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            Err(e) => Self(-i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX)),
        }
    }

    /// Converts to a [`std::time::SystemTime`].
    #[must_use]
    pub fn to_system(self) -> std::time::SystemTime {
        let d = std::time::Duration::from_secs(self.0.unsigned_abs());
        if self.0 >= 0 {
            std::time::UNIX_EPOCH + d
        } else {
            std::time::UNIX_EPOCH - d
        }
    }
}

/// A message's content identity, stable across copies and moves within one account where the
/// backend can keep it (RFC 8474 EMAILID).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EmailId(Arc<str>);

impl EmailId {
    /// Wraps a backend's identifier (printable ASCII, no spaces).
    pub fn new(id: impl Into<Arc<str>>) -> Self {
        Self(id.into())
    }

    /// The identifier.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_never_an_id() {
        assert!(Uid::new(0).is_none());
        assert!(UidValidity::new(0).is_none());
        assert!(ModSeq::new(0).is_none());
        assert!(ModSeq::new(1 << 63).is_none());
        assert_eq!(Uid::MAX.next(), None);
        assert_eq!(ModSeq::MAX.next(), ModSeq::MAX);
    }

    #[test]
    fn mailbox_id_prints_like_a_dovecot_guid() {
        assert_eq!(MailboxId::from_u128(0xab).to_string().len(), 32);
        assert!(MailboxId::from_u128(0xab).to_string().ends_with("ab"));
    }

    #[test]
    fn unix_time_round_trips() {
        let t = UnixTime(1_700_000_000);
        assert_eq!(UnixTime::from_system(t.to_system()), t);
        let t = UnixTime(-5);
        assert_eq!(UnixTime::from_system(t.to_system()), t);
    }
}
