//! mailwire: tokio glue over the sans-IO protocol crates, and the reference servers.
//!
//! The protocol crates (`smtp-proto`, `pop3-proto`, `imap-proto`) do no I/O. This crate gives
//! them sockets and TLS: [`stream::MailStream`] is a TCP stream that can be upgraded in place,
//! [`driver::Connection`] runs any session over it, and [`tls`] builds the rustls configurations
//! the programs in `examples/` share.

pub mod dissect;
pub mod driver;
pub mod maildir_out;
pub mod pop3;
pub mod sessions;
pub mod smtp;
pub mod stream;
pub mod submit;
pub mod tls;

/// The README's code blocks are compiled as doctests, so it cannot drift from the code.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
