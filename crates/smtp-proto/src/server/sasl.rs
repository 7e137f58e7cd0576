//! Helpers for the application's side of an AUTH exchange: decoding the client responses of
//! the common SASL mechanisms carried by [`Event::AuthStep`](super::Event::AuthStep).
//!
//! The session does the framing (base64, `334`, `*`); these functions only read the decoded
//! bytes. Checking the credentials is the application's job.

use crate::types::{EnhancedStatusCode as Esc, Reply, ReplyCode, Secret};

/// The first LOGIN prompt (`334 VXNlcm5hbWU6`), to pass to
/// [`Server::auth_challenge`](super::Server::auth_challenge).
pub const LOGIN_USERNAME_PROMPT: &[u8] = b"Username:";
/// The second LOGIN prompt (`334 UGFzc3dvcmQ6`).
pub const LOGIN_PASSWORD_PROMPT: &[u8] = b"Password:";

/// A SASL response that does not follow its mechanism's grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SaslError {
    /// The response is not valid for the mechanism; the text names the rule broken.
    #[error("malformed SASL response: {0}")]
    Malformed(&'static str),
}

impl SaslError {
    /// The reply to send for a malformed response: `501 5.5.2` (RFC 4954 §4).
    #[must_use]
    pub fn reply(&self) -> Reply {
        Reply::from_static(
            ReplyCode::PARAMETER_SYNTAX_ERROR,
            Some(Esc::SYNTAX_ERROR),
            "Malformed authentication response",
        )
    }
}

/// The reply for wrong credentials: `535 5.7.8` (RFC 4954 §6).
#[must_use]
pub fn credentials_invalid() -> Reply {
    Reply::from_static(
        ReplyCode::AUTH_INVALID,
        Some(Esc::AUTH_INVALID),
        "Authentication credentials invalid",
    )
}

/// A decoded PLAIN response (RFC 4616 §2): `[authzid] NUL authcid NUL passwd`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Plain {
    /// The identity to act as, when different from `authcid`.
    pub authzid: Option<String>,
    /// The user name.
    pub authcid: String,
    /// The password.
    pub password: Secret,
}

fn utf8(b: &[u8], what: &'static str) -> Result<String, SaslError> {
    String::from_utf8(b.to_vec()).map_err(|_| SaslError::Malformed(what))
}

/// Decodes a PLAIN response (RFC 4616).
///
/// # Errors
///
/// [`SaslError::Malformed`] unless there are exactly two NULs, a non-empty UTF-8 user name and
/// a non-empty password.
pub fn decode_plain(response: &[u8]) -> Result<Plain, SaslError> {
    let mut parts = response.split(|&b| b == 0);
    let (Some(authzid), Some(authcid), Some(password), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SaslError::Malformed(
            "PLAIN needs authzid NUL authcid NUL passwd",
        ));
    };
    if authcid.is_empty() || password.is_empty() {
        return Err(SaslError::Malformed(
            "PLAIN user name and password must not be empty",
        ));
    }
    Ok(Plain {
        authzid: if authzid.is_empty() {
            None
        } else {
            Some(utf8(authzid, "PLAIN authzid is not UTF-8")?)
        },
        authcid: utf8(authcid, "PLAIN authcid is not UTF-8")?,
        password: Secret::from(password),
    })
}

/// Decodes a LOGIN response (the user name after [`LOGIN_USERNAME_PROMPT`], or the password
/// after [`LOGIN_PASSWORD_PROMPT`]): plain UTF-8 text.
///
/// # Errors
///
/// [`SaslError::Malformed`] for an empty response, a NUL or invalid UTF-8.
pub fn decode_login(response: &[u8]) -> Result<String, SaslError> {
    if response.is_empty() || response.contains(&0) {
        return Err(SaslError::Malformed("LOGIN response is empty or holds NUL"));
    }
    utf8(response, "LOGIN response is not UTF-8")
}

/// A decoded bearer token response (XOAUTH2 or OAUTHBEARER).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Bearer {
    /// The user (`user=` for XOAUTH2, the GS2 `a=` authzid for OAUTHBEARER, if given).
    pub user: Option<String>,
    /// `host=` (OAUTHBEARER only).
    pub host: Option<String>,
    /// `port=` (OAUTHBEARER only).
    pub port: Option<u16>,
    /// The bearer token.
    pub token: Secret,
}

/// Reads `key=value` pairs separated by `^A` and ended by `^A^A` (RFC 7628 §3.1).
type Pairs<'a> = Vec<(&'a [u8], &'a [u8])>;

fn kvpairs(s: &[u8]) -> Result<Pairs<'_>, SaslError> {
    let body = s
        .strip_suffix(b"\x01\x01")
        .ok_or(SaslError::Malformed("missing the final ^A^A"))?;
    if body.is_empty() {
        return Ok(Vec::new());
    }
    body.split(|&b| b == 1)
        .map(|kv| {
            let eq = kv
                .iter()
                .position(|&b| b == b'=')
                .ok_or(SaslError::Malformed("a key without '='"))?;
            Ok((&kv[..eq], &kv[eq + 1..]))
        })
        .collect()
}

