//! tokio-util `Decoder`/`Encoder` implementations (feature `codec`) for line-level POP3:
//! [`CommandCodec`] for a server reading commands, [`ResponseCodec`] for a client reading
//! status lines. Multi-line bodies need the sessions ([`crate::client`], [`crate::server`]);
//! these codecs suit proxies and simple tools.

use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use crate::error::ParseError;
use crate::framing::{Line, LineReader};
use crate::parse;
use crate::types::{Command, Response};

/// Why a codec failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// A complete line did not parse (the line was consumed: decoding can go on).
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A line exceeded the limit (it was discarded: decoding can go on).
    #[error("line too long")]
    LineTooLong,
    /// The transport failed (required by tokio-util's `FramedRead`).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

fn next_line(
    reader: &mut LineReader,
    src: &mut BytesMut,
) -> Result<Option<bytes::Bytes>, CodecError> {
    match reader.next_line(src) {
        None => Ok(None),
        Some(Line::TooLong) => Err(CodecError::LineTooLong),
        Some(Line::Complete { bare_lf: true, .. }) => {
            Err(ParseError::new(crate::ParseErrorKind::MissingCrlf, 0).into())
        }
        Some(Line::Complete { line, .. }) => Ok(Some(line)),
    }
}

/// Decodes commands, encodes commands (CRLF lines, 255 octets by default, RFC 2449 §4).
#[derive(Debug, Clone)]
pub struct CommandCodec {
    reader: LineReader,
}

impl Default for CommandCodec {
    fn default() -> Self {
        Self::new(255)
    }
}

impl CommandCodec {
    /// A codec for command lines of at most `max_line` octets, CRLF included.
    #[must_use]
    pub const fn new(max_line: usize) -> Self {
        Self {
            reader: LineReader::new(max_line),
        }
    }
}

impl Decoder for CommandCodec {
    type Item = Command;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Command>, CodecError> {
        match next_line(&mut self.reader, src)? {
            None => Ok(None),
            Some(line) => Ok(Some(parse::command_line(&line)?)),
        }
    }
}

impl Encoder<Command> for CommandCodec {
    type Error = CodecError;

    fn encode(&mut self, item: Command, dst: &mut BytesMut) -> Result<(), CodecError> {
        item.encode(dst);
        Ok(())
    }
}

/// Decodes server lines (status lines and SASL continuations), encodes them.
#[derive(Debug, Clone)]
pub struct ResponseCodec {
    reader: LineReader,
}

impl Default for ResponseCodec {
    fn default() -> Self {
        Self::new(4096)
    }
}

impl ResponseCodec {
    /// A codec for server lines of at most `max_line` octets, CRLF included.
    #[must_use]
    pub const fn new(max_line: usize) -> Self {
        Self {
            reader: LineReader::new(max_line),
        }
    }
}

impl Decoder for ResponseCodec {
    type Item = Response;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Response>, CodecError> {
        match next_line(&mut self.reader, src)? {
            None => Ok(None),
            Some(line) => Ok(Some(parse::response_line(&line)?)),
        }
    }
}

impl Encoder<Response> for ResponseCodec {
    type Error = CodecError;

    fn encode(&mut self, item: Response, dst: &mut BytesMut) -> Result<(), CodecError> {
        item.encode(dst);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Reply;

    #[test]
    fn commands_decode_across_chunks_and_encode() {
        let mut codec = CommandCodec::default();
        let mut buf = BytesMut::from(&b"ST"[..]);
        assert!(matches!(codec.decode(&mut buf), Ok(None)));
        buf.extend_from_slice(b"AT\r\nBOGUS\r\nQUIT\r\n");
        assert!(matches!(codec.decode(&mut buf), Ok(Some(Command::Stat))));
        assert!(matches!(codec.decode(&mut buf), Err(CodecError::Parse(_))));
        assert!(matches!(codec.decode(&mut buf), Ok(Some(Command::Quit))));
        let mut out = BytesMut::new();
        codec.encode(Command::Noop, &mut out).expect("encode");
        assert_eq!(&out[..], b"NOOP\r\n");
    }

    #[test]
    fn responses_decode_and_encode() {
        let mut codec = ResponseCodec::default();
        let mut buf = BytesMut::from(&b"+OK 2 320\r\n+ \r\n"[..]);
        assert_eq!(
            codec.decode(&mut buf).expect("ok"),
            Some(Response::Status(Reply::ok("2 320")))
        );
        assert_eq!(
            codec.decode(&mut buf).expect("ok"),
            Some(Response::Continuation(Vec::new()))
        );
        let mut out = BytesMut::new();
        codec
            .encode(Response::Status(Reply::err("x")), &mut out)
            .expect("encode");
        assert_eq!(&out[..], b"-ERR x\r\n");
    }
}
