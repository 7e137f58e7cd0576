//! `tokio-util` codecs (feature `codec`): framed command lines and replies.
//!
//! These decode **lines, not DATA or BDAT bodies**. After a `354` (or a BDAT command), take the
//! bytes out of the `Framed` read buffer (`Framed::read_buffer_mut`) and run a
//! [`DataReader`](crate::framing::DataReader) or [`BdatReader`](crate::framing::BdatReader)
//! over them and the following reads, then go back to the codec for the next command. The
//! sans-IO sessions ([`crate::framing`] plus the server/client modules) do all of this for
//! you; the codecs are for simple tools and tests.
//!
//! | codec | decodes | encodes | side |
//! |---|---|---|---|
//! | [`CommandCodec`] | `Result<Command, ParseError>` per line | [`Reply`] | server |
//! | [`ReplyCodec`] | [`Reply`] | [`Command`] | client |
//!
//! A bad command line is an item (`Err(ParseError)`: reply with [`ParseError::reply`] and go
//! on); a bad reply is a stream error (the client cannot resynchronise).

use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use crate::framing::{LineReader, ReplyReader};
use crate::parse::{ParseOptions, ReplyOptions};
use crate::types::{Command, Reply};
use crate::{ParseError, encode};

/// Server side: decodes command lines, encodes replies.
#[derive(Debug, Default)]
pub struct CommandCodec {
    lines: LineReader,
    options: ParseOptions,
}

impl CommandCodec {
    /// A codec with the given line reader (limits) and parse options.
    pub fn new(lines: LineReader, options: ParseOptions) -> Self {
        CommandCodec { lines, options }
    }

    /// The line reader, e.g. to switch it into SASL mode ([`LineReader::set_sasl`]).
    pub fn line_reader_mut(&mut self) -> &mut LineReader {
        &mut self.lines
    }

    /// The parse options, e.g. to set [`ParseOptions::smtputf8`] for a transaction.
    pub fn options_mut(&mut self) -> &mut ParseOptions {
        &mut self.options
    }
}

impl Decoder for CommandCodec {
    type Item = Result<Command, ParseError>;
    type Error = std::io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Self::Item>, Self::Error> {
        // Parsed where the line lies (the usual MAIL and RCPT lines framed by their parse).
        Ok(self.lines.read_command(src, &self.options))
    }
}

impl Encoder<&Reply> for CommandCodec {
    type Error = std::io::Error;

    fn encode(&mut self, item: &Reply, dst: &mut BytesMut) -> Result<(), Self::Error> {
        encode::reply(item, dst);
        Ok(())
    }
}

impl Encoder<Reply> for CommandCodec {
    type Error = std::io::Error;

    fn encode(&mut self, item: Reply, dst: &mut BytesMut) -> Result<(), Self::Error> {
        encode::reply(&item, dst);
        Ok(())
    }
}

/// A reply stream error: I/O, or a reply that does not parse.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The transport failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The server sent something that is not a valid reply.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// Client side: decodes replies, encodes commands.
#[derive(Debug, Default)]
pub struct ReplyCodec {
    reader: ReplyReader,
}

impl ReplyCodec {
    /// A codec with the given reply limits.
    pub fn new(options: ReplyOptions) -> Self {
        ReplyCodec {
            reader: ReplyReader::new(options),
        }
    }
}

impl Decoder for ReplyCodec {
    type Item = Reply;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Reply>, CodecError> {
        Ok(self.reader.read_reply(src)?)
    }
}

impl Encoder<&Command> for ReplyCodec {
    type Error = CodecError;

    fn encode(&mut self, item: &Command, dst: &mut BytesMut) -> Result<(), CodecError> {
        encode::command(item, dst);
        Ok(())
    }
}

impl Encoder<Command> for ReplyCodec {
    type Error = CodecError;

    fn encode(&mut self, item: Command, dst: &mut BytesMut) -> Result<(), CodecError> {
        encode::command(&item, dst);
        Ok(())
    }
}
