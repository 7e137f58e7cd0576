use bytes::Bytes;

use super::{
    AuthMechanism, ForwardPath, Host, MailParameters, Parameters, RcptParameters, ReversePath,
    Secret, Text,
};

/// One SMTP/LMTP command line (without its CRLF).
///
/// Parsed by [`crate::parse::command`], encoded by [`crate::encode::command`]. Verbs are
/// case-insensitive on input and encoded in upper case. A well-formed line with a verb this
/// crate does not know is [`Command::Unknown`] (the server answers 500 5.5.1 or implements it);
/// a known verb with bad arguments is a [`ParseError`](crate::ParseError).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// `HELO <domain>` (RFC 5321 §4.1.1.1).
    Helo {
        /// The client's claimed name. Strictly a `Domain`; see
        /// [`ParseOptions`](crate::parse::ParseOptions) for lenience.
        host: Host,
    },
    /// `EHLO <domain / address-literal>` (RFC 5321 §4.1.1.1).
    Ehlo {
        /// The client's claimed name or address.
        host: Host,
    },
    /// `LHLO <domain / address-literal>` (RFC 2033 §4.1), the LMTP greeting.
    Lhlo {
        /// The client's claimed name or address.
        host: Host,
    },
    /// `MAIL FROM:<reverse-path> [parameters]` (RFC 5321 §4.1.1.2).
    Mail {
        /// The reverse-path (`<>` or a mailbox).
        from: ReversePath,
        /// Typed ESMTP parameters (boxed when there are any).
        parameters: Parameters<MailParameters>,
    },
    /// `RCPT TO:<forward-path> [parameters]` (RFC 5321 §4.1.1.3).
    Rcpt {
        /// The forward-path (`<Postmaster>` or a mailbox).
        to: ForwardPath,
        /// Typed ESMTP parameters (boxed when there are any).
        parameters: Parameters<RcptParameters>,
    },
    /// `DATA` (RFC 5321 §4.1.1.4).
    Data,
    /// `BDAT <size> [LAST]` (RFC 3030 CHUNKING). The `size` octets follow the line.
    Bdat {
        /// Chunk size in octets, as announced (never allocate from it).
        size: u64,
        /// `LAST`: this is the final chunk.
        last: bool,
    },
    /// `RSET` (RFC 5321 §4.1.1.5).
    Rset,
    /// `VRFY <string> [SMTPUTF8]` (RFC 5321 §4.1.1.6, RFC 6531 §3.7.4).
    Vrfy {
        /// The user name or mailbox to verify (an `Atom` or `Quoted-string`, as written).
        string: Text,
        /// The RFC 6531 `SMTPUTF8` parameter.
        smtputf8: bool,
    },
    /// `EXPN <string> [SMTPUTF8]` (RFC 5321 §4.1.1.7, RFC 6531 §3.7.4).
    Expn {
        /// The mailing list to expand (as written).
        string: Text,
        /// The RFC 6531 `SMTPUTF8` parameter.
        smtputf8: bool,
    },
    /// `HELP [string]` (RFC 5321 §4.1.1.8).
    Help {
        /// The optional topic.
        topic: Option<Text>,
    },
    /// `NOOP [string]` (RFC 5321 §4.1.1.9).
    Noop {
        /// The optional argument (ignored by servers).
        string: Option<Text>,
    },
    /// `QUIT` (RFC 5321 §4.1.1.10).
    Quit,
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// `AUTH <mechanism> [initial-response]` (RFC 4954 §4).
    Auth {
        /// The SASL mechanism.
        mechanism: AuthMechanism,
        /// The base64-decoded initial response. `Some(empty)` is the `=` form (an empty
        /// response); `None` means the client waits for a `334` challenge.
        initial_response: Option<Secret>,
    },
    /// `ETRN <node>` (RFC 1985): `@domain`, `#queue` or `domain`, kept as written.
    Etrn {
        /// The node or queue name.
        name: Text,
    },
    /// A syntactically valid command with a verb this crate does not know (XCLIENT, BURL,
    /// ATRN, ...), kept as received.
    Unknown {
        /// The verb (letters, digits, `-`), as received.
        verb: Text,
        /// Everything after the first space (may be empty). Printable bytes without CR, LF or
        /// NUL; not necessarily UTF-8.
        arguments: Bytes,
    },
}

impl Command {
    /// The verb in upper case (`MAIL`, `STARTTLS`, ...); `Unknown` gives it as received.
    pub fn verb(&self) -> &str {
        match self {
            Command::Helo { .. } => "HELO",
            Command::Ehlo { .. } => "EHLO",
            Command::Lhlo { .. } => "LHLO",
            Command::Mail { .. } => "MAIL",
            Command::Rcpt { .. } => "RCPT",
            Command::Data => "DATA",
            Command::Bdat { .. } => "BDAT",
            Command::Rset => "RSET",
            Command::Vrfy { .. } => "VRFY",
            Command::Expn { .. } => "EXPN",
            Command::Help { .. } => "HELP",
            Command::Noop { .. } => "NOOP",
            Command::Quit => "QUIT",
            Command::StartTls => "STARTTLS",
            Command::Auth { .. } => "AUTH",
            Command::Etrn { .. } => "ETRN",
            Command::Unknown { verb, .. } => verb.as_str(),
        }
    }

    /// True for commands that RFC 2920 §3.1 allows anywhere in a pipelined group (their reply
    /// does not change what follows): MAIL, RCPT, RSET, NOOP, ... — i.e. not EHLO, HELO, LHLO,
    /// DATA, BDAT, VRFY, EXPN, AUTH, STARTTLS, QUIT, ETRN or an unknown verb, which "can only
    /// appear as the last command in a group".
    pub fn may_continue_pipeline(&self) -> bool {
        matches!(
            self,
            Command::Mail { .. } | Command::Rcpt { .. } | Command::Rset | Command::Noop { .. }
        )
    }
}
