//! `parse(encode(x)) == x` for every command, parameter set, reply and capability.

#![cfg(feature = "testing")]

use bytes::BytesMut;
use proptest::prelude::*;
use smtp_proto::parse::{self, ParseOptions};
use smtp_proto::types::{
    AuthMechanism, Capability, Command, EhloResponse, ForwardPath, MailParameters, ReversePath,
};
use smtp_proto::{encode, testing};

fn reparse(c: &Command, opts: &ParseOptions) -> Result<Command, smtp_proto::ParseError> {
    let mut b = BytesMut::new();
    encode::command(c, &mut b);
    assert!(b.ends_with(b"\r\n"));
    let line = b.split_to(b.len() - 2).freeze();
    parse::command_with(&line, opts)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn command_roundtrip(c in testing::command()) {
        prop_assert_eq!(reparse(&c, &ParseOptions::default()), Ok(c));
    }

    #[test]
    fn command_roundtrip_lenient(c in testing::command()) {
        // The relaxations accept everything the strict grammar does, with the same result.
        prop_assert_eq!(reparse(&c, &ParseOptions::lenient()), Ok(c));
    }

    #[test]
    fn mail_parameters_roundtrip(parameters in testing::mail_parameters(), from in testing::reverse_path()) {
        let c = Command::Mail { from, parameters: parameters.into() };
        prop_assert_eq!(reparse(&c, &ParseOptions::default()), Ok(c));
    }

    #[test]
    fn rcpt_parameters_roundtrip(parameters in testing::rcpt_parameters(), to in testing::forward_path()) {
        let c = Command::Rcpt { to, parameters: parameters.into() };
        prop_assert_eq!(reparse(&c, &ParseOptions::default()), Ok(c));
    }

    #[test]
    fn utf8_addresses_roundtrip(m in testing::utf8_mailbox(), r in testing::utf8_mailbox()) {
        let mail = Command::Mail {
            from: ReversePath::Mailbox(m),
            parameters: MailParameters { smtputf8: true, ..MailParameters::default() }.into(),
        };
        prop_assert_eq!(reparse(&mail, &ParseOptions::default()), Ok(mail));
        let rcpt = Command::Rcpt { to: ForwardPath::Mailbox(r), parameters: Default::default() };
        let mut utf8 = ParseOptions::default();
        utf8.smtputf8 = true;
        prop_assert_eq!(reparse(&rcpt, &utf8), Ok(rcpt.clone()));
        // without SMTPUTF8 in the transaction, a UTF-8 recipient is refused (553 5.6.7)
        let e = reparse(&rcpt, &ParseOptions::default()).unwrap_err();
        prop_assert_eq!(e.kind, smtp_proto::ParseErrorKind::Utf8WithoutSmtpUtf8);
    }

    #[test]
    fn reply_roundtrip(r in testing::reply()) {
        let mut b = BytesMut::new();
        encode::reply(&r, &mut b);
        let (back, used) = parse::reply(&b).unwrap().unwrap();
        prop_assert_eq!(used, b.len());
        prop_assert_eq!(&back, &r);
        // the enhanced code is on every line that has one, the code on every line
        let code = r.code().to_string();
        for line in b[..].split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
            prop_assert_eq!(&line[..3], code.as_bytes());
        }
        // every strict prefix is incomplete, never an error
        for cut in 0..b.len() {
            prop_assert_eq!(parse::reply(&b[..cut]), Ok(None));
        }
    }

    #[test]
    fn ehlo_roundtrip(e in testing::ehlo_response()) {
        let mut b = BytesMut::new();
        encode::ehlo_response(&e, &mut b);
        let (r, _) = parse::reply(&b).unwrap().unwrap();
        prop_assert_eq!(parse::ehlo_response(&r), Ok(e));
    }

    #[test]
    fn ehlo_keeps_every_capability(caps in prop::collection::vec(testing::capability(), 0..12)) {
        let e = EhloResponse::new("mx.example.com", "hi", caps.clone());
        let mut b = BytesMut::new();
        encode::ehlo_response(&e, &mut b);
        let (r, _) = parse::reply(&b).unwrap().unwrap();
        let parsed = parse::ehlo_response(&r).unwrap();
        prop_assert_eq!(parsed.capabilities().collect::<Vec<_>>(), caps.clone());
        prop_assert_eq!(parsed.len(), caps.len());
        for e in [&e, &parsed] {
            prop_assert_eq!(testing::ehlo_summary(e), summary_of(&caps));
        }
    }

    #[test]
    fn ehlo_summary_agrees_with_the_lines(
        lines in prop::collection::vec(
            "(?i)(size|auth|deliverby|mt-priority|futurerelease|pipelining|chunking|8bitmime|dsn|x-[a-z]{1,4})( {1,2}[!-~]{0,12}){0,3}",
            0..10,
        )
    ) {
        // Any lines, typed or not: the accessors answer as a search of the typed list would.
        let mut wire = String::from("250-mx.example.com\r\n");
        for l in &lines {
            wire.push_str(&format!("250-{l}\r\n"));
        }
        wire.push_str("250 HELP\r\n");
        let (r, _) = parse::reply(wire.as_bytes()).unwrap().unwrap();
        let e = parse::ehlo_response(&r).unwrap();
        let caps: Vec<Capability> = e.capabilities().collect();
        prop_assert_eq!(caps.len(), lines.len() + 1);
        prop_assert_eq!(testing::ehlo_summary(&e), summary_of(&caps));
        for (l, got) in lines.iter().zip(e.lines()) {
            prop_assert_eq!(l.as_bytes(), got);
        }
    }

    #[test]
    fn capability_roundtrip(c in testing::capability()) {
        let mut b = BytesMut::new();
        encode::capability(&c, &mut b);
        let t = smtp_proto::types::Text::from(std::str::from_utf8(&b).unwrap());
        prop_assert_eq!(parse::capability(t), c);
    }

    #[test]
    fn arbitrary_lines_never_panic(line in prop::collection::vec(any::<u8>(), 0..200)) {
        let b = bytes::Bytes::from(line);
        if let Ok(c) = parse::command(&b) {
            prop_assert_eq!(reparse(&c, &ParseOptions::default()), Ok(c));
        }
        let _ = parse::command_with(&b, &ParseOptions::lenient());
        let _ = parse::reply(&b);
        let _ = parse::sasl_response(&b);
    }
}

/// The same answers found by searching a list of typed capabilities.
fn summary_of(caps: &[Capability]) -> testing::EhloSummary {
    let has = |c: Capability| caps.contains(&c);
    let auth = caps.iter().find_map(|c| match c {
        Capability::Auth(m) => Some(m.clone()),
        _ => None,
    });
    let offers = |m: AuthMechanism| auth.as_ref().is_some_and(|a| a.contains(&m));
    (
        [
            has(Capability::Pipelining),
            has(Capability::Chunking),
            has(Capability::BinaryMime),
            has(Capability::StartTls),
            has(Capability::SmtpUtf8),
            has(Capability::EightBitMime),
            has(Capability::EnhancedStatusCodes),
            has(Capability::Dsn),
            has(Capability::RequireTls),
        ],
        caps.iter().find_map(|c| match c {
            Capability::Size(n) => Some(*n),
            _ => None,
        }),
        caps.iter().find_map(|c| match c {
            Capability::DeliverBy(n) => Some(*n),
            _ => None,
        }),
        auth.clone().unwrap_or_default(),
        [
            offers(AuthMechanism::Plain),
            offers(AuthMechanism::XOAuth2),
            offers(AuthMechanism::Other("X-TOKEN".into())),
        ],
    )
}
