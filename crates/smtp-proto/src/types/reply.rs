use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;

use super::compact::Compact;

/// A three-digit SMTP reply code (RFC 5321 §4.2: first digit 2-5, second 0-5, third 0-9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReplyCode(u16);

impl ReplyCode {
    /// 211 System status
    pub const SYSTEM_STATUS: ReplyCode = ReplyCode(211);
    /// 214 Help message
    pub const HELP_MESSAGE: ReplyCode = ReplyCode(214);
    /// 220 Service ready
    pub const SERVICE_READY: ReplyCode = ReplyCode(220);
    /// 221 Service closing transmission channel
    pub const CLOSING: ReplyCode = ReplyCode(221);
    /// 235 Authentication succeeded (RFC 4954)
    pub const AUTH_SUCCEEDED: ReplyCode = ReplyCode(235);
    /// 250 Requested mail action okay, completed
    pub const OK: ReplyCode = ReplyCode(250);
    /// 251 User not local; will forward
    pub const USER_NOT_LOCAL_WILL_FORWARD: ReplyCode = ReplyCode(251);
    /// 252 Cannot VRFY user, but will accept message and attempt delivery
    pub const CANNOT_VERIFY: ReplyCode = ReplyCode(252);
    /// 334 AUTH continuation (RFC 4954)
    pub const AUTH_CONTINUE: ReplyCode = ReplyCode(334);
    /// 354 Start mail input; end with `<CRLF>.<CRLF>`
    pub const START_MAIL_INPUT: ReplyCode = ReplyCode(354);
    /// 421 Service not available, closing transmission channel
    pub const SERVICE_NOT_AVAILABLE: ReplyCode = ReplyCode(421);
    /// 450 Mailbox unavailable (busy or blocked)
    pub const MAILBOX_BUSY: ReplyCode = ReplyCode(450);
    /// 451 Local error in processing
    pub const LOCAL_ERROR: ReplyCode = ReplyCode(451);
    /// 452 Insufficient system storage (also: too many recipients, RFC 5321 §4.5.3.1.10)
    pub const INSUFFICIENT_STORAGE: ReplyCode = ReplyCode(452);
    /// 454 Temporary authentication failure / TLS not available (RFC 4954, RFC 3207)
    pub const TEMPORARY_FAILURE: ReplyCode = ReplyCode(454);
    /// 455 Server unable to accommodate parameters
    pub const UNABLE_TO_ACCOMMODATE_PARAMETERS: ReplyCode = ReplyCode(455);
    /// 500 Syntax error, command unrecognized (also: line too long)
    pub const SYNTAX_ERROR: ReplyCode = ReplyCode(500);
    /// 501 Syntax error in parameters or arguments
    pub const PARAMETER_SYNTAX_ERROR: ReplyCode = ReplyCode(501);
    /// 502 Command not implemented
    pub const NOT_IMPLEMENTED: ReplyCode = ReplyCode(502);
    /// 503 Bad sequence of commands
    pub const BAD_SEQUENCE: ReplyCode = ReplyCode(503);
    /// 504 Command parameter not implemented
    pub const PARAMETER_NOT_IMPLEMENTED: ReplyCode = ReplyCode(504);
    /// 530 Authentication required (RFC 4954) / must issue STARTTLS first (RFC 3207)
    pub const AUTH_REQUIRED: ReplyCode = ReplyCode(530);
    /// 534 Authentication mechanism is too weak (RFC 4954)
    pub const AUTH_TOO_WEAK: ReplyCode = ReplyCode(534);
    /// 535 Authentication credentials invalid (RFC 4954)
    pub const AUTH_INVALID: ReplyCode = ReplyCode(535);
    /// 538 Encryption required for requested authentication mechanism (RFC 4954)
    pub const ENCRYPTION_REQUIRED: ReplyCode = ReplyCode(538);
    /// 550 Mailbox unavailable / not found / policy rejection
    pub const MAILBOX_UNAVAILABLE: ReplyCode = ReplyCode(550);
    /// 551 User not local
    pub const USER_NOT_LOCAL: ReplyCode = ReplyCode(551);
    /// 552 Exceeded storage allocation (message too big)
    pub const EXCEEDED_STORAGE: ReplyCode = ReplyCode(552);
    /// 553 Mailbox name not allowed (e.g. mailbox syntax incorrect)
    pub const MAILBOX_NAME_NOT_ALLOWED: ReplyCode = ReplyCode(553);
    /// 554 Transaction failed (or, as a greeting, no SMTP service here)
    pub const TRANSACTION_FAILED: ReplyCode = ReplyCode(554);
    /// 555 MAIL FROM/RCPT TO parameters not recognized or not implemented
    pub const PARAMETERS_NOT_RECOGNIZED: ReplyCode = ReplyCode(555);

