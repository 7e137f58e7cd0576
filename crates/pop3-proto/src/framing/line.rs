//! CRLF lines cut out of a receive buffer (commands, status lines, listings).

use bytes::{Buf, Bytes, BytesMut};
use memchr::memchr;

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
