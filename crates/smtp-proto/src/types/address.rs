use std::borrow::Cow;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::Text;

/// A domain name (RFC 5321 `Domain`: dot-separated sub-domains of letters, digits and hyphens).
///
/// With SMTPUTF8 (RFC 6531) a sub-domain may also be a U-label (UTF-8). The text is kept as
/// received; compare with [`Domain::eq_ignore_ascii_case`] since domains are case-insensitive.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Domain(pub(crate) Text);

impl Domain {
    /// Validates `s` as an RFC 5321 `Domain` (ASCII, or UTF-8 U-labels when `smtputf8`).
    pub fn new(s: &str, smtputf8: bool) -> Result<Self, crate::ParseError> {
        crate::parse::domain_str(s, smtputf8)
    }

    /// The domain as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The domain as a shared [`Text`].
    pub fn as_text(&self) -> &Text {
        &self.0
    }

    /// Case-insensitive comparison (ASCII letters only, as domain names compare).
    pub fn eq_ignore_ascii_case(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other)
    }

    /// True when the domain has a non-ASCII (U-label) part and so needs SMTPUTF8.
    pub fn is_utf8(&self) -> bool {
        !self.0.as_bytes().is_ascii()
    }
}

impl fmt::Debug for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Domain({:?})", self.as_str())
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An RFC 5321 `address-literal`: `[192.0.2.1]`, `[IPv6:2001:db8::1]` or `[tag:content]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AddressLiteral {
    /// `[a.b.c.d]`
    Ipv4(Ipv4Addr),
    /// `[IPv6:...]` (any of the RFC 5321 IPv6 forms; encoded in canonical form)
    Ipv6(Ipv6Addr),
    /// `General-address-literal = Standardized-tag ":" 1*dcontent`
    General(GeneralLiteral),
}

/// A general address literal (`[tag:content]`, RFC 5321 §4.1.3), kept as `tag:content`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GeneralLiteral(pub(crate) Text);

impl GeneralLiteral {
    /// Validates `tag` (letters, digits, `-`; not `IPv6`) and `content` (printable ASCII
    /// except `[`, `\` and `]`).
    pub fn new(tag: &str, content: &str) -> Result<Self, crate::ParseError> {
        match Host::parse(&format!("[{tag}:{content}]")) {
            Ok(Host::Literal(AddressLiteral::General(g))) => Ok(g),
            _ => Err(crate::ParseError::new(
                crate::ParseErrorKind::InvalidArguments,
                0,
            )),
        }
    }

    /// The standardized tag.
    pub fn tag(&self) -> &str {
        let s = self.0.as_str();
        s.split_once(':').map_or(s, |(t, _)| t)
    }

    /// The content after the colon.
    pub fn content(&self) -> &str {
        self.0.as_str().split_once(':').map_or("", |(_, c)| c)
    }

    /// `tag:content`, as on the wire without brackets.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for AddressLiteral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressLiteral::Ipv4(a) => write!(f, "[{a}]"),
            AddressLiteral::Ipv6(a) => write!(f, "[IPv6:{a}]"),
            AddressLiteral::General(g) => write!(f, "[{}]", g.as_str()),
        }
    }
}

/// What follows the `@` of a mailbox, and the argument of HELO/EHLO/LHLO:
/// `Domain / address-literal`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Host {
    /// A domain name.
    Domain(Domain),
    /// An address literal in brackets.
    Literal(AddressLiteral),
    /// Any other word: only produced for HELO/EHLO/LHLO when
    /// [`ParseOptions::lenient_helo`](crate::parse::ParseOptions::lenient_helo) is on
    /// (clients that send `EHLO my_host` or a bare IP address). Printable ASCII, no spaces.
    Other(Text),
}

impl Host {
    /// Parses a domain or an address literal (ASCII; no lenience).
    pub fn parse(s: &str) -> Result<Self, crate::ParseError> {
        crate::parse::host_str(s)
    }

    /// True when the host needs SMTPUTF8 (a U-label domain).
    pub fn is_utf8(&self) -> bool {
        match self {
            Host::Domain(d) => d.is_utf8(),
            Host::Literal(_) => false,
            Host::Other(t) => !t.as_bytes().is_ascii(),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Domain(d) => f.write_str(d.as_str()),
            Host::Literal(l) => fmt::Display::fmt(l, f),
            Host::Other(t) => f.write_str(t),
        }
    }
}

/// An RFC 5321 `Mailbox`: `Local-part "@" ( Domain / address-literal )`.
///
/// The original bytes are kept ([`Mailbox::as_str`]), next to the validated view: the local part
/// as written (dot-string or quoted-string, [`Mailbox::local_part`]) and the host
/// ([`Mailbox::host`]). Non-ASCII is only accepted where SMTPUTF8 applies (RFC 6531);
/// [`Mailbox::is_utf8`] tells whether this mailbox needs it.
///
/// Source routes (`<@a,@b:user@c>`) are accepted by the parser and dropped (RFC 5321 §4.1.2
/// and Appendix C): they are not part of the mailbox.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Mailbox {
    /// `local@host` exactly as received (without angle brackets and source route).
    pub(crate) raw: Text,
    /// Byte index of the `@` separating local part and host in `raw`.
    pub(crate) at: u32,
    /// What the host after the `@` is. The host's text is not stored twice: [`Mailbox::host`]
    /// builds the [`Host`] from `raw` when asked, which keeps a parsed mailbox one small copy.
    pub(crate) host: HostKind,
}

/// The kind of a mailbox's host (validated when parsed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum HostKind {
    Domain,
    Ipv4,
    Ipv6,
    General,
}

impl Mailbox {
    /// Parses and validates `s` (`local@domain`, no angle brackets). `smtputf8` allows UTF-8.
    pub fn new(s: &str, smtputf8: bool) -> Result<Self, crate::ParseError> {
        crate::parse::mailbox_str(s, smtputf8)
    }

    /// The whole mailbox as received: `local-part@host`.
    pub fn as_str(&self) -> &str {
        self.raw.as_str()
    }

    /// The whole mailbox as a shared [`Text`].
    pub fn as_text(&self) -> &Text {
        &self.raw
    }

    /// The local part as written on the wire (a quoted-string keeps its quotes and escapes).
    pub fn local_part(&self) -> &str {
        self.raw.get(..self.at as usize).unwrap_or_default()
    }

    /// True when the local part is an RFC 5321 quoted-string.
    pub fn is_quoted(&self) -> bool {
        self.local_part().starts_with('"')
    }

    /// The local part with quoting removed (`"a b"` → `a b`, `"a\"b"` → `a"b`).
    pub fn local_part_unquoted(&self) -> Cow<'_, str> {
        let lp = self.local_part();
        match lp.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            None => Cow::Borrowed(lp),
            Some(inner) if !inner.contains('\\') => Cow::Borrowed(inner),
            Some(inner) => {
                let mut out = String::with_capacity(inner.len());
                let mut esc = false;
                for c in inner.chars() {
                    if esc || c != '\\' {
                        out.push(c);
                        esc = false;
                    } else {
                        esc = true;
                    }
                }
                Cow::Owned(out)
            }
        }
    }

    /// The host part as written on the wire (a domain or a bracketed literal).
    pub fn host_str(&self) -> &str {
        self.raw.get(self.at as usize + 1..).unwrap_or_default()
    }

    /// The validated host part.
    pub fn host(&self) -> Host {
        // The pieces are cut from a `str` at ASCII brackets, so they are UTF-8.
        crate::parse::host_of(self.host_str().as_bytes(), self.host, Text::copy_checked)
    }

    /// The domain, when the host is a domain name (not an address literal).
    pub fn domain(&self) -> Option<Domain> {
        match self.host {
            HostKind::Domain => Some(Domain(Text::from(self.host_str()))),
            _ => None,
        }
    }

    /// True when the mailbox has non-ASCII characters and so needs SMTPUTF8 (RFC 6531).
    pub fn is_utf8(&self) -> bool {
        !self.raw.as_bytes().is_ascii()
    }
}

