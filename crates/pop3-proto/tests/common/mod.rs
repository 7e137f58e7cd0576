//! Shared test support: a scripted application for the server side and a client <-> server
//! pair on a virtual clock.

#![allow(dead_code, reason = "each test binary uses a different part")]

use std::time::{Duration, Instant};

use bytes::Bytes;
use pop3_proto::auth::verify_apop;
use pop3_proto::client::{self, Client};
use pop3_proto::server::{self, BodyPart, Credentials, MaildropEntry, Server};
use pop3_proto::types::{ResponseCode, UniqueId};

/// The application behind a server session: one user and a maildrop.
#[derive(Debug, Clone)]
pub struct Mailbox {
    pub user: String,
    pub password: String,
    pub messages: Vec<Vec<u8>>,
    /// Size of the chunks bodies are pushed in.
    pub chunk: usize,
    /// Deletes committed at QUIT, once.
    pub committed: Option<Vec<u64>>,
    pub commits: usize,
    /// Indices of the messages with UTF-8 header fields (served only in UTF-8 mode).
    pub utf8_headers: Vec<usize>,
}

impl Mailbox {
    pub fn new(user: &str, password: &str, messages: Vec<Vec<u8>>) -> Self {
        Self {
            user: user.into(),
            password: password.into(),
            messages,
            chunk: 4096,
            committed: None,
            commits: 0,
            utf8_headers: Vec::new(),
        }
    }

    pub fn entries(&self) -> Vec<MaildropEntry> {
        self.messages
            .iter()
            .enumerate()
            .map(|(i, m)| MaildropEntry {
                key: (i as u64 + 1) * 10,
                octets: m.len() as u64,
                uid: UniqueId::new(format!("uid-{}", i + 1)).expect("valid"),
                needs_utf8: self.utf8_headers.contains(&i),
            })
            .collect()
    }

    fn check(&self, credentials: &Credentials, timestamp: Option<&str>) -> bool {
        match credentials {
            Credentials::User { name, password } => {
                *name == self.user && *password.expose() == self.password
            }
            Credentials::Apop { name, digest } => {
                *name == self.user
                    && timestamp.is_some_and(|ts| verify_apop(ts, self.password.as_bytes(), digest))
            }
            Credentials::Plain(p) => {
                p.authcid == self.user && *p.password.expose() == self.password
            }
            Credentials::Login { name, password } => {
                *name == self.user && *password.expose() == self.password
            }
            Credentials::XOAuth2(x) => x.user == self.user && *x.token.expose() == self.password,
            _ => false,
        }
    }

    /// Answers every pending server event; returns them.
    pub fn serve(&mut self, server: &mut Server, now: Instant) -> Vec<server::Event> {
        let mut seen = Vec::new();
        while let Some(event) = server.poll_event() {
            match &event {
                server::Event::AuthRequested { id, credentials } => {
                    if self.check(credentials, server.apop_timestamp()) {
                        server
                            .accept_auth(now, *id, self.entries())
                            .expect("accept");
                    } else {
                        server
                            .reject_auth(now, *id, Some(ResponseCode::Auth), "invalid credentials")
                            .expect("reject");
                    }
                }
                server::Event::BodyRequested { id, key, part, .. } => {
                    let message = Bytes::from(self.messages[(*key / 10 - 1) as usize].clone());
                    let mut at = 0;
                    while at < message.len() {
                        let end = (at + self.chunk).min(message.len());
                        let more = server
                            .body_chunk(now, *id, message.slice(at..end))
                            .expect("chunk");
                        at = end;
                        if !more {
                            assert!(matches!(part, BodyPart::Top { .. }));
                            break;
                        }
                    }
                    server.body_end(now, *id).expect("end");
                }
                server::Event::UpdateRequested { id, deleted } => {
                    self.commits += 1;
                    self.committed = Some(deleted.clone());
                    server.update_done(now, *id).expect("done");
                }
                _ => {}
            }
            seen.push(event);
        }
        seen
    }
}

