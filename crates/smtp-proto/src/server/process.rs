//! The server's engine: framing the input, handing requests out in order, writing replies.

use std::time::Instant;

use bytes::{Buf, Bytes};

use super::{
    DataFailure, Error, Event, Greeting, HelloKind, Kind, LmtpRecipient, Mode, RcptState,
    Recipient, Server, Slot, Status, Transaction, canned,
};
use crate::framing::{DataConfig, DataEvent, DataReader};
use crate::parse;
use crate::session::wire;
use crate::types::{Body, Command, EhloResponse, Reply, ReplyLine, SaslResponse, Text};
use crate::{ParseError, ParseErrorKind};

/// A framed input line.
enum Line {
    /// A line without its CRLF.
    Complete(Bytes),
    /// A line longer than the limit (discarded).
    TooLong,
    /// A line ended by a bare LF (discarded).
    BareLf,
}

/// True when `line` starts with `verb` (case-insensitive) followed by the end or a space.
fn verb_is(line: &[u8], verb: &[u8]) -> bool {
    line.len() >= verb.len()
        && line[..verb.len()].eq_ignore_ascii_case(verb)
        && (line.len() == verb.len() || line[verb.len()] == b' ')
}

/// Commands after which nothing is parsed until they are handled: the bytes that follow are
/// message content (DATA, BDAT), an AUTH exchange, TLS (STARTTLS) or nothing (QUIT).
fn ends_group(line: &[u8]) -> bool {
    [&b"DATA"[..], b"BDAT", b"AUTH", b"STARTTLS", b"QUIT"]
        .iter()
        .any(|v| verb_is(line, v))
}

/// Drops enhanced codes from a reply when ENHANCEDSTATUSCODES is not offered.
fn without_esc(reply: Reply) -> Reply {
    if reply.lines().all(|l| l.enhanced.is_none()) {
        return reply;
    }
    let lines = reply
        .lines()
        .map(|l| ReplyLine::new(None, Bytes::copy_from_slice(l.text())))
        .collect();
    Reply::from_lines(reply.code(), lines)
}

impl Server {
    /// Runs the engine until nothing more can happen without new input or decisions.
    pub(super) fn process(&mut self, now: Instant) {
        loop {
            if self.is_closed() {
                return;
            }
            let mut progress = self.flush_decided();
            progress |= self.dispatch_ready(now);
            if self.is_closed() {
                return;
            }
            progress |= self.read_input();
            if !progress {
                break;
            }
        }
    }

    /// Writes the replies at the front of the queue that are decided, in order.
    pub(super) fn flush_decided(&mut self) -> bool {
        let mut any = false;
        while matches!(
            self.queue.front(),
            Some(Slot {
                status: Status::Decided(_),
                ..
            })
        ) {
            if let Some(Slot {
                status: Status::Decided(reply),
                ..
            }) = self.queue.pop_front()
            {
                wire::encode_reply(&reply, &mut self.out);
            }
            any = true;
        }
        any
    }

    /// Hands out the next queued request if every request before it is answered (or, for RCPT,
    /// if only RCPTs are outstanding before it). Returns true when something was handed out.
    fn dispatch_ready(&mut self, now: Instant) -> bool {
        let mut pending = false;
        let mut only_rcpts = true;
        for i in 0..self.queue.len() {
            match &self.queue[i].status {
                Status::Decided(_) => {}
                Status::AwaitingApp => {
                    pending = true;
                    only_rcpts &= self.queue[i].kind == Kind::Rcpt;
                }
                Status::AwaitingClient => return false,
                Status::Queued(p) => {
                    let is_rcpt = matches!(p, Ok(line) if verb_is(line, b"RCPT"));
                    if pending && !(only_rcpts && is_rcpt) {
                        return false;
                    }
                    let status = std::mem::replace(&mut self.queue[i].status, Status::AwaitingApp);
                    if let Status::Queued(p) = status {
                        self.dispatch(now, i, p);
                    }
                    return true;
                }
            }
        }
        false
    }

