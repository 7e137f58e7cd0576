use super::{AuthMechanism, Text};

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

/// A parsed `250` reply to EHLO/LHLO: the server's name, greeting text and capabilities.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EhloResponse {
    /// The server's domain (first word of the first line), as received.
    pub domain: Text,
    /// The rest of the first line (`ehlo-greet`), possibly empty.
    pub greeting: Text,
    /// The capabilities, one per following line, in order.
    pub capabilities: Vec<Capability>,
}

impl EhloResponse {
    /// True when some capability matches `pred`.
    pub fn has(&self, pred: impl Fn(&Capability) -> bool) -> bool {
        self.capabilities.iter().any(pred)
    }

    /// True when the given keyword (case-insensitive) is offered.
    pub fn has_keyword(&self, keyword: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.keyword().eq_ignore_ascii_case(keyword))
    }

    /// `SIZE`: `Some(limit)` when advertised (`Some(None)` without a number).
    pub fn size(&self) -> Option<Option<u64>> {
        self.capabilities.iter().find_map(|c| match c {
            Capability::Size(n) => Some(*n),
            _ => None,
        })
    }

    /// The AUTH mechanisms offered (empty when AUTH is not advertised).
    pub fn auth_mechanisms(&self) -> &[AuthMechanism] {
        self.capabilities
            .iter()
            .find_map(|c| match c {
                Capability::Auth(m) => Some(m.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }

    /// `PIPELINING` offered.
    pub fn pipelining(&self) -> bool {
        self.has(|c| matches!(c, Capability::Pipelining))
    }

    /// `CHUNKING` offered.
    pub fn chunking(&self) -> bool {
        self.has(|c| matches!(c, Capability::Chunking))
    }

    /// `STARTTLS` offered.
    pub fn starttls(&self) -> bool {
        self.has(|c| matches!(c, Capability::StartTls))
    }

    /// `SMTPUTF8` offered.
    pub fn smtputf8(&self) -> bool {
        self.has(|c| matches!(c, Capability::SmtpUtf8))
    }

    /// `8BITMIME` offered.
    pub fn eight_bit_mime(&self) -> bool {
        self.has(|c| matches!(c, Capability::EightBitMime))
    }

    /// `ENHANCEDSTATUSCODES` offered.
    pub fn enhanced_status_codes(&self) -> bool {
        self.has(|c| matches!(c, Capability::EnhancedStatusCodes))
    }

    /// `DSN` offered.
    pub fn dsn(&self) -> bool {
        self.has(|c| matches!(c, Capability::Dsn))
    }
}
