//! The POP3 vocabulary: commands, replies, listings and capabilities (RFC 1939, RFC 2449,
//! RFC 2595, RFC 3206, RFC 5034, RFC 6856).
//!
//! Values are validated when built, so every value here can be put on the wire (see
//! [`crate::encode`]) and parses back to itself (see [`crate::parse`]).

use std::fmt;
use std::num::NonZeroU32;

/// A correlation handle for one command, handed out monotonically by a session (never random, so
/// it can be compared across logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A value whose `Debug` output is always redacted (passwords, SASL responses, tokens). Read it
/// with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps `value`.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret value; call sites that reveal secrets are easy to find by this name.
    pub const fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the secret value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

/// A message number (RFC 1939 §5): 1-based, never 0, valid for one session only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageNumber(NonZeroU32);

impl MessageNumber {
    /// Builds a message number; `None` for 0.
    #[must_use]
    pub const fn new(n: u32) -> Option<Self> {
        match NonZeroU32::new(n) {
            Some(n) => Some(Self(n)),
            None => None,
        }
    }

    /// The number.
    #[must_use]
    pub const fn get(self) -> u32 {
        self.0.get()
    }
}

impl fmt::Display for MessageNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A unique-id (RFC 1939 §7, UIDL): 1 to 70 characters in the range 0x21 to 0x7E, stable across
/// sessions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UniqueId(String);

impl UniqueId {
    /// The longest unique-id RFC 1939 allows.
    pub const MAX_LEN: usize = 70;

    /// Validates `id`: 1 to 70 octets, each in 0x21..=0x7E.
    ///
    /// # Errors
    /// Returns the rejected string when it is empty, too long or has other characters.
    pub fn new(id: impl Into<String>) -> Result<Self, String> {
        let id = id.into();
        if Self::is_valid(id.as_bytes()) {
            Ok(Self(id))
        } else {
            Err(id)
        }
    }

    pub(crate) fn is_valid(id: &[u8]) -> bool {
        !id.is_empty() && id.len() <= Self::MAX_LEN && id.iter().all(|b| (0x21..=0x7e).contains(b))
    }

    pub(crate) fn from_validated(id: String) -> Self {
        Self(id)
    }

    /// The unique-id.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A SASL mechanism name (RFC 4422 §3.1: 1 to 20 of `A-Z 0-9 - _`), kept upper case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mechanism(String);

impl Mechanism {
    /// `PLAIN` (RFC 4616).
    pub const PLAIN: &'static str = "PLAIN";
    /// `LOGIN` (draft-murchison-sasl-login).
    pub const LOGIN: &'static str = "LOGIN";
    /// `XOAUTH2` (Google and Microsoft OAuth 2.0 bearer tokens).
    pub const XOAUTH2: &'static str = "XOAUTH2";
    /// `OAUTHBEARER` (RFC 7628).
    pub const OAUTHBEARER: &'static str = "OAUTHBEARER";

    /// Validates and upper-cases `name`.
    ///
    /// # Errors
    /// Returns the rejected name when it is empty, longer than 20 or has other characters.
    pub fn new(name: &str) -> Result<Self, String> {
        if Self::is_valid(name.as_bytes()) {
            Ok(Self(name.to_ascii_uppercase()))
        } else {
            Err(name.to_owned())
        }
    }

    pub(crate) fn is_valid(name: &[u8]) -> bool {
        !name.is_empty()
            && name.len() <= 20
            && name
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }

    /// `PLAIN`.
    #[must_use]
    pub fn plain() -> Self {
        Self(Self::PLAIN.to_owned())
    }

    /// `LOGIN`.
    #[must_use]
    pub fn login() -> Self {
        Self(Self::LOGIN.to_owned())
    }

    /// `XOAUTH2`.
    #[must_use]
    pub fn xoauth2() -> Self {
        Self(Self::XOAUTH2.to_owned())
    }

