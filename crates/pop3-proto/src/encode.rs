//! Encoders: [`crate::types`] out to bytes, appended to a `BytesMut`.
//!
//! Every value that [`crate::parse`] produces encodes back to bytes that parse to the same value.
//! Text handed in by an application is sanitised: CR, LF and NUL become spaces, so a reply text
//! or a unique-id can never inject a line.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::{BufMut, BytesMut};

use crate::types::{
    Capability, Command, ExpirePolicy, LanguageListing, MaildropStat, Reply, Response,
    SaslResponse, ScanListing, Status, UniqueIdListing,
};

const CRLF: &[u8] = b"\r\n";

/// Appends `text` with CR, LF and NUL replaced by spaces (no line injection).
pub(crate) fn put_text(dst: &mut BytesMut, text: &str) {
    let bytes = text.as_bytes();
    if bytes.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) {
        dst.extend(bytes.iter().map(|&b| {
            if matches!(b, b'\r' | b'\n' | 0) {
                b' '
            } else {
                b
            }
        }));
    } else {
        dst.put_slice(bytes);
    }
}

fn put_decimal(dst: &mut BytesMut, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + u8::try_from(n % 10).unwrap_or(0);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    dst.put_slice(&buf[i..]);
}

impl Command {
    /// Appends the command line, CRLF included.
    pub fn encode(&self, dst: &mut BytesMut) {
        dst.put_slice(self.keyword().as_bytes());
        match self {
            Self::User { name } => {
                dst.put_u8(b' ');
                put_text(dst, name);
            }
            Self::Pass { password } => {
                dst.put_u8(b' ');
                put_text(dst, password.expose());
            }
            Self::Apop { name, digest } => {
                dst.put_u8(b' ');
                put_text(dst, name);
                dst.put_u8(b' ');
                put_hex(dst, digest);
            }
            Self::List { msg: Some(msg) } | Self::Uidl { msg: Some(msg) } => {
                dst.put_u8(b' ');
                put_decimal(dst, msg.get().into());
            }
            Self::Retr { msg } | Self::Dele { msg } => {
                dst.put_u8(b' ');
                put_decimal(dst, msg.get().into());
            }
            Self::Top { msg, lines } => {
                dst.put_u8(b' ');
                put_decimal(dst, msg.get().into());
                dst.put_u8(b' ');
                put_decimal(dst, (*lines).into());
            }
            Self::Auth {
                mechanism: Some(mechanism),
                initial_response,
            } => {
                dst.put_u8(b' ');
                dst.put_slice(mechanism.as_str().as_bytes());
                if let Some(ir) = initial_response {
                    dst.put_u8(b' ');
                    put_base64_or_equals(dst, ir.expose());
                }
            }
            Self::Lang { tag: Some(tag) } => {
                dst.put_u8(b' ');
                put_text(dst, tag);
            }
            Self::Quit
            | Self::Stat
            | Self::List { msg: None }
            | Self::Uidl { msg: None }
            | Self::Noop
            | Self::Rset
            | Self::Capa
            | Self::Stls
            | Self::Utf8
            | Self::Auth {
                mechanism: None, ..
            }
            | Self::Lang { tag: None } => {}
        }
        dst.put_slice(CRLF);
    }

    /// The encoded command line as a new buffer.
    #[must_use]
    pub fn to_bytes(&self) -> BytesMut {
        let mut dst = BytesMut::with_capacity(32);
        self.encode(&mut dst);
        dst
    }
}

/// Lower-case hex, as APOP digests are sent.
pub(crate) fn put_hex(dst: &mut BytesMut, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        dst.put_u8(HEX[usize::from(b >> 4)]);
        dst.put_u8(HEX[usize::from(b & 0x0f)]);
    }
}

/// Base64, or `=` for an empty initial response (RFC 5034 §4).
fn put_base64_or_equals(dst: &mut BytesMut, data: &[u8]) {
    if data.is_empty() {
        dst.put_u8(b'=');
    } else {
        dst.put_slice(BASE64.encode(data).as_bytes());
    }
}

impl SaslResponse {
    /// Appends the continuation line (`*` to cancel, base64 otherwise), CRLF included.
    pub fn encode(&self, dst: &mut BytesMut) {
        match self {
            Self::Cancel => dst.put_u8(b'*'),
            Self::Data(data) => dst.put_slice(BASE64.encode(data.expose()).as_bytes()),
        }
        dst.put_slice(CRLF);
    }
}

