//! Message flags: the IMAP system flags and keywords.

use std::fmt;
use std::sync::Arc;

use crate::{Result, StoreError};

/// An IMAP system flag (RFC 9051 §2.3.2). `\Recent` is not stored: it is a per-session notion
/// of IMAP4rev1 that IMAP4rev2 dropped.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SystemFlag {
    /// `\Seen`
    Seen,
    /// `\Answered`
    Answered,
    /// `\Flagged`
    Flagged,
    /// `\Deleted`
    Deleted,
    /// `\Draft`
    Draft,
}

impl SystemFlag {
    /// Every system flag, in a fixed order.
    pub const ALL: [Self; 5] = [
        Self::Seen,
        Self::Answered,
        Self::Flagged,
        Self::Deleted,
        Self::Draft,
    ];

    const fn bit(self) -> u8 {
        match self {
            Self::Seen => 1,
            Self::Answered => 2,
            Self::Flagged => 4,
            Self::Deleted => 8,
            Self::Draft => 16,
        }
    }

    /// The IMAP spelling, with the backslash.
    #[must_use]
    pub const fn as_imap(self) -> &'static str {
        match self {
            Self::Seen => "\\Seen",
            Self::Answered => "\\Answered",
            Self::Flagged => "\\Flagged",
            Self::Deleted => "\\Deleted",
            Self::Draft => "\\Draft",
        }
    }

    /// Parses the IMAP spelling, case-insensitively.
    #[must_use]
    pub fn from_imap(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_imap().eq_ignore_ascii_case(s))
    }
}

/// A keyword (an IMAP `flag-keyword`: an atom not starting with `\`), e.g. `$Junk`,
/// `$Forwarded`. Kept with the case it was first given; compared exactly.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Keyword(Arc<str>);

impl Keyword {
    /// The longest keyword accepted, in bytes.
    pub const MAX_LEN: usize = 128;

    /// Validates an IMAP atom: printable ASCII without `(){ %*"]\` and not empty.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for anything else.
    pub fn new(s: &str) -> Result<Self> {
        let ok = !s.is_empty()
            && s.len() <= Self::MAX_LEN
            && s.bytes().all(|b| {
                (0x21..0x7f).contains(&b)
                    && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b']' | b'\\')
            });
        if ok {
            Ok(Self(s.into()))
        } else {
            Err(StoreError::invalid(format!("invalid keyword {s:?}")))
        }
    }

    /// The keyword.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The flags of a message: a set of system flags and a sorted set of keywords.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Flags {
    system: u8,
    keywords: Vec<Keyword>,
}

impl Flags {
    /// No flags.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            system: 0,
            keywords: Vec::new(),
        }
    }

    /// Parses a space-separated IMAP flag list such as `\Seen \Flagged $Junk` (parentheses
    /// optional).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for an unknown system flag or
    /// an invalid keyword.
    pub fn parse_imap(list: &str) -> Result<Self> {
        let list = list.trim();
        let list = list
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .unwrap_or(list);
        let mut flags = Self::new();
        for word in list.split_ascii_whitespace() {
            if word.starts_with('\\') {
                let flag = SystemFlag::from_imap(word)
                    .ok_or_else(|| StoreError::invalid(format!("unknown system flag {word}")))?;
                flags.insert(flag);
            } else {
                flags.insert_keyword(Keyword::new(word)?);
            }
        }
        Ok(flags)
    }

    /// Builder form of [`Flags::insert`].
    #[must_use]
    pub fn with(mut self, flag: SystemFlag) -> Self {
        self.insert(flag);
        self
    }

    /// Builder form of [`Flags::insert_keyword`].
    #[must_use]
    pub fn with_keyword(mut self, keyword: Keyword) -> Self {
        self.insert_keyword(keyword);
        self
    }

    /// Sets a system flag.
    pub fn insert(&mut self, flag: SystemFlag) {
        self.system |= flag.bit();
    }

    /// Clears a system flag.
    pub fn remove(&mut self, flag: SystemFlag) {
        self.system &= !flag.bit();
    }

    /// Whether a system flag is set.
    #[must_use]
    pub const fn contains(&self, flag: SystemFlag) -> bool {
        self.system & flag.bit() != 0
    }

    /// Adds a keyword.
    pub fn insert_keyword(&mut self, keyword: Keyword) {
        if let Err(i) = self.keywords.binary_search(&keyword) {
            self.keywords.insert(i, keyword);
        }
    }

    /// Removes a keyword.
    pub fn remove_keyword(&mut self, keyword: &Keyword) {
        if let Ok(i) = self.keywords.binary_search(keyword) {
            self.keywords.remove(i);
        }
    }

    /// Whether a keyword is set.
    #[must_use]
    pub fn has_keyword(&self, keyword: &Keyword) -> bool {
        self.keywords.binary_search(keyword).is_ok()
    }

    /// The system flags that are set.
    pub fn system(&self) -> impl Iterator<Item = SystemFlag> + '_ {
        SystemFlag::ALL.into_iter().filter(|f| self.contains(*f))
    }

    /// The keywords, sorted.
    #[must_use]
    pub fn keywords(&self) -> &[Keyword] {
        &self.keywords
    }

    /// Whether nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.system == 0 && self.keywords.is_empty()
    }

    /// Applies a STORE operation and returns the result.
    #[must_use]
    pub fn apply(&self, op: FlagOp, operand: &Self) -> Self {
        match op {
            FlagOp::Replace => operand.clone(),
            FlagOp::Add => {
                let mut out = self.clone();
                out.system |= operand.system;
                for k in &operand.keywords {
                    out.insert_keyword(k.clone());
                }
                out
            }
            FlagOp::Remove => {
                let mut out = self.clone();
                out.system &= !operand.system;
                out.keywords.retain(|k| !operand.has_keyword(k));
                out
            }
        }
    }
}

impl fmt::Display for Flags {
    /// The IMAP flag list without parentheses: `\Seen \Flagged $Junk`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        for flag in self.system() {
            write!(f, "{sep}{}", flag.as_imap())?;
            sep = " ";
        }
        for k in &self.keywords {
            write!(f, "{sep}{k}")?;
            sep = " ";
        }
        Ok(())
    }
}

/// How a flag store combines the given flags with the message's (IMAP `FLAGS`, `+FLAGS`,
/// `-FLAGS`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlagOp {
    /// Add the given flags.
    Add,
    /// Remove the given flags.
    Remove,
    /// Replace all flags with the given ones.
    Replace,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_imap_lists() {
        let f = Flags::parse_imap("(\\Seen $Junk \\flagged)").expect("valid list");
        assert!(f.contains(SystemFlag::Seen) && f.contains(SystemFlag::Flagged));
        assert_eq!(f.to_string(), "\\Seen \\Flagged $Junk");
        assert!(Flags::parse_imap("\\Bogus").is_err());
        assert!(Flags::parse_imap("a]b").is_err());
        assert!(Keyword::new("").is_err());
    }

    #[test]
    fn apply_adds_removes_replaces() {
        let base = Flags::parse_imap("\\Seen $A").expect("valid");
        let op = Flags::parse_imap("\\Deleted $A $B").expect("valid");
        assert_eq!(
            base.apply(FlagOp::Add, &op).to_string(),
            "\\Seen \\Deleted $A $B"
        );
        assert_eq!(base.apply(FlagOp::Remove, &op).to_string(), "\\Seen");
        assert_eq!(base.apply(FlagOp::Replace, &op), op);
    }
}
