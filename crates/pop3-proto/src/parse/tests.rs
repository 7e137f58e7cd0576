//! Known-answer tables for the parsers.

use super::*;
use crate::error::ParseErrorKind as K;

fn msg(n: u32) -> MessageNumber {
    MessageNumber::new(n).expect("non-zero")
}

#[test]
fn commands_known_answers() {
    let table: Vec<(&[u8], Command)> = vec![
        (
            b"USER mrose",
            Command::User {
                name: "mrose".into(),
            },
        ),
        (
            b"user mrose",
            Command::User {
                name: "mrose".into(),
            },
        ),
        (
            b"PASS secret",
            Command::Pass {
                password: Secret::new("secret".into()),
            },
        ),
        (
            b"PASS  two  spaces ",
            Command::Pass {
                password: Secret::new(" two  spaces ".into()),
            },
        ),
        (
            b"APOP mrose c4c9334bac560ecc979e58001b3e22fb",
            Command::Apop {
                name: "mrose".into(),
                digest: [
                    0xc4, 0xc9, 0x33, 0x4b, 0xac, 0x56, 0x0e, 0xcc, 0x97, 0x9e, 0x58, 0x00, 0x1b,
                    0x3e, 0x22, 0xfb,
                ],
            },
        ),
        (b"STAT", Command::Stat),
        (b"LIST", Command::List { msg: None }),
        (b"LIST 2", Command::List { msg: Some(msg(2)) }),
        (b"RETR 1", Command::Retr { msg: msg(1) }),
        (b"DELE 4294967295", Command::Dele { msg: msg(u32::MAX) }),
        (b"NOOP", Command::Noop),
        (b"RSET", Command::Rset),
        (b"QUIT", Command::Quit),
        (
            b"TOP 1 0",
            Command::Top {
                msg: msg(1),
                lines: 0,
            },
        ),
        (
            b"top 10 25",
            Command::Top {
                msg: msg(10),
                lines: 25,
            },
        ),
        (b"UIDL", Command::Uidl { msg: None }),
        (b"UIDL 3", Command::Uidl { msg: Some(msg(3)) }),
        (b"CAPA", Command::Capa),
        (b"STLS", Command::Stls),
        (b"UTF8", Command::Utf8),
        (b"LANG", Command::Lang { tag: None }),
        (
            b"LANG *",
            Command::Lang {
                tag: Some("*".into()),
            },
        ),
        (
            b"LANG en-US",
            Command::Lang {
                tag: Some("en-US".into()),
            },
        ),
        (
            b"AUTH",
            Command::Auth {
                mechanism: None,
                initial_response: None,
            },
        ),
        (
            b"AUTH plain",
            Command::Auth {
                mechanism: Some(Mechanism::plain()),
                initial_response: None,
            },
        ),
        (
            b"AUTH PLAIN =",
            Command::Auth {
                mechanism: Some(Mechanism::plain()),
                initial_response: Some(Secret::new(Vec::new())),
            },
        ),
        (
            b"AUTH PLAIN AHRpbQB0YW5zdGFhZg==",
            Command::Auth {
                mechanism: Some(Mechanism::plain()),
                initial_response: Some(Secret::new(b"\0tim\0tanstaaf".to_vec())),
            },
        ),
    ];
    for (line, expected) in table {
        assert_eq!(
            command_line(line),
            Ok(expected),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
}

#[test]
fn commands_rejected_with_kind_and_offset() {
    let table: &[(&[u8], ParseErrorKind, usize)] = &[
        (b"", K::UnknownCommand, 0),
        (b"XYZZY", K::UnknownCommand, 0),
        (b"LAST", K::UnknownCommand, 0),
        (b"STAT ", K::TooManyArguments, 4),
        (b"STAT 1", K::TooManyArguments, 4),
        (b"RETR", K::MissingArgument, 4),
        (b"RETR 0", K::InvalidArgument, 5),
        (b"RETR x", K::InvalidArgument, 5),
        (b"RETR 1 2", K::TooManyArguments, 6),
        (b"LIST 0", K::InvalidArgument, 5),
        (b"LIST 4294967296", K::InvalidArgument, 5),
        (b"LIST  1", K::InvalidArgument, 4),
        (b"TOP 1", K::InvalidArgument, 3),
        (b"TOP 1 -1", K::InvalidArgument, 6),
        (b"USER", K::MissingArgument, 4),
        (b"USER a b", K::TooManyArguments, 6),
        (b"PASS", K::MissingArgument, 4),
        (b"PASS ", K::MissingArgument, 5),
        (b"APOP mrose c4c9", K::InvalidArgument, 11),
        (b"AUTH PLAIN !!!", K::InvalidArgument, 11),
        (b"AUTH PL@IN", K::InvalidArgument, 5),
        (b"USER a\0b", K::ControlCharacter, 6),
        (b"LANG e_n", K::InvalidArgument, 5),
    ];
    for &(line, kind, offset) in table {
        let got = command_line(line);
        assert_eq!(
            got,
            Err(ParseError::new(kind, offset)),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
}

#[test]
fn streaming_command_needs_crlf() {
    assert_eq!(command(b"STA"), Ok(None));
    assert_eq!(command(b"STAT\r"), Ok(None));
    assert_eq!(command(b"STAT\r\nNOOP\r\n"), Ok(Some((Command::Stat, 6))));
    assert_eq!(command(b"STAT\n"), Err(ParseError::new(K::MissingCrlf, 4)));
}

#[test]
fn replies_known_answers() {
    let table: Vec<(&[u8], Reply)> = vec![
        (b"+OK", Reply::ok("")),
        (b"+OK 2 320", Reply::ok("2 320")),
        (b"-ERR no such message", Reply::err("no such message")),
        (
            b"-ERR [IN-USE] locked",
            Reply::err_with(ResponseCode::InUse, "locked"),
        ),
        (
            b"-ERR [LOGIN-DELAY] wait",
            Reply::err_with(ResponseCode::LoginDelay, "wait"),
        ),
        (
            b"-ERR [SYS/TEMP] later",
            Reply::err_with(ResponseCode::SysTemp, "later"),
        ),
        (
            b"-ERR [SYS/PERM] never",
            Reply::err_with(ResponseCode::SysPerm, "never"),
        ),
        (
            b"-ERR [AUTH] bad password",
            Reply::err_with(ResponseCode::Auth, "bad password"),
        ),
        (b"-ERR [UTF8]", Reply::err_with(ResponseCode::Utf8, "")),
        (
            b"-ERR [X-SITE/QUOTA] over",
            Reply::err_with(ResponseCode::Other("X-SITE/QUOTA".into()), "over"),
        ),
        // RFC 2449 levels are non-empty, so `//` makes it text.
        (
            b"-ERR [REFERRAL/pop://x] moved",
            Reply::err("[REFERRAL/pop://x] moved"),
        ),
        // Brackets that are not a well-formed code stay text.
        (b"-ERR [not a code] x", Reply::err("[not a code] x")),
        (b"+ok lower case", Reply::ok("lower case")),
    ];
    for (line, expected) in table {
        assert_eq!(
            reply_line(line),
            Ok(expected),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
    assert_eq!(reply_line(b"OK"), Err(ParseError::new(K::InvalidStatus, 0)));
    assert_eq!(
        reply_line(b"+OKAY"),
        Err(ParseError::new(K::InvalidStatus, 3))
    );
    assert_eq!(
        reply_line(b"-ERR x\0"),
        Err(ParseError::new(K::ControlCharacter, 6))
    );
}

#[test]
fn continuations() {
    assert_eq!(response_line(b"+ "), Ok(Response::Continuation(Vec::new())));
    assert_eq!(response_line(b"+"), Ok(Response::Continuation(Vec::new())));
    assert_eq!(
        response_line(b"+ VXNlcm5hbWU6"),
        Ok(Response::Continuation(b"Username:".to_vec()))
    );
    assert_eq!(
        response_line(b"+ !!"),
        Err(ParseError::new(K::InvalidArgument, 2))
    );
    assert_eq!(
        response_line(b"+OK x"),
        Ok(Response::Status(Reply::ok("x")))
    );
    assert_eq!(sasl_response_line(b"*"), Ok(SaslResponse::Cancel));
    assert_eq!(
        sasl_response_line(b""),
        Ok(SaslResponse::Data(Secret::new(Vec::new())))
    );
}

#[test]
fn greeting_timestamp_and_stat() {
    let greeting = Reply::ok("POP3 server ready <1896.697170952@dbc.mtview.ca.us>");
    assert_eq!(
        greeting.apop_timestamp(),
        Some("<1896.697170952@dbc.mtview.ca.us>")
    );
    assert_eq!(Reply::ok("ready").apop_timestamp(), None);
    assert_eq!(Reply::ok("ready <>").apop_timestamp(), None);
    assert_eq!(
        Reply::ok("2 320").maildrop_stat(),
        Some(crate::types::MaildropStat {
            count: 2,
            octets: 320
        })
    );
    assert_eq!(Reply::ok("two").maildrop_stat(), None);
    assert_eq!(Reply::err("2 320").maildrop_stat(), None);
}

#[test]
fn listings() {
    assert_eq!(
        scan_listing(b"1 120"),
        Ok(ScanListing {
            msg: msg(1),
            octets: 120
        })
    );
    assert_eq!(
        scan_listing(b"1 120 extra info"),
        Ok(ScanListing {
            msg: msg(1),
            octets: 120
        })
    );
    assert!(scan_listing(b"0 120").is_err());
    assert!(scan_listing(b"1").is_err());
    assert!(scan_listing(b"1 x").is_err());
    let uid = unique_id_listing(b"2 QhdPYR:00WBw1Ph7x7").expect("valid");
    assert_eq!((uid.msg, uid.uid.as_str()), (msg(2), "QhdPYR:00WBw1Ph7x7"));
    assert!(unique_id_listing(&[b"1 ".as_slice(), &[b'a'; 71]].concat()).is_err());
    assert_eq!(
        language_listing(b"en English"),
        Ok(LanguageListing {
            tag: "en".into(),
            description: "English".into()
        })
    );
}

#[test]
fn capabilities_known_answers() {
    let table: Vec<(&[u8], Capability)> = vec![
        (b"TOP", Capability::Top),
        (b"USER", Capability::User),
        (
            b"SASL PLAIN XOAUTH2",
            Capability::Sasl(vec![Mechanism::plain(), Mechanism::xoauth2()]),
        ),
        (b"RESP-CODES", Capability::RespCodes),
        (b"AUTH-RESP-CODE", Capability::AuthRespCode),
        (b"PIPELINING", Capability::Pipelining),
        (b"UIDL", Capability::Uidl),
        (b"STLS", Capability::Stls),
        (b"UTF8", Capability::Utf8 { user: false }),
        (b"UTF8 USER", Capability::Utf8 { user: true }),
        (b"LANG", Capability::Lang),
        (
            b"LOGIN-DELAY 300",
            Capability::LoginDelay {
                seconds: 300,
                per_user: false,
            },
        ),
        (
            b"LOGIN-DELAY 900 USER",
            Capability::LoginDelay {
                seconds: 900,
                per_user: true,
            },
        ),
        (
            b"EXPIRE NEVER",
            Capability::Expire {
                policy: ExpirePolicy::Never,
                per_user: false,
            },
        ),
        (
            b"EXPIRE 0",
            Capability::Expire {
                policy: ExpirePolicy::Days(0),
                per_user: false,
            },
        ),
        (
            b"EXPIRE 30 USER",
            Capability::Expire {
                policy: ExpirePolicy::Days(30),
                per_user: true,
            },
        ),
        (
            b"IMPLEMENTATION Shlemazle Plotz v302",
            Capability::Implementation("Shlemazle Plotz v302".into()),
        ),
        (
            b"X-GOOGLE-RICO",
            Capability::Other {
                name: "X-GOOGLE-RICO".into(),
                args: vec![],
            },
        ),
        (
            b"LOGIN-DELAY soon",
            Capability::Other {
                name: "LOGIN-DELAY".into(),
                args: vec!["soon".into()],
            },
        ),
    ];
    for (line, expected) in table {
        assert_eq!(
            capability(line),
            Ok(expected),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
    assert!(capability(b"").is_err());
}

#[test]
fn response_codes_tell_the_client_what_to_do() {
    use crate::types::Recovery;
    let recovery = |line: &[u8]| match response_line(line) {
        Ok(Response::Status(reply)) => reply.code.map(|c| c.recovery()),
        other => panic!("{other:?}"),
    };
    assert_eq!(recovery(b"-ERR [IN-USE] locked"), Some(Recovery::Later));
    assert_eq!(recovery(b"-ERR [LOGIN-DELAY] wait"), Some(Recovery::Later));
    assert_eq!(recovery(b"-ERR [SYS/TEMP] disk"), Some(Recovery::Later));
    assert_eq!(recovery(b"-ERR [sys/perm] gone"), Some(Recovery::Never));
    assert_eq!(recovery(b"-ERR [AUTH] wrong"), Some(Recovery::Credentials));
    assert_eq!(recovery(b"-ERR [UTF8] enable it"), Some(Recovery::Utf8Mode));
    // Unknown sub-levels read as their nearest known ancestor (RFC 2449 §8).
    assert_eq!(
        recovery(b"-ERR [SYS/TEMP/QUOTA] later"),
        Some(Recovery::Later)
    );
    assert_eq!(
        recovery(b"-ERR [AUTH/EXPIRED] renew"),
        Some(Recovery::Credentials)
    );
    assert_eq!(recovery(b"-ERR [X-VENDOR/A] ?"), Some(Recovery::Unknown));
    assert_eq!(recovery(b"-ERR no code"), None);
}
