//! The SMTP/LMTP server session (RFC 5321, RFC 2033).
//!
//! A [`Server`] reads the client's bytes, owns the protocol rules (sequencing, pipelining order,
//! DATA and BDAT framing, size limits, STARTTLS, timeouts) and asks the application for every
//! policy decision through [`Event`]s, answered with [`Server::accept`], [`Server::reject`],
//! [`Server::reply`] and [`Server::auth_challenge`].
//!
//! # Pipelining
//!
//! Commands are parsed ahead (up to [`Config::max_pipelined_commands`]); each is handed to the
//! application once every command before it has been answered, except that consecutive RCPT
//! commands are handed out together so recipient checks can run concurrently. Replies are
//! written in command order whatever order the answers come in, and output is released (by
//! [`Server::poll_transmit`]) only when the session waits for the client again, so a pipelined
//! group gets its replies in one write (RFC 2920 §3.2). DATA, BDAT, AUTH, STARTTLS and QUIT end
//! a group: nothing after them is parsed before they are handled.

mod config;
mod event;
mod process;
mod reply;
pub mod sasl;

use std::collections::VecDeque;
use std::time::Instant;

use bytes::{Bytes, BytesMut};

pub use self::config::{BareLineEndings, Config, Extensions, Timeouts};
pub use self::event::{DataFailure, Error, Event, HelloKind, LmtpRecipient, State, TimeoutPhase};
pub use crate::session::{ApiMisuse, RequestId};

use crate::ParseError;
use crate::parse::ParseOptions;
use crate::session::{Clock, IdAllocator, wire};
use crate::types::{AuthMechanism, Body, Capability, ForwardPath, Host, Reply};

use self::reply as canned;

/// Events waiting to be taken above which [`Server::wants_input`] turns false, so message
/// content does not pile up in the event queue of an application that does not drain it.
const MAX_QUEUED_EVENTS: usize = 1024;

/// What a queued request still needs.
#[derive(Debug)]
enum Status {
    /// Parsed, not yet handled (waiting for earlier requests to be answered).
    Queued(Result<Bytes, ParseError>),
    /// Handed to the application, waiting for its answer.
    AwaitingApp,
    /// Waiting for more bytes from the client (message content, an AUTH line).
    AwaitingClient,
    /// Answered; the reply is written when every earlier reply has been.
    Decided(Reply),
}

/// What kind of answer a request takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A command whose kind is not known yet (still queued) or that needs no decision.
    Plain,
    Hello(HelloKind),
    Mail,
    Rcpt,
    /// DATA or the last BDAT, after the content: the message reply.
    MessageEnd,
    /// One LMTP per-recipient reply after the content; `group` is the DATA/BDAT id.
    LmtpRecipient {
        group: RequestId,
    },
    Auth,
    /// ETRN, delegated VRFY/EXPN/HELP.
    Generic,
}

