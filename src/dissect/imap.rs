//! IMAP streams: the framer of `imap-proto` cuts lines and literals (`{n}`, `{n+}`, `~{n}`),
//! then each message is parsed as a command (client) or a response (server). After
//! `AUTHENTICATE` the client's lines are SASL data, after `IDLE` the client sends `DONE`.

use bytes::Bytes;
use imap_proto::encode::{Encoder, PeerCapabilities};
use imap_proto::framing::{Direction, Limits, StreamItem, split_stream};
use imap_proto::parse::{self, ParseOptions, Status};
use imap_proto::types::CommandBody;

use super::{Item, Options, Outcome, Sender, one_line};

/// The encoder used for round trips: everything the grammar allows, so any parsed value can
/// be written back (synchronising literals stay what they were by meaning, not by form).
fn encoder() -> Encoder {
    let mut peer = PeerCapabilities::default();
    peer.literal_plus = true;
    peer.utf8 = true;
    peer.binary = true;
    Encoder::new(peer)
}

/// What the client sends next besides commands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pending {
    Nothing,
    /// SASL lines until the next command.
    Authenticate,
    /// `DONE`.
    Idle,
}

/// Parses one direction of a session.
pub(super) fn dissect(
    input: &[u8],
    sender: Sender,
    options: Options,
    items: &mut Vec<Item>,
) -> Outcome {
    let (direction, limits) = match sender {
        Sender::Client => (Direction::ClientToServer, Limits::default()),
        Sender::Server => (Direction::ServerToClient, Limits::client()),
    };
    let parse_options = if options.lenient {
        ParseOptions::lenient()
    } else {
        ParseOptions::default()
    };
    let mut pending = Pending::Nothing;
    for item in split_stream(input, direction, limits) {
        let (offset, bytes) = match item {
            StreamItem::Message { offset, bytes } => (offset, bytes),
            StreamItem::Discarded { offset, error, .. } => {
                let reason = error.map_or_else(|| "framing error".to_string(), |e| e.to_string());
                return Outcome::Error { offset, reason };
            }
            StreamItem::Truncated { offset, .. } => return Outcome::Incomplete { offset },
            _ => {
                return Outcome::Error {
                    offset: 0,
                    reason: "unknown framing item".into(),
                };
            }
        };
        let message = Bytes::copy_from_slice(bytes);
        let described = match sender {
            Sender::Client => client_message(&message, &parse_options, options, &mut pending),
            Sender::Server => server_message(&message, &parse_options, options),
        };
        match described {
            Ok(description) => items.push(Item {
                offset,
                len: bytes.len(),
                description,
            }),
            Err((at, reason)) => {
                return Outcome::Error {
                    offset: offset + at,
                    reason,
                };
            }
        }
    }
    Outcome::Complete
}

fn first_line(wire: &[u8]) -> String {
    let end = memchr::memchr(b'\n', wire).map_or(wire.len(), |i| i + 1);
    let more = if end < wire.len() { " ..." } else { "" };
    format!("{}{more}", one_line(&String::from_utf8_lossy(&wire[..end])))
}

fn client_message(
    message: &Bytes,
    parse_options: &ParseOptions,
    options: Options,
    pending: &mut Pending,
) -> Result<String, (usize, String)> {
    let parsed = parse::command(message, parse_options);
    let command = match parsed {
        Ok(Status::Complete { value, .. }) => value,
        Ok(_) => return Err((0, "incomplete command inside a framed message".into())),
        Err(e) => {
            if *pending == Pending::Authenticate
                && matches!(
                    parse::authenticate_data(message, parse_options),
                    Ok(Status::Complete { .. })
                )
            {
                return Ok("authenticate-data <redacted>".into());
            }
            if *pending == Pending::Idle
                && matches!(
                    parse::idle_done(message, parse_options),
                    Ok(Status::Complete { .. })
                )
            {
                *pending = Pending::Nothing;
                return Ok("idle-done".into());
            }
            return Err((e.offset, e.to_string()));
        }
    };
    if options.roundtrip {
        let wire = encoder().command(&command).to_bytes();
        match parse::command(&wire, parse_options) {
            Ok(Status::Complete { value, .. }) if value == command => {}
            other => return Err((0, format!("round trip changed the command: {other:?}"))),
        }
    }
    *pending = match &command.body {
        CommandBody::Authenticate { .. } => Pending::Authenticate,
        CommandBody::Idle => Pending::Idle,
        _ => Pending::Nothing,
    };
    let description = match &command.body {
        CommandBody::Login { .. } => format!(
            "command {} LOGIN <credentials redacted>",
            command.tag.as_str().unwrap_or("?")
        ),
        CommandBody::Authenticate { .. } => format!(
            "command {} AUTHENTICATE <redacted>",
            command.tag.as_str().unwrap_or("?")
        ),
        _ => format!(
            "command {}",
            first_line(&encoder().command(&command).to_bytes())
        ),
    };
    Ok(description)
}

fn server_message(
    message: &Bytes,
    parse_options: &ParseOptions,
    options: Options,
) -> Result<String, (usize, String)> {
    let response = match parse::response(message, parse_options) {
        Ok(Status::Complete { value, .. }) => value,
        Ok(_) => return Err((0, "incomplete response inside a framed message".into())),
        Err(e) => return Err((e.offset, e.to_string())),
    };
    if options.roundtrip {
        let wire = encoder().response(&response).to_bytes();
        match parse::response(&wire, parse_options) {
            Ok(Status::Complete { value, .. }) if value == response => {}
            other => return Err((0, format!("round trip changed the response: {other:?}"))),
        }
    }
    Ok(format!("response {}", first_line(message)))
}
