use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use bytes::Bytes;

use super::compact::Compact;

/// Owned, immutable, cheaply clonable UTF-8 text.
///
/// Short texts (up to 32 bytes: nearly every mailbox, domain and parameter) are stored in the
/// value itself, so parsing a command allocates nothing and touches no shared reference
/// count; longer ones share the received line's [`Bytes`] buffer without a copy. `Text`
/// always holds valid UTF-8 (ASCII unless an RFC 6531 SMTPUTF8 context allowed more); it
/// dereferences to `str`, and compares and hashes as that `str`.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Text(Compact);

impl Text {
    /// An empty text.
    pub const fn new() -> Self {
        Text(Compact::EMPTY)
    }

    /// A text from a static string, without copying.
    pub const fn from_static(s: &'static str) -> Self {
        Text(Compact::Shared(Bytes::from_static(s.as_bytes())))
    }

    /// Wraps `bytes` if they are valid UTF-8, else gives them back.
    pub fn from_utf8(bytes: Bytes) -> Result<Self, Bytes> {
        if std::str::from_utf8(&bytes).is_ok() {
            Ok(Text(Compact::from(bytes)))
        } else {
            Err(bytes)
        }
    }

    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        // Valid UTF-8 by construction; the fallback is unreachable.
        std::str::from_utf8(self.0.as_bytes()).unwrap_or_default()
    }

    /// The underlying bytes (the original wire bytes).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The text as a [`Bytes`] (shared when the text is, else a copy).
    pub fn to_bytes(&self) -> Bytes {
        self.0.to_bytes()
    }

    /// Consumes the text, giving it as a [`Bytes`] (no copy when it is shared).
    pub fn into_bytes(self) -> Bytes {
        self.0.into_bytes()
    }

    /// Crate-internal: `s` (a sub-slice of `src`, already checked to be UTF-8), copied when
    /// short, else shared with `src`.
    #[inline]
    pub(crate) fn share_checked(src: &Bytes, s: &[u8]) -> Self {
        debug_assert!(std::str::from_utf8(s).is_ok());
        Text(Compact::share(src, s))
    }

    /// Crate-internal: a copy of `s` (a sub-slice of `whole`, already checked to be UTF-8);
    /// see [`Compact::copy_within`].
    #[inline]
    pub(crate) fn copy_within_checked(whole: &[u8], s: &[u8]) -> Self {
        debug_assert!(std::str::from_utf8(s).is_ok());
        Text(Compact::copy_within(whole, s))
    }

    /// Crate-internal: a copy of `s`, already checked to be UTF-8.
    #[inline]
    pub(crate) fn copy_checked(s: &[u8]) -> Self {
        debug_assert!(std::str::from_utf8(s).is_ok());
        Text(Compact::copy(s))
    }

    /// Case-insensitive ASCII comparison.
    pub fn eq_ignore_ascii_case(&self, other: &str) -> bool {
        self.as_bytes().eq_ignore_ascii_case(other.as_bytes())
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

// As `str` hashes, so that `Borrow<str>` lookups in hash maps work.
impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Compact::from_vec(s.into_bytes()))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Compact::copy(s.as_bytes()))
    }
}

impl From<Text> for Bytes {
    fn from(t: Text) -> Bytes {
        t.into_bytes()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