/// The origin of the virtual clock: the only clock read in tests.
#[expect(
    clippy::disallowed_methods,
    reason = "tests need one origin for their virtual clock"
)]
pub fn start() -> Instant {
    Instant::now()
}

/// A client and a server wired back to back on a virtual clock.
#[derive(Debug)]
pub struct Pair {
    pub client: Client,
    pub server: Server,
    pub mailbox: Mailbox,
    pub now: Instant,
    pub client_events: Vec<client::Event>,
    pub server_events: Vec<server::Event>,
    /// Bytes moved each way, for assertions.
    pub to_server: Vec<u8>,
    pub to_client: Vec<u8>,
}

impl Pair {
    pub fn new(client: client::Config, server: server::Config, mailbox: Mailbox) -> Self {
        let now = start();
        Self {
            client: Client::new(client, now),
            server: Server::new(server, now),
            mailbox,
            now,
            client_events: Vec::new(),
            server_events: Vec::new(),
            to_server: Vec::new(),
            to_client: Vec::new(),
        }
    }

    /// Moves bytes and answers events until nothing moves. A TLS upgrade is "performed" when
    /// both sides asked for it.
    pub fn drive(&mut self) {
        loop {
            let mut moved = false;
            while let Some(b) = self.server.poll_transmit() {
                self.to_client.extend_from_slice(&b);
                self.client.handle_input(self.now, &b);
                moved = true;
            }
            while let Some(b) = self.client.poll_transmit() {
                self.to_server.extend_from_slice(&b);
                self.server.handle_input(self.now, &b);
                moved = true;
            }
            let served = self.mailbox.serve(&mut self.server, self.now);
            moved |= !served.is_empty();
            let tls_server = served
                .iter()
                .any(|e| matches!(e, server::Event::TlsUpgradeRequested));
            self.server_events.extend(served);
            let mut tls_client = false;
            while let Some(e) = self.client.poll_event() {
                tls_client |= matches!(e, client::Event::TlsUpgradeReady { .. });
                self.client_events.push(e);
                moved = true;
            }
            if tls_server || tls_client {
                // Let the other side catch up before the "handshake".
                continue;
            }
            if self.server.state() != server::State::Closed
                && self.client.state() == client::State::TlsHandshake
                && !self.server.wants_input()
            {
                self.server
                    .handle_tls_established(self.now)
                    .expect("server tls");
                self.client
                    .handle_tls_established(self.now)
                    .expect("client tls");
                moved = true;
            }
            if !moved {
                return;
            }
        }
    }

    /// Advances the clock to the earliest deadline and fires it.
    pub fn advance(&mut self) -> Option<Duration> {
        let next = [self.client.poll_timeout(), self.server.poll_timeout()]
            .into_iter()
            .flatten()
            .min()?;
        let step = next.saturating_duration_since(self.now);
        self.now = self.now.max(next);
        self.client.handle_timeout(self.now);
        self.server.handle_timeout(self.now);
        self.drive();
        Some(step)
    }

    /// The body bytes the client received for `id`.
    pub fn body(&self, id: client::RequestId) -> Vec<u8> {
        let mut out = Vec::new();
        for e in &self.client_events {
            if let client::Event::BodyChunk { id: got, data } = e
                && *got == id
            {
                out.extend_from_slice(data);
            }
        }
        out
    }

    /// The reply the client received for `id`.
    pub fn reply(&self, id: client::RequestId) -> Option<&pop3_proto::Reply> {
        self.client_events.iter().find_map(|e| match e {
            client::Event::ReplyReceived { id: got, reply } if *got == id => Some(reply),
            _ => None,
        })
    }
}

/// The body a client reported for request `id`: its chunks, joined.
pub fn body_of(events: &[client::Event], id: client::RequestId) -> Vec<u8> {
    events
        .iter()
        .filter_map(|e| match e {
            client::Event::BodyChunk { id: got, data } if *got == id => Some(data.to_vec()),
            _ => None,
        })
        .flatten()
        .collect()
}
