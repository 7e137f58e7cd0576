//! Capabilities (RFC 9051 section 7.2.2) and the extensions this crate knows.

use bytes::Bytes;

use super::core::Atom;

/// A capability name. Unknown names are kept as [`Capability::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Capability {
    /// `IMAP4rev1` (RFC 3501)
    Imap4Rev1,
    /// `IMAP4rev2` (RFC 9051)
    Imap4Rev2,
    /// `STARTTLS`
    StartTls,
    /// `LOGINDISABLED`
    LoginDisabled,
    /// `AUTH=<mechanism>`
    Auth(Atom),
    /// `SASL-IR` (RFC 4959)
    SaslIr,
    /// `LITERAL+` (RFC 7888)
    LiteralPlus,
    /// `LITERAL-` (RFC 7888)
    LiteralMinus,
    /// `IDLE` (RFC 2177)
    Idle,
    /// `ID` (RFC 2971)
    Id,
    /// `UIDPLUS` (RFC 4315)
    UidPlus,
    /// `MOVE` (RFC 6851)
    Move,
    /// `CONDSTORE` (RFC 7162)
    CondStore,
    /// `QRESYNC` (RFC 7162)
    QResync,
    /// `ENABLE` (RFC 5161)
    Enable,
    /// `NAMESPACE` (RFC 2342)
    Namespace,
    /// `SPECIAL-USE` (RFC 6154)
    SpecialUse,
    /// `CREATE-SPECIAL-USE` (RFC 6154)
    CreateSpecialUse,
    /// `LIST-EXTENDED` (RFC 5258)
    ListExtended,
    /// `LIST-STATUS` (RFC 5819)
    ListStatus,
    /// `ESEARCH` (RFC 4731)
    ESearch,
    /// `SEARCHRES` (RFC 5182)
    SearchRes,
    /// `UNSELECT` (RFC 3691)
    Unselect,
    /// `QUOTA` (RFC 9208)
    Quota,
    /// `QUOTA=RES-<resource>` (RFC 9208)
    QuotaRes(Atom),
    /// `QUOTASET` (RFC 9208)
    QuotaSet,
    /// `METADATA` (RFC 5464)
    Metadata,
    /// `METADATA-SERVER` (RFC 5464)
    MetadataServer,
    /// `SORT` (RFC 5256)
    Sort,
    /// `SORT=DISPLAY` (RFC 5957)
    SortDisplay,
    /// `THREAD=<algorithm>` (RFC 5256)
    Thread(Atom),
    /// `BINARY` (RFC 3516)
    Binary,
    /// `UTF8=ACCEPT` (RFC 6855)
    Utf8Accept,
    /// `UTF8=ONLY` (RFC 6855)
    Utf8Only,
    /// `OBJECTID` (RFC 8474)
    ObjectId,
    /// `STATUS=SIZE` (RFC 8438)
    StatusSize,
    /// `SAVEDATE` (RFC 8514)
    SaveDate,
    /// `APPENDLIMIT` or `APPENDLIMIT=<n>` (RFC 7889)
    AppendLimit(Option<u64>),
    /// `COMPRESS=<algorithm>` (RFC 4978)
    Compress(Atom),
    /// `UNAUTHENTICATE` (RFC 8437)
    Unauthenticate,
    /// `MULTIAPPEND` (RFC 3502)
    MultiAppend,
    /// `CHILDREN` (RFC 3348)
    Children,
    /// `WITHIN` (RFC 5032)
    Within,
    /// Anything else, kept as written.
    Other(Atom),
}

pub(crate) const SIMPLE: [(&[u8], Capability); 35] = [
    (b"IMAP4REV1", Capability::Imap4Rev1),
    (b"IMAP4REV2", Capability::Imap4Rev2),
    (b"STARTTLS", Capability::StartTls),
    (b"LOGINDISABLED", Capability::LoginDisabled),
    (b"SASL-IR", Capability::SaslIr),
    (b"LITERAL+", Capability::LiteralPlus),
    (b"LITERAL-", Capability::LiteralMinus),
    (b"IDLE", Capability::Idle),
    (b"ID", Capability::Id),
    (b"UIDPLUS", Capability::UidPlus),
    (b"MOVE", Capability::Move),
    (b"CONDSTORE", Capability::CondStore),
    (b"QRESYNC", Capability::QResync),
    (b"ENABLE", Capability::Enable),
    (b"NAMESPACE", Capability::Namespace),
    (b"SPECIAL-USE", Capability::SpecialUse),
    (b"CREATE-SPECIAL-USE", Capability::CreateSpecialUse),
    (b"LIST-EXTENDED", Capability::ListExtended),
    (b"LIST-STATUS", Capability::ListStatus),
    (b"ESEARCH", Capability::ESearch),
    (b"SEARCHRES", Capability::SearchRes),
    (b"UNSELECT", Capability::Unselect),
    (b"QUOTA", Capability::Quota),
    (b"QUOTASET", Capability::QuotaSet),
    (b"METADATA", Capability::Metadata),
    (b"METADATA-SERVER", Capability::MetadataServer),
    (b"SORT", Capability::Sort),
    (b"SORT=DISPLAY", Capability::SortDisplay),
    (b"BINARY", Capability::Binary),
    (b"UTF8=ACCEPT", Capability::Utf8Accept),
    (b"UTF8=ONLY", Capability::Utf8Only),
    (b"OBJECTID", Capability::ObjectId),
    (b"STATUS=SIZE", Capability::StatusSize),
    (b"SAVEDATE", Capability::SaveDate),
    (b"UNAUTHENTICATE", Capability::Unauthenticate),
];

