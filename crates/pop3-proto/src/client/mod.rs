//! The client side: commands out, typed replies and streamed bodies in (RFC 1939, RFC 2449,
//! RFC 2595, RFC 5034, RFC 6856).
//!
//! Commands are queued with [`Client::send`] or the typed helpers and written as soon as the
//! protocol allows: one at a time, or all at once when the server advertised `PIPELINING`
//! (STLS and AUTH always wait for the answers before them, and hold back what follows them).
//! Every answer comes back as [`Event::ReplyReceived`] with the [`RequestId`] the command got;
//! multi-line answers then stream their content ([`Event::BodyChunk`], [`Event::ScanListing`],
//! ...) and end with [`Event::MultiLineEnd`].

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use thiserror::Error;

use crate::auth::{PlainCredentials, XOAuth2Credentials, apop_digest};
use crate::error::{ApiMisuse, ParseError};
use crate::framing::{ContentLineTooLong, DotUnstuffer, Line, LineReader, Unstuffed};
use crate::output::Output;
use crate::parse;
pub use crate::types::RequestId;
use crate::types::{
    Capability, Command, LanguageListing, Mechanism, MessageNumber, Reply, Response, SaslResponse,
    ScanListing, Secret, UniqueIdListing,
};

/// Limits and switches of a client session. Build with `Config::default()` and change fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Longest status or listing line accepted, CRLF included. RFC 2449 §4 caps the first line
    /// of a response at 512 octets; the default 4096 tolerates servers with long texts.
    pub max_reply_line: usize,
    /// Longest line inside a RETR/TOP body. No RFC limit applies to stored mail (RFC 5322's 998
    /// is a SHOULD and real mail breaks it); the default 1 MiB only catches a runaway peer,
    /// memory stays bounded by streaming either way.
    pub max_content_line: usize,
    /// How long to wait for the server while an answer is due (reset by every byte received).
    /// Default 10 minutes, the RFC 1939 §3 autologout minimum of the server side.
    pub response_timeout: Duration,
    /// Commands queued or in flight at most. Default 1024.
    pub max_queued_requests: usize,
    /// The connection is already TLS (implicit TLS, RFC 8314).
    pub tls_active: bool,
    /// Pipeline even before CAPA listed `PIPELINING` (only for servers known to support it).
    pub assume_pipelining: bool,
    /// Commands sent and not yet answered at most while pipelining (RFC 2449 §6.6). A bounded
    /// window keeps the client from writing without end to a server that stops reading while
    /// its own answers go unread (both TCP windows full: a deadlock); further commands wait in
    /// the queue. Default 64.
    pub pipeline_window: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_reply_line: 4096,
            max_content_line: 1 << 20,
            response_timeout: Duration::from_secs(600),
            max_queued_requests: 1024,
            tls_active: false,
            assume_pipelining: false,
            pipeline_window: 64,
        }
    }
}

/// The session state as the client sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    /// Waiting for the greeting.
    Greeting,
    /// Greeted, not logged in.
    Authorization,
    /// Logged in.
    Transaction,
    /// STLS accepted: run the handshake, then [`Client::handle_tls_established`].
    TlsHandshake,
    /// The session has ended.
    Closed,
}

/// How to send an initial SASL response (RFC 5034 §4): Gmail takes it on the AUTH line,
/// Office 365 wants it on a continuation line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InitialResponse {
    /// On the AUTH line (falls back to a continuation when the line would exceed 255 octets,
    /// as RFC 5034 §4 requires).
    #[default]
    Inline,
    /// After the server's first `+` continuation.
    Continuation,
}

