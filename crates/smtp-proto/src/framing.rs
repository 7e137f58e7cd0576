//! Framing: the only place that decides where a message ends.
//!
//! | reader | side | cuts |
//! |---|---|---|
//! | [`LineReader`] | server | command lines and AUTH exchange lines (CRLF), with a length limit |
//! | [`DataReader`] | server | the DATA body, up to `CRLF.CRLF`, dot-unstuffed, as [`Bytes`] chunks |
//! | [`BdatReader`] | server | a BDAT chunk of an announced size (or discards it) |
//! | [`DotStuffer`] | client | writes a DATA body stuffed and terminated |
//! | [`ReplyReader`] | client | complete (multi-line) replies; the EHLO reply with its capabilities in the same pass |
//!
//! Each reader works on a [`BytesMut`] the caller appends received bytes to; the reader
//! consumes what it has framed and leaves the rest (for example the commands pipelined after
//! the end of DATA). Scanning uses `memchr` or a block scan and never goes back over bytes it
//! has already looked at (a reader keeps its position between calls, so the caller must only
//! append to the buffer between calls, never consume from it). Chunks are split off the buffer
//! without copying.

use bytes::{Buf, Bytes, BytesMut};

use crate::parse::{self, ReplyOptions, ReplyScan};
use crate::types::{EhloResponse, EnhancedStatusCode, Reply, ReplyCode};
use crate::{ParseError, ParseErrorKind as K};

/// RFC 5321 §4.5.3.1.4: "The maximum total length of a command line including the command
/// word and the `<CRLF>` is 512 octets."
pub const COMMAND_LINE_LIMIT: usize = 512;

/// RFC 4954 §4: implementations must handle the full length of the responses of their
/// mechanisms, "independent of any line length limitations", and "12288 octets is considered
/// to be a sufficient line length limit for handling of deployed authentication mechanisms".
/// Used for `AUTH` command lines (initial response) and SASL exchange lines.
pub const AUTH_LINE_LIMIT: usize = 12288;

// ---------------------------------------------------------------------------------------------
// LineReader
// ---------------------------------------------------------------------------------------------

/// Cuts CRLF-terminated lines (server side: commands and AUTH exchange lines).
///
/// A line longer than the limit is not buffered: its bytes are discarded as they arrive and,
/// when its line ending finally comes, one [`ParseErrorKind::LineTooLong`](K::LineTooLong)
/// (or `AuthLineTooLong`) is reported; reading then goes on with the next line, so a bad line
/// costs exactly one reply. A line ending in a bare LF is reported as `BareLineEnding`
/// (RFC 5321 §2.3.8; SMTP smuggling) unless [`LineReader::allow_bare_lf`] is set.
#[derive(Clone, Debug)]
pub struct LineReader {
    limit: usize,
    auth_limit: usize,
    sasl: bool,
    allow_bare_lf: bool,
    /// Bytes at the start of the buffer already scanned without finding LF.
    scanned: usize,
    /// Discarding an over-long line; the error kind to report at its end.
    discarding: Option<K>,
}

impl Default for LineReader {
    fn default() -> Self {
        LineReader::new(COMMAND_LINE_LIMIT)
    }
}

impl LineReader {
    /// A reader with the given command-line limit in octets, CRLF included (RFC default
    /// [`COMMAND_LINE_LIMIT`]); lines starting with `AUTH ` get [`AUTH_LINE_LIMIT`].
    pub fn new(limit: usize) -> Self {
        LineReader {
            limit: limit.max(8),
            auth_limit: AUTH_LINE_LIMIT.max(limit),
            sasl: false,
            allow_bare_lf: false,
            scanned: 0,
            discarding: None,
        }
    }

    /// Sets the limit for `AUTH` command lines and SASL exchange lines.
    pub fn with_auth_limit(mut self, limit: usize) -> Self {
        self.auth_limit = limit.max(self.limit);
        self
    }

    /// Accepts a bare LF as a line ending. Off by default: RFC 5321 §2.3.8 ("lines ... MUST be
    /// terminated by `<CRLF>`"); Postfix's `smtpd_forbid_bare_newline` refuses them too. Only for
    /// hand-typed sessions and broken scripts.
    pub fn allow_bare_lf(mut self, allow: bool) -> Self {
        self.allow_bare_lf = allow;
        self
    }

