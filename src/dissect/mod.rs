//! A dissector for captured mail protocol byte streams: the engine of the `dissect` program.
//!
//! A stream is cut into messages exactly as a peer would read it, with state: after `DATA` comes
//! a dot-terminated body, after `BDAT n` n octets, after POP3 `RETR` a multi-line response, after
//! an IMAP `{n}` a literal. Each message is described in one line; with `--roundtrip` each is also
//! re-encoded and re-parsed, and any difference in meaning is an error.

mod imap;
mod pop3;
mod smtp;

use std::fmt;

/// Which protocol the bytes speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum Protocol {
    /// SMTP (RFC 5321).
    Smtp,
    /// LMTP (RFC 2033).
    Lmtp,
    /// POP3 (RFC 1939).
    Pop3,
    /// IMAP4rev2 / IMAP4rev1.
    Imap,
}

/// Who sent the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum Sender {
    /// The client: commands (and DATA bodies, literals).
    Client,
    /// The server: greetings, replies, responses (and multi-line bodies).
    Server,
}

/// How to parse.
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct Options {
    /// Re-encode every message and re-parse it; a difference is an error.
    pub roundtrip: bool,
    /// Use the crates' documented lenient options and larger limits instead of the strict
    /// RFC defaults.
    pub lenient: bool,
}

/// One parsed message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Byte offset of its first octet in the stream.
    pub offset: usize,
    /// Its length in octets, line ends included.
    pub len: usize,
    /// What it is, in one line.
    pub description: String,
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.offset, self.len, self.description)
    }
}

/// How the stream ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Every byte was parsed.
    Complete,
    /// The bytes at `offset` cannot be parsed.
    Error {
        /// Where.
        offset: usize,
        /// Why.
        reason: String,
    },
    /// The stream ends inside a message that starts at `offset`.
    Incomplete {
        /// Where the unfinished message starts.
        offset: usize,
    },
}

/// The messages found and how the stream ended.
#[derive(Clone, Debug)]
pub struct Dissection {
    /// The messages, in stream order.
    pub items: Vec<Item>,
    /// How it ended.
    pub outcome: Outcome,
}

/// Cuts `input` into messages.
pub fn dissect(protocol: Protocol, sender: Sender, input: &[u8], options: Options) -> Dissection {
    let mut items = Vec::new();
    let outcome = match (protocol, sender) {
        (Protocol::Smtp | Protocol::Lmtp, Sender::Client) => {
            smtp::client(input, options, &mut items)
        }
        (Protocol::Smtp | Protocol::Lmtp, Sender::Server) => {
            smtp::server(input, options, &mut items)
        }
        (Protocol::Pop3, Sender::Client) => pop3::client(input, options, &mut items),
        (Protocol::Pop3, Sender::Server) => pop3::server(input, options, &mut items),
        (Protocol::Imap, sender) => imap::dissect(input, sender, options, &mut items),
    };
    Dissection { items, outcome }
}

/// The CRLF line at `pos`: its content without CRLF and its length with CRLF, or how the
/// stream stops there (incomplete, too long, a bare LF).
fn crlf_line(input: &[u8], pos: usize, max: usize) -> Result<(&[u8], usize), Outcome> {
    let rest = &input[pos..];
    let Some(lf) = memchr::memchr(b'\n', rest) else {
        return Err(Outcome::Incomplete { offset: pos });
    };
    let len = lf + 1;
    if len > max {
        return Err(Outcome::Error {
            offset: pos,
            reason: format!("line longer than {max} octets"),
        });
    }
    if lf == 0 || rest[lf - 1] != b'\r' {
        return Err(Outcome::Error {
            offset: pos + lf,
            reason: "bare LF, lines end with CRLF".into(),
        });
    }
    Ok((&rest[..lf - 1], len))
}

/// Shortens a description to one readable line.
fn one_line(s: &str) -> String {
    const MAX: usize = 160;
    let s = s
        .trim_end_matches(['\r', '\n'])
        .replace("\r\n", "\\r\\n")
        .replace('\n', "\\n");
    if s.len() <= MAX {
        return s;
    }
    let mut cut = MAX;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", &s[..cut])
}