/// Something that happened on the session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The server greeted; `greeting.apop_timestamp()` has the APOP timestamp if any.
    GreetingReceived {
        /// The greeting line.
        greeting: Reply,
    },
    /// The status line answering a command.
    ReplyReceived {
        /// The command.
        id: RequestId,
        /// The answer.
        reply: Reply,
    },
    /// A scan listing: the answer to `LIST n`, or one line of `LIST`.
    ScanListing {
        /// The command.
        id: RequestId,
        /// The listing.
        listing: ScanListing,
    },
    /// A unique-id listing: the answer to `UIDL n`, or one line of `UIDL`.
    UniqueIdListing {
        /// The command.
        id: RequestId,
        /// The listing.
        listing: UniqueIdListing,
    },
    /// Message content of RETR or TOP, unstuffed, line endings as sent.
    BodyChunk {
        /// The command.
        id: RequestId,
        /// The bytes.
        data: Bytes,
    },
    /// The capability list of CAPA (also kept: [`Client::capabilities`]).
    CapabilitiesReceived {
        /// The command.
        id: RequestId,
        /// The capabilities.
        capabilities: Vec<Capability>,
    },
    /// One line of a LANG listing.
    LanguageListing {
        /// The command.
        id: RequestId,
        /// The listing.
        listing: LanguageListing,
    },
    /// The mechanisms listed by a bare `AUTH`.
    MechanismsReceived {
        /// The command.
        id: RequestId,
        /// The mechanisms.
        mechanisms: Vec<Mechanism>,
    },
    /// A multi-line answer is complete.
    MultiLineEnd {
        /// The command.
        id: RequestId,
    },
    /// A line of a multi-line answer did not parse and was skipped.
    InvalidLine {
        /// The command.
        id: RequestId,
        /// What was wrong.
        error: ParseError,
    },
    /// A SASL challenge for a mechanism started with [`Client::auth`]: answer with
    /// [`Client::sasl_respond`] or [`Client::sasl_cancel`].
    SaslChallenge {
        /// The AUTH command.
        id: RequestId,
        /// The decoded challenge.
        challenge: Vec<u8>,
    },
    /// STLS was accepted: run the TLS handshake on the connection, then call
    /// [`Client::handle_tls_established`].
    TlsUpgradeReady {
        /// The STLS command.
        id: RequestId,
    },
    /// Bytes the server sent after accepting STLS, before the handshake, were thrown away
    /// (they could be an injection by a man in the middle).
    PlaintextDiscarded {
        /// How many octets.
        octets: usize,
    },
    /// The session ended.
    Closed {
        /// Why, or `None` after the answer to QUIT.
        error: Option<Error>,
    },
}

/// Why a client session ended other than by QUIT.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The greeting was `-ERR`.
    #[error("the server refused the connection: {}", .0.text)]
    Rejected(Reply),
    /// The server sent a line that is not POP3.
    #[error("protocol violation by the server: {0}")]
    Protocol(ParseError),
    /// The server sent a line longer than the limit.
    #[error("server line too long")]
    LineTooLong,
    /// A body line exceeded [`Config::max_content_line`].
    #[error(transparent)]
    ContentLineTooLong(#[from] ContentLineTooLong),
    /// The server sent an answer when none was due (often `-ERR` before closing).
    #[error("unsolicited server line: {}", .0.text)]
    Unsolicited(Reply),
    /// No answer within [`Config::response_timeout`].
    #[error("no answer from the server for {0:?}")]
    Timeout(Duration),
    /// The server closed the connection (a body in progress is incomplete).
    #[error("the server closed the connection")]
    PeerClosed,
}

#[derive(Debug)]
enum Sasl {
    /// Responses to send on the next continuations, in order.
    Scripted {
        responses: VecDeque<Secret<Vec<u8>>>,
        xoauth2: bool,
    },
    /// Challenges go to the application.
    Relay,
}

#[derive(Debug)]
struct Request {
    id: RequestId,
    command: Command,
    sasl: Option<Sasl>,
}

impl Request {
    fn is_barrier(&self) -> bool {
        matches!(self.command, Command::Stls | Command::Auth { .. })
    }
}

#[derive(Debug, Clone, Copy)]
enum Lines {
    Scan,
    UniqueId,
    Capabilities,
    Languages,
    Mechanisms,
}

#[derive(Debug)]
enum Reading {
    Status,
    Body,
    Lines(Lines),
}

/// A POP3 client session. See the crate docs for the drive loop.
#[derive(Debug)]
pub struct Client {
    config: Config,
    state: State,
    reading: Reading,
    reader: LineReader,
    unstuffer: DotUnstuffer,
    rx: BytesMut,
    out: Output,
    events: VecDeque<Event>,
    waiting: VecDeque<Request>,
    in_flight: VecDeque<Request>,
    next_id: u64,
    greeting: Option<Reply>,
    capabilities: Vec<Capability>,
    collected_caps: Vec<Capability>,
    collected_mechs: Vec<Mechanism>,
    tls_active: bool,
    utf8: bool,
    language: Option<String>,
    quit_sent: bool,
    last_rx: Instant,
    now: Instant,
}

/// Capabilities or mechanisms kept from one listing at most (the rest is read and dropped).
const MAX_LISTED: usize = 256;

