//! The SMTP/LMTP client session (RFC 5321, RFC 2033).
//!
//! A [`Client`] waits for the greeting, sends EHLO (LHLO) by itself with a HELO fallback, and
//! then runs one operation at a time for the application: [`Client::starttls`],
//! [`Client::auth`], a mail transaction ([`Client::send_mail`] or [`Client::send_message`]),
//! a plain command ([`Client::send`]) or [`Client::quit`]. Inside a transaction it pipelines
//! the envelope when the server offers PIPELINING (RFC 2920), dot-stuffs DATA content, uses
//! BDAT when asked and offered (RFC 3030), and reports one result per recipient, also for LMTP.
//!
//! When recipients are refused, the envelope's [`RecipientPolicy`] decides: send to the
//! accepted ones (RFC 5321 §3.3), all or nothing, or ask the application
//! ([`Event::RecipientsAnswered`], then [`Client::proceed`] or [`Client::abort`]). A
//! transaction that ends without content (no recipient accepted, DATA refused, aborted) is
//! reset with RSET (RFC 5321 §4.1.1.5, Appendix D.2), so the next one starts clean; one cut
//! short by a `421` or a closed connection still reports what happened to each recipient
//! ([`TransactionEnd`]).

mod config;
mod event;

use std::collections::VecDeque;
use std::time::Instant;

use bytes::{BufMut, Bytes, BytesMut};

pub use self::config::{Config, Timeouts};
pub use self::event::{
    Credentials, Envelope, Error, Event, RecipientOutcome, RecipientPolicy, State, TimeoutPhase,
    TransactionEnd, TransactionOutcome,
};
pub use crate::session::{ApiMisuse, RequestId};

use crate::framing::{DotStuffer, ReplyReader};
use crate::session::{Clock, IdAllocator};
use crate::types::{
    AuthMechanism, Body, Command, EhloResponse, Mailbox, Reply, ReplyCode, SaslResponse, Secret,
};
use crate::{encode, parse};

/// What to send on the next `334` of an AUTH exchange.
#[derive(Debug)]
enum AuthNext {
    /// Send this response; then acknowledge an error challenge, if the mechanism has them.
    Respond(Secret, Option<ErrorAck>),
    /// LOGIN: send the user name, then the password.
    LoginUser(Secret, Secret),
    /// XOAUTH2/OAUTHBEARER: a `334` now carries an error (JSON); acknowledge it so that the
    /// server sends its final reply.
    AckError(ErrorAck),
    /// Nothing left to say: cancel with `*`.
    Cancel,
}

/// How an OAuth mechanism acknowledges a `334` that carries an error.
#[derive(Clone, Copy, Debug)]
enum ErrorAck {
    /// XOAUTH2: an empty response (Google's definition of the mechanism).
    Empty,
    /// OAUTHBEARER: a single %x01 (RFC 7628 §3.2.3).
    ControlA,
}

impl ErrorAck {
    fn response(self) -> Secret {
        match self {
            ErrorAck::Empty => Secret::default(),
            ErrorAck::ControlA => Secret::from(vec![0x01]),
        }
    }
}

/// A reply the session waits for, in wire order.
#[derive(Debug)]
enum Expect {
    Greeting,
    Ehlo,
    Helo,
    StartTls {
        id: RequestId,
    },
    Auth {
        id: RequestId,
        next: AuthNext,
    },
    Mail,
    Rcpt {
        index: usize,
    },
    Data,
    /// Replies after the content: 1 for SMTP, one per accepted recipient for LMTP.
    DataEnd {
        remaining: usize,
    },
    Bdat,
    /// RSET: `Some(id)` when the application asked for it, `None` when the session sends it to
    /// clean up after a failed transaction (the transaction completes with its reply).
    Rset {
        id: Option<RequestId>,
    },
    Quit,
    Generic {
        id: RequestId,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Envelope commands in flight.
    Envelope,
    /// Every RCPT answered; waiting for [`Client::proceed`] or [`Client::abort`]
    /// ([`RecipientPolicy::Confirm`]).
    Deciding,
    /// The server waits for content from the application.
    Sending,
    /// Content sent, waiting for the final reply(ies).
    Final,
    /// Cleaning up with RSET before reporting.
    Resetting,
}

#[derive(Debug)]
struct Transaction {
    id: RequestId,
    outcome: TransactionOutcome,
    rcpt_parameters: Vec<crate::types::RcptParameters>,
    pipelined: bool,
    /// DATA went in the same group as the RCPTs: its reply, not the session, decides whether
    /// the content goes.
    data_pipelined: bool,
    policy: RecipientPolicy,
    bdat: bool,
    phase: Phase,
    stuffer: DotStuffer,
    /// The whole body, for [`Client::send_message`].
    body: Option<Bytes>,
    /// The first refused BDAT chunk's reply.
    chunk_failure: Option<Reply>,
    /// DATA got 354 although no recipient was accepted: the content sent was empty and the
    /// reply after it is not the message's.
    abandoned: bool,
    /// LMTP: next accepted recipient to attribute a reply to.
    lmtp_next: usize,
}

impl Transaction {
    fn accepted(&self) -> usize {
        self.outcome
            .recipients
            .iter()
            .filter(|r| r.rcpt.as_ref().is_some_and(Reply::is_positive))
            .count()
    }

