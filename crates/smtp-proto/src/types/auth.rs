use std::fmt;

use bytes::Bytes;

use super::Text;

/// A SASL mechanism name (RFC 4422 `sasl-mech`: 1 to 20 of `A-Z 0-9 - _`), as used by
/// `AUTH <mechanism>` and the EHLO `AUTH` capability. Names compare case-insensitively when
/// parsed; unknown names are kept in [`AuthMechanism::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthMechanism {
    /// `PLAIN` (RFC 4616)
    Plain,
    /// `LOGIN` (draft-murchison-sasl-login; widely deployed)
    Login,
    /// `XOAUTH2` (Google/Microsoft)
    XOAuth2,
    /// `OAUTHBEARER` (RFC 7628)
    OAuthBearer,
    /// `CRAM-MD5` (RFC 2195)
    CramMd5,
    /// `SCRAM-SHA-1` (RFC 5802)
    ScramSha1,
    /// `SCRAM-SHA-1-PLUS` (RFC 5802)
    ScramSha1Plus,
    /// `SCRAM-SHA-256` (RFC 7677)
    ScramSha256,
    /// `SCRAM-SHA-256-PLUS` (RFC 7677)
    ScramSha256Plus,
    /// `SCRAM-SHA-512` (draft)
    ScramSha512,
    /// `SCRAM-SHA-512-PLUS` (draft)
    ScramSha512Plus,
    /// `GSSAPI` (RFC 4752)
    Gssapi,
    /// `EXTERNAL` (RFC 4422)
    External,
    /// `ANONYMOUS` (RFC 4505)
    Anonymous,
    /// `NTLM`
    Ntlm,
    /// `DIGEST-MD5` (RFC 2831, historic)
    DigestMd5,
    /// Any other syntactically valid mechanism name, as received.
    Other(Text),
}

const MECHS: &[(&str, AuthMechanism)] = &[
    ("PLAIN", AuthMechanism::Plain),
    ("LOGIN", AuthMechanism::Login),
    ("XOAUTH2", AuthMechanism::XOAuth2),
    ("OAUTHBEARER", AuthMechanism::OAuthBearer),
    ("CRAM-MD5", AuthMechanism::CramMd5),
    ("SCRAM-SHA-1", AuthMechanism::ScramSha1),
    ("SCRAM-SHA-1-PLUS", AuthMechanism::ScramSha1Plus),
    ("SCRAM-SHA-256", AuthMechanism::ScramSha256),
    ("SCRAM-SHA-256-PLUS", AuthMechanism::ScramSha256Plus),
    ("SCRAM-SHA-512", AuthMechanism::ScramSha512),
    ("SCRAM-SHA-512-PLUS", AuthMechanism::ScramSha512Plus),
    ("GSSAPI", AuthMechanism::Gssapi),
    ("EXTERNAL", AuthMechanism::External),
    ("ANONYMOUS", AuthMechanism::Anonymous),
    ("NTLM", AuthMechanism::Ntlm),
    ("DIGEST-MD5", AuthMechanism::DigestMd5),
];

impl AuthMechanism {
    /// The mechanism name (upper case for the known ones, as received for `Other`).
    pub fn as_str(&self) -> &str {
        match self {
            AuthMechanism::Other(t) => t.as_str(),
            known => MECHS
                .iter()
                .find(|(_, m)| m == known)
                .map(|(n, _)| *n)
                .unwrap_or_default(),
        }
    }

    /// Recognises a mechanism name (case-insensitively). Returns `None` when `name` is not a
    /// valid `sasl-mech` (1..=20 of `A-Z a-z 0-9 - _`).
    #[inline]
    pub fn from_name(name: &[u8]) -> Option<Self> {
        if !is_sasl_mech(name) {
            return None;
        }
        Some(match known(name) {
            Some(i) => MECHS[i].1.clone(),
            None => AuthMechanism::Other(Text::copy_checked(name)),
        })
    }

    /// Crate-internal: this mechanism's bit in a set of the known ones (`None` for `Other`).
    pub(crate) fn bit(&self) -> Option<u32> {
        MECHS.iter().position(|(_, m)| m == self).map(|i| 1 << i)
    }

    /// Crate-internal: the bit of a known mechanism's name (compared case-insensitively).
    pub(crate) fn name_bit(name: &[u8]) -> Option<u32> {
        known(name).map(|i| 1 << i)
    }
}

/// The indices in [`MECHS`] of the names of each length (at most two share one): a name is
/// compared with those, not with every known one.
const BY_LEN: [[Option<u8>; 2]; 21] = {
    let mut table = [[None; 2]; 21];
    let mut i = 0;
    while i < MECHS.len() {
        let slot = &mut table[MECHS[i].0.len()];
        if slot[0].is_none() {
            slot[0] = Some(i as u8);
        } else {
            assert!(slot[1].is_none(), "three mechanism names of one length");
            slot[1] = Some(i as u8);
        }
        i += 1;
    }
    table
};

/// The index in [`MECHS`] of a known mechanism's name (compared case-insensitively).
#[inline]
fn known(name: &[u8]) -> Option<usize> {
    BY_LEN
        .get(name.len())?
        .iter()
        .flatten()
        .map(|&i| usize::from(i))
        .find(|&i| crate::parse::keyword_eq(name, MECHS[i].0.as_bytes()))
}

/// True for a valid RFC 4422 `sasl-mech` (we also accept lower case letters, compared
/// case-insensitively).
fn is_sasl_mech(name: &[u8]) -> bool {
    (1..=20).contains(&name.len())
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl fmt::Display for AuthMechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Secret bytes (passwords, SASL initial responses and continuations, tokens).
///
/// `Debug` never shows the contents (nor their length); use [`Secret::expose`] to read them.
/// Equality is a plain byte comparison (not constant-time): do not use it to check
/// credentials.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(Bytes);

impl Secret {
    /// Wraps secret bytes.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Secret(bytes.into())
    }

    /// The secret bytes. Every call site is a place where the secret leaves its wrapper.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret as a shared buffer.
    pub fn expose_bytes(&self) -> Bytes {
        self.0.clone()
    }

    /// True when the secret is empty (e.g. the `=` initial response of RFC 4954).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<Bytes> for Secret {
    fn from(b: Bytes) -> Self {
        Secret(b)
    }
}

impl From<Vec<u8>> for Secret {
    fn from(b: Vec<u8>) -> Self {
        Secret(Bytes::from(b))
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(Bytes::from(s))
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl From<&[u8]> for Secret {
    fn from(s: &[u8]) -> Self {
        Secret(Bytes::copy_from_slice(s))
    }
}

/// A client's line during an AUTH exchange, answering a `334` challenge (RFC 4954 §4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaslResponse {
    /// The base64-decoded response (an empty line is an empty response).
    Data(Secret),
    /// `*`: the client cancels the exchange (the server answers `501`).
    Cancel,
}