    /// A reply code, if `code` is valid (first digit 2-5, second digit 0-5).
    pub const fn new(code: u16) -> Option<Self> {
        let (a, b) = (code / 100, code / 10 % 10);
        if a >= 2 && a <= 5 && b <= 5 {
            Some(ReplyCode(code))
        } else {
            None
        }
    }

    /// Crate-internal: the code of three digits the reply parser checked (first 2-5, second
    /// 0-5, third 0-9), without checking them again through divisions.
    #[inline(always)]
    pub(crate) const fn from_checked_digits(d: [u8; 3]) -> Self {
        ReplyCode((d[0] - b'0') as u16 * 100 + (d[1] - b'0') as u16 * 10 + (d[2] - b'0') as u16)
    }

    /// The numeric code.
    pub const fn get(self) -> u16 {
        self.0
    }

    /// The first digit (2 positive completion, 3 intermediate, 4 transient, 5 permanent).
    pub const fn class(self) -> u8 {
        (self.0 / 100) as u8
    }

    /// 2xx
    pub const fn is_positive_completion(self) -> bool {
        self.class() == 2
    }

    /// 3xx
    pub const fn is_positive_intermediate(self) -> bool {
        self.class() == 3
    }

    /// 4xx
    pub const fn is_transient_negative(self) -> bool {
        self.class() == 4
    }

    /// 5xx
    pub const fn is_permanent_negative(self) -> bool {
        self.class() == 5
    }
}

impl fmt::Display for ReplyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// An enhanced mail system status code (RFC 3463): `class.subject.detail`, e.g. `5.1.1`,
/// sent at the start of each reply line when ENHANCEDSTATUSCODES (RFC 2034) is in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnhancedStatusCode {
    class: u8,
    subject: u16,
    detail: u16,
}

impl EnhancedStatusCode {
    /// 2.0.0 Other undefined status (success)
    pub const OK: Self = Self::c(2, 0, 0);
    /// 2.1.0 Other address status (sender ok)
    pub const SENDER_OK: Self = Self::c(2, 1, 0);
    /// 2.1.5 Destination address valid
    pub const RECIPIENT_OK: Self = Self::c(2, 1, 5);
    /// 2.6.0 Other or undefined media error (message accepted)
    pub const MESSAGE_ACCEPTED: Self = Self::c(2, 6, 0);
    /// 2.7.0 Other or undefined security status (auth succeeded, RFC 4954)
    pub const SECURITY_OK: Self = Self::c(2, 7, 0);
    /// 4.3.0 Other or undefined mail system status (temporary)
    pub const TEMPORARY_SYSTEM: Self = Self::c(4, 3, 0);
    /// 4.4.2 Bad connection (timeout)
    pub const BAD_CONNECTION: Self = Self::c(4, 4, 2);
    /// 4.5.3 Too many recipients (temporary)
    pub const TOO_MANY_RECIPIENTS: Self = Self::c(4, 5, 3);
    /// 5.1.1 Bad destination mailbox address
    pub const BAD_DESTINATION_MAILBOX: Self = Self::c(5, 1, 1);
    /// 5.1.3 Bad destination mailbox address syntax
    pub const BAD_DESTINATION_SYNTAX: Self = Self::c(5, 1, 3);
    /// 5.1.7 Bad sender's mailbox address syntax
    pub const BAD_SENDER_SYNTAX: Self = Self::c(5, 1, 7);
    /// 5.3.4 Message too big for system
    pub const MESSAGE_TOO_BIG: Self = Self::c(5, 3, 4);
    /// 5.5.0 Other or undefined protocol status
    pub const PROTOCOL_ERROR: Self = Self::c(5, 5, 0);
    /// 5.5.1 Invalid command
    pub const INVALID_COMMAND: Self = Self::c(5, 5, 1);
    /// 5.5.2 Syntax error
    pub const SYNTAX_ERROR: Self = Self::c(5, 5, 2);
    /// 5.5.4 Invalid command arguments
    pub const INVALID_ARGUMENTS: Self = Self::c(5, 5, 4);
    /// 5.5.6 Authentication exchange line is too long (RFC 4954)
    pub const AUTH_LINE_TOO_LONG: Self = Self::c(5, 5, 6);
    /// 5.6.0 Other or undefined media error (e.g. bare LF/CR in the message)
    pub const MEDIA_ERROR: Self = Self::c(5, 6, 0);
    /// 5.6.7 Non-ASCII addresses not permitted (RFC 6531)
    pub const NON_ASCII_ADDRESS: Self = Self::c(5, 6, 7);
    /// 5.7.0 Other or undefined security status
    pub const SECURITY_ERROR: Self = Self::c(5, 7, 0);
    /// 5.7.8 Authentication credentials invalid (RFC 4954)
    pub const AUTH_INVALID: Self = Self::c(5, 7, 8);