    /// In a SASL exchange (after a `334`), every line gets the AUTH limit and an over-long
    /// line is reported as `AuthLineTooLong` (500 5.5.6).
    pub fn set_sasl(&mut self, sasl: bool) {
        self.sasl = sasl;
    }

    /// The command-line limit.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Changes the command-line limit.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit.max(8);
        self.auth_limit = self.auth_limit.max(self.limit);
    }

    /// Forgets the scan position and any line being discarded. Call it whenever the buffer is
    /// emptied or replaced other than by this reader (e.g. the plaintext thrown away at
    /// STARTTLS): the reader assumes that between calls bytes are only appended.
    pub fn reset(&mut self) {
        self.scanned = 0;
        self.discarding = None;
    }

    /// True while the rest of an over-long line is being thrown away.
    pub fn is_discarding(&self) -> bool {
        self.discarding.is_some()
    }

    fn limit_for(&self, line: &[u8]) -> (usize, K) {
        if self.sasl {
            (self.auth_limit, K::AuthLineTooLong)
        } else if line.len() >= 5 && line[..5].eq_ignore_ascii_case(b"AUTH ") {
            (self.auth_limit, K::LineTooLong)
        } else {
            (self.limit, K::LineTooLong)
        }
    }

    /// Takes the next complete line off the front of `buf`, without its CRLF.
    ///
    /// `Ok(None)`: more bytes are needed. `Err(_)`: the line was bad and has been consumed
    /// (the caller replies and calls again). The returned [`Bytes`] shares `buf`'s memory.
    pub fn read_line(&mut self, buf: &mut BytesMut) -> Result<Option<Bytes>, ParseError> {
        Ok(self.frame(buf)?.map(|(len, total)| {
            let mut line = buf.split_to(total).freeze();
            // truncate, not slice: no second reference count
            line.truncate(len);
            line
        }))
    }

    /// Takes the next complete command line off `buf` and parses it where it lies
    /// ([`parse::command_from_slice`]): the server-side
    /// loop in one call. `None`: more bytes are needed. `Some(Err(_))`: a framing or parse
    /// error; the line is consumed either way, so the caller replies and calls again.
    ///
    /// The usual MAIL and RCPT lines (a dot-string mailbox, ASCII parameters) are framed by
    /// their own parse, in one pass; every other line is framed, then parsed. Both give what
    /// [`read_line`](Self::read_line) then [`parse::command_with`] give (tested so, and fuzzed).
    pub fn read_command(
        &mut self,
        buf: &mut BytesMut,
        opts: &crate::parse::ParseOptions,
    ) -> Option<Result<crate::types::Command, ParseError>> {
        if self.scanned == 0 && self.discarding.is_none() {
            // The usual MAIL and RCPT lines are framed by their own parse.
            let (limit, _) = self.limit_for(buf);
            if let Some((command, total)) = crate::parse::path_command(buf, opts, limit) {
                buf.advance(total);
                return Some(Ok(command));
            }
        }
        let (len, total) = match self.frame(buf) {
            Ok(Some(span)) => span,
            Ok(None) => return None,
            Err(e) => return Some(Err(e)),
        };
        let command = crate::parse::command_in(buf, len, opts);
        buf.advance(total);
        Some(command)
    }

    /// Finds the next complete line: its length without CRLF and with it. A bad line is
    /// consumed and reported; over-long ones are thrown away as they arrive.
    #[inline]
    fn frame(&mut self, buf: &mut BytesMut) -> Result<Option<(usize, usize)>, ParseError> {
        if let Some(kind) = self.discarding {
            match memchr::memchr(b'\n', buf) {
                None => {
                    // Keep a trailing CR? Not needed: the line is bad whatever follows.
                    buf.clear();
                    return Ok(None);
                }
                Some(lf) => {
                    buf.advance(lf + 1);
                    self.discarding = None;
                    self.scanned = 0;
                    return Err(ParseError::new(kind, 0));
                }
            }
        }
        if self.scanned > buf.len() {
            self.scanned = 0;
        }
        let start = self.scanned;
        match memchr::memchr(b'\n', &buf[start..]) {
            Some(p) => {
                let lf = start + p;
                self.scanned = 0;
                let (limit, kind) = self.limit_for(buf);
                if lf + 1 > limit {
                    buf.advance(lf + 1);
                    return Err(ParseError::new(kind, limit));
                }
                let crlf = lf > 0 && buf[lf - 1] == b'\r';
                if !crlf && !self.allow_bare_lf {
                    buf.advance(lf + 1);
                    return Err(ParseError::new(K::BareLineEnding, lf));
                }
                Ok(Some((if crlf { lf - 1 } else { lf }, lf + 1)))
            }
            None => {
                let (limit, kind) = self.limit_for(buf);
                if buf.len() >= limit {
                    // Cannot fit even with the LF still to come: drop it as it arrives.
                    buf.clear();
                    self.scanned = 0;
                    self.discarding = Some(kind);
                } else {
                    self.scanned = buf.len();
                }
                Ok(None)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// DataReader
// ---------------------------------------------------------------------------------------------

/// What [`DataReader`] does with a bare LF or bare CR in a DATA body (RFC 5321 §2.3.8 forbids
/// them; they are the raw material of SMTP smuggling).
///
/// Whatever the policy, only `CRLF.CRLF` ends the data and only a dot after a real CRLF is a
/// line-start dot, so `\n.\n`, `\n.\r\n`, `\r.\r\n`, `\r\n.\r` and friends never end it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BareLineEndings {
    /// Read to the end, stop keeping bytes at the first bare CR/LF, and report it in
    /// [`DataEnd`] so the server rejects the message (554 5.6.0), as Postfix's
    /// `smtpd_forbid_bare_newline = reject` does. The default.
    #[default]
    Reject,
    /// Pass bare CR/LF through unchanged as ordinary data (still counted in [`DataEnd`]).
    Allow,
    /// Turn each bare LF and bare CR into CRLF in the output (Postfix's `normalize`). A
    /// normalised line ending never starts a line for dot-unstuffing or the end of data.
    Normalize,
}

/// Limits and policy for [`DataReader`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataConfig {
    /// Largest body (after unstuffing) whose bytes are kept; past it, reading goes on to the
    /// end but chunks are dropped and [`DataEnd::too_large`] is set (RFC 1870: 552 after the
    /// data). `u64::MAX` for no limit (the default).
    pub max_size: u64,
    /// The bare CR/LF policy.
    pub bare_line_endings: BareLineEndings,
}

impl Default for DataConfig {
    fn default() -> Self {
        DataConfig {
            max_size: u64::MAX,
            bare_line_endings: BareLineEndings::Reject,
        }
    }
}

impl DataConfig {
    /// A config with a size limit and the default (rejecting) policy.
    pub fn with_max_size(max_size: u64) -> Self {
        DataConfig {
            max_size,
            ..DataConfig::default()
        }
    }
}

/// What [`DataReader::decode`] produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataEvent {
    /// The next piece of the (unstuffed) body.
    Chunk(Bytes),
    /// The `CRLF.CRLF` was read; the body is complete. Bytes after it stay in the buffer.
    End(DataEnd),
}

