//! Canonical message form: CRLF line endings, with the header length measured once.

use bytes::Bytes;

/// A message in the canonical form every backend serves: bare LF turned into CRLF, and the
/// offset of the body known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalMessage {
    bytes: Bytes,
    header_len: u64,
}

impl CanonicalMessage {
    /// Canonicalises raw message bytes: every LF not preceded by CR gets one. Bytes that are
    /// already CRLF are kept without copying.
    #[must_use]
    pub fn new(raw: Bytes) -> Self {
        let bytes = to_crlf(raw);
        let header_len = header_len(&bytes);
        Self { bytes, header_len }
    }

    /// The CRLF bytes.
    #[must_use]
    pub const fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The exact CRLF size.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// The header length including the empty line that ends it (the whole message if it has
    /// no body).
    #[must_use]
    pub const fn header_len(&self) -> u64 {
        self.header_len
    }
}

fn to_crlf(raw: Bytes) -> Bytes {
    let bare = memchr::memchr_iter(b'\n', &raw)
        .filter(|&i| i == 0 || raw[i - 1] != b'\r')
        .count();
    if bare == 0 {
        return raw;
    }
    let mut out = Vec::with_capacity(raw.len() + bare);
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', &raw) {
        if i == 0 || raw[i - 1] != b'\r' {
            out.extend_from_slice(&raw[start..i]);
            out.extend_from_slice(b"\r\n");
            start = i + 1;
        }
    }
    out.extend_from_slice(&raw[start..]);
    Bytes::from(out)
}

/// The offset after the first empty line of CRLF bytes.
#[must_use]
pub fn header_len(crlf: &[u8]) -> u64 {
    if crlf.starts_with(b"\r\n") {
        return 2;
    }
    memchr::memmem::find(crlf, b"\r\n\r\n").map_or(crlf.len() as u64, |i| i as u64 + 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_lf_becomes_crlf_and_header_is_measured() {
        let m = CanonicalMessage::new(Bytes::from_static(b"A: 1\nB: 2\r\n\nbody\n"));
        assert_eq!(m.bytes().as_ref(), b"A: 1\r\nB: 2\r\n\r\nbody\r\n");
        assert_eq!(m.header_len(), 14);
        assert_eq!(m.size(), 20);
        let m = CanonicalMessage::new(Bytes::from_static(b"A: 1\r\n"));
        assert_eq!(m.header_len(), 6);
        let m = CanonicalMessage::new(Bytes::from_static(b"\nbody"));
        assert_eq!(m.bytes().as_ref(), b"\r\nbody");
        assert_eq!(m.header_len(), 2);
    }
}
