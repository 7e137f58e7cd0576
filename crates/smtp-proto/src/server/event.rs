//! What the server session reports: events, why it ended, and its state.

use bytes::Bytes;

use crate::session::RequestId;
use crate::types::EnhancedStatusCode as Esc;
use crate::types::{
    AuthMechanism, Command, ForwardPath, Host, MailParameters, RcptParameters, Reply, ReplyCode,
    ReversePath, Secret,
};

/// Which greeting command the client used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HelloKind {
    /// `HELO` (RFC 5321): no extensions.
    Helo,
    /// `EHLO` (RFC 5321): extensions offered.
    Ehlo,
    /// `LHLO` (RFC 2033): LMTP.
    Lhlo,
}

/// One accepted recipient of an LMTP transaction, waiting for its own reply after the data
/// (RFC 2033 §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LmtpRecipient {
    /// The id to answer with [`Server::accept`](super::Server::accept) or
    /// [`Server::reject`](super::Server::reject).
    pub id: RequestId,
    /// The id of the RCPT command that added this recipient.
    pub rcpt_id: RequestId,
    /// The recipient.
    pub forward_path: ForwardPath,
}

/// Why the session refused message content by itself (the application gets no decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataFailure {
    /// The content exceeded [`Config::max_message_size`](super::Config::max_message_size):
    /// answered `552 5.3.4` after the content ended (RFC 1870 §6.3).
    TooLarge {
        /// The limit in octets.
        limit: u64,
    },
    /// The content held a bare CR or LF under
    /// [`BareLineEndings::Reject`](super::BareLineEndings::Reject): answered `554 5.6.0`
    /// after the content ended.
    BareLineEnding,
}

impl DataFailure {
    /// The reply the session sends for this failure.
    #[must_use]
    pub fn reply(self) -> Reply {
        match self {
            DataFailure::TooLarge { .. } => Reply::from_static(
                ReplyCode::EXCEEDED_STORAGE,
                Some(Esc::MESSAGE_TOO_BIG),
                "Message size exceeds fixed maximum message size",
            ),
            DataFailure::BareLineEnding => Reply::from_static(
                ReplyCode::TRANSACTION_FAILED,
                Some(Esc::MEDIA_ERROR),
                "Bare CR or LF in message content, use CRLF",
            ),
        }
    }
}

/// Something the server session reports to the application, in wire order.
///
/// Events that carry an `id` and say "answer" wait for a decision:
/// [`Server::accept`](super::Server::accept), [`Server::reject`](super::Server::reject) or
/// [`Server::reply`](super::Server::reply). Replies reach the wire in command order whatever
/// order the decisions come in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// HELO, EHLO or LHLO was received. Answer: `accept` sends `250` (with the capability list
    /// for EHLO/LHLO); `reject` refuses the name. Accepting ends any transaction in progress.
    HelloReceived {
        /// The request.
        id: RequestId,
        /// Which command.
        kind: HelloKind,
        /// The name the client gave.
        host: Host,
    },
    /// MAIL FROM was received and is in sequence. Answer: `accept` sends `250 2.1.0`.
    MailFromReceived {
        /// The request.
        id: RequestId,
        /// The sender (`<>` for bounces).
        reverse_path: ReversePath,
        /// Typed ESMTP parameters.
        parameters: MailParameters,
    },
    /// RCPT TO was received and is in sequence. Answer: `accept` sends `250 2.1.5`. Several
    /// pipelined RCPT commands may be outstanding at once.
    RcptToReceived {
        /// The request.
        id: RequestId,
        /// The recipient.
        forward_path: ForwardPath,
        /// Typed ESMTP parameters.
        parameters: RcptParameters,
    },
    /// Message content starts (after `354` for DATA, or with the first BDAT chunk). No answer.
    DataStarted {
        /// The DATA or first BDAT request.
        id: RequestId,
    },
    /// A piece of message content, dot-unstuffed (DATA) or as sent (BDAT). No answer.
    DataChunk {
        /// The DATA or current BDAT request.
        id: RequestId,
        /// The content.
        data: Bytes,
    },
    /// The message content is complete. Answer: SMTP — `accept` sends `250 2.0.0` for the whole
    /// message; LMTP — answer every id in `lmtp_recipients` (answering `id` itself answers all
    /// of them that are still open).
    DataEnded {
        /// The DATA or last BDAT request.
        id: RequestId,
        /// Content octets received (after dot-unstuffing).
        size: u64,
        /// LMTP only: one reply slot per accepted recipient, in RCPT order. Empty for SMTP.
        lmtp_recipients: Vec<LmtpRecipient>,
    },
    /// The session refused the message content by itself and has already queued its reply;
    /// the application should drop what it collected. No answer.
    DataRejected {
        /// The DATA or BDAT request.
        id: RequestId,
        /// Why.
        reason: DataFailure,
    },
    /// A step of an AUTH exchange (RFC 4954). Answer with
    /// [`Server::auth_challenge`](super::Server::auth_challenge) (a `334`), `accept`
    /// (`235 2.7.0`) or `reject` (e.g. `535 5.7.8`). The same `id` is used for every step.
    AuthStep {
        /// The AUTH request.
        id: RequestId,
        /// The mechanism the client chose (one of those offered).
        mechanism: AuthMechanism,
        /// The client's decoded response: the initial response on the first step (`None` when
        /// the client sent none), then the answer to each challenge.
        response: Option<Secret>,
    },
    /// The client cancelled the AUTH exchange with `*`; the session answered `501 5.7.0`.
    AuthCancelled {
        /// The AUTH request.
        id: RequestId,
    },
    /// Another command for the application to answer with [`Server::reply`](super::Server::reply)
    /// (`accept` sends a generic `250`): ETRN, and VRFY, EXPN and HELP when delegated.
    CommandReceived {
        /// The request.
        id: RequestId,
        /// The command.
        command: Command,
    },
    /// The transaction in progress was reset (RSET, HELO/EHLO, STARTTLS, or the end of the
    /// message). No answer.
    TransactionReset,
    /// The session accepted STARTTLS and queued `220`: write out `poll_transmit`, run the TLS
    /// handshake, then call [`Server::handle_tls_established`](super::Server::handle_tls_established).
    TlsUpgradeRequested,
    /// Bytes received in clear text after STARTTLS and before the TLS handshake were thrown
    /// away (the CVE-2011-0411 command injection).
    PlaintextDiscarded {
        /// How many octets.
        len: usize,
    },
    /// The session ended; [`Server::poll_transmit`](super::Server::poll_transmit) may still
    /// hold the last reply (`221` or `421`) to write before closing the connection.
    Closed {
        /// Why.
        reason: Error,
    },
}

