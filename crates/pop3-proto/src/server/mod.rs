//! The server side: a POP3 session from greeting to UPDATE (RFC 1939 §§3-6).
//!
//! The session owns the protocol rules (states, sequencing, message numbers, deleted marks,
//! dot-stuffing, TOP, pipelining order, STLS, timers, limits); the application owns policy and
//! data, and answers [`Event`]s with decision methods:
//!
//! | event | decision |
//! |---|---|
//! | [`Event::AuthRequested`] | [`Server::accept_auth`] (with the maildrop snapshot), [`Server::reject_auth`], [`Server::sasl_challenge`] |
//! | [`Event::BodyRequested`] | [`Server::body_chunk`]... then [`Server::body_end`], or [`Server::body_unavailable`] |
//! | [`Event::UpdateRequested`] | commit the deletes, then [`Server::update_done`] or [`Server::update_failed`] |
//! | [`Event::TlsUpgradeRequested`] | run the handshake, then [`Server::handle_tls_established`] |
//!
//! While a decision is outstanding the session reads no further commands, so answers to
//! pipelined commands (RFC 2449 §6.6) always leave in order.

mod maildrop;

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use thiserror::Error;

pub use self::maildrop::MaildropEntry;
use self::maildrop::{DeleteError, Maildrop};
use crate::auth::{
    LOGIN_PASSWORD_CHALLENGE, LOGIN_USERNAME_CHALLENGE, PlainCredentials, XOAuth2Credentials,
};
use crate::error::{ApiMisuse, ParseError};
use crate::framing::{DotStuffer, Line, LineReader, TopFilter};
use crate::output::Output;
pub use crate::types::RequestId;
use crate::types::{
    Capability, Command, ExpirePolicy, LanguageListing, Mechanism, MessageNumber, Reply, Response,
    ResponseCode, SaslResponse, ScanListing, Secret, UniqueIdListing,
};
use crate::{parse, types};

/// Limits and offers of a server session. Build with `Config::default()` and change fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// Greeting text after `+OK` (the APOP timestamp is appended when set).
    pub greeting: String,
    /// The APOP timestamp for this connection (`<unique@host>`, RFC 1939 §7). It must differ for
    /// every connection: the caller makes it (the session reads no clock or randomness). `None`
    /// disables APOP.
    pub apop_timestamp: Option<String>,
    /// `IMPLEMENTATION` capability text, if any.
    pub implementation: Option<String>,
    /// Offer STLS (RFC 2595) while the connection is plaintext.
    pub stls: bool,
    /// The connection is already TLS (implicit TLS, RFC 8314): STLS is not offered.
    pub tls_active: bool,
    /// Allow USER/PASS, APOP and AUTH before TLS. Default `true`; set `false` when STLS is
    /// offered on a public port so credentials never cross in clear (RFC 2595 §3.1).
    pub allow_cleartext_auth: bool,
    /// Offer USER/PASS (the `USER` capability).
    pub user_pass: bool,
    /// SASL mechanisms offered. PLAIN, LOGIN and XOAUTH2 are decoded by the session; any other
    /// name is relayed step by step as [`Credentials::Sasl`].
    pub sasl_mechanisms: Vec<Mechanism>,
    /// Offer `UTF8` (RFC 6856 §2): the client may enable UTF-8 mode, which messages marked
    /// [`MaildropEntry::needs_utf8`] require.
    pub utf8: bool,
    /// Advertise `UTF8 USER` (RFC 6856 §2): the application accepts UTF-8 user names and
    /// passwords (and should compare them after SASLprep, RFC 4013). Default `false`.
    pub utf8_user: bool,
    /// Accept the UTF8 command after login too. RFC 6856 allows it only in AUTHORIZATION; some
    /// Outlook versions send it after PASS. Default `false`.
    pub utf8_in_transaction: bool,
    /// Languages for `LANG` (RFC 6856 §3), the default first; empty: LANG not offered. The
    /// application provides the translations: [`Server::language`] says which one is in use.
    pub languages: Vec<LanguageListing>,
    /// `LOGIN-DELAY` seconds to advertise (RFC 2449 §6.5); with [`Config::per_user_policy`],
    /// the smallest delay of any user.
    pub login_delay: Option<u32>,
    /// `EXPIRE` policy to advertise (RFC 2449 §6.7); with [`Config::per_user_policy`], the
    /// shortest of any user.
    pub expire: Option<ExpirePolicy>,
    /// LOGIN-DELAY and EXPIRE differ between users (RFC 2449 §§6.5, 6.7): before login they are
    /// advertised with the `USER` argument, after login with the user's own values as set with
    /// [`Server::set_user_policy`]. Default `false`.
    pub per_user_policy: bool,
    /// Longest command line, CRLF included. RFC 2449 §4: 255 octets.
    pub max_command_line: usize,
    /// Longest SASL continuation line (RFC 5034 sets no limit; OAuth tokens run to several KiB).
    /// Default 64 KiB.
    pub max_sasl_line: usize,
    /// Bad commands (unknown, malformed, wrong state, failed logins) tolerated; one more closes
    /// the session. Default 10.
    pub max_bad_commands: u32,
    /// Inactivity autologout. RFC 1939 §3: at least 10 minutes; default 10 minutes.
    pub autologout: Duration,
    /// Buffered unread input above which [`Server::wants_input`] turns false; a peer that pushes
    /// twice this much while the session waits for a decision is disconnected. Default 64 KiB.
    pub max_receive_buffer: usize,
    /// Accept command lines ending in a bare LF (RFC 1939 requires CRLF; some hand-typed telnet
    /// sessions send LF). Default `false`.
    pub allow_bare_lf: bool,
    /// The application promises that message bodies end their lines with CRLF (as the
    /// `mail-store-traits` backends keep them), so bodies are not searched for bare LF: only a
    /// substring search for lines to stuff remains. A bare LF that is there anyway may go out as
    /// it is (dot-stuffing still sees the line after it). Default `false`: bare LF become CRLF.
    pub crlf_bodies: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            greeting: "POP3 server ready".to_owned(),
            apop_timestamp: None,
            implementation: None,
            stls: false,
            tls_active: false,
            allow_cleartext_auth: true,
            user_pass: true,
            sasl_mechanisms: vec![Mechanism::plain()],
            utf8: false,
            utf8_user: false,
            utf8_in_transaction: false,
            languages: Vec::new(),
            login_delay: None,
            expire: None,
            per_user_policy: false,
            max_command_line: 255,
            max_sasl_line: 64 * 1024,
            max_bad_commands: 10,
            autologout: Duration::from_secs(600),
            max_receive_buffer: 64 * 1024,
            allow_bare_lf: false,
            crlf_bodies: false,
        }
    }
}