impl fmt::Debug for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mailbox({:?})", self.as_str())
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The argument of `MAIL FROM:` (RFC 5321 `Reverse-path = Path / "<>"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ReversePath {
    /// `<>`: the null reverse-path (bounces, DSNs). Distinct from any mailbox.
    Null,
    /// `<mailbox>`
    Mailbox(Mailbox),
}

impl ReversePath {
    /// The mailbox, unless this is the null path.
    pub fn mailbox(&self) -> Option<&Mailbox> {
        match self {
            ReversePath::Null => None,
            ReversePath::Mailbox(m) => Some(m),
        }
    }

    /// True for `<>`.
    pub fn is_null(&self) -> bool {
        matches!(self, ReversePath::Null)
    }
}

impl fmt::Display for ReversePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReversePath::Null => f.write_str("<>"),
            ReversePath::Mailbox(m) => write!(f, "<{m}>"),
        }
    }
}

/// The argument of `RCPT TO:` (RFC 5321 `"<Postmaster@" Domain ">" / "<Postmaster>" /
/// Forward-path`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ForwardPath {
    /// `<Postmaster>` without a domain (matched case-insensitively), which every SMTP server
    /// must accept (RFC 5321 §4.5.1). `<postmaster@domain>` is a [`ForwardPath::Mailbox`].
    Postmaster,
    /// `<mailbox>`
    Mailbox(Mailbox),
}

impl ForwardPath {
    /// The mailbox, unless this is the domainless `<Postmaster>`.
    pub fn mailbox(&self) -> Option<&Mailbox> {
        match self {
            ForwardPath::Postmaster => None,
            ForwardPath::Mailbox(m) => Some(m),
        }
    }
}

impl fmt::Display for ForwardPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ForwardPath::Postmaster => f.write_str("<Postmaster>"),
            ForwardPath::Mailbox(m) => write!(f, "<{m}>"),
        }
    }
}
