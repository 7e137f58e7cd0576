use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};

use super::{AuthMechanism, Text, next_wire_line};

/// One EHLO keyword line (RFC 5321 §4.1.1.1 `ehlo-line`), typed.
///
/// Keywords are matched case-insensitively. A keyword this crate does not know, or a known one
/// whose parameters do not fit its grammar, is kept in [`Capability::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Capability {
    /// `PIPELINING` (RFC 2920)
    Pipelining,
    /// `CHUNKING` (RFC 3030): BDAT
    Chunking,
    /// `BINARYMIME` (RFC 3030)
    BinaryMime,
    /// `8BITMIME` (RFC 6152)
    EightBitMime,
    /// `ENHANCEDSTATUSCODES` (RFC 2034)
    EnhancedStatusCodes,
    /// `STARTTLS` (RFC 3207)
    StartTls,
    /// `SMTPUTF8` (RFC 6531)
    SmtpUtf8,
    /// `DSN` (RFC 3461)
    Dsn,
    /// `REQUIRETLS` (RFC 8689)
    RequireTls,
    /// `RRVS` (RFC 7293)
    Rrvs,
    /// `ETRN` (RFC 1985)
    Etrn,
    /// `VRFY`
    Vrfy,
    /// `EXPN`
    Expn,
    /// `HELP`
    Help,
    /// `SIZE [n]` (RFC 1870): `None` when no number was given; `Some(0)` means no fixed limit.
    Size(Option<u64>),
    /// `AUTH mech...` (RFC 4954), in the server's order.
    Auth(Vec<AuthMechanism>),
    /// `MT-PRIORITY [profile]` (RFC 6710).
    MtPriority(Option<Text>),
    /// `FUTURERELEASE <max-interval> <max-date-time>` (RFC 4865).
    FutureRelease {
        /// The longest HOLDFOR accepted, in seconds.
        max_interval: u64,
        /// The latest HOLDUNTIL accepted (RFC 3339 date-time, as text).
        max_datetime: Text,
    },
    /// `DELIVERBY [min-by-time]` (RFC 2852).
    DeliverBy(Option<u64>),
    /// Any other keyword (XCLIENT, `AUTH=LOGIN`, ...), kept as received with its parameters.
    Other {
        /// The keyword as received.
        keyword: Text,
        /// The parameters (split on spaces).
        params: Vec<Text>,
    },
}

impl Capability {
    /// The EHLO keyword in upper case (`Other` gives it as received).
    pub fn keyword(&self) -> &str {
        match self {
            Capability::Pipelining => "PIPELINING",
            Capability::Chunking => "CHUNKING",
            Capability::BinaryMime => "BINARYMIME",
            Capability::EightBitMime => "8BITMIME",
            Capability::EnhancedStatusCodes => "ENHANCEDSTATUSCODES",
            Capability::StartTls => "STARTTLS",
            Capability::SmtpUtf8 => "SMTPUTF8",
            Capability::Dsn => "DSN",
            Capability::RequireTls => "REQUIRETLS",
            Capability::Rrvs => "RRVS",
            Capability::Etrn => "ETRN",
            Capability::Vrfy => "VRFY",
            Capability::Expn => "EXPN",
            Capability::Help => "HELP",
            Capability::Size(_) => "SIZE",
            Capability::Auth(_) => "AUTH",
            Capability::MtPriority(_) => "MT-PRIORITY",
            Capability::FutureRelease { .. } => "FUTURERELEASE",
            Capability::DeliverBy(_) => "DELIVERBY",
            Capability::Other { keyword, .. } => keyword.as_str(),
        }
    }
}

/// The EHLO keywords that take no parameters (one bit each in an [`EhloResponse`]'s summary).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flag {
    Pipelining,
    Chunking,
    BinaryMime,
    EightBitMime,
    EnhancedStatusCodes,
    StartTls,
    SmtpUtf8,
    Dsn,
    RequireTls,
    Rrvs,
    Etrn,
    Vrfy,
    Expn,
    Help,
}

