//! Parsing one framed message into [`types`](crate::types) over [`Bytes`].
//!
//! Every entry point takes the message as [`Bytes`] (what [`framing`](crate::framing)
//! hands out after `split_to(len).freeze()`), so long strings and literal data share its
//! memory; strings of up to 22 bytes are copied inline, which is cheaper than a
//! reference count.
//! A message that is cut short is [`Status::Incomplete`], not an error.

mod body;
mod client_stream;
mod command;
mod common;
mod fetch;
mod reader;
mod response;
mod search;

use bytes::Bytes;

use crate::error::{ParseError, ParseErrorKind};
use crate::types::{AuthenticateData, Command, Response};
use reader::{PResult, Reader};

pub use client_stream::{ClientMessage, ClientStreamParser};
pub(crate) use search::sort_key_name;

/// Relaxations for known real-world defects. All are off by default (strict).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Lenience {
    /// Accept spaces before CRLF, after `*`, and before a closing parenthesis.
    /// RFC 9051 allows none; SurgeMail and some Exchange builds send a trailing space
    /// after FLAGS lists and status text (djc/imap-proto #178, #190); DavMail sends
    /// `*  OK` with two spaces.
    pub trailing_space: bool,
    /// Accept NIL where a string is due in body parameters and the body encoding, read
    /// as the empty string. Mail.ru sends `("BOUNDARY" NIL)` (imap-codec #700).
    pub nil_as_string: bool,
    /// Accept 8-bit bytes that are not UTF-8, and backslashes before characters other
    /// than `"` and `\`, in quoted strings. Older Exchange and Courier servers put raw
    /// Latin-1 subjects in envelopes (djc/imap-proto #194).
    pub bad_quoted: bool,
    /// Accept a status response or continuation request without text: `+\r\n`,
    /// `A1 OK\r\n`, `* OK [HIGHESTMODSEQ 5]\r\n`. RFC 3501 requires text; Gmail omits
    /// it after some response codes, and several servers send a bare `+`
    /// (modern-email/defects).
    pub missing_text: bool,
    /// Accept a bare LF as a line end. RFC 9051 requires CRLF; some test servers and
    /// hand-written scripts send LF only.
    pub bare_lf: bool,
    /// Do not look for NUL inside literals (RFC 9051 `CHAR8` excludes it outside
    /// literal8). A server must keep this off so binary APPEND data is refused unless
    /// sent as literal8; a client that trusts the server's message bodies turns it on
    /// so a 25 MiB `BODY[]` literal is never read by the parser at all.
    pub nul_in_literal: bool,
    /// Accept SP between the descriptions of one NAMESPACE list:
    /// `(("#shared/" "/") ("#public/" "/"))`. RFC 9051's grammar (`"(" 1*Namespace-Descr
    /// ")"`, from RFC 4466) has none, but the RFC 2342 section 5 examples put one there,
    /// and servers built from those examples copy it.
    pub namespace_space: bool,
    /// Accept a `MESSAGE/RFC822` (or `GLOBAL`) part sent as `body-type-basic`, without
    /// the envelope, body and line count RFC 9051 requires; it is read as
    /// [`SinglePartKind::Basic`](crate::types::SinglePartKind::Basic). Some servers do
    /// this for attached `.eml` files (net-imap #7147, #6397).
    pub message_as_basic: bool,
    /// Accept a multipart without parts, `("MIXED")` or `("MIXED" (params) NIL NIL)`,
    /// read as a [`BodyStructure::Multipart`](crate::types::BodyStructure::Multipart)
    /// with an empty part list. RFC 9051 requires at least one part; some servers send
    /// none for an empty or broken multipart (net-imap #7153).
    pub partless_multipart: bool,
    /// Accept SP between the parts of a multipart, `((part) (part) "ALTERNATIVE")`, in
    /// BODY and BODYSTRUCTURE at any depth. RFC 9051's `body-type-mpart = 1*body SP
    /// media-subtype` has none; maddy, Stalwart and Exchange send one
    /// (modern-email/defects #51, imap-codec #697).
    pub multipart_space: bool,
    /// Accept a run of spaces where one SP separates the fields of a QUOTA resource:
    /// `(STORAGE 54 111 MESSAGE 42  1000)`. RFC 9208 allows one; Archiveopteryx 3.2.0
    /// writes two between the numbers (modern-email/defects #23, djc/imap-proto #169).
    /// Separate from `trailing_space`, which is about where a line or list ends.
    pub quota_space: bool,
}

