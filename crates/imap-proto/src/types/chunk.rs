//! The storage behind every string-like value: short values inline, long ones shared.
//!
//! A parsed FETCH response holds dozens of short strings (envelope addresses, body
//! parameters, flags). Backing each with a [`Bytes`] slice of the message costs an
//! atomic increment when it is cut and an atomic decrement when it is dropped; for a
//! 12-byte host name that bookkeeping costs more than copying the bytes. So values of
//! up to [`INLINE`] bytes are copied into the value itself, and only longer ones share
//! the receive buffer. Equality and hashing look at the bytes only, never at the form.

use std::hash::{Hash, Hasher};
use std::ops::Deref;

use bytes::Bytes;

/// Longest value stored inline. 22 bytes plus a length keep [`Chunk`] as small as a
/// [`Bytes`] handle (32 bytes on 64-bit targets), so an inline value costs no space.
pub(crate) const INLINE: usize = 22;

/// Bytes of a string-like value: inline when short, a shared [`Bytes`] otherwise.
#[derive(Clone)]
pub(crate) enum Chunk {
    /// Up to [`INLINE`] bytes, copied.
    Inline {
        /// Bytes used in `data`.
        len: u8,
        /// The bytes, zero-padded.
        data: [u8; INLINE],
    },
    /// A handle on a shared buffer.
    Shared(Bytes),
}

impl Chunk {
    /// Copies `bytes` inline when short enough; otherwise `shared` supplies the
    /// handle (called only for long values, so short ones never touch a refcount).
    pub(crate) fn new(bytes: &[u8], shared: impl FnOnce() -> Bytes) -> Self {
        match Self::inline(bytes) {
            Some(chunk) => chunk,
            None => Self::Shared(shared()),
        }
    }

    /// An inline chunk, when `bytes` fit.
    pub(crate) fn inline(bytes: &[u8]) -> Option<Self> {
        let len = u8::try_from(bytes.len())
            .ok()
            .filter(|&l| usize::from(l) <= INLINE)?;
        let mut data = [0u8; INLINE];
        data[..bytes.len()].copy_from_slice(bytes);
        Some(Self::Inline { len, data })
    }

    /// `buf[start..end]` as a chunk. A parser's hot path: when the buffer goes on for
    /// [`INLINE`] bytes past `start`, a short value is copied as one fixed-size block
    /// (two vector moves instead of a `memcpy` call); the bytes past `end` are never
    /// read back.
    #[inline(always)]
    pub(crate) fn of_range(
        buf: &[u8],
        start: usize,
        end: usize,
        shared: impl FnOnce() -> Bytes,
    ) -> Self {
        let len = end - start;
        if len > INLINE {
            return Self::Shared(shared());
        }
        match buf.get(start..start + INLINE) {
            Some(block) => {
                let mut data = [0u8; INLINE];
                data.copy_from_slice(block);
                Self::Inline {
                    len: len as u8,
                    data,
                }
            }
            None => Self::new(&buf[start..end], shared),
        }
    }

    /// The value as a [`Bytes`] handle: a clone of the shared handle, or a copy of an
    /// inline value.
    pub(crate) fn to_bytes(&self) -> Bytes {
        match self {
            Self::Inline { .. } => Bytes::copy_from_slice(self),
            Self::Shared(bytes) => bytes.clone(),
        }
    }
}

impl From<Bytes> for Chunk {
    /// Keeps the handle: the caller already paid for it.
    fn from(bytes: Bytes) -> Self {
        Self::Shared(bytes)
    }
}

impl Default for Chunk {
    fn default() -> Self {
        Self::Inline {
            len: 0,
            data: [0; INLINE],
        }
    }
}

impl Deref for Chunk {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Self::Inline { len, data } => &data[..usize::from(*len)],
            Self::Shared(bytes) => bytes,
        }
    }
}

impl AsRef<[u8]> for Chunk {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::fmt::Debug for Chunk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self))
    }
}

impl PartialEq for Chunk {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Chunk {}

impl Hash for Chunk {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_of(chunk: &Chunk) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        chunk.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn short_values_are_inline_long_ones_shared() {
        let short = Chunk::new(b"example.org", || unreachable!("short values are copied"));
        assert!(matches!(short, Chunk::Inline { len: 11, .. }));
        assert_eq!(&*short, b"example.org");
        let long = b"<B27397-0100000@Blurdybloop.example.COM>";
        let chunk = Chunk::new(long, || Bytes::from_static(long));
        assert!(matches!(chunk, Chunk::Shared(_)));
        assert_eq!(&*chunk, long);
        let edge = [b'x'; INLINE];
        assert!(matches!(
            Chunk::new(&edge, Bytes::new),
            Chunk::Inline { .. }
        ));
        let over = [b'x'; INLINE + 1];
        assert!(matches!(
            Chunk::new(&over, || Bytes::copy_from_slice(&over)),
            Chunk::Shared(_)
        ));
    }

    #[test]
    fn equality_and_hash_ignore_the_form() {
        let inline = Chunk::new(b"INBOX", Bytes::new);
        let shared = Chunk::from(Bytes::from_static(b"INBOX"));
        assert_eq!(inline, shared);
        assert_eq!(hash_of(&inline), hash_of(&shared));
        assert_ne!(inline, Chunk::from(Bytes::from_static(b"INBOX2")));
        assert_eq!(inline.to_bytes(), Bytes::from_static(b"INBOX"));
        assert_eq!(Chunk::default(), Chunk::from(Bytes::new()));
        // A short range inside a longer buffer equals the same bytes on their own.
        let buf = b"(\"Fred\" NIL \"foobar\" \"Blurdybloop.example.COM\")";
        let fred = Chunk::of_range(buf, 2, 6, || unreachable!("short"));
        assert_eq!(fred, Chunk::new(b"Fred", Bytes::new));
        assert_eq!(hash_of(&fred), hash_of(&Chunk::new(b"Fred", Bytes::new)));
        let host = Chunk::of_range(buf, 22, 45, || Bytes::copy_from_slice(&buf[22..45]));
        assert_eq!(&*host, b"Blurdybloop.example.COM");
        assert!(matches!(host, Chunk::Shared(_)));
        let near_end = Chunk::of_range(buf, 38, 45, || unreachable!("short"));
        assert_eq!(near_end, Chunk::new(b"ple.COM", Bytes::new));
    }

    #[test]
    fn a_chunk_is_no_bigger_than_a_bytes_handle() {
        assert_eq!(size_of::<Chunk>(), size_of::<Bytes>());
    }
}