impl Reply {
    /// Appends the status line, CRLF included.
    pub fn encode(&self, dst: &mut BytesMut) {
        dst.put_slice(match self.status {
            Status::Ok => b"+OK",
            Status::Err => b"-ERR",
        });
        if let Some(code) = &self.code {
            dst.put_slice(b" [");
            put_text(dst, code.as_str());
            dst.put_u8(b']');
        }
        if !self.text.is_empty() {
            dst.put_u8(b' ');
            put_text(dst, &self.text);
        }
        dst.put_slice(CRLF);
    }
}

impl Response {
    /// Appends the server line, CRLF included.
    pub fn encode(&self, dst: &mut BytesMut) {
        match self {
            Self::Status(reply) => reply.encode(dst),
            Self::Continuation(challenge) => {
                dst.put_u8(b'+');
                dst.put_u8(b' ');
                dst.put_slice(BASE64.encode(challenge).as_bytes());
                dst.put_slice(CRLF);
            }
        }
    }
}

impl MaildropStat {
    /// The `+OK` text of a STAT answer (`nn mm`).
    #[must_use]
    pub fn to_text(&self) -> String {
        format!("{} {}", self.count, self.octets)
    }
}

impl ScanListing {
    /// Appends `msg octets` (no CRLF: also used as the text of a `+OK` line).
    pub fn encode(&self, dst: &mut BytesMut) {
        put_decimal(dst, self.msg.get().into());
        dst.put_u8(b' ');
        put_decimal(dst, self.octets);
    }
}

impl UniqueIdListing {
    /// Appends `msg unique-id` (no CRLF: also used as the text of a `+OK` line).
    pub fn encode(&self, dst: &mut BytesMut) {
        put_decimal(dst, self.msg.get().into());
        dst.put_u8(b' ');
        dst.put_slice(self.uid.as_str().as_bytes());
    }
}

impl LanguageListing {
    /// Appends `tag description` (no CRLF).
    pub fn encode(&self, dst: &mut BytesMut) {
        put_text(dst, &self.tag);
        dst.put_u8(b' ');
        put_text(dst, &self.description);
    }
}

impl Capability {
    /// Appends the capability line (no CRLF).
    pub fn encode(&self, dst: &mut BytesMut) {
        let per_user = |dst: &mut BytesMut, user: bool| {
            if user {
                dst.put_slice(b" USER");
            }
        };
        match self {
            Self::Top => dst.put_slice(b"TOP"),
            Self::User => dst.put_slice(b"USER"),
            Self::RespCodes => dst.put_slice(b"RESP-CODES"),
            Self::AuthRespCode => dst.put_slice(b"AUTH-RESP-CODE"),
            Self::Pipelining => dst.put_slice(b"PIPELINING"),
            Self::Uidl => dst.put_slice(b"UIDL"),
            Self::Stls => dst.put_slice(b"STLS"),
            Self::Lang => dst.put_slice(b"LANG"),
            Self::Utf8 { user } => {
                dst.put_slice(b"UTF8");
                per_user(dst, *user);
            }
            Self::Sasl(mechs) => {
                dst.put_slice(b"SASL");
                for m in mechs {
                    dst.put_u8(b' ');
                    dst.put_slice(m.as_str().as_bytes());
                }
            }
            Self::LoginDelay {
                seconds,
                per_user: user,
            } => {
                dst.put_slice(b"LOGIN-DELAY ");
                put_decimal(dst, (*seconds).into());
                per_user(dst, *user);
            }
            Self::Expire {
                policy,
                per_user: user,
            } => {
                dst.put_slice(b"EXPIRE ");
                match policy {
                    ExpirePolicy::Never => dst.put_slice(b"NEVER"),
                    ExpirePolicy::Days(d) => put_decimal(dst, (*d).into()),
                }
                per_user(dst, *user);
            }
            Self::Implementation(text) => {
                dst.put_slice(b"IMPLEMENTATION ");
                put_text(dst, text);
            }
            Self::Other { name, args } => {
                put_text(dst, name);
                for a in args {
                    dst.put_u8(b' ');
                    put_text(dst, a);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits() {
        let mut dst = BytesMut::new();
        put_decimal(&mut dst, 0);
        dst.put_u8(b' ');
        put_decimal(&mut dst, u64::MAX);
        assert_eq!(&dst[..], b"0 18446744073709551615");
    }

    #[test]
    fn text_cannot_inject_lines() {
        let mut dst = BytesMut::new();
        Reply::err("no\r\n+OK fake").encode(&mut dst);
        assert_eq!(&dst[..], b"-ERR no  +OK fake\r\n");
    }
}
