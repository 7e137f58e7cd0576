//! What the client session reports: events, transaction outcomes, why it ended, its state.

use crate::ParseError;
use crate::session::RequestId;
use crate::types::{ForwardPath, MailParameters, RcptParameters, Reply, ReversePath, Secret};

/// A mail transaction to send: the envelope (RFC 5321 §3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Envelope {
    /// The sender (`<>` for bounces).
    pub reverse_path: ReversePath,
    /// MAIL parameters (SIZE, BODY, SMTPUTF8, DSN RET/ENVID, ...).
    pub parameters: MailParameters,
    /// Recipients with their RCPT parameters (DSN NOTIFY/ORCPT, ...), in order.
    pub recipients: Vec<(ForwardPath, RcptParameters)>,
    /// What to do when some recipients are refused (default:
    /// [`RecipientPolicy::Accepted`]).
    pub recipient_policy: RecipientPolicy,
}

impl Envelope {
    /// An envelope without parameters.
    #[must_use]
    pub fn new(reverse_path: ReversePath, recipients: Vec<ForwardPath>) -> Self {
        Self {
            reverse_path,
            parameters: MailParameters::default(),
            recipients: recipients
                .into_iter()
                .map(|r| (r, RcptParameters::default()))
                .collect(),
            recipient_policy: RecipientPolicy::default(),
        }
    }

    /// The same envelope with another [`RecipientPolicy`].
    #[must_use]
    pub fn with_recipient_policy(mut self, policy: RecipientPolicy) -> Self {
        self.recipient_policy = policy;
        self
    }
}

/// What the client does once every RCPT has been answered and some were refused.
///
/// RFC 5321 §3.3 lets a transaction go on with the recipients that were accepted; a client
/// that wants all or nothing aborts it with RSET instead, as in the aborted-transaction
/// scenario of RFC 5321 Appendix D.2 (§4.1.1.5: RSET discards the sender, the recipients and
/// any content). When no recipient at all is accepted the session never sends the content and
/// resets the transaction, whatever the policy.
///
/// Every policy but [`RecipientPolicy::Accepted`] needs the RCPT replies before DATA: once
/// a server has answered `354`, the content can be ended but not withdrawn (RFC 5321
/// §4.1.1.4), and ending it delivers to the accepted recipients. So DATA is then not
/// pipelined with the RCPTs (RFC 2920 §3.1 puts it last in a group), which costs one round
/// trip with PIPELINING. The RCPTs themselves are all sent, also after a
/// refusal, so the outcome has a reply for every recipient.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecipientPolicy {
    /// Send the content to the recipients that were accepted (RFC 5321 §3.3); the refused
    /// ones keep their RCPT reply in the outcome.
    #[default]
    Accepted,
    /// All or nothing: if any recipient is refused, send RSET instead of the content
    /// (RFC 5321 Appendix D.2). The outcome ends with [`TransactionEnd::Aborted`].
    RequireAll,
    /// Ask the application: after the last RCPT reply, if at least one recipient was
    /// accepted, the session emits [`Event::RecipientsAnswered`] and waits for
    /// [`Client::proceed`](super::Client::proceed) (send the content) or
    /// [`Client::abort`](super::Client::abort) (send RSET).
    Confirm,
}

/// How a mail transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransactionEnd {
    /// The content was sent and the server answered it; each accepted recipient's `data`
    /// holds that answer (RFC 5321 §4.1.1.4, or RFC 2033 §4.2 per recipient for LMTP).
    Sent,
    /// The server refused the transaction before the content: MAIL, every RCPT, or DATA (or
    /// the first BDAT) was refused. The session reset the transaction with RSET when MAIL
    /// had been accepted.
    Refused,
    /// The client aborted the transaction with RSET before the content (RFC 5321 Appendix
    /// D.2): [`RecipientPolicy::RequireAll`] with a refused recipient, or
    /// [`Client::abort`](super::Client::abort). No recipient got the message.
    Aborted,
    /// The session ended (a `421`, the connection closed, a timeout,
    /// [`Client::close`](super::Client::close)) before the transaction did. Recipients whose
    /// `data` is `None` did not get the message: an SMTP server takes responsibility for a
    /// message only with its final reply (RFC 5321 §4.1.1.4). The reply that interrupted,
    /// if any, is kept where it answered (`mail`, a recipient's `rcpt` or `data`, or
    /// `data_start`).
    Interrupted,
}

