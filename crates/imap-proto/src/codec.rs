//! tokio-util `Decoder`/`Encoder` adapters (feature `codec`).
//!
//! [`ServerCodec`] decodes commands and encodes responses; [`ClientCodec`] decodes
//! responses and encodes commands. Both frame with [`Framer`], so a malformed message
//! is reported as a [`ServerFrame::Malformed`] / [`ClientFrame::Malformed`] item and
//! the stream stays usable. A server must answer
//! [`ServerFrame::ContinuationNeeded`] with a continuation request (or a tagged NO);
//! the codec cannot write it by itself. [`ClientCodec`]'s encoder writes whole
//! commands, so use it only with LITERAL+ peers, or drive synchronising literals with
//! [`Encoded::fragments`](crate::encode::Encoded::fragments).

use bytes::{Buf, BytesMut};

use crate::encode::Encoder as WireEncoder;
use crate::error::{FramingError, ParseError};
use crate::framing::{Direction, Framer, Limits, LiteralAnnouncement, Progress};
use crate::parse::{self, ParseOptions, Status};
use crate::types::{Command, Response, Tag};

/// Why a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MessageError {
    /// Over a limit, or otherwise unframeable.
    #[error(transparent)]
    Framing(#[from] FramingError),
    /// Framed but not parseable.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// The codec's error: only the transport can fail; peer mistakes are items.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The underlying transport failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// What [`ServerCodec`] decodes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerFrame {
    /// A complete command.
    Command(Command),
    /// The client waits for a continuation request before sending a literal.
    ContinuationNeeded(LiteralAnnouncement),
    /// A refused message; answer `<tag> BAD` (or untagged BAD without a tag).
    Malformed {
        /// The tag, when it could be recovered.
        tag: Option<Tag>,
        /// Why.
        error: MessageError,
    },
}

/// What [`ClientCodec`] decodes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientFrame {
    /// A complete response.
    Response(Response),
    /// A refused response.
    Malformed {
        /// Why.
        error: MessageError,
    },
}

/// Decodes commands, encodes responses.
#[derive(Debug, Clone)]
pub struct ServerCodec {
    framer: Framer,
    options: ParseOptions,
    encoder: WireEncoder,
}

impl ServerCodec {
    /// A codec with the given limits and parse options. Literals are never streamed
    /// (the codec yields whole messages).
    pub fn new(limits: Limits, options: ParseOptions) -> Self {
        let limits = Limits {
            stream_literals_over: u64::MAX,
            ..limits
        };
        Self {
            framer: Framer::new(Direction::ClientToServer, limits),
            options,
            encoder: WireEncoder::default(),
        }
    }

    /// The framer, e.g. to [`reject_literal`](Framer::reject_literal).
    pub fn framer_mut(&mut self) -> &mut Framer {
        &mut self.framer
    }
}

impl Default for ServerCodec {
    fn default() -> Self {
        Self::new(Limits::default(), ParseOptions::default())
    }
}

impl tokio_util::codec::Decoder for ServerCodec {
    type Item = ServerFrame;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<ServerFrame>, CodecError> {
        loop {
            match self.framer.advance(src) {
                Progress::Incomplete => return Ok(None),
                Progress::ContinuationNeeded { literal } => {
                    return Ok(Some(ServerFrame::ContinuationNeeded(literal)));
                }
                // Not produced: streaming is off for codecs.
                Progress::LiteralStarted { .. } | Progress::LiteralData { .. } => {
                    return Ok(None);
                }
                Progress::Discard { len, error } => {
                    let tag = parse::tag_of(&src[..len]);
                    src.advance(len);
                    if let Some(error) = error {
                        return Ok(Some(ServerFrame::Malformed {
                            tag,
                            error: error.into(),
                        }));
                    }
                }
                Progress::Message { len } => {
                    let message = src.split_to(len).freeze();
                    return Ok(Some(match parse::command(&message, &self.options) {
                        Ok(Status::Complete { value, .. }) => ServerFrame::Command(value),
                        Ok(Status::Incomplete) => ServerFrame::Malformed {
                            tag: parse::tag_of(&message),
                            error: ParseError::new(crate::ParseErrorKind::Incomplete, len).into(),
                        },
                        Err(error) => ServerFrame::Malformed {
                            tag: parse::tag_of(&message),
                            error: error.into(),
                        },
                    }));
                }
            }
        }
    }
}

