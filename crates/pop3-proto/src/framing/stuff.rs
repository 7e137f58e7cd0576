//! The server side of a multi-line response: dot-stuffing and the terminator.
//!
//! Only two things in a message need work on the wire (RFC 1939 §3): a line that starts with
//! the termination octet gets one more, and a line must end with CRLF (stores may hold bare LF).
//! Both sit at an LF, so one pass over the chunk marks the 128-octet blocks holding an LF that is
//! bare or followed by a dot; a marked block is looked at again only at those LFs (the first and
//! last block of a chunk, whose neighbours are elsewhere, at each of its LFs), and the output is
//! slices of the input with small static pieces between them: nothing is copied.
//!
//! Content the application knows to be CRLF already (a store that keeps messages in canonical
//! form) skips the bare-LF test: a substring search for `LF .` finds the lines to stuff, which
//! is cheaper than any byte-by-byte test of the line endings.

use bytes::Bytes;
use memchr::{memchr_iter, memmem};

/// Dot-stuffs a message for a multi-line response (server side), chunk by chunk.
#[derive(Debug, Clone)]
pub struct DotStuffer {
    at_line_start: bool,
    prev_cr: bool,
    /// The content is known to be CRLF: only lines starting with a dot are looked for.
    crlf_content: bool,
}

impl Default for DotStuffer {
    fn default() -> Self {
        Self::new()
    }
}

const DOT: Bytes = Bytes::from_static(b".");
const CR: Bytes = Bytes::from_static(b"\r");
const CRLF_END: Bytes = Bytes::from_static(b"\r\n.\r\n");
const LF_END: Bytes = Bytes::from_static(b"\n.\r\n");
const END: Bytes = Bytes::from_static(b".\r\n");

/// Octets per block of the marking pass: a multiple of the vector width, small so that a
/// marked block costs little to look at again.
const BLOCK: usize = 128;
/// Blocks marked per call of [`marked_blocks`] (one bit each).
const BLOCKS_PER_MASK: usize = 64;

impl DotStuffer {
    /// A stuffer at the start of the content, which turns bare LF into CRLF.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            at_line_start: true,
            prev_cr: false,
            crlf_content: false,
        }
    }

    /// A stuffer for content whose lines the caller knows to end with CRLF: bare LF are not
    /// looked for. If some are there after all, those before a line starting with a dot still
    /// become CRLF (that line is stuffed, so the response still ends where it should) and the
    /// others go out as they are.
    #[must_use]
    pub const fn for_crlf_content() -> Self {
        Self {
            crlf_content: true,
            ..Self::new()
        }
    }

    /// Stuffs one chunk, handing the wire pieces to `out` in order: slices of `chunk` with a
    /// `.` before each line that starts with one and a CR before each bare LF.
    pub fn stuff(&mut self, chunk: Bytes, mut out: impl FnMut(Bytes)) {
        let Some(&last) = chunk.last() else {
            return;
        };
        if self.at_line_start && chunk[0] == b'.' {
            out(DOT);
        }
        let start = if self.crlf_content {
            memmem::find_iter(&chunk, b"\n.")
                .fold(0, |start, lf| self.line_end(&chunk, lf, start, &mut out))
        } else {
            self.marked_line_ends(&chunk, &mut out)
        };
        self.at_line_start = last == b'\n';
        self.prev_cr = last == b'\r';
        if start == 0 {
            out(chunk);
        } else if start < chunk.len() {
            out(chunk.slice(start..));
        }
    }

    /// Visits the LFs of the marked blocks of `chunk` (see [`marked_blocks`]); returns where
    /// the unsent rest of the chunk starts.
    fn marked_line_ends(&self, chunk: &Bytes, out: &mut impl FnMut(Bytes)) -> usize {
        let mut start = 0;
        let mut from = 0;
        while from < chunk.len() {
            let mut marks = marked_blocks(chunk, from);
            while marks != 0 {
                let block = from + marks.trailing_zeros() as usize * BLOCK;
                marks &= marks - 1;
                let end = (block + BLOCK).min(chunk.len());
                if block > 0 && end < chunk.len() {
                    // An interior block: the same test, kept per octet.
                    let mut lfs = needy_lfs(&chunk[block - 1..=end]);
                    while lfs != 0 {
                        let lf = block + lfs.trailing_zeros() as usize;
                        lfs &= lfs - 1;
                        start = self.line_end(chunk, lf, start, out);
                    }
                } else {
                    for lf in memchr_iter(b'\n', &chunk[block..end]) {
                        start = self.line_end(chunk, block + lf, start, out);
                    }
                }
            }
            from += BLOCK * BLOCKS_PER_MASK;
        }
        start
    }

    /// Handles the LF at `lf`, the chunk being sent from `start` on: a CR goes out before it if
    /// it is bare, a dot after it if the next line starts with one (the dot then goes out
    /// twice: once at the end of this slice, once at the start of the next). Returns where the
    /// unsent rest of the chunk now starts.
    fn line_end(
        &self,
        chunk: &Bytes,
        lf: usize,
        mut start: usize,
        out: &mut impl FnMut(Bytes),
    ) -> usize {
        let has_cr = match lf.checked_sub(1) {
            Some(before) => chunk[before] == b'\r',
            None => self.prev_cr,
        };
        if !has_cr {
            if lf > start {
                out(chunk.slice(start..lf));
            }
            out(CR);
            start = lf;
        }
        if chunk.get(lf + 1) == Some(&b'.') {
            out(chunk.slice(start..lf + 2));
            start = lf + 1;
        }
        start
    }

    /// Ends the content: the terminator, with a CRLF before it when the content did not end
    /// with a line ending (an empty body gets just `.CRLF`).
    pub fn finish(&mut self, mut out: impl FnMut(Bytes)) {
        if self.at_line_start {
            out(END);
        } else if self.prev_cr {
            out(LF_END);
        } else {
            out(CRLF_END);
        }
        self.at_line_start = true;
        self.prev_cr = false;
    }
}