    const fn c(class: u8, subject: u16, detail: u16) -> Self {
        EnhancedStatusCode {
            class,
            subject,
            detail,
        }
    }

    /// An enhanced status code, if valid (class 2, 4 or 5; subject and detail 0..=999).
    pub const fn new(class: u8, subject: u16, detail: u16) -> Option<Self> {
        if (class == 2 || class == 4 || class == 5) && subject <= 999 && detail <= 999 {
            Some(Self::c(class, subject, detail))
        } else {
            None
        }
    }

    /// The class (2 success, 4 persistent transient failure, 5 permanent failure).
    pub const fn class(self) -> u8 {
        self.class
    }

    /// The subject (0..=999).
    pub const fn subject(self) -> u16 {
        self.subject
    }

    /// The detail (0..=999).
    pub const fn detail(self) -> u16 {
        self.detail
    }
}

impl fmt::Display for EnhancedStatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

/// One line of a reply: an optional enhanced status code and the text after it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ReplyLine {
    /// The enhanced status code at the start of the line, when present (RFC 2034).
    pub enhanced: Option<EnhancedStatusCode>,
    /// The text (without code, separator, enhanced code or CRLF). Never contains CR or LF.
    /// Not necessarily UTF-8 when received from a peer. Short texts are stored inline.
    text: Compact,
}

impl ReplyLine {
    /// A line; CR and LF in `text` are replaced by spaces.
    pub fn new(enhanced: Option<EnhancedStatusCode>, text: impl Into<Bytes>) -> Self {
        let text: Bytes = text.into();
        let text = if memchr::memchr2(b'\r', b'\n', &text).is_some() {
            Bytes::from(
                text.iter()
                    .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
                    .collect::<Vec<u8>>(),
            )
        } else {
            text
        };
        ReplyLine {
            enhanced,
            text: Compact::from(text),
        }
    }

    /// A line from static text, without copying (`text` must not contain CR or LF; any are
    /// replaced by spaces, which copies).
    pub fn from_static(enhanced: Option<EnhancedStatusCode>, text: &'static str) -> Self {
        Self::new(enhanced, Bytes::from_static(text.as_bytes()))
    }

    /// Crate-internal: `text` already checked to hold no CR/LF.
    pub(crate) fn from_parts(enhanced: Option<EnhancedStatusCode>, text: Compact) -> Self {
        ReplyLine { enhanced, text }
    }

    /// The text bytes.
    pub fn text(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// The text as a [`Bytes`] (shared when it is stored shared, else a copy).
    pub fn text_bytes(&self) -> Bytes {
        self.text.to_bytes()
    }

    /// The text as a string (invalid UTF-8 replaced by U+FFFD).
    pub fn text_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.text())
    }
}

impl fmt::Debug for ReplyLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.enhanced {
            Some(e) => write!(f, "{e} {:?}", self.text_lossy()),
            None => write!(f, "{:?}", self.text_lossy()),
        }
    }
}

/// One line of a [`Reply`], borrowed from it: what [`Reply::lines`] yields.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplyLineRef<'a> {
    /// The enhanced status code at the start of the line, when present (RFC 2034).
    pub enhanced: Option<EnhancedStatusCode>,
    text: &'a [u8],
}

