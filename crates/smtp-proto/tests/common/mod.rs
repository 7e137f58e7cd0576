//! Shared helpers for the session tests: a virtual clock, an application that answers server
//! events by a policy, and byte shuttling between a client and a server.
#![allow(dead_code, clippy::disallowed_methods, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use bytes::Bytes;
use smtp_proto::server::{self, Event as SEvent, Server};
use smtp_proto::types::{Reply, ReplyCode};

/// Everything a client has to send, as text.
pub fn out(c: &mut smtp_proto::client::Client) -> String {
    let mut v = Vec::new();
    while let Some(b) = c.poll_transmit() {
        v.extend_from_slice(&b);
    }
    String::from_utf8(v).unwrap()
}

/// Every event a client has queued.
pub fn events(c: &mut smtp_proto::client::Client) -> Vec<smtp_proto::client::Event> {
    std::iter::from_fn(|| c.poll_event()).collect()
}

/// A fixed starting instant; tests add durations to it.
pub fn t0() -> Instant {
    Instant::now()
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Collects everything a server has to send.
pub fn drain_out(s: &mut Server) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(b) = s.poll_transmit() {
        out.extend_from_slice(&b);
    }
    out
}

/// What a scripted application does with each decision.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Recipients (local part prefix) to reject with 550.
    pub reject_rcpt_prefix: Option<String>,
    /// Accepted AUTH PLAIN user/password.
    pub auth_user: Option<(String, String)>,
}

/// A record of what the application saw.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seen {
    pub events: Vec<String>,
    pub messages: Vec<Vec<u8>>,
    pub current: Vec<u8>,
    /// Responses seen in the current LOGIN exchange.
    pub login_step: usize,
}

/// Answers every pending event of `s` according to `policy`; returns when no event is left.
pub fn answer_all(s: &mut Server, now: Instant, policy: &Policy, seen: &mut Seen) {
    while let Some(ev) = s.poll_event() {
        seen.events.push(short(&ev));
        match ev {
            SEvent::HelloReceived { id, .. } | SEvent::MailFromReceived { id, .. } => {
                s.accept(now, id).unwrap();
            }
            SEvent::RcptToReceived {
                id, forward_path, ..
            } => {
                let reject = policy
                    .reject_rcpt_prefix
                    .as_deref()
                    .is_some_and(|p| forward_path.to_string().starts_with(&format!("<{p}")));
                if reject {
                    s.reject(
                        now,
                        id,
                        Reply::new(
                            ReplyCode::MAILBOX_UNAVAILABLE,
                            smtp_proto::types::EnhancedStatusCode::new(5, 1, 1),
                            "No such user",
                        ),
                    )
                    .unwrap();
                } else {
                    s.accept(now, id).unwrap();
                }
            }
            SEvent::DataChunk { data, .. } => seen.current.extend_from_slice(&data),
            SEvent::DataEnded {
                id,
                lmtp_recipients,
                ..
            } => {
                seen.messages.push(std::mem::take(&mut seen.current));
                if lmtp_recipients.is_empty() {
                    s.accept(now, id).unwrap();
                } else {
                    for r in lmtp_recipients {
                        s.accept(now, r.id).unwrap();
                    }
                }
            }
            // Content streamed so far belongs to a transaction that no longer exists.
            SEvent::DataRejected { .. } | SEvent::TransactionReset => seen.current.clear(),
            SEvent::AuthStep {
                id,
                mechanism,
                response,
            } => match (mechanism.as_str(), response) {
                ("PLAIN", None) => s.auth_challenge(now, id, b"").unwrap(),
                ("PLAIN", Some(r)) => {
                    let ok = match (server::sasl::decode_plain(r.expose()), &policy.auth_user) {
                        (Ok(p), Some((u, pw))) => {
                            p.authcid == *u && p.password.expose() == pw.as_bytes()
                        }
                        _ => false,
                    };
                    if ok {
                        s.accept(now, id).unwrap();
                    } else {
                        s.reject(now, id, server::sasl::credentials_invalid())
                            .unwrap();
                    }
                }
                ("LOGIN", None) => {
                    seen.login_step = 0;
                    s.auth_challenge(now, id, server::sasl::LOGIN_USERNAME_PROMPT)
                        .unwrap();
                }
                ("LOGIN", Some(r)) => {
                    // First response: user name; second: password.
                    seen.login_step += 1;
                    if seen.login_step == 1 {
                        s.auth_challenge(now, id, server::sasl::LOGIN_PASSWORD_PROMPT)
                            .unwrap();
                    } else {
                        let ok = policy
                            .auth_user
                            .as_ref()
                            .is_some_and(|(_, pw)| r.expose() == pw.as_bytes());
                        if ok {
                            s.accept(now, id).unwrap();
                        } else {
                            s.reject(now, id, server::sasl::credentials_invalid())
                                .unwrap();
                        }
                    }
                }
                _ => s
                    .reject(now, id, server::sasl::credentials_invalid())
                    .unwrap(),
            },
            SEvent::CommandReceived { id, .. } => s.accept(now, id).unwrap(),
            _ => {}
        }
    }
}