/// One user's LOGIN-DELAY and EXPIRE values ([`Server::set_user_policy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UserPolicy {
    /// Seconds this user must wait between logins.
    pub login_delay: Option<u32>,
    /// How long this user's retrieved messages stay on the server.
    pub expire: Option<ExpirePolicy>,
}

/// The POP3 state (RFC 1939 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    /// Before a successful login.
    Authorization,
    /// Logged in, working on the maildrop.
    Transaction,
    /// QUIT received in TRANSACTION; deletes are being committed.
    Update,
    /// The session has ended.
    Closed,
}

impl State {
    const fn name(self) -> &'static str {
        match self {
            Self::Authorization => "AUTHORIZATION",
            Self::Transaction => "TRANSACTION",
            Self::Update => "UPDATE",
            Self::Closed => "closed",
        }
    }
}

/// Credentials a client presented; the application checks them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// USER then PASS.
    User {
        /// The user name.
        name: String,
        /// The password.
        password: Secret<String>,
    },
    /// APOP: check with [`crate::auth::verify_apop`] and [`Server::apop_timestamp`].
    Apop {
        /// The user name.
        name: String,
        /// The MD5 digest.
        digest: [u8; 16],
    },
    /// AUTH PLAIN.
    Plain(PlainCredentials),
    /// AUTH LOGIN.
    Login {
        /// The user name.
        name: String,
        /// The password.
        password: Secret<String>,
    },
    /// AUTH XOAUTH2.
    XOAuth2(XOAuth2Credentials),
    /// One client step of another SASL mechanism (the first step carries the initial response,
    /// empty if none was sent). Answer with [`Server::sasl_challenge`] for another round, or
    /// accept/reject.
    Sasl {
        /// The mechanism.
        mechanism: Mechanism,
        /// The decoded client response.
        response: Secret<Vec<u8>>,
    },
}

/// What a body request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyPart {
    /// RETR: the whole message.
    Full,
    /// TOP: the session sends the header, the blank line and this many body lines and tells the
    /// application when it needs no more chunks.
    Top {
        /// Body lines wanted.
        lines: u32,
    },
}

/// Something the application must act on or know about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A client presented credentials. Decide with [`Server::accept_auth`] or
    /// [`Server::reject_auth`] (or [`Server::sasl_challenge`] for a relayed mechanism).
    AuthRequested {
        /// The request.
        id: RequestId,
        /// What the client sent.
        credentials: Credentials,
    },
    /// RETR or TOP of a message: push its content (CRLF line endings, not dot-stuffed) with
    /// [`Server::body_chunk`] and finish with [`Server::body_end`].
    BodyRequested {
        /// The request.
        id: RequestId,
        /// The message number the client used.
        msg: MessageNumber,
        /// The application's key from the snapshot.
        key: u64,
        /// Whole message or TOP.
        part: BodyPart,
    },
    /// QUIT in TRANSACTION: the only moment deletes are committed (RFC 1939 §6). Remove these
    /// messages, then call [`Server::update_done`] or [`Server::update_failed`]. Never sent
    /// for a dropped connection or an autologout.
    UpdateRequested {
        /// The request.
        id: RequestId,
        /// Keys of the messages marked deleted (possibly none).
        deleted: Vec<u64>,
    },
    /// STLS was accepted: after writing out everything from [`Server::poll_transmit`], run the
    /// TLS handshake and call [`Server::handle_tls_established`].
    TlsUpgradeRequested,
    /// Plaintext that followed STLS (or arrived during the handshake) was thrown away, not
    /// executed: the command-injection attack of CVE-2011-0411.
    PlaintextDiscarded {
        /// How many octets.
        octets: usize,
    },
    /// A command was refused as malformed or out of place (for logs; the `-ERR` is queued).
    CommandRejected {
        /// What was wrong with the line, when it did not parse.
        error: Option<ParseError>,
    },
    /// The session ended; write out what [`Server::poll_transmit`] still holds, then close.
    Closed {
        /// Why, or `None` after a QUIT.
        error: Option<Error>,
    },
}