/// One bit per block of up to [`BLOCKS_PER_MASK`] blocks from `from`: set when the block may
/// hold an LF that is bare or followed by a dot. The first and the last block of the chunk are
/// always set, as their neighbouring octets are in other chunks; the others are decided by one
/// branch-free pass the compiler vectorises.
fn marked_blocks(chunk: &[u8], from: usize) -> u64 {
    let mut marks = 0;
    for i in 0..BLOCKS_PER_MASK {
        let start = from + i * BLOCK;
        if start >= chunk.len() {
            break;
        }
        let interior = start > 0 && start + BLOCK < chunk.len();
        if !interior || block_needs_work(&chunk[start - 1..start + BLOCK + 1]) {
            marks |= 1 << i;
        }
    }
    marks
}

/// The LFs that need work among the middle [`BLOCK`] octets of `window` (one octet of context
/// on each side), one bit per octet: a marked block is visited only at these, with no search.
fn needy_lfs(window: &[u8]) -> u128 {
    let Some((before, at, after)) = neighbours(window) else {
        return 0;
    };
    // Flags first (the same vectorised test as [`block_needs_work`]), then packed eight at a
    // time: a multiply gathers the low bit of eight 0/1 octets into the top octet, which LLVM
    // will not do from a bit-by-bit loop without intrinsics.
    let mut flags = [0u8; BLOCK];
    for (j, flag) in flags.iter_mut().enumerate() {
        *flag = needs_work(before[j], at[j], after[j]);
    }
    let mut bits = 0;
    for (i, eight) in flags.chunks_exact(8).enumerate() {
        let eight = u64::from_le_bytes(eight.try_into().unwrap_or_default());
        bits |= u128::from(eight.wrapping_mul(GATHER) >> 56) << (i * 8);
    }
    bits
}

/// The middle [`BLOCK`] octets of `window` (exactly one octet of context on each side) as
/// three arrays, the octets before, at and after each position: fixed-size, so the tests over
/// them vectorise. `None` for a window of another length.
#[inline(always)]
fn neighbours(window: &[u8]) -> Option<(&[u8; BLOCK], &[u8; BLOCK], &[u8; BLOCK])> {
    match (
        <&[u8; BLOCK]>::try_from(&window[..BLOCK]),
        <&[u8; BLOCK]>::try_from(&window[1..=BLOCK]),
        <&[u8; BLOCK]>::try_from(&window[2..]),
    ) {
        (Ok(before), Ok(at), Ok(after)) => Some((before, at, after)),
        _ => None,
    }
}

/// Octet `i` of a word times this lands in bit `56 + i`, and no two products collide.
const GATHER: u64 = 0x0102_0408_1020_4080;

/// 1 for an LF (`at`) without a CR before it or with a dot after it, else 0. An LF needs work
/// unless a CR is before it and no dot after it: `lf & !(cr & !dot)`, two and-not operations
/// on the compare masks, the fewest vector operations found for this test.
#[inline(always)]
fn needs_work(before: u8, at: u8, after: u8) -> u8 {
    let lf = u8::from(at == b'\n');
    let fine = u8::from(before == b'\r') & !u8::from(after == b'.');
    lf & !fine
}

/// Whether the middle [`BLOCK`] octets of `window` (one octet of context on each side) hold an
/// LF without a CR before it or with a dot after it.
fn block_needs_work(window: &[u8]) -> bool {
    let Some((before, at, after)) = neighbours(window) else {
        return true;
    };
    let mut any = 0u8;
    for j in 0..BLOCK {
        any |= needs_work(before[j], at[j], after[j]);
    }
    any != 0
}
