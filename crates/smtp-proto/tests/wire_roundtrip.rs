//! `parse(encode(x)) == x` for every command, parameter set, reply and capability.

#![cfg(feature = "testing")]

use bytes::BytesMut;
use proptest::prelude::*;
use smtp_proto::parse::{self, ParseOptions};
use smtp_proto::types::{Command, ForwardPath, MailParameters, ReversePath};
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
