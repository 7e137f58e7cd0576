//! IMAP4rev2 (RFC 9051) and IMAP4rev1 (RFC 3501), sans-IO.
//!
//! This crate performs no I/O and never reads the clock.