    /// The upper-case name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A client command (RFC 1939 §§4-7, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH, RFC 6856
/// UTF8/LANG).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// `USER name`.
    User {
        /// The mailbox name.
        name: String,
    },
    /// `PASS string`: the rest of the line, spaces included (RFC 1939 §7).
    Pass {
        /// The password.
        password: Secret<String>,
    },
    /// `APOP name digest` (RFC 1939 §7): MD5 of the greeting timestamp followed by the secret.
    Apop {
        /// The mailbox name.
        name: String,
        /// The 16-octet MD5 digest (sent as 32 lower-case hex digits).
        digest: [u8; 16],
    },
    /// `QUIT`.
    Quit,
    /// `STAT`.
    Stat,
    /// `LIST [msg]`.
    List {
        /// One message (single-line answer) or all (multi-line).
        msg: Option<MessageNumber>,
    },
    /// `RETR msg`.
    Retr {
        /// The message.
        msg: MessageNumber,
    },
    /// `DELE msg`.
    Dele {
        /// The message.
        msg: MessageNumber,
    },
    /// `NOOP`.
    Noop,
    /// `RSET`.
    Rset,
    /// `TOP msg n`: the header, the blank line and `n` lines of the body.
    Top {
        /// The message.
        msg: MessageNumber,
        /// Body lines wanted.
        lines: u32,
    },
    /// `UIDL [msg]`.
    Uidl {
        /// One message (single-line answer) or all (multi-line).
        msg: Option<MessageNumber>,
    },
    /// `CAPA` (RFC 2449).
    Capa,
    /// `STLS` (RFC 2595).
    Stls,
    /// `AUTH [mechanism [initial-response]]` (RFC 5034). Without a mechanism, asks for the
    /// list of mechanisms (an older form that Outlook still sends).
    Auth {
        /// The SASL mechanism, or `None` for the listing form.
        mechanism: Option<Mechanism>,
        /// The decoded initial response (`=` on the wire for an empty one).
        initial_response: Option<Secret<Vec<u8>>>,
    },
    /// `UTF8` (RFC 6856).
    Utf8,
    /// `LANG [tag]` (RFC 6856): list the languages, or choose one (`*` for the default).
    Lang {
        /// The language tag, or `None` to list.
        tag: Option<String>,
    },
}

impl Command {
    /// The command keyword, upper case.
    #[must_use]
    pub const fn keyword(&self) -> &'static str {
        match self {
            Self::User { .. } => "USER",
            Self::Pass { .. } => "PASS",
            Self::Apop { .. } => "APOP",
            Self::Quit => "QUIT",
            Self::Stat => "STAT",
            Self::List { .. } => "LIST",
            Self::Retr { .. } => "RETR",
            Self::Dele { .. } => "DELE",
            Self::Noop => "NOOP",
            Self::Rset => "RSET",
            Self::Top { .. } => "TOP",
            Self::Uidl { .. } => "UIDL",
            Self::Capa => "CAPA",
            Self::Stls => "STLS",
            Self::Auth { .. } => "AUTH",
            Self::Utf8 => "UTF8",
            Self::Lang { .. } => "LANG",
        }
    }

    /// Whether a positive answer to this command is a multi-line response (RFC 1939 §3).
    #[must_use]
    pub const fn is_multi_line(&self) -> bool {
        matches!(
            self,
            Self::List { msg: None }
                | Self::Uidl { msg: None }
                | Self::Retr { .. }
                | Self::Top { .. }
                | Self::Capa
                | Self::Lang { tag: None }
                | Self::Auth {
                    mechanism: None,
                    ..
                }
        )
    }
}

/// The status indicator of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// `+OK`.
    Ok,
    /// `-ERR`.
    Err,
}

/// An extended response code (RFC 2449 §3, RFC 3206, RFC 6856), sent in brackets after the
/// status indicator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResponseCode {
    /// `[IN-USE]`: the maildrop is locked by another session (RFC 2449 §8.1.1).
    InUse,
    /// `[LOGIN-DELAY]`: logged in too soon after the last login (RFC 2449 §8.1.2).
    LoginDelay,
    /// `[SYS/TEMP]`: a temporary system problem (RFC 3206 §4).
    SysTemp,
    /// `[SYS/PERM]`: a permanent system problem (RFC 3206 §4).
    SysPerm,
    /// `[AUTH]`: the credentials were wrong (RFC 3206 §5).
    Auth,
    /// `[UTF8]`: the content is UTF-8 (RFC 6856 §2).
    Utf8,
    /// Any other well-formed code, kept as sent (for example `REFERRAL/pop://host`).
    Other(String),
}