impl<'a> ReplyLineRef<'a> {
    /// The text bytes (without code, separator, enhanced code or line ending).
    pub fn text(&self) -> &'a [u8] {
        self.text
    }

    /// The text as a string (invalid UTF-8 replaced by U+FFFD).
    pub fn text_lossy(&self) -> Cow<'a, str> {
        String::from_utf8_lossy(self.text)
    }
}

impl fmt::Debug for ReplyLineRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.enhanced {
            Some(e) => write!(f, "{e} {:?}", self.text_lossy()),
            None => write!(f, "{:?}", self.text_lossy()),
        }
    }
}

impl From<ReplyLineRef<'_>> for ReplyLine {
    fn from(l: ReplyLineRef<'_>) -> Self {
        ReplyLine::from_parts(l.enhanced, Compact::copy(l.text))
    }
}

impl ReplyLine {
    /// This line, borrowed.
    pub fn as_line(&self) -> ReplyLineRef<'_> {
        ReplyLineRef {
            enhanced: self.enhanced,
            text: self.text(),
        }
    }
}

/// A complete reply: one code and one or more lines (RFC 5321 §4.2).
///
/// Multi-line replies carry the same code on every line (the parser rejects anything else);
/// the encoder writes the code, and the enhanced code when present, on every line.
#[derive(Clone)]
pub struct Reply {
    code: ReplyCode,
    lines: Lines,
}

/// The lines of a reply. A single-line reply (the common case) needs no heap allocation; a
/// received multi-line reply keeps its wire bytes and is read line by line when asked, so
/// parsing one allocates nothing per line.
#[derive(Clone)]
enum Lines {
    One(ReplyLine),
    Many(Vec<ReplyLine>),
    /// `count` (at least two) lines as received, checked by the parser: every line has the
    /// reply's code and ends with LF (CRLF, or a bare LF where the options allowed it), and
    /// no CR occurs but before an LF.
    Wire {
        frame: Bytes,
        count: usize,
    },
}

impl Lines {
    fn from_vec(mut v: Vec<ReplyLine>) -> Self {
        match v.len() {
            0 => Lines::One(ReplyLine::from_parts(None, Compact::EMPTY)),
            1 => match v.pop() {
                Some(l) => Lines::One(l),
                None => Lines::Many(v),
            },
            _ => Lines::Many(v),
        }
    }
}

/// The lines of a [`Reply`], in order (see [`Reply::lines`]).
#[derive(Clone, Debug)]
pub struct ReplyLines<'a> {
    inner: LinesIter<'a>,
    /// The reply code's first digit: an enhanced code must have the same class.
    class: u8,
}

#[derive(Clone, Debug)]
enum LinesIter<'a> {
    Slice(std::slice::Iter<'a, ReplyLine>),
    Wire { rest: &'a [u8], left: usize },
}

impl<'a> Iterator for ReplyLines<'a> {
    type Item = ReplyLineRef<'a>;

    fn next(&mut self) -> Option<ReplyLineRef<'a>> {
        match &mut self.inner {
            LinesIter::Slice(it) => it.next().map(ReplyLine::as_line),
            LinesIter::Wire { rest, left } => {
                *left = left.checked_sub(1)?;
                let text = next_wire_line(rest);
                Some(match crate::parse::enhanced_code(text, self.class) {
                    Some((esc, skip)) => ReplyLineRef {
                        enhanced: Some(esc),
                        text: &text[skip..],
                    },
                    None => ReplyLineRef {
                        enhanced: None,
                        text,
                    },
                })
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match &self.inner {
            LinesIter::Slice(it) => it.len(),
            LinesIter::Wire { left, .. } => *left,
        };
        (n, Some(n))
    }
}

impl ExactSizeIterator for ReplyLines<'_> {}

/// Takes the first line off `rest`, a reply's wire lines as checked by the reply parser, and
/// gives its text: what follows the code and separator, without the line ending.
#[inline(always)]
pub(crate) fn next_wire_line<'a>(rest: &mut &'a [u8]) -> &'a [u8] {
    let end = crate::parse::find_byte2(rest, b'\n', b'\n').unwrap_or(rest.len());
    let (line, after) = rest.split_at(end);
    *rest = after.get(1..).unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.get(4..).unwrap_or_default()
}