impl Lenience {
    /// Every relaxation on: what a client talking to arbitrary servers wants.
    pub fn all() -> Self {
        Self {
            trailing_space: true,
            nil_as_string: true,
            bad_quoted: true,
            missing_text: true,
            bare_lf: true,
            nul_in_literal: true,
            namespace_space: true,
            message_as_basic: true,
            partless_multipart: true,
            multipart_space: true,
            quota_space: true,
        }
    }
}

/// Parser configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Deepest nesting of BODYSTRUCTURE parts, SEARCH parentheses, THREAD lists and
    /// skipped unknown values. Default 64: deeper MIME trees do not occur in real mail
    /// (imap-codec's 8 rejects some), and 64 frames stay far below any thread's stack.
    pub max_depth: u16,
    /// Most list elements (parenthesised items, sequence-set items, search keys,
    /// space-separated values) in one message. Memory is already linear in the message
    /// size; this caps the work a hostile 64 KiB line of `1,1,1,...` can cause.
    /// Default 100 000.
    pub max_items: u32,
    /// Relaxations for real-world defects.
    pub lenience: Lenience,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_items: 100_000,
            lenience: Lenience::default(),
        }
    }
}

impl ParseOptions {
    /// Default limits with every lenience on (for clients).
    pub fn lenient() -> Self {
        Self {
            lenience: Lenience::all(),
            ..Self::default()
        }
    }
}

/// The result of parsing from the start of a buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status<T> {
    /// A whole message was parsed; it took `len` bytes.
    Complete {
        /// The value.
        value: T,
        /// Bytes consumed.
        len: usize,
    },
    /// The buffer ends before the message does.
    Incomplete,
}

impl<T> Status<T> {
    /// The value, if complete.
    pub fn complete(self) -> Option<T> {
        match self {
            Self::Complete { value, .. } => Some(value),
            Self::Incomplete => None,
        }
    }
}