/// What happened to one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecipientOutcome {
    /// The recipient.
    pub forward_path: ForwardPath,
    /// The reply to its RCPT (`None` if RCPT was never sent, e.g. MAIL failed without
    /// pipelining).
    pub rcpt: Option<Reply>,
    /// The reply about the message for this recipient: the reply after the content (SMTP: the
    /// same for every accepted recipient; LMTP: this recipient's own). `None` when the
    /// recipient was refused or no content was sent.
    pub data: Option<Reply>,
}

impl RecipientOutcome {
    /// The reply that decides this recipient: the data reply when there is one, else the RCPT
    /// reply.
    #[must_use]
    pub fn final_reply(&self) -> Option<&Reply> {
        self.data.as_ref().or(self.rcpt.as_ref())
    }

    /// True when the message was accepted for this recipient.
    #[must_use]
    pub fn is_delivered(&self) -> bool {
        self.data.as_ref().is_some_and(Reply::is_positive)
    }
}

/// The result of a mail transaction, per recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransactionOutcome {
    /// The reply to MAIL.
    pub mail: Option<Reply>,
    /// One entry per recipient, in envelope order.
    pub recipients: Vec<RecipientOutcome>,
    /// The reply to DATA (`354`, or its refusal), or to the first refused BDAT chunk.
    pub data_start: Option<Reply>,
    /// The reply to the RSET the session sent to reset the transaction on the server
    /// (RFC 5321 §4.1.1.5), when it sent one.
    pub rset: Option<Reply>,
    /// How the transaction ended.
    pub end: TransactionEnd,
}

impl TransactionOutcome {
    /// True when every recipient got the message.
    #[must_use]
    pub fn all_delivered(&self) -> bool {
        !self.recipients.is_empty() && self.recipients.iter().all(RecipientOutcome::is_delivered)
    }
}

/// Credentials for AUTH (RFC 4954).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// PLAIN (RFC 4616).
    Plain {
        /// Identity to act as (usually `None`).
        authzid: Option<String>,
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// LOGIN (user name and password after two `334` prompts).
    Login {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
    },
    /// XOAUTH2 (Google, Microsoft).
    XOAuth2 {
        /// User (mail address).
        username: String,
        /// OAuth 2 access token.
        token: Secret,
    },
    /// OAUTHBEARER (RFC 7628).
    OAuthBearer {
        /// User (mail address), sent as the GS2 authzid.
        username: String,
        /// OAuth 2 access token.
        token: Secret,
    },
}

