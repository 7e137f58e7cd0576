//! The client side of a multi-line response: un-stuffing and the terminator.

use bytes::{Buf, Bytes, BytesMut};
use memchr::{memchr_iter, memmem, memrchr};

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
