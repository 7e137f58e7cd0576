//! Parsers: bytes in, [`crate::types`] out.
//!
//! The streaming entry points ([`command`], [`response`]) take the receive buffer and return
//! `Ok(None)` while the line is incomplete ("incomplete" is a status, not an error), or the
//! value and how many bytes it used. The `*_line` functions take one complete line without its
//! CRLF. nom does the grammar work inside; its types never leave this module.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use memchr::memchr;
use nom::branch::alt;
use nom::bytes::complete::{tag, tag_no_case, take_while1};
use nom::character::complete::digit1;
use nom::combinator::opt;
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};

use crate::error::{ParseError, ParseErrorKind};
use crate::types::{
    Capability, Command, ExpirePolicy, LanguageListing, Mechanism, MessageNumber, Reply, Response,
    ResponseCode, SaslResponse, ScanListing, Secret, Status, UniqueId, UniqueIdListing,
};

type NomResult<'a, T> = IResult<&'a [u8], T>;

/// Finds the first complete CRLF line in `input`: returns the line without CRLF and the bytes
/// used, `Ok(None)` when no LF has arrived yet.
///
/// # Errors
/// [`ParseErrorKind::MissingCrlf`] when the LF is not preceded by CR.
pub fn line(input: &[u8]) -> Result<Option<(&[u8], usize)>, ParseError> {
    let Some(lf) = memchr(b'\n', input) else {
        return Ok(None);
    };
    if lf == 0 || input[lf - 1] != b'\r' {
        return Err(ParseError::new(ParseErrorKind::MissingCrlf, lf));
    }
    Ok(Some((&input[..lf - 1], lf + 1)))
}

/// Parses one command from the start of `input` (streaming).
///
/// # Errors
/// A [`ParseError`] when the first line is complete but not a valid command.
pub fn command(input: &[u8]) -> Result<Option<(Command, usize)>, ParseError> {
    match line(input)? {
        None => Ok(None),
        Some((l, used)) => command_line(l).map(|c| Some((c, used))),
    }
}

/// Parses one server line (status line or SASL continuation) from the start of `input`
/// (streaming).
///
/// # Errors
/// A [`ParseError`] when the first line is complete but malformed.
pub fn response(input: &[u8]) -> Result<Option<(Response, usize)>, ParseError> {
    match line(input)? {
        None => Ok(None),
        Some((l, used)) => response_line(l).map(|r| Some((r, used))),
    }
}

fn err<T>(kind: ParseErrorKind, offset: usize) -> Result<T, ParseError> {
    Err(ParseError::new(kind, offset))
}

fn offset_of(line: &[u8], rest: &[u8]) -> usize {
    line.len() - rest.len()
}

/// Text inside a line: no CR, LF or NUL, valid UTF-8.
fn text(bytes: &[u8], offset: usize) -> Result<String, ParseError> {
    if let Some(i) = bytes.iter().position(|&b| matches!(b, b'\r' | b'\n' | 0)) {
        return err(ParseErrorKind::ControlCharacter, offset + i);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => err(ParseErrorKind::InvalidUtf8, offset + e.valid_up_to()),
    }
}

pub(crate) fn decimal_u32(digits: &[u8]) -> Option<u32> {
    decimal_u64(digits).and_then(|n| u32::try_from(n).ok())
}

