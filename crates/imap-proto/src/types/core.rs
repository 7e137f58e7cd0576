//! Strings, atoms, tags, text and secrets: the lexical vocabulary of RFC 9051 section 4.
//!
//! Every value is owned and `'static`: a short value (up to 22 bytes) is stored
//! inline, a longer one shares the receive buffer through [`Bytes`] instead of copying
//! it, so parsing a message full of short strings touches no reference count.
//! Constructors refuse what the grammar refuses; the encoder then picks the wire form
//! (atom, quoted string or literal).

use std::fmt;

use bytes::Bytes;

use super::chunk::Chunk;
use crate::error::ValidationError;

/// `ATOM-CHAR`: any CHAR except atom-specials (`(){ %*"\]`, CTL, SP, 8-bit).
pub(crate) const fn is_atom_char(byte: u8) -> bool {
    matches!(byte, 0x21..=0x7e)
        && !matches!(byte, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
}

/// `ASTRING-CHAR`: ATOM-CHAR or `]`.
pub(crate) const fn is_astring_char(byte: u8) -> bool {
    is_atom_char(byte) || byte == b']'
}

/// `TEXT-CHAR`: any byte except CR, LF and NUL (8-bit allowed for UTF-8 text).
pub(crate) const fn is_text_char(byte: u8) -> bool {
    !matches!(byte, b'\r' | b'\n' | 0)
}

fn check_all(bytes: &[u8], allowed: impl Fn(u8) -> bool) -> Result<(), ValidationError> {
    if bytes.is_empty() {
        return Err(ValidationError::Empty);
    }
    match bytes.iter().position(|&b| !allowed(b)) {
        Some(index) => Err(ValidationError::ForbiddenByte {
            byte: bytes[index],
            index,
        }),
        None => Ok(()),
    }
}

fn bytes_from<T: AsRef<[u8]>>(value: T) -> Bytes {
    Bytes::copy_from_slice(value.as_ref())
}

macro_rules! bytes_newtype_common {
    ($name:ident) => {
        impl $name {
            /// The value's bytes.
            pub fn as_bytes(&self) -> &[u8] {
                &self.0
            }

            /// The value as a [`Bytes`] handle: shares the parsed buffer for long
            /// values; short ones are stored inline (see the module docs) and copied.
            pub fn to_bytes(&self) -> Bytes {
                self.0.to_bytes()
            }

            /// The value as UTF-8, if it is.
            pub fn as_str(&self) -> Option<&str> {
                std::str::from_utf8(&self.0).ok()
            }

            /// Builds the value from bytes already known to be valid (parser use).
            #[allow(dead_code, reason = "not every newtype is built by the parser")]
            pub(crate) fn unchecked(bytes: Bytes) -> Self {
                Self(Chunk::from(bytes))
            }

            /// The value's storage (parser use).
            #[allow(dead_code, reason = "not every newtype is taken apart")]
            pub(crate) fn into_chunk(self) -> Chunk {
                self.0
            }

            /// Builds the value from a chunk already known to be valid (parser use).
            #[allow(dead_code, reason = "not every newtype is built by the parser")]
            pub(crate) fn from_chunk(chunk: Chunk) -> Self {
                Self(chunk)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(
                    f,
                    "{}({:?})",
                    stringify!($name),
                    String::from_utf8_lossy(&self.0)
                )
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ValidationError;
            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::new(bytes_from(value))
            }
        }

        impl TryFrom<&[u8]> for $name {
            type Error = ValidationError;
            fn try_from(value: &[u8]) -> Result<Self, Self::Error> {
                Self::new(bytes_from(value))
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(Bytes::from(value))
            }
        }

        impl TryFrom<Vec<u8>> for $name {
            type Error = ValidationError;
            fn try_from(value: Vec<u8>) -> Result<Self, Self::Error> {
                Self::new(Bytes::from(value))
            }
        }
    };
}

/// An atom (`1*ATOM-CHAR`): command names, keywords, capability names.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Atom(Chunk);

impl Atom {
    /// Validates an atom: non-empty, only ATOM-CHARs.
    ///
    /// # Errors
    /// [`ValidationError`] when empty or when a byte is a space, a special or 8-bit.
    pub fn new(bytes: Bytes) -> Result<Self, ValidationError> {
        check_all(&bytes, is_atom_char)?;
        Ok(Self(Chunk::from(bytes)))
    }

    /// An atom from a static string; for constants in code.
    ///
    /// # Errors
    /// As [`Atom::new`].
    pub fn from_static(value: &'static str) -> Result<Self, ValidationError> {
        Self::new(Bytes::from_static(value.as_bytes()))
    }

    /// Case-insensitive comparison, as IMAP compares atoms.
    pub fn eq_ignore_case(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other.as_bytes())
    }
}
bytes_newtype_common!(Atom);

/// A command tag (`1*<any ASTRING-CHAR except "+">`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Tag(Chunk);

