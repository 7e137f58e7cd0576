//! proptest strategies for every wire type, for round-trip properties in `tests/` and structured
//! fuzzing in `fuzz/` (feature `testing`).

/// The proptest crate these strategies are built on, for callers without a direct dependency
/// (the fuzz targets seed a `TestRunner` from their input).
pub use proptest;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use crate::types::{
    Capability, Command, ExpirePolicy, LanguageListing, Mechanism, MessageNumber, Reply, Response,
    ResponseCode, SaslResponse, ScanListing, Secret, Status, UniqueId, UniqueIdListing,
};

/// Message numbers 1..=u32::MAX, small ones more often.
pub fn message_number() -> impl Strategy<Value = MessageNumber> {
    prop_oneof![1u32..10, 1u32..=u32::MAX].prop_filter_map("non-zero", MessageNumber::new)
}

/// One argument word: printable, no space, ASCII or UTF-8.
pub fn word() -> impl Strategy<Value = String> {
    prop_oneof!["[!-~]{1,24}", "[a-z]{1,4}[é☃中]{1,3}"]
}

/// Free text for replies and passwords: no CR, LF or NUL.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[ -~]{0,40}", "[a-z ]{0,8}[é☃中][a-z ]{0,8}"]
}

/// SASL mechanism names.
pub fn mechanism() -> impl Strategy<Value = Mechanism> {
    prop_oneof![
        Just(Mechanism::plain()),
        Just(Mechanism::login()),
        Just(Mechanism::xoauth2()),
        "[A-Z0-9_-]{1,20}".prop_filter_map("valid", |m| Mechanism::new(&m).ok()),
    ]
}

/// Unique-ids (RFC 1939 §7).
pub fn unique_id() -> impl Strategy<Value = UniqueId> {
    "[!-~]{1,70}".prop_filter_map("valid", |u| UniqueId::new(u).ok())
}

fn language_tag() -> impl Strategy<Value = String> {
    prop_oneof![Just("*".to_owned()), "[a-zA-Z][a-zA-Z0-9-]{0,10}"]
}

/// Every command.
pub fn command() -> impl Strategy<Value = Command> {
    let secret_bytes = vec(any::<u8>(), 0..64).prop_map(Secret::new);
    prop_oneof![
        word().prop_map(|name| Command::User { name }),
        "[ -~]{1,40}".prop_map(|p| Command::Pass {
            password: Secret::new(p)
        }),
        (word(), any::<[u8; 16]>()).prop_map(|(name, digest)| Command::Apop { name, digest }),
        Just(Command::Quit),
        Just(Command::Stat),
        option::of(message_number()).prop_map(|msg| Command::List { msg }),
        message_number().prop_map(|msg| Command::Retr { msg }),
        message_number().prop_map(|msg| Command::Dele { msg }),
        Just(Command::Noop),
        Just(Command::Rset),
        (message_number(), any::<u32>()).prop_map(|(msg, lines)| Command::Top { msg, lines }),
        option::of(message_number()).prop_map(|msg| Command::Uidl { msg }),
        Just(Command::Capa),
        Just(Command::Stls),
        Just(Command::Utf8),
        option::of(language_tag()).prop_map(|tag| Command::Lang { tag }),
        Just(Command::Auth {
            mechanism: None,
            initial_response: None
        }),
        (mechanism(), option::of(secret_bytes)).prop_map(|(m, initial_response)| Command::Auth {
            mechanism: Some(m),
            initial_response
        }),
    ]
}

/// Response codes, known and other.
pub fn response_code() -> impl Strategy<Value = ResponseCode> {
    prop_oneof![
        Just(ResponseCode::InUse),
        Just(ResponseCode::LoginDelay),
        Just(ResponseCode::SysTemp),
        Just(ResponseCode::SysPerm),
        Just(ResponseCode::Auth),
        Just(ResponseCode::Utf8),
        "X-[A-Z]{1,6}(/[A-Z0-9]{1,6}){0,2}"
            .prop_filter_map("valid", |c| ResponseCode::new(&c).ok()),
    ]
}

/// Status lines. Text never starts with `[` (that would read as a response code).
pub fn reply() -> impl Strategy<Value = Reply> {
    (
        prop_oneof![Just(Status::Ok), Just(Status::Err)],
        option::of(response_code()),
        text(),
    )
        .prop_filter("text must not look like a code", |(_, _, t)| {
            !t.starts_with('[')
        })
        .prop_map(|(status, code, text)| Reply { status, code, text })
}

/// Server lines: status lines and SASL continuations.
pub fn response() -> impl Strategy<Value = Response> {
    prop_oneof![
        reply().prop_map(Response::Status),
        vec(any::<u8>(), 0..64).prop_map(Response::Continuation),
    ]
}

/// SASL client lines.
pub fn sasl_response() -> impl Strategy<Value = SaslResponse> {
    prop_oneof![
        Just(SaslResponse::Cancel),
        vec(any::<u8>(), 0..64).prop_map(|d| SaslResponse::Data(Secret::new(d))),
    ]
}

/// Capabilities, known and other.
pub fn capability() -> impl Strategy<Value = Capability> {
    let policy = prop_oneof![
        Just(ExpirePolicy::Never),
        any::<u32>().prop_map(ExpirePolicy::Days)
    ];
    prop_oneof![
        Just(Capability::Top),
        Just(Capability::User),
        vec(mechanism(), 0..4).prop_map(Capability::Sasl),
        Just(Capability::RespCodes),
        Just(Capability::AuthRespCode),
        Just(Capability::Pipelining),
        Just(Capability::Uidl),
        Just(Capability::Stls),
        any::<bool>().prop_map(|user| Capability::Utf8 { user }),
        Just(Capability::Lang),
        (any::<u32>(), any::<bool>())
            .prop_map(|(seconds, per_user)| Capability::LoginDelay { seconds, per_user }),
        (policy, any::<bool>())
            .prop_map(|(policy, per_user)| Capability::Expire { policy, per_user }),
        "[!-~][ -~]{0,30}".prop_map(Capability::Implementation),
        ("X-[A-Z0-9-]{1,10}", vec("[!-~]{1,8}", 0..3))
            .prop_map(|(name, args)| Capability::Other { name, args }),
    ]
}

/// Scan listings.
pub fn scan_listing() -> impl Strategy<Value = ScanListing> {
    (message_number(), any::<u64>()).prop_map(|(msg, octets)| ScanListing { msg, octets })
}

/// Unique-id listings.
pub fn unique_id_listing() -> impl Strategy<Value = UniqueIdListing> {
    (message_number(), unique_id()).prop_map(|(msg, uid)| UniqueIdListing { msg, uid })
}

/// LANG listing lines.
pub fn language_listing() -> impl Strategy<Value = LanguageListing> {
    ("[a-zA-Z][a-zA-Z0-9-]{0,10}", text())
        .prop_map(|(tag, description)| LanguageListing { tag, description })
}
