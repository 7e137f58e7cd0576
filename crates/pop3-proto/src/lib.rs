//! POP3 (RFC 1939 and its extensions), client and server, sans-IO.
//!
//! This crate performs no I/O, reads no clock and uses no randomness: bytes, the time (`now`)
//! and decisions go in; bytes, events and deadlines come out. A driver (tokio, a blocking loop,
//! a test) moves the bytes.
//!
//! ```
//! use std::time::Instant;
//! use bytes::Bytes;
//! use pop3_proto::client::{self, Client};
//! use pop3_proto::server::{self, Credentials, MaildropEntry, Server};
//! use pop3_proto::types::{MessageNumber, UniqueId};
//!
//! let now = Instant::now();
//! let mut server = Server::new(server::Config::default(), now);
//! let mut client = Client::new(client::Config::default(), now);
//! client.login(now, "alice", "secret")?;
//! let one = MessageNumber::new(1).expect("1 is a message number");
//! let retr = client.retr(now, one)?;
//! client.quit(now)?;
//!
//! let mut body = Vec::new();
//! for _ in 0..10 {
//!     // Shuttle bytes both ways.
//!     while let Some(bytes) = server.poll_transmit() { client.handle_input(now, &bytes); }
//!     while let Some(bytes) = client.poll_transmit() { server.handle_input(now, &bytes); }
//!     // The application answers the server's questions...
//!     while let Some(event) = server.poll_event() {
//!         match event {
//!             server::Event::AuthRequested { id, credentials: Credentials::User { name, password } } => {
//!                 assert_eq!((name.as_str(), password.expose().as_str()), ("alice", "secret"));
//!                 let uid = UniqueId::new("msg-1").expect("valid unique-id");
//!                 server.accept_auth(now, id, vec![MaildropEntry { key: 7, octets: 23, uid, needs_utf8: false }])?;
//!             }
//!             server::Event::BodyRequested { id, key: 7, .. } => {
//!                 server.body_chunk(now, id, Bytes::from_static(b"Subject: hi\r\n\r\n.dot\r\n"))?;
//!                 server.body_end(now, id)?;
//!             }
//!             server::Event::UpdateRequested { id, deleted } => {
//!                 assert!(deleted.is_empty());
//!                 server.update_done(now, id)?;
//!             }
//!             _ => {}
//!         }
//!     }
//!     // ...and reads the client's results.
//!     while let Some(event) = client.poll_event() {
//!         if let client::Event::BodyChunk { id, data } = event {
//!             assert_eq!(id, retr);
//!             body.extend_from_slice(&data);
//!         }
//!     }
//! }
//! assert_eq!(body, b"Subject: hi\r\n\r\n.dot\r\n"); // dot-stuffed on the wire, unstuffed here
//! assert!(client.is_closed() && server.is_closed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The session contract
//!
//! [`client::Client`] and [`server::Server`] share one shape:
//!
//! | kind | methods |
//! |---|---|
//! | inputs | `handle_input(now, &[u8])`, `handle_timeout(now)`, `handle_eof(now)`, `handle_tls_established(now)` |
//! | client commands | `send(now, Command)`, `login`, `apop`, `auth_plain`, `auth_login`, `auth_xoauth2`, `stat`, `list`, `uidl`, `retr`, `top`, `dele`, `noop`, `rset`, `quit`, `capa`, `stls`, `utf8`, `lang` |
//! | server decisions | `accept_auth`, `reject_auth`, `sasl_challenge`, `body_chunk`, `body_end`, `body_unavailable`, `update_done`, `update_failed`, `set_user_policy` |
//! | outputs | `poll_transmit()`, `poll_event()`, `poll_timeout()` |
//! | getters | `state()`, `capabilities()`, `is_closed()`, `wants_input()` |
//!
//! Drive loop: after any input or command, write out everything from `poll_transmit`, handle
//! everything from `poll_event` (decisions may queue more output: loop), then wait for bytes
//! (if `wants_input()`), for the `poll_timeout()` deadline, or for the application. The drains
//! are pure: draining late only delays output. Peer misbehaviour never comes back as `Err`: it
//! becomes a `-ERR`, an event or a `Closed` event. `Err(ApiMisuse)` only means the caller broke
//! the contract. `now` must not go backwards (the sessions clamp it).
//!
//! Over tokio (the `mailwire` package holds a complete driver), a client loop looks like this:
//!
//! ```text
//! let mut buf = BytesMut::with_capacity(64 * 1024);
//! loop {
//!     while let Some(bytes) = client.poll_transmit() { stream.write_all(&bytes).await?; }
//!     while let Some(event) = client.poll_event() { /* bodies, replies, TlsUpgradeReady... */ }
//!     if client.is_closed() { break; }
//!     let deadline = client.poll_timeout();
//!     tokio::select! {
//!         read = stream.read_buf(&mut buf), if client.wants_input() => match read? {
//!             0 => client.handle_eof(Instant::now()),
//!             _ => client.handle_input_owned(Instant::now(), buf.split()),
//!         },
//!         () = sleep_until_opt(deadline) => client.handle_timeout(Instant::now()),
//!     }
//! }
//! ```
//!
//! `handle_input_owned` hands the read buffer over, so message bodies reach the
//! `BodyChunk` events without being copied.
//!
//! # Extensions
//!
//! | RFC | what |
//! |---|---|
//! | 1939 | POP3: USER PASS APOP STAT LIST RETR DELE NOOP RSET QUIT TOP UIDL |
//! | 2449 | CAPA, response codes, PIPELINING, LOGIN-DELAY, EXPIRE, IMPLEMENTATION |
//! | 2595 | STLS, with the plaintext-injection guard on both sides |
//! | 3206 | `[SYS/TEMP]`, `[SYS/PERM]`, `[AUTH]`, AUTH-RESP-CODE |
//! | 5034 | AUTH with SASL: initial response inline or on a continuation, `*` cancel |
//! | 6856 | UTF8, LANG |
//!
//! # Limits and security
//!
//! Command lines are limited to 255 octets (RFC 2449 §4), server status lines to 4 KiB,
//! body lines to 1 MiB (configurable; bodies stream as `Bytes` so memory stays bounded anyway).
//! Deletes are committed only after QUIT in TRANSACTION, never on a dropped connection or an
//! autologout. Text from the application is sanitised so it cannot inject lines. Passwords and
//! SASL data are wrapped in [`types::Secret`], whose `Debug` always redacts.

pub mod auth;
pub mod client;
#[cfg(feature = "codec")]
pub mod codec;
pub mod encode;
pub mod error;
pub mod framing;
mod output;
pub mod parse;
pub mod server;
#[cfg(feature = "testing")]
pub mod testing;
pub mod types;

pub use error::{ApiMisuse, ParseError, ParseErrorKind};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
pub use types::{Command, Reply, Response};
