//! SMTP (RFC 5321) and LMTP (RFC 2033), client and server, sans-IO.
//!
//! This crate performs no I/O and never reads the clock: bytes and `now` go in; bytes, events and
//! deadlines come out.

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