    // ------------------------------------------------------------------------------------
    // input framing
    // ------------------------------------------------------------------------------------

    fn read_input(&mut self) -> bool {
        match &self.mode {
            Mode::Command => self.read_commands(),
            Mode::Data { .. } => self.read_data(),
            Mode::Bdat { .. } => self.read_bdat(),
            Mode::Auth {
                awaiting_line: true,
                ..
            } => self.read_auth_line(),
            Mode::Auth { .. } | Mode::TlsHandshake | Mode::Closed => false,
        }
    }

    /// Frames one line of at most `limit` octets (with CRLF).
    fn next_line(&mut self, limit: usize) -> Option<Line> {
        if self.discarding_line {
            match memchr::memchr(b'\n', &self.rbuf) {
                Some(p) => {
                    self.rbuf.advance(p + 1);
                    self.discarding_line = false;
                }
                None => {
                    self.rbuf.clear();
                    return None;
                }
            }
        }
        if self.rbuf.is_empty() {
            return None;
        }
        // A line needs room for at least one byte and CRLF, whatever the configuration says.
        let limit = limit.max(3);
        let window = self.rbuf.len().min(limit);
        match memchr::memchr(b'\n', &self.rbuf[..window]) {
            Some(p) => {
                let line = self.rbuf.split_to(p + 1).freeze();
                if p > 0 && line[p - 1] == b'\r' {
                    Some(Line::Complete(line.slice(..p - 1)))
                } else {
                    Some(Line::BareLf)
                }
            }
            None if self.rbuf.len() >= limit => {
                match memchr::memchr(b'\n', &self.rbuf[limit..]) {
                    Some(q) => self.rbuf.advance(limit + q + 1),
                    None => {
                        self.rbuf.clear();
                        self.discarding_line = true;
                    }
                }
                Some(Line::TooLong)
            }
            None => None,
        }
    }

    fn read_commands(&mut self) -> bool {
        if self.greeting == Greeting::Pending {
            return false;
        }
        let mut any = false;
        while !self.barrier && self.queue.len() < self.config.max_pipelined_commands.max(1) {
            let pending = match self.next_line(self.config.max_command_line) {
                None => break,
                Some(Line::Complete(line)) => {
                    self.barrier = ends_group(&line);
                    Ok(line)
                }
                Some(Line::TooLong) => Err(ParseError::new(ParseErrorKind::LineTooLong, 0)),
                Some(Line::BareLf) => Err(ParseError::new(ParseErrorKind::BareLineEnding, 0)),
            };
            let id = self.ids.next_id();
            self.queue.push_back(Slot {
                id,
                kind: Kind::Plain,
                status: Status::Queued(pending),
            });
            any = true;
        }
        any
    }

    fn read_data(&mut self) -> bool {
        let mut any = false;
        loop {
            let Mode::Data { id, reader } = &mut self.mode else {
                return any;
            };
            let id = *id;
            match reader.decode(&mut self.rbuf) {
                None => return any,
                Some(DataEvent::Chunk(data)) => {
                    any = true;
                    self.events.push_back(Event::DataChunk { id, data });
                }
                Some(DataEvent::End(end)) => {
                    let failure = if end.too_large {
                        self.config
                            .max_message_size
                            .map(|limit| DataFailure::TooLarge { limit })
                    } else if end.bare_rejected {
                        Some(DataFailure::BareLineEnding)
                    } else {
                        None
                    };
                    self.mode = Mode::Command;
                    self.end_message(id, end.size, failure);
                    return true;
                }
            }
        }
    }