/// Which wait timed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Waiting for a command.
    Command,
    /// Waiting for message content.
    DataBlock,
}

/// Why a server session ended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client sent QUIT (answered `221 2.0.0`). This is the clean end.
    #[error("the client quit")]
    Quit,
    /// The client closed the connection without QUIT.
    #[error("the client closed the connection")]
    PeerClosed,
    /// The client was silent too long (answered `421 4.4.2`).
    #[error("timeout while waiting for {phase:?}")]
    Timeout {
        /// The wait that timed out.
        phase: TimeoutPhase,
    },
    /// Too many invalid commands in a row (answered `421 4.7.0`).
    #[error("too many invalid commands ({limit})")]
    TooManyBadCommands {
        /// The configured limit.
        limit: u32,
    },
    /// The application ended the session with [`Server::close`](super::Server::close).
    #[error("closed by the application")]
    Shutdown,
    /// The greeting refused service (`554`) and the client quit or was closed.
    #[error("service refused at greeting")]
    ServiceRefused,
}

impl Error {
    /// The reply the session sends on the wire for this reason, if any.
    #[must_use]
    pub fn reply(&self) -> Option<Reply> {
        match self {
            Error::Quit | Error::ServiceRefused => {
                Some(Reply::from_static(ReplyCode::CLOSING, Some(Esc::OK), "Bye"))
            }
            Error::Timeout { .. } => Some(Reply::from_static(
                ReplyCode::SERVICE_NOT_AVAILABLE,
                Some(Esc::BAD_CONNECTION),
                "Timeout, closing connection",
            )),
            Error::TooManyBadCommands { .. } => Some(Reply::from_static(
                ReplyCode::SERVICE_NOT_AVAILABLE,
                Esc::new(4, 7, 0),
                "Too many errors, closing connection",
            )),
            Error::PeerClosed | Error::Shutdown => None,
        }
    }
}

/// Where the server session is (decided state; commands parsed ahead and not yet answered do
/// not count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    /// The greeting has not been sent yet ([`Server::greet`](super::Server::greet)).
    Greeting,
    /// Waiting for HELO/EHLO/LHLO.
    Connected,
    /// Greeted, no transaction.
    Ready,
    /// MAIL accepted; recipients being collected.
    Transaction,
    /// Receiving message content (DATA or BDAT).
    ReceivingData,
    /// In an AUTH exchange.
    Authenticating,
    /// STARTTLS accepted, waiting for the handshake.
    TlsHandshake,
    /// Ended.
    Closed,
}