    fn mail_accepted(&self) -> bool {
        self.outcome.mail.as_ref().is_some_and(Reply::is_positive)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Running,
    TlsHandshake,
    Closed,
}

/// An SMTP or LMTP client session. See the [module docs](self) and the
/// [crate docs](crate#driving-a-session).
#[derive(Debug)]
pub struct Client {
    config: Config,
    clock: Clock,
    ids: IdAllocator,
    rbuf: BytesMut,
    reader: ReplyReader,
    out: BytesMut,
    events: VecDeque<Event>,
    expects: VecDeque<Expect>,
    mode: Mode,
    capabilities: Option<EhloResponse>,
    tls: bool,
    authenticated: bool,
    txn: Option<Transaction>,
    quit_sent: bool,
    waiting_since: Instant,
}

impl Client {
    /// Creates a session for a new connection; it waits for the server's greeting.
    #[must_use]
    pub fn new(config: Config, now: Instant) -> Self {
        let reader = ReplyReader::new(config.reply_options);
        let mut expects = VecDeque::new();
        expects.push_back(Expect::Greeting);
        Self {
            config,
            clock: Clock::new(now),
            ids: IdAllocator::default(),
            rbuf: BytesMut::new(),
            reader,
            out: BytesMut::new(),
            events: VecDeque::new(),
            expects,
            mode: Mode::Running,
            capabilities: None,
            tls: false,
            authenticated: false,
            txn: None,
            quit_sent: false,
            waiting_since: now,
        }
    }

    /// Marks the connection as already protected by TLS (implicit TLS, RFC 8314). Call it
    /// right after [`Client::new`].
    pub fn set_implicit_tls(&mut self) {
        self.tls = true;
    }

    // ------------------------------------------------------------------------------------
    // inputs
    // ------------------------------------------------------------------------------------

    /// Feeds bytes received from the server. Bad bytes end the session with
    /// [`Error::Protocol`]; they never come back as an `Err`.
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
            Mode::Running => {}
        }
        self.rbuf.extend_from_slice(data);
        while self.mode == Mode::Running {
            // The EHLO/LHLO reply is framed and its capabilities read in one pass.
            let read = if matches!(self.expects.front(), Some(Expect::Ehlo)) {
                self.reader.read_ehlo_reply(&mut self.rbuf)
            } else {
                self.reader
                    .read_reply(&mut self.rbuf)
                    .map(|r| r.map(|reply| (reply, None)))
            };
            match read {
                Ok(Some((reply, caps))) => {
                    self.waiting_since = now;
                    self.on_reply(reply, caps);
                }
                Ok(None) => break,
                Err(e) => self.close_with(Error::Protocol(e)),
            }
        }
        if self.mode == Mode::TlsHandshake && !self.rbuf.is_empty() {
            // Bytes after the 220 to STARTTLS arrived in clear text: never trust them.
            let len = self.rbuf.len();
            self.rbuf.clear();
            self.events.push_back(Event::PlaintextDiscarded { len });
        }
    }

    /// Tells the session that the time from [`Client::poll_timeout`] has come; a reply that
    /// is overdue ends the session with [`Error::Timeout`].
    pub fn handle_timeout(&mut self, now: Instant) {
        let now = self.clock.observe(now);
        if self.poll_timeout().is_some_and(|deadline| now >= deadline) {
            let phase = self.timeout_phase();
            self.close_with(Error::Timeout { phase });
        }
    }

    /// Tells the session that the server closed the connection.
    pub fn handle_eof(&mut self, now: Instant) {
        let _ = self.clock.observe(now);
        if self.mode == Mode::Closed {
            return;
        }
        let reason = if self.quit_sent {
            Error::Quit
        } else {
            Error::PeerClosed
        };
        self.close_with(reason);
    }