/// The summary at the end of a DATA body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataEnd {
    /// Body size in octets after unstuffing (and normalisation), counted to the end even when
    /// bytes were dropped.
    pub size: u64,
    /// The body exceeded [`DataConfig::max_size`]; chunks past the limit were dropped.
    pub too_large: bool,
    /// A bare LF was seen.
    pub bare_lf: bool,
    /// A bare CR was seen.
    pub bare_cr: bool,
    /// The policy was [`BareLineEndings::Reject`] and a bare CR/LF was seen: chunks after it
    /// were dropped and the message must be rejected.
    pub bare_rejected: bool,
}

impl DataEnd {
    /// True when the message may be accepted as far as framing is concerned.
    pub fn is_acceptable(&self) -> bool {
        !self.too_large && !self.bare_rejected
    }

    /// The reply for a message the framing refuses: 552 5.3.4 when too large (RFC 1870 §6),
    /// 554 5.6.0 for bare CR/LF under the rejecting policy.
    pub fn error_reply(&self) -> Option<Reply> {
        if self.too_large {
            Some(Reply::from_static(
                ReplyCode::EXCEEDED_STORAGE,
                Some(EnhancedStatusCode::MESSAGE_TOO_BIG),
                "Message size exceeds fixed maximum message size",
            ))
        } else if self.bare_rejected {
            Some(Reply::from_static(
                ReplyCode::TRANSACTION_FAILED,
                Some(EnhancedStatusCode::MEDIA_ERROR),
                "Message contains bare CR or LF, not allowed",
            ))
        } else {
            None
        }
    }
}