impl tokio_util::codec::Encoder<&Response> for ServerCodec {
    type Error = CodecError;

    fn encode(&mut self, item: &Response, dst: &mut BytesMut) -> Result<(), CodecError> {
        self.encoder.write_response(item, dst);
        Ok(())
    }
}

/// Decodes responses, encodes commands.
#[derive(Debug, Clone)]
pub struct ClientCodec {
    framer: Framer,
    options: ParseOptions,
    encoder: WireEncoder,
}

impl ClientCodec {
    /// A codec with the given limits, parse options and command encoder. Literals are
    /// never streamed (the codec yields whole messages).
    pub fn new(limits: Limits, options: ParseOptions, encoder: WireEncoder) -> Self {
        let limits = Limits {
            stream_literals_over: u64::MAX,
            ..limits
        };
        Self {
            framer: Framer::new(Direction::ServerToClient, limits),
            options,
            encoder,
        }
    }
}

impl Default for ClientCodec {
    fn default() -> Self {
        Self::new(
            Limits::client(),
            ParseOptions::lenient(),
            WireEncoder::default(),
        )
    }
}

impl tokio_util::codec::Decoder for ClientCodec {
    type Item = ClientFrame;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<ClientFrame>, CodecError> {
        loop {
            match self.framer.advance(src) {
                Progress::Incomplete
                | Progress::LiteralStarted { .. }
                | Progress::LiteralData { .. } => return Ok(None),
                Progress::ContinuationNeeded { .. } => {}
                Progress::Discard { len, error } => {
                    src.advance(len);
                    if let Some(error) = error {
                        return Ok(Some(ClientFrame::Malformed {
                            error: error.into(),
                        }));
                    }
                }
                Progress::Message { len } => {
                    let message = src.split_to(len).freeze();
                    return Ok(Some(match parse::response(&message, &self.options) {
                        Ok(Status::Complete { value, .. }) => ClientFrame::Response(value),
                        Ok(Status::Incomplete) => ClientFrame::Malformed {
                            error: ParseError::new(crate::ParseErrorKind::Incomplete, len).into(),
                        },
                        Err(error) => ClientFrame::Malformed {
                            error: error.into(),
                        },
                    }));
                }
            }
        }
    }
}

impl tokio_util::codec::Encoder<&Command> for ClientCodec {
    type Error = CodecError;

    fn encode(&mut self, item: &Command, dst: &mut BytesMut) -> Result<(), CodecError> {
        self.encoder.write_command(item, dst);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use tokio_util::codec::Decoder;

    use super::*;

    #[test]
    fn server_codec_reports_literals_and_bad_messages() {
        let mut codec = ServerCodec::default();
        let mut buf = BytesMut::from(&b"a1 LOGIN {3}\r\n"[..]);
        assert!(matches!(
            codec.decode(&mut buf).unwrap(),
            Some(ServerFrame::ContinuationNeeded(_))
        ));
        assert_eq!(codec.decode(&mut buf).unwrap(), None);
        buf.extend_from_slice(b"bob pw\r\na2 BOGUS\r\n");
        assert!(matches!(
            codec.decode(&mut buf).unwrap(),
            Some(ServerFrame::Command(_))
        ));
        let Some(ServerFrame::Malformed { tag: Some(tag), .. }) = codec.decode(&mut buf).unwrap()
        else {
            panic!("malformed expected");
        };
        assert_eq!(tag.as_bytes(), b"a2");
        assert!(buf.is_empty());
    }

    #[test]
    fn client_codec_decodes_responses() {
        let mut codec = ClientCodec::default();
        let mut buf = BytesMut::from(&b"* 1 FETCH (BODY[] {2}\r\nhi)\r\n* OK x\r\n"[..]);
        assert!(matches!(
            codec.decode(&mut buf).unwrap(),
            Some(ClientFrame::Response(_))
        ));
        assert!(matches!(
            codec.decode(&mut buf).unwrap(),
            Some(ClientFrame::Response(_))
        ));
        assert_eq!(codec.decode(&mut buf).unwrap(), None);
    }
}
