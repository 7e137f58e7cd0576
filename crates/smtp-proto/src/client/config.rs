//! Client configuration.

use std::time::Duration;

use crate::parse::ReplyOptions;
use crate::types::{Host, Text};

/// Client timeouts (RFC 5321 §4.5.3.2): how long to wait for each kind of reply.
///
/// The "data block" timeout of §4.5.3.2.5 (3 minutes for each TCP send of message content)
/// is about the transport's writes, which the session does not see: the driver applies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// The `220` greeting (§4.5.3.2.1: 5 minutes).
    pub greeting: Duration,
    /// The reply to MAIL (§4.5.3.2.2: 5 minutes).
    pub mail: Duration,
    /// The reply to each RCPT (§4.5.3.2.3: 5 minutes).
    pub rcpt: Duration,
    /// The `354` reply to DATA (§4.5.3.2.4: 2 minutes).
    pub data_initiation: Duration,
    /// The reply after the end of the message content, `.` or the last BDAT
    /// (§4.5.3.2.6: 10 minutes).
    pub data_termination: Duration,
    /// Any other reply (EHLO, STARTTLS, AUTH, RSET, QUIT, ...). RFC 5321 names none; 5 minutes
    /// like MAIL.
    pub command: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            greeting: Duration::from_secs(5 * 60),
            mail: Duration::from_secs(5 * 60),
            rcpt: Duration::from_secs(5 * 60),
            data_initiation: Duration::from_secs(2 * 60),
            data_termination: Duration::from_secs(10 * 60),
            command: Duration::from_secs(5 * 60),
        }
    }
}

/// Configuration of a [`Client`](super::Client).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The name sent with EHLO/HELO/LHLO (RFC 5321 §4.1.1.1: the client's FQDN, or an address
    /// literal).
    pub hello_host: Host,
    /// Speak LMTP (RFC 2033): LHLO, no HELO fallback, one reply per accepted recipient after
    /// the content.
    pub lmtp: bool,
    /// Pipeline the envelope (MAIL, all RCPTs, DATA in one flight) when the server offers
    /// PIPELINING (RFC 2920).
    pub pipelining: bool,
    /// Send message content with BDAT (RFC 3030, no dot-stuffing) when the server offers both
    /// CHUNKING and PIPELINING; otherwise DATA is used.
    pub chunking: bool,
    /// Limits for reading replies.
    pub reply_options: ReplyOptions,
    /// Receive buffer size above which `wants_input()` turns false.
    pub max_receive_buffer: usize,
    /// Longest AUTH command line with an initial response (RFC 4954 §4 says clients should
    /// keep to the 512-octet command line limit; longer responses go after the `334`).
    pub max_initial_response_line: usize,
    /// Timeouts.
    pub timeouts: Timeouts,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            hello_host: Host::Other(Text::from_static("localhost")),
            lmtp: false,
            pipelining: true,
            chunking: false,
            reply_options: ReplyOptions::default(),
            max_receive_buffer: 64 * 1024,
            max_initial_response_line: 512,
            timeouts: Timeouts::default(),
        }
    }
}
