//! SMTP and LMTP streams: commands with DATA bodies, BDAT chunks and AUTH responses from the
//! client; replies from the server.

use bytes::BytesMut;
use smtp_proto::framing::{BareLineEndings, DataConfig, DataEvent, DataReader};
use smtp_proto::parse::{ParseOptions, ReplyOptions};
use smtp_proto::types::{AuthMechanism, Command};
use smtp_proto::{encode, parse};

use super::{Item, Options, Outcome, crlf_line, one_line};

/// RFC 5321 §4.5.3.1.4: 512 octets for a command line; RFC 4954 §4: 12288 during AUTH.
const STRICT_LINE: usize = 512;
const AUTH_LINE: usize = 12288;
const LENIENT_LINE: usize = 64 * 1024;

/// What the next bytes from the client are.
enum Expect {
    Command,
    /// The body after DATA.
    Data,
    /// A BDAT chunk of this many octets.
    Chunk(u64),
    /// This many SASL response lines.
    Sasl(u8),
}

fn parse_options(options: Options) -> ParseOptions {
    let mut p = ParseOptions::default();
    if options.lenient {
        p.lenient_helo = true;
        p.space_after_colon = true;
        p.missing_brackets = true;
        p.extra_spaces = true;
        p.long_local_part = true;
    }
    p
}

fn describe_command(command: &Command) -> String {
    if let Command::Auth {
        mechanism,
        initial_response,
    } = command
    {
        let ir = if initial_response.is_some() {
            " <initial response redacted>"
        } else {
            ""
        };
        return format!("command AUTH {mechanism}{ir}");
    }
    let mut wire = BytesMut::new();
    encode::command(command, &mut wire);
    format!("command {}", one_line(&String::from_utf8_lossy(&wire)))
}

/// Parses the client side of a session.
pub(super) fn client(input: &[u8], options: Options, items: &mut Vec<Item>) -> Outcome {
    let opts = parse_options(options);
    let limit = if options.lenient {
        LENIENT_LINE
    } else {
        STRICT_LINE
    };
    let mut expect = Expect::Command;
    let mut pos = 0;
    while pos < input.len() {
        let rest = &input[pos..];
        match expect {
            Expect::Command | Expect::Sasl(_) => {
                let max = if matches!(expect, Expect::Sasl(_)) {
                    AUTH_LINE
                } else {
                    limit
                };
                let (line, len) = match crlf_line(input, pos, max) {
                    Ok(l) => l,
                    Err(stop) => return stop,
                };
                if let Expect::Sasl(n) = expect {
                    if let Err(e) = parse::sasl_response(line) {
                        return Outcome::Error {
                            offset: pos + e.offset,
                            reason: e.to_string(),
                        };
                    }
                    items.push(Item {
                        offset: pos,
                        len,
                        description: "sasl-response <redacted>".into(),
                    });
                    expect = if n > 1 {
                        Expect::Sasl(n - 1)
                    } else {
                        Expect::Command
                    };
                    pos += len;
                    continue;
                }
                let command = match parse::command_from_slice(line, &opts) {
                    Ok(c) => c,
                    Err(e) => {
                        return Outcome::Error {
                            offset: pos + e.offset,
                            reason: e.to_string(),
                        };
                    }
                };
                if options.roundtrip {
                    let mut wire = BytesMut::new();
                    encode::command(&command, &mut wire);
                    let again = wire
                        .strip_suffix(b"\r\n")
                        .map(|l| parse::command_from_slice(l, &opts));
                    if !matches!(&again, Some(Ok(c)) if *c == command) {
                        return Outcome::Error {
                            offset: pos,
                            reason: format!("round trip changed the command: {again:?}"),
                        };
                    }
                }
                items.push(Item {
                    offset: pos,
                    len,
                    description: describe_command(&command),
                });
                expect = match &command {
                    Command::Data => Expect::Data,
                    Command::Bdat { size, .. } => Expect::Chunk(*size),
                    Command::Auth {
                        mechanism,
                        initial_response,
                    } => match (mechanism, initial_response.is_some()) {
                        (AuthMechanism::Login, false) => Expect::Sasl(2),
                        (AuthMechanism::Login, true) => Expect::Sasl(1),
                        (_, false) => Expect::Sasl(1),
                        (_, true) => Expect::Command,
                    },
                    _ => Expect::Command,
                };
                pos += len;
            }
            Expect::Data => {
                let mut config = DataConfig::default();
                if options.lenient {
                    config.bare_line_endings = BareLineEndings::Allow;
                }
                let mut reader = DataReader::new(config);
                let mut buf = BytesMut::from(rest);
                let end = loop {
                    match reader.decode(&mut buf) {
                        Some(DataEvent::Chunk(_)) => {}
                        Some(DataEvent::End(end)) => break end,
                        None => return Outcome::Incomplete { offset: pos },
                    }
                };
                let len = rest.len() - buf.len();
                if end.bare_rejected {
                    return Outcome::Error {
                        offset: pos,
                        reason: "bare CR or LF in DATA (smuggling risk; use --limits lenient)"
                            .into(),
                    };
                }
                items.push(Item {
                    offset: pos,
                    len,
                    description: format!("data {} octets after unstuffing", end.size),
                });
                expect = Expect::Command;
                pos += len;
            }
            Expect::Chunk(size) => {
                let Some(len) = usize::try_from(size).ok().filter(|&n| n <= rest.len()) else {
                    return Outcome::Incomplete { offset: pos };
                };
                items.push(Item {
                    offset: pos,
                    len,
                    description: format!("bdat-chunk {len} octets"),
                });
                expect = Expect::Command;
                pos += len;
            }
        }
    }
    match expect {
        Expect::Command => Outcome::Complete,
        _ => Outcome::Incomplete { offset: pos },
    }
}

/// Parses the server side of a session: a sequence of replies.
pub(super) fn server(input: &[u8], options: Options, items: &mut Vec<Item>) -> Outcome {
    let mut opts = ReplyOptions::default();
    if options.lenient {
        opts.allow_bare_lf = true;
        opts.max_line_len = LENIENT_LINE;
    }
    let mut pos = 0;
    while pos < input.len() {
        let (reply, len) = match parse::reply_with(&input[pos..], &opts) {
            Ok(Some(r)) => r,
            Ok(None) => return Outcome::Incomplete { offset: pos },
            Err(e) => {
                return Outcome::Error {
                    offset: pos + e.offset,
                    reason: e.to_string(),
                };
            }
        };
        if options.roundtrip {
            let mut wire = BytesMut::new();
            encode::reply(&reply, &mut wire);
            let again = parse::reply_with(&wire, &opts);
            if !matches!(&again, Ok(Some((r, n))) if *r == reply && *n == wire.len()) {
                return Outcome::Error {
                    offset: pos,
                    reason: format!("round trip changed the reply: {again:?}"),
                };
            }
        }
        let enhanced = reply
            .enhanced()
            .map(|e| format!(" {e}"))
            .unwrap_or_default();
        let lines = reply.lines().len();
        let shape = if lines > 1 {
            format!(" ({lines} lines)")
        } else {
            String::new()
        };
        let first = reply.first_line().text_lossy().into_owned();
        items.push(Item {
            offset: pos,
            len,
            description: format!(
                "reply {}{enhanced}{shape} {}",
                reply.code(),
                one_line(&first)
            ),
        });
        pos += len;
    }
    Outcome::Complete
}
