//! Framing: where lines and multi-line responses begin and end (RFC 1939 §3).
//!
//! - [`LineReader`] cuts CRLF lines out of a receive buffer with a length limit, scanning each
//!   byte once (it remembers how far it looked) and resynchronising after an over-long line.
//! - [`DotUnstuffer`] (client side) reads a multi-line response body: it strips the stuffed dot at
//!   the start of a line, finds the `CRLF.CRLF` terminator across any chunk boundary, and hands
//!   out the content as `Bytes` chunks split from the receive buffer without copying.
//! - [`DotStuffer`] (server side) turns message chunks into wire chunks: a dot before every line
//!   that starts with a dot (the first line too), bare LF turned into CRLF, and the terminator
//!   (with a CRLF first when the content did not end with one). It only inserts small static
//!   pieces between slices of the input.
//! - [`TopFilter`] (server side) cuts a message after its header, the blank line and `n` body
//!   lines (RFC 1939 §7, TOP), across any chunk boundary.

use bytes::{Buf, Bytes, BytesMut};
use memchr::{memchr, memchr_iter, memmem, memrchr};

/// One framed line, or the news that a line was too long and was thrown away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A complete line, without its line ending.
    Complete {
        /// The line's bytes.
        line: Bytes,
        /// Whether it ended with a bare LF instead of CRLF.
        bare_lf: bool,
    },
    /// A line longer than the limit was discarded up to and including its LF.
    TooLong,
}

/// Cuts lines out of a receive buffer, each byte scanned once, memory bounded by the limit.
#[derive(Debug, Clone)]
pub struct LineReader {
    max_len: usize,
    scanned: usize,
    discarding: bool,
}

impl LineReader {
    /// A reader for lines of at most `max_len` octets, line ending included.
    #[must_use]
    pub const fn new(max_len: usize) -> Self {
        Self {
            max_len,
            scanned: 0,
            discarding: false,
        }
    }

    /// Changes the limit (for example for SASL continuation lines, which may be longer than
    /// commands).
    pub fn set_max_len(&mut self, max_len: usize) {
        self.max_len = max_len;
    }

    /// The current limit.
    #[must_use]
    pub const fn max_len(&self) -> usize {
        self.max_len
    }

    /// Whether an over-long line is being skipped (the bytes in the buffer are thrown away).
    #[must_use]
    pub const fn is_discarding(&self) -> bool {
        self.discarding
    }

    /// Takes the next line from the front of `buf`, or `None` if no complete line is there. An
    /// over-long line is dropped from `buf` as it arrives and reported once its LF arrives.
    pub fn next_line(&mut self, buf: &mut BytesMut) -> Option<Line> {
        loop {
            if self.discarding {
                if let Some(lf) = memchr(b'\n', buf) {
                    buf.advance(lf + 1);
                    self.discarding = false;
                    self.scanned = 0;
                    return Some(Line::TooLong);
                }
                buf.clear();
                return None;
            }
            let from = self.scanned.min(buf.len());
            let window = self.max_len.min(buf.len());
            if let Some(pos) = memchr(b'\n', &buf[from..window]) {
                let lf = from + pos;
                self.scanned = 0;
                let bare_lf = lf == 0 || buf[lf - 1] != b'\r';
                let mut line = buf.split_to(lf + 1);
                line.truncate(if bare_lf { lf } else { lf - 1 });
                return Some(Line::Complete {
                    line: line.freeze(),
                    bare_lf,
                });
            }
            if buf.len() >= self.max_len {
                self.discarding = true;
                buf.advance(self.max_len);
                continue;
            }
            self.scanned = buf.len();
            return None;
        }
    }
}

/// What [`DotUnstuffer::decode`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unstuffed {
    /// Content bytes, unstuffed, line endings as sent.
    Data(Bytes),
    /// The terminating `.` line was read; the response is complete.
    End,
}

/// A content line was longer than the configured limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("multi-line response line longer than {limit} octets")]
pub struct ContentLineTooLong {
    /// The limit that was exceeded.
    pub limit: usize,
}

/// Reads a dot-terminated multi-line response body (client side), chunk boundaries anywhere.
#[derive(Debug, Clone)]
pub struct DotUnstuffer {
    at_line_start: bool,
    line_len: usize,
    max_line: usize,
    dot_line: memmem::Finder<'static>,
}

