//! Authentication helpers for both sides: APOP digests (RFC 1939 §7) and the SASL messages of
//! PLAIN (RFC 4616), LOGIN and XOAUTH2.

use md5::{Digest as _, Md5};

use crate::types::Secret;

/// The APOP digest: MD5 over the greeting timestamp (brackets included) followed by the shared
/// secret.
#[must_use]
pub fn apop_digest(timestamp: &str, secret: &[u8]) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update(timestamp.as_bytes());
    md5.update(secret);
    md5.finalize().into()
}

/// Checks an APOP digest against the secret, in time independent of where they differ.
#[must_use]
pub fn verify_apop(timestamp: &str, secret: &[u8], digest: &[u8; 16]) -> bool {
    let expected = apop_digest(timestamp, secret);
    expected
        .iter()
        .zip(digest)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

/// The challenge a server sends first in a LOGIN exchange.
pub const LOGIN_USERNAME_CHALLENGE: &[u8] = b"Username:";
/// The challenge a server sends second in a LOGIN exchange.
pub const LOGIN_PASSWORD_CHALLENGE: &[u8] = b"Password:";

/// Decoded PLAIN credentials (RFC 4616): `authzid NUL authcid NUL password`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainCredentials {
    /// The identity to act as (empty: the same as `authcid`).
    pub authzid: String,
    /// The identity whose password is checked.
    pub authcid: String,
    /// The password.
    pub password: Secret<String>,
}

impl PlainCredentials {
    /// Decodes a PLAIN message; `None` when it is not three NUL-separated UTF-8 fields with a
    /// non-empty `authcid`.
    #[must_use]
    pub fn decode(message: &[u8]) -> Option<Self> {
        let mut fields = message.split(|&b| b == 0);
        let authzid = std::str::from_utf8(fields.next()?).ok()?;
        let authcid = std::str::from_utf8(fields.next()?).ok()?;
        let password = std::str::from_utf8(fields.next()?).ok()?;
        if fields.next().is_some() || authcid.is_empty() {
            return None;
        }
        Some(Self {
            authzid: authzid.to_owned(),
            authcid: authcid.to_owned(),
            password: Secret::new(password.to_owned()),
        })
    }

    /// Encodes the PLAIN message.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            self.authzid.len() + self.authcid.len() + self.password.expose().len() + 2,
        );
        out.extend_from_slice(self.authzid.as_bytes());
        out.push(0);
        out.extend_from_slice(self.authcid.as_bytes());
        out.push(0);
        out.extend_from_slice(self.password.expose().as_bytes());
        out
    }
}

/// Decoded XOAUTH2 credentials: `user=U ^A auth=Bearer T ^A ^A`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XOAuth2Credentials {
    /// The user.
    pub user: String,
    /// The bearer token.
    pub token: Secret<String>,
}

impl XOAuth2Credentials {
    /// Decodes an XOAUTH2 message; `None` when the `user` or `auth=Bearer` field is missing.
    #[must_use]
    pub fn decode(message: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(message).ok()?;
        let mut user = None;
        let mut token = None;
        for field in text.split('\u{1}').filter(|f| !f.is_empty()) {
            if let Some(u) = field.strip_prefix("user=") {
                user = Some(u);
            } else if let Some(auth) = field.strip_prefix("auth=") {
                let (scheme, value) = auth.split_once(' ')?;
                if scheme.eq_ignore_ascii_case("Bearer") {
                    token = Some(value);
                }
            }
        }
        Some(Self {
            user: user?.to_owned(),
            token: Secret::new(token?.to_owned()),
        })
    }

    /// Encodes the XOAUTH2 message.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        format!(
            "user={}\u{1}auth=Bearer {}\u{1}\u{1}",
            self.user,
            self.token.expose()
        )
        .into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apop_digest_matches_rfc_1939_example() {
        // RFC 1939 §7: timestamp <1896.697170952@dbc.mtview.ca.us>, secret "tanstaaf".
        let digest = apop_digest("<1896.697170952@dbc.mtview.ca.us>", b"tanstaaf");
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "c4c9334bac560ecc979e58001b3e22fb");
        assert!(verify_apop(
            "<1896.697170952@dbc.mtview.ca.us>",
            b"tanstaaf",
            &digest
        ));
        assert!(!verify_apop(
            "<1896.697170952@dbc.mtview.ca.us>",
            b"tanstaaF",
            &digest
        ));
    }

    #[test]
    fn plain_round_trip_and_rejects() {
        let creds = PlainCredentials {
            authzid: String::new(),
            authcid: "tim".into(),
            password: Secret::new("tanstaaf tanstaaf".into()),
        };
        assert_eq!(creds.encode(), b"\0tim\0tanstaaf tanstaaf");
        assert_eq!(PlainCredentials::decode(&creds.encode()), Some(creds));
        assert_eq!(PlainCredentials::decode(b"\0\0pw"), None);
        assert_eq!(PlainCredentials::decode(b"a\0b"), None);
        assert_eq!(PlainCredentials::decode(b"a\0b\0c\0d"), None);
    }

    #[test]
    fn xoauth2_round_trip() {
        let creds = XOAuth2Credentials {
            user: "a@b.c".into(),
            token: Secret::new("ya29.x".into()),
        };
        assert_eq!(creds.encode(), b"user=a@b.c\x01auth=Bearer ya29.x\x01\x01");
        assert_eq!(XOAuth2Credentials::decode(&creds.encode()), Some(creds));
        assert_eq!(XOAuth2Credentials::decode(b"auth=Bearer t\x01\x01"), None);
    }
}