/// A short, stable description of a server event for assertions.
pub fn short(ev: &SEvent) -> String {
    match ev {
        SEvent::HelloReceived { kind, host, .. } => format!("hello {kind:?} {host}"),
        SEvent::MailFromReceived { reverse_path, .. } => format!("mail {reverse_path}"),
        SEvent::RcptToReceived { forward_path, .. } => format!("rcpt {forward_path}"),
        SEvent::DataStarted { .. } => "data-start".into(),
        SEvent::DataChunk { .. } => "chunk".into(),
        SEvent::DataEnded { size, .. } => format!("data-end {size}"),
        SEvent::DataRejected { reason, .. } => format!("data-rejected {reason:?}"),
        SEvent::AuthStep { mechanism, .. } => format!("auth {mechanism}"),
        SEvent::AuthCancelled { .. } => "auth-cancelled".into(),
        SEvent::CommandReceived { command, .. } => format!("command {}", command.verb()),
        SEvent::TransactionReset => "reset".into(),
        SEvent::TlsUpgradeRequested => "tls".into(),
        SEvent::PlaintextDiscarded { len } => format!("discarded {len}"),
        SEvent::Closed { reason } => format!("closed {reason:?}"),
        other => format!("{other:?}"),
    }
}

/// Feeds `input` to the server in one piece, answers everything, returns the output as text.
pub fn feed(
    s: &mut Server,
    now: Instant,
    input: &[u8],
    policy: &Policy,
    seen: &mut Seen,
) -> String {
    s.handle_input(now, input);
    answer_all(s, now, policy, seen);
    String::from_utf8_lossy(&drain_out(s)).into_owned()
}

/// Coalesces consecutive "chunk" events (their number depends on how input was split).
pub fn normalise(events: &[String]) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for e in events {
        if e == "chunk" && v.last().is_some_and(|l| l == "chunk") {
            continue;
        }
        v.push(e.clone());
    }
    v
}