impl Tag {
    /// Validates a tag.
    ///
    /// # Errors
    /// [`ValidationError`] when empty or when a byte is not an ASTRING-CHAR or is `+`.
    pub fn new(bytes: Bytes) -> Result<Self, ValidationError> {
        check_all(&bytes, |b| is_astring_char(b) && b != b'+')?;
        Ok(Self(Chunk::from(bytes)))
    }
}
bytes_newtype_common!(Tag);

/// An astring value (RFC 9051 `astring`): any bytes but NUL. The encoder writes it as
/// an atom when it can, else as a quoted string or a literal.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AString(Chunk);

impl AString {
    /// Validates an astring value (no NUL; may be empty).
    ///
    /// # Errors
    /// [`ValidationError::ForbiddenByte`] on NUL.
    pub fn new(bytes: Bytes) -> Result<Self, ValidationError> {
        no_nul(&bytes)?;
        Ok(Self(Chunk::from(bytes)))
    }
}
bytes_newtype_common!(AString);

/// A string value (RFC 9051 `string`): any bytes but NUL, written as a quoted string or
/// a literal. The default is the empty string.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct IString(Chunk);

impl IString {
    /// Validates a string value (no NUL; may be empty).
    ///
    /// # Errors
    /// [`ValidationError::ForbiddenByte`] on NUL.
    pub fn new(bytes: Bytes) -> Result<Self, ValidationError> {
        no_nul(&bytes)?;
        Ok(Self(Chunk::from(bytes)))
    }
}
bytes_newtype_common!(IString);

impl From<IString> for AString {
    fn from(value: IString) -> Self {
        Self(value.0)
    }
}

impl From<AString> for IString {
    fn from(value: AString) -> Self {
        Self(value.0)
    }
}

fn no_nul(bytes: &[u8]) -> Result<(), ValidationError> {
    match memchr::memchr(0, bytes) {
        Some(index) => Err(ValidationError::ForbiddenByte { byte: 0, index }),
        None => Ok(()),
    }
}

/// A quoted string's content: no CR, LF or NUL (RFC 9051 `quoted`). Use it where a
/// value must never need a literal.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Quoted(Chunk);

impl Quoted {
    /// Validates quoted content.
    ///
    /// # Errors
    /// [`ValidationError::ForbiddenByte`] on CR, LF or NUL.
    pub fn new(bytes: Bytes) -> Result<Self, ValidationError> {
        if let Some(index) = bytes.iter().position(|&b| !is_text_char(b)) {
            return Err(ValidationError::ForbiddenByte {
                byte: bytes[index],
                index,
            });
        }
        Ok(Self(Chunk::from(bytes)))
    }
}
bytes_newtype_common!(Quoted);

impl From<Quoted> for IString {
    fn from(value: Quoted) -> Self {
        Self(value.0)
    }
}

/// Human-readable response text (`text`): no CR or LF; may be empty in IMAP4rev2.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Text(Chunk);

impl Text {
    /// Validates text.
    ///
    /// # Errors
    /// [`ValidationError::ForbiddenByte`] on CR, LF or NUL.
    pub fn new(bytes: Bytes) -> Result<Self, ValidationError> {
        if let Some(index) = bytes.iter().position(|&b| !is_text_char(b)) {
            return Err(ValidationError::ForbiddenByte {
                byte: bytes[index],
                index,
            });
        }
        Ok(Self(Chunk::from(bytes)))
    }

    /// Text from a static string.
    ///
    /// # Errors
    /// As [`Text::new`].
    pub fn from_static(value: &'static str) -> Result<Self, ValidationError> {
        Self::new(Bytes::from_static(value.as_bytes()))
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
bytes_newtype_common!(Text);

/// A value that must never appear in logs (passwords, SASL responses). `Debug` always
/// redacts; read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret value; call sites are easy to audit.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the secret.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_refuse_invalid_values() {
        assert!(Atom::try_from("FLAGS").is_ok());
        assert_eq!(
            Atom::try_from("a b"),
            Err(ValidationError::ForbiddenByte {
                byte: b' ',
                index: 1
            })
        );
        assert_eq!(Atom::try_from(""), Err(ValidationError::Empty));
        assert!(Atom::try_from("a]").is_err());
        assert!(Tag::try_from("A001").is_ok());
        assert!(Tag::try_from("A+1").is_err());
        assert!(Tag::try_from("A]1").is_ok());
        assert!(Quoted::try_from("line\r\nbreak").is_err());
        assert!(IString::try_from(&b"nul\0"[..]).is_err());
        assert!(AString::try_from("").is_ok());
        assert!(Text::try_from("ok\n").is_err());
    }

    #[test]
    fn secrets_are_redacted() {
        let secret = Secret::new(AString::try_from("hunter2").unwrap());
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(secret.expose().as_bytes(), b"hunter2");
    }
}