#[derive(Debug)]
struct Slot {
    id: RequestId,
    kind: Kind,
    status: Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RcptState {
    Pending,
    Accepted,
    Rejected,
}

#[derive(Debug)]
struct Recipient {
    id: RequestId,
    forward_path: ForwardPath,
    state: RcptState,
}

/// The mail transaction in progress (RFC 5321 §3.3).
#[derive(Debug, Default)]
struct Transaction {
    body: Option<Body>,
    smtputf8: bool,
    recipients: Vec<Recipient>,
    /// BDAT chunks have been accepted for this transaction.
    bdat_started: bool,
    /// Content octets received so far by BDAT.
    bdat_size: u64,
}

impl Transaction {
    fn accepted(&self) -> usize {
        self.recipients
            .iter()
            .filter(|r| r.state == RcptState::Accepted)
            .count()
    }
}

/// What the input bytes mean right now.
#[derive(Debug)]
enum Mode {
    /// Command lines.
    Command,
    /// DATA content until `<CRLF>.<CRLF>`.
    Data {
        id: RequestId,
        reader: crate::framing::DataReader,
    },
    /// A BDAT chunk of `remaining` octets; `discard` holds the reply when the chunk is refused.
    Bdat {
        id: RequestId,
        remaining: u64,
        last: bool,
        discard: Option<Reply>,
        failure: Option<DataFailure>,
    },
    /// An AUTH exchange; `awaiting_line` once a challenge was sent.
    Auth {
        id: RequestId,
        mechanism: AuthMechanism,
        awaiting_line: bool,
    },
    /// STARTTLS accepted: every byte until the handshake is discarded.
    TlsHandshake,
    /// Ended.
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Greeting {
    /// Not sent yet ([`Config::greet_on_start`] is false).
    Pending,
    Sent,
    /// `554` sent: only QUIT is served (RFC 5321 §3.1).
    Refused,
}

/// An SMTP or LMTP server session. See the [module docs](self) and the
/// [crate docs](crate#driving-a-session) for how to drive it.
#[derive(Debug)]
pub struct Server {
    config: Config,
    parse_options: ParseOptions,
    clock: Clock,
    ids: IdAllocator,
    rbuf: BytesMut,
    out: BytesMut,
    events: VecDeque<Event>,
    queue: VecDeque<Slot>,
    mode: Mode,
    greeting: Greeting,
    hello: Option<(HelloKind, Host)>,
    tls: bool,
    authenticated: bool,
    transaction: Option<Transaction>,
    /// The HELO/EHLO/LHLO handed to the application and not answered yet.
    pending_hello: Option<(RequestId, Host)>,
    /// The transaction a MAIL handed to the application would open.
    pending_transaction: Option<Transaction>,
    /// A command that ends a pipelined group (DATA, BDAT, AUTH, STARTTLS, QUIT) is queued:
    /// parse nothing after it until it is handled.
    barrier: bool,
    /// Discarding the rest of an over-long line.
    discarding_line: bool,
    bad_commands: u32,
    /// Since when the session has been waiting for the client (for the timeouts).
    waiting_since: Instant,
}

impl Server {
    /// Creates a session for a new connection (for implicit TLS, after the handshake, followed
    /// by [`Server::set_implicit_tls`]).
    ///
    /// With [`Config::greet_on_start`] the `220` greeting is queued at once.
    #[must_use]
    pub fn new(config: Config, now: Instant) -> Self {
        let parse_options = config.parse_options;
        let greet = config.greet_on_start;
        let mut server = Self {
            config,
            parse_options,
            clock: Clock::new(now),
            ids: IdAllocator::default(),
            rbuf: BytesMut::new(),
            out: BytesMut::new(),
            events: VecDeque::new(),
            queue: VecDeque::new(),
            mode: Mode::Command,
            greeting: Greeting::Pending,
            hello: None,
            tls: false,
            authenticated: false,
            transaction: None,
            pending_hello: None,
            pending_transaction: None,
            barrier: false,
            discarding_line: false,
            bad_commands: 0,
            waiting_since: now,
        };
        if greet {
            let reply = server.default_greeting();
            wire::encode_reply(&reply, &mut server.out);
            server.greeting = Greeting::Sent;
        }
        server
    }

    /// Marks the connection as already protected by TLS (implicit TLS, RFC 8314), so STARTTLS
    /// is not offered and TLS-only extensions are. Call it right after [`Server::new`].
    pub fn set_implicit_tls(&mut self) {
        self.tls = true;
    }

