//! Message boundaries: CRLF lines plus `{n}`, `{n+}` and `~{n}` literals.
//!
//! The [`Framer`] decides where each IMAP message (command or response) ends before
//! anything parses it, so a malformed or over-limit message costs only itself. It makes
//! one resumable pass over the receive buffer: every call continues where the previous
//! one stopped, line ends are found with `memchr`, and a literal announcement is looked
//! for only at the end of a line. It never allocates, and never trusts an announced
//! literal size for anything but arithmetic.
//!
//! ```
//! use imap_proto::framing::{Direction, Framer, Limits, Progress};
//!
//! let mut framer = Framer::new(Direction::ClientToServer, Limits::default());
//! let mut buf = b"a1 LOGIN {4}\r\n".to_vec();
//! // The client waits for a continuation request before sending the literal.
//! assert!(matches!(framer.advance(&buf), Progress::ContinuationNeeded { .. }));
//! assert_eq!(framer.advance(&buf), Progress::Incomplete);
//! buf.extend_from_slice(b"user pass\r\n");
//! assert_eq!(framer.advance(&buf), Progress::Message { len: buf.len() });
//! ```

use memchr::memchr;

mod first_line;
use first_line::FirstLine;

use crate::error::FramingError;

/// Which way the framed bytes travel. Only a client sends synchronising literals
/// that wait for a continuation request, and only a server sends free-text status
/// lines whose trailing `{n}` is text rather than a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Direction {
    /// Commands, as a server receives them.
    ClientToServer,
    /// Responses, as a client receives them.
    ServerToClient,
}

/// Size limits enforced while framing.
///
/// Defaults: lines of 64 KiB (RFC 9051 section 4 sets no limit but recommends at least
/// 8000 octets for command lines; Dovecot allows 64 KiB), 64 KiB for ordinary literals
/// (go-imap uses 4 KiB; LOGIN, SEARCH and METADATA values fit comfortably), 64 MiB for
/// APPEND literals and the message as a whole, and 10 000 literals per message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Longest line, CRLF included, in bytes.
    pub max_line: usize,
    /// Largest literal outside APPEND (client to server) or in any response.
    pub max_literal: u64,
    /// Largest literal of an APPEND command (the message being stored).
    pub max_append_literal: u64,
    /// Largest non-synchronising literal: 4096 under LITERAL- (RFC 7888 section 4),
    /// unlimited (`u64::MAX`) under LITERAL+.
    pub max_non_sync_literal: u64,
    /// Largest whole message, lines and literals together.
    pub max_message: u64,
    /// Most literals in one message.
    pub max_literals: usize,
    /// Literals longer than this are handed out in pieces
    /// ([`Progress::LiteralStarted`], [`Progress::LiteralData`]) instead of being kept in
    /// the buffer until the message ends, so a 25 MiB APPEND or `BODY[]` never has to
    /// sit in memory whole. Default `u64::MAX`: never.
    pub stream_literals_over: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_line: 64 * 1024,
            max_literal: 64 * 1024,
            max_append_literal: 64 * 1024 * 1024,
            max_non_sync_literal: u64::MAX,
            max_message: 64 * 1024 * 1024 + 64 * 1024,
            max_literals: 10_000,
            stream_literals_over: u64::MAX,
        }
    }
}

impl Limits {
    /// Limits suited to a client reading responses: FETCH bodies arrive as literals,
    /// so the ordinary literal limit equals the APPEND one.
    pub fn client() -> Self {
        let base = Self::default();
        Self {
            max_literal: base.max_append_literal,
            ..base
        }
    }
}

/// The form of a literal, as written in its announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LiteralMode {
    /// `{n}`: the client waits for a continuation request before sending the data.
    Sync,
    /// `{n+}`: LITERAL+ / LITERAL- (RFC 7888), sent without waiting.
    NonSync,
}

/// A literal announcement found at the end of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LiteralAnnouncement {
    /// Announced size in bytes.
    pub length: u64,
    /// Synchronising or not.
    pub mode: LiteralMode,
    /// `~{n}`: a literal8 (RFC 3516), which may hold NUL bytes.
    pub binary: bool,
    /// Whether the message is an APPEND command (its literals obey
    /// [`Limits::max_append_literal`]).
    pub append: bool,
}

