use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use bytes::Bytes;

/// How many bytes are stored inline, in the value itself: enough for nearly every mailbox,
/// domain, parameter value and reply text, in the size of the shared form (40 bytes with the
/// tag).
const INLINE: usize = 32;

/// Inline storage, 8-byte aligned so that moving a [`Compact`] is four aligned word moves
/// (unaligned, overlapping moves of a freshly written value stall on store forwarding).
#[derive(Clone, Copy)]
#[repr(align(8))]
pub(crate) struct InlineBuf([u8; INLINE]);

/// An immutable byte string that stores short contents inline and longer ones in a shared
/// [`Bytes`].
///
/// Why: sharing a slice of a received line costs two atomic reference-count operations (one
/// to take it, one to drop it) and an indirect call, which is several times the cost of
/// copying a few dozen bytes. Parsed SMTP fields are short, so copying them is the cheaper way
/// to own them; long ones still share the line's buffer without a copy.
#[derive(Clone)]
pub(crate) enum Compact {
    /// `len` bytes at the start of `data`.
    Inline { len: u8, data: InlineBuf },
    /// A shared buffer.
    Shared(Bytes),
}

impl Compact {
    /// The longest contents stored inline.
    pub(crate) const INLINE: usize = INLINE;

    /// An empty string.
    pub(crate) const EMPTY: Compact = Compact::Inline {
        len: 0,
        data: InlineBuf([0; INLINE]),
    };

    /// Copies `s` (inline when short, else into a new buffer).
    #[inline(always)]
    pub(crate) fn copy(s: &[u8]) -> Self {
        match Self::inline(s) {
            Some(c) => c,
            None => Compact::Shared(Bytes::copy_from_slice(s)),
        }
    }

    /// Copies `s`, a sub-slice of `whole`, like [`Compact::copy`]. When `whole` has at least
    /// [`INLINE`] bytes from the start of `s` on, the inline copy is one fixed-size move of
    /// that window (the bytes past `s` are never read back): faster than a copy of `s`'s exact
    /// length, whose overlapping pieces stall the next read of the value on store forwarding.
    #[inline(always)]
    pub(crate) fn copy_within(whole: &[u8], s: &[u8]) -> Self {
        // `s` lies in `whole` exactly when its address does: then `whole[off..]` starts with it.
        let off = s.as_ptr().addr().wrapping_sub(whole.as_ptr().addr());
        let inside = off <= whole.len() && s.len() <= whole.len() - off;
        match whole.get(off..off.wrapping_add(INLINE)) {
            Some(window) if inside && s.len() <= INLINE => {
                let mut data = InlineBuf([0; INLINE]);
                data.0.copy_from_slice(window);
                Compact::Inline {
                    len: s.len() as u8,
                    data,
                }
            }
            _ => Self::copy(s),
        }
    }

    /// Takes `v` (inline when short, else without a copy).
    pub(crate) fn from_vec(v: Vec<u8>) -> Self {
        match Self::inline(&v) {
            Some(c) => c,
            None => Compact::Shared(Bytes::from(v)),
        }
    }

    /// `s`, a sub-slice of `src`: copied inline when short, else shared with `src`.
    #[inline(always)]
    pub(crate) fn share(src: &Bytes, s: &[u8]) -> Self {
        match Self::inline(s) {
            Some(c) => c,
            None => Compact::Shared(src.slice_ref(s)),
        }
    }

    #[inline(always)]
    fn inline(s: &[u8]) -> Option<Self> {
        if s.len() > INLINE {
            return None;
        }
        let mut data = InlineBuf([0; INLINE]);
        copy_small(&mut data.0, s);
        Some(Compact::Inline {
            len: s.len() as u8,
            data,
        })
    }

    /// The contents.
    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Compact::Inline { len, data } => &data.0[..usize::from(*len)],
            Compact::Shared(b) => b,
        }
    }

    /// The contents as a [`Bytes`]: shared when they already are, else copied.
    pub(crate) fn to_bytes(&self) -> Bytes {
        match self {
            Compact::Inline { .. } => Bytes::copy_from_slice(self.as_bytes()),
            Compact::Shared(b) => b.clone(),
        }
    }

    /// The contents as a [`Bytes`], without a copy when they are shared.
    pub(crate) fn into_bytes(self) -> Bytes {
        match self {
            Compact::Inline { .. } => Bytes::copy_from_slice(self.as_bytes()),
            Compact::Shared(b) => b,
        }
    }
}

/// Copies `s` (at most [`INLINE`] bytes) to the start of `dst` with fixed-size, possibly
/// overlapping moves: a library `memcpy` call costs more than the copy at these sizes.
#[inline(always)]
fn copy_small(dst: &mut [u8; INLINE], s: &[u8]) {
    let n = s.len();
    if n >= 16 {
        dst[..16].copy_from_slice(&s[..16]);
        dst[n - 16..n].copy_from_slice(&s[n - 16..]);
    } else if n >= 8 {
        dst[..8].copy_from_slice(&s[..8]);
        dst[n - 8..n].copy_from_slice(&s[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&s[..4]);
        dst[n - 4..n].copy_from_slice(&s[n - 4..]);
    } else {
        for (d, &b) in dst.iter_mut().zip(s) {
            *d = b;
        }
    }
}

impl From<Bytes> for Compact {
    /// Keeps `b` shared (no copy).
    fn from(b: Bytes) -> Self {
        Compact::Shared(b)
    }
}

impl Default for Compact {
    fn default() -> Self {
        Compact::EMPTY
    }
}

impl std::fmt::Debug for Compact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_bytes().escape_ascii().to_string())
    }
}

// Equality, order and hashing are those of the contents, whatever the representation.
impl PartialEq for Compact {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Compact {}

impl PartialOrd for Compact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Compact {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl Hash for Compact {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_is_inline_long_is_shared_and_both_compare_by_contents() {
        let line = Bytes::from(vec![b'a'; 100]);
        let short = Compact::share(&line, &line[..INLINE]);
        let long = Compact::share(&line, &line[..INLINE + 1]);
        assert!(matches!(short, Compact::Inline { .. }));
        assert!(matches!(long, Compact::Shared(_)));
        assert_eq!(short.as_bytes(), &line[..INLINE]);
        assert_eq!(long.as_bytes(), &line[..INLINE + 1]);
        assert_eq!(short, Compact::from(line.slice(..INLINE)));
        assert_eq!(Compact::copy(b""), Compact::default());
        assert!(short < long);
        assert_eq!(std::mem::size_of::<Compact>(), 40);
        // every length through the small-copy cases
        for n in 0..=INLINE {
            let src: Vec<u8> = (1..=n as u8).collect();
            assert_eq!(Compact::copy(&src).as_bytes(), &src[..], "length {n}");
        }
        // the window copy: inside a larger buffer, near its end, and a foreign slice
        let whole: Vec<u8> = (0..100).collect();
        for (from, n) in [
            (0, 0),
            (3, 5),
            (10, 32),
            (68, 32),
            (90, 10),
            (99, 1),
            (100, 0),
        ] {
            let s = &whole[from..from + n];
            assert_eq!(Compact::copy_within(&whole, s).as_bytes(), s);
        }
        let other = [7u8; 12];
        assert_eq!(Compact::copy_within(&whole, &other).as_bytes(), &other);
    }
}