pub fn bytes(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

use smtp_proto::client::{self, Client, Event as CEvent};

/// A client and a server joined in memory, on a virtual clock.
pub struct Pair {
    pub client: Client,
    pub server: Server,
    pub now: Instant,
    pub policy: Policy,
    pub seen: Seen,
    pub client_events: Vec<CEvent>,
    /// Everything the client sent, and everything the server sent.
    pub c2s: Vec<u8>,
    pub s2c: Vec<u8>,
    /// Write sizes of the server (to check one write per pipelined group).
    pub server_writes: usize,
    /// When set, every write is delivered in pieces of these sizes (cycled).
    pub pieces: Vec<usize>,
    piece_at: usize,
}

impl Pair {
    pub fn new(cc: client::Config, sc: server::Config) -> Self {
        let now = t0();
        Self {
            client: Client::new(cc, now),
            server: Server::new(sc, now),
            now,
            policy: Policy::default(),
            seen: Seen::default(),
            client_events: Vec::new(),
            c2s: Vec::new(),
            s2c: Vec::new(),
            server_writes: 0,
            pieces: Vec::new(),
            piece_at: 0,
        }
    }

    /// Shuttles bytes and answers server events until nothing moves; performs the TLS
    /// "handshake" when both sides asked for it.
    pub fn run(&mut self) {
        loop {
            let mut progress = false;
            while let Some(b) = self.client.poll_transmit() {
                self.c2s.extend_from_slice(&b);
                for piece in self.split(&b) {
                    self.server.handle_input(self.now, &piece);
                }
                progress = true;
            }
            let before = self.seen.events.len();
            answer_all(
                &mut self.server,
                self.now,
                &self.policy.clone(),
                &mut self.seen,
            );
            progress |= self.seen.events.len() != before;
            while let Some(b) = self.server.poll_transmit() {
                self.s2c.extend_from_slice(&b);
                self.server_writes += 1;
                for piece in self.split(&b) {
                    self.client.handle_input(self.now, &piece);
                }
                progress = true;
            }
            while let Some(e) = self.client.poll_event() {
                self.client_events.push(e);
                progress = true;
            }
            let server_tls = self.seen.events.last().is_some_and(|e| e == "tls");
            let client_tls = matches!(self.client_events.last(), Some(CEvent::TlsUpgradeReady));
            if server_tls && client_tls && !self.server.is_tls() {
                self.server
                    .handle_tls_established(self.now)
                    .expect("the server asked for TLS");
                self.client
                    .handle_tls_established(self.now)
                    .expect("the client asked for TLS");
                progress = true;
            }
            if self.server.is_closed()
                && !self.client.is_closed()
                && self.server.poll_transmit().is_none()
            {
                self.client.handle_eof(self.now);
                progress = true;
            }
            if !progress {
                break;
            }
        }
    }

    fn split(&mut self, b: &[u8]) -> Vec<Vec<u8>> {
        if self.pieces.is_empty() {
            return vec![b.to_vec()];
        }
        let mut v = Vec::new();
        let mut rest = b;
        while !rest.is_empty() {
            let n = self.pieces[self.piece_at % self.pieces.len()].clamp(1, rest.len());
            self.piece_at += 1;
            v.push(rest[..n].to_vec());
            rest = &rest[n..];
        }
        v
    }

    /// Moves the clock to the earliest deadline of either side and fires it.
    pub fn advance_to_timeout(&mut self) -> Option<Instant> {
        let t = [self.client.poll_timeout(), self.server.poll_timeout()]
            .into_iter()
            .flatten()
            .min()?;
        self.now = self.now.max(t);
        self.client.handle_timeout(self.now);
        self.server.handle_timeout(self.now);
        self.run();
        Some(t)
    }

    /// The outcomes of completed transactions, in order.
    pub fn outcomes(&self) -> Vec<client::TransactionOutcome> {
        self.client_events
            .iter()
            .filter_map(|e| match e {
                CEvent::TransactionCompleted { outcome, .. } => Some(outcome.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn closed_reason(&self) -> Option<client::Error> {
        self.client_events.iter().find_map(|e| match e {
            CEvent::Closed { reason } => Some(reason.clone()),
            _ => None,
        })
    }
}

/// Parses `a@b` into a mailbox path.
pub fn rcpt(s: &str) -> smtp_proto::types::ForwardPath {
    let line = format!("RCPT TO:<{s}>");
    match smtp_proto::parse::command(&Bytes::from(line)).unwrap() {
        smtp_proto::types::Command::Rcpt { to, .. } => to,
        other => panic!("{other:?}"),
    }
}

pub fn sender(s: &str) -> smtp_proto::types::ReversePath {
    let line = format!("MAIL FROM:<{s}>");
    match smtp_proto::parse::command(&Bytes::from(line)).unwrap() {
        smtp_proto::types::Command::Mail { from, .. } => from,
        other => panic!("{other:?}"),
    }
}

/// Runs a `DataReader` with `policy` over `input` fed in pieces of `step` bytes: the body,
/// the end summary, and the bytes left after the end (unread input included), which stay
/// for the next command. Nothing comes after the end.
pub fn read_data(
    input: &[u8],
    step: usize,
    policy: smtp_proto::framing::BareLineEndings,
) -> (Vec<u8>, smtp_proto::framing::DataEnd, Vec<u8>) {
    use smtp_proto::framing::{DataConfig, DataEvent, DataReader};
    let mut cfg = DataConfig::default();
    cfg.bare_line_endings = policy;
    let mut reader = DataReader::new(cfg);
    let mut buf = bytes::BytesMut::new();
    let mut body = Vec::new();
    let mut fed = 0;
    for piece in input.chunks(step.max(1)) {
        buf.extend_from_slice(piece);
        fed += piece.len();
        while let Some(ev) = reader.decode(&mut buf) {
            match ev {
                DataEvent::Chunk(c) => body.extend_from_slice(&c),
                DataEvent::End(end) => {
                    assert!(reader.is_done());
                    assert_eq!(reader.decode(&mut buf), None, "events after the end");
                    let mut rest = buf.to_vec();
                    rest.extend_from_slice(&input[fed..]);
                    return (body, end, rest);
                }
            }
        }
    }
    panic!("no end of data found");
}