/// Reads a DATA body (server side): ends only on `CRLF.CRLF` — also right after the DATA
/// command, so a body starting with `.\r\n` is empty — removes the stuffed dot at the start of
/// every line (the first included), applies the [`BareLineEndings`] policy and the size limit,
/// and hands out the body as [`Bytes`] chunks split off the input buffer without copying (runs
/// between removed dots).
///
/// Any split of the input into reads gives the same body and the same end; a strict prefix of
/// a body is never an error, just "need more" (`None`).
#[derive(Clone, Debug)]
pub struct DataReader {
    config: DataConfig,
    /// The last two consumed bytes (a removed dot counts as consumed). Starts as CRLF: the DATA
    /// line's line ending, so the first line is a line start.
    prev2: u8,
    prev1: u8,
    end: DataEnd,
    /// A normalisation insert to hand out before anything else.
    pending: Option<Bytes>,
    done: bool,
}

const BLOCK: usize = 64;

/// True when the block `cur` (with `prev` the same block shifted one byte back) holds no bare
/// CR/LF and no dot after an LF. Written to auto-vectorise: no early exit inside.
#[inline(always)]
fn quiet_block(prev: &[u8; BLOCK], cur: &[u8; BLOCK]) -> bool {
    let mut m = 0u8;
    for j in 0..BLOCK {
        let lf = u8::from(cur[j] == b'\n');
        let cr_before = u8::from(prev[j] == b'\r');
        let dot_after_lf = u8::from(cur[j] == b'.') & u8::from(prev[j] == b'\n');
        m |= (lf ^ cr_before) | dot_after_lf;
    }
    m == 0
}

/// Where a scan stopped.
enum Stop {
    /// Reached the end of the input (all `n` bytes are plain body bytes).
    Exhausted,
    /// A line-start dot at `n`.
    Dot,
    /// A bare LF at `n` (only reported when normalising).
    BareLf,
    /// The byte at `n` follows a bare CR (only reported when normalising).
    BareCr,
}

impl Default for DataReader {
    fn default() -> Self {
        DataReader::new(DataConfig::default())
    }
}

impl DataReader {
    /// A reader for one DATA body, to be used right after the `354` reply.
    pub fn new(config: DataConfig) -> Self {
        DataReader {
            config,
            prev2: b'\r',
            prev1: b'\n',
            end: DataEnd::default(),
            pending: None,
            done: false,
        }
    }

    /// True once the end of data was returned.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Body bytes counted so far.
    pub fn size(&self) -> u64 {
        self.end.size
    }

    fn dropping(&self) -> bool {
        self.end.too_large || self.end.bare_rejected
    }

