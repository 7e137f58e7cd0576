//! SMTP (RFC 5321) and LMTP (RFC 2033), client and server, sans-IO.
//!
//! This crate performs no I/O and never reads the clock: bytes and `now` go in; bytes, events and
//! deadlines come out. The same [`client::Client`] and [`server::Server`] run over tokio, a
//! blocking socket, a fuzzer or — as below — each other in memory.
//!
//! ```
//! use std::time::Instant;
//! use bytes::Bytes;
//! use smtp_proto::client::{self, Client, Envelope};
//! use smtp_proto::server::{self, Server};
//! use smtp_proto::types::{ForwardPath, Mailbox, ReversePath};
//!
//! let now = Instant::now();
//! let mut server = Server::new(server::Config::default(), now);
//! let mut client = Client::new(client::Config::default(), now);
//! let envelope = Envelope::new(
//!     ReversePath::Mailbox(Mailbox::new("alice@example.com", false)?),
//!     vec![ForwardPath::Mailbox(Mailbox::new("bob@example.org", false)?)],
//! );
//! let body = Bytes::from_static(b"Subject: hi\r\n\r\n.Hello Bob.\r\n");
//!
//! let (mut delivered, mut outcome) = (Vec::new(), None);
//! loop {
//!     let mut progress = false;
//!     // Client -> server bytes.
//!     while let Some(bytes) = client.poll_transmit() {
//!         server.handle_input(now, &bytes);
//!         progress = true;
//!     }
//!     // The server application decides (here: accept everything) and stores the message.
//!     while let Some(event) = server.poll_event() {
//!         progress = true;
//!         match event {
//!             server::Event::HelloReceived { id, .. }
//!             | server::Event::MailFromReceived { id, .. }
//!             | server::Event::RcptToReceived { id, .. }
//!             | server::Event::DataEnded { id, .. } => server.accept(now, id)?,
//!             server::Event::DataChunk { data, .. } => delivered.extend_from_slice(&data),
//!             _ => {}
//!         }
//!     }
//!     // Server -> client bytes.
//!     while let Some(bytes) = server.poll_transmit() {
//!         client.handle_input(now, &bytes);
//!         progress = true;
//!     }
//!     // The client application sends one message, then quits.
//!     while let Some(event) = client.poll_event() {
//!         progress = true;
//!         match event {
//!             client::Event::HelloCompleted { .. } if outcome.is_none() => {
//!                 client.send_message(now, envelope.clone(), body.clone())?;
//!             }
//!             client::Event::TransactionCompleted { outcome: o, .. } => {
//!                 outcome = Some(o);
//!                 client.quit(now)?;
//!             }
//!             _ => {}
//!         }
//!     }
//!     if !progress {
//!         break;
//!     }
//! }
//! assert!(outcome.expect("a transaction outcome").all_delivered());
//! assert_eq!(delivered, body); // dot-stuffed on the wire, unstuffed on arrival
//! assert!(client.is_closed() && server.is_closed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Driving a session
//!
//! Both sides have the same method families (see `DESIGN.md`):
//!
//! | kind | methods | notes |
//! |---|---|---|
//! | inputs | `handle_input(now, &[u8])`, `handle_timeout(now)`, `handle_eof(now)`, `handle_tls_established(now)` | peer misbehaviour never comes back as `Err`: it becomes a reply, an event, or [`server::Event::Closed`] / [`client::Event::Closed`] |
//! | client operations | [`Client::send_message`](client::Client::send_message), [`send_mail`](client::Client::send_mail) + [`send_data`](client::Client::send_data) + [`finish_data`](client::Client::finish_data), [`starttls`](client::Client::starttls), [`auth`](client::Client::auth), [`send`](client::Client::send), [`proceed`](client::Client::proceed) / [`abort`](client::Client::abort) (after [`Event::RecipientsAnswered`](client::Event::RecipientsAnswered), with [`RecipientPolicy::Confirm`](client::RecipientPolicy::Confirm)), [`quit`](client::Client::quit) | one at a time (check [`is_ready`](client::Client::is_ready)); pipelining, dot-stuffing, BDAT and HELO fallback happen inside; `Err(ApiMisuse)` only for caller mistakes |
//! | server decisions | [`accept`](server::Server::accept), [`reject`](server::Server::reject), [`reply`](server::Server::reply), [`auth_challenge`](server::Server::auth_challenge), [`greet`](server::Server::greet), [`close`](server::Server::close) | answer the `id` of an event, in any order: replies reach the wire in command order |
//! | outputs | `poll_transmit() -> Option<Bytes>`, `poll_event() -> Option<Event>`, `poll_timeout() -> Option<Instant>` | pure drains |
//! | getters | `state()`, `capabilities()`, `is_closed()`, `wants_input()`, `is_tls()`, `is_authenticated()` | `wants_input()` false means: stop reading the socket for now |
//!
//! The driver loop: after any `handle_*`, operation or decision call, write out everything from
//! `poll_transmit`, then dispatch everything from `poll_event` (answering decisions, which may
//! queue more output: loop), then wait for readable bytes (only while `wants_input()`), the
//! instant from `poll_timeout`, or an application request. Transmit before events matters in
//! one place: on [`server::Event::TlsUpgradeRequested`] / [`client::Event::TlsUpgradeReady`]
//! the plaintext `220` / `STARTTLS` must be on the wire before the handshake starts. A missed
//! drain only delays output; it never corrupts a session. After `Closed`, drain
//! `poll_transmit` once more (it may hold `221`, `421` or `QUIT`) and close the connection.
//!
//! `now` must not go backwards; the sessions clamp it (`max(now, last now)`) as a defence.
//!
//! # Over tokio
//!
//! tokio is not a dependency of this crate (the `mailwire` package has the real driver). In
//! outline:
//!
//! ```text
//! let mut session = Server::new(config, Instant::now());
//! loop {
//!     while let Some(bytes) = session.poll_transmit() { socket.write_all(&bytes).await?; }
//!     while let Some(event) = session.poll_event() {
//!         match event {
//!             Event::TlsUpgradeRequested => { socket = tls_accept(socket).await?;
//!                                             session.handle_tls_established(Instant::now())?; }
//!             Event::Closed { .. } => { flush poll_transmit; return }
//!             other => decide(&mut session, other),          // accept / reject / reply
//!         }
//!     }
//!     let deadline = session.poll_timeout();
//!     select! {
//!         n = socket.read(&mut buf), if session.wants_input() =>
//!             if n == 0 { session.handle_eof(now) } else { session.handle_input(now, &buf[..n]) },
//!         _ = sleep_until(deadline), if deadline.is_some() => session.handle_timeout(Instant::now()),
//!     }
//! }
//! ```
//!
//! # Standards
//!
//! | RFC | what | where |
//! |---|---|---|
//! | [5321](https://www.rfc-editor.org/rfc/rfc5321) | SMTP: commands, replies, states, limits (§4.5.3), timeouts (§4.5.3.2) | everywhere |
//! | [2033](https://www.rfc-editor.org/rfc/rfc2033) | LMTP: LHLO, one reply per recipient after the data | `Config::lmtp` on both sides |
//! | [1870](https://www.rfc-editor.org/rfc/rfc1870) | SIZE | server limit and `552`; client check before sending |
//! | [2920](https://www.rfc-editor.org/rfc/rfc2920) | PIPELINING | server: ordered replies, one write per group; client: envelope in one flight |
//! | [3030](https://www.rfc-editor.org/rfc/rfc3030) | CHUNKING (BDAT), BINARYMIME | both sides |
//! | [3207](https://www.rfc-editor.org/rfc/rfc3207) | STARTTLS | both sides, with the injection guard |
//! | [4954](https://www.rfc-editor.org/rfc/rfc4954) | AUTH, SASL-IR, `334` continuations, `*` cancel | server: [`server::sasl`] helpers (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER); client: [`client::Credentials`] |
//! | [2034](https://www.rfc-editor.org/rfc/rfc2034), [3463](https://www.rfc-editor.org/rfc/rfc3463) | enhanced status codes | server replies carry them when offered |
//! | [6152](https://www.rfc-editor.org/rfc/rfc6152), [6531](https://www.rfc-editor.org/rfc/rfc6531) | 8BITMIME, SMTPUTF8 | parameters checked against what is offered |
//! | [3461](https://www.rfc-editor.org/rfc/rfc3461) | DSN parameters | typed in [`types`]; sent and accepted when DSN is offered |
//! | [1985](https://www.rfc-editor.org/rfc/rfc1985) | ETRN | passed to the server application when offered |
//! | [8689](https://www.rfc-editor.org/rfc/rfc8689) | REQUIRETLS | advertised once TLS is active |
//!
//! # Cargo features
//!
//! | feature | what | default |
//! |---|---|---|
//! | `codec` | tokio-util `Decoder`/`Encoder` for commands and replies (module `codec`) | off |
//! | `testing` | proptest strategies for every type (module `testing`) | off |
//!
//! # Limits and security
//!
//! - Every limit is in the `Config`s with a default that cites its RFC: command line
//!   (`max_command_line`), AUTH line (12288, RFC 4954 §4), message size, recipients per
//!   transaction (100, RFC 5321 §4.5.3.1.8), commands parsed ahead, receive buffer, invalid
//!   commands in a row (then `421 4.7.0`), per-phase timeouts (then `421 4.4.2`). Nothing is
//!   allocated from a size the peer announced (a `BDAT 999999999` is streamed or skipped).
//! - DATA ends only at `<CRLF>.<CRLF>`, the first line is unstuffed too, and bare CR/LF are
//!   refused by default (`554 5.6.0` after the data): the SMTP smuggling look-alikes never end a
//!   message. The client stuffs after any line ending and turns bare CR/LF into CRLF.
//! - STARTTLS: once the `220` is sent (server) or received (client), nothing buffered in clear
//!   text is parsed; it is thrown away and reported (`PlaintextDiscarded`), and the session
//!   restarts from the post-greeting state after the handshake (CVE-2011-0411 class). Implicit
//!   TLS (RFC 8314, `set_implicit_tls`) avoids the question entirely and is preferred.
//! - Passwords, SASL responses and tokens travel in [`types::Secret`], whose `Debug` redacts.
//! - Commands after DATA, BDAT, AUTH, STARTTLS and QUIT are not parsed before those are handled,
//!   so pipelined bytes are never taken for commands when they are content.
//!
//! # Errors and panics
//!
//! [`ParseError`] describes bad bytes; [`server::Error`] and [`client::Error`] say why a session
//! ended (each maps once to its wire reply); [`session::ApiMisuse`] reports caller mistakes and
//! is never caused by peer bytes. Ending is sticky: after `Closed`, inputs are ignored and
//! operations return `ApiMisuse::Closed`. No input can make a session panic; the session fuzz
//! targets (`fuzz/fuzz_targets/smtp_*_session.rs`) check this.

pub mod client;
pub mod encode;
pub mod error;
pub mod framing;
pub mod parse;
pub mod server;
pub mod session;
pub mod types;

#[cfg(feature = "codec")]
pub mod codec;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{ParseError, ParseErrorKind};

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
struct ReadmeDoctests;