impl Flag {
    pub(crate) fn capability(self) -> Capability {
        match self {
            Flag::Pipelining => Capability::Pipelining,
            Flag::Chunking => Capability::Chunking,
            Flag::BinaryMime => Capability::BinaryMime,
            Flag::EightBitMime => Capability::EightBitMime,
            Flag::EnhancedStatusCodes => Capability::EnhancedStatusCodes,
            Flag::StartTls => Capability::StartTls,
            Flag::SmtpUtf8 => Capability::SmtpUtf8,
            Flag::Dsn => Capability::Dsn,
            Flag::RequireTls => Capability::RequireTls,
            Flag::Rrvs => Capability::Rrvs,
            Flag::Etrn => Capability::Etrn,
            Flag::Vrfy => Capability::Vrfy,
            Flag::Expn => Capability::Expn,
            Flag::Help => Capability::Help,
        }
    }
}

/// What one EHLO line offers, found without building anything: the parser's verdict on a
/// line, from which both an [`EhloResponse`]'s summary and the typed [`Capability`] are made,
/// so the two always agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Offer {
    Flag(Flag),
    Size(Option<u64>),
    DeliverBy(Option<u64>),
    /// AUTH with valid mechanism names: the known ones as bits (see [`AuthMechanism::bit`]).
    Auth(u32),
    MtPriority,
    /// FUTURERELEASE with a valid interval (the value) and date-time.
    FutureRelease(u64),
    /// [`Capability::Other`].
    Other,
}

impl Offer {
    /// The offer's bit in [`Offered::keywords`] (none for [`Offer::Other`]).
    fn bit(self) -> u32 {
        const TYPED: u32 = Flag::Help as u32 + 1;
        1 << match self {
            Offer::Flag(f) => f as u32,
            Offer::Size(_) => TYPED,
            Offer::DeliverBy(_) => TYPED + 1,
            Offer::Auth(_) => TYPED + 2,
            Offer::MtPriority => TYPED + 3,
            Offer::FutureRelease(_) => TYPED + 4,
            Offer::Other => return 0,
        }
    }
}

/// The typed keywords of a capability list: what the accessors of [`EhloResponse`] answer from.
/// Where a keyword comes twice, the first line counts (as a search of the list would find).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Offered {
    /// One bit per [`Offer`] kind seen.
    keywords: u32,
    size: Option<u64>,
    deliver_by: Option<u64>,
    /// The known mechanisms of the first AUTH line.
    auth: u32,
}

impl Offered {
    pub(crate) fn note(&mut self, offer: Offer) {
        let bit = offer.bit();
        if self.keywords & bit != 0 {
            return;
        }
        self.keywords |= bit;
        match offer {
            Offer::Size(n) => self.size = n,
            Offer::DeliverBy(n) => self.deliver_by = n,
            Offer::Auth(m) => self.auth = m,
            _ => {}
        }
    }

    fn has(&self, offer: Offer) -> bool {
        self.keywords & offer.bit() != 0
    }
}

/// A parsed `250` reply to EHLO/LHLO: the server's name, greeting text and capabilities.
///
/// The capability lines are kept as text — a received reply's own lines, shared, not copied —
/// with a summary of the typed keywords made in the one pass that reads them. So parsing a
/// reply allocates nothing per line, the accessors ([`pipelining`](Self::pipelining),
/// [`size`](Self::size), [`offers_auth`](Self::offers_auth), ...) answer from the summary,
/// and [`capabilities`](Self::capabilities) types each line when asked. A response built with
/// [`new`](Self::new) or [`push`](Self::push) keeps its capabilities as the lines it will
/// send, read back the same way: what a client would parse from it.
#[derive(Clone, Default)]
pub struct EhloResponse {
    /// The server's domain (first word of the first line), as received.
    pub domain: Text,
    /// The rest of the first line (`ehlo-greet`), possibly empty.
    pub greeting: Text,
    /// The capability lines, each `ddd[- ]keyword [params]` and a line ending (a received
    /// reply's lines after the first, as checked by the reply parser).
    lines: Bytes,
    /// How many lines `lines` holds.
    count: usize,
    offered: Offered,
}

