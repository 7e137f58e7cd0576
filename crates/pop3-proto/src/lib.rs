//! POP3 (RFC 1939 and its extensions), client and server, sans-IO.
//!
//! This crate performs no I/O and never reads the clock.