    /// Sends the greeting when [`Config::greet_on_start`] is false: `None` sends the default
    /// `220`; a `554` reply refuses service (the session then only accepts QUIT, RFC 5321 §3.1).
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::WrongState`] if the greeting was already sent, [`ApiMisuse::InvalidReply`]
    /// for a code other than 220, 421 or 554, [`ApiMisuse::Closed`] after the end.
    pub fn greet(&mut self, now: Instant, reply: Option<Reply>) -> Result<(), ApiMisuse> {
        let now = self.clock.observe(now);
        if self.is_closed() {
            return Err(ApiMisuse::Closed);
        }
        if self.greeting != Greeting::Pending {
            return Err(ApiMisuse::WrongState("the greeting was already sent"));
        }
        let reply = reply.unwrap_or_else(|| self.default_greeting());
        match reply.code().get() {
            220 => self.greeting = Greeting::Sent,
            554 => self.greeting = Greeting::Refused,
            421 => {
                wire::encode_reply(&reply, &mut self.out);
                self.close_with(Error::Shutdown, None);
                return Ok(());
            }
            _ => return Err(ApiMisuse::InvalidReply("a greeting is 220, 421 or 554")),
        }
        wire::encode_reply(&reply, &mut self.out);
        self.waiting_since = now;
        self.process(now);
        Ok(())
    }

    // ------------------------------------------------------------------------------------
    // inputs
    // ------------------------------------------------------------------------------------

    /// Feeds bytes received from the client.
    ///
    /// Peer misbehaviour never surfaces as an error here: it becomes a queued reply and, when
    /// fatal, a [`Event::Closed`]. Bytes given after the end are ignored.
    pub fn handle_input(&mut self, now: Instant, data: &[u8]) {
        let now = self.clock.observe(now);
        match self.mode {
            Mode::Closed => return,
            Mode::TlsHandshake => {
                if !data.is_empty() {
                    self.events
                        .push_back(Event::PlaintextDiscarded { len: data.len() });
                }
                return;
            }
            _ => {}
        }
        if !data.is_empty() {
            self.waiting_since = now;
        }
        self.rbuf.extend_from_slice(data);
        self.process(now);
    }

    /// Tells the session that the time returned by [`Server::poll_timeout`] has come.
    ///
    /// When a wait has really expired the session queues `421 4.4.2` and closes.
    pub fn handle_timeout(&mut self, now: Instant) {
        let now = self.clock.observe(now);
        if self.poll_timeout().is_some_and(|deadline| now >= deadline) {
            let phase = self.timeout_phase();
            self.close_with(Error::Timeout { phase }, None);
        }
    }

    /// Tells the session that the client closed its side of the connection.
    pub fn handle_eof(&mut self, now: Instant) {
        let _ = self.clock.observe(now);
        if self.is_closed() {
            return;
        }
        self.close_with(Error::PeerClosed, None);
    }

    /// Tells the session that the TLS handshake after STARTTLS completed.
    ///
    /// The session restarts from the state after the greeting (RFC 3207 §4.2): the client must
    /// send EHLO again, STARTTLS is no longer offered, any earlier HELO/EHLO and AUTH are
    /// forgotten.
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::WrongState`] (or [`ApiMisuse::Closed`]) when no STARTTLS handshake is
    /// pending; nothing changes then. For implicit TLS use [`Server::set_implicit_tls`].
    pub fn handle_tls_established(&mut self, now: Instant) -> Result<(), ApiMisuse> {
        let now = self.clock.observe(now);
        if !matches!(self.mode, Mode::TlsHandshake) {
            return Err(if self.is_closed() {
                ApiMisuse::Closed
            } else {
                ApiMisuse::WrongState("no STARTTLS handshake is pending")
            });
        }
        self.tls = true;
        self.mode = Mode::Command;
        self.hello = None;
        self.authenticated = false;
        self.transaction = None;
        self.rbuf.clear();
        self.bad_commands = 0;
        self.waiting_since = now;
        self.process(now);
        Ok(())
    }

    // ------------------------------------------------------------------------------------
    // decisions
    // ------------------------------------------------------------------------------------