    /// Tells the session that the TLS handshake after STARTTLS completed: it forgets the
    /// capabilities and sends EHLO (LHLO) again (RFC 3207 §4.2).
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::WrongState`] (or [`ApiMisuse::Closed`]) when no STARTTLS handshake is
    /// pending; nothing changes then. For implicit TLS use [`Client::set_implicit_tls`].
    pub fn handle_tls_established(&mut self, now: Instant) -> Result<(), ApiMisuse> {
        let now = self.clock.observe(now);
        if self.mode != Mode::TlsHandshake {
            return Err(if self.mode == Mode::Closed {
                ApiMisuse::Closed
            } else {
                ApiMisuse::WrongState("no STARTTLS handshake is pending")
            });
        }
        self.tls = true;
        self.mode = Mode::Running;
        self.rbuf.clear();
        self.capabilities = None;
        self.authenticated = false;
        self.waiting_since = now;
        self.send_hello(true);
        Ok(())
    }

    // ------------------------------------------------------------------------------------
    // commands
    // ------------------------------------------------------------------------------------

    fn check_ready(&self) -> Result<(), ApiMisuse> {
        match self.mode {
            Mode::Closed => Err(ApiMisuse::Closed),
            Mode::TlsHandshake => Err(ApiMisuse::WrongState("the TLS handshake is running")),
            Mode::Running if self.capabilities.is_none() => {
                Err(ApiMisuse::WrongState("wait for HelloCompleted"))
            }
            Mode::Running if !self.expects.is_empty() || self.txn.is_some() => {
                Err(ApiMisuse::WrongState("another operation is in progress"))
            }
            Mode::Running => Ok(()),
        }
    }

    fn caps(&self) -> &EhloResponse {
        static EMPTY: std::sync::OnceLock<EhloResponse> = std::sync::OnceLock::new();
        self.capabilities
            .as_ref()
            .unwrap_or_else(|| EMPTY.get_or_init(EhloResponse::default))
    }

    fn write_command(&mut self, command: &Command) {
        encode::command(command, &mut self.out);
    }

    /// Sends a command that needs no special handling: NOOP, RSET, VRFY, EXPN, HELP, ETRN or
    /// an unknown verb. Its reply comes as [`Event::ReplyReceived`].
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::WrongState`] unless the session is [`State::Ready`];
    /// [`ApiMisuse::InvalidArgument`] for commands that have their own method (HELO, MAIL, DATA,
    /// AUTH, STARTTLS, QUIT, ...).
    pub fn send(&mut self, now: Instant, command: Command) -> Result<RequestId, ApiMisuse> {
        let now = self.clock.observe(now);
        self.check_ready()?;
        let rset = matches!(command, Command::Rset);
        match command {
            Command::Noop { .. }
            | Command::Rset
            | Command::Vrfy { .. }
            | Command::Expn { .. }
            | Command::Help { .. }
            | Command::Etrn { .. }
            | Command::Unknown { .. } => {}
            _ => {
                return Err(ApiMisuse::InvalidArgument(
                    "this command has its own method (ehlo, send_mail, auth, starttls, quit)",
                ));
            }
        }
        let id = self.ids.next_id();
        self.write_command(&command);
        self.expects.push_back(if rset {
            Expect::Rset { id: Some(id) }
        } else {
            Expect::Generic { id }
        });
        self.waiting_since = now;
        Ok(id)
    }

    /// Sends STARTTLS (RFC 3207). On `220` the session emits [`Event::TlsUpgradeReady`];
    /// a refusal comes as [`Event::ReplyReceived`].
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::NotOffered`] if the server does not offer STARTTLS or TLS is active;
    /// [`ApiMisuse::WrongState`] unless ready.
    pub fn starttls(&mut self, now: Instant) -> Result<RequestId, ApiMisuse> {
        let now = self.clock.observe(now);
        self.check_ready()?;
        if self.tls || !self.caps().starttls() {
            return Err(ApiMisuse::NotOffered("STARTTLS"));
        }
        let id = self.ids.next_id();
        self.write_command(&Command::StartTls);
        self.expects.push_back(Expect::StartTls { id });
        self.waiting_since = now;
        Ok(id)
    }

    /// Authenticates (RFC 4954). The initial response is sent on the AUTH line when the line
    /// fits [`Config::max_initial_response_line`] (SASL-IR), otherwise after the `334`. The
    /// final reply comes as [`Event::ReplyReceived`]; [`Client::is_authenticated`] tells the
    /// result.
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::NotOffered`] if the server does not offer the mechanism;
    /// [`ApiMisuse::WrongState`] unless ready.
    pub fn auth(&mut self, now: Instant, credentials: Credentials) -> Result<RequestId, ApiMisuse> {
        let now = self.clock.observe(now);
        self.check_ready()?;
        let (mechanism, initial, next) = match credentials {
            Credentials::Plain {
                authzid,
                username,
                password,
            } => {
                let mut v = Vec::new();
                v.extend_from_slice(authzid.unwrap_or_default().as_bytes());
                v.push(0);
                v.extend_from_slice(username.as_bytes());
                v.push(0);
                v.extend_from_slice(password.expose());
                (
                    AuthMechanism::Plain,
                    Some(Secret::from(v)),
                    AuthNext::Cancel,
                )
            }
            Credentials::Login { username, password } => (
                AuthMechanism::Login,
                None,
                AuthNext::LoginUser(Secret::from(username), password),
            ),
            Credentials::XOAuth2 { username, token } => {
                let mut v = format!("user={username}\x01auth=Bearer ").into_bytes();
                v.extend_from_slice(token.expose());
                v.extend_from_slice(b"\x01\x01");
                (
                    AuthMechanism::XOAuth2,
                    Some(Secret::from(v)),
                    AuthNext::AckError(ErrorAck::Empty),
                )
            }
            Credentials::OAuthBearer { username, token } => {
                let mut v = format!("n,a={username},\x01auth=Bearer ").into_bytes();
                v.extend_from_slice(token.expose());
                v.extend_from_slice(b"\x01\x01");
                (
                    AuthMechanism::OAuthBearer,
                    Some(Secret::from(v)),
                    AuthNext::AckError(ErrorAck::ControlA),
                )
            }
        };
        if !self.caps().offers_auth(&mechanism) {
            return Err(ApiMisuse::NotOffered("this AUTH mechanism"));
        }
        let id = self.ids.next_id();
        let next = match initial {
            Some(ir) => {
                // "AUTH " + mechanism + " " + base64 + CRLF
                let len = 5 + mechanism.as_str().len() + 1 + ir.expose().len().div_ceil(3) * 4 + 2;
                if len <= self.config.max_initial_response_line {
                    self.write_command(&Command::Auth {
                        mechanism,
                        initial_response: Some(ir),
                    });
                    next
                } else {
                    self.write_command(&Command::Auth {
                        mechanism,
                        initial_response: None,
                    });
                    let ack = match next {
                        AuthNext::AckError(ack) => Some(ack),
                        _ => None,
                    };
                    AuthNext::Respond(ir, ack)
                }
            }
            None => {
                self.write_command(&Command::Auth {
                    mechanism,
                    initial_response: None,
                });
                next
            }
        };
        self.expects.push_back(Expect::Auth { id, next });
        self.waiting_since = now;
        Ok(id)
    }

    /// Starts a mail transaction whose content the application streams: after
    /// [`Event::DataRequested`], call [`Client::send_data`] any number of times and then
    /// [`Client::finish_data`]. The result comes as [`Event::TransactionCompleted`].
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::MessageTooLarge`] when `SIZE=` exceeds the server's SIZE;
    /// [`ApiMisuse::NotOffered`] for parameters the server does not offer (BODY, SMTPUTF8,
    /// DSN, REQUIRETLS), also SMTPUTF8 when an address is UTF-8 (the parameter is added
    /// then, RFC 6531 §3.4); [`ApiMisuse::InvalidArgument`] without recipients;
    /// [`ApiMisuse::WrongState`] unless ready.
    pub fn send_mail(&mut self, now: Instant, envelope: Envelope) -> Result<RequestId, ApiMisuse> {
        self.start_transaction(now, envelope, None)
    }

    /// Sends a whole message: the envelope, then `body` (an RFC 5322 message with CRLF line
    /// endings; dot-stuffed for DATA, sent as is for BDAT). `SIZE=` is added when the server
    /// offers SIZE and the envelope has none. The result comes as
    /// [`Event::TransactionCompleted`].
    ///
    /// # Errors
    ///
    /// As [`Client::send_mail`].
    pub fn send_message(
        &mut self,
        now: Instant,
        mut envelope: Envelope,
        body: Bytes,
    ) -> Result<RequestId, ApiMisuse> {
        if envelope.parameters.size.is_none() && self.caps().size().is_some() {
            envelope.parameters.size = Some(body.len() as u64);
        }
        self.start_transaction(now, envelope, Some(body))
    }

    fn start_transaction(
        &mut self,
        now: Instant,
        mut envelope: Envelope,
        body: Option<Bytes>,
    ) -> Result<RequestId, ApiMisuse> {
        let now = self.clock.observe(now);
        self.check_ready()?;
        if envelope.recipients.is_empty() {
            return Err(ApiMisuse::InvalidArgument(
                "a transaction needs a recipient",
            ));
        }
        // A UTF-8 address needs SMTPUTF8 on MAIL FROM (RFC 6531 §3.4): added here, and refused
        // below when the server does not offer it (the address must not go out then).
        let utf8 = |m: Option<&Mailbox>| m.is_some_and(Mailbox::is_utf8);
        if utf8(envelope.reverse_path.mailbox())
            || envelope.recipients.iter().any(|(to, _)| utf8(to.mailbox()))
        {
            envelope.parameters.smtputf8 = true;
        }
        let caps = self.caps();
        let p = &envelope.parameters;
        if let (Some(size), Some(Some(limit))) = (p.size, caps.size())
            && limit > 0
            && size > limit
        {
            return Err(ApiMisuse::MessageTooLarge { size, limit });
        }
        match p.body {
            Some(Body::EightBitMime) if !caps.eight_bit_mime() => {
                return Err(ApiMisuse::NotOffered("8BITMIME"));
            }
            Some(Body::BinaryMime)
                if !(caps.chunking() && caps.pipelining() && caps.binary_mime()) =>
            {
                return Err(ApiMisuse::NotOffered("BINARYMIME with CHUNKING"));
            }
            _ => {}
        }
        if p.smtputf8 && !caps.smtputf8() {
            return Err(ApiMisuse::NotOffered("SMTPUTF8"));
        }
        let rcpt_dsn = envelope
            .recipients
            .iter()
            .any(|(_, r)| r.notify.is_some() || r.orcpt.is_some());
        if (p.ret.is_some() || p.envid.is_some() || rcpt_dsn) && !caps.dsn() {
            return Err(ApiMisuse::NotOffered("DSN"));
        }
        if p.requiretls && !(self.tls && caps.requiretls()) {
            return Err(ApiMisuse::NotOffered("REQUIRETLS"));
        }
        let pipelined = self.config.pipelining && caps.pipelining();
        let bdat = p.body == Some(Body::BinaryMime)
            || (self.config.chunking && caps.chunking() && caps.pipelining());
        // The content may only be committed to before the RCPT replies when the accepted
        // recipients get it whatever the others' replies are.
        let data_pipelined =
            pipelined && !bdat && envelope.recipient_policy == RecipientPolicy::Accepted;
        let id = self.ids.next_id();
        let (paths, rcpt_parameters): (Vec<_>, Vec<_>) = envelope.recipients.into_iter().unzip();
        self.write_command(&Command::Mail {
            from: envelope.reverse_path,
            parameters: envelope.parameters.into(),
        });
        self.expects.push_back(Expect::Mail);
        let txn = Transaction {
            id,
            outcome: TransactionOutcome {
                mail: None,
                recipients: paths
                    .into_iter()
                    .map(|forward_path| RecipientOutcome {
                        forward_path,
                        rcpt: None,
                        data: None,
                    })
                    .collect(),
                data_start: None,
                rset: None,
                end: TransactionEnd::Interrupted,
            },
            rcpt_parameters,
            pipelined,
            data_pipelined,
            policy: envelope.recipient_policy,
            bdat,
            phase: Phase::Envelope,
            stuffer: DotStuffer::new(),
            body,
            chunk_failure: None,
            abandoned: false,
            lmtp_next: 0,
        };
        if pipelined {
            for index in 0..txn.outcome.recipients.len() {
                Self::write_rcpt(&mut self.out, &txn, index);
                self.expects.push_back(Expect::Rcpt { index });
            }
            if data_pipelined {
                encode::command(&Command::Data, &mut self.out);
                self.expects.push_back(Expect::Data);
            }
        }
        self.txn = Some(txn);
        self.waiting_since = now;
        Ok(id)
    }

    fn write_rcpt(out: &mut BytesMut, txn: &Transaction, index: usize) {
        let command = Command::Rcpt {
            to: txn.outcome.recipients[index].forward_path.clone(),
            parameters: txn.rcpt_parameters[index].clone().into(),
        };
        encode::command(&command, out);
    }

    fn sending_txn(&self, id: RequestId) -> Result<(), ApiMisuse> {
        self.transaction(
            id,
            |t| t.phase == Phase::Sending && t.body.is_none(),
            "content is only taken after DataRequested and before finish_data",
        )
    }

    /// Sends a piece of message content (after [`Event::DataRequested`]). For DATA the bytes
    /// are dot-stuffed and bare CR/LF become CRLF; for BDAT each call is one chunk.
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::WrongState`] or [`ApiMisuse::UnknownRequest`] outside the content phase
    /// of transaction `id`.
    pub fn send_data(&mut self, now: Instant, id: RequestId, data: &[u8]) -> Result<(), ApiMisuse> {
        let _ = self.clock.observe(now);
        self.sending_txn(id)?;
        let out = &mut self.out;
        let Some(txn) = &mut self.txn else {
            return Err(ApiMisuse::UnknownRequest(id));
        };
        if txn.bdat {
            if !data.is_empty() {
                write_bdat(out, data.len(), false);
                out.extend_from_slice(data);
                self.expects.push_back(Expect::Bdat);
            }
        } else {
            txn.stuffer.stuff(data, out);
        }
        Ok(())
    }

    /// Ends the message content: `<CRLF>.<CRLF>` for DATA, `BDAT 0 LAST` for BDAT.
    ///
    /// # Errors
    ///
    /// As [`Client::send_data`].
    pub fn finish_data(&mut self, now: Instant, id: RequestId) -> Result<(), ApiMisuse> {
        let now = self.clock.observe(now);
        self.sending_txn(id)?;
        self.finish_content(None);
        self.waiting_since = now;
        Ok(())
    }

    /// Sends the content of a transaction paused at [`Event::RecipientsAnswered`]
    /// ([`RecipientPolicy::Confirm`]): DATA (then [`Event::DataRequested`] or the body given
    /// to [`Client::send_message`]), or the BDAT chunks.
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::WrongState`] unless transaction `id` waits for this decision;
    /// [`ApiMisuse::UnknownRequest`] for another id; [`ApiMisuse::Closed`] after the end.
    pub fn proceed(&mut self, now: Instant, id: RequestId) -> Result<(), ApiMisuse> {
        let now = self.clock.observe(now);
        self.transaction(
            id,
            |t| t.phase == Phase::Deciding,
            "the transaction is not waiting for RecipientsAnswered",
        )?;
        self.start_content();
        self.waiting_since = now;
        Ok(())
    }

    /// Aborts transaction `id` with RSET instead of sending its content (RFC 5321 §4.1.1.5,
    /// the aborted transaction of Appendix D.2). Allowed at [`Event::RecipientsAnswered`], and
    /// with BDAT after [`Event::DataRequested`] until [`Client::finish_data`]: RSET makes the
    /// server drop the chunks it has (RFC 3030 §2). Once a server has answered DATA with
    /// `354` the content can only be ended, so DATA content cannot be aborted. The
    /// transaction completes with [`TransactionEnd::Aborted`] when RSET is answered.
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::WrongState`] outside those points; [`ApiMisuse::UnknownRequest`] for
    /// another id; [`ApiMisuse::Closed`] after the end.
    pub fn abort(&mut self, now: Instant, id: RequestId) -> Result<(), ApiMisuse> {
        let now = self.clock.observe(now);
        self.transaction(
            id,
            |t| {
                t.phase == Phase::Deciding
                    || (t.phase == Phase::Sending && t.bdat && t.body.is_none())
            },
            "abort after RecipientsAnswered, or before the last BDAT chunk",
        )?;
        self.end_before_content(TransactionEnd::Aborted);
        self.waiting_since = now;
        Ok(())
    }

    /// Checks that `id` is the running transaction and that `allowed` holds for it (else
    /// [`ApiMisuse::WrongState`] saying `why`).
    fn transaction(
        &self,
        id: RequestId,
        allowed: impl Fn(&Transaction) -> bool,
        why: &'static str,
    ) -> Result<(), ApiMisuse> {
        if self.mode == Mode::Closed {
            return Err(ApiMisuse::Closed);
        }
        match &self.txn {
            Some(t) if t.id == id && allowed(t) => Ok(()),
            Some(t) if t.id == id => Err(ApiMisuse::WrongState(why)),
            _ => Err(ApiMisuse::UnknownRequest(id)),
        }
    }

    /// Writes the end of the content (and `body` first, if given) and waits for the replies.
    fn finish_content(&mut self, body: Option<Bytes>) {
        let lmtp = self.config.lmtp;
        let Some(txn) = &mut self.txn else { return };
        let remaining = if lmtp { txn.accepted().max(1) } else { 1 };
        if txn.bdat {
            let body = body.unwrap_or_default();
            write_bdat(&mut self.out, body.len(), true);
            self.out.extend_from_slice(&body);
        } else {
            if let Some(body) = body {
                txn.stuffer.stuff(&body, &mut self.out);
            }
            txn.stuffer.finish(&mut self.out);
        }
        txn.phase = Phase::Final;
        self.expects.push_back(Expect::DataEnd { remaining });
    }

    /// Sends QUIT; the session ends with [`Error::Quit`] on the `221` (or when the server
    /// closes).
    ///
    /// # Errors
    ///
    /// [`ApiMisuse::Closed`] after the end; [`ApiMisuse::WrongState`] while the greeting,
    /// a TLS handshake or another operation is in progress.
    pub fn quit(&mut self, now: Instant) -> Result<RequestId, ApiMisuse> {
        let now = self.clock.observe(now);
        match self.mode {
            Mode::Closed => return Err(ApiMisuse::Closed),
            Mode::TlsHandshake => {
                return Err(ApiMisuse::WrongState("the TLS handshake is running"));
            }
            Mode::Running => {}
        }
        if self.quit_sent || matches!(self.expects.front(), Some(Expect::Greeting)) {
            return Err(ApiMisuse::WrongState("QUIT cannot be sent now"));
        }
        if self.txn.as_ref().is_some_and(|t| t.phase == Phase::Sending) {
            return Err(ApiMisuse::WrongState("finish the message content first"));
        }
        let id = self.ids.next_id();
        self.write_command(&Command::Quit);
        self.expects.push_back(Expect::Quit);
        self.quit_sent = true;
        self.waiting_since = now;
        Ok(id)
    }

    /// Ends the session at once without QUIT (for example on shutdown).
    pub fn close(&mut self, now: Instant) {
        let _ = self.clock.observe(now);
        if self.mode != Mode::Closed {
            self.close_with(Error::Shutdown);
        }
    }

    // ------------------------------------------------------------------------------------
    // outputs and getters
    // ------------------------------------------------------------------------------------

    /// Returns the bytes to write to the server, if any.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        if self.out.is_empty() {
            None
        } else {
            Some(self.out.split().freeze())
        }
    }

    /// Returns the next event, if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Returns when [`Client::handle_timeout`] should be called: while a reply is awaited.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.mode != Mode::Running || self.expects.is_empty() {
            return None;
        }
        let t = &self.config.timeouts;
        let d = match self.timeout_phase() {
            TimeoutPhase::Greeting => t.greeting,
            TimeoutPhase::Mail => t.mail,
            TimeoutPhase::Rcpt => t.rcpt,
            TimeoutPhase::DataInitiation => t.data_initiation,
            TimeoutPhase::DataTermination => t.data_termination,
            TimeoutPhase::Command => t.command,
        };
        Some(self.waiting_since + d)
    }

    /// Where the session is.
    #[must_use]
    pub fn state(&self) -> State {
        match self.mode {
            Mode::Closed => State::Closed,
            Mode::TlsHandshake => State::TlsHandshake,
            Mode::Running => match self.expects.front() {
                Some(Expect::Greeting) => State::Greeting,
                Some(Expect::Ehlo | Expect::Helo) => State::Hello,
                _ if self.txn.is_some() => State::Transaction,
                Some(_) => State::Busy,
                None if self.capabilities.is_none() => State::Hello,
                None => State::Ready,
            },
        }
    }

    /// The server's EHLO (LHLO) reply, once received (empty for the HELO fallback).
    #[must_use]
    pub fn capabilities(&self) -> Option<&EhloResponse> {
        self.capabilities.as_ref()
    }

    /// True once the session has ended.
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.mode == Mode::Closed
    }

    /// True while the session can take more input.
    #[must_use]
    pub fn wants_input(&self) -> bool {
        self.mode != Mode::Closed && self.rbuf.len() < self.config.max_receive_buffer.max(1)
    }

    /// True when the session is ready for a new operation.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.check_ready().is_ok()
    }

    /// True when the connection is protected by TLS.
    #[must_use]
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// True after a successful AUTH.
    #[must_use]
    pub fn is_authenticated(&self) -> bool {
        self.authenticated
    }

    // ------------------------------------------------------------------------------------
    // replies
    // ------------------------------------------------------------------------------------

    fn timeout_phase(&self) -> TimeoutPhase {
        match self.expects.front() {
            Some(Expect::Greeting) => TimeoutPhase::Greeting,
            Some(Expect::Mail) => TimeoutPhase::Mail,
            Some(Expect::Rcpt { .. }) => TimeoutPhase::Rcpt,
            Some(Expect::Data) => TimeoutPhase::DataInitiation,
            Some(Expect::DataEnd { .. } | Expect::Bdat) => TimeoutPhase::DataTermination,
            _ => TimeoutPhase::Command,
        }
    }

    fn send_hello(&mut self, extended: bool) {
        let host = self.config.hello_host.clone();
        let (command, expect) = match (self.config.lmtp, extended) {
            (true, _) => (Command::Lhlo { host }, Expect::Ehlo),
            (false, true) => (Command::Ehlo { host }, Expect::Ehlo),
            (false, false) => (Command::Helo { host }, Expect::Helo),
        };
        self.write_command(&command);
        self.expects.push_back(expect);
    }

    fn close_with(&mut self, reason: Error) {
        self.mode = Mode::Closed;
        self.expects.clear();
        // The outcome so far (its end still `Interrupted` unless already decided) tells the
        // application what happened to each recipient.
        self.complete_transaction();
        self.rbuf = BytesMut::new();
        self.events.push_back(Event::Closed { reason });
    }

    /// Closes after a fatal refusal, saying QUIT politely (RFC 5321 §4.1.1.10).
    fn quit_and_close(&mut self, reason: Error) {
        if !self.quit_sent {
            self.write_command(&Command::Quit);
            self.quit_sent = true;
        }
        self.close_with(reason);
    }

    /// `caps`: the capabilities of a `250` reply to EHLO/LHLO, when the reader read them.
    fn on_reply(&mut self, reply: Reply, caps: Option<EhloResponse>) {
        let code = reply.code();
        // 421 can answer any command (RFC 5321 §3.8); after QUIT a 221 is expected instead.
        if code == ReplyCode::SERVICE_NOT_AVAILABLE
            && !matches!(self.expects.front(), Some(Expect::Quit))
        {
            self.record_closing_reply(&reply);
            return self.close_with(Error::ServiceNotAvailable { reply });
        }
        let Some(expect) = self.expects.pop_front() else {
            return self.close_with(Error::UnexpectedReply { reply });
        };
        // Intermediate replies only where they belong.
        let intermediate = code.is_positive_intermediate();
        let allowed = match &expect {
            Expect::Auth { .. } => code == ReplyCode::AUTH_CONTINUE || !intermediate,
            Expect::Data => code == ReplyCode::START_MAIL_INPUT || !intermediate,
            _ => !intermediate,
        };
        if !allowed {
            return self.close_with(Error::UnexpectedReply { reply });
        }
        match expect {
            Expect::Greeting => {
                if code == ReplyCode::SERVICE_READY {
                    self.events.push_back(Event::GreetingReceived { reply });
                    self.send_hello(true);
                } else {
                    self.quit_and_close(Error::GreetingRefused { reply });
                }
            }
            Expect::Ehlo | Expect::Helo if reply.is_positive() => {
                let caps = caps.unwrap_or_else(|| parse::ehlo_response(&reply).unwrap_or_default());
                self.capabilities = Some(caps);
                self.events.push_back(Event::HelloCompleted { reply });
            }
            Expect::Ehlo if code.is_permanent_negative() && !self.config.lmtp => {
                // RFC 5321 §4.1.4: a server without extensions refuses EHLO; fall back.
                self.send_hello(false);
            }
            Expect::Ehlo | Expect::Helo => self.quit_and_close(Error::HelloRejected { reply }),
            Expect::StartTls { id } => {
                if code == ReplyCode::SERVICE_READY {
                    self.mode = Mode::TlsHandshake;
                    self.events.push_back(Event::TlsUpgradeReady);
                } else {
                    self.events.push_back(Event::ReplyReceived { id, reply });
                }
            }
            Expect::Auth { id, next } => self.on_auth_reply(id, next, reply),
            Expect::Rset { id: Some(id) } => {
                self.events.push_back(Event::ReplyReceived { id, reply })
            }
            Expect::Rset { id: None } => {
                if let Some(t) = &mut self.txn {
                    t.outcome.rset = Some(reply);
                }
                self.complete_transaction();
            }
            Expect::Generic { id } => self.events.push_back(Event::ReplyReceived { id, reply }),
            Expect::Quit => self.close_with(Error::Quit),
            Expect::Mail => self.on_mail_reply(reply),
            Expect::Rcpt { index } => self.on_rcpt_reply(index, reply),
            Expect::Data => self.on_data_reply(reply),
            Expect::Bdat => {
                if let Some(t) = &mut self.txn
                    && !reply.is_positive()
                    && t.chunk_failure.is_none()
                {
                    t.chunk_failure = Some(reply);
                }
            }
            Expect::DataEnd { remaining } => self.on_data_end_reply(remaining, reply),
        }
    }

    fn on_auth_reply(&mut self, id: RequestId, next: AuthNext, reply: Reply) {
        if reply.code() != ReplyCode::AUTH_CONTINUE {
            if reply.is_positive() {
                self.authenticated = true;
            }
            self.events.push_back(Event::ReplyReceived { id, reply });
            return;
        }
        let (response, next) = match next {
            AuthNext::Respond(r, ack) => (
                SaslResponse::Data(r),
                ack.map_or(AuthNext::Cancel, AuthNext::AckError),
            ),
            AuthNext::LoginUser(user, pass) => {
                (SaslResponse::Data(user), AuthNext::Respond(pass, None))
            }
            AuthNext::AckError(ack) => (SaslResponse::Data(ack.response()), AuthNext::Cancel),
            AuthNext::Cancel => (SaslResponse::Cancel, AuthNext::Cancel),
        };
        encode::sasl_response(&response, &mut self.out);
        self.expects.push_front(Expect::Auth { id, next });
    }

    /// A `421` ends the session (RFC 5321 §3.8); the transaction's outcome keeps it where it
    /// answered, so the application can tell which recipient it cut off.
    fn record_closing_reply(&mut self, reply: &Reply) {
        let Some(t) = &mut self.txn else { return };
        let o = &mut t.outcome;
        match self.expects.front() {
            Some(Expect::Mail) => o.mail = Some(reply.clone()),
            Some(Expect::Rcpt { index }) => {
                if let Some(r) = o.recipients.get_mut(*index) {
                    r.rcpt = Some(reply.clone());
                }
            }
            Some(Expect::Data | Expect::Bdat) if o.data_start.is_none() => {
                o.data_start = Some(reply.clone());
            }
            Some(Expect::DataEnd { .. }) if !t.abandoned => {
                // The message is refused for every accepted recipient not answered yet
                // (all of them for SMTP; the rest of them for LMTP).
                for r in o
                    .recipients
                    .iter_mut()
                    .filter(|r| r.rcpt.as_ref().is_some_and(Reply::is_positive))
                    .filter(|r| r.data.is_none())
                {
                    r.data = Some(reply.clone());
                }
            }
            Some(Expect::Rset { id: None }) => o.rset = Some(reply.clone()),
            _ => {}
        }
    }

    fn on_mail_reply(&mut self, reply: Reply) {
        let Some(t) = &mut self.txn else { return };
        let positive = reply.is_positive();
        t.outcome.mail = Some(reply);
        if t.pipelined {
            return;
        }
        if positive {
            Self::write_rcpt(&mut self.out, t, 0);
            self.expects.push_back(Expect::Rcpt { index: 0 });
        } else {
            self.finish_failed();
        }
    }

    fn on_rcpt_reply(&mut self, index: usize, reply: Reply) {
        let Some(t) = &mut self.txn else { return };
        if let Some(r) = t.outcome.recipients.get_mut(index) {
            r.rcpt = Some(reply);
        }
        let last = index + 1 >= t.outcome.recipients.len();
        if !t.pipelined && !last {
            // One at a time, and on after a refusal: every recipient gets its own reply.
            Self::write_rcpt(&mut self.out, t, index + 1);
            self.expects.push_back(Expect::Rcpt { index: index + 1 });
            return;
        }
        if !last || t.data_pipelined {
            // Pipelined DATA: its reply decides.
            return;
        }
        self.recipients_answered();
    }

    /// Every RCPT has its reply and DATA was not pipelined: apply the envelope's
    /// [`RecipientPolicy`].
    fn recipients_answered(&mut self) {
        let Some(t) = &mut self.txn else { return };
        let accepted = t.accepted();
        if accepted == 0 || !t.mail_accepted() {
            // RFC 5321 §3.3: no valid recipient (or no sender: a pipelined RCPT accepted
            // after a refused MAIL means nothing), nothing to send the content to.
            return self.finish_failed();
        }
        match t.policy {
            RecipientPolicy::RequireAll if accepted < t.outcome.recipients.len() => {
                self.end_before_content(TransactionEnd::Aborted);
            }
            RecipientPolicy::Confirm => {
                t.phase = Phase::Deciding;
                let event = Event::RecipientsAnswered {
                    id: t.id,
                    outcome: t.outcome.clone(),
                };
                self.events.push_back(event);
            }
            _ => self.start_content(),
        }
    }

    /// Starts the content after the RCPT replies: DATA, or the first BDAT from the
    /// application (or the stored body).
    fn start_content(&mut self) {
        let Some(t) = &mut self.txn else { return };
        if t.bdat {
            self.content_phase();
        } else {
            t.phase = Phase::Envelope;
            encode::command(&Command::Data, &mut self.out);
            self.expects.push_back(Expect::Data);
        }
    }

    fn on_data_reply(&mut self, reply: Reply) {
        let Some(t) = &mut self.txn else { return };
        let go = reply.code() == ReplyCode::START_MAIL_INPUT;
        t.outcome.data_start = Some(reply);
        if !go {
            return self.finish_failed();
        }
        if t.accepted() == 0 {
            // RFC 2920 §3.1: a server that says 354 with no valid recipient gets an empty
            // message, whose reply is not about this transaction.
            t.abandoned = true;
            t.phase = Phase::Final;
            self.out.put_slice(b".\r\n");
            self.expects.push_back(Expect::DataEnd { remaining: 1 });
            return;
        }
        self.content_phase();
    }

    /// The server is ready for content: send the stored body, or ask the application.
    fn content_phase(&mut self) {
        let Some(t) = &mut self.txn else { return };
        t.phase = Phase::Sending;
        match t.body.take() {
            Some(body) => self.finish_content(Some(body)),
            None => {
                let id = t.id;
                self.events.push_back(Event::DataRequested { id });
            }
        }
    }

    fn on_data_end_reply(&mut self, remaining: usize, reply: Reply) {
        let lmtp = self.config.lmtp;
        let Some(t) = &mut self.txn else { return };
        if !t.abandoned {
            let reply = t.chunk_failure.clone().unwrap_or(reply);
            let mut accepted = t
                .outcome
                .recipients
                .iter_mut()
                .filter(|r| r.rcpt.as_ref().is_some_and(Reply::is_positive));
            if lmtp && t.chunk_failure.is_none() {
                if let Some(r) = accepted.nth(t.lmtp_next) {
                    r.data = Some(reply);
                }
                t.lmtp_next += 1;
            } else {
                for r in accepted {
                    r.data = Some(reply.clone());
                }
            }
        }
        // After a refused BDAT chunk the server has dropped the transaction and answers the
        // LAST chunk once, even in LMTP (there are no recipients left to answer for).
        if remaining > 1 && t.chunk_failure.is_none() {
            self.expects.push_front(Expect::DataEnd {
                remaining: remaining - 1,
            });
            return;
        }
        // The final reply ends the transaction on the server either way (RFC 5321 §4.1.1.4).
        if t.abandoned {
            self.finish_failed();
        } else {
            t.outcome.end = TransactionEnd::Sent;
            self.complete_transaction();
        }
    }

    /// The server refused the transaction before the content.
    fn finish_failed(&mut self) {
        self.end_before_content(TransactionEnd::Refused);
    }

    /// The transaction ends without content: reset the server's transaction with RSET if
    /// MAIL was accepted (RFC 5321 §4.1.1.5), then report.
    fn end_before_content(&mut self, end: TransactionEnd) {
        let Some(t) = &mut self.txn else { return };
        t.outcome.end = end;
        if t.mail_accepted() && t.phase != Phase::Resetting {
            t.phase = Phase::Resetting;
            encode::command(&Command::Rset, &mut self.out);
            self.expects.push_back(Expect::Rset { id: None });
        } else {
            self.complete_transaction();
        }
    }

    fn complete_transaction(&mut self) {
        if let Some(t) = self.txn.take() {
            self.events.push_back(Event::TransactionCompleted {
                id: t.id,
                outcome: t.outcome,
            });
        }
    }
}

fn write_bdat(out: &mut BytesMut, len: usize, last: bool) {
    use std::fmt::Write as _;
    let _ = write!(out, "BDAT {len}");
    if last {
        out.put_slice(b" LAST");
    }
    out.put_slice(b"\r\n");
}