pub(crate) const MORE_SIMPLE: [(&[u8], Capability); 4] = [
    (b"MULTIAPPEND", Capability::MultiAppend),
    (b"CHILDREN", Capability::Children),
    (b"WITHIN", Capability::Within),
    (b"APPENDLIMIT", Capability::AppendLimit(None)),
];

const PREFIXED: [&[u8]; 5] = [
    b"AUTH=",
    b"THREAD=",
    b"COMPRESS=",
    b"QUOTA=RES-",
    b"APPENDLIMIT=",
];

impl Capability {
    /// Interprets a capability atom. Unknown names, and known prefixes with malformed
    /// values, become [`Capability::Other`].
    pub fn from_atom(atom: Atom) -> Self {
        let bytes = atom.as_bytes();
        for (name, capability) in SIMPLE.iter().chain(MORE_SIMPLE.iter()) {
            if bytes.eq_ignore_ascii_case(name) {
                return capability.clone();
            }
        }
        for (index, prefix) in PREFIXED.iter().enumerate() {
            if bytes.len() > prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix) {
                let rest = atom.to_bytes().slice(prefix.len()..);
                let value = Atom::unchecked(rest.clone());
                return match index {
                    0 => Self::Auth(value),
                    1 => Self::Thread(value),
                    2 => Self::Compress(value),
                    3 => Self::QuotaRes(value),
                    _ => match parse_u64(&rest) {
                        Some(limit) => Self::AppendLimit(Some(limit)),
                        None => Self::Other(atom),
                    },
                };
            }
        }
        Self::Other(atom)
    }

    /// The capability as an atom, as written on the wire.
    pub fn to_atom(&self) -> Atom {
        let prefixed = |prefix: &str, value: &Atom| {
            let mut bytes = prefix.as_bytes().to_vec();
            bytes.extend_from_slice(value.as_bytes());
            Atom::unchecked(Bytes::from(bytes))
        };
        match self {
            Self::Auth(mechanism) => prefixed("AUTH=", mechanism),
            Self::Thread(algorithm) => prefixed("THREAD=", algorithm),
            Self::Compress(algorithm) => prefixed("COMPRESS=", algorithm),
            Self::QuotaRes(resource) => prefixed("QUOTA=RES-", resource),
            Self::AppendLimit(Some(limit)) => {
                Atom::unchecked(Bytes::from(format!("APPENDLIMIT={limit}")))
            }
            Self::Other(atom) => atom.clone(),
            known => {
                let name = SIMPLE
                    .iter()
                    .chain(MORE_SIMPLE.iter())
                    .find(|(_, capability)| capability == known)
                    .map_or(&b"IMAP4rev1"[..], |(name, _)| name);
                Atom::unchecked(Bytes::from_static(name))
            }
        }
    }
}

pub(crate) fn parse_u64(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || bytes.len() > 20 {
        return None;
    }
    let mut value: u64 = 0;
    for &byte in bytes {
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(byte - b'0'))?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_capabilities() {
        let cap = |s: &'static str| Capability::from_atom(Atom::from_static(s).unwrap());
        assert_eq!(cap("imap4rev2"), Capability::Imap4Rev2);
        assert_eq!(
            cap("AUTH=PLAIN"),
            Capability::Auth(Atom::from_static("PLAIN").unwrap())
        );
        assert_eq!(cap("APPENDLIMIT=1000"), Capability::AppendLimit(Some(1000)));
        assert_eq!(cap("APPENDLIMIT"), Capability::AppendLimit(None));
        assert!(matches!(cap("X-GM-EXT-1"), Capability::Other(_)));
        for name in [
            "IMAP4rev1",
            "AUTH=PLAIN",
            "APPENDLIMIT=7",
            "X-FOO",
            "QUOTA=RES-STORAGE",
        ] {
            assert!(cap(name).to_atom().eq_ignore_case(name));
        }
    }
}