impl Client {
    /// A session waiting for the server greeting (for implicit TLS, start it after the
    /// handshake and set [`Config::tls_active`]).
    #[must_use]
    pub fn new(config: Config, now: Instant) -> Self {
        Self {
            reader: LineReader::new(config.max_reply_line),
            unstuffer: DotUnstuffer::new(config.max_content_line),
            tls_active: config.tls_active,
            config,
            state: State::Greeting,
            reading: Reading::Status,
            rx: BytesMut::new(),
            out: Output::default(),
            events: VecDeque::new(),
            waiting: VecDeque::new(),
            in_flight: VecDeque::new(),
            next_id: 0,
            greeting: None,
            capabilities: Vec::new(),
            collected_caps: Vec::new(),
            collected_mechs: Vec::new(),
            utf8: false,
            language: None,
            quit_sent: false,
            last_rx: now,
            now,
        }
    }

    // ---- getters -------------------------------------------------------------------------

    /// The session state.
    #[must_use]
    pub const fn state(&self) -> State {
        self.state
    }

    /// Whether the session has ended.
    #[must_use]
    pub const fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed)
    }

    /// Backpressure: whether the driver should read from the server now.
    #[must_use]
    pub const fn wants_input(&self) -> bool {
        !matches!(self.state, State::Closed | State::TlsHandshake)
    }

    /// The greeting, once received.
    #[must_use]
    pub const fn greeting(&self) -> Option<&Reply> {
        self.greeting.as_ref()
    }

    /// The capabilities of the last CAPA answer (cleared by STLS, RFC 2595 §4).
    #[must_use]
    pub fn capabilities(&self) -> &[Capability] {
        &self.capabilities
    }

    /// Whether the last CAPA answer listed `capability` (SASL compared as a whole).
    #[must_use]
    pub fn has_capability(&self, capability: &Capability) -> bool {
        self.capabilities.contains(capability)
    }

    /// Whether the connection is TLS.
    #[must_use]
    pub const fn is_tls(&self) -> bool {
        self.tls_active
    }

    /// Commands queued or waiting for an answer.
    #[must_use]
    pub fn pending_requests(&self) -> usize {
        self.waiting.len() + self.in_flight.len()
    }

    // ---- outputs -------------------------------------------------------------------------

    /// The next bytes to write to the server.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        self.out.poll()
    }

    /// Whether the server accepted `UTF8` (RFC 6856): UTF-8 mode is on.
    #[must_use]
    pub const fn is_utf8(&self) -> bool {
        self.utf8
    }

    /// The language tag the server chose on the last successful `LANG range` (RFC 6856 §3).
    #[must_use]
    pub fn language(&self) -> Option<&str> {
        self.language.as_deref()
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When to call [`Self::handle_timeout`]: while an answer (or the greeting) is due.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let due = match self.state {
            State::Greeting => true,
            State::Closed | State::TlsHandshake => false,
            State::Authorization | State::Transaction => !self.in_flight.is_empty(),
        };
        due.then(|| self.last_rx + self.config.response_timeout)
    }

    // ---- inputs --------------------------------------------------------------------------

    /// Bytes from the server. They are copied into the receive buffer once; bodies are split
    /// out of it without another copy. A driver that owns its read buffer saves that copy with
    /// [`Self::handle_input_owned`].
    pub fn handle_input(&mut self, now: Instant, data: &[u8]) {
        if self.accepts_input(now, data.len()) {
            self.rx.extend_from_slice(data);
            self.process();
        }
    }

    /// Bytes from the server in a buffer the session may keep: the same as
    /// [`Self::handle_input`] without copying when nothing is buffered (a driver that reads
    /// into a `BytesMut` and hands over `split()` moves bodies through with no copy at all).
    pub fn handle_input_owned(&mut self, now: Instant, data: BytesMut) {
        if self.accepts_input(now, data.len()) {
            if self.rx.is_empty() {
                self.rx = data;
            } else {
                self.rx.unsplit(data);
            }
            self.process();
        }
    }

    fn accepts_input(&mut self, now: Instant, len: usize) -> bool {
        self.tick(now);
        if self.is_closed() || len == 0 {
            return false;
        }
        self.last_rx = self.now;
        if self.state == State::TlsHandshake {
            self.events
                .push_back(Event::PlaintextDiscarded { octets: len });
            return false;
        }
        true
    }

    /// The clock moved; ends the session if an answer is overdue.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.tick(now);
        if self
            .poll_timeout()
            .is_some_and(|deadline| self.now >= deadline)
        {
            self.close(Some(Error::Timeout(self.config.response_timeout)));
        }
    }

    /// The server closed the connection.
    pub fn handle_eof(&mut self, now: Instant) {
        self.tick(now);
        self.close(Some(Error::PeerClosed));
    }

    /// The TLS handshake after STLS finished: capabilities are forgotten (RFC 2595 §4; send
    /// CAPA again) and queued commands go out.
    ///
    /// # Errors
    /// [`ApiMisuse::NoTlsUpgrade`] unless STLS was accepted.
    pub fn handle_tls_established(&mut self, now: Instant) -> Result<(), ApiMisuse> {
        self.tick(now);
        if self.state != State::TlsHandshake {
            return Err(ApiMisuse::NoTlsUpgrade);
        }
        self.state = State::Authorization;
        self.tls_active = true;
        self.capabilities.clear();
        self.rx.clear();
        self.reader = LineReader::new(self.config.max_reply_line);
        self.last_rx = self.now;
        self.flush();
        Ok(())
    }

    // ---- commands ------------------------------------------------------------------------

    /// Queues any command. AUTH sent this way relays challenges as [`Event::SaslChallenge`].
    ///
    /// # Errors
    /// [`ApiMisuse::Closed`] after QUIT or the end, [`ApiMisuse::QueueFull`].
    pub fn send(&mut self, now: Instant, command: Command) -> Result<RequestId, ApiMisuse> {
        let sasl = matches!(
            command,
            Command::Auth {
                mechanism: Some(_),
                ..
            }
        )
        .then_some(Sasl::Relay);
        self.enqueue(now, command, sasl)
    }

    /// `CAPA`.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn capa(&mut self, now: Instant) -> Result<RequestId, ApiMisuse> {
        self.send(now, Command::Capa)
    }

    /// `STLS` (RFC 2595).
    ///
    /// # Errors
    /// As [`Self::send`]; [`ApiMisuse::WrongState`] on a TLS connection.
    pub fn stls(&mut self, now: Instant) -> Result<RequestId, ApiMisuse> {
        if self.tls_active {
            return Err(ApiMisuse::WrongState {
                command: "STLS",
                state: "TLS",
            });
        }
        self.send(now, Command::Stls)
    }

    /// `USER name` then `PASS password`; returns the id of PASS (whose reply says whether the
    /// login worked).
    ///
    /// # Errors
    /// As [`Self::send`]; [`ApiMisuse::InvalidValue`] for CR/LF in the values.
    pub fn login(
        &mut self,
        now: Instant,
        name: &str,
        password: &str,
    ) -> Result<RequestId, ApiMisuse> {
        check_text(name)?;
        check_text(password)?;
        if name.contains(' ') || name.is_empty() {
            return Err(ApiMisuse::InvalidValue(
                "user name must be one non-empty word",
            ));
        }
        if self
            .config
            .max_queued_requests
            .saturating_sub(self.pending_requests())
            < 2
        {
            return Err(ApiMisuse::QueueFull);
        }
        self.send(
            now,
            Command::User {
                name: name.to_owned(),
            },
        )?;
        self.send(
            now,
            Command::Pass {
                password: Secret::new(password.to_owned()),
            },
        )
    }

    /// `APOP name digest` with the digest of the greeting timestamp and `secret`.
    ///
    /// # Errors
    /// [`ApiMisuse::NoApopTimestamp`] when the greeting had no timestamp (or has not arrived).
    pub fn apop(
        &mut self,
        now: Instant,
        name: &str,
        secret: &[u8],
    ) -> Result<RequestId, ApiMisuse> {
        check_text(name)?;
        let timestamp = self
            .greeting
            .as_ref()
            .and_then(Reply::apop_timestamp)
            .ok_or(ApiMisuse::NoApopTimestamp)?;
        let digest = apop_digest(timestamp, secret);
        self.send(
            now,
            Command::Apop {
                name: name.to_owned(),
                digest,
            },
        )
    }

    /// `AUTH PLAIN` (RFC 4616) for `user` with `password`.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn auth_plain(
        &mut self,
        now: Instant,
        user: &str,
        password: &str,
        style: InitialResponse,
    ) -> Result<RequestId, ApiMisuse> {
        let message = PlainCredentials {
            authzid: String::new(),
            authcid: user.to_owned(),
            password: Secret::new(password.to_owned()),
        }
        .encode();
        self.scripted_auth(now, Mechanism::plain(), vec![message], style, false)
    }

    /// `AUTH LOGIN`: the user name, then the password, each on a continuation (or the user
    /// name on the AUTH line with [`InitialResponse::Inline`]).
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn auth_login(
        &mut self,
        now: Instant,
        user: &str,
        password: &str,
        style: InitialResponse,
    ) -> Result<RequestId, ApiMisuse> {
        let steps = vec![user.as_bytes().to_vec(), password.as_bytes().to_vec()];
        self.scripted_auth(now, Mechanism::login(), steps, style, false)
    }

    /// `AUTH XOAUTH2` with an OAuth 2.0 bearer token. On failure the server sends an error
    /// challenge, answered with an empty line as the mechanism requires.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn auth_xoauth2(
        &mut self,
        now: Instant,
        user: &str,
        token: &str,
        style: InitialResponse,
    ) -> Result<RequestId, ApiMisuse> {
        let message = XOAuth2Credentials {
            user: user.to_owned(),
            token: Secret::new(token.to_owned()),
        }
        .encode();
        self.scripted_auth(now, Mechanism::xoauth2(), vec![message], style, true)
    }

    /// `AUTH mechanism [initial-response]` for any mechanism; challenges come as
    /// [`Event::SaslChallenge`].
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn auth(
        &mut self,
        now: Instant,
        mechanism: Mechanism,
        initial_response: Option<Vec<u8>>,
    ) -> Result<RequestId, ApiMisuse> {
        let command = Command::Auth {
            mechanism: Some(mechanism),
            initial_response: initial_response.map(Secret::new),
        };
        self.enqueue(now, command, Some(Sasl::Relay))
    }

    /// Answers an [`Event::SaslChallenge`].
    ///
    /// # Errors
    /// [`ApiMisuse::UnknownRequest`] unless `id` is the AUTH exchange in progress.
    pub fn sasl_respond(
        &mut self,
        now: Instant,
        id: RequestId,
        response: &[u8],
    ) -> Result<(), ApiMisuse> {
        self.sasl_line(now, id, &SaslResponse::Data(Secret::new(response.to_vec())))
    }

    /// Cancels the AUTH exchange (`*`); the server answers `-ERR`.
    ///
    /// # Errors
    /// [`ApiMisuse::UnknownRequest`] unless `id` is the AUTH exchange in progress.
    pub fn sasl_cancel(&mut self, now: Instant, id: RequestId) -> Result<(), ApiMisuse> {
        self.sasl_line(now, id, &SaslResponse::Cancel)
    }

    /// `STAT`; the reply's [`Reply::maildrop_stat`] has the numbers.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn stat(&mut self, now: Instant) -> Result<RequestId, ApiMisuse> {
        self.send(now, Command::Stat)
    }

    /// `LIST` or `LIST n`: [`Event::ScanListing`]s.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn list(
        &mut self,
        now: Instant,
        msg: Option<MessageNumber>,
    ) -> Result<RequestId, ApiMisuse> {
        self.send(now, Command::List { msg })
    }

    /// `UIDL` or `UIDL n`: [`Event::UniqueIdListing`]s.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn uidl(
        &mut self,
        now: Instant,
        msg: Option<MessageNumber>,
    ) -> Result<RequestId, ApiMisuse> {
        self.send(now, Command::Uidl { msg })
    }

    /// `RETR n`: [`Event::BodyChunk`]s then [`Event::MultiLineEnd`].
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn retr(&mut self, now: Instant, msg: MessageNumber) -> Result<RequestId, ApiMisuse> {
        self.send(now, Command::Retr { msg })
    }

    /// `TOP n lines`: the header and `lines` body lines as [`Event::BodyChunk`]s.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn top(
        &mut self,
        now: Instant,
        msg: MessageNumber,
        lines: u32,
    ) -> Result<RequestId, ApiMisuse> {
        self.send(now, Command::Top { msg, lines })
    }

    /// `DELE n` (takes effect at QUIT).
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn dele(&mut self, now: Instant, msg: MessageNumber) -> Result<RequestId, ApiMisuse> {
        self.send(now, Command::Dele { msg })
    }

    /// `NOOP`.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn noop(&mut self, now: Instant) -> Result<RequestId, ApiMisuse> {
        self.send(now, Command::Noop)
    }

    /// `RSET`.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn rset(&mut self, now: Instant) -> Result<RequestId, ApiMisuse> {
        self.send(now, Command::Rset)
    }

    /// `UTF8` (RFC 6856 §2.1, AUTHORIZATION state only): UTF-8 mode, needed to read messages
    /// with UTF-8 header fields (the server refuses them with `[UTF8]` until then).
    /// [`Self::is_utf8`] turns true when the server accepts.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn utf8(&mut self, now: Instant) -> Result<RequestId, ApiMisuse> {
        self.send(now, Command::Utf8)
    }

    /// `LANG range` selects the language of the server's human-readable text (RFC 6856 §3;
    /// `*` asks for the server's default); [`Self::language`] then names the tag the server
    /// chose. `LANG` without a range lists the languages as [`Event::LanguageListing`]s.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn lang(&mut self, now: Instant, range: Option<&str>) -> Result<RequestId, ApiMisuse> {
        self.send(
            now,
            Command::Lang {
                tag: range.map(str::to_owned),
            },
        )
    }

    /// `QUIT`: deletes are committed, then the session ends.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn quit(&mut self, now: Instant) -> Result<RequestId, ApiMisuse> {
        self.send(now, Command::Quit)
    }

    // ---- internals -----------------------------------------------------------------------

    fn tick(&mut self, now: Instant) {
        self.now = self.now.max(now);
    }

    fn scripted_auth(
        &mut self,
        now: Instant,
        mechanism: Mechanism,
        steps: Vec<Vec<u8>>,
        style: InitialResponse,
        xoauth2: bool,
    ) -> Result<RequestId, ApiMisuse> {
        let mut responses: VecDeque<Secret<Vec<u8>>> = steps.into_iter().map(Secret::new).collect();
        let mut initial_response = None;
        if style == InitialResponse::Inline
            && let Some(first) = responses.front()
        {
            let candidate = Command::Auth {
                mechanism: Some(mechanism.clone()),
                initial_response: Some(first.clone()),
            };
            // RFC 5034 §4: an AUTH line with its initial response must fit in 255 octets.
            if candidate.to_bytes().len() <= 255 {
                initial_response = responses.pop_front();
            }
        }
        let command = Command::Auth {
            mechanism: Some(mechanism),
            initial_response,
        };
        self.enqueue(now, command, Some(Sasl::Scripted { responses, xoauth2 }))
    }

    fn sasl_line(
        &mut self,
        now: Instant,
        id: RequestId,
        line: &SaslResponse,
    ) -> Result<(), ApiMisuse> {
        self.tick(now);
        match self.in_flight.front() {
            Some(Request {
                id: head,
                sasl: Some(Sasl::Relay),
                ..
            }) if *head == id && !self.is_closed() => {
                line.encode(self.out.lines());
                Ok(())
            }
            _ => Err(if self.is_closed() {
                ApiMisuse::Closed
            } else {
                ApiMisuse::UnknownRequest(id.0)
            }),
        }
    }

    fn enqueue(
        &mut self,
        now: Instant,
        command: Command,
        sasl: Option<Sasl>,
    ) -> Result<RequestId, ApiMisuse> {
        self.tick(now);
        if self.is_closed() || self.quit_sent {
            return Err(ApiMisuse::Closed);
        }
        if self.pending_requests() >= self.config.max_queued_requests {
            return Err(ApiMisuse::QueueFull);
        }
        if let Command::Pass { password } = &command {
            check_text(password.expose())?;
        }
        self.quit_sent = matches!(command, Command::Quit);
        self.next_id += 1;
        let id = RequestId(self.next_id);
        self.waiting.push_back(Request { id, command, sasl });
        self.flush();
        Ok(id)
    }

    fn pipelining(&self) -> bool {
        self.config.assume_pipelining || self.capabilities.contains(&Capability::Pipelining)
    }

    /// Writes the queued commands the protocol allows now.
    fn flush(&mut self) {
        if !matches!(self.state, State::Authorization | State::Transaction) {
            return;
        }
        while let Some(next) = self.waiting.front() {
            let may_send = match self.in_flight.back() {
                None => true,
                Some(last) => {
                    self.pipelining()
                        && !last.is_barrier()
                        && !next.is_barrier()
                        && self.in_flight.len() < self.config.pipeline_window
                }
            };
            if !may_send {
                break;
            }
            let Some(request) = self.waiting.pop_front() else {
                break;
            };
            request.command.encode(self.out.lines());
            self.in_flight.push_back(request);
        }
    }

    fn close(&mut self, error: Option<Error>) {
        if self.is_closed() {
            return;
        }
        self.state = State::Closed;
        self.rx.clear();
        self.waiting.clear();
        self.events.push_back(Event::Closed { error });
    }

    fn process(&mut self) {
        while matches!(
            self.state,
            State::Greeting | State::Authorization | State::Transaction
        ) {
            let progressed = match &mut self.reading {
                Reading::Body => match self.unstuffer.decode(&mut self.rx) {
                    Ok(None) => false,
                    Ok(Some(Unstuffed::Data(data))) => {
                        let id = self.head_id();
                        self.events.push_back(Event::BodyChunk { id, data });
                        true
                    }
                    Ok(Some(Unstuffed::End)) => {
                        self.end_multi_line();
                        true
                    }
                    Err(e) => {
                        self.close(Some(e.into()));
                        false
                    }
                },
                Reading::Status | Reading::Lines(_) => match self.reader.next_line(&mut self.rx) {
                    // A server line past the limit cannot be answered line by line: end now.
                    None if self.reader.is_discarding() => {
                        self.close(Some(Error::LineTooLong));
                        false
                    }
                    None => false,
                    Some(Line::TooLong) => {
                        self.close(Some(Error::LineTooLong));
                        false
                    }
                    Some(Line::Complete { line, .. }) => {
                        self.line(&line);
                        true
                    }
                },
            };
            if !progressed {
                break;
            }
        }
    }

    fn head_id(&self) -> RequestId {
        self.in_flight.front().map_or(RequestId(0), |r| r.id)
    }

    fn end_multi_line(&mut self) {
        let id = self.head_id();
        match self.reading {
            Reading::Lines(Lines::Capabilities) => {
                self.capabilities = std::mem::take(&mut self.collected_caps);
                let capabilities = self.capabilities.clone();
                self.events
                    .push_back(Event::CapabilitiesReceived { id, capabilities });
            }
            Reading::Lines(Lines::Mechanisms) => {
                let mechanisms = std::mem::take(&mut self.collected_mechs);
                self.events
                    .push_back(Event::MechanismsReceived { id, mechanisms });
            }
            _ => {}
        }
        self.events.push_back(Event::MultiLineEnd { id });
        self.reading = Reading::Status;
        self.in_flight.pop_front();
        self.flush();
    }

    fn line(&mut self, line: &[u8]) {
        if let Reading::Lines(kind) = self.reading {
            self.listing_line(kind, line);
            return;
        }
        let response = match parse::response_line(line) {
            Ok(r) => r,
            Err(e) => return self.close(Some(Error::Protocol(e))),
        };
        if self.state == State::Greeting {
            return match response {
                Response::Status(greeting) if greeting.is_ok() => {
                    self.greeting = Some(greeting.clone());
                    self.state = State::Authorization;
                    self.events.push_back(Event::GreetingReceived { greeting });
                    self.flush();
                }
                Response::Status(greeting) => {
                    self.events.push_back(Event::GreetingReceived {
                        greeting: greeting.clone(),
                    });
                    self.close(Some(Error::Rejected(greeting)));
                }
                Response::Continuation(_) => {
                    self.close(Some(Error::Protocol(ParseError::new(
                        crate::ParseErrorKind::InvalidStatus,
                        0,
                    ))));
                }
            };
        }
        let Some(head) = self.in_flight.front_mut() else {
            let reply = match response {
                Response::Status(r) => r,
                Response::Continuation(_) => Reply::err("unexpected continuation"),
            };
            return self.close(Some(Error::Unsolicited(reply)));
        };
        let id = head.id;
        let reply = match response {
            Response::Continuation(challenge) => return self.continuation(challenge),
            Response::Status(reply) => reply,
        };
        let ok = reply.is_ok();
        let command = head.command.clone();
        self.events.push_back(Event::ReplyReceived {
            id,
            reply: reply.clone(),
        });
        if ok && command.is_multi_line() {
            self.reading = match command {
                Command::Retr { .. } | Command::Top { .. } => {
                    self.unstuffer.reset();
                    Reading::Body
                }
                Command::List { .. } => Reading::Lines(Lines::Scan),
                Command::Uidl { .. } => Reading::Lines(Lines::UniqueId),
                Command::Capa => Reading::Lines(Lines::Capabilities),
                Command::Lang { .. } => Reading::Lines(Lines::Languages),
                _ => Reading::Lines(Lines::Mechanisms),
            };
            self.collected_caps.clear();
            self.collected_mechs.clear();
            return;
        }
        self.in_flight.pop_front();
        match command {
            Command::List { msg: Some(_) } if ok => {
                match parse::scan_listing(reply.text.as_bytes()) {
                    Ok(listing) => self.events.push_back(Event::ScanListing { id, listing }),
                    Err(error) => self.events.push_back(Event::InvalidLine { id, error }),
                }
            }
            Command::Uidl { msg: Some(_) } if ok => {
                match parse::unique_id_listing(reply.text.as_bytes()) {
                    Ok(listing) => self
                        .events
                        .push_back(Event::UniqueIdListing { id, listing }),
                    Err(error) => self.events.push_back(Event::InvalidLine { id, error }),
                }
            }
            Command::Pass { .. } | Command::Apop { .. } | Command::Auth { .. } if ok => {
                self.state = State::Transaction;
            }
            Command::Stls if ok => {
                self.state = State::TlsHandshake;
                let octets = self.rx.len();
                self.rx.clear();
                self.events.push_back(Event::TlsUpgradeReady { id });
                if octets > 0 {
                    self.events.push_back(Event::PlaintextDiscarded { octets });
                }
                return;
            }
            Command::Utf8 if ok => self.utf8 = true,
            Command::Lang { tag: Some(_) } if ok => {
                // RFC 6856 §3: `+OK <tag> <text>`, the tag the server chose.
                self.language = reply
                    .text
                    .split(' ')
                    .next()
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
            }
            Command::Quit => return self.close(None),
            _ => {}
        }
        self.flush();
    }

    fn continuation(&mut self, challenge: Vec<u8>) {
        let Some(head) = self.in_flight.front_mut() else {
            return;
        };
        let id = head.id;
        let line = match &mut head.sasl {
            Some(Sasl::Relay) => {
                self.events
                    .push_back(Event::SaslChallenge { id, challenge });
                return;
            }
            Some(Sasl::Scripted { responses, xoauth2 }) => match responses.pop_front() {
                Some(data) => SaslResponse::Data(data),
                // XOAUTH2 answers its error challenge with an empty line; others cancel.
                None if *xoauth2 => SaslResponse::Data(Secret::new(Vec::new())),
                None => SaslResponse::Cancel,
            },
            None => {
                let e = ParseError::new(crate::ParseErrorKind::InvalidStatus, 0);
                return self.close(Some(Error::Protocol(e)));
            }
        };
        line.encode(self.out.lines());
    }

    fn listing_line(&mut self, kind: Lines, line: &[u8]) {
        if line == b"." {
            return self.end_multi_line();
        }
        let line = line.strip_prefix(b".").unwrap_or(line);
        let id = self.head_id();
        let event = match kind {
            Lines::Scan => {
                parse::scan_listing(line).map(|listing| Some(Event::ScanListing { id, listing }))
            }
            Lines::UniqueId => parse::unique_id_listing(line)
                .map(|listing| Some(Event::UniqueIdListing { id, listing })),
            Lines::Languages => parse::language_listing(line)
                .map(|listing| Some(Event::LanguageListing { id, listing })),
            Lines::Capabilities => parse::capability(line).map(|cap| {
                if self.collected_caps.len() < MAX_LISTED {
                    self.collected_caps.push(cap);
                }
                None
            }),
            Lines::Mechanisms => {
                let name = line.split(|&b| b == b' ').next().unwrap_or_default();
                match Mechanism::new(&String::from_utf8_lossy(name)) {
                    Ok(m) => {
                        if self.collected_mechs.len() < MAX_LISTED {
                            self.collected_mechs.push(m);
                        }
                        Ok(None)
                    }
                    Err(_) => Err(ParseError::new(crate::ParseErrorKind::InvalidListing, 0)),
                }
            }
        };
        match event {
            Ok(Some(event)) => self.events.push_back(event),
            Ok(None) => {}
            Err(error) => self.events.push_back(Event::InvalidLine { id, error }),
        }
    }
}

fn check_text(value: &str) -> Result<(), ApiMisuse> {
    if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
        Err(ApiMisuse::InvalidValue(
            "CR, LF or NUL in a command argument",
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