    fn read_bdat(&mut self) -> bool {
        let limit = self.config.max_message_size;
        let Mode::Bdat {
            id,
            remaining,
            last,
            discard,
            failure,
        } = &mut self.mode
        else {
            return false;
        };
        let id = *id;
        let mut any = false;
        let take = usize::try_from(*remaining)
            .unwrap_or(usize::MAX)
            .min(self.rbuf.len());
        if take > 0 {
            any = true;
            let chunk = self.rbuf.split_to(take).freeze();
            *remaining -= take as u64;
            if discard.is_none()
                && failure.is_none()
                && let Some(t) = &mut self.transaction
            {
                t.bdat_size = t.bdat_size.saturating_add(take as u64);
                if let Some(l) = limit.filter(|l| t.bdat_size > *l) {
                    *failure = Some(DataFailure::TooLarge { limit: l });
                } else {
                    self.events.push_back(Event::DataChunk { id, data: chunk });
                }
            }
        }
        if *remaining > 0 {
            return any;
        }
        let (last, discard, failure) = (*last, discard.take(), *failure);
        self.mode = Mode::Command;
        if let Some(reply) = discard {
            self.set_status(id, Status::Decided(reply));
            if self.bad_commands >= self.config.max_bad_commands {
                let limit = self.config.max_bad_commands;
                self.close_with(Error::TooManyBadCommands { limit }, None);
            }
        } else if last {
            let size = self.transaction.as_ref().map_or(0, |t| t.bdat_size);
            self.end_message(id, size, failure);
        } else if let Some(f) = failure {
            // A refused chunk ends the transaction: later BDATs get 503 (RFC 3030 §2).
            self.events.push_back(Event::DataRejected { id, reason: f });
            self.transaction = None;
            let reply = self.with_esc(f.reply());
            self.set_status(id, Status::Decided(reply));
        } else {
            let reply = canned::chunk_ok(self.esc());
            self.set_status(id, Status::Decided(reply));
        }
        true
    }

    fn read_auth_line(&mut self) -> bool {
        let Some(line) = self.next_line(self.config.max_auth_line) else {
            return false;
        };
        let Mode::Auth { id, mechanism, .. } = &self.mode else {
            return false;
        };
        let (id, mechanism) = (*id, mechanism.clone());
        let outcome = match line {
            Line::TooLong => Err(ParseError::new(ParseErrorKind::AuthLineTooLong, 0)),
            Line::BareLf => Err(ParseError::new(ParseErrorKind::BareLineEnding, 0)),
            Line::Complete(line) => parse::sasl_response(&line),
        };
        match outcome {
            Ok(SaslResponse::Data(secret)) => {
                if let Mode::Auth { awaiting_line, .. } = &mut self.mode {
                    *awaiting_line = false;
                }
                self.set_status(id, Status::AwaitingApp);
                self.events.push_back(Event::AuthStep {
                    id,
                    mechanism,
                    response: Some(secret),
                });
            }
            Ok(SaslResponse::Cancel) => {
                self.mode = Mode::Command;
                self.events.push_back(Event::AuthCancelled { id });
                let reply = canned::auth_cancelled(self.esc());
                self.set_status(id, Status::Decided(reply));
            }
            Err(e) => {
                self.mode = Mode::Command;
                let reply = self.with_esc(e.reply());
                self.set_status(id, Status::Decided(reply));
            }
        }
        true
    }

    // ------------------------------------------------------------------------------------
    // handling one command
    // ------------------------------------------------------------------------------------

    fn set_status(&mut self, id: super::RequestId, status: Status) {
        if let Some(slot) = self.queue.iter_mut().find(|s| s.id == id) {
            slot.status = status;
        }
    }

    pub(super) fn with_esc(&self, reply: Reply) -> Reply {
        if self.esc() {
            reply
        } else {
            without_esc(reply)
        }
    }

    /// Answers the request at `idx` with a reply of the session's own.
    fn answer(&mut self, idx: usize, reply: Reply) {
        self.bad_commands = 0;
        self.queue[idx].status = Status::Decided(reply);
    }

    /// Answers an invalid command; closes after too many in a row.
    fn refuse(&mut self, idx: usize, reply: Reply) {
        self.queue[idx].status = Status::Decided(reply);
        self.bad_commands = self.bad_commands.saturating_add(1);
        if self.bad_commands >= self.config.max_bad_commands {
            let limit = self.config.max_bad_commands;
            self.close_with(Error::TooManyBadCommands { limit }, None);
        }
    }