    /// Scans `data` from its start with the saved state; returns how many plain bytes precede
    /// the stop, updating `prev1`/`prev2` and the bare flags over them.
    ///
    /// It stops at a bare CR/LF (without flagging it) when normalising, and when rejecting
    /// until the first one was flagged; otherwise it flags them and goes on.
    fn scan(&mut self, data: &[u8]) -> (usize, Stop) {
        let stop_on_bare = match self.config.bare_line_endings {
            BareLineEndings::Normalize => true,
            BareLineEndings::Reject => !self.end.bare_rejected,
            BareLineEndings::Allow => false,
        };
        let (mut p2, mut p1) = (self.prev2, self.prev1);
        let mut i = 0;
        let n = data.len();
        while i < n {
            if i >= 1 && i + BLOCK <= n {
                let prev: &[u8; BLOCK] =
                    data[i - 1..i - 1 + BLOCK].try_into().unwrap_or(&[0; BLOCK]);
                let cur: &[u8; BLOCK] = data[i..i + BLOCK].try_into().unwrap_or(&[0; BLOCK]);
                if quiet_block(prev, cur) {
                    i += BLOCK;
                    p2 = data[i - 2];
                    p1 = data[i - 1];
                    continue;
                }
            }
            let c = data[i];
            if c == b'.' && p1 == b'\n' && p2 == b'\r' {
                self.prev2 = p2;
                self.prev1 = p1;
                return (i, Stop::Dot);
            }
            if p1 == b'\r' && c != b'\n' {
                if stop_on_bare {
                    self.prev2 = p2;
                    self.prev1 = p1;
                    return (i, Stop::BareCr);
                }
                self.end.bare_cr = true;
            }
            if c == b'\n' && p1 != b'\r' {
                if stop_on_bare {
                    self.prev2 = p2;
                    self.prev1 = p1;
                    return (i, Stop::BareLf);
                }
                self.end.bare_lf = true;
            }
            p2 = p1;
            p1 = c;
            i += 1;
        }
        self.prev2 = p2;
        self.prev1 = p1;
        (n, Stop::Exhausted)
    }

    /// Accounts `n` body bytes about to be handed out; false when they must be dropped.
    fn keep(&mut self, n: usize) -> bool {
        self.end.size = self.end.size.saturating_add(n as u64);
        if self.end.size > self.config.max_size {
            self.end.too_large = true;
        }
        if self.config.bare_line_endings == BareLineEndings::Reject
            && (self.end.bare_lf || self.end.bare_cr)
        {
            self.end.bare_rejected = true;
        }
        !self.dropping()
    }

