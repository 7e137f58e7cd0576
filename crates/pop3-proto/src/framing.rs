//! Framing: where lines and multi-line responses begin and end (RFC 1939 §3).
//!
//! - [`LineReader`] cuts CRLF lines out of a receive buffer with a length limit, scanning each
//!   byte once (it remembers how far it looked) and resynchronising after an over-long line.
//! - [`DotUnstuffer`] (client side) reads a multi-line response body: it strips the stuffed dot at
//!   the start of a line, finds the `CRLF.CRLF` terminator across any chunk boundary, and hands
//!   out the content as `Bytes` chunks split from the receive buffer without copying.
//! - [`DotStuffer`] (server side) turns message chunks into wire chunks: a dot before every line
//!   that starts with a dot (the first line too), bare LF turned into CRLF, and the terminator
//!   (with a CRLF first when the content did not end with one). It only inserts small static
//!   pieces between slices of the input.
//! - [`TopFilter`] (server side) cuts a message after its header, the blank line and `n` body
//!   lines (RFC 1939 §7, TOP), across any chunk boundary.

mod line;
mod stuff;
mod top;
mod unstuff;

pub use line::{Line, LineReader};
pub use stuff::DotStuffer;
pub use top::TopFilter;
pub use unstuff::{ContentLineTooLong, DotUnstuffer, Unstuffed};

#[cfg(test)]
mod tests;