/// Something the client session reports, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The server's `220` greeting arrived; the session sends EHLO (LHLO) by itself.
    GreetingReceived {
        /// The greeting.
        reply: Reply,
    },
    /// EHLO (or the HELO fallback, or LHLO) was accepted; [`Client::capabilities`](super::Client::capabilities)
    /// is up to date and the session is ready for commands. Comes again after STARTTLS.
    HelloCompleted {
        /// The server's reply.
        reply: Reply,
    },
    /// The server accepted STARTTLS: run the TLS handshake on the connection, then call
    /// [`Client::handle_tls_established`](super::Client::handle_tls_established).
    TlsUpgradeReady,
    /// Bytes the server sent after its `220` to STARTTLS and before the handshake were thrown
    /// away (the response injection class of bug).
    PlaintextDiscarded {
        /// How many octets.
        len: usize,
    },
    /// The final reply to a command sent with [`Client::send`](super::Client::send),
    /// [`Client::auth`](super::Client::auth) or a refused [`Client::starttls`](super::Client::starttls).
    ReplyReceived {
        /// The request.
        id: RequestId,
        /// The reply.
        reply: Reply,
    },
    /// The server is ready for the message content of a transaction started with
    /// [`Client::send_mail`](super::Client::send_mail): call
    /// [`Client::send_data`](super::Client::send_data) and then
    /// [`Client::finish_data`](super::Client::finish_data).
    DataRequested {
        /// The transaction.
        id: RequestId,
    },
    /// Every RCPT of a transaction whose envelope asked for
    /// [`RecipientPolicy::Confirm`] has been answered and at least one recipient was
    /// accepted: call [`Client::proceed`](super::Client::proceed) to send the content or
    /// [`Client::abort`](super::Client::abort) to reset the transaction. Nothing is sent
    /// until then.
    RecipientsAnswered {
        /// The transaction.
        id: RequestId,
        /// The replies so far (`mail`, and `rcpt` for every recipient).
        outcome: TransactionOutcome,
    },
    /// A transaction ended; the outcome has one result per recipient. A transaction cut
    /// short by the end of the session completes (with [`TransactionEnd::Interrupted`])
    /// right before [`Event::Closed`].
    TransactionCompleted {
        /// The transaction.
        id: RequestId,
        /// What happened.
        outcome: TransactionOutcome,
    },
    /// The session ended. Write out [`Client::poll_transmit`](super::Client::poll_transmit)
    /// (it may hold a QUIT) and close the connection.
    Closed {
        /// Why.
        reason: Error,
    },
}

/// Which wait timed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// The greeting.
    Greeting,
    /// The MAIL reply.
    Mail,
    /// A RCPT reply.
    Rcpt,
    /// The `354` to DATA.
    DataInitiation,
    /// The reply after the content.
    DataTermination,
    /// Another reply.
    Command,
}

/// Why a client session ended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// QUIT was sent and answered (or the server closed after it). The clean end.
    #[error("session ended with QUIT")]
    Quit,
    /// The greeting was not `220` (e.g. `554`, RFC 5321 §3.1).
    #[error("the server refused service: {reply}")]
    GreetingRefused {
        /// The greeting.
        reply: Reply,
    },
    /// EHLO and the HELO fallback (or LHLO) were refused.
    #[error("the server refused HELO/EHLO: {reply}")]
    HelloRejected {
        /// The last refusal.
        reply: Reply,
    },
    /// The server said `421`: it is closing the connection (RFC 5321 §3.8). Requests still
    /// outstanding are abandoned.
    #[error("the server is closing the connection: {reply}")]
    ServiceNotAvailable {
        /// The 421 reply.
        reply: Reply,
    },
    /// The server sent bytes that are not a valid reply.
    #[error("malformed reply: {0}")]
    Protocol(#[source] ParseError),
    /// The server sent a reply nobody asked for, or a kind of reply that makes no sense at
    /// that point (a `334` outside AUTH, a `354` outside DATA).
    #[error("unexpected reply: {reply}")]
    UnexpectedReply {
        /// The reply.
        reply: Reply,
    },
    /// A reply did not come in time (RFC 5321 §4.5.3.2).
    #[error("timeout waiting for the {phase:?} reply")]
    Timeout {
        /// The wait.
        phase: TimeoutPhase,
    },
    /// The server closed the connection.
    #[error("the server closed the connection")]
    PeerClosed,
    /// The application closed the session with [`Client::close`](super::Client::close).
    #[error("closed by the application")]
    Shutdown,
}

/// Where the client session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    /// Waiting for the greeting.
    Greeting,
    /// EHLO/HELO/LHLO sent, waiting for the reply.
    Hello,
    /// Ready for a command.
    Ready,
    /// A command (generic, AUTH or STARTTLS) is waiting for its reply.
    Busy,
    /// STARTTLS accepted: the handshake is running.
    TlsHandshake,
    /// A mail transaction is in progress.
    Transaction,
    /// Ended.
    Closed,
}
