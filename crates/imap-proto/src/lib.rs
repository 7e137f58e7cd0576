//! IMAP4rev2 (RFC 9051) and IMAP4rev1 (RFC 3501) wire layer: types, parsing, encoding
//! and framing, sans-IO.
//!
//! This crate performs no I/O and never reads the clock.
//!
//! ```
//! use bytes::Bytes;
//! use imap_proto::encode::Encoder;
//! use imap_proto::parse::{self, ParseOptions, Status};
//! use imap_proto::types::{CommandBody, Response};
//!
//! let options = ParseOptions::default();
//! let wire = Bytes::from_static(b"a1 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n");
//! let Status::Complete { value: command, len } = parse::command(&wire, &options).unwrap() else {
//!     unreachable!("a complete command");
//! };
//! assert_eq!(len, wire.len());
//! assert!(matches!(command.body, CommandBody::Fetch { uid: true, .. }));
//! // Every parsed value encodes back to the same value.
//! let encoded = Encoder::default().command(&command);
//! let again = parse::command(&encoded.to_bytes(), &options).unwrap();
//! assert_eq!(again, Status::Complete { value: command, len: encoded.len() });
//!
//! let wire = Bytes::from_static(b"* 3 FETCH (UID 7 FLAGS (\\Seen))\r\n");
//! let Status::Complete { value: Response::Data(_), .. } = parse::response(&wire, &options).unwrap() else {
//!     unreachable!("untagged data");
//! };
//! ```
//!
//! # Layers
//!
//! | module | what it does |
//! |---|---|
//! | [`framing`] | splits a byte stream into messages (lines plus `{n}`/`{n+}`/`~{n}` literals), enforces [`framing::Limits`], reports synchronising literals that wait for `+`, optionally streams big literals in pieces; [`framing::split_stream`] walks a recorded stream with offsets |
//! | [`parse`] | parses one message into [`types`]; long strings and literals share the message's [`bytes::Bytes`], short strings are stored inline; [`parse::ParseOptions`] holds nesting depth, item count and documented leniences; [`parse::ClientStreamParser`] knows when SASL lines and `DONE` are due; [`parse::append_head`] and [`parse::fetch_head`] and friends parse messages whose literals are streamed |
//! | [`encode`] | writes any value back, choosing atom, quoted string, synchronising literal, LITERAL+/LITERAL-, literal8 or quoted UTF-8 from the peer's capabilities, and yields line/literal fragments |
//! | [`types`] | one type model for IMAP4rev2 and IMAP4rev1 plus every extension, always compiled |
//! | [`error`] | `ParseError { kind, offset }`, `FramingError`, `ValidationError` |
//!
//! # Extensions
//!
//! LITERAL+ and LITERAL- (RFC 7888), IDLE (2177), ID (2971), UIDPLUS (4315), MOVE (6851),
//! CONDSTORE and QRESYNC (7162), ENABLE (5161), NAMESPACE (2342), SPECIAL-USE and
//! CREATE-SPECIAL-USE (6154), LIST-EXTENDED (5258), LIST-STATUS (5819), ESEARCH (4731),
//! SEARCHRES (5182), SASL-IR (4959), UNSELECT (3691), QUOTA (9208), METADATA (5464), SORT
//! and THREAD (5256) with ESORT's RETURN options (5267), BINARY (3516), UTF8=ACCEPT (6855),
//! OBJECTID (8474), STATUS=SIZE (8438), SAVEDATE (8514), APPENDLIMIT (7889), COMPRESS=DEFLATE
//! (4978, the command), UNAUTHENTICATE (8437), MULTIAPPEND (3502), WITHIN (5032), PARTIAL
//! (9394, in SEARCH and SORT RETURN, ESEARCH and as a FETCH modifier), PREVIEW (8970) and
//! Gmail's X-GM-EXT-1 (X-GM-MSGID, X-GM-THRID, X-GM-LABELS, X-GM-RAW). Unknown capabilities,
//! response codes, FETCH items and untagged data are kept raw.
//!
//! # Features
//!
//! | feature | default | what |
//! |---|---|---|
//! | `testing` | no | proptest strategies for the types ([`testing`]) |
//! | `codec` | no | tokio-util `Decoder`/`Encoder` ([`codec`]) |
//!
//! # Driving it from a session
//!
//! A server keeps a [`framing::Framer`] over its receive buffer. On
//! [`framing::Progress::ContinuationNeeded`] it writes `+ ...` (or calls
//! [`framing::Framer::reject_literal`] and answers `NO`); on
//! [`framing::Progress::Message`] it splits the bytes off (`split_to(len).freeze()`)
//! and parses them with [`parse::ClientStreamParser`]; on
//! [`framing::Progress::Discard`] it drops the bytes and answers with
//! [`FramingError::to_response`] (tag from [`parse::tag_of`]). A client encodes with
//! [`encode::Encoder`] and sends [`encode::Encoded::fragments`] one by one, waiting for
//! `+` after each fragment that `awaits_continuation`.
//!
//! # Security
//!
//! Peer bytes never panic, never allocate from an announced literal size, and never
//! recurse deeper than [`parse::ParseOptions::max_depth`]. A malformed or oversized
//! message is dropped alone; the stream stays in sync. Errors carry a byte offset and
//! map once to their wire answer (`to_response`).

#[cfg(feature = "codec")]
pub mod codec;
pub mod encode;
pub mod error;
pub mod framing;
pub mod parse;
#[cfg(feature = "testing")]
pub mod testing;
pub mod types;

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub use error::{FramingError, ParseError, ParseErrorKind, ValidationError};
pub use types::{Command, CommandBody, Response};