impl EhloResponse {
    /// A response with the given capabilities, in order.
    pub fn new(
        domain: impl Into<Text>,
        greeting: impl Into<Text>,
        capabilities: impl IntoIterator<Item = Capability>,
    ) -> Self {
        Self::from_texts(
            domain.into(),
            greeting.into(),
            capabilities.into_iter().map(|c| capability_text(&c)),
        )
    }

    /// Crate-internal: a response whose capability lines have the texts `texts`
    /// (`keyword [params]` each).
    pub(crate) fn from_texts(
        domain: Text,
        greeting: Text,
        texts: impl IntoIterator<Item = impl AsRef<[u8]>>,
    ) -> Self {
        let mut e = EhloResponse {
            domain,
            greeting,
            ..EhloResponse::default()
        };
        let mut lines = BytesMut::new();
        for t in texts {
            e.append(&mut lines, t.as_ref());
        }
        e.lines = lines.freeze();
        e
    }

    /// Crate-internal: a received reply's capability lines (`lines`, `count` of them, checked
    /// by the reply parser), summarised in one pass.
    pub(crate) fn from_wire(domain: Text, greeting: Text, lines: Bytes, count: usize) -> Self {
        let mut offered = Offered::default();
        let mut rest: &[u8] = &lines;
        for _ in 0..count {
            offered.note(crate::parse::next_line_offer(&mut rest));
        }
        Self::from_summary(domain, greeting, lines, count, offered)
    }

    /// Crate-internal: received capability lines (`lines`, `count` of them) already
    /// summarised (by the reader that framed them, see
    /// [`ReplyReader::read_ehlo_reply`](crate::framing::ReplyReader::read_ehlo_reply)).
    pub(crate) fn from_summary(
        domain: Text,
        greeting: Text,
        lines: Bytes,
        count: usize,
        offered: Offered,
    ) -> Self {
        EhloResponse {
            domain,
            greeting,
            lines,
            count,
            offered,
        }
    }

    /// Appends a capability.
    pub fn push(&mut self, capability: Capability) {
        let mut lines = BytesMut::from(&self.lines[..]);
        self.append(&mut lines, &capability_text(&capability));
        self.lines = lines.freeze();
    }

    /// Writes `text` as one more line into `lines` (CR and LF become spaces) and notes it.
    fn append(&mut self, lines: &mut BytesMut, text: &[u8]) {
        let start = lines.len() + 4;
        lines.put_slice(b"250-");
        lines.extend(
            text.iter()
                .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
        );
        self.offered.note(crate::parse::line_offer(&lines[start..]));
        lines.put_slice(b"\r\n");
        self.count += 1;
    }