impl DotUnstuffer {
    /// A reader positioned at the first line of the body; lines longer than `max_line` octets
    /// (line ending included) are an error.
    #[must_use]
    pub fn new(max_line: usize) -> Self {
        Self {
            at_line_start: true,
            line_len: 0,
            max_line,
            dot_line: memmem::Finder::new(b"\n.").into_owned(),
        }
    }

    /// Positions the reader at the first line of a new body (after an error, or to reuse it).
    pub fn reset(&mut self) {
        self.at_line_start = true;
        self.line_len = 0;
    }

    /// Takes the next piece of the body from the front of `buf`: `Ok(None)` when more bytes are
    /// needed, else content (split from `buf`, no copy) or the end. Call until `None` or `End`.
    ///
    /// # Errors
    /// [`ContentLineTooLong`] when a line exceeds the limit.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Unstuffed>, ContentLineTooLong> {
        if self.at_line_start {
            match buf.first() {
                None => return Ok(None),
                Some(b'.') => match (buf.get(1), buf.get(2)) {
                    (None, _) | (Some(b'\r'), None) => return Ok(None),
                    (Some(b'\r'), Some(b'\n')) => {
                        buf.advance(3);
                        self.line_len = 0;
                        return Ok(Some(Unstuffed::End));
                    }
                    // RFC 1939 §3: a line starting with the termination octet followed by
                    // anything but CRLF has its first octet stripped.
                    _ => {
                        buf.advance(1);
                        self.line_len = 1;
                    }
                },
                Some(_) => {}
            }
            self.at_line_start = false;
        }
        // The next line that starts with a dot (stuffed, or the terminator) ends this chunk;
        // `\n` as the last octet ends it too, as the next line is then unknown.
        let cut = match self.dot_line.find(buf) {
            Some(i) => Some(i + 1),
            None => (buf.last() == Some(&b'\n')).then_some(buf.len()),
        };
        let end = cut.unwrap_or(buf.len());
        self.check_line_lengths(&buf[..end])?;
        if end == 0 {
            return Ok(None);
        }
        self.at_line_start = cut.is_some();
        Ok(Some(Unstuffed::Data(buf.split_to(end).freeze())))
    }

    /// Tracks the current line's length across `span`, failing on a line over the limit. When
    /// the whole span plus the carried line fits in the limit no line can exceed it, so only
    /// the last line ending is looked up; otherwise every line is measured.
    fn check_line_lengths(&mut self, span: &[u8]) -> Result<(), ContentLineTooLong> {
        let too_long = ContentLineTooLong {
            limit: self.max_line,
        };
        if self.line_len.saturating_add(span.len()) <= self.max_line {
            self.line_len = match memrchr(b'\n', span) {
                Some(lf) => span.len() - lf - 1,
                None => self.line_len + span.len(),
            };
            return Ok(());
        }
        let mut line_start = 0;
        for lf in memchr_iter(b'\n', span) {
            if self.line_len + (lf + 1 - line_start) > self.max_line {
                return Err(too_long);
            }
            self.line_len = 0;
            line_start = lf + 1;
        }
        self.line_len += span.len() - line_start;
        if self.line_len > self.max_line {
            return Err(too_long);
        }
        Ok(())
    }
}

/// Dot-stuffs a message for a multi-line response (server side), chunk by chunk.
#[derive(Debug, Clone)]
pub struct DotStuffer {
    at_line_start: bool,
    prev_cr: bool,
}

impl Default for DotStuffer {
    fn default() -> Self {
        Self::new()
    }
}

const DOT: Bytes = Bytes::from_static(b".");
const CR: Bytes = Bytes::from_static(b"\r");
const CRLF_END: Bytes = Bytes::from_static(b"\r\n.\r\n");
const END: Bytes = Bytes::from_static(b".\r\n");