/// Why a session ended other than by QUIT.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The client closed the connection (deletes were not committed).
    #[error("the client closed the connection")]
    PeerClosed,
    /// The autologout timer expired (deletes were not committed).
    #[error("autologout: no command for {0:?}")]
    Timeout(Duration),
    /// Too many bad commands.
    #[error("too many bad commands")]
    TooManyBadCommands,
    /// The client sent more than the receive buffer holds while the session waited.
    #[error("receive buffer limit exceeded")]
    ReceiveBufferFull,
    /// The application failed a body after `+OK` was sent; the connection must be dropped so
    /// the client never takes a truncated message as complete.
    #[error("message body failed after it had started")]
    BodyFailed,
    /// The session was started with [`Server::refuse`].
    #[error("the connection was refused")]
    Refused,
    /// The application could not commit the deletes.
    #[error("the update failed")]
    UpdateFailed,
}

#[derive(Debug)]
enum SaslStep {
    Plain,
    XOAuth2,
    LoginUser,
    LoginPassword { name: String },
    Relay { mechanism: Mechanism },
}

#[derive(Debug)]
enum Pending {
    /// Reading commands.
    Idle,
    /// Waiting for the client's next SASL line.
    SaslLine { id: RequestId, step: SaslStep },
    /// Waiting for the application's authentication decision.
    Auth {
        id: RequestId,
        relay: Option<Mechanism>,
    },
    /// Streaming a body the application pushes.
    Body {
        id: RequestId,
        started: bool,
        octets: Option<u64>,
        top: Option<TopFilter>,
        stuffer: DotStuffer,
    },
    /// Waiting for the application to commit deletes.
    Update { id: RequestId },
    /// STLS accepted, waiting for the handshake.
    Tls,
}

/// A POP3 server session. See the [module docs](self) for the decision table and the crate docs
/// for the drive loop.
#[derive(Debug)]
pub struct Server {
    config: Config,
    state: State,
    pending: Pending,
    reader: LineReader,
    rx: BytesMut,
    out: Output,
    events: std::collections::VecDeque<Event>,
    next_id: u64,
    user: Option<String>,
    maildrop: Maildrop,
    tls_active: bool,
    utf8: bool,
    language: Option<String>,
    user_policy: Option<UserPolicy>,
    bad_commands: u32,
    last_activity: Instant,
    now: Instant,
}

impl Server {
    /// Starts a session and queues the greeting (for implicit TLS, start it after the
    /// handshake).
    #[must_use]
    pub fn new(config: Config, now: Instant) -> Self {
        let mut server = Self {
            reader: LineReader::new(config.max_command_line),
            tls_active: config.tls_active,
            config,
            state: State::Authorization,
            pending: Pending::Idle,
            rx: BytesMut::new(),
            out: Output::default(),
            events: std::collections::VecDeque::new(),
            next_id: 0,
            user: None,
            maildrop: Maildrop::default(),
            utf8: false,
            language: None,
            user_policy: None,
            bad_commands: 0,
            last_activity: now,
            now,
        };
        let greeting = match &server.config.apop_timestamp {
            Some(ts) => format!("{} {ts}", server.config.greeting),
            None => server.config.greeting.clone(),
        };
        server.reply(&Reply::ok(greeting));
        server
    }

    /// A session that refuses the connection: the greeting is `-ERR [code] text` and the session
    /// is closed at once ([`Error::Refused`]), for example `[SYS/TEMP]` when overloaded or
    /// `[IN-USE]` (RFC 2449 §8, RFC 3206).
    #[must_use]
    pub fn refuse(config: Config, now: Instant, code: Option<ResponseCode>, text: &str) -> Self {
        let mut server = Self::new(config, now);
        server.out.poll();
        server.reply(&Reply {
            status: types::Status::Err,
            code,
            text: text.to_owned(),
        });
        server.close(Some(Error::Refused));
        server
    }

    // ---- getters -------------------------------------------------------------------------

    /// The POP3 state.
    #[must_use]
    pub const fn state(&self) -> State {
        self.state
    }