    /// Hands a request to the application.
    fn ask(&mut self, idx: usize, kind: Kind, event: Event) {
        self.bad_commands = 0;
        self.queue[idx].kind = kind;
        self.queue[idx].status = Status::AwaitingApp;
        self.events.push_back(event);
    }

    fn dispatch(&mut self, _now: Instant, idx: usize, pending: Result<Bytes, ParseError>) {
        let esc = self.esc();
        let id = self.queue[idx].id;
        let line = match pending {
            Ok(line) => line,
            Err(e) => return self.refuse(idx, self.with_esc(e.reply())),
        };
        if ends_group(&line) {
            self.barrier = false;
        }
        let mut opts = self.parse_options;
        // RCPT addresses may be UTF-8 only in an SMTPUTF8 transaction (RFC 6531 §3.4).
        opts.smtputf8 = self.transaction.as_ref().is_some_and(|t| t.smtputf8);
        let command = match parse::command_with(&line, &opts) {
            Ok(c) => c,
            Err(e) => return self.refuse(idx, self.with_esc(e.reply())),
        };
        if self.greeting == Greeting::Refused && command != Command::Quit {
            return self.refuse(idx, canned::service_refused(esc));
        }
        match command {
            Command::Quit => {
                // Every earlier reply is decided; `close_with` writes them, then the 221.
                self.flush_decided();
                let reason = if self.greeting == Greeting::Refused {
                    Error::ServiceRefused
                } else {
                    Error::Quit
                };
                self.close_with(reason, None);
            }
            Command::Helo { host } => self.on_hello(idx, HelloKind::Helo, host),
            Command::Ehlo { host } => self.on_hello(idx, HelloKind::Ehlo, host),
            Command::Lhlo { host } => self.on_hello(idx, HelloKind::Lhlo, host),
            Command::Mail { from, parameters } => self.on_mail(idx, from, parameters.into_inner()),
            Command::Rcpt { to, parameters } => self.on_rcpt(idx, to, parameters.into_inner()),
            Command::Data => self.on_data(idx),
            Command::Bdat { size, last } => self.on_bdat(idx, size, last),
            Command::Rset => {
                self.reset_transaction();
                self.answer(idx, canned::reset_ok(esc));
            }
            Command::Noop { .. } => self.answer(idx, canned::ok(esc)),
            c @ (Command::Vrfy { .. } | Command::Expn { .. }) => {
                if self.config.delegate_vrfy_expn {
                    self.ask(
                        idx,
                        Kind::Generic,
                        Event::CommandReceived { id, command: c },
                    );
                } else {
                    self.answer(idx, canned::cannot_vrfy(esc));
                }
            }
            c @ Command::Help { .. } => {
                if self.config.delegate_help {
                    self.ask(
                        idx,
                        Kind::Generic,
                        Event::CommandReceived { id, command: c },
                    );
                } else {
                    self.answer(idx, canned::help(esc));
                }
            }
            c @ Command::Etrn { .. } => {
                if self.config.extensions.etrn && self.hello.is_some() {
                    self.ask(
                        idx,
                        Kind::Generic,
                        Event::CommandReceived { id, command: c },
                    );
                } else {
                    self.refuse(idx, canned::not_implemented(esc));
                }
            }
            Command::StartTls => self.on_starttls(idx),
            Command::Auth {
                mechanism,
                initial_response,
            } => self.on_auth(idx, mechanism, initial_response),
            c @ Command::Unknown { .. } => {
                if self.config.delegate_unknown_commands {
                    self.ask(
                        idx,
                        Kind::Generic,
                        Event::CommandReceived { id, command: c },
                    );
                } else {
                    self.refuse(idx, canned::unrecognized(esc));
                }
            }
        }
    }

