//! Parsing what a client sends, in context: commands, the lines of an AUTHENTICATE
//! exchange, and the `DONE` that ends IDLE look alike out of context (`DONE` is valid
//! base64), so the kind of the next line depends on the previous one.

use bytes::Bytes;

use super::{ParseOptions, Status};
use crate::error::ParseError;
use crate::types::{AuthenticateData, Command, CommandBody};

/// One message of a client stream.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientMessage {
    /// A tagged command.
    Command(Command),
    /// A line of an AUTHENTICATE exchange.
    AuthenticateData(AuthenticateData),
    /// `DONE`, ending IDLE.
    IdleDone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Command,
    Authenticate,
    Done,
}

/// Parses a client stream message by message, knowing when SASL lines and `DONE` are
/// due. Without the server's side, an AUTHENTICATE exchange is taken to end at the
/// first line that is a command (SASL lines hold no space); a session that sees the
/// server's tagged answer calls [`ClientStreamParser::command_completed`] instead.
///
/// ```
/// use bytes::Bytes;
/// use imap_proto::parse::{ClientMessage, ClientStreamParser, ParseOptions, Status};
///
/// let mut parser = ClientStreamParser::new(ParseOptions::default());
/// for (line, want_done) in [(&b"a IDLE\r\n"[..], false), (b"DONE\r\n", true)] {
///     let Ok(Status::Complete { value, .. }) = parser.parse(&Bytes::copy_from_slice(line)) else {
///         panic!("parse");
///     };
///     assert_eq!(matches!(value, ClientMessage::IdleDone), want_done);
/// }
/// ```
#[derive(Debug, Clone)]
pub struct ClientStreamParser {
    options: ParseOptions,
    expect: Expect,
}

impl ClientStreamParser {
    /// A parser expecting a command first.
    pub fn new(options: ParseOptions) -> Self {
        Self {
            options,
            expect: Expect::Command,
        }
    }

    /// The server completed the pending AUTHENTICATE or IDLE: commands are due again.
    pub fn command_completed(&mut self) {
        self.expect = Expect::Command;
    }

    /// Parses one framed message.
    ///
    /// # Errors
    /// [`ParseError`] when the message is not what is due (nor a command).
    pub fn parse(&mut self, message: &Bytes) -> Result<Status<ClientMessage>, ParseError> {
        match self.expect {
            Expect::Authenticate if !message.contains(&b' ') => {
                super::authenticate_data(message, &self.options)
                    .map(|status| map(status, ClientMessage::AuthenticateData))
            }
            Expect::Done => match super::idle_done(message, &self.options) {
                Ok(Status::Complete { len, .. }) => {
                    self.expect = Expect::Command;
                    Ok(Status::Complete {
                        value: ClientMessage::IdleDone,
                        len,
                    })
                }
                other => {
                    let command = self.command(message);
                    if command.is_ok() {
                        command
                    } else {
                        other.map(|status| map(status, |()| ClientMessage::IdleDone))
                    }
                }
            },
            _ => self.command(message),
        }
    }

    fn command(&mut self, message: &Bytes) -> Result<Status<ClientMessage>, ParseError> {
        let status = super::command(message, &self.options)?;
        if let Status::Complete { value, .. } = &status {
            self.expect = match value.body {
                CommandBody::Authenticate { .. } => Expect::Authenticate,
                CommandBody::Idle => Expect::Done,
                _ => Expect::Command,
            };
        }
        Ok(map(status, ClientMessage::Command))
    }
}

fn map<T, U>(status: Status<T>, f: impl FnOnce(T) -> U) -> Status<U> {
    match status {
        Status::Complete { value, len } => Status::Complete {
            value: f(value),
            len,
        },
        Status::Incomplete => Status::Incomplete,
    }
}
