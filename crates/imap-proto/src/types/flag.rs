//! Message flags, mailbox attributes (RFC 9051 `flag`, `mbx-list-flags`, SPECIAL-USE).

use super::core::Atom;

/// A message flag. `\Recent` appears only in responses from IMAP4rev1 servers and
/// `\*` only in `PERMANENTFLAGS`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Flag {
    /// `\Answered`
    Answered,
    /// `\Flagged`
    Flagged,
    /// `\Deleted`
    Deleted,
    /// `\Seen`
    Seen,
    /// `\Draft`
    Draft,
    /// `\Recent` (IMAP4rev1 only)
    Recent,
    /// `\*`: new keywords may be created (PERMANENTFLAGS only).
    Wildcard,
    /// A keyword without backslash (`$Forwarded`, `$Junk`, `NonJunk`, ...).
    Keyword(Atom),
    /// Another backslash flag (`\Foo`); the atom excludes the backslash.
    Extension(Atom),
}

impl Flag {
    /// Interprets `\name` (with `backslash`) or a keyword.
    pub(crate) fn from_atom(backslash: bool, atom: Atom) -> Self {
        if !backslash {
            return Self::Keyword(atom);
        }
        let bytes = atom.as_bytes();
        let known = [
            (&b"Answered"[..], Self::Answered),
            (b"Flagged", Self::Flagged),
            (b"Deleted", Self::Deleted),
            (b"Seen", Self::Seen),
            (b"Draft", Self::Draft),
            (b"Recent", Self::Recent),
        ];
        for (name, flag) in known {
            if bytes.eq_ignore_ascii_case(name) {
                return flag;
            }
        }
        Self::Extension(atom)
    }

    /// Wire name without the leading backslash, and whether it has one.
    pub(crate) fn wire(&self) -> (bool, &[u8]) {
        match self {
            Self::Answered => (true, b"Answered"),
            Self::Flagged => (true, b"Flagged"),
            Self::Deleted => (true, b"Deleted"),
            Self::Seen => (true, b"Seen"),
            Self::Draft => (true, b"Draft"),
            Self::Recent => (true, b"Recent"),
            Self::Wildcard => (true, b"*"),
            Self::Keyword(atom) => (false, atom.as_bytes()),
            Self::Extension(atom) => (true, atom.as_bytes()),
        }
    }
}

/// A mailbox attribute in a LIST response or a CREATE USE list (RFC 9051, RFC 6154,
/// RFC 5258).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MailboxAttribute {
    /// `\Noinferiors`
    NoInferiors,
    /// `\Noselect`
    NoSelect,
    /// `\Marked`
    Marked,
    /// `\Unmarked`
    Unmarked,
    /// `\NonExistent` (RFC 5258)
    NonExistent,
    /// `\Subscribed` (RFC 5258)
    Subscribed,
    /// `\Remote` (RFC 5258)
    Remote,
    /// `\HasChildren` (RFC 3348)
    HasChildren,
    /// `\HasNoChildren` (RFC 3348)
    HasNoChildren,
    /// `\All` (SPECIAL-USE)
    All,
    /// `\Archive` (SPECIAL-USE)
    Archive,
    /// `\Drafts` (SPECIAL-USE)
    Drafts,
    /// `\Flagged` (SPECIAL-USE)
    Flagged,
    /// `\Junk` (SPECIAL-USE)
    Junk,
    /// `\Sent` (SPECIAL-USE)
    Sent,
    /// `\Trash` (SPECIAL-USE)
    Trash,
    /// `\Important` (RFC 8457)
    Important,
    /// Any other `\name`; the atom excludes the backslash.
    Other(Atom),
}

pub(crate) const ATTRIBUTES: [(&[u8], MailboxAttribute); 17] = [
    (b"Noinferiors", MailboxAttribute::NoInferiors),
    (b"Noselect", MailboxAttribute::NoSelect),
    (b"Marked", MailboxAttribute::Marked),
    (b"Unmarked", MailboxAttribute::Unmarked),
    (b"NonExistent", MailboxAttribute::NonExistent),
    (b"Subscribed", MailboxAttribute::Subscribed),
    (b"Remote", MailboxAttribute::Remote),
    (b"HasChildren", MailboxAttribute::HasChildren),
    (b"HasNoChildren", MailboxAttribute::HasNoChildren),
    (b"All", MailboxAttribute::All),
    (b"Archive", MailboxAttribute::Archive),
    (b"Drafts", MailboxAttribute::Drafts),
    (b"Flagged", MailboxAttribute::Flagged),
    (b"Junk", MailboxAttribute::Junk),
    (b"Sent", MailboxAttribute::Sent),
    (b"Trash", MailboxAttribute::Trash),
    (b"Important", MailboxAttribute::Important),
];

impl MailboxAttribute {
    /// Interprets `\name` (the atom excludes the backslash).
    pub(crate) fn from_atom(atom: Atom) -> Self {
        for (name, attribute) in &ATTRIBUTES {
            if atom.as_bytes().eq_ignore_ascii_case(name) {
                return attribute.clone();
            }
        }
        Self::Other(atom)
    }

    /// Wire name without the backslash.
    pub(crate) fn wire(&self) -> &[u8] {
        if let Self::Other(atom) = self {
            return atom.as_bytes();
        }
        ATTRIBUTES
            .iter()
            .find(|(_, attribute)| attribute == self)
            .map_or(&b"Other"[..], |(name, _)| name)
    }
}