    fn on_hello(&mut self, idx: usize, kind: HelloKind, host: crate::types::Host) {
        let esc = self.esc();
        if self.config.lmtp != (kind == HelloKind::Lhlo) {
            let reply = if self.config.lmtp {
                canned::lmtp_needs_lhlo(esc)
            } else {
                canned::unrecognized(esc)
            };
            return self.refuse(idx, reply);
        }
        let id = self.queue[idx].id;
        self.pending_hello = Some((id, host.clone()));
        self.ask(
            idx,
            Kind::Hello(kind),
            Event::HelloReceived { id, kind, host },
        );
    }

    fn on_mail(
        &mut self,
        idx: usize,
        from: crate::types::ReversePath,
        parameters: crate::types::MailParameters,
    ) {
        let esc = self.esc();
        let Some((hello, _)) = &self.hello else {
            return self.refuse(idx, canned::hello_first(esc));
        };
        let hello = *hello;
        if self.transaction.is_some() {
            return self.refuse(idx, canned::nested_mail(esc));
        }
        if self.config.require_auth && !self.authenticated {
            return self.answer(idx, canned::auth_required(esc));
        }
        let x = &self.config.extensions;
        let p = &parameters;
        let offered = hello != HelloKind::Helo
            && match p.body {
                None | Some(Body::SevenBit) => true,
                Some(Body::EightBitMime) => x.eight_bit_mime,
                Some(Body::BinaryMime) => x.chunking && x.binary_mime,
            }
            && (!p.smtputf8 || x.smtputf8)
            && ((p.ret.is_none() && p.envid.is_none()) || x.dsn)
            && (p.auth.is_none() || self.auth_offered())
            && (!p.requiretls || (x.requiretls && self.tls))
            && p.mt_priority.is_none()
            && p.future_release.is_none()
            && p.deliver_by.is_none()
            && (p.other.is_empty() || self.config.pass_unknown_parameters);
        if !offered && !parameters.is_empty() {
            return self.refuse(idx, canned::parameter_not_offered(esc));
        }
        if let (Some(size), Some(max)) = (p.size, self.config.max_message_size)
            && size > max
        {
            return self.answer(idx, canned::size_exceeded(esc));
        }
        self.pending_transaction = Some(Transaction {
            body: parameters.body,
            smtputf8: parameters.smtputf8,
            ..Transaction::default()
        });
        let id = self.queue[idx].id;
        self.ask(
            idx,
            Kind::Mail,
            Event::MailFromReceived {
                id,
                reverse_path: from,
                parameters,
            },
        );
    }

    fn on_rcpt(
        &mut self,
        idx: usize,
        to: crate::types::ForwardPath,
        parameters: crate::types::RcptParameters,
    ) {
        let esc = self.esc();
        let dsn = self.config.extensions.dsn;
        let pass_unknown = self.config.pass_unknown_parameters;
        let helo = matches!(self.hello, Some((HelloKind::Helo, _)));
        let max = self.config.max_recipients;
        let Some(t) = &mut self.transaction else {
            return self.refuse(idx, canned::need_mail(esc));
        };
        let p = &parameters;
        let offered = !helo
            && ((p.notify.is_none() && p.orcpt.is_none()) || dsn)
            && p.rrvs.is_none()
            && (p.other.is_empty() || pass_unknown);
        if !offered && !parameters.is_empty() {
            return self.refuse(idx, canned::parameter_not_offered(esc));
        }
        let open = t
            .recipients
            .iter()
            .filter(|r| r.state != RcptState::Rejected)
            .count();
        if open >= max {
            return self.answer(idx, canned::too_many_recipients(esc));
        }
        let id = self.queue[idx].id;
        t.recipients.push(Recipient {
            id,
            forward_path: to.clone(),
            state: RcptState::Pending,
        });
        self.ask(
            idx,
            Kind::Rcpt,
            Event::RcptToReceived {
                id,
                forward_path: to,
                parameters,
            },
        );
    }

