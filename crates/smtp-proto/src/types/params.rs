use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};

use super::Text;

/// An RFC 3461 `xtext` value (ENVID, ORCPT, AUTH=), kept encoded as on the wire.
///
/// `xtext` encodes `+`, `=`, controls, space and non-ASCII as `+XX` (upper-case hex).
/// [`XText::decode`] gives the decoded bytes; [`XText::encode`] builds one from raw bytes.
/// For an ORCPT with the `utf-8` address type, RFC 6533 also allows `\x{HEX}` escapes and raw
/// UTF-8 (`utf-8-addr-unitext`); `decode` understands those too.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct XText(pub(crate) Text);

impl XText {
    /// Encodes raw bytes as xtext.
    pub fn encode(raw: &[u8]) -> Self {
        let mut s = String::with_capacity(raw.len());
        for &b in raw {
            if (33..=126).contains(&b) && b != b'+' && b != b'=' {
                s.push(b as char);
            } else {
                s.push('+');
                s.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
                s.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
            }
        }
        XText(Text::from(s))
    }

    /// Validates already-encoded xtext (`+XX` escapes with upper-case hex, no `=`).
    pub fn from_encoded(s: &str) -> Result<Self, crate::ParseError> {
        crate::parse::xtext_str(s, false)
    }

    /// The encoded form, as on the wire.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The decoded bytes.
    pub fn decode(&self) -> Vec<u8> {
        let b = self.0.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(hi), Some(lo)) => {
                        out.push(hi << 4 | lo);
                        i += 3;
                    }
                    _ => {
                        out.push(b'+');
                        i += 1;
                    }
                },
                b'\\' if b.get(i + 1) == Some(&b'x') && b.get(i + 2) == Some(&b'{') => {
                    let end = b[i..].iter().position(|&c| c == b'}').map(|p| p + i);
                    let cp = end.and_then(|e| {
                        std::str::from_utf8(&b[i + 3..e])
                            .ok()
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                            .and_then(char::from_u32)
                    });
                    match (end, cp) {
                        (Some(e), Some(c)) => {
                            let mut tmp = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                            i = e + 1;
                        }
                        _ => {
                            out.push(b[i]);
                            i += 1;
                        }
                    }
                }
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        out
    }
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl fmt::Debug for XText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "XText({:?})", self.as_str())
    }
}

impl fmt::Display for XText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `BODY=` (RFC 6152 8BITMIME, RFC 3030 BINARYMIME).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Body {
    /// `BODY=7BIT`
    SevenBit,
    /// `BODY=8BITMIME`
    EightBitMime,
    /// `BODY=BINARYMIME` (requires BDAT; DATA is then a bad sequence, RFC 3030 §3)
    BinaryMime,
}

/// `RET=` of DSN (RFC 3461 §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DsnReturn {
    /// `RET=FULL`: return the whole message in a failure DSN.
    Full,
    /// `RET=HDRS`: return only the headers.
    Headers,
}

/// `AUTH=` on MAIL FROM (RFC 4954 §5).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MailAuth {
    /// `AUTH=<>`: the submitter is unknown or not trusted.
    Unknown,
    /// `AUTH=xtext`: the authenticated identity (a mailbox, xtext-encoded).
    Identity(XText),
}

/// FUTURERELEASE (RFC 4865): `HOLDFOR=seconds` or `HOLDUNTIL=date-time`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FutureRelease {
    /// `HOLDFOR=<seconds>`
    HoldFor(u64),
    /// `HOLDUNTIL=<RFC 3339 date-time>`, kept as text (e.g. `2025-01-01T00:00:00Z`).
    HoldUntil(Text),
}

/// The mode of a DELIVERBY `BY=` parameter (RFC 2852 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliverByMode {
    /// `R`: return the message if it cannot be delivered in time.
    Return,
    /// `N`: notify the sender (DSN) but keep trying.
    Notify,
}

/// `BY=<by-time>;<by-mode>[T]` (RFC 2852 DELIVERBY), on MAIL FROM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeliverBy {
    /// Seconds (may be zero or negative for `N` mode; must be positive for `R`).
    pub seconds: i64,
    /// `R` or `N`.
    pub mode: DeliverByMode,
    /// The `T` trace modifier.
    pub trace: bool,
}

/// The mode of an RRVS parameter (RFC 7293 §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RrvsMode {
    /// `C`: continue delivery if the check cannot be done.
    Continue,
    /// `R`: reject if the check cannot be done.
    Reject,
}

/// `RRVS=<date-time>[;C|R]` (RFC 7293 Require-Recipient-Valid-Since), on RCPT TO.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rrvs {
    /// The RFC 3339 date-time, kept as text.
    pub datetime: Text,
    /// The optional mode.
    pub mode: Option<RrvsMode>,
}

/// `NOTIFY=` (RFC 3461 §4.1): `NEVER`, or a list of `SUCCESS`, `FAILURE`, `DELAY`.
///
/// All three flags false means `NEVER`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Notify {
    /// `SUCCESS`
    pub success: bool,
    /// `FAILURE`
    pub failure: bool,
    /// `DELAY`
    pub delay: bool,
}

impl Notify {
    /// `NOTIFY=NEVER`
    pub const NEVER: Notify = Notify {
        success: false,
        failure: false,
        delay: false,
    };

    /// True for `NEVER`.
    pub fn is_never(&self) -> bool {
        !self.success && !self.failure && !self.delay
    }
}