impl ResponseCode {
    /// The code as it appears between the brackets.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::InUse => "IN-USE",
            Self::LoginDelay => "LOGIN-DELAY",
            Self::SysTemp => "SYS/TEMP",
            Self::SysPerm => "SYS/PERM",
            Self::Auth => "AUTH",
            Self::Utf8 => "UTF8",
            Self::Other(s) => s,
        }
    }

    /// Parses the text between the brackets (RFC 2449: `resp-level *("/" resp-level)`).
    ///
    /// # Errors
    /// Returns the text back when it is not a well-formed code.
    pub fn new(code: &str) -> Result<Self, String> {
        if !Self::is_valid(code.as_bytes()) {
            return Err(code.to_owned());
        }
        Ok(match code.to_ascii_uppercase().as_str() {
            "IN-USE" => Self::InUse,
            "LOGIN-DELAY" => Self::LoginDelay,
            "SYS/TEMP" => Self::SysTemp,
            "SYS/PERM" => Self::SysPerm,
            "AUTH" => Self::Auth,
            "UTF8" => Self::Utf8,
            _ => Self::Other(code.to_owned()),
        })
    }

    /// What a `-ERR` with this code asks of the client. A code with levels this crate does not
    /// know is read as its nearest known ancestor (`SYS/TEMP/DISK` as `SYS/TEMP`), as the
    /// hierarchy of RFC 2449 §8 intends.
    #[must_use]
    pub fn recovery(&self) -> Recovery {
        let mut code = self.as_str();
        loop {
            match Self::new(code) {
                Ok(Self::InUse | Self::LoginDelay | Self::SysTemp) => return Recovery::Later,
                Ok(Self::SysPerm) => return Recovery::Never,
                Ok(Self::Auth) => return Recovery::Credentials,
                Ok(Self::Utf8) => return Recovery::Utf8Mode,
                _ => match code.rsplit_once('/') {
                    Some((parent, _)) => code = parent,
                    None => return Recovery::Unknown,
                },
            }
        }
    }

    /// RFC 2449 `rchar` (0x21-0x2E, 0x30-0x5C, 0x5E-0x7F) levels separated by single `/`.
    pub(crate) fn is_valid(code: &[u8]) -> bool {
        !code.is_empty()
            && code.split(|&b| b == b'/').all(|level| {
                !level.is_empty()
                    && level
                        .iter()
                        .all(|&b| matches!(b, 0x21..=0x2e | 0x30..=0x5c | 0x5e..=0x7e))
            })
    }
}

/// What a failure asks of the client, by its response code ([`ResponseCode::recovery`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Recovery {
    /// Try again later, unchanged: the maildrop is locked (`[IN-USE]`), the login came too soon
    /// (`[LOGIN-DELAY]`), or the server has a passing problem (`[SYS/TEMP]`).
    Later,
    /// Do not try again without a change on the server's side (`[SYS/PERM]`).
    Never,
    /// The credentials are wrong: ask the user, do not retry as they are (`[AUTH]`, RFC 3206).
    Credentials,
    /// Enable UTF-8 mode first (`[UTF8]`, RFC 6856).
    Utf8Mode,
    /// The code says nothing this crate knows.
    Unknown,
}

impl fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status line: `+OK` or `-ERR`, an optional response code and free text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// `+OK` or `-ERR`.
    pub status: Status,
    /// The extended response code, if any.
    pub code: Option<ResponseCode>,
    /// The text after the indicator (and code), without the separating space.
    pub text: String,
}

impl Reply {
    /// A `+OK text` reply.
    #[must_use]
    pub fn ok(text: impl Into<String>) -> Self {
        Self {
            status: Status::Ok,
            code: None,
            text: text.into(),
        }
    }

    /// An `-ERR text` reply.
    #[must_use]
    pub fn err(text: impl Into<String>) -> Self {
        Self {
            status: Status::Err,
            code: None,
            text: text.into(),
        }
    }

    /// An `-ERR [code] text` reply.
    #[must_use]
    pub fn err_with(code: ResponseCode, text: impl Into<String>) -> Self {
        Self {
            status: Status::Err,
            code: Some(code),
            text: text.into(),
        }
    }

    /// Whether this is `+OK`.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.status == Status::Ok
    }

    /// The APOP timestamp of a greeting (RFC 1939 §7): the first `<...>` in the text, brackets
    /// included, when it is non-empty and has no space or `<` inside.
    #[must_use]
    pub fn apop_timestamp(&self) -> Option<&str> {
        let start = self.text.find('<')?;
        let len = self.text[start..].find('>')?;
        let ts = &self.text[start..=start + len];
        (ts.len() > 2 && !ts[1..ts.len() - 1].contains(['<', ' '])).then_some(ts)
    }

    /// The maildrop listing of a `+OK` answer to STAT (RFC 1939 §5: `nn mm`).
    #[must_use]
    pub fn maildrop_stat(&self) -> Option<MaildropStat> {
        if !self.is_ok() {
            return None;
        }
        let mut words = self.text.split(' ');
        let count = crate::parse::decimal_u32(words.next()?.as_bytes())?;
        let octets = crate::parse::decimal_u64(words.next()?.as_bytes())?;
        Some(MaildropStat { count, octets })
    }
}