    fn on_data(&mut self, idx: usize) {
        let esc = self.esc();
        let Some(t) = &self.transaction else {
            return self.refuse(idx, canned::need_mail(esc));
        };
        if t.body == Some(Body::BinaryMime) {
            return self.refuse(idx, canned::binarymime_needs_bdat(esc));
        }
        if t.bdat_started {
            return self.refuse(idx, canned::data_after_bdat(esc));
        }
        if t.accepted() == 0 {
            return self.answer(idx, canned::no_valid_recipients(esc));
        }
        let id = self.queue[idx].id;
        self.bad_commands = 0;
        // Every earlier reply is decided: write them, then the 354 (RFC 2920 §3.1: DATA ends a
        // group, the client waits for 354).
        self.queue[idx].status = Status::AwaitingClient;
        self.queue[idx].kind = Kind::MessageEnd;
        self.flush_decided();
        wire::encode_reply(&canned::start_data(), &mut self.out);
        let data_config = DataConfig {
            max_size: self.config.max_message_size.unwrap_or(u64::MAX),
            bare_line_endings: self.config.bare_line_endings,
        };
        self.mode = Mode::Data {
            id,
            reader: DataReader::new(data_config),
        };
        self.events.push_back(Event::DataStarted { id });
    }

    fn on_bdat(&mut self, idx: usize, size: u64, last: bool) {
        let esc = self.esc();
        let id = self.queue[idx].id;
        let refusal = match &self.transaction {
            _ if !self.config.extensions.chunking => Some(canned::not_implemented(esc)),
            None => Some(canned::need_mail(esc)),
            Some(t) if t.accepted() == 0 => Some(canned::no_valid_recipients(esc)),
            Some(_) => None,
        };
        if refusal.is_some() {
            self.bad_commands = self.bad_commands.saturating_add(1);
        } else {
            self.bad_commands = 0;
        }
        if let Some(t) = &mut self.transaction
            && refusal.is_none()
            && !t.bdat_started
        {
            t.bdat_started = true;
            self.events.push_back(Event::DataStarted { id });
        }
        // The chunk is read (or skipped) before the reply, so the stream stays in sync even
        // when the BDAT is refused (RFC 3030 §2).
        self.queue[idx].status = Status::AwaitingClient;
        self.mode = Mode::Bdat {
            id,
            remaining: size,
            last,
            discard: refusal,
            failure: None,
        };
    }

    fn on_starttls(&mut self, idx: usize) {
        let esc = self.esc();
        if !self.config.extensions.starttls {
            return self.refuse(idx, canned::not_implemented(esc));
        }
        if self.tls {
            return self.refuse(idx, canned::tls_active(esc));
        }
        self.answer(idx, canned::ready_for_tls(esc));
        self.flush_decided();
        self.reset_transaction();
        // Anything the client sent after STARTTLS in clear text is not trusted after the
        // handshake: throw it away and say so (RFC 3207 §4.2, CVE-2011-0411).
        if !self.rbuf.is_empty() {
            let len = self.rbuf.len();
            self.rbuf.clear();
            self.events.push_back(Event::PlaintextDiscarded { len });
        }
        self.discarding_line = false;
        self.mode = Mode::TlsHandshake;
        self.events.push_back(Event::TlsUpgradeRequested);
    }

    fn on_auth(
        &mut self,
        idx: usize,
        mechanism: crate::types::AuthMechanism,
        initial_response: Option<crate::types::Secret>,
    ) {
        let esc = self.esc();
        if !self.auth_offered() {
            return self.refuse(idx, canned::not_implemented(esc));
        }
        if !matches!(self.hello, Some((HelloKind::Ehlo | HelloKind::Lhlo, _))) {
            return self.refuse(idx, canned::ehlo_first(esc));
        }
        if self.authenticated {
            return self.refuse(idx, canned::already_authenticated(esc));
        }
        if self.transaction.is_some() {
            return self.refuse(idx, canned::auth_in_transaction(esc));
        }
        if !self.config.extensions.auth.contains(&mechanism) {
            return self.refuse(idx, canned::auth_mechanism_unknown(esc));
        }
        let id = self.queue[idx].id;
        self.mode = Mode::Auth {
            id,
            mechanism: mechanism.clone(),
            awaiting_line: false,
        };
        self.ask(
            idx,
            Kind::Auth,
            Event::AuthStep {
                id,
                mechanism,
                response: initial_response,
            },
        );
    }

