//! Mailbox names: INBOX, modified UTF-7 (RFC 3501 section 5.1.3) and UTF-8 names
//! (RFC 6855, IMAP4rev2).

use std::borrow::Cow;

use bytes::Bytes;

use super::chunk::Chunk;
use crate::error::ValidationError;

/// A mailbox name as it travels on the wire. `INBOX` is case-insensitive and kept
/// apart so that comparisons get it right.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mailbox {
    /// `INBOX`, in any case.
    Inbox,
    /// Any other name, in wire form (modified UTF-7, or UTF-8 under UTF8=ACCEPT).
    Other(MailboxName),
}

/// How a Unicode mailbox name is put on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameEncoding {
    /// Modified UTF-7 (IMAP4rev1 without UTF8=ACCEPT).
    ModifiedUtf7,
    /// Raw UTF-8 (UTF8=ACCEPT enabled, or IMAP4rev2).
    Utf8,
}

/// A non-INBOX mailbox name in wire form (any bytes but NUL, CR and LF).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MailboxName(Chunk);

impl MailboxName {
    /// The wire bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The wire bytes as a [`Bytes`] handle (shared for long names, copied for
    /// short ones, which are stored inline).
    pub fn to_bytes(&self) -> Bytes {
        self.0.to_bytes()
    }
}

impl Mailbox {
    /// Builds a mailbox from its wire bytes (what a parser saw).
    ///
    /// # Errors
    /// [`ValidationError::ForbiddenByte`] on NUL, CR or LF.
    pub fn from_wire(bytes: Bytes) -> Result<Self, ValidationError> {
        if let Some(index) = bytes.iter().position(|&b| matches!(b, 0 | b'\r' | b'\n')) {
            return Err(ValidationError::ForbiddenByte {
                byte: bytes[index],
                index,
            });
        }
        Ok(Self::from_wire_unchecked(Chunk::from(bytes)))
    }

    pub(crate) fn from_wire_unchecked(bytes: Chunk) -> Self {
        if bytes.eq_ignore_ascii_case(b"INBOX") {
            Self::Inbox
        } else {
            Self::Other(MailboxName(bytes))
        }
    }

    /// Builds a mailbox from a Unicode name, encoding it as the peer expects.
    ///
    /// # Errors
    /// [`ValidationError::ForbiddenByte`] on NUL, CR or LF.
    pub fn from_unicode(name: &str, encoding: NameEncoding) -> Result<Self, ValidationError> {
        let wire = match encoding {
            NameEncoding::Utf8 => Bytes::copy_from_slice(name.as_bytes()),
            NameEncoding::ModifiedUtf7 => Bytes::from(encode_modified_utf7(name)),
        };
        Self::from_wire(wire)
    }

    /// The wire bytes (`INBOX` for [`Mailbox::Inbox`]).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Inbox => b"INBOX",
            Self::Other(name) => name.as_bytes(),
        }
    }

    /// The name in Unicode: decoded from modified UTF-7 when it is valid modified
    /// UTF-7, otherwise taken as UTF-8 (UTF8=ACCEPT names).
    ///
    /// # Errors
    /// [`ValidationError::ModifiedUtf7`] when the name is neither.
    pub fn to_unicode(&self) -> Result<Cow<'_, str>, ValidationError> {
        let bytes = self.as_bytes();
        if bytes.contains(&b'&')
            && let Ok(decoded) = decode_modified_utf7(bytes)
        {
            return Ok(Cow::Owned(decoded));
        }
        std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|_| ValidationError::ModifiedUtf7)
    }
}

impl TryFrom<&str> for Mailbox {
    type Error = ValidationError;

    /// Takes the string as wire bytes, unchanged.
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::from_wire(Bytes::copy_from_slice(value.as_bytes()))
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn base64_value(byte: u8) -> Option<u32> {
    Some(match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'+' => 62,
        b',' => 63,
        _ => return None,
    } as u32)
}

/// Encodes a Unicode name into modified UTF-7 (RFC 3501 section 5.1.3).
pub fn encode_modified_utf7(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    for ch in name.chars() {
        if (' '..='~').contains(&ch) {
            flush_utf16(&mut pending, &mut out);
            if ch == '&' {
                out.push_str("&-");
            } else {
                out.push(ch);
            }
        } else {
            let mut units = [0u16; 2];
            pending.extend_from_slice(ch.encode_utf16(&mut units));
        }
    }
    flush_utf16(&mut pending, &mut out);
    out
}

fn flush_utf16(pending: &mut Vec<u16>, out: &mut String) {
    if pending.is_empty() {
        return;
    }
    out.push('&');
    let mut bits: u32 = 0;
    let mut count = 0;
    for unit in pending.drain(..) {
        bits = (bits << 16) | u32::from(unit);
        count += 16;
        while count >= 6 {
            count -= 6;
            out.push(BASE64[((bits >> count) & 0x3f) as usize] as char);
        }
        bits &= (1 << count) - 1;
    }
    if count > 0 {
        out.push(BASE64[((bits << (6 - count)) & 0x3f) as usize] as char);
    }
    out.push('-');
}