fn bearer_token(v: &[u8]) -> Result<Secret, SaslError> {
    let rest = v
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case(b"Bearer "))
        .map(|_| &v[7..])
        .ok_or(SaslError::Malformed("auth= must be 'Bearer <token>'"))?;
    if rest.is_empty() {
        return Err(SaslError::Malformed("empty bearer token"));
    }
    Ok(Secret::from(rest))
}

/// Decodes an XOAUTH2 response: `user=U ^A auth=Bearer T ^A ^A`.
///
/// # Errors
///
/// [`SaslError::Malformed`] when a part is missing.
pub fn decode_xoauth2(response: &[u8]) -> Result<Bearer, SaslError> {
    let mut user = None;
    let mut token = None;
    for (k, v) in kvpairs(response)? {
        match k {
            b"user" => user = Some(utf8(v, "XOAUTH2 user is not UTF-8")?),
            b"auth" => token = Some(bearer_token(v)?),
            _ => {}
        }
    }
    Ok(Bearer {
        user: Some(user.ok_or(SaslError::Malformed("XOAUTH2 needs user="))?),
        host: None,
        port: None,
        token: token.ok_or(SaslError::Malformed("XOAUTH2 needs auth="))?,
    })
}

/// Decodes an OAUTHBEARER response (RFC 7628 §3.1): `n,a=U, ^A host=H ^A port=P ^A auth=Bearer
/// T ^A ^A`.
///
/// # Errors
///
/// [`SaslError::Malformed`] for a bad GS2 header, a bad port or a missing `auth=`.
pub fn decode_oauthbearer(response: &[u8]) -> Result<Bearer, SaslError> {
    let soh = response
        .iter()
        .position(|&b| b == 1)
        .ok_or(SaslError::Malformed("OAUTHBEARER needs a GS2 header"))?;
    let (gs2, rest) = response.split_at(soh);
    let mut fields = gs2.split(|&b| b == b',');
    let flag = fields.next().unwrap_or_default();
    if !matches!(flag, b"n" | b"y") {
        return Err(SaslError::Malformed("OAUTHBEARER GS2 flag must be n or y"));
    }
    let user = match fields.next() {
        Some(a) if a.starts_with(b"a=") => Some(utf8(&a[2..], "authzid is not UTF-8")?),
        Some(b"") | None => None,
        Some(_) => return Err(SaslError::Malformed("bad OAUTHBEARER GS2 header")),
    };
    let mut bearer = Bearer {
        user,
        host: None,
        port: None,
        token: Secret::default(),
    };
    let mut have_token = false;
    // `rest` starts with the ^A that ends the GS2 header.
    for (k, v) in kvpairs(&rest[1..])? {
        match k {
            b"host" => bearer.host = Some(utf8(v, "host is not UTF-8")?),
            b"port" => {
                let p = std::str::from_utf8(v)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or(SaslError::Malformed("bad port"))?;
                bearer.port = Some(p);
            }
            b"auth" => {
                bearer.token = bearer_token(v)?;
                have_token = true;
            }
            _ => {}
        }
    }
    if !have_token {
        return Err(SaslError::Malformed("OAUTHBEARER needs auth="));
    }
    Ok(bearer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain() {
        let p = decode_plain(b"\0tim\0tanstaaftanstaaf").unwrap();
        assert_eq!(p.authzid, None);
        assert_eq!(p.authcid, "tim");
        assert_eq!(p.password.expose(), b"tanstaaftanstaaf");
        let p = decode_plain(b"Ursel\0Kurt\0xipj3plmq").unwrap();
        assert_eq!(p.authzid.as_deref(), Some("Ursel"));
        assert!(decode_plain(b"\0tim").is_err());
        assert!(decode_plain(b"\0\0pw").is_err());
        assert!(decode_plain(b"a\0b\0c\0d").is_err());
        assert!(!format!("{p:?}").contains("xipj3plmq"));
    }

    #[test]
    fn login() {
        assert_eq!(decode_login(b"user").unwrap(), "user");
        assert!(decode_login(b"").is_err());
        assert!(decode_login(b"a\0b").is_err());
    }

    #[test]
    fn xoauth2() {
        let b = decode_xoauth2(b"user=someuser@example.com\x01auth=Bearer ya29.vF9dft4\x01\x01")
            .unwrap();
        assert_eq!(b.user.as_deref(), Some("someuser@example.com"));
        assert_eq!(b.token.expose(), b"ya29.vF9dft4");
        assert!(decode_xoauth2(b"user=a\x01\x01").is_err());
        assert!(decode_xoauth2(b"user=a\x01auth=Bearer t\x01").is_err());
    }

    #[test]
    fn oauthbearer() {
        let b = decode_oauthbearer(
            b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01",
        )
        .unwrap();
        assert_eq!(b.user.as_deref(), Some("user@example.com"));
        assert_eq!(b.host.as_deref(), Some("server.example.com"));
        assert_eq!(b.port, Some(143));
        assert_eq!(
            b.token.expose(),
            b"vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="
        );
        assert!(decode_oauthbearer(b"x,,\x01auth=Bearer t\x01\x01").is_err());
        assert!(decode_oauthbearer(b"n,,\x01host=h\x01\x01").is_err());
        let anon = decode_oauthbearer(b"n,,\x01auth=Bearer t\x01\x01").unwrap();
        assert_eq!(anon.user, None);
    }
}