/// What [`Framer::advance`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Progress {
    /// More bytes are needed; call again after appending them.
    Incomplete,
    /// `buf[..len]` is one complete message. Remove exactly `len` bytes from the
    /// front of the buffer before the next call.
    Message {
        /// Length of the message, final CRLF included.
        len: usize,
    },
    /// The client announced a synchronising literal and waits for a continuation
    /// request (`+ ...`). Send one (or call [`Framer::reject_literal`] and answer the
    /// command with a tagged NO/BAD), then call `advance` again. Only reported for
    /// [`Direction::ClientToServer`].
    ContinuationNeeded {
        /// The announcement, so a server can check the size against policy.
        literal: LiteralAnnouncement,
    },
    /// A literal longer than [`Limits::stream_literals_over`] starts: `buf[..head]` is
    /// the message so far, up to and including the announcement's CRLF. Remove it;
    /// [`Progress::LiteralData`] pieces follow, then the rest of the message comes as
    /// [`Progress::Message`] (its tail: whatever follows the literal, CRLF included).
    LiteralStarted {
        /// Bytes of the message before the literal data.
        head: usize,
        /// The announcement.
        literal: LiteralAnnouncement,
    },
    /// `buf[..len]` is the next piece of a streamed literal. Remove it.
    LiteralData {
        /// Length of the piece.
        len: usize,
        /// Bytes of the literal still to come after this piece.
        remaining: u64,
    },
    /// `buf[..len]` belongs to a refused message and must be removed from the front of
    /// the buffer before the next call. A refused message may be dropped in several
    /// pieces; `error` is set on the first piece only.
    Discard {
        /// Number of bytes to drop.
        len: usize,
        /// Why the message was refused (first piece only; `None` after
        /// [`Framer::reject_literal`]).
        error: Option<FramingError>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Scanning a line that starts at `line_start`.
    Line,
    /// Inside a literal with this many bytes still to come.
    Literal(u64),
    /// The server refused the synchronising literal; the message ends before it.
    Rejected,
    /// A literal to stream was announced; its head is handed out next.
    StreamPending(LiteralAnnouncement),
    /// Streaming a literal with this many bytes still to come.
    Streaming(u64),
}

/// Bytes kept back while discarding a long line, so a literal announcement at the
/// line's end is still visible when the line ends.
const KEEP_TAIL: usize = 32;

/// Resumable splitter of a byte stream into IMAP messages. See the [module docs](self).
///
/// Contract: pass the same buffer (with bytes appended at the end) to every call, and
/// remove exactly `len` bytes from its front after [`Progress::Message`] or
/// [`Progress::Discard`].
#[derive(Debug, Clone)]
pub struct Framer {
    direction: Direction,
    limits: Limits,
    state: State,
    /// Bytes of the buffer already examined.
    pos: usize,
    line_start: usize,
    /// Index of the line within the message.
    line_index: usize,
    literals: usize,
    append: bool,
    /// The first line is a status response or continuation (server to client only),
    /// so a trailing `{n}` is text.
    text_line: bool,
    discarding: bool,
    pending_error: Option<FramingError>,
    /// The first line's start has been inspected (`append`, `text_line`).
    inspected: bool,
    /// The first line read so far, and up to where in the buffer it has been fed.
    first_line: FirstLine,
    first_fed: usize,
    /// Bytes of the current message already handed out (streamed head and data).
    consumed: u64,
}