fn run<T>(
    input: &Bytes,
    options: &ParseOptions,
    parser: impl FnOnce(&mut Reader<'_>) -> PResult<T>,
) -> Result<Status<T>, ParseError> {
    let mut reader = Reader::new(input, options);
    match parser(&mut reader) {
        Ok(value) => Ok(Status::Complete {
            value,
            len: reader.pos,
        }),
        Err(error) if error.kind == ParseErrorKind::Incomplete || reader.hit_end() => {
            Ok(Status::Incomplete)
        }
        Err(error) => Err(error),
    }
}

/// The whole response in `wire`, for the parser modules' known-answer tests.
#[cfg(test)]
pub(crate) fn whole_response(wire: &Bytes, options: &ParseOptions) -> crate::types::Response {
    match response(wire, options) {
        Ok(Status::Complete { value, len }) if len == wire.len() => value,
        other => panic!("{other:?}"),
    }
}

/// For a lenient-only response: `wire` parses whole when lenient and is refused when
/// strict, and the value encodes to `rfc_form`, which strict reads as the same value.
/// Returns the value for the caller's own checks.
#[cfg(test)]
pub(crate) fn lenient_only_response(wire: &'static [u8], rfc_form: &[u8]) -> Response {
    let wire = Bytes::from_static(wire);
    let value = whole_response(&wire, &ParseOptions::lenient());
    assert!(response(&wire, &ParseOptions::default()).is_err());
    let encoded = crate::encode::Encoder::default()
        .response(&value)
        .to_bytes();
    assert_eq!(encoded, rfc_form);
    assert_eq!(whole_response(&encoded, &ParseOptions::default()), value);
    value
}

/// Parses one command from the start of `input`.
///
/// # Errors
/// [`ParseError`] when the bytes cannot be a command.
pub fn command(input: &Bytes, options: &ParseOptions) -> Result<Status<Command>, ParseError> {
    run(input, options, command::command)
}

/// Parses one response (status, data or continuation request) from the start of
/// `input`.
///
/// # Errors
/// [`ParseError`] when the bytes cannot be a response.
pub fn response(input: &Bytes, options: &ParseOptions) -> Result<Status<Response>, ParseError> {
    run(input, options, response::response)
}

/// Parses a greeting: an untagged OK, PREAUTH or BYE.
///
/// # Errors
/// [`ParseError`] when the bytes are not a greeting.
pub fn greeting(input: &Bytes, options: &ParseOptions) -> Result<Status<Response>, ParseError> {
    run(input, options, |r| {
        let response = response::response(r)?;
        match &response {
            Response::Status(status) if status.tag.is_none() => Ok(response),
            _ => Err(ParseError::new(ParseErrorKind::Expected("greeting"), 0)),
        }
    })
}

/// Parses a line a client sends during AUTHENTICATE: base64 or `*`.
///
/// # Errors
/// [`ParseError`] when the line is neither.
pub fn authenticate_data(
    input: &Bytes,
    options: &ParseOptions,
) -> Result<Status<AuthenticateData>, ParseError> {
    run(input, options, command::authenticate_data)
}

/// Parses the `DONE` line that ends IDLE (case-insensitive).
///
/// # Errors
/// [`ParseError`] when the line is not `DONE`.
pub fn idle_done(input: &Bytes, options: &ParseOptions) -> Result<Status<()>, ParseError> {
    run(input, options, command::idle_done)
}

/// Parses the head of an APPEND whose literal is streamed: `buf[..head]` of
/// [`Progress::LiteralStarted`](crate::framing::Progress::LiteralStarted), i.e.
/// `tag APPEND mailbox [flags] [date] [UTF8 (]{n}` and CRLF.
///
/// # Errors
/// [`ParseError`] when the head is not an APPEND head.
pub fn append_head(
    head: &Bytes,
    options: &ParseOptions,
) -> Result<Status<crate::types::AppendHead>, ParseError> {
    run(head, options, command::append_head)
}

/// Parses the head of a further MULTIAPPEND message, streamed after the previous
/// one's data: `[")"] SP [flags] [date] [UTF8 (]{n}` and CRLF. `after_utf8` tells
/// whether the previous message was wrapped in `UTF8 (...)`.
///
/// # Errors
/// [`ParseError`] when the bytes are not such a head.
pub fn append_next(
    head: &Bytes,
    after_utf8: bool,
    options: &ParseOptions,
) -> Result<Status<crate::types::AppendPart>, ParseError> {
    run(head, options, |r| command::append_next(r, after_utf8))
}

/// Parses the tail that ends a streamed APPEND: `[")"]` and CRLF.
///
/// # Errors
/// [`ParseError`] when the tail holds anything else.
pub fn append_end(
    tail: &Bytes,
    after_utf8: bool,
    options: &ParseOptions,
) -> Result<Status<()>, ParseError> {
    run(tail, options, |r| command::append_end(r, after_utf8))
}

/// Parses the head of a FETCH response whose literal is streamed (`buf[..head]` of
/// [`Progress::LiteralStarted`](crate::framing::Progress::LiteralStarted)):
/// `* n FETCH (items... BODY[section] {n}` and CRLF.
///
/// # Errors
/// [`ParseError`] when the bytes are not such a head.
pub fn fetch_head(
    head: &Bytes,
    options: &ParseOptions,
) -> Result<Status<crate::types::FetchHead>, ParseError> {
    run(head, options, fetch::fetch_head)
}

/// Parses the head of a further streamed item of the same FETCH response, after the
/// previous literal's data: ` items... BODY[2] {n}` and CRLF.
///
/// # Errors
/// [`ParseError`] when the bytes are not such a head.
pub fn fetch_next(
    head: &Bytes,
    options: &ParseOptions,
) -> Result<Status<crate::types::FetchHead>, ParseError> {
    run(head, options, fetch::fetch_next)
}

/// Parses the tail that ends a streamed FETCH response: the remaining items, `)` and
/// CRLF.
///
/// # Errors
/// [`ParseError`] when the tail is malformed.
pub fn fetch_end(
    tail: &Bytes,
    options: &ParseOptions,
) -> Result<Status<Vec<crate::types::FetchItem>>, ParseError> {
    run(tail, options, fetch::fetch_end)
}

/// Recovers the tag of a message that failed to parse, so a server can answer
/// `<tag> BAD`. Returns `None` when the message does not start with a valid tag.
pub fn tag_of(message: &[u8]) -> Option<crate::types::Tag> {
    let end = message
        .iter()
        .position(|&b| !(crate::types::is_astring_char(b) && b != b'+'))?;
    if end == 0 || message[end] != b' ' {
        return None;
    }
    crate::types::Tag::new(Bytes::copy_from_slice(&message[..end])).ok()
}
