//! Encoding any value back to the wire, choosing forms from the peer's capabilities.
//!
//! The [`Encoder`] picks, for every string, the cheapest form the peer accepts: an atom
//! where the grammar allows one, a quoted string (with UTF-8 only when the peer speaks
//! IMAP4rev2 or has enabled UTF8=ACCEPT), a non-synchronising literal under LITERAL+
//! (or LITERAL- up to 4096 bytes), a literal8 for data with NUL, and otherwise a
//! synchronising literal. A client must wait for a continuation request after each
//! synchronising literal announcement: [`Encoded::fragments`] cuts the output there.
//!
//! ```
//! use imap_proto::encode::{Encoder, PeerCapabilities};
//! use imap_proto::types::{AString, Command, CommandBody, Secret, Tag};
//!
//! let login = Command {
//!     tag: Tag::try_from("a1").unwrap(),
//!     body: CommandBody::Login {
//!         username: AString::try_from("joe").unwrap(),
//!         password: Secret::new(AString::try_from("p\u{e4}ss").unwrap()),
//!     },
//! };
//! let plain = Encoder::default().command(&login);
//! let fragments: Vec<_> = plain.fragments().collect();
//! assert_eq!(&fragments[0].data[..], b"a1 LOGIN joe {5}\r\n");
//! assert!(fragments[0].awaits_continuation);
//! assert_eq!(&fragments[1].data[..], "p\u{e4}ss\r\n".as_bytes());
//!
//! let mut caps = PeerCapabilities::default();
//! caps.utf8 = true; // IMAP4rev2, or UTF8=ACCEPT enabled
//! let rev2 = Encoder::new(caps);
//! assert_eq!(&rev2.command(&login).to_bytes()[..], "a1 LOGIN joe \"p\u{e4}ss\"\r\n".as_bytes());
//! ```

mod command;
mod common;
mod fetch;
mod response;
mod writer;

use bytes::{Bytes, BytesMut};

use crate::types::{Capability, Command, Response};
use writer::Writer;

/// What the peer accepts, as far as encoding is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PeerCapabilities {
    /// LITERAL+ (RFC 7888): every literal may be non-synchronising.
    pub literal_plus: bool,
    /// LITERAL- (RFC 7888): literals up to 4096 bytes may be non-synchronising.
    pub literal_minus: bool,
    /// Quoted strings may carry UTF-8 (IMAP4rev2, or UTF8=ACCEPT enabled).
    pub utf8: bool,
    /// literal8 may be used (BINARY, RFC 3516): an APPEND message holding NUL is then
    /// sent as `~{n}` even when its `binary` flag is off.
    pub binary: bool,
}

impl PeerCapabilities {
    /// Derives the encoding capabilities from a server's CAPABILITY list.
    /// `utf8_enabled` tells whether `ENABLE UTF8=ACCEPT` succeeded.
    pub fn from_capabilities(capabilities: &[Capability], utf8_enabled: bool) -> Self {
        let has = |wanted: &Capability| capabilities.contains(wanted);
        Self {
            literal_plus: has(&Capability::LiteralPlus),
            literal_minus: has(&Capability::LiteralMinus) || has(&Capability::Imap4Rev2),
            utf8: utf8_enabled || has(&Capability::Imap4Rev2),
            binary: has(&Capability::Binary) || has(&Capability::Imap4Rev2),
        }
    }

    /// How mailbox names must be written to this peer: UTF-8 under IMAP4rev2 or
    /// UTF8=ACCEPT, modified UTF-7 otherwise (use with
    /// [`Mailbox::from_unicode`](crate::types::Mailbox::from_unicode)).
    pub fn name_encoding(&self) -> crate::types::NameEncoding {
        if self.utf8 {
            crate::types::NameEncoding::Utf8
        } else {
            crate::types::NameEncoding::ModifiedUtf7
        }
    }
}

/// Largest literal sent without synchronisation under LITERAL- (RFC 7888 section 4).
pub const LITERAL_MINUS_MAX: usize = 4096;

/// Longest string written as a quoted string; longer ones become literals (several
/// servers cap quoted strings near 1 KiB).
pub const QUOTED_MAX: usize = 1024;

/// Encodes commands (client side) and responses (server side).
#[derive(Debug, Clone, Copy, Default)]
pub struct Encoder {
    peer: PeerCapabilities,
}

impl Encoder {
    /// An encoder for a peer with these capabilities.
    pub fn new(peer: PeerCapabilities) -> Self {
        Self { peer }
    }

    /// The capabilities in force.
    pub fn peer(&self) -> PeerCapabilities {
        self.peer
    }

    /// Encodes a command.
    pub fn command(&self, command: &Command) -> Encoded {
        let mut out = BytesMut::new();
        let sync_points = self.write_command(command, &mut out);
        Encoded {
            bytes: out.freeze(),
            sync_points,
        }
    }

    /// Appends a command to `dst`; returns the offsets (relative to where this command
    /// starts in `dst`) right after each synchronising literal announcement, where the
    /// sender must wait for a continuation request.
    pub fn write_command(&self, command: &Command, dst: &mut BytesMut) -> Vec<usize> {
        let mut writer = Writer::new(dst, self.peer, false);
        command::command(&mut writer, command);
        writer.finish()
    }

    /// Encodes a response. Responses never wait for continuation requests.
    pub fn response(&self, response: &Response) -> Encoded {
        let mut out = BytesMut::new();
        self.write_response(response, &mut out);
        Encoded {
            bytes: out.freeze(),
            sync_points: Vec::new(),
        }
    }

    /// Encodes a line sent during AUTHENTICATE (base64, or `*` to cancel).
    pub fn authenticate_data(&self, data: &crate::types::AuthenticateData) -> Bytes {
        let mut out = BytesMut::new();
        let mut writer = Writer::new(&mut out, self.peer, false);
        command::authenticate_data(&mut writer, data);
        writer.finish();
        out.freeze()
    }

    /// Appends a response to `dst`.
    pub fn write_response(&self, response: &Response, dst: &mut BytesMut) {
        let mut writer = Writer::new(dst, self.peer, true);
        response::response(&mut writer, response);
        writer.finish();
    }
}

/// An encoded message and the places where its sender must wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    bytes: Bytes,
    sync_points: Vec<usize>,
}

/// A piece of an encoded message: send `data`, then, if `awaits_continuation`, wait for
/// the server's `+` before sending the next piece.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fragment {
    /// Bytes to send.
    pub data: Bytes,
    /// `data` ends with a synchronising literal announcement.
    pub awaits_continuation: bool,
}

impl Encoded {
    /// All bytes, as if every continuation request had been granted.
    pub fn to_bytes(&self) -> Bytes {
        self.bytes.clone()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether nothing was encoded.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Offsets after which the sender must wait for a continuation request.
    pub fn sync_points(&self) -> &[usize] {
        &self.sync_points
    }

    /// The message cut at its synchronisation points.
    pub fn fragments(&self) -> impl Iterator<Item = Fragment> + '_ {
        let mut start = 0;
        let mut points = self.sync_points.iter();
        std::iter::from_fn(move || {
            if start >= self.bytes.len() {
                return None;
            }
            match points.next() {
                Some(&end) => {
                    let data = self.bytes.slice(start..end);
                    start = end;
                    Some(Fragment {
                        data,
                        awaits_continuation: true,
                    })
                }
                None => {
                    let data = self.bytes.slice(start..);
                    start = self.bytes.len();
                    Some(Fragment {
                        data,
                        awaits_continuation: false,
                    })
                }
            }
        })
    }
}