impl PartialEq for Reply {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code && self.lines().eq(other.lines())
    }
}

impl Eq for Reply {}

impl std::hash::Hash for Reply {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.code.hash(state);
        for l in self.lines() {
            l.hash(state);
        }
    }
}

impl Reply {
    /// A reply whose text may span lines: `text` is split on `\n` (a `\r` before it is dropped).
    /// `enhanced` is put on every line.
    pub fn new(code: ReplyCode, enhanced: Option<EnhancedStatusCode>, text: &str) -> Self {
        let lines = text
            .split('\n')
            .map(|l| {
                ReplyLine::new(
                    enhanced,
                    Bytes::copy_from_slice(l.trim_end_matches('\r').as_bytes()),
                )
            })
            .collect();
        Reply {
            code,
            lines: Lines::from_vec(lines),
        }
    }

    /// A single-line reply from static text, without copying the text.
    pub fn from_static(
        code: ReplyCode,
        enhanced: Option<EnhancedStatusCode>,
        text: &'static str,
    ) -> Self {
        Reply {
            code,
            lines: Lines::One(ReplyLine::from_static(enhanced, text)),
        }
    }

    /// A single-line reply.
    pub fn single(code: ReplyCode, line: ReplyLine) -> Self {
        Reply {
            code,
            lines: Lines::One(line),
        }
    }

    /// A reply from lines; an empty `lines` gives one empty line.
    pub fn from_lines(code: ReplyCode, lines: Vec<ReplyLine>) -> Self {
        Reply {
            code,
            lines: Lines::from_vec(lines),
        }
    }

    /// Appends a line.
    pub fn push_line(&mut self, line: ReplyLine) {
        match &mut self.lines {
            Lines::Many(v) => v.push(line),
            Lines::One(first) => {
                let first = std::mem::replace(first, ReplyLine::from_parts(None, Compact::EMPTY));
                self.lines = Lines::Many(vec![first, line]);
            }
            Lines::Wire { .. } => {
                let mut v: Vec<ReplyLine> = self.lines().map(ReplyLine::from).collect();
                v.push(line);
                self.lines = Lines::Many(v);
            }
        }
    }

    /// The reply code.
    pub fn code(&self) -> ReplyCode {
        self.code
    }

    /// A received multi-line reply, kept as its `count` (at least two) wire lines, which the
    /// parser checked (see [`Lines::Wire`]).
    pub(crate) fn from_wire(code: ReplyCode, frame: Bytes, count: usize) -> Self {
        Reply {
            code,
            lines: Lines::Wire { frame, count },
        }
    }

    /// Crate-internal: a received multi-line reply's frame and line count.
    pub(crate) fn wire(&self) -> Option<(&Bytes, usize)> {
        match &self.lines {
            Lines::Wire { frame, count } => Some((frame, *count)),
            _ => None,
        }
    }

    /// The lines (at least one), in order.
    pub fn lines(&self) -> ReplyLines<'_> {
        let inner = match &self.lines {
            Lines::One(l) => LinesIter::Slice(std::slice::from_ref(l).iter()),
            Lines::Many(v) => LinesIter::Slice(v.iter()),
            Lines::Wire { frame, count } => LinesIter::Wire {
                rest: frame,
                left: *count,
            },
        };
        ReplyLines {
            inner,
            class: self.code.class(),
        }
    }

    /// The first line.
    pub fn first_line(&self) -> ReplyLineRef<'_> {
        self.lines().next().unwrap_or(ReplyLineRef {
            enhanced: None,
            text: b"",
        })
    }

    /// The enhanced status code of the first line, if any.
    pub fn enhanced(&self) -> Option<EnhancedStatusCode> {
        self.first_line().enhanced
    }

    /// All lines' text joined with `\n` (lossy UTF-8).
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (i, l) in self.lines().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(&l.text_lossy());
        }
        s
    }

    /// 2xx
    pub fn is_positive(&self) -> bool {
        self.code.is_positive_completion()
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("code", &self.code.0)
            .field("lines", &self.lines().collect::<Vec<_>>())
            .finish()
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, l) in self.lines().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}", self.code)?;
            if let Some(e) = l.enhanced {
                write!(f, " {e}")?;
            }
            write!(f, " {}", l.text_lossy())?;
        }
        Ok(())
    }
}
