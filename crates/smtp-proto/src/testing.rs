//! `proptest` strategies for every wire type (feature `testing`), and [`ehlo_summary`].
//!
//! Each strategy generates values that the strict parser accepts back from their encoding, so
//! `parse(encode(x)) == x` is a property of every generated `x`. Used by this crate's tests,
//! the fuzz targets and the sessions' tests.

use std::net::{Ipv4Addr, Ipv6Addr};

use bytes::Bytes;
use proptest::prelude::*;
use proptest::sample::select;

use crate::types::{
    AddressLiteral, AuthMechanism, Body, Capability, Command, DeliverBy, DeliverByMode, Domain,
    DsnReturn, EhloResponse, EnhancedStatusCode, ForwardPath, FutureRelease, GeneralLiteral, Host,
    MailAuth, MailParameters, Mailbox, Notify, OriginalRecipient, Parameter, RcptParameters, Reply,
    ReplyCode, ReplyLine, ReversePath, Rrvs, RrvsMode, Secret, Text, XText,
};

/// An RFC 3339 date-time.
pub fn datetime() -> impl Strategy<Value = Text> {
    "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](Z|[+-][01][0-9]:[0-5][0-9])"
        .prop_map(Text::from)
}

/// A domain name (1 to 4 labels).
pub fn domain() -> impl Strategy<Value = Domain> {
    prop::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?", 1..4).prop_map(|labels| {
        Domain::new(&labels.join("."), false).unwrap_or_else(|_| fallback_domain())
    })
}

fn fallback_domain() -> Domain {
    match Domain::new("example.com", false) {
        Ok(d) => d,
        Err(_) => unreachable!("example.com is a domain"),
    }
}

/// An address literal (IPv4, IPv6 or general).
pub fn address_literal() -> impl Strategy<Value = AddressLiteral> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|a| AddressLiteral::Ipv4(Ipv4Addr::from(a))),
        any::<[u16; 8]>().prop_map(|a| AddressLiteral::Ipv6(Ipv6Addr::from(a))),
        ("x-[a-z0-9]{1,6}", "[!-Z^-~]{1,12}").prop_filter_map("valid literal", |(tag, content)| {
            GeneralLiteral::new(&tag, &content)
                .ok()
                .map(AddressLiteral::General)
        }),
    ]
}

/// A host: a domain or an address literal.
pub fn host() -> impl Strategy<Value = Host> {
    prop_oneof![
        3 => domain().prop_map(Host::Domain),
        1 => address_literal().prop_map(Host::Literal),
    ]
}

/// An ASCII mailbox: dot-string or quoted local part, domain or literal host.
pub fn mailbox() -> impl Strategy<Value = Mailbox> {
    let atom = "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]{1,10}";
    let dot_string = prop::collection::vec(atom, 1..4).prop_map(|a| a.join("."));
    let quoted = prop::collection::vec(
        prop_oneof![
            "[ !#-\\[\\]-~]{1,6}",
            "[ -~]".prop_map(|c| format!("\\{c}"))
        ],
        0..5,
    )
    .prop_map(|parts| format!("\"{}\"", parts.concat()));
    let local = prop_oneof![3 => dot_string, 1 => quoted].prop_filter("<= 64", |l| l.len() <= 64);
    (local, host()).prop_filter_map("valid mailbox", |(l, h)| {
        Mailbox::new(&format!("{l}@{h}"), false).ok()
    })
}

/// A mailbox with UTF-8 in the local part or the domain (needs SMTPUTF8).
pub fn utf8_mailbox() -> impl Strategy<Value = Mailbox> {
    ("[a-z]{0,4}[à-ÿ][a-zà-ÿ]{0,4}", "[a-zß-ü]{1,8}\\.example")
        .prop_filter_map("valid mailbox", |(l, d)| {
            Mailbox::new(&format!("{l}@{d}"), true).ok()
        })
}

/// `<>` or a mailbox.
pub fn reverse_path() -> impl Strategy<Value = ReversePath> {
    prop_oneof![1 => Just(ReversePath::Null), 4 => mailbox().prop_map(ReversePath::Mailbox)]
}