    /// How many capabilities (lines after the first) there are.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when no capability is offered.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The capabilities in order, each typed as it is read.
    pub fn capabilities(&self) -> Capabilities<'_> {
        Capabilities {
            lines: self.lines(),
        }
    }

    /// The capability lines' text (`keyword [params]`, without code or line ending), in order,
    /// as received: for a proxy that passes them on, or a keyword this crate does not type.
    pub fn lines(&self) -> CapabilityLines<'_> {
        CapabilityLines {
            rest: &self.lines,
            left: self.count,
        }
    }

    /// True when the given keyword is offered (compared case-insensitively, whatever its
    /// parameters).
    pub fn has_keyword(&self, keyword: &str) -> bool {
        self.lines()
            .any(|l| l[..crate::parse::keyword_end(l)].eq_ignore_ascii_case(keyword.as_bytes()))
    }

    /// `SIZE`: `Some(limit)` when advertised (`Some(None)` without a number).
    pub fn size(&self) -> Option<Option<u64>> {
        self.offered
            .has(Offer::Size(None))
            .then_some(self.offered.size)
    }

    /// `DELIVERBY`: `Some(min_by_time)` when advertised (`Some(None)` without a number).
    pub fn deliver_by(&self) -> Option<Option<u64>> {
        self.offered
            .has(Offer::DeliverBy(None))
            .then_some(self.offered.deliver_by)
    }

    /// The AUTH mechanisms offered, in the server's order (empty when AUTH is not advertised).
    pub fn auth_mechanisms(&self) -> Vec<AuthMechanism> {
        if !self.offered.has(Offer::Auth(0)) {
            return Vec::new();
        }
        self.capabilities()
            .find_map(|c| match c {
                Capability::Auth(m) => Some(m),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// True when AUTH offers `mechanism`.
    pub fn offers_auth(&self, mechanism: &AuthMechanism) -> bool {
        match mechanism.bit() {
            Some(bit) => self.offered.auth & bit != 0,
            None => self.auth_mechanisms().contains(mechanism),
        }
    }

    fn flag(&self, f: Flag) -> bool {
        self.offered.has(Offer::Flag(f))
    }

    /// `PIPELINING` offered.
    pub fn pipelining(&self) -> bool {
        self.flag(Flag::Pipelining)
    }

    /// `CHUNKING` offered.
    pub fn chunking(&self) -> bool {
        self.flag(Flag::Chunking)
    }

    /// `BINARYMIME` offered.
    pub fn binary_mime(&self) -> bool {
        self.flag(Flag::BinaryMime)
    }

    /// `STARTTLS` offered.
    pub fn starttls(&self) -> bool {
        self.flag(Flag::StartTls)
    }

    /// `SMTPUTF8` offered.
    pub fn smtputf8(&self) -> bool {
        self.flag(Flag::SmtpUtf8)
    }

    /// `8BITMIME` offered.
    pub fn eight_bit_mime(&self) -> bool {
        self.flag(Flag::EightBitMime)
    }

    /// `ENHANCEDSTATUSCODES` offered.
    pub fn enhanced_status_codes(&self) -> bool {
        self.flag(Flag::EnhancedStatusCodes)
    }

    /// `DSN` offered.
    pub fn dsn(&self) -> bool {
        self.flag(Flag::Dsn)
    }

    /// `REQUIRETLS` offered.
    pub fn requiretls(&self) -> bool {
        self.flag(Flag::RequireTls)
    }
}

/// A capability's line text (`keyword [params]`).
fn capability_text(c: &Capability) -> BytesMut {
    let mut text = BytesMut::new();
    crate::encode::capability(c, &mut text);
    text
}

impl PartialEq for EhloResponse {
    fn eq(&self, other: &Self) -> bool {
        self.domain == other.domain
            && self.greeting == other.greeting
            && self.capabilities().eq(other.capabilities())
    }
}

impl Eq for EhloResponse {}

impl fmt::Debug for EhloResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EhloResponse")
            .field("domain", &self.domain)
            .field("greeting", &self.greeting)
            .field("capabilities", &self.capabilities().collect::<Vec<_>>())
            .finish()
    }
}

/// The capability lines' text of an [`EhloResponse`] (see [`EhloResponse::lines`]).
#[derive(Clone, Debug)]
pub struct CapabilityLines<'a> {
    rest: &'a [u8],
    left: usize,
}

impl<'a> Iterator for CapabilityLines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        self.left = self.left.checked_sub(1)?;
        Some(next_wire_line(&mut self.rest))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for CapabilityLines<'_> {}

/// The capabilities of an [`EhloResponse`], typed one line at a time (see
/// [`EhloResponse::capabilities`]).
#[derive(Clone, Debug)]
pub struct Capabilities<'a> {
    lines: CapabilityLines<'a>,
}

impl Iterator for Capabilities<'_> {
    type Item = Capability;

    fn next(&mut self) -> Option<Capability> {
        self.lines.next().map(crate::parse::capability_in)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.lines.size_hint()
    }
}

impl ExactSizeIterator for Capabilities<'_> {}