impl Framer {
    /// A framer for the given direction and limits.
    pub fn new(direction: Direction, limits: Limits) -> Self {
        Self {
            direction,
            limits,
            state: State::Line,
            pos: 0,
            line_start: 0,
            line_index: 0,
            literals: 0,
            append: false,
            text_line: false,
            discarding: false,
            pending_error: None,
            inspected: false,
            first_line: FirstLine::default(),
            first_fed: 0,
            consumed: 0,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Replaces the limits (for example after LITERAL- is advertised). Takes effect
    /// from the next literal announcement or line.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Whether the framer is in the middle of a message.
    pub fn is_mid_message(&self) -> bool {
        self.pos > 0 || self.consumed > 0 || self.state != State::Line
    }

    /// Refuses the synchronising literal just reported by
    /// [`Progress::ContinuationNeeded`]: the client will not send it, so the message
    /// ends before it and the next [`advance`](Self::advance) discards it.
    pub fn reject_literal(&mut self) {
        if matches!(self.state, State::Literal(_) | State::StreamPending(_)) {
            self.state = State::Rejected;
        }
    }

    /// Continues framing `buf`. See [`Progress`] for what each answer asks of the caller.
    pub fn advance(&mut self, buf: &[u8]) -> Progress {
        loop {
            match self.state {
                State::Rejected => {
                    let len = self.pos;
                    self.reset();
                    return Progress::Discard { len, error: None };
                }
                State::StreamPending(literal) => {
                    let head = self.pos;
                    self.consumed += head as u64;
                    self.pos = 0;
                    self.line_start = 0;
                    self.state = State::Streaming(literal.length);
                    return Progress::LiteralStarted { head, literal };
                }
                State::Streaming(remaining) => {
                    let available = (buf.len() - self.pos) as u64;
                    if remaining == 0 {
                        self.state = State::Line;
                        self.line_start = self.pos;
                        self.line_index += 1;
                        continue;
                    }
                    let take = available.min(remaining);
                    if take == 0 {
                        return Progress::Incomplete;
                    }
                    let left = remaining - take;
                    self.consumed += take;
                    self.state = State::Streaming(left);
                    return Progress::LiteralData {
                        len: take as usize,
                        remaining: left,
                    };
                }
                State::Literal(remaining) => {
                    let available = (buf.len() - self.pos) as u64;
                    if self.discarding {
                        let take = available.min(remaining);
                        self.pos += take as usize;
                        let left = remaining - take;
                        self.state = State::Literal(left);
                        if left == 0 {
                            self.state = State::Line;
                            self.line_start = self.pos;
                            self.line_index += 1;
                        }
                        if self.pos == 0 {
                            return Progress::Incomplete;
                        }
                        return self.discard_prefix(self.pos);
                    }
                    if available < remaining {
                        self.pos = buf.len();
                        self.state = State::Literal(remaining - available);
                        return Progress::Incomplete;
                    }
                    self.pos += remaining as usize;
                    self.state = State::Line;
                    self.line_start = self.pos;
                    self.line_index += 1;
                }
                State::Line => {
                    if let Some(progress) = self.scan_line(buf) {
                        return progress;
                    }
                }
            }
        }
    }

    /// Scans the current line. `None` means "state changed, loop again".
    fn scan_line(&mut self, buf: &[u8]) -> Option<Progress> {
        let Some(found) = memchr(b'\n', &buf[self.pos..]) else {
            self.pos = buf.len();
            if self.pos - self.line_start > self.limits.max_line {
                self.fail(FramingError::LineTooLong {
                    limit: self.limits.max_line,
                });
            }
            if self.discarding && self.pos - self.line_start > KEEP_TAIL {
                if self.line_index == 0 && !self.inspected {
                    // Read the line's start before it is dropped.
                    self.feed_first_line(buf, self.pos);
                }
                let len = self.pos - KEEP_TAIL;
                return Some(self.discard_prefix(len));
            }
            if self.discarding && self.pending_error.is_some() && self.pos > 0 {
                if self.line_index == 0 && !self.inspected {
                    self.feed_first_line(buf, self.pos);
                }
                // Report the failure as soon as it is known.
                return Some(self.discard_prefix(self.pos.saturating_sub(KEEP_TAIL)));
            }
            return Some(Progress::Incomplete);
        };
        let lf = self.pos + found;
        let line_end = lf + 1;
        if line_end - self.line_start > self.limits.max_line {
            self.fail(FramingError::LineTooLong {
                limit: self.limits.max_line,
            });
        }
        let line = &buf[self.line_start..lf];
        if self.line_index == 0 && !self.inspected {
            self.feed_first_line(buf, lf);
            self.inspect_first_line();
        }
        self.pos = line_end;
        if line_end as u64 + self.consumed > self.limits.max_message {
            self.fail(FramingError::MessageTooLarge {
                limit: self.limits.max_message,
            });
        }
        let announcement = if self.text_line {
            None
        } else {
            literal_at_end(line).map(|(length, mode, binary)| LiteralAnnouncement {
                length,
                mode,
                binary,
                append: self.append,
            })
        };
        let Some(literal) = announcement else {
            return Some(self.finish_message(line_end));
        };
        if self.discarding {
            // The peer sends a synchronising literal only after a continuation
            // request, which a refused message never gets.
            if literal.mode == LiteralMode::Sync && self.direction == Direction::ClientToServer {
                return Some(self.finish_message(line_end));
            }
            self.state = State::Literal(literal.length);
            return None;
        }
        if let Some(error) = self.check_literal(&literal, line_end) {
            self.fail(error);
            if literal.mode == LiteralMode::Sync && self.direction == Direction::ClientToServer {
                return Some(self.finish_message(line_end));
            }
            self.state = State::Literal(literal.length);
            return None;
        }
        self.literals += 1;
        let stream = literal.length > self.limits.stream_literals_over;
        self.state = if stream {
            State::StreamPending(literal)
        } else {
            State::Literal(literal.length)
        };
        if literal.mode == LiteralMode::Sync && self.direction == Direction::ClientToServer {
            return Some(Progress::ContinuationNeeded { literal });
        }
        None
    }

    fn check_literal(
        &self,
        literal: &LiteralAnnouncement,
        line_end: usize,
    ) -> Option<FramingError> {
        let limit = if literal.append && self.direction == Direction::ClientToServer {
            self.limits.max_append_literal
        } else {
            self.limits.max_literal
        };
        let limit = if literal.mode == LiteralMode::NonSync {
            limit.min(self.limits.max_non_sync_literal)
        } else {
            limit
        };
        if literal.length > limit {
            return Some(FramingError::LiteralTooLarge {
                announced: literal.length,
                limit,
            });
        }
        if (line_end as u64 + self.consumed).saturating_add(literal.length)
            > self.limits.max_message
        {
            return Some(FramingError::MessageTooLarge {
                limit: self.limits.max_message,
            });
        }
        if self.literals >= self.limits.max_literals {
            return Some(FramingError::TooManyLiterals {
                limit: self.limits.max_literals,
            });
        }
        None
    }

    /// Feeds the first line's bytes up to `end` that were not fed yet.
    fn feed_first_line(&mut self, buf: &[u8], end: usize) {
        let start = self.first_fed.max(self.line_start);
        if start < end {
            self.first_line.feed(&buf[start..end]);
        }
        self.first_fed = end;
    }

    fn inspect_first_line(&mut self) {
        self.inspected = true;
        match self.direction {
            Direction::ClientToServer => self.append = self.first_line.is_append(),
            Direction::ServerToClient => self.text_line = self.first_line.is_text(),
        }
    }

    fn fail(&mut self, error: FramingError) {
        if !self.discarding {
            self.discarding = true;
            self.pending_error = Some(error);
        }
    }

    fn finish_message(&mut self, len: usize) -> Progress {
        let discarding = self.discarding;
        let error = self.pending_error.take();
        self.reset();
        if discarding {
            Progress::Discard { len, error }
        } else {
            Progress::Message { len }
        }
    }

    /// Drops `len` bytes of a refused message that has not ended yet.
    fn discard_prefix(&mut self, len: usize) -> Progress {
        self.pos -= len;
        self.line_start = self.line_start.saturating_sub(len);
        self.first_fed = self.first_fed.saturating_sub(len);
        Progress::Discard {
            len,
            error: self.pending_error.take(),
        }
    }

    fn reset(&mut self) {
        self.state = State::Line;
        self.pos = 0;
        self.line_start = 0;
        self.line_index = 0;
        self.literals = 0;
        self.append = false;
        self.text_line = false;
        self.discarding = false;
        self.pending_error = None;
        self.inspected = false;
        self.first_line = FirstLine::default();
        self.first_fed = 0;
        self.consumed = 0;
    }
}

/// Looks for `{n}`, `{n+}`, `~{n}` or `~{n+}` at the end of a line (CR optional).
fn literal_at_end(line: &[u8]) -> Option<(u64, LiteralMode, bool)> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let inner = line.strip_suffix(b"}")?;
    let (inner, mode) = match inner.strip_suffix(b"+") {
        Some(rest) => (rest, LiteralMode::NonSync),
        None => (inner, LiteralMode::Sync),
    };
    let digits = inner.len()
        - inner
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count();
    let (head, number) = inner.split_at(digits);
    let head = head.strip_suffix(b"{")?;
    // A u64 has at most 20 digits; longer runs are not announcements. This also keeps
    // every announcement inside the tail kept while discarding a long line.
    if number.is_empty() || number.len() > 20 {
        return None;
    }
    let mut length: u64 = 0;
    for &digit in number {
        length = length
            .saturating_mul(10)
            .saturating_add(u64::from(digit - b'0'));
    }
    Some((length, mode, head.ends_with(b"~")))
}

/// One item found by [`split_stream`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamItem<'a> {
    /// A complete message starting at `offset` in the stream.
    Message {
        /// Offset of the first byte in the whole stream.
        offset: usize,
        /// The message bytes, final CRLF included.
        bytes: &'a [u8],
    },
    /// Bytes of a refused message.
    Discarded {
        /// Offset of the first byte in the whole stream.
        offset: usize,
        /// The dropped bytes.
        bytes: &'a [u8],
        /// Why (first piece only).
        error: Option<FramingError>,
    },
    /// The stream ended in the middle of a message.
    Truncated {
        /// Offset of the first byte in the whole stream.
        offset: usize,
        /// The unfinished bytes.
        bytes: &'a [u8],
    },
}