/// `<Postmaster>` or a mailbox.
pub fn forward_path() -> impl Strategy<Value = ForwardPath> {
    prop_oneof![1 => Just(ForwardPath::Postmaster), 4 => mailbox().prop_map(ForwardPath::Mailbox)]
}

/// An xtext value of at most `max` encoded characters.
pub fn xtext(max: usize) -> impl Strategy<Value = XText> {
    prop::collection::vec(any::<u8>(), 1..=max / 3).prop_map(|raw| XText::encode(&raw))
}

fn other_params() -> impl Strategy<Value = Vec<Parameter>> {
    prop::collection::vec(
        ("X-[A-Z0-9]{1,8}", prop::option::of("[!-<>-~]{1,12}")),
        0..3,
    )
    .prop_map(|v| {
        let mut seen = Vec::<String>::new();
        v.into_iter()
            .filter(|(k, _)| {
                let k = k.to_ascii_uppercase();
                let fresh = !seen.contains(&k);
                seen.push(k);
                fresh
            })
            .map(|(k, val)| Parameter {
                keyword: Text::from(k),
                value: val.map(Text::from),
            })
            .collect()
    })
}

/// MAIL FROM parameters (every typed one, plus unknown ones).
pub fn mail_parameters() -> impl Strategy<Value = MailParameters> {
    let a = (
        prop::option::of(any::<u64>()),
        prop::option::of(select(vec![
            Body::SevenBit,
            Body::EightBitMime,
            Body::BinaryMime,
        ])),
        any::<bool>(),
        prop::option::of(select(vec![DsnReturn::Full, DsnReturn::Headers])),
        prop::option::of(xtext(100)),
        prop::option::of(prop_oneof![
            Just(MailAuth::Unknown),
            xtext(60).prop_map(MailAuth::Identity)
        ]),
    );
    let b = (
        any::<bool>(),
        prop::option::of(-9i8..=9),
        prop::option::of(prop_oneof![
            (0u64..=999_999_999).prop_map(FutureRelease::HoldFor),
            datetime().prop_map(FutureRelease::HoldUntil),
        ]),
        prop::option::of(
            (-999_999_999i64..=999_999_999, any::<bool>(), any::<bool>()).prop_map(
                |(s, r, trace)| {
                    if r && s > 0 {
                        DeliverBy {
                            seconds: s,
                            mode: DeliverByMode::Return,
                            trace,
                        }
                    } else {
                        DeliverBy {
                            seconds: s,
                            mode: DeliverByMode::Notify,
                            trace,
                        }
                    }
                },
            ),
        ),
        other_params(),
    );
    (a, b).prop_map(
        |(
            (size, body, smtputf8, ret, envid, auth),
            (requiretls, mt_priority, future_release, deliver_by, other),
        )| MailParameters {
            size,
            body,
            smtputf8,
            ret,
            envid,
            auth,
            requiretls,
            mt_priority,
            future_release,
            deliver_by,
            other,
        },
    )
}

/// RCPT TO parameters (every typed one, plus unknown ones).
pub fn rcpt_parameters() -> impl Strategy<Value = RcptParameters> {
    (
        prop::option::of((any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
            |(success, failure, delay)| Notify {
                success,
                failure,
                delay,
            },
        )),
        prop::option::of(
            (select(vec!["rfc822", "RFC822", "x-addr"]), xtext(120)).prop_map(|(t, a)| {
                OriginalRecipient {
                    addr_type: Text::from(t),
                    address: a,
                }
            }),
        ),
        prop::option::of(
            (
                datetime(),
                prop::option::of(select(vec![RrvsMode::Continue, RrvsMode::Reject])),
            )
                .prop_map(|(datetime, mode)| Rrvs { datetime, mode }),
        ),
        other_params(),
    )
        .prop_map(|(notify, orcpt, rrvs, other)| RcptParameters {
            notify,
            orcpt,
            rrvs,
            other,
        })
}