pub(crate) fn decimal_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 20 {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &d| {
        if !d.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

fn is_arg_char(b: u8) -> bool {
    b > b' ' && b != 0x7f
}

fn argument(i: &[u8]) -> NomResult<'_, &[u8]> {
    preceded(tag(&b" "[..]), take_while1(is_arg_char)).parse(i)
}

/// Parses a command line without its CRLF (keywords are case-insensitive, arguments separated
/// by single spaces, RFC 1939 §3).
///
/// # Errors
/// A [`ParseError`] naming what is wrong.
pub fn command_line(line: &[u8]) -> Result<Command, ParseError> {
    if let Some(i) = line.iter().position(|&b| matches!(b, b'\r' | b'\n' | 0)) {
        return err(ParseErrorKind::ControlCharacter, i);
    }
    let (args, keyword) =
        take_while1::<_, _, nom::error::Error<&[u8]>>(|b: u8| b.is_ascii_alphanumeric())
            .parse(line)
            .map_err(|_| ParseError::new(ParseErrorKind::UnknownCommand, 0))?;
    if !args.is_empty() && args[0] != b' ' {
        return err(ParseErrorKind::UnknownCommand, 0);
    }
    let mut kw = [0u8; 4];
    if keyword.len() > 4 {
        return err(ParseErrorKind::UnknownCommand, 0);
    }
    kw[..keyword.len()].copy_from_slice(keyword);
    kw.make_ascii_uppercase();
    let at = |rest: &[u8]| offset_of(line, rest);
    let no_args = |cmd: Command| {
        if args.is_empty() {
            Ok(cmd)
        } else {
            err(ParseErrorKind::TooManyArguments, at(args))
        }
    };
    match &kw[..keyword.len()] {
        b"QUIT" => no_args(Command::Quit),
        b"STAT" => no_args(Command::Stat),
        b"NOOP" => no_args(Command::Noop),
        b"RSET" => no_args(Command::Rset),
        b"CAPA" => no_args(Command::Capa),
        b"STLS" => no_args(Command::Stls),
        b"UTF8" => no_args(Command::Utf8),
        b"LIST" => optional_msg(line, args).map(|msg| Command::List { msg }),
        b"UIDL" => optional_msg(line, args).map(|msg| Command::Uidl { msg }),
        b"RETR" => required_msg(line, args).map(|msg| Command::Retr { msg }),
        b"DELE" => required_msg(line, args).map(|msg| Command::Dele { msg }),
        b"TOP" => {
            let (rest, (msg, n)) = (argument, argument)
                .parse(args)
                .map_err(|_| missing_or_invalid(line, args))?;
            let msg = message_number(msg).ok_or(ParseError::new(
                ParseErrorKind::InvalidArgument,
                at(args) + 1,
            ))?;
            let lines = decimal_u32(n).ok_or(ParseError::new(
                ParseErrorKind::InvalidArgument,
                at(rest) - n.len(),
            ))?;
            end(line, rest).map(|()| Command::Top { msg, lines })
        }
        b"USER" => {
            let (rest, name) = argument(args).map_err(|_| missing_or_invalid(line, args))?;
            end(line, rest)?;
            Ok(Command::User {
                name: text(name, at(args) + 1)?,
            })
        }
        b"PASS" => {
            // The password is the rest of the line, inner and trailing spaces included.
            let Some(password) = args.strip_prefix(b" ").filter(|p| !p.is_empty()) else {
                return err(ParseErrorKind::MissingArgument, line.len());
            };
            Ok(Command::Pass {
                password: Secret::new(text(password, at(args) + 1)?),
            })
        }
        b"APOP" => {
            let (rest, (name, digest)) = (argument, argument)
                .parse(args)
                .map_err(|_| missing_or_invalid(line, args))?;
            end(line, rest)?;
            let digest = hex_digest(digest).ok_or(ParseError::new(
                ParseErrorKind::InvalidArgument,
                at(rest) - digest.len(),
            ))?;
            Ok(Command::Apop {
                name: text(name, at(args) + 1)?,
                digest,
            })
        }
        b"AUTH" => {
            let (rest, mech) = opt(argument)
                .parse(args)
                .map_err(|_| missing_or_invalid(line, args))?;
            let Some(mech) = mech else {
                return end(line, rest).map(|()| Command::Auth {
                    mechanism: None,
                    initial_response: None,
                });
            };
            if !Mechanism::is_valid(mech) {
                return err(ParseErrorKind::InvalidArgument, at(args) + 1);
            }
            let mechanism = Mechanism::new(&String::from_utf8_lossy(mech))
                .map_err(|_| ParseError::new(ParseErrorKind::InvalidArgument, at(args) + 1))?;
            let (rest, ir) = opt(argument)
                .parse(rest)
                .map_err(|_| missing_or_invalid(line, rest))?;
            end(line, rest)?;
            let initial_response = match ir {
                None => None,
                Some(b"=") => Some(Secret::new(Vec::new())),
                Some(b64) => Some(Secret::new(BASE64.decode(b64).map_err(|_| {
                    ParseError::new(ParseErrorKind::InvalidArgument, at(rest) - b64.len())
                })?)),
            };
            Ok(Command::Auth {
                mechanism: Some(mechanism),
                initial_response,
            })
        }
        b"LANG" => {
            let (rest, tag) = opt(argument)
                .parse(args)
                .map_err(|_| missing_or_invalid(line, args))?;
            end(line, rest)?;
            match tag {
                None => Ok(Command::Lang { tag: None }),
                Some(t) if is_language_tag(t) => Ok(Command::Lang {
                    tag: Some(String::from_utf8_lossy(t).into_owned()),
                }),
                Some(_) => err(ParseErrorKind::InvalidArgument, at(args) + 1),
            }
        }
        _ => err(ParseErrorKind::UnknownCommand, 0),
    }
}

/// `*` or an RFC 5646-shaped tag (letters, digits, `-`), at most 64 octets.
pub(crate) fn is_language_tag(t: &[u8]) -> bool {
    t == b"*"
        || (!t.is_empty()
            && t.len() <= 64
            && t[0].is_ascii_alphabetic()
            && t.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn missing_or_invalid(line: &[u8], args: &[u8]) -> ParseError {
    if args.is_empty() || args.iter().all(|&b| b == b' ') {
        ParseError::new(ParseErrorKind::MissingArgument, line.len())
    } else {
        ParseError::new(ParseErrorKind::InvalidArgument, offset_of(line, args))
    }
}

fn end(line: &[u8], rest: &[u8]) -> Result<(), ParseError> {
    if rest.is_empty() {
        Ok(())
    } else {
        err(ParseErrorKind::TooManyArguments, offset_of(line, rest))
    }
}

fn message_number(digits: &[u8]) -> Option<MessageNumber> {
    decimal_u32(digits).and_then(MessageNumber::new)
}

fn optional_msg(line: &[u8], args: &[u8]) -> Result<Option<MessageNumber>, ParseError> {
    if args.is_empty() {
        return Ok(None);
    }
    required_msg(line, args).map(Some)
}

fn required_msg(line: &[u8], args: &[u8]) -> Result<MessageNumber, ParseError> {
    let (rest, digits) = argument(args).map_err(|_| missing_or_invalid(line, args))?;
    let msg = message_number(digits).ok_or(ParseError::new(
        ParseErrorKind::InvalidArgument,
        offset_of(line, args) + 1,
    ))?;
    end(line, rest).map(|()| msg)
}

fn hex_digest(hex: &[u8]) -> Option<[u8; 16]> {
    if hex.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let hi = char::from(pair[0]).to_digit(16)?;
        let lo = char::from(pair[1]).to_digit(16)?;
        *o = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

/// Parses a SASL client response line without its CRLF: base64 or `*` (RFC 5034 §4).
///
/// # Errors
/// [`ParseErrorKind::InvalidArgument`] when the line is not base64.
pub fn sasl_response_line(line: &[u8]) -> Result<SaslResponse, ParseError> {
    if line == b"*" {
        return Ok(SaslResponse::Cancel);
    }
    BASE64
        .decode(line)
        .map(|d| SaslResponse::Data(Secret::new(d)))
        .map_err(|_| ParseError::new(ParseErrorKind::InvalidArgument, 0))
}

fn status(i: &[u8]) -> NomResult<'_, Status> {
    alt((
        tag_no_case(&b"+OK"[..]).map(|_| Status::Ok),
        tag_no_case(&b"-ERR"[..]).map(|_| Status::Err),
    ))
    .parse(i)
}

fn response_code(i: &[u8]) -> NomResult<'_, &[u8]> {
    delimited(
        tag(&b"["[..]),
        take_while1(|b: u8| b != b']' && b != b'['),
        tag(&b"]"[..]),
    )
    .parse(i)
}

/// Parses a server line without its CRLF: a status line or a SASL continuation.
///
/// # Errors
/// A [`ParseError`] naming what is wrong.
pub fn response_line(line: &[u8]) -> Result<Response, ParseError> {
    if line.first() == Some(&b'+') && matches!(line.get(1), None | Some(b' ')) {
        let data = line.get(2..).unwrap_or_default();
        let data = data.strip_suffix(b" ").unwrap_or(data);
        return BASE64
            .decode(data)
            .map(Response::Continuation)
            .map_err(|_| ParseError::new(ParseErrorKind::InvalidArgument, 2));
    }
    reply_line(line).map(Response::Status)
}

/// Parses a status line without its CRLF: `+OK`/`-ERR`, an optional `[CODE]`, text.
///
/// # Errors
/// A [`ParseError`] naming what is wrong.
pub fn reply_line(line: &[u8]) -> Result<Reply, ParseError> {
    let (rest, status) =
        status(line).map_err(|_| ParseError::new(ParseErrorKind::InvalidStatus, 0))?;
    let rest = match rest.first() {
        None => rest,
        Some(b' ') => &rest[1..],
        Some(_) => return err(ParseErrorKind::InvalidStatus, offset_of(line, rest)),
    };
    let (rest, code) = match response_code(rest) {
        Ok((after, code)) if ResponseCode::is_valid(code) => {
            let code = ResponseCode::new(&String::from_utf8_lossy(code)).map_err(|_| {
                ParseError::new(ParseErrorKind::InvalidResponseCode, offset_of(line, rest))
            })?;
            (after.strip_prefix(b" ").unwrap_or(after), Some(code))
        }
        _ => (rest, None),
    };
    let text = text(rest, offset_of(line, rest))?;
    Ok(Reply { status, code, text })
}

fn listing_pair(line: &[u8]) -> Result<(MessageNumber, &[u8]), ParseError> {
    let bad = || ParseError::new(ParseErrorKind::InvalidListing, 0);
    let (rest, (digits, value)) = (digit1::<_, nom::error::Error<&[u8]>>, argument)
        .parse(line)
        .map_err(|_| bad())?;
    let msg = message_number(digits).ok_or_else(bad)?;
    // RFC 1939 §5 lets a server append more information after the size; it is ignored.
    if !rest.is_empty() && rest[0] != b' ' {
        return Err(bad());
    }
    Ok((msg, value))
}

/// Parses a scan listing (`msg octets`, RFC 1939 §5), as sent by `LIST` or after `+OK` to
/// `LIST n`.
///
/// # Errors
/// [`ParseErrorKind::InvalidListing`].
pub fn scan_listing(line: &[u8]) -> Result<ScanListing, ParseError> {
    let (msg, size) = listing_pair(line)?;
    let octets =
        decimal_u64(size).ok_or(ParseError::new(ParseErrorKind::InvalidListing, line.len()))?;
    Ok(ScanListing { msg, octets })
}

/// Parses a unique-id listing (`msg unique-id`, RFC 1939 §7).
///
/// # Errors
/// [`ParseErrorKind::InvalidListing`].
pub fn unique_id_listing(line: &[u8]) -> Result<UniqueIdListing, ParseError> {
    let (msg, uid) = listing_pair(line)?;
    if !UniqueId::is_valid(uid) {
        return err(ParseErrorKind::InvalidListing, 0);
    }
    let uid = UniqueId::from_validated(String::from_utf8_lossy(uid).into_owned());
    Ok(UniqueIdListing { msg, uid })
}

/// Parses one line of a `LANG` listing (`tag description`, RFC 6856 §3).
///
/// # Errors
/// [`ParseErrorKind::InvalidListing`].
pub fn language_listing(line: &[u8]) -> Result<LanguageListing, ParseError> {
    let (tag, description) = match memchr(b' ', line) {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => (line, &b""[..]),
    };
    if !is_language_tag(tag) || tag == b"*" {
        return err(ParseErrorKind::InvalidListing, 0);
    }
    Ok(LanguageListing {
        tag: String::from_utf8_lossy(tag).into_owned(),
        description: text(description, tag.len() + 1)?,
    })
}

/// Parses one capability line of a `CAPA` answer (RFC 2449 §6). Known tags with malformed
/// arguments are kept as [`Capability::Other`], so one odd line never loses the others.
///
/// # Errors
/// [`ParseErrorKind::InvalidListing`] for an empty line or one with control characters.
pub fn capability(line: &[u8]) -> Result<Capability, ParseError> {
    let line_text = text(line, 0)?;
    let (name, args_text) = match line_text.split_once(' ') {
        Some((n, a)) => (n, a),
        None => (line_text.as_str(), ""),
    };
    if name.is_empty() {
        return err(ParseErrorKind::InvalidListing, 0);
    }
    let args: Vec<&str> = if args_text.is_empty() {
        Vec::new()
    } else {
        args_text.split(' ').collect()
    };
    let upper = name.to_ascii_uppercase();
    let known = match (upper.as_str(), args.as_slice()) {
        ("TOP", []) => Some(Capability::Top),
        ("USER", []) => Some(Capability::User),
        ("RESP-CODES", []) => Some(Capability::RespCodes),
        ("AUTH-RESP-CODE", []) => Some(Capability::AuthRespCode),
        ("PIPELINING", []) => Some(Capability::Pipelining),
        ("UIDL", []) => Some(Capability::Uidl),
        ("STLS", []) => Some(Capability::Stls),
        ("LANG", []) => Some(Capability::Lang),
        ("UTF8", []) => Some(Capability::Utf8 { user: false }),
        ("UTF8", [u]) if u.eq_ignore_ascii_case("USER") => Some(Capability::Utf8 { user: true }),
        ("SASL", mechs) => mechs
            .iter()
            .map(|m| Mechanism::new(m).ok())
            .collect::<Option<Vec<_>>>()
            .map(Capability::Sasl),
        ("LOGIN-DELAY", [n, rest @ ..]) => decimal_u32(n.as_bytes())
            .zip(per_user(rest))
            .map(|(seconds, per_user)| Capability::LoginDelay { seconds, per_user }),
        ("EXPIRE", [p, rest @ ..]) => {
            let policy = if p.eq_ignore_ascii_case("NEVER") {
                Some(ExpirePolicy::Never)
            } else {
                decimal_u32(p.as_bytes()).map(ExpirePolicy::Days)
            };
            policy
                .zip(per_user(rest))
                .map(|(policy, per_user)| Capability::Expire { policy, per_user })
        }
        ("IMPLEMENTATION", _) if !args_text.is_empty() => {
            Some(Capability::Implementation(args_text.to_owned()))
        }
        _ => None,
    };
    Ok(known.unwrap_or_else(|| Capability::Other {
        name: name.to_owned(),
        args: args.into_iter().map(str::to_owned).collect(),
    }))
}

fn per_user(rest: &[&str]) -> Option<bool> {
    match rest {
        [] => Some(false),
        [u] if u.eq_ignore_ascii_case("USER") => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