/// One line from a server: a status line or a SASL continuation (RFC 5034 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// `+OK ...` or `-ERR ...`.
    Status(Reply),
    /// `+ base64`: a SASL challenge, decoded.
    Continuation(Vec<u8>),
}

/// What a client sends on a SASL continuation line (RFC 5034 §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaslResponse {
    /// A base64 line, decoded (an empty line is an empty response).
    Data(Secret<Vec<u8>>),
    /// `*`: the client cancels the exchange.
    Cancel,
}

/// The answer to STAT: how many messages and how many octets, deleted ones excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaildropStat {
    /// Messages in the maildrop.
    pub count: u32,
    /// Their total size in octets (CRLF line endings, before dot-stuffing).
    pub octets: u64,
}

/// A scan listing (RFC 1939 §5, LIST): message number and exact size in octets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanListing {
    /// The message.
    pub msg: MessageNumber,
    /// Its exact size in octets (CRLF line endings, before dot-stuffing).
    pub octets: u64,
}

/// A unique-id listing (RFC 1939 §7, UIDL): message number and unique-id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniqueIdListing {
    /// The message.
    pub msg: MessageNumber,
    /// Its unique-id.
    pub uid: UniqueId,
}

/// One line of a `LANG` listing (RFC 6856 §3): a language tag and a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageListing {
    /// The language tag (RFC 5646).
    pub tag: String,
    /// Human-readable description (may be empty).
    pub description: String,
}

/// Whether a language range (the argument of `LANG`) matches a language tag, by RFC 4647
/// §3.3.1 basic filtering: `*` matches every tag, and a range matches a tag it equals or that it
/// is a prefix of up to a `-` (`en` matches `en-GB`), ignoring case.
#[must_use]
pub fn language_range_matches(range: &str, tag: &str) -> bool {
    if range == "*" {
        return true;
    }
    tag.len() >= range.len()
        && tag.is_char_boundary(range.len())
        && tag[..range.len()].eq_ignore_ascii_case(range)
        && matches!(tag.as_bytes().get(range.len()), None | Some(b'-'))
}

/// The `EXPIRE` policy (RFC 2449 §6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpirePolicy {
    /// Messages are never expired.
    Never,
    /// Messages may be deleted this many days after being retrieved (0: right after a session).
    Days(u32),
}

/// A capability (RFC 2449 §6, RFC 2595, RFC 3206, RFC 6856); unknown ones are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Capability {
    /// `TOP`.
    Top,
    /// `USER`: USER/PASS accepted.
    User,
    /// `SASL mech...` (RFC 2449 §6.3; RFC 5034).
    Sasl(Vec<Mechanism>),
    /// `RESP-CODES`.
    RespCodes,
    /// `AUTH-RESP-CODE` (RFC 3206).
    AuthRespCode,
    /// `PIPELINING`.
    Pipelining,
    /// `UIDL`.
    Uidl,
    /// `STLS` (RFC 2595).
    Stls,
    /// `UTF8 [USER]` (RFC 6856 §2).
    Utf8 {
        /// `USER`: UTF-8 user names and passwords are accepted too.
        user: bool,
    },
    /// `LANG` (RFC 6856 §3).
    Lang,
    /// `LOGIN-DELAY n [USER]` (RFC 2449 §6.5).
    LoginDelay {
        /// Minimum seconds between logins.
        seconds: u32,
        /// `USER`: the delay differs per user (only in the AUTHORIZATION state).
        per_user: bool,
    },
    /// `EXPIRE policy [USER]` (RFC 2449 §6.7).
    Expire {
        /// The policy.
        policy: ExpirePolicy,
        /// `USER`: the policy differs per user (only in the AUTHORIZATION state).
        per_user: bool,
    },
    /// `IMPLEMENTATION text` (RFC 2449 §6.9).
    Implementation(String),
    /// Any other capability: the tag (as sent) and its space-separated arguments.
    Other {
        /// The capability tag.
        name: String,
        /// Its arguments.
        args: Vec<String>,
    },
}