/// Decodes a modified UTF-7 name (RFC 3501 section 5.1.3), strictly: 8-bit bytes,
/// unterminated shifts, encoded printable ASCII, non-zero padding bits and bad
/// surrogates are refused.
///
/// # Errors
/// [`ValidationError::ModifiedUtf7`] on any violation.
pub fn decode_modified_utf7(wire: &[u8]) -> Result<String, ValidationError> {
    let mut out = String::with_capacity(wire.len());
    let mut index = 0;
    // Where the last base64 run ended: a run starting right there is a null shift (`-&`
    // inside base64), which RFC 3501 §5.1.3 forbids; it would give one name two spellings.
    let mut run_end = None;
    while index < wire.len() {
        let byte = wire[index];
        if byte != b'&' {
            if !(0x20..=0x7e).contains(&byte) {
                return Err(ValidationError::ModifiedUtf7);
            }
            out.push(byte as char);
            index += 1;
            continue;
        }
        let end = wire[index + 1..]
            .iter()
            .position(|&b| b == b'-')
            .map(|offset| index + 1 + offset)
            .ok_or(ValidationError::ModifiedUtf7)?;
        let run = &wire[index + 1..end];
        if run.is_empty() {
            out.push('&');
        } else {
            if run_end == Some(index) {
                return Err(ValidationError::ModifiedUtf7);
            }
            decode_run(run, &mut out)?;
            run_end = Some(end + 1);
        }
        index = end + 1;
    }
    Ok(out)
}

fn decode_run(run: &[u8], out: &mut String) -> Result<(), ValidationError> {
    let mut units = Vec::with_capacity(run.len() * 6 / 16);
    let mut bits: u32 = 0;
    let mut count = 0;
    for &byte in run {
        let value = base64_value(byte).ok_or(ValidationError::ModifiedUtf7)?;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 16 {
            count -= 16;
            units.push(((bits >> count) & 0xffff) as u16);
            bits &= (1 << count) - 1;
        }
    }
    if count >= 6 || bits != 0 || units.is_empty() {
        return Err(ValidationError::ModifiedUtf7);
    }
    for ch in char::decode_utf16(units.iter().copied()) {
        let ch = ch.map_err(|_| ValidationError::ModifiedUtf7)?;
        if (' '..='~').contains(&ch) {
            return Err(ValidationError::ModifiedUtf7);
        }
        out.push(ch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3501_example() {
        let name = "~peter/mail/\u{53f0}\u{5317}/\u{65e5}\u{672c}\u{8a9e}";
        let wire = "~peter/mail/&U,BTFw-/&ZeVnLIqe-";
        assert_eq!(encode_modified_utf7(name), wire);
        assert_eq!(decode_modified_utf7(wire.as_bytes()).unwrap(), name);
    }

    #[test]
    fn ampersand_and_astral_plane() {
        assert_eq!(encode_modified_utf7("Tom & Jerry"), "Tom &- Jerry");
        assert_eq!(
            decode_modified_utf7(b"Tom &- Jerry").unwrap(),
            "Tom & Jerry"
        );
        assert_eq!(encode_modified_utf7("Entw\u{fc}rfe"), "Entw&APw-rfe");
        let emoji = "\u{1F600}";
        let wire = encode_modified_utf7(emoji);
        assert_eq!(decode_modified_utf7(wire.as_bytes()).unwrap(), emoji);
    }

    #[test]
    fn strict_decoding() {
        // unterminated, encoded ASCII ("a" = &AGE-), 8-bit, bad padding, lone surrogate,
        // a null shift (two runs back to back).
        for bad in [
            &b"&U,BTFw"[..],
            b"&AGE-",
            b"caf\xc3\xa9",
            b"&APx-",
            b"&2D0-",
            b"&U,BTFw-&ZeVnLIqe-",
        ] {
            assert!(decode_modified_utf7(bad).is_err(), "{bad:?}");
        }
        // A run then a literal `&` (`&-`) is no null shift.
        assert_eq!(
            decode_modified_utf7(b"&U,BTFw-&-").unwrap(),
            "\u{53f0}\u{5317}&"
        );
    }

    #[test]
    fn inbox_is_case_insensitive() {
        assert_eq!(Mailbox::try_from("inBox").unwrap(), Mailbox::Inbox);
        let mailbox = Mailbox::from_unicode("Entw\u{fc}rfe", NameEncoding::ModifiedUtf7).unwrap();
        assert_eq!(mailbox.as_bytes(), b"Entw&APw-rfe");
        assert_eq!(mailbox.to_unicode().unwrap(), "Entw\u{fc}rfe");
        let utf8 = Mailbox::from_unicode("Entw\u{fc}rfe", NameEncoding::Utf8).unwrap();
        assert_eq!(utf8.to_unicode().unwrap(), "Entw\u{fc}rfe");
    }
}