    /// The message content ended: queue the session's refusal, or ask the application (once,
    /// or once per accepted recipient for LMTP). The transaction is over either way.
    fn end_message(&mut self, id: super::RequestId, size: u64, failure: Option<DataFailure>) {
        let accepted: Vec<(super::RequestId, crate::types::ForwardPath)> = self
            .transaction
            .take()
            .map(|t| {
                t.recipients
                    .into_iter()
                    .filter(|r| r.state == RcptState::Accepted)
                    .map(|r| (r.id, r.forward_path))
                    .collect()
            })
            .unwrap_or_default();
        let Some(idx) = self.queue.iter().position(|s| s.id == id) else {
            return;
        };
        if let Some(f) = failure {
            self.events.push_back(Event::DataRejected { id, reason: f });
        }
        let failure_reply = failure.map(|f| self.with_esc(f.reply()));
        if !self.config.lmtp {
            match failure_reply {
                Some(reply) => self.queue[idx].status = Status::Decided(reply),
                None => {
                    self.queue[idx].kind = Kind::MessageEnd;
                    self.queue[idx].status = Status::AwaitingApp;
                    self.events.push_back(Event::DataEnded {
                        id,
                        size,
                        lmtp_recipients: Vec::new(),
                    });
                }
            }
            return;
        }
        // LMTP (RFC 2033 §4.2): one reply per accepted recipient, in RCPT order.
        self.queue.remove(idx);
        let mut slots = Vec::with_capacity(accepted.len());
        for (k, (rcpt_id, forward_path)) in accepted.into_iter().enumerate() {
            let slot_id = self.ids.next_id();
            let status = match &failure_reply {
                Some(r) => Status::Decided(r.clone()),
                None => Status::AwaitingApp,
            };
            self.queue.insert(
                idx + k,
                Slot {
                    id: slot_id,
                    kind: Kind::LmtpRecipient { group: id },
                    status,
                },
            );
            slots.push(LmtpRecipient {
                id: slot_id,
                rcpt_id,
                forward_path,
            });
        }
        if failure_reply.is_none() {
            self.events.push_back(Event::DataEnded {
                id,
                size,
                lmtp_recipients: slots,
            });
        }
    }

    pub(super) fn reset_transaction(&mut self) {
        if self.transaction.take().is_some() {
            self.events.push_back(Event::TransactionReset);
        }
    }

    /// Ends the session: writes the replies already decided in order, then `reply` (or the
    /// reason's own reply), and reports [`Event::Closed`].
    pub(super) fn close_with(&mut self, reason: Error, reply: Option<Reply>) {
        self.flush_decided();
        self.queue.clear();
        if let Some(r) = reply.or_else(|| reason.reply()) {
            let r = self.with_esc(r);
            wire::encode_reply(&r, &mut self.out);
        }
        self.mode = Mode::Closed;
        self.rbuf = bytes::BytesMut::new();
        self.events.push_back(Event::Closed { reason });
    }

    /// The `250` reply to HELO, EHLO or LHLO.
    pub(super) fn hello_reply(&self, kind: HelloKind, id: super::RequestId) -> Reply {
        let host = &self.config.hostname;
        if kind == HelloKind::Helo {
            return canned::helo_ok(host);
        }
        let greeting = match &self.pending_hello {
            Some((pid, h)) if *pid == id => format!("Hello {h}"),
            _ => String::from("Hello"),
        };
        crate::encode::ehlo_reply(&EhloResponse::new(
            Text::from(host.clone()),
            Text::from(greeting),
            self.capabilities(),
        ))
    }
}
