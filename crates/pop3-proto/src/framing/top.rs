//! TOP: the header, the blank line and the first body lines of a message.

use bytes::Bytes;
use memchr::memchr_iter;

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