    /// Takes the next event off the front of `buf`; `None` when more bytes are needed (or the
    /// end was already returned).
    pub fn decode(&mut self, buf: &mut BytesMut) -> Option<DataEvent> {
        if let Some(p) = self.pending.take() {
            return Some(DataEvent::Chunk(p));
        }
        if self.done {
            return None;
        }
        loop {
            let (n, stop) = self.scan(buf);
            if n > 0 {
                let chunk = buf.split_to(n);
                if self.keep(n) {
                    // Whatever stopped the scan is seen again at offset 0 on the next call.
                    return Some(DataEvent::Chunk(chunk.freeze()));
                }
                // dropped; go on with what follows
            }
            let normalize = self.config.bare_line_endings == BareLineEndings::Normalize;
            match stop {
                Stop::Exhausted => return None,
                Stop::Dot => {
                    // buf[0] is a line-start dot.
                    match (buf.get(1), buf.get(2)) {
                        (None, _) | (Some(b'\r'), None) => return None,
                        (Some(b'\r'), Some(b'\n')) => {
                            buf.advance(3);
                            self.done = true;
                            // account the bare flags for the Reject policy
                            self.keep(0);
                            return Some(DataEvent::End(self.end));
                        }
                        _ => {
                            // A stuffed dot: drop it.
                            buf.advance(1);
                            self.prev2 = self.prev1;
                            self.prev1 = b'.';
                        }
                    }
                }
                Stop::BareLf => {
                    self.end.bare_lf = true;
                    buf.advance(1);
                    if normalize {
                        // The LF becomes CRLF, which does not start a line.
                        self.prev2 = 0;
                        self.prev1 = b'\n';
                        if self.keep(2) {
                            return Some(DataEvent::Chunk(Bytes::from_static(b"\r\n")));
                        }
                    } else {
                        // Reject: from here on everything is dropped.
                        self.prev2 = self.prev1;
                        self.prev1 = b'\n';
                        self.keep(1);
                    }
                }
                Stop::BareCr => {
                    self.end.bare_cr = true;
                    if normalize {
                        // The CR (already handed out) gets its LF.
                        self.prev2 = 0;
                        self.prev1 = b'\n';
                        if self.keep(1) {
                            return Some(DataEvent::Chunk(Bytes::from_static(b"\n")));
                        }
                    } else {
                        self.keep(0);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// BdatReader
// ---------------------------------------------------------------------------------------------

/// What [`BdatReader::decode`] produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BdatEvent {
    /// The next piece of the chunk (exactly as sent: BDAT data is not stuffed).
    Chunk(Bytes),
    /// All announced octets were read. Bytes after them stay in the buffer.
    End,
}

/// Reads one BDAT chunk of an announced size (RFC 3030), or discards it.
///
/// Nothing is allocated from the announced size: the reader only counts. A chunk the server
/// rejects (too large, bad sequence, ...) must still be read off the wire so the stream stays
/// in sync (go-smtp #315): use [`BdatReader::discard`].
#[derive(Clone, Debug)]
pub struct BdatReader {
    remaining: u64,
    discard: bool,
    ended: bool,
}

impl BdatReader {
    /// Reads a chunk of `size` octets and hands it out.
    pub fn new(size: u64) -> Self {
        BdatReader {
            remaining: size,
            discard: false,
            ended: false,
        }
    }

    /// Reads a chunk of `size` octets and throws it away.
    pub fn discard(size: u64) -> Self {
        BdatReader {
            remaining: size,
            discard: true,
            ended: false,
        }
    }

    /// Octets still to read.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// True once `End` was returned.
    pub fn is_done(&self) -> bool {
        self.ended
    }

    /// Takes the next event off the front of `buf`; `None` when more bytes are needed.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Option<BdatEvent> {
        loop {
            if self.ended {
                return None;
            }
            if self.remaining == 0 {
                self.ended = true;
                return Some(BdatEvent::End);
            }
            if buf.is_empty() {
                return None;
            }
            let n = usize::try_from(self.remaining)
                .unwrap_or(usize::MAX)
                .min(buf.len());
            self.remaining -= n as u64;
            if self.discard {
                buf.advance(n);
            } else {
                return Some(BdatEvent::Chunk(buf.split_to(n).freeze()));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// DotStuffer
// ---------------------------------------------------------------------------------------------

/// Writes a DATA body for the client: a dot is added before every line that starts with one
/// (the first line too), bare LF and bare CR are turned into CRLF (RFC 5321 §2.3.8: they must
/// not be sent; this also keeps a body from smuggling an end of data to a lenient server), and
/// [`DotStuffer::finish`] writes the terminating `CRLF.CRLF` (adding the CRLF only when the
/// body does not already end with one). Input may be given in any chunks.
///
/// Not for BDAT, whose data is sent as is.
#[derive(Clone, Debug)]
pub struct DotStuffer {
    line_start: bool,
    pending_cr: bool,
    finished: bool,
}

impl Default for DotStuffer {
    fn default() -> Self {
        DotStuffer::new()
    }
}

impl DotStuffer {
    /// A stuffer for one body.
    pub fn new() -> Self {
        DotStuffer {
            line_start: true,
            pending_cr: false,
            finished: false,
        }
    }

    /// Appends the stuffed form of `input` to `out`.
    pub fn stuff(&mut self, mut input: &[u8], out: &mut BytesMut) {
        out.reserve(input.len() + 8);
        while !input.is_empty() {
            if self.pending_cr {
                self.pending_cr = false;
                out.extend_from_slice(b"\n");
                self.line_start = true;
                if input[0] == b'\n' {
                    input = &input[1..];
                    continue;
                }
            }
            if self.line_start {
                if input[0] == b'.' {
                    out.extend_from_slice(b".");
                }
                self.line_start = false;
            }
            match memchr::memchr2(b'\r', b'\n', input) {
                None => {
                    out.extend_from_slice(input);
                    return;
                }
                Some(p) => {
                    out.extend_from_slice(&input[..p]);
                    if input[p] == b'\n' {
                        out.extend_from_slice(b"\r\n");
                        self.line_start = true;
                    } else {
                        out.extend_from_slice(b"\r");
                        self.pending_cr = true;
                    }
                    input = &input[p + 1..];
                }
            }
        }
    }

    /// Writes the end of data: CRLF if the body did not end with one, then `.` CRLF.
    /// Later calls do nothing.
    pub fn finish(&mut self, out: &mut BytesMut) {
        if self.finished {
            return;
        }
        self.finished = true;
        if self.pending_cr {
            self.pending_cr = false;
            out.extend_from_slice(b"\n");
            self.line_start = true;
        }
        if !self.line_start {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b".\r\n");
    }
}

// ---------------------------------------------------------------------------------------------
// ReplyReader
// ---------------------------------------------------------------------------------------------

/// Cuts complete replies (client side), keeping its place between calls so a reply that
/// arrives in many pieces is scanned once.
///
/// After an error the stream cannot be trusted (the client should close the connection).
#[derive(Clone, Debug, Default)]
pub struct ReplyReader {
    opts: ReplyOptions,
    next: usize,
    lines: usize,
}

impl ReplyReader {
    /// A reader with the given limits.
    pub fn new(opts: ReplyOptions) -> Self {
        ReplyReader {
            opts,
            next: 0,
            lines: 0,
        }
    }

    /// Forgets the scan position. Call it whenever the buffer is emptied or replaced other than
    /// by this reader (e.g. at STARTTLS): the reader assumes that between calls bytes are only
    /// appended.
    pub fn reset(&mut self) {
        self.next = 0;
        self.lines = 0;
    }

    /// Takes the next complete reply off the front of `buf`; `Ok(None)` when more bytes are
    /// needed. The reply's text shares `buf`'s memory.
    pub fn read_reply(&mut self, buf: &mut BytesMut) -> Result<Option<Reply>, ParseError> {
        if self.next == 0
            && buf.get(3) == Some(&b' ')
            && let Some(cr) = parse::find_byte2(buf, b'\r', b'\n')
            && cr >= 4
            && cr + 1 < self.opts.max_line_len
            && buf[cr] == b'\r'
            && buf.get(cr + 1) == Some(&b'\n')
        {
            // The common case: a complete single-line reply at the front, found with its
            // CRLF and checked to hold no other CR or LF in one pass.
            return parse::reply_single(buf, cr + 2).map(Some);
        }
        if self.next > buf.len() {
            self.reset();
        }
        let scan = parse::reply_end(buf, self.next, self.lines, &self.opts);
        match scan {
            Err(e) => {
                self.next = 0;
                self.lines = 0;
                Err(e)
            }
            Ok(ReplyScan::Partial { next, lines }) => {
                self.next = next;
                self.lines = lines;
                Ok(None)
            }
            Ok(ReplyScan::Complete { end, lines }) => {
                self.next = 0;
                self.lines = 0;
                let frame = buf.split_to(end).freeze();
                parse::reply_frame(frame, lines).map(Some)
            }
        }
    }

    /// [`read_reply`](Self::read_reply) for the reply to EHLO or LHLO: the reply, and for a
    /// `250` its capabilities ([`parse::ehlo_response`]; `None` for any other code).
    ///
    /// The usual multi-line reply is framed and its capability lines summarised in one pass,
    /// where `read_reply` then `ehlo_response` read every line twice; the result is the same.
    pub fn read_ehlo_reply(
        &mut self,
        buf: &mut BytesMut,
    ) -> Result<Option<(Reply, Option<EhloResponse>)>, ParseError> {
        if self.next == 0
            && self.lines == 0
            && let Some(f) = parse::ehlo_frame(buf, &self.opts)
        {
            let frame = buf.split_to(f.end).freeze();
            let (domain, greeting) =
                parse::ehlo_greet(&frame[4..f.first - 2], |s| parse::shared_text(&frame, s));
            let caps = EhloResponse::from_summary(
                domain,
                greeting,
                frame.slice(f.first..),
                f.count - 1,
                f.offered,
            );
            return Ok(Some((
                Reply::from_wire(ReplyCode::OK, frame, f.count),
                Some(caps),
            )));
        }
        Ok(self.read_reply(buf)?.map(|reply| {
            let caps = parse::ehlo_response(&reply).ok();
            (reply, caps)
        }))
    }
}

#[cfg(test)]
mod tests;