/// Splits a whole recorded stream (one direction of a session) into messages, with
/// their offsets. Synchronising literals are assumed to have been accepted, as a
/// recorded stream shows only what was sent. Literals are never streamed here
/// ([`Limits::stream_literals_over`] is ignored): the stream is in memory already.
pub fn split_stream(stream: &[u8], direction: Direction, limits: Limits) -> StreamSplitter<'_> {
    let limits = Limits {
        stream_literals_over: u64::MAX,
        ..limits
    };
    StreamSplitter {
        stream,
        offset: 0,
        framer: Framer::new(direction, limits),
        done: false,
    }
}

/// Iterator returned by [`split_stream`].
#[derive(Debug, Clone)]
pub struct StreamSplitter<'a> {
    stream: &'a [u8],
    offset: usize,
    framer: Framer,
    done: bool,
}

impl<'a> Iterator for StreamSplitter<'a> {
    type Item = StreamItem<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let rest = &self.stream[self.offset..];
        loop {
            match self.framer.advance(rest) {
                Progress::ContinuationNeeded { .. }
                | Progress::LiteralStarted { .. }
                | Progress::LiteralData { .. } => continue,
                Progress::Incomplete => {
                    self.done = true;
                    if rest.is_empty() {
                        return None;
                    }
                    return Some(StreamItem::Truncated {
                        offset: self.offset,
                        bytes: rest,
                    });
                }
                Progress::Message { len } => {
                    let offset = self.offset;
                    self.offset += len;
                    return Some(StreamItem::Message {
                        offset,
                        bytes: &rest[..len],
                    });
                }
                Progress::Discard { len, error } => {
                    let offset = self.offset;
                    self.offset += len;
                    return Some(StreamItem::Discarded {
                        offset,
                        bytes: &rest[..len],
                        error,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_all(direction: Direction, limits: Limits, input: &[u8]) -> Vec<(bool, Vec<u8>)> {
        let mut out = Vec::new();
        for item in split_stream(input, direction, limits) {
            match item {
                StreamItem::Message { bytes, .. } => out.push((true, bytes.to_vec())),
                StreamItem::Discarded { bytes, .. } => out.push((false, bytes.to_vec())),
                StreamItem::Truncated { bytes, .. } => out.push((false, bytes.to_vec())),
            }
        }
        out
    }

    #[test]
    fn lines_and_literals() {
        let input = b"a NOOP\r\nb LOGIN {3}\r\nfoo {3+}\r\nbar\r\nc APPEND x ~{2}\r\n\0\x01\r\n";
        let got = frame_all(Direction::ClientToServer, Limits::default(), input);
        assert_eq!(
            got,
            vec![
                (true, b"a NOOP\r\n".to_vec()),
                (true, b"b LOGIN {3}\r\nfoo {3+}\r\nbar\r\n".to_vec()),
                (true, b"c APPEND x ~{2}\r\n\0\x01\r\n".to_vec()),
            ]
        );
    }

    #[test]
    fn sync_literal_asks_for_continuation_once() {
        let mut framer = Framer::new(Direction::ClientToServer, Limits::default());
        let buf = b"a LOGIN {3}\r\n";
        assert_eq!(
            framer.advance(buf),
            Progress::ContinuationNeeded {
                literal: LiteralAnnouncement {
                    length: 3,
                    mode: LiteralMode::Sync,
                    binary: false,
                    append: false
                }
            }
        );
        assert_eq!(framer.advance(buf), Progress::Incomplete);
        assert_eq!(framer.advance(buf), Progress::Incomplete);
    }

    #[test]
    fn responses_never_ask_for_continuation_and_text_braces_are_text() {
        let input = b"* OK see {5}\r\n* 1 FETCH (BODY[] {5}\r\nhello)\r\n";
        let got = frame_all(Direction::ServerToClient, Limits::client(), input);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], (true, b"* OK see {5}\r\n".to_vec()));
        assert_eq!(got[1].1, b"* 1 FETCH (BODY[] {5}\r\nhello)\r\n".to_vec());
    }

    #[test]
    fn rejected_literal_drops_the_line_only() {
        let mut framer = Framer::new(Direction::ClientToServer, Limits::default());
        let mut buf = b"a LOGIN {3}\r\n".to_vec();
        assert!(matches!(
            framer.advance(&buf),
            Progress::ContinuationNeeded { .. }
        ));
        framer.reject_literal();
        assert_eq!(
            framer.advance(&buf),
            Progress::Discard {
                len: 13,
                error: None
            }
        );
        buf.drain(..13);
        buf.extend_from_slice(b"b NOOP\r\n");
        assert_eq!(framer.advance(&buf), Progress::Message { len: 8 });
    }

    #[test]
    fn oversized_sync_literal_is_refused_without_waiting() {
        let limits = Limits {
            max_literal: 10,
            ..Limits::default()
        };
        let got = frame_all(
            Direction::ClientToServer,
            limits,
            b"a LOGIN {11}\r\nb NOOP\r\n",
        );
        assert_eq!(
            got,
            vec![
                (false, b"a LOGIN {11}\r\n".to_vec()),
                (true, b"b NOOP\r\n".to_vec())
            ]
        );
    }

    #[test]
    fn oversized_non_sync_literal_is_skipped_in_sync() {
        let limits = Limits {
            max_non_sync_literal: 4,
            ..Limits::default()
        };
        let items: Vec<_> = split_stream(
            b"a LOGIN {5+}\r\nhello x\r\nb NOOP\r\n",
            Direction::ClientToServer,
            limits,
        )
        .collect();
        let dropped: usize = items
            .iter()
            .map(|item| match item {
                StreamItem::Discarded { bytes, .. } => bytes.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(dropped, b"a LOGIN {5+}\r\nhello x\r\n".len());
        assert!(matches!(
            items.first(),
            Some(StreamItem::Discarded {
                error: Some(FramingError::LiteralTooLarge {
                    announced: 5,
                    limit: 4
                }),
                ..
            })
        ));
        assert!(matches!(
            items.last(),
            Some(StreamItem::Message {
                bytes: b"b NOOP\r\n",
                ..
            })
        ));
    }

    #[test]
    fn append_has_its_own_literal_limit() {
        let limits = Limits {
            max_literal: 4,
            max_append_literal: 100,
            ..Limits::default()
        };
        let got = frame_all(
            Direction::ClientToServer,
            limits,
            b"a append INBOX {10+}\r\n0123456789\r\n",
        );
        assert_eq!(
            got,
            vec![(true, b"a append INBOX {10+}\r\n0123456789\r\n".to_vec())]
        );
    }

    #[test]
    fn long_line_is_discarded_and_stream_recovers() {
        let limits = Limits {
            max_line: 64,
            ..Limits::default()
        };
        let mut input = b"a SEARCH ".to_vec();
        input.extend(std::iter::repeat_n(b'x', 500));
        input.extend_from_slice(b"\r\nb NOOP\r\n");
        let items: Vec<_> = split_stream(&input, Direction::ClientToServer, limits).collect();
        let dropped: usize = items
            .iter()
            .map(|item| match item {
                StreamItem::Discarded { bytes, .. } => bytes.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(dropped, input.len() - 8);
        assert!(matches!(
            items.last(),
            Some(StreamItem::Message {
                bytes: b"b NOOP\r\n",
                ..
            })
        ));
    }

    #[test]
    fn long_line_is_reported_before_it_ends() {
        let limits = Limits {
            max_line: 64,
            ..Limits::default()
        };
        let mut framer = Framer::new(Direction::ClientToServer, limits);
        let buf = vec![b'x'; 200];
        assert!(matches!(
            framer.advance(&buf),
            Progress::Discard {
                error: Some(FramingError::LineTooLong { limit: 64 }),
                ..
            }
        ));
    }

    #[test]
    fn huge_announcement_allocates_nothing_and_is_refused() {
        let got = frame_all(
            Direction::ServerToClient,
            Limits::client(),
            b"* 1 FETCH (BODY[] {99999999999999999999}\r\n",
        );
        assert_eq!(got.len(), 1);
        assert!(!got[0].0);
    }

    #[test]
    fn many_empty_literals_are_linear() {
        let mut input = b"a ID (".to_vec();
        for _ in 0..5000 {
            input.extend_from_slice(b"{0}\r\n {0}\r\n ");
        }
        input.extend_from_slice(b"x)\r\n");
        let got = frame_all(Direction::ServerToClient, Limits::client(), &input);
        assert_eq!(got, vec![(true, input.clone())]);
    }

    #[test]
    fn big_literals_stream_in_pieces() {
        let limits = Limits {
            stream_literals_over: 4,
            ..Limits::default()
        };
        let mut framer = Framer::new(Direction::ClientToServer, limits);
        let mut buf = b"a APPEND INBOX {10}\r\n".to_vec();
        assert!(matches!(
            framer.advance(&buf),
            Progress::ContinuationNeeded { .. }
        ));
        assert!(matches!(
            framer.advance(&buf),
            Progress::LiteralStarted { head: 21, .. }
        ));
        buf.drain(..21);
        assert_eq!(framer.advance(&buf), Progress::Incomplete);
        buf.extend_from_slice(b"0123");
        assert_eq!(
            framer.advance(&buf),
            Progress::LiteralData {
                len: 4,
                remaining: 6
            }
        );
        buf.drain(..4);
        buf.extend_from_slice(b"456789\r\nb NOOP\r\n");
        assert_eq!(
            framer.advance(&buf),
            Progress::LiteralData {
                len: 6,
                remaining: 0
            }
        );
        buf.drain(..6);
        assert_eq!(framer.advance(&buf), Progress::Message { len: 2 });
        buf.drain(..2);
        assert!(!framer.is_mid_message());
        // Small literals stay inside the message.
        assert_eq!(framer.advance(&buf), Progress::Message { len: 8 });
    }

    #[test]
    fn streamed_literals_still_count_toward_the_message_limit() {
        let limits = Limits {
            stream_literals_over: 4,
            max_message: 50,
            ..Limits::default()
        };
        let mut framer = Framer::new(Direction::ServerToClient, limits);
        let mut buf = b"* 1 FETCH (BODY[] {20}\r\n".to_vec();
        let Progress::LiteralStarted { head, .. } = framer.advance(&buf) else {
            panic!("streaming expected");
        };
        buf.drain(..head);
        buf.extend_from_slice(&[b'x'; 20]);
        buf.extend_from_slice(b" BODY[1] {9}\r\n");
        assert!(matches!(
            framer.advance(&buf),
            Progress::LiteralData { len: 20, .. }
        ));
        buf.drain(..20);
        assert!(matches!(
            framer.advance(&buf),
            Progress::Discard {
                error: Some(FramingError::MessageTooLarge { limit: 50 }),
                ..
            }
        ));
    }

    /// Regressions found by the imap_framing fuzz target: a long first line discarded in
    /// pieces must still be inspected from its real start (a `+` inside it made it look
    /// like a continuation), a literal announcement must stay inside the kept tail, and
    /// a status line whose long tag was dropped before its ` OK` arrived is still a
    /// status line (its trailing `{20}` is text, not a literal).
    #[test]
    fn discarding_in_pieces_matches_whole() {
        let cases: [(&[u8], u8); 3] = [
            (
                b"\x20\x27\x00\x00\x00\x00\x00\x00iiiiiiiNNN\xb2\xb2\xb2\xb2\xb2\xb2\xb2\xb2\x00\x00\x00\x00\xb2\xc3\xc3\xc3\xc3C\xc3\xc3\xb2\x00\xb2\xb2++++++++++++++++++++\x8e77`77}7\x01{77}\n\x9e,\n\n\t\x00\xff\n",
                0x1b,
            ),
            (
                b"\x0cA\x00\xfc\x00\x00\x00\x00\x00\x00\x9e\xff7777777\xff\xff\xff\xff\xff\xff\xff\x0677777777{777777777777777777777777777777777777777777777}\n\x9e\x9e\x9e\x9e\r\xffA~\n",
                0x33,
            ),
            (
                b"\x05*\xff\xff\xff\xff\xff\xff\xff\xff\xff'\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff0.000 secs).\x0d\x0a* SEARCH 2 3\x0d\x0at21\x15\x15\x15\x15\x15aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15\x15 OK Search coZE[2] 8 BODY[]<0> {20}\x0d\x0aFro0.000 secs).\x0d\x0a* SEARCH 2 3\x0d\x0at21 OK Search com\xff\xff\xff\xff\xff\xff\xff$pleted (UNANSWERED0.001 + 0.000 secs).\x0d\x0a* SEARCH 1 2 3 (MODSEQ 5",
                0x93,
            ),
        ];
        for (stream, control) in cases {
            let limits = Limits {
                max_line: 64 + usize::from(control >> 2),
                max_literal: u64::from(control),
                max_append_literal: u64::from(control),
                max_non_sync_literal: u64::from(control) / 2,
                max_message: 1024,
                max_literals: 8,
                stream_literals_over: 8,
            };
            let frame = |chunk| {
                crate::testing::frame_in_pieces(Direction::ServerToClient, limits, stream, chunk)
            };
            let whole = frame(stream.len());
            for chunk in 1..16 {
                assert_eq!(frame(chunk), whole);
            }
        }
    }

    #[test]
    fn literal_detection_edge_cases() {
        assert_eq!(
            literal_at_end(b"a {5}\r"),
            Some((5, LiteralMode::Sync, false))
        );
        assert_eq!(
            literal_at_end(b"a ~{5+}"),
            Some((5, LiteralMode::NonSync, true))
        );
        assert_eq!(literal_at_end(b"a {}"), None);
        assert_eq!(literal_at_end(b"a {+}"), None);
        assert_eq!(literal_at_end(b"a 5}"), None);
        assert_eq!(literal_at_end(b"}"), None);
        assert_eq!(literal_at_end(b"{000000000000000000001}"), None);
    }
}