impl DotStuffer {
    /// A stuffer at the start of the content.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            at_line_start: true,
            prev_cr: false,
        }
    }

    /// Stuffs one chunk, handing the wire pieces to `out` in order: slices of `chunk` with a
    /// `.` before each line that starts with one and a CR before each bare LF.
    pub fn stuff(&mut self, chunk: Bytes, mut out: impl FnMut(Bytes)) {
        if chunk.is_empty() {
            return;
        }
        let mut start = 0;
        if self.at_line_start && chunk[0] == b'.' {
            out(DOT);
        }
        if !has_bare_lf(self.prev_cr, &chunk) {
            // The common case (stored mail has CRLF line endings): only lines that start with
            // a dot need work, and a substring search finds them without visiting every line.
            for lf in memmem::find_iter(&chunk, b"\n.") {
                out(chunk.slice(start..lf + 2));
                start = lf + 1;
            }
            self.finish_chunk(chunk, start, out);
            return;
        }
        for lf in memchr_iter(b'\n', &chunk) {
            let has_cr = if lf == 0 {
                self.prev_cr
            } else {
                chunk[lf - 1] == b'\r'
            };
            if !has_cr {
                if lf > start {
                    out(chunk.slice(start..lf));
                }
                out(CR);
                start = lf;
            }
            if chunk.get(lf + 1) == Some(&b'.') {
                // Send through the dot, then start the next slice at that same dot: the dot
                // goes out twice without copying anything.
                out(chunk.slice(start..lf + 2));
                start = lf + 1;
            }
        }
        self.finish_chunk(chunk, start, out);
    }

    /// Sends the rest of `chunk` from `start` and remembers how it ended.
    fn finish_chunk(&mut self, chunk: Bytes, start: usize, mut out: impl FnMut(Bytes)) {
        let last = chunk[chunk.len() - 1];
        self.at_line_start = last == b'\n';
        self.prev_cr = last == b'\r';
        if start == 0 {
            out(chunk);
        } else if start < chunk.len() {
            out(chunk.slice(start..));
        }
    }

    /// Ends the content: the terminator, with a CRLF before it when the content did not end
    /// with a line ending (an empty body gets just `.CRLF`).
    pub fn finish(&mut self, mut out: impl FnMut(Bytes)) {
        if self.at_line_start {
            out(END);
        } else if self.prev_cr {
            out(Bytes::from_static(b"\n.\r\n"));
        } else {
            out(CRLF_END);
        }
        *self = Self::new();
    }
}

/// Whether `chunk` has an LF without a CR before it (`prev_cr`: the previous chunk ended in
/// CR). One branch-free pass the compiler vectorises, much cheaper than visiting every line.
fn has_bare_lf(prev_cr: bool, chunk: &[u8]) -> bool {
    if chunk.first() == Some(&b'\n') && !prev_cr {
        return true;
    }
    chunk.chunks(4096).any(|block| {
        let (before, after) = (&block[..block.len() - 1], &block[1..]);
        let bare = before.iter().zip(after).fold(0u8, |bare, (&a, &b)| {
            bare | (u8::from(b == b'\n') & u8::from(a != b'\r'))
        });
        bare != 0
    }) || chunk
        .chunks(4096)
        .skip(1)
        .zip(chunk.chunks(4096))
        .any(|(next, prev)| next[0] == b'\n' && prev[prev.len() - 1] != b'\r')
}

/// Cuts a message after its header, the empty line and `n` body lines (TOP, RFC 1939 §7).
#[derive(Debug, Clone)]
pub struct TopFilter {
    in_header: bool,
    body_lines_left: u32,
    line_len: usize,
    line_is_cr: bool,
    done: bool,
}

impl TopFilter {
    /// A filter keeping `body_lines` lines after the header.
    #[must_use]
    pub const fn new(body_lines: u32) -> Self {
        Self {
            in_header: true,
            body_lines_left: body_lines,
            line_len: 0,
            line_is_cr: false,
            done: false,
        }
    }

    /// Whether everything wanted has been passed: later chunks are dropped.
    #[must_use]
    pub const fn is_done(&self) -> bool {
        self.done
    }

    /// The part of `chunk` to send (possibly empty).
    pub fn filter(&mut self, chunk: Bytes) -> Bytes {
        if self.done {
            return Bytes::new();
        }
        let mut line_start = 0;
        for lf in memchr_iter(b'\n', &chunk) {
            let is_empty = match (self.line_len, lf - line_start) {
                (0, 0) => true,
                (0, 1) => chunk[lf - 1] == b'\r',
                (1, 0) => self.line_is_cr,
                _ => false,
            };
            self.line_len = 0;
            self.line_is_cr = false;
            line_start = lf + 1;
            if self.in_header {
                if is_empty {
                    self.in_header = false;
                    if self.body_lines_left == 0 {
                        self.done = true;
                    }
                }
            } else {
                self.body_lines_left = self.body_lines_left.saturating_sub(1);
                if self.body_lines_left == 0 {
                    self.done = true;
                }
            }
            if self.done {
                return chunk.slice(..=lf);
            }
        }
        let tail = &chunk[line_start..];
        if !tail.is_empty() {
            self.line_is_cr = self.line_len == 0 && tail == b"\r";
            self.line_len += tail.len();
        }
        chunk
    }
}

#[cfg(test)]
mod tests;
