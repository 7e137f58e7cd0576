//! Server configuration: what is offered, the limits and the timeouts.

use std::time::Duration;

pub use crate::framing::BareLineEndings;
use crate::parse::ParseOptions;
use crate::types::AuthMechanism;

/// The ESMTP extensions the server offers in its EHLO/LHLO reply (RFC 5321 §4.1.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Extensions {
    /// `PIPELINING` (RFC 2920). The server always answers pipelined commands in order; this
    /// only controls the advertisement.
    pub pipelining: bool,
    /// `8BITMIME` (RFC 6152).
    pub eight_bit_mime: bool,
    /// `SMTPUTF8` (RFC 6531).
    pub smtputf8: bool,
    /// `ENHANCEDSTATUSCODES` (RFC 2034): the session's own replies carry enhanced codes.
    pub enhanced_status_codes: bool,
    /// `CHUNKING` (RFC 3030): BDAT.
    pub chunking: bool,
    /// `BINARYMIME` (RFC 3030); only advertised together with `chunking`.
    pub binary_mime: bool,
    /// `DSN` (RFC 3461).
    pub dsn: bool,
    /// `STARTTLS` (RFC 3207): offered until TLS is active. Only set this when the driver can
    /// perform the handshake.
    pub starttls: bool,
    /// `REQUIRETLS` (RFC 8689): advertised only once TLS is active.
    pub requiretls: bool,
    /// `AUTH` mechanisms (RFC 4954), in the order offered; empty means no AUTH.
    pub auth: Vec<AuthMechanism>,
    /// `ETRN` (RFC 1985): ETRN commands are passed to the application.
    pub etrn: bool,
}

impl Default for Extensions {
    fn default() -> Self {
        Self {
            pipelining: true,
            eight_bit_mime: true,
            smtputf8: true,
            enhanced_status_codes: true,
            chunking: true,
            binary_mime: false,
            dsn: true,
            starttls: false,
            requiretls: false,
            auth: Vec::new(),
            etrn: false,
        }
    }
}

/// Server timeouts (RFC 5321 §4.5.3.2). They run only while the server waits for the client; the
/// time the application takes to decide is not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Waiting for the next command (RFC 5321 §4.5.3.2.7: "at least 5 minutes").
    pub command: Duration,
    /// Waiting for the next block of DATA or BDAT content. RFC 5321 §4.5.3.2.7 asks the server
    /// to wait at least 5 minutes for the sender; the client side waits 3 minutes per block
    /// (§4.5.3.2.5), so 5 minutes is never shorter than what a conforming client expects.
    pub data_block: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            command: Duration::from_secs(5 * 60),
            data_block: Duration::from_secs(5 * 60),
        }
    }
}

/// Configuration of a [`Server`](super::Server).
///
/// Build it with `Config::default()` and set the public fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The server's host name, used in the greeting and the EHLO reply (RFC 5321 §4.1.1.1).
    pub hostname: String,
    /// Speak LMTP (RFC 2033): `LHLO` instead of HELO/EHLO and one reply per accepted recipient
    /// after the message content.
    pub lmtp: bool,
    /// Queue the `220` greeting when the session is created. When false the application sends
    /// it with [`Server::greet`](super::Server::greet) (for example after a reputation check,
    /// or a `554` refusal as RFC 5321 §3.1 allows).
    pub greet_on_start: bool,
    /// Text of the default greeting after the host name.
    pub greeting_text: String,
    /// The extensions offered.
    pub extensions: Extensions,
    /// Longest command line in octets including CRLF (RFC 5321 §4.5.3.1.4: 512; extensions
    /// such as SIZE and DSN parameters may need more, so the default leaves room).
    pub max_command_line: usize,
    /// Longest line during an AUTH exchange in octets including CRLF (RFC 4954 §4: 12288).
    pub max_auth_line: usize,
    /// Largest message in octets (after dot-unstuffing), advertised as `SIZE n` (RFC 1870).
    /// `None` means no limit, and `SIZE` is not advertised.
    pub max_message_size: Option<u64>,
    /// Most recipients per transaction (RFC 5321 §4.5.3.1.8: at least 100 must be accepted).
    pub max_recipients: usize,
    /// Most commands parsed ahead and waiting for their turn (PIPELINING, RFC 2920). When
    /// reached the session stops reading (`wants_input()` turns false) until the application
    /// answers.
    pub max_pipelined_commands: usize,
    /// Receive buffer size in octets above which `wants_input()` turns false.
    pub max_receive_buffer: usize,
    /// Invalid commands in a row before the session answers `421 4.7.0` and closes.
    pub max_bad_commands: u32,
    /// What to do with a bare CR or LF inside DATA content. RFC 5321 §2.3.8 allows only CRLF;
    /// accepting bare line endings is what made "SMTP smuggling" possible, so the default
    /// ([`BareLineEndings::Reject`]) reads the message to its real end and refuses it with
    /// `554 5.6.0`. Whatever the policy, only `<CRLF>.<CRLF>` ends the content.
    pub bare_line_endings: BareLineEndings,
    /// Command parsing lenience (strict RFC 5321 by default). The session sets
    /// `smtputf8` itself per transaction.
    pub parse_options: ParseOptions,
    /// Refuse MAIL with `530 5.7.0` until the client authenticated (RFC 4954 §6).
    pub require_auth: bool,
    /// Offer AUTH only once TLS is active (RFC 4954 §4 and RFC 8314: do not send passwords in
    /// clear text).
    pub auth_requires_tls: bool,
    /// Pass VRFY and EXPN to the application as [`Event::CommandReceived`](super::Event). When
    /// false the session answers `252 2.5.0` itself (RFC 5321 §3.5.3).
    pub delegate_vrfy_expn: bool,
    /// Pass HELP to the application. When false the session answers `214 2.0.0` itself.
    pub delegate_help: bool,
    /// Pass commands with an unknown verb (XCLIENT, BURL, ...) to the application as
    /// [`Event::CommandReceived`](super::Event). When false the session answers
    /// `500 5.5.1` and counts a bad command.
    pub delegate_unknown_commands: bool,
    /// Hand MAIL/RCPT parameters this crate does not know (kept in `other`) to the application
    /// instead of refusing them with `555 5.5.4` (RFC 5321 §4.1.1.11). For proxies and for
    /// extensions the application implements itself.
    pub pass_unknown_parameters: bool,
    /// Timeouts.
    pub timeouts: Timeouts,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            hostname: String::from("localhost"),
            lmtp: false,
            greet_on_start: true,
            greeting_text: String::from("Service ready"),
            extensions: Extensions::default(),
            // 512 is the RFC 5321 minimum; RFC 1870 and RFC 3461 parameters each add to it
            // (RFC 5321 §4.5.3.1.4 asks to allow for that), 4096 covers every real client.
            max_command_line: 4096,
            max_auth_line: 12288,
            // 25 MiB, a common default for MX servers (RFC 5321 §4.5.3.1.7 requires 64 KiB).
            max_message_size: Some(25 * 1024 * 1024),
            max_recipients: 100,
            max_pipelined_commands: 256,
            max_receive_buffer: 64 * 1024,
            max_bad_commands: 10,
            bare_line_endings: BareLineEndings::Reject,
            parse_options: ParseOptions::default(),
            require_auth: false,
            auth_requires_tls: false,
            delegate_vrfy_expn: false,
            delegate_help: false,
            delegate_unknown_commands: false,
            pass_unknown_parameters: false,
            timeouts: Timeouts::default(),
        }
    }
}