    /// Accepts a request with the session's standard positive reply: `250` (with the
    /// capability list for EHLO/LHLO) for HELO, MAIL, RCPT, the message content and generic
    /// commands; `235 2.7.0` for AUTH.
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::UnknownRequest`] if `id` is not waiting for an answer,
    /// [`ApiMisuse::Closed`] after the end.
    pub fn accept(&mut self, now: Instant, id: RequestId) -> Result<(), ApiMisuse> {
        let kind = self.pending_kind(id)?;
        let reply = match kind {
            Kind::Hello(h) => self.hello_reply(h, id),
            Kind::Mail => canned::mail_ok(self.esc()),
            Kind::Rcpt => canned::rcpt_ok(self.esc()),
            Kind::MessageEnd | Kind::LmtpRecipient { .. } => canned::message_ok(self.esc()),
            Kind::Auth => canned::auth_ok(self.esc()),
            Kind::Generic | Kind::Plain => canned::ok(self.esc()),
        };
        self.decide(now, id, reply)
    }

    /// Refuses a request with `reply`, which must be a 4xx or 5xx reply.
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::InvalidReply`] if `reply` is not negative; otherwise as
    /// [`Server::accept`].
    pub fn reject(&mut self, now: Instant, id: RequestId, reply: Reply) -> Result<(), ApiMisuse> {
        let class = reply.code().class();
        if class != 4 && class != 5 {
            return Err(ApiMisuse::InvalidReply("reject takes a 4xx or 5xx reply"));
        }
        self.pending_kind(id)?;
        self.decide(now, id, reply)
    }

