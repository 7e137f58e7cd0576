//! POP3 streams: commands (and SASL response lines after AUTH) from the client; status lines,
//! SASL challenges and dot-terminated multi-line bodies from the server.
//!
//! A server stream carries no commands, so a multi-line body is recognised as a client would
//! after a pipelined batch: a `+OK` line followed by a line that is not itself a status line
//! (`+OK`, `-ERR`, `+ `) opens a body that runs to the terminating `.` line. A body whose first
//! line starts with `+OK` or `-ERR` is read as a status line instead: that is the one ambiguity
//! of reading POP3 without the commands. The greeting never opens a body.

use bytes::BytesMut;
use pop3_proto::framing::{DotUnstuffer, Unstuffed};
use pop3_proto::parse;
use pop3_proto::types::{Command, Response, Status};

use super::{Item, Options, Outcome, crlf_line, one_line};

/// RFC 2449 §4: 255 octets of command arguments; 512 for a whole status line.
const STRICT_LINE: usize = 512;
/// RFC 5034 §4: SASL lines may be long.
const SASL_LINE: usize = 12288;
const LENIENT_LINE: usize = 64 * 1024;

fn line_limit(options: Options) -> usize {
    if options.lenient {
        LENIENT_LINE
    } else {
        STRICT_LINE
    }
}

/// Parses the client side of a session.
pub(super) fn client(input: &[u8], options: Options, items: &mut Vec<Item>) -> Outcome {
    let mut pos = 0;
    let mut in_sasl = false;
    while pos < input.len() {
        let max = if in_sasl {
            SASL_LINE
        } else {
            line_limit(options)
        };
        let (line, len) = match crlf_line(input, pos, max) {
            Ok(l) => l,
            Err(stop) => return stop,
        };
        match parse::command_line(line) {
            Ok(command) => {
                if options.roundtrip {
                    let mut wire = BytesMut::new();
                    command.encode(&mut wire);
                    let again = parse::command(&wire);
                    if !matches!(&again, Ok(Some((c, n))) if *c == command && *n == wire.len()) {
                        return Outcome::Error {
                            offset: pos,
                            reason: format!("round trip changed the command: {again:?}"),
                        };
                    }
                }
                in_sasl = matches!(command, Command::Auth { .. });
                let description = match &command {
                    Command::Pass { .. } => "command PASS <redacted>".to_string(),
                    Command::Auth { .. } => format!("command AUTH {}", auth_mechanism(line)),
                    _ => {
                        let mut wire = BytesMut::new();
                        command.encode(&mut wire);
                        format!("command {}", one_line(&String::from_utf8_lossy(&wire)))
                    }
                };
                items.push(Item {
                    offset: pos,
                    len,
                    description,
                });
            }
            Err(e) if in_sasl => match parse::sasl_response_line(line) {
                Ok(_) => items.push(Item {
                    offset: pos,
                    len,
                    description: "sasl-response <redacted>".into(),
                }),
                Err(_) => {
                    return Outcome::Error {
                        offset: pos + e.offset,
                        reason: e.to_string(),
                    };
                }
            },
            Err(e) => {
                return Outcome::Error {
                    offset: pos + e.offset,
                    reason: e.to_string(),
                };
            }
        }
        pos += len;
    }
    Outcome::Complete
}

/// The mechanism word of an AUTH line, without any initial response.
fn auth_mechanism(line: &[u8]) -> String {
    let words: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let mechanism = words
        .get(1)
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .unwrap_or_default();
    if words.len() > 2 {
        format!("{mechanism} <initial response redacted>")
    } else {
        mechanism
    }
}

fn is_status_line(rest: &[u8]) -> bool {
    rest.starts_with(b"+OK") || rest.starts_with(b"-ERR") || rest.starts_with(b"+ ")
}

/// Parses the server side of a session.
pub(super) fn server(input: &[u8], options: Options, items: &mut Vec<Item>) -> Outcome {
    let max_content_line = if options.lenient { 1 << 20 } else { 64 * 1024 };
    let mut pos = 0;
    while pos < input.len() {
        let (line, len) = match crlf_line(input, pos, line_limit(options)) {
            Ok(l) => l,
            Err(stop) => return stop,
        };
        let response = match parse::response_line(line) {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Error {
                    offset: pos + e.offset,
                    reason: e.to_string(),
                };
            }
        };
        if options.roundtrip {
            let mut wire = BytesMut::new();
            response.encode(&mut wire);
            let again = parse::response(&wire);
            if !matches!(&again, Ok(Some((r, n))) if *r == response && *n == wire.len()) {
                return Outcome::Error {
                    offset: pos,
                    reason: format!("round trip changed the response: {again:?}"),
                };
            }
        }
        let description = match &response {
            Response::Status(reply) => {
                let status = if reply.status == Status::Ok {
                    "+OK"
                } else {
                    "-ERR"
                };
                let code = reply
                    .code
                    .as_ref()
                    .map(|c| format!(" [{}]", c.as_str()))
                    .unwrap_or_default();
                format!("response {status}{code} {}", one_line(&reply.text))
                    .trim_end()
                    .to_string()
            }
            Response::Continuation(c) => format!("sasl-challenge {} octets", c.len()),
        };
        items.push(Item {
            offset: pos,
            len,
            description,
        });
        pos += len;
        let opens_body = matches!(&response, Response::Status(r) if r.status == Status::Ok)
            && items.len() > 1
            && pos < input.len()
            && !is_status_line(&input[pos..]);
        if opens_body {
            let rest = &input[pos..];
            let mut buf = BytesMut::from(rest);
            let mut reader = DotUnstuffer::new(max_content_line);
            let mut size = 0usize;
            loop {
                match reader.decode(&mut buf) {
                    Ok(Some(Unstuffed::Data(d))) => size += d.len(),
                    Ok(Some(Unstuffed::End)) => break,
                    Ok(None) => return Outcome::Incomplete { offset: pos },
                    Err(e) => {
                        return Outcome::Error {
                            offset: pos,
                            reason: e.to_string(),
                        };
                    }
                }
            }
            let body_len = rest.len() - buf.len();
            items.push(Item {
                offset: pos,
                len: body_len,
                description: format!("multi-line body {size} octets after unstuffing"),
            });
            pos += body_len;
        }
    }
    Outcome::Complete
}