    /// Whether the session has ended (output may still be waiting in [`Self::poll_transmit`]).
    #[must_use]
    pub const fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed)
    }

    /// Backpressure: whether the driver should read more bytes from the peer now.
    #[must_use]
    pub fn wants_input(&self) -> bool {
        !self.is_closed()
            && !matches!(self.pending, Pending::Tls)
            && self.rx.len() < self.config.max_receive_buffer
    }

    /// Whether the connection is TLS (implicit, or after STLS).
    #[must_use]
    pub const fn is_tls(&self) -> bool {
        self.tls_active
    }

    /// Whether the client enabled UTF8 (RFC 6856).
    #[must_use]
    pub const fn is_utf8(&self) -> bool {
        self.utf8
    }

    /// The language chosen with LANG, if any.
    #[must_use]
    pub fn language(&self) -> Option<&str> {
        self.language.as_deref()
    }

    /// The APOP timestamp sent in the greeting, for [`crate::auth::verify_apop`].
    #[must_use]
    pub fn apop_timestamp(&self) -> Option<&str> {
        self.config.apop_timestamp.as_deref()
    }

    /// Octets queued for transmission (a body producer can pause while this is large).
    #[must_use]
    pub fn queued_output(&self) -> usize {
        self.out.len()
    }

    /// The capabilities CAPA would list now (they depend on the state and on TLS).
    #[must_use]
    pub fn capabilities(&self) -> Vec<Capability> {
        let c = &self.config;
        let mut caps = vec![Capability::Top, Capability::Uidl, Capability::RespCodes];
        if self.state == State::Authorization {
            caps.push(Capability::AuthRespCode);
            if self.auth_allowed() {
                if c.user_pass {
                    caps.push(Capability::User);
                }
                if !c.sasl_mechanisms.is_empty() {
                    caps.push(Capability::Sasl(c.sasl_mechanisms.clone()));
                }
            }
            if c.stls && !self.tls_active {
                caps.push(Capability::Stls);
            }
        }
        // Announced in both states (RFC 6856 §2; the IANA POP3 capability registry).
        if c.utf8 {
            caps.push(Capability::Utf8 { user: c.utf8_user });
        }
        caps.push(Capability::Pipelining);
        if !c.languages.is_empty() {
            caps.push(Capability::Lang);
        }
        // Before login a per-user policy is announced as such; after it, the user's own.
        let per_user = c.per_user_policy && self.state == State::Authorization;
        let (login_delay, expire) = match self.user_policy {
            Some(policy) if !per_user => (policy.login_delay, policy.expire),
            _ => (c.login_delay, c.expire),
        };
        if let Some(seconds) = login_delay {
            caps.push(Capability::LoginDelay { seconds, per_user });
        }
        if let Some(policy) = expire {
            caps.push(Capability::Expire { policy, per_user });
        }
        if let Some(text) = &c.implementation {
            caps.push(Capability::Implementation(text.clone()));
        }
        caps
    }

    // ---- outputs -------------------------------------------------------------------------

    /// The next bytes to write to the client.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        self.out.poll()
    }

    /// The next event for the application.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When to call [`Self::handle_timeout`]: the autologout deadline while the session waits
    /// for the client (none while it waits for the application).
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.pending {
            _ if self.is_closed() => None,
            Pending::Idle | Pending::SaslLine { .. } | Pending::Tls => {
                Some(self.last_activity + self.config.autologout)
            }
            Pending::Auth { .. } | Pending::Body { .. } | Pending::Update { .. } => None,
        }
    }

    // ---- inputs --------------------------------------------------------------------------

    /// Bytes from the client.
    pub fn handle_input(&mut self, now: Instant, data: &[u8]) {
        self.tick(now);
        if self.is_closed() || data.is_empty() {
            return;
        }
        if matches!(self.pending, Pending::Tls) {
            self.events
                .push_back(Event::PlaintextDiscarded { octets: data.len() });
            return;
        }
        self.rx.extend_from_slice(data);
        if self.rx.len() > self.config.max_receive_buffer.saturating_mul(2) {
            self.close(Some(Error::ReceiveBufferFull));
            return;
        }
        self.process();
    }

    /// The clock moved; closes the session when the autologout timer has expired (without
    /// entering UPDATE: nothing is deleted).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.tick(now);
        if let Some(deadline) = self.poll_timeout()
            && self.now >= deadline
        {
            self.reply(&Reply::err("autologout timer expired"));
            self.close(Some(Error::Timeout(self.config.autologout)));
        }
    }

    /// The client closed its side. Deletes are not committed (RFC 1939 §6).
    pub fn handle_eof(&mut self, now: Instant) {
        self.tick(now);
        if !self.is_closed() {
            self.close(Some(Error::PeerClosed));
        }
    }

    /// The TLS handshake after STLS finished: the session starts over in AUTHORIZATION on the
    /// protected connection (RFC 2595 §4).
    ///
    /// # Errors
    /// [`ApiMisuse::NoTlsUpgrade`] when no STLS was accepted.
    pub fn handle_tls_established(&mut self, now: Instant) -> Result<(), ApiMisuse> {
        self.tick(now);
        if !matches!(self.pending, Pending::Tls) {
            return Err(ApiMisuse::NoTlsUpgrade);
        }
        self.pending = Pending::Idle;
        self.tls_active = true;
        self.user = None;
        self.rx.clear();
        self.reader = LineReader::new(self.config.max_command_line);
        self.last_activity = self.now;
        Ok(())
    }

    // ---- decisions -----------------------------------------------------------------------

    /// Accepts a login: the session enters TRANSACTION over this snapshot of the maildrop
    /// (message *n* is `maildrop[n - 1]`).
    ///
    /// # Errors
    /// [`ApiMisuse::UnknownRequest`] unless `id` is the authentication waiting for a decision.
    pub fn accept_auth(
        &mut self,
        now: Instant,
        id: RequestId,
        maildrop: Vec<MaildropEntry>,
    ) -> Result<(), ApiMisuse> {
        self.expect_auth(now, id)?;
        self.maildrop = Maildrop::new(maildrop);
        self.state = State::Transaction;
        let stat = self.maildrop.stat();
        self.reply(&Reply::ok(format!(
            "maildrop has {} messages ({} octets)",
            stat.count, stat.octets
        )));
        self.resume();
        Ok(())
    }

    /// The logged-in user's own LOGIN-DELAY and EXPIRE (RFC 2449 §§6.5, 6.7), shown by CAPA
    /// after login in place of the [`Config`] values.
    pub fn set_user_policy(&mut self, policy: UserPolicy) {
        self.user_policy = Some(policy);
    }

    /// Rejects a login with `-ERR [code] text`: `[AUTH]` for wrong credentials, `[IN-USE]` when
    /// the maildrop is locked, `[LOGIN-DELAY]`, `[SYS/TEMP]`... (RFC 2449 §8, RFC 3206). Counts
    /// as a bad command.
    ///
    /// # Errors
    /// [`ApiMisuse::UnknownRequest`] unless `id` is the authentication waiting for a decision.
    pub fn reject_auth(
        &mut self,
        now: Instant,
        id: RequestId,
        code: Option<ResponseCode>,
        text: &str,
    ) -> Result<(), ApiMisuse> {
        self.expect_auth(now, id)?;
        self.user = None;
        self.count_bad(&Reply {
            status: types::Status::Err,
            code,
            text: text.to_owned(),
        });
        self.resume();
        Ok(())
    }

    /// Sends another SASL challenge (`+ base64`) for a relayed mechanism
    /// ([`Credentials::Sasl`]); the client's answer comes as a new [`Event::AuthRequested`] with
    /// the same id.
    ///
    /// # Errors
    /// [`ApiMisuse::UnknownRequest`] unless `id` is a relayed SASL exchange waiting for a
    /// decision.
    pub fn sasl_challenge(
        &mut self,
        now: Instant,
        id: RequestId,
        challenge: &[u8],
    ) -> Result<(), ApiMisuse> {
        self.tick(now);
        match &self.pending {
            Pending::Auth {
                id: pending,
                relay: Some(mechanism),
            } if *pending == id => {
                let mechanism = mechanism.clone();
                self.challenge(id, challenge, SaslStep::Relay { mechanism });
                Ok(())
            }
            _ => Err(self.misuse(id)),
        }
    }

    /// Pushes the next chunk of the body asked for by [`Event::BodyRequested`] (CRLF line
    /// endings, not dot-stuffed; bare LFs are sent as CRLF). Returns whether more chunks are
    /// wanted (`false` once TOP has all its lines: call [`Self::body_end`] then).
    ///
    /// # Errors
    /// [`ApiMisuse::NoBodyExpected`] unless `id` is the body being sent.
    pub fn body_chunk(
        &mut self,
        now: Instant,
        id: RequestId,
        chunk: Bytes,
    ) -> Result<bool, ApiMisuse> {
        self.tick(now);
        let Pending::Body {
            id: pending,
            started,
            octets,
            top,
            stuffer,
        } = &mut self.pending
        else {
            return Err(ApiMisuse::NoBodyExpected);
        };
        if *pending != id {
            return Err(ApiMisuse::NoBodyExpected);
        }
        if !*started {
            *started = true;
            let text = octets.map_or_else(
                || "top of message follows".to_owned(),
                |n| format!("{n} octets"),
            );
            Reply::ok(text).encode(self.out.lines());
        }
        let chunk = match top {
            Some(filter) => filter.filter(chunk),
            None => chunk,
        };
        let out = &mut self.out;
        stuffer.stuff(chunk, |piece| out.push(piece));
        Ok(!top.as_ref().is_some_and(TopFilter::is_done))
    }

    /// Ends the body: the terminating `.` line is queued and the next pipelined command is read.
    ///
    /// # Errors
    /// [`ApiMisuse::NoBodyExpected`] unless `id` is the body being sent.
    pub fn body_end(&mut self, now: Instant, id: RequestId) -> Result<(), ApiMisuse> {
        if !matches!(self.pending, Pending::Body { id: pending, .. } if pending == id) {
            return Err(ApiMisuse::NoBodyExpected);
        }
        self.body_chunk(now, id, Bytes::new())?;
        if let Pending::Body { stuffer, .. } = &mut self.pending {
            let out = &mut self.out;
            stuffer.finish(|piece| out.push(piece));
        }
        self.resume();
        Ok(())
    }

    /// The application cannot deliver the body. Before the first chunk the client gets
    /// `-ERR [code] text` and the session goes on; after it the connection is closed
    /// ([`Error::BodyFailed`]) so a truncated message is never taken as complete.
    ///
    /// # Errors
    /// [`ApiMisuse::NoBodyExpected`] unless `id` is the body being sent.
    pub fn body_unavailable(
        &mut self,
        now: Instant,
        id: RequestId,
        code: Option<ResponseCode>,
        text: &str,
    ) -> Result<(), ApiMisuse> {
        self.tick(now);
        let Pending::Body {
            id: pending,
            started,
            ..
        } = &self.pending
        else {
            return Err(ApiMisuse::NoBodyExpected);
        };
        if *pending != id {
            return Err(ApiMisuse::NoBodyExpected);
        }
        if *started {
            self.pending = Pending::Idle;
            self.close(Some(Error::BodyFailed));
        } else {
            self.reply(&Reply {
                status: types::Status::Err,
                code,
                text: text.to_owned(),
            });
            self.resume();
        }
        Ok(())
    }

    /// The deletes of [`Event::UpdateRequested`] are committed: `+OK` and the session ends.
    ///
    /// # Errors
    /// [`ApiMisuse::UnknownRequest`] unless `id` is the update waiting for a decision.
    pub fn update_done(&mut self, now: Instant, id: RequestId) -> Result<(), ApiMisuse> {
        self.expect_update(now, id)?;
        self.reply(&Reply::ok("POP3 server signing off"));
        self.close(None);
        Ok(())
    }

    /// The deletes could not be committed: `-ERR [SYS/TEMP] text` and the session ends.
    ///
    /// # Errors
    /// [`ApiMisuse::UnknownRequest`] unless `id` is the update waiting for a decision.
    pub fn update_failed(
        &mut self,
        now: Instant,
        id: RequestId,
        text: &str,
    ) -> Result<(), ApiMisuse> {
        self.expect_update(now, id)?;
        self.reply(&Reply::err_with(ResponseCode::SysTemp, text));
        self.close(Some(Error::UpdateFailed));
        Ok(())
    }

    // ---- internals -----------------------------------------------------------------------

    fn tick(&mut self, now: Instant) {
        self.now = self.now.max(now);
    }

    fn misuse(&self, id: RequestId) -> ApiMisuse {
        if self.is_closed() {
            ApiMisuse::Closed
        } else {
            ApiMisuse::UnknownRequest(id.0)
        }
    }

    fn expect_auth(&mut self, now: Instant, id: RequestId) -> Result<(), ApiMisuse> {
        self.tick(now);
        match self.pending {
            Pending::Auth { id: pending, .. } if pending == id && !self.is_closed() => Ok(()),
            _ => Err(self.misuse(id)),
        }
    }

    fn expect_update(&mut self, now: Instant, id: RequestId) -> Result<(), ApiMisuse> {
        self.tick(now);
        match self.pending {
            Pending::Update { id: pending } if pending == id && !self.is_closed() => Ok(()),
            _ => Err(self.misuse(id)),
        }
    }

    /// Back to reading commands after a decision.
    fn resume(&mut self) {
        self.pending = Pending::Idle;
        self.reader.set_max_len(self.config.max_command_line);
        self.last_activity = self.now;
        self.process();
    }

    fn auth_allowed(&self) -> bool {
        self.tls_active || self.config.allow_cleartext_auth
    }

    fn reply(&mut self, reply: &Reply) {
        reply.encode(self.out.lines());
    }

    /// `+OK` and a text made of numbers and fixed words only (nothing to sanitise), formatted
    /// straight into the output buffer.
    fn reply_ok_fmt(&mut self, text: std::fmt::Arguments<'_>) {
        use std::fmt::Write as _;
        let out = self.out.lines();
        out.extend_from_slice(b"+OK ");
        // Writing into a BytesMut cannot fail.
        let _ = out.write_fmt(text);
        out.extend_from_slice(b"\r\n");
    }

    fn next_id(&mut self) -> RequestId {
        self.next_id += 1;
        RequestId(self.next_id)
    }

    fn close(&mut self, error: Option<Error>) {
        if self.is_closed() {
            return;
        }
        self.state = State::Closed;
        self.rx.clear();
        self.events.push_back(Event::Closed { error });
    }

    /// A refused command: `-ERR`, counted; past the limit the session ends.
    fn bad(&mut self, reply: Reply, error: Option<ParseError>) {
        self.events.push_back(Event::CommandRejected { error });
        self.count_bad(&reply);
    }

    /// Counts a failure (bad command or failed login); past the limit the session ends.
    fn count_bad(&mut self, reply: &Reply) {
        self.bad_commands += 1;
        if self.bad_commands > self.config.max_bad_commands {
            self.reply(&Reply::err("too many bad commands, closing"));
            self.close(Some(Error::TooManyBadCommands));
        } else {
            self.reply(reply);
        }
    }

    fn process(&mut self) {
        while !self.is_closed() && matches!(self.pending, Pending::Idle | Pending::SaslLine { .. })
        {
            let Some(line) = self.reader.next_line(&mut self.rx) else {
                return;
            };
            self.last_activity = self.now;
            let bad_line = matches!(line, Line::TooLong)
                || matches!(line, Line::Complete { bare_lf: true, .. } if !self.config.allow_bare_lf);
            if bad_line && matches!(self.pending, Pending::SaslLine { .. }) {
                // A broken continuation line ends the SASL exchange (RFC 5034 §4: -ERR).
                self.pending = Pending::Idle;
                self.reader.set_max_len(self.config.max_command_line);
            }
            match line {
                Line::TooLong => self.bad(Reply::err("line too long"), None),
                Line::Complete { bare_lf: true, .. } if !self.config.allow_bare_lf => {
                    self.bad(Reply::err("lines must end with CRLF"), None);
                }
                Line::Complete { line, .. } => {
                    if matches!(self.pending, Pending::SaslLine { .. }) {
                        self.sasl_line(&line);
                    } else {
                        match parse::command_line(&line) {
                            Ok(command) => self.command(command),
                            Err(e) => self.bad(Reply::err(e.kind.as_str()), Some(e)),
                        }
                    }
                }
            }
        }
    }

    fn command(&mut self, command: Command) {
        // A USER is only good for the PASS right after it.
        let user = self.user.take();
        match (self.state, command) {
            (_, Command::Capa) => self.capa(),
            (_, Command::Noop) if self.state == State::Transaction => self.reply(&Reply::ok("")),
            (State::Authorization, Command::Quit) => {
                self.reply(&Reply::ok("POP3 server signing off"));
                self.close(None);
            }
            (State::Transaction, Command::Quit) => {
                let id = self.next_id();
                self.state = State::Update;
                self.pending = Pending::Update { id };
                self.events.push_back(Event::UpdateRequested {
                    id,
                    deleted: self.maildrop.deleted_keys(),
                });
            }
            (State::Authorization, command) => self.authorization(command, user),
            (State::Transaction, command) => self.transaction(command),
            (State::Update | State::Closed, _) => {}
        }
    }

    fn capa(&mut self) {
        let caps = self.capabilities();
        let out = self.out.lines();
        Reply::ok("Capability list follows").encode(out);
        for cap in caps {
            cap.encode(out);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b".\r\n");
    }

    fn wrong_state(&mut self, command: &Command) {
        let text = format!(
            "{} not allowed in the {} state",
            command.keyword(),
            self.state.name()
        );
        self.bad(Reply::err(text), None);
    }

    fn authorization(&mut self, command: Command, user: Option<String>) {
        let is_auth = matches!(
            command,
            Command::User { .. }
                | Command::Pass { .. }
                | Command::Apop { .. }
                | Command::Auth {
                    mechanism: Some(_),
                    ..
                }
        );
        if is_auth && !self.auth_allowed() {
            self.bad(
                Reply::err_with(ResponseCode::SysPerm, "authentication needs TLS: use STLS"),
                None,
            );
            return;
        }
        match command {
            Command::User { name } if self.config.user_pass => {
                self.user = Some(name);
                self.reply(&Reply::ok("send PASS"));
            }
            Command::Pass { password } if self.config.user_pass => match user {
                Some(name) => self.request_auth(Credentials::User { name, password }, None),
                None => self.bad(Reply::err("PASS needs a USER first"), None),
            },
            Command::Apop { name, digest } if self.config.apop_timestamp.is_some() => {
                self.request_auth(Credentials::Apop { name, digest }, None);
            }
            Command::Auth {
                mechanism: None, ..
            } => {
                let mechs = self.config.sasl_mechanisms.clone();
                let out = self.out.lines();
                Reply::ok("methods supported:").encode(out);
                for m in mechs {
                    out.extend_from_slice(m.as_str().as_bytes());
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b".\r\n");
            }
            Command::Auth {
                mechanism: Some(mechanism),
                initial_response,
            } => {
                self.auth(mechanism, initial_response);
            }
            Command::Stls if self.config.stls && !self.tls_active => {
                self.reply(&Reply::ok("Begin TLS negotiation"));
                self.pending = Pending::Tls;
                let octets = self.rx.len();
                self.rx.clear();
                self.events.push_back(Event::TlsUpgradeRequested);
                if octets > 0 {
                    self.events.push_back(Event::PlaintextDiscarded { octets });
                }
            }
            Command::Utf8 if self.config.utf8 => self.enable_utf8(),
            Command::Lang { tag } if !self.config.languages.is_empty() => self.lang(tag),
            other => self.wrong_state(&other),
        }
    }

    /// UTF8 (RFC 6856 §2.1): UTF-8 mode on for the rest of the session.
    fn enable_utf8(&mut self) {
        self.utf8 = true;
        self.reply(&Reply::ok("UTF8 enabled"));
    }

    fn lang(&mut self, tag: Option<String>) {
        match tag {
            None => {
                let langs = self.config.languages.clone();
                let out = self.out.lines();
                Reply::ok("Language listing follows").encode(out);
                for l in &langs {
                    l.encode(out);
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b".\r\n");
            }
            Some(range) => {
                let chosen = self
                    .config
                    .languages
                    .iter()
                    .find(|l| types::language_range_matches(&range, &l.tag));
                match chosen.map(|l| l.tag.clone()) {
                    Some(tag) => {
                        self.reply(&Reply::ok(format!("{tag} language selected")));
                        self.language = Some(tag);
                    }
                    None => self.reply(&Reply::err("language not supported")),
                }
            }
        }
    }

    fn request_auth(&mut self, credentials: Credentials, relay: Option<Mechanism>) {
        let id = self.next_id();
        self.pending = Pending::Auth { id, relay };
        self.events
            .push_back(Event::AuthRequested { id, credentials });
    }

    fn challenge(&mut self, id: RequestId, challenge: &[u8], step: SaslStep) {
        Response::Continuation(challenge.to_vec()).encode(self.out.lines());
        self.reader.set_max_len(self.config.max_sasl_line);
        self.pending = Pending::SaslLine { id, step };
    }

    fn auth(&mut self, mechanism: Mechanism, initial_response: Option<Secret<Vec<u8>>>) {
        if !self.config.sasl_mechanisms.contains(&mechanism) {
            self.bad(Reply::err("unsupported authentication mechanism"), None);
            return;
        }
        let id = self.next_id();
        let step = match mechanism.as_str() {
            Mechanism::PLAIN => SaslStep::Plain,
            Mechanism::LOGIN => SaslStep::LoginUser,
            Mechanism::XOAUTH2 => SaslStep::XOAuth2,
            _ => SaslStep::Relay { mechanism },
        };
        match initial_response {
            Some(data) => self.sasl_step(id, step, data.into_inner()),
            None => match step {
                // An empty initial response lets a relayed mechanism speak first.
                SaslStep::Relay { mechanism } => self.request_auth(
                    Credentials::Sasl {
                        mechanism: mechanism.clone(),
                        response: Secret::new(Vec::new()),
                    },
                    Some(mechanism),
                ),
                SaslStep::LoginUser => self.challenge(id, LOGIN_USERNAME_CHALLENGE, step),
                step => self.challenge(id, b"", step),
            },
        }
    }

    fn sasl_line(&mut self, line: &[u8]) {
        let Pending::SaslLine { id, step } = std::mem::replace(&mut self.pending, Pending::Idle)
        else {
            return;
        };
        self.reader.set_max_len(self.config.max_command_line);
        match parse::sasl_response_line(line) {
            Ok(SaslResponse::Cancel) => self.bad(Reply::err("authentication cancelled"), None),
            Ok(SaslResponse::Data(data)) => self.sasl_step(id, step, data.into_inner()),
            Err(e) => self.bad(Reply::err("invalid base64 in SASL response"), Some(e)),
        }
    }

    fn sasl_step(&mut self, id: RequestId, step: SaslStep, data: Vec<u8>) {
        let malformed = |s: &mut Self| {
            s.bad(
                Reply::err_with(ResponseCode::Auth, "malformed SASL response"),
                None,
            )
        };
        let text = |d: Vec<u8>| String::from_utf8(d).ok();
        match step {
            SaslStep::Plain => match PlainCredentials::decode(&data) {
                Some(c) => self.request_auth_as(id, Credentials::Plain(c), None),
                None => malformed(self),
            },
            SaslStep::XOAuth2 => match XOAuth2Credentials::decode(&data) {
                Some(c) => self.request_auth_as(id, Credentials::XOAuth2(c), None),
                None => malformed(self),
            },
            SaslStep::LoginUser => match text(data) {
                Some(name) if !name.is_empty() => {
                    self.challenge(
                        id,
                        LOGIN_PASSWORD_CHALLENGE,
                        SaslStep::LoginPassword { name },
                    );
                }
                _ => malformed(self),
            },
            SaslStep::LoginPassword { name } => match text(data) {
                Some(password) => self.request_auth_as(
                    id,
                    Credentials::Login {
                        name,
                        password: Secret::new(password),
                    },
                    None,
                ),
                None => malformed(self),
            },
            SaslStep::Relay { mechanism } => self.request_auth_as(
                id,
                Credentials::Sasl {
                    mechanism: mechanism.clone(),
                    response: Secret::new(data),
                },
                Some(mechanism),
            ),
        }
    }

    fn request_auth_as(
        &mut self,
        id: RequestId,
        credentials: Credentials,
        relay: Option<Mechanism>,
    ) {
        self.pending = Pending::Auth { id, relay };
        self.events
            .push_back(Event::AuthRequested { id, credentials });
    }

    fn no_such_message(&mut self, msg: MessageNumber) {
        self.reply(&Reply::err(format!("no such message: {msg}")));
    }

    fn transaction(&mut self, command: Command) {
        match command {
            Command::Stat => {
                let stat = self.maildrop.stat();
                self.reply_ok_fmt(format_args!("{} {}", stat.count, stat.octets));
            }
            Command::List { msg: Some(msg) } => {
                if let Some((_, octets)) = self.readable(msg) {
                    let out = self.out.lines();
                    out.extend_from_slice(b"+OK ");
                    ScanListing { msg, octets }.encode(out);
                    out.extend_from_slice(b"\r\n");
                }
            }
            Command::List { msg: None } => {
                let stat = self.maildrop.stat();
                let out = self.out.lines();
                Reply::ok(format!("{} messages ({} octets)", stat.count, stat.octets)).encode(out);
                for (msg, e) in self.maildrop.live() {
                    ScanListing {
                        msg,
                        octets: e.octets,
                    }
                    .encode(out);
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b".\r\n");
            }
            Command::Uidl { msg: Some(msg) } => match self.maildrop.get(msg) {
                Some(e) => {
                    let listing = UniqueIdListing {
                        msg,
                        uid: e.uid.clone(),
                    };
                    let out = self.out.lines();
                    out.extend_from_slice(b"+OK ");
                    listing.encode(out);
                    out.extend_from_slice(b"\r\n");
                }
                None => self.no_such_message(msg),
            },
            Command::Uidl { msg: None } => {
                let out = self.out.lines();
                Reply::ok("unique-id listing follows").encode(out);
                for (msg, e) in self.maildrop.live() {
                    out.extend_from_slice(msg.to_string().as_bytes());
                    out.extend_from_slice(b" ");
                    out.extend_from_slice(e.uid.as_str().as_bytes());
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b".\r\n");
            }
            Command::Retr { msg } => self.request_body(msg, BodyPart::Full),
            Command::Top { msg, lines } => self.request_body(msg, BodyPart::Top { lines }),
            Command::Dele { msg } => match self.maildrop.delete(msg) {
                Ok(()) => self.reply_ok_fmt(format_args!("message {msg} deleted")),
                Err(DeleteError::AlreadyDeleted) => {
                    self.reply(&Reply::err(format!("message {msg} already deleted")));
                }
                Err(DeleteError::NoSuchMessage) => self.no_such_message(msg),
            },
            Command::Rset => {
                self.maildrop.reset();
                let stat = self.maildrop.stat();
                self.reply_ok_fmt(format_args!(
                    "maildrop has {} messages ({} octets)",
                    stat.count, stat.octets
                ));
            }
            Command::Lang { tag } if !self.config.languages.is_empty() => self.lang(tag),
            Command::Utf8 if self.config.utf8 && self.config.utf8_in_transaction => {
                self.enable_utf8();
            }
            other => self.wrong_state(&other),
        }
    }

    /// The key and size of message `msg` if the client may read it; otherwise answers `-ERR`:
    /// no such message, or `[UTF8]` for a message that needs UTF-8 mode before the client
    /// enabled it (RFC 6856; the response code is defined for LIST, TOP and RETR).
    fn readable(&mut self, msg: MessageNumber) -> Option<(u64, u64)> {
        let Some(entry) = self.maildrop.get(msg) else {
            self.no_such_message(msg);
            return None;
        };
        if entry.needs_utf8 && !self.utf8 {
            self.reply(&Reply::err_with(
                ResponseCode::Utf8,
                format!("message {msg} has UTF-8 headers: send UTF8 first"),
            ));
            return None;
        }
        Some((entry.key, entry.octets))
    }

    fn request_body(&mut self, msg: MessageNumber, part: BodyPart) {
        let Some((key, size)) = self.readable(msg) else {
            return;
        };
        let (octets, top) = match part {
            BodyPart::Full => (Some(size), None),
            BodyPart::Top { lines } => (None, Some(TopFilter::new(lines))),
        };
        let id = self.next_id();
        self.pending = Pending::Body {
            id,
            started: false,
            octets,
            top,
            stuffer: if self.config.crlf_bodies {
                DotStuffer::for_crlf_content()
            } else {
                DotStuffer::new()
            },
        };
        self.events
            .push_back(Event::BodyRequested { id, msg, key, part });
    }
}

#[cfg(test)]
mod tests;