/// A SASL mechanism (known or other).
pub fn auth_mechanism() -> impl Strategy<Value = AuthMechanism> {
    prop_oneof![
        3 => select(vec![
            AuthMechanism::Plain,
            AuthMechanism::Login,
            AuthMechanism::XOAuth2,
            AuthMechanism::OAuthBearer,
            AuthMechanism::CramMd5,
            AuthMechanism::ScramSha1,
            AuthMechanism::ScramSha256,
            AuthMechanism::ScramSha256Plus,
            AuthMechanism::Gssapi,
            AuthMechanism::External,
            AuthMechanism::Anonymous,
            AuthMechanism::Ntlm,
        ]),
        1 => "X-[A-Z0-9_-]{1,10}".prop_map(|s| AuthMechanism::Other(Text::from(s))),
    ]
}

fn printable(max: usize) -> impl Strategy<Value = Text> {
    proptest::string::string_regex(&format!("[!-~]([ -~]{{0,{max}}}[!-~])?"))
        .unwrap_or_else(|_| unreachable!("valid regex"))
        .prop_map(Text::from)
}

/// Every command the parser knows, plus unknown ones (ASCII addresses; see [`utf8_mailbox`]).
pub fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        1 => domain().prop_map(|d| Command::Helo { host: Host::Domain(d) }),
        1 => host().prop_map(|host| Command::Ehlo { host }),
        1 => host().prop_map(|host| Command::Lhlo { host }),
        4 => (reverse_path(), mail_parameters())
            .prop_map(|(from, parameters)| Command::Mail {
                from,
                parameters: parameters.into(),
            }),
        4 => (forward_path(), rcpt_parameters())
            .prop_map(|(to, parameters)| Command::Rcpt {
                to,
                parameters: parameters.into(),
            }),
        1 => Just(Command::Data),
        1 => (any::<u64>(), any::<bool>()).prop_map(|(size, last)| Command::Bdat { size, last }),
        1 => Just(Command::Rset),
        1 => (printable(20), any::<bool>())
            .prop_filter("no SMTPUTF8 suffix", |(s, _)| !s.to_ascii_uppercase().ends_with(" SMTPUTF8"))
            .prop_map(|(string, smtputf8)| Command::Vrfy { string, smtputf8 }),
        1 => (printable(20), any::<bool>())
            .prop_filter("no SMTPUTF8 suffix", |(s, _)| !s.to_ascii_uppercase().ends_with(" SMTPUTF8"))
            .prop_map(|(string, smtputf8)| Command::Expn { string, smtputf8 }),
        1 => prop::option::of(printable(20)).prop_map(|topic| Command::Help { topic }),
        1 => prop::option::of(printable(20)).prop_map(|string| Command::Noop { string }),
        1 => Just(Command::Quit),
        1 => Just(Command::StartTls),
        1 => (auth_mechanism(), prop::option::of(prop::collection::vec(any::<u8>(), 0..64)))
            .prop_map(|(mechanism, ir)| Command::Auth {
                mechanism,
                initial_response: ir.map(Secret::from),
            }),
        1 => "[@#]?[!-\"$-?A-~][!-~]{0,19}".prop_map(|n| Command::Etrn { name: Text::from(n) }),
        1 => ("X[A-Z0-9-]{0,10}", prop::collection::vec(any::<u8>().prop_filter("no CR LF NUL", |b| !matches!(b, 0 | b'\r' | b'\n')), 0..30))
            .prop_map(|(verb, args)| Command::Unknown {
                verb: Text::from(verb),
                arguments: Bytes::from(args),
            }),
    ]
}

/// A reply code (2xx to 5xx).
pub fn reply_code() -> impl Strategy<Value = ReplyCode> {
    (2u16..=5, 0u16..=5, 0u16..=9)
        .prop_map(|(a, b, c)| ReplyCode::new(a * 100 + b * 10 + c).unwrap_or(ReplyCode::OK))
}