/// `ORCPT=<addr-type>;<xtext>` (RFC 3461 §4.2), the original recipient.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OriginalRecipient {
    /// The address type (`rfc822`, `utf-8` (RFC 6533), ...), as received.
    pub addr_type: Text,
    /// The address, xtext-encoded (or RFC 6533 utf-8-addr forms when `addr_type` is `utf-8`).
    pub address: XText,
}

/// An ESMTP parameter this crate has no type for, kept as received: `keyword[=value]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Parameter {
    /// `esmtp-keyword`: `(ALPHA / DIGIT) *(ALPHA / DIGIT / "-")`.
    pub keyword: Text,
    /// `esmtp-value`: printable ASCII except `=` (and UTF-8 with SMTPUTF8), if any.
    pub value: Option<Text>,
}

/// The typed parameters of `MAIL FROM:` (RFC 5321 `Mail-parameters`).
///
/// Each known parameter may appear once (a repeat is a 501 syntax error). Unknown but
/// well-formed parameters are kept in [`MailParameters::other`], in order; whether to accept
/// them (or answer 555) is the server's decision. Encoding emits the known parameters in the
/// order of the fields, then `other`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct MailParameters {
    /// `SIZE=` (RFC 1870): the declared message size in octets.
    pub size: Option<u64>,
    /// `BODY=` (RFC 6152, RFC 3030).
    pub body: Option<Body>,
    /// `SMTPUTF8` (RFC 6531).
    pub smtputf8: bool,
    /// `RET=` (RFC 3461).
    pub ret: Option<DsnReturn>,
    /// `ENVID=` (RFC 3461): the envelope identifier, xtext (at most 100 characters).
    pub envid: Option<XText>,
    /// `AUTH=` (RFC 4954).
    pub auth: Option<MailAuth>,
    /// `REQUIRETLS` (RFC 8689).
    pub requiretls: bool,
    /// `MT-PRIORITY=` (RFC 6710): -9..=9.
    pub mt_priority: Option<i8>,
    /// `HOLDFOR=` / `HOLDUNTIL=` (RFC 4865 FUTURERELEASE).
    pub future_release: Option<FutureRelease>,
    /// `BY=` (RFC 2852 DELIVERBY).
    pub deliver_by: Option<DeliverBy>,
    /// Other parameters, kept as received.
    pub other: Vec<Parameter>,
}

impl MailParameters {
    /// No parameter set.
    const NONE: MailParameters = MailParameters {
        size: None,
        body: None,
        smtputf8: false,
        ret: None,
        envid: None,
        auth: None,
        requiretls: false,
        mt_priority: None,
        future_release: None,
        deliver_by: None,
        other: Vec::new(),
    };

    /// True when no parameter is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::NONE
    }
}

/// The typed parameters of `RCPT TO:` (RFC 5321 `Rcpt-parameters`).
///
/// Same rules as [`MailParameters`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RcptParameters {
    /// `NOTIFY=` (RFC 3461).
    pub notify: Option<Notify>,
    /// `ORCPT=` (RFC 3461).
    pub orcpt: Option<OriginalRecipient>,
    /// `RRVS=` (RFC 7293).
    pub rrvs: Option<Rrvs>,
    /// Other parameters, kept as received.
    pub other: Vec<Parameter>,
}

impl RcptParameters {
    /// No parameter set.
    const NONE: RcptParameters = RcptParameters {
        notify: None,
        orcpt: None,
        rrvs: None,
        other: Vec::new(),
    };

    /// True when no parameter is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::NONE
    }
}

/// The parameters of a MAIL or RCPT command ([`MailParameters`], [`RcptParameters`]), kept
/// out of line and only when there are any.
///
/// Why: most commands carry none, and the typed set is the largest part of a
/// [`Command`](crate::types::Command); boxed, a command stays small enough to move cheaply,
/// which a parsed command is several times on its way to the application. Reads go through
/// [`Deref`] (an empty set when none were given), writes through [`DerefMut`] (which makes the
/// box on the first write). Compares, hashes and prints as the set itself.
#[derive(Clone, Default)]
pub struct Parameters<T: ParameterSet>(Option<Box<T>>);

/// A typed parameter set that [`Parameters`] can hold: [`MailParameters`] or [`RcptParameters`].
pub trait ParameterSet: Default + PartialEq + sealed::Sealed + 'static {
    /// The empty set, lent when none is stored.
    const EMPTY: &'static Self;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::MailParameters {}
    impl Sealed for super::RcptParameters {}
}

impl ParameterSet for MailParameters {
    const EMPTY: &'static Self = &MailParameters::NONE;
}

impl ParameterSet for RcptParameters {
    const EMPTY: &'static Self = &RcptParameters::NONE;
}

impl<T: ParameterSet> Parameters<T> {
    /// Takes the set out (an empty one when none is stored).
    pub fn into_inner(self) -> T {
        self.0.map(|b| *b).unwrap_or_default()
    }
}

impl<T: ParameterSet> From<T> for Parameters<T> {
    fn from(set: T) -> Self {
        if set == *T::EMPTY {
            Parameters(None)
        } else {
            Parameters(Some(Box::new(set)))
        }
    }
}

impl<T: ParameterSet> Deref for Parameters<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.0.as_deref().unwrap_or(T::EMPTY)
    }
}

impl<T: ParameterSet> DerefMut for Parameters<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.0.get_or_insert_with(Box::default)
    }
}

impl<T: ParameterSet> PartialEq for Parameters<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: ParameterSet + Eq> Eq for Parameters<T> {}

impl<T: ParameterSet + Hash> Hash for Parameters<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl<T: ParameterSet + fmt::Debug> fmt::Debug for Parameters<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}
