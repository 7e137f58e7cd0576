//! POP3 (RFC 1939 and its extensions), client and server, sans-IO.
//!
//! This crate performs no I/O and never reads the clock.

pub mod auth;
pub mod encode;
pub mod error;
pub mod framing;
mod output;
pub mod parse;
pub mod server;
pub mod types;

pub use error::{ApiMisuse, ParseError, ParseErrorKind};
pub use types::{Command, Reply, Response};