    /// Answers a request with any final reply: a 2xx reply accepts (with the given text), a
    /// 4xx/5xx reply refuses. Use [`Server::auth_challenge`] for `334`.
    ///
    /// Replying to the id of an LMTP [`Event::DataEnded`] answers every recipient not yet
    /// answered with the same reply.
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::InvalidReply`] for a 3xx reply; otherwise as [`Server::accept`].
    pub fn reply(&mut self, now: Instant, id: RequestId, reply: Reply) -> Result<(), ApiMisuse> {
        if reply.code().class() == 3 {
            return Err(ApiMisuse::InvalidReply(
                "3xx replies are sent by the session (354) or auth_challenge (334)",
            ));
        }
        self.pending_kind(id)?;
        self.decide(now, id, reply)
    }

    /// Sends a `334` challenge in an AUTH exchange (RFC 4954 §4); `challenge` is base64-encoded
    /// by the session. The client's answer comes as another [`Event::AuthStep`].
    ///
    /// For LOGIN, the prompts are [`sasl::LOGIN_USERNAME_PROMPT`] and
    /// [`sasl::LOGIN_PASSWORD_PROMPT`].
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::WrongAnswer`] if `id` is not an AUTH exchange waiting for the application.
    pub fn auth_challenge(
        &mut self,
        now: Instant,
        id: RequestId,
        challenge: &[u8],
    ) -> Result<(), ApiMisuse> {
        let now = self.clock.observe(now);
        if self.pending_kind(id)? != Kind::Auth {
            return Err(ApiMisuse::WrongAnswer {
                id,
                expected: "only AUTH exchanges take a challenge",
            });
        }
        if let Mode::Auth { awaiting_line, .. } = &mut self.mode {
            *awaiting_line = true;
        }
        if let Some(slot) = self.queue.iter_mut().find(|s| s.id == id) {
            slot.status = Status::AwaitingClient;
        }
        wire::encode_auth_challenge(challenge, &mut self.out);
        self.waiting_since = now;
        self.process(now);
        Ok(())
    }

    /// Ends the session from the application side (for example at shutdown): queues `reply`
    /// (default `421 4.3.0`) after nothing else and closes. Replies still owed are dropped.
    pub fn close(&mut self, now: Instant, reply: Option<Reply>) {
        let _ = self.clock.observe(now);
        if self.is_closed() {
            return;
        }
        let reply = reply.unwrap_or_else(|| canned::shutting_down(self.esc()));
        self.close_with(Error::Shutdown, Some(reply));
    }

    // ------------------------------------------------------------------------------------
    // outputs and getters
    // ------------------------------------------------------------------------------------

    /// Returns the bytes to write to the client, if any are ready.
    ///
    /// Replies to a pipelined group are held until the whole group is answered, then released
    /// together (RFC 2920 §3.2).
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        if self.out.is_empty() || (!self.is_closed() && self.app_pending()) {
            return None;
        }
        Some(self.out.split().freeze())
    }

    /// Returns the next event, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Returns when [`Server::handle_timeout`] should be called next. `None` while the
    /// application owes an answer (its thinking time is not counted), during the TLS handshake
    /// (the driver bounds that), and after the end.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.is_closed()
            || self.app_pending()
            || self.greeting == Greeting::Pending
            || matches!(self.mode, Mode::TlsHandshake)
        {
            return None;
        }
        let t = &self.config.timeouts;
        let d = match self.timeout_phase() {
            TimeoutPhase::Command => t.command,
            TimeoutPhase::DataBlock => t.data_block,
        };
        Some(self.waiting_since + d)
    }

    /// The decided state of the session.
    #[must_use]
    pub fn state(&self) -> State {
        match &self.mode {
            Mode::Closed => State::Closed,
            Mode::TlsHandshake => State::TlsHandshake,
            Mode::Data { .. } | Mode::Bdat { .. } => State::ReceivingData,
            Mode::Auth { .. } => State::Authenticating,
            Mode::Command if self.greeting == Greeting::Pending => State::Greeting,
            Mode::Command if self.hello.is_none() => State::Connected,
            Mode::Command if self.transaction.is_some() => State::Transaction,
            Mode::Command => State::Ready,
        }
    }

    /// The capabilities an EHLO/LHLO reply would list now (they change with TLS and AUTH).
    #[must_use]
    pub fn capabilities(&self) -> Vec<Capability> {
        let x = &self.config.extensions;
        let mut caps = Vec::new();
        if x.pipelining {
            caps.push(Capability::Pipelining);
        }
        if let Some(n) = self.config.max_message_size {
            caps.push(Capability::Size(Some(n)));
        }
        if x.eight_bit_mime {
            caps.push(Capability::EightBitMime);
        }
        if x.smtputf8 {
            caps.push(Capability::SmtpUtf8);
        }
        if x.enhanced_status_codes {
            caps.push(Capability::EnhancedStatusCodes);
        }
        if x.chunking {
            caps.push(Capability::Chunking);
            if x.binary_mime {
                caps.push(Capability::BinaryMime);
            }
        }
        if x.dsn {
            caps.push(Capability::Dsn);
        }
        if x.etrn {
            caps.push(Capability::Etrn);
        }
        if x.starttls && !self.tls {
            caps.push(Capability::StartTls);
        }
        if x.requiretls && self.tls {
            caps.push(Capability::RequireTls);
        }
        if self.auth_offered() {
            caps.push(Capability::Auth(x.auth.clone()));
        }
        caps
    }

    /// True once the session has ended (after [`Event::Closed`]). Drain
    /// [`Server::poll_transmit`] one last time, then close the connection.
    #[must_use]
    pub fn is_closed(&self) -> bool {
        matches!(self.mode, Mode::Closed)
    }

    /// True while the session can take more input. False when the receive buffer holds
    /// [`Config::max_receive_buffer`] octets not yet handled (because the application has not
    /// answered yet), when many events wait in [`Server::poll_event`] (message content not yet
    /// taken), and after the end: stop reading from the socket until it turns true.
    #[must_use]
    pub fn wants_input(&self) -> bool {
        !self.is_closed()
            && self.rbuf.len() < self.config.max_receive_buffer.max(1)
            && self.events.len() < MAX_QUEUED_EVENTS
    }

    /// True when the connection is protected by TLS.
    #[must_use]
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// True once an AUTH exchange succeeded.
    #[must_use]
    pub fn is_authenticated(&self) -> bool {
        self.authenticated
    }

    /// The accepted HELO/EHLO/LHLO, if any.
    #[must_use]
    pub fn hello(&self) -> Option<(HelloKind, &Host)> {
        self.hello.as_ref().map(|(k, h)| (*k, h))
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.config
    }

    // ------------------------------------------------------------------------------------
    // internals
    // ------------------------------------------------------------------------------------

    fn default_greeting(&self) -> Reply {
        let proto = if self.config.lmtp { "LMTP" } else { "ESMTP" };
        canned::greeting(&self.config.hostname, proto, &self.config.greeting_text)
    }

    /// Enhanced status codes are sent when offered (RFC 2034 §3).
    fn esc(&self) -> bool {
        self.config.extensions.enhanced_status_codes
    }

    fn auth_offered(&self) -> bool {
        !self.config.extensions.auth.is_empty() && (self.tls || !self.config.auth_requires_tls)
    }

    fn app_pending(&self) -> bool {
        self.queue
            .iter()
            .any(|s| matches!(s.status, Status::Queued(_) | Status::AwaitingApp))
    }

    fn timeout_phase(&self) -> TimeoutPhase {
        match self.mode {
            Mode::Data { .. } | Mode::Bdat { .. } => TimeoutPhase::DataBlock,
            _ => TimeoutPhase::Command,
        }
    }

    /// Finds a request waiting for the application (or an LMTP group) and gives its kind.
    fn pending_kind(&self, id: RequestId) -> Result<Kind, ApiMisuse> {
        if self.is_closed() {
            return Err(ApiMisuse::Closed);
        }
        if let Some(slot) = self.queue.iter().find(|s| s.id == id) {
            if matches!(slot.status, Status::AwaitingApp) {
                return Ok(slot.kind);
            }
            return Err(ApiMisuse::UnknownRequest(id));
        }
        let group_open = self.queue.iter().any(|s| {
            s.kind == (Kind::LmtpRecipient { group: id }) && matches!(s.status, Status::AwaitingApp)
        });
        if group_open {
            Ok(Kind::MessageEnd)
        } else {
            Err(ApiMisuse::UnknownRequest(id))
        }
    }

    /// Records the application's reply for `id` (already checked to be pending).
    fn decide(&mut self, now: Instant, id: RequestId, reply: Reply) -> Result<(), ApiMisuse> {
        let now = self.clock.observe(now);
        let positive = reply.code().is_positive_completion();
        let Some(pos) = self.queue.iter().position(|s| s.id == id) else {
            // An LMTP group: answer every open recipient.
            for slot in &mut self.queue {
                if slot.kind == (Kind::LmtpRecipient { group: id })
                    && matches!(slot.status, Status::AwaitingApp)
                {
                    slot.status = Status::Decided(reply.clone());
                }
            }
            self.after_decision(now);
            return Ok(());
        };
        let kind = self.queue[pos].kind;
        match kind {
            Kind::Hello(h) => {
                let pending = self.pending_hello.take();
                if positive {
                    if let Some((_, host)) = pending.filter(|(pid, _)| *pid == id) {
                        self.hello = Some((h, host));
                    }
                    self.reset_transaction();
                }
            }
            Kind::Mail => {
                let pending = self.pending_transaction.take();
                if positive {
                    self.transaction = Some(pending.unwrap_or_default());
                }
            }
            Kind::Rcpt => {
                if let Some(t) = &mut self.transaction
                    && let Some(r) = t.recipients.iter_mut().find(|r| r.id == id)
                {
                    r.state = if positive {
                        RcptState::Accepted
                    } else {
                        RcptState::Rejected
                    };
                }
            }
            Kind::Auth => {
                self.mode = Mode::Command;
                if positive {
                    self.authenticated = true;
                }
            }
            Kind::MessageEnd | Kind::LmtpRecipient { .. } | Kind::Generic | Kind::Plain => {}
        }
        self.queue[pos].status = Status::Decided(reply);
        self.after_decision(now);
        Ok(())
    }

    fn after_decision(&mut self, now: Instant) {
        self.process(now);
        if !self.app_pending() {
            self.waiting_since = now;
        }
    }
}