/// A reply: 1 to 5 lines, enhanced codes (matching the class) on some lines.
pub fn reply() -> impl Strategy<Value = Reply> {
    (
        reply_code(),
        prop::collection::vec((any::<bool>(), 0u16..=999, 0u16..=999, reply_text()), 1..6),
    )
        .prop_map(|(code, lines)| {
            let class = code.class();
            let lines = lines
                .into_iter()
                .map(|(esc, s, d, text)| {
                    let e = if esc {
                        EnhancedStatusCode::new(class, s, d)
                    } else {
                        None
                    };
                    ReplyLine::new(e, text)
                })
                .collect();
            Reply::from_lines(code, lines)
        })
}

/// Reply text that cannot be mistaken for an enhanced code (it does not start with a digit).
fn reply_text() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        3 => "([a-zA-Z<\\[(][ -~]{0,40})?".prop_map(Bytes::from),
        1 => prop::collection::vec(any::<u8>().prop_filter("no CR LF", |b| *b != b'\r' && *b != b'\n'), 0..20)
            .prop_filter("no leading digit", |v| v.first().is_none_or(|b| !b.is_ascii_digit()))
            .prop_map(Bytes::from),
    ]
}

/// An EHLO capability (every typed one, plus unknown keywords).
pub fn capability() -> impl Strategy<Value = Capability> {
    prop_oneof![
        select(vec![
            Capability::Pipelining,
            Capability::Chunking,
            Capability::BinaryMime,
            Capability::EightBitMime,
            Capability::EnhancedStatusCodes,
            Capability::StartTls,
            Capability::SmtpUtf8,
            Capability::Dsn,
            Capability::RequireTls,
            Capability::Rrvs,
            Capability::Etrn,
            Capability::Vrfy,
            Capability::Expn,
            Capability::Help,
        ]),
        prop::option::of(any::<u64>()).prop_map(Capability::Size),
        prop::collection::vec(auth_mechanism(), 0..5).prop_map(Capability::Auth),
        prop::option::of("[A-Z][A-Z0-9_-]{0,10}".prop_map(Text::from))
            .prop_map(Capability::MtPriority),
        (any::<u64>(), datetime()).prop_map(|(max_interval, max_datetime)| {
            Capability::FutureRelease {
                max_interval,
                max_datetime,
            }
        }),
        prop::option::of(any::<u64>()).prop_map(Capability::DeliverBy),
        (
            "X[A-Z0-9-]{0,10}",
            prop::collection::vec("[!-~]{1,8}", 0..4)
        )
            .prop_map(|(k, p)| {
                Capability::Other {
                    keyword: Text::from(k),
                    params: p.into_iter().map(Text::from).collect(),
                }
            }),
    ]
}

/// An EHLO response.
pub fn ehlo_response() -> impl Strategy<Value = EhloResponse> {
    (
        domain().prop_filter("not code-like", |d| {
            !d.as_str().starts_with(|c: char| c.is_ascii_digit())
        }),
        "([!-~][ -~]{0,30})?",
        prop::collection::vec(capability(), 0..12),
    )
        .prop_map(|(d, greeting, capabilities)| {
            EhloResponse::new(d.as_text().clone(), greeting, capabilities)
        })
}

/// What an [`EhloResponse`]'s accessors answer (its `==` compares the capability lines only):
/// flags, SIZE, DELIVERBY, the AUTH mechanisms and three `offers_auth` answers.
pub type EhloSummary = (
    [bool; 9],
    Option<Option<u64>>,
    Option<Option<u64>>,
    Vec<AuthMechanism>,
    [bool; 3],
);

/// The [`EhloSummary`] of `e`: for tests that check the summary a reader made against another
/// way of reading the same reply.
pub fn ehlo_summary(e: &EhloResponse) -> EhloSummary {
    (
        [
            e.pipelining(),
            e.chunking(),
            e.binary_mime(),
            e.starttls(),
            e.smtputf8(),
            e.eight_bit_mime(),
            e.enhanced_status_codes(),
            e.dsn(),
            e.requiretls(),
        ],
        e.size(),
        e.deliver_by(),
        e.auth_mechanisms(),
        [
            e.offers_auth(&AuthMechanism::Plain),
            e.offers_auth(&AuthMechanism::XOAuth2),
            e.offers_auth(&AuthMechanism::Other("X-TOKEN".into())),
        ],
    )
}
