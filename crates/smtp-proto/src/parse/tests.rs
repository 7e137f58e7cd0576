//! Known-answer tables for the parsers (RFC 5321 examples, every command and parameter,
//! address forms, and the rejects).

use bytes::{Bytes, BytesMut};

use super::*;
use crate::encode;

fn cmd(s: &str) -> Result<Command, ParseError> {
    command(&Bytes::copy_from_slice(s.as_bytes()))
}

fn cmd_opts(s: &str, o: &ParseOptions) -> Result<Command, ParseError> {
    command_with(&Bytes::copy_from_slice(s.as_bytes()), o)
}

fn kind(s: &str) -> K {
    match cmd(s) {
        Err(e) => e.kind,
        Ok(c) => panic!("{s:?} parsed as {c:?}"),
    }
}

fn roundtrip(c: &Command) -> Command {
    let mut b = BytesMut::new();
    encode::command(c, &mut b);
    assert!(b.ends_with(b"\r\n"));
    let line = b.split_to(b.len() - 2).freeze();
    command(&line).unwrap_or_else(|e| panic!("re-parse of {line:?}: {e}"))
}

/// Parses, checks the encoding is the canonical form given, and the round trip.
fn ok(s: &str, canonical: &str) -> Command {
    let c = cmd(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
    let mut b = BytesMut::new();
    encode::command(&c, &mut b);
    assert_eq!(
        std::str::from_utf8(&b).unwrap(),
        format!("{canonical}\r\n"),
        "encoding of {s:?}"
    );
    assert_eq!(roundtrip(&c), c);
    c
}

fn mail(s: &str) -> (ReversePath, MailParameters) {
    match cmd(s) {
        Ok(Command::Mail { from, parameters }) => (from, parameters.into_inner()),
        other => panic!("{s:?}: {other:?}"),
    }
}

fn rcpt(s: &str) -> (ForwardPath, RcptParameters) {
    match cmd(s) {
        Ok(Command::Rcpt { to, parameters }) => (to, parameters.into_inner()),
        other => panic!("{s:?}: {other:?}"),
    }
}

#[test]
fn simple_commands() {
    assert_eq!(ok("DATA", "DATA"), Command::Data);
    assert_eq!(ok("data", "DATA"), Command::Data);
    assert_eq!(ok("RSET", "RSET"), Command::Rset);
    assert_eq!(ok("QUIT", "QUIT"), Command::Quit);
    assert_eq!(ok("StartTLS", "STARTTLS"), Command::StartTls);
    assert_eq!(ok("NOOP", "NOOP"), Command::Noop { string: None });
    assert!(
        matches!(ok("NOOP hello there", "NOOP hello there"), Command::Noop { string: Some(s) } if s == "hello there")
    );
    assert_eq!(ok("HELP", "HELP"), Command::Help { topic: None });
    assert!(
        matches!(ok("help MAIL", "HELP MAIL"), Command::Help { topic: Some(t) } if t == "MAIL")
    );
    assert_eq!(
        ok("BDAT 1000", "BDAT 1000"),
        Command::Bdat {
            size: 1000,
            last: false
        }
    );
    assert_eq!(
        ok("BDAT 0 last", "BDAT 0 LAST"),
        Command::Bdat {
            size: 0,
            last: true
        }
    );
    assert!(
        matches!(ok("ETRN @example.org", "ETRN @example.org"), Command::Etrn { name } if name == "@example.org")
    );
    assert!(matches!(
        ok("ETRN #queue1", "ETRN #queue1"),
        Command::Etrn { .. }
    ));
    assert!(matches!(
        ok("VRFY Smith", "VRFY Smith"),
        Command::Vrfy { string, smtputf8: false } if string == "Smith"
    ));
    assert!(matches!(
        ok("EXPN <list@example.org> SMTPUTF8", "EXPN <list@example.org> SMTPUTF8"),
        Command::Expn { string, smtputf8: true } if string == "<list@example.org>"
    ));
    assert!(matches!(
        ok("VRFY \"John Smith\"", "VRFY \"John Smith\""),
        Command::Vrfy { .. }
    ));
}

#[test]
fn hello_commands() {
    let c = ok("EHLO mail.example.com", "EHLO mail.example.com");
    assert!(
        matches!(&c, Command::Ehlo { host: Host::Domain(d) } if d.as_str() == "mail.example.com")
    );
    let c = ok("helo relay", "HELO relay");
    assert!(matches!(
        c,
        Command::Helo {
            host: Host::Domain(_)
        }
    ));
    let c = ok("EHLO [192.0.2.1]", "EHLO [192.0.2.1]");
    assert!(
        matches!(c, Command::Ehlo { host: Host::Literal(AddressLiteral::Ipv4(a)) } if a == Ipv4Addr::new(192, 0, 2, 1))
    );
    let c = ok("EHLO [IPv6:2001:db8::1]", "EHLO [IPv6:2001:db8::1]");
    assert!(matches!(
        c,
        Command::Ehlo {
            host: Host::Literal(AddressLiteral::Ipv6(_))
        }
    ));
    let c = ok("LHLO client.example", "LHLO client.example");
    assert!(matches!(c, Command::Lhlo { .. }));
    // HELO takes a domain only; EHLO needs an argument; underscores are not domains.
    assert_eq!(kind("HELO [192.0.2.1]"), K::InvalidArguments);
    assert_eq!(kind("EHLO"), K::InvalidArguments);
    assert_eq!(kind("EHLO "), K::InvalidArguments);
    assert_eq!(kind("EHLO my_host"), K::InvalidArguments);
    assert_eq!(kind("EHLO -bad.example"), K::InvalidArguments);
    assert_eq!(kind("EHLO a b"), K::InvalidArguments);
    // ... unless lenient.
    let l = ParseOptions::lenient();
    assert!(
        matches!(cmd_opts("EHLO my_host", &l), Ok(Command::Ehlo { host: Host::Other(t) }) if t == "my_host")
    );
    assert!(matches!(
        cmd_opts("HELO 192.0.2.1", &l),
        Ok(Command::Helo { .. })
    ));
}

#[test]
fn mail_from_forms() {
    // RFC 5321 Appendix D.1
    let (f, p) = mail("MAIL FROM:<Smith@bar.com>");
    assert_eq!(f.mailbox().unwrap().as_str(), "Smith@bar.com");
    assert!(p.is_empty());
    let (f, _) = mail("mail from:<>");
    assert_eq!(f, ReversePath::Null);
    ok("MAIL FROM:<>", "MAIL FROM:<>");
    // source route accepted and ignored
    let (f, _) = mail("MAIL FROM:<@a.example,@b.example:user@c.example>");
    assert_eq!(f.mailbox().unwrap().as_str(), "user@c.example");
    ok(
        "MAIL FROM:<@a.example:user@c.example>",
        "MAIL FROM:<user@c.example>",
    );
    // quoted local parts
    let (f, _) = mail(r#"MAIL FROM:<"John Doe"@example.com>"#);
    let m = f.mailbox().unwrap();
    assert!(m.is_quoted());
    assert_eq!(m.local_part(), "\"John Doe\"");
    assert_eq!(m.local_part_unquoted(), "John Doe");
    let (f, _) = mail(r#"MAIL FROM:<"a\"b\\c"@example.com>"#);
    assert_eq!(f.mailbox().unwrap().local_part_unquoted(), "a\"b\\c");
    ok(
        r#"MAIL FROM:<"a b"@example.com>"#,
        r#"MAIL FROM:<"a b"@example.com>"#,
    );
    // atext specials
    mail("MAIL FROM:<a!#$%&'*+-/=?^_`{|}~b@example.com>");
    // address literals
    let (f, _) = mail("MAIL FROM:<user@[192.0.2.7]>");
    assert!(matches!(
        f.mailbox().unwrap().host(),
        Host::Literal(AddressLiteral::Ipv4(_))
    ));
    let (f, _) = mail("MAIL FROM:<user@[IPv6:::1]>");
    assert!(
        matches!(f.mailbox().unwrap().host(), Host::Literal(AddressLiteral::Ipv6(a)) if a.is_loopback())
    );
    assert_eq!(f.mailbox().unwrap().host_str(), "[IPv6:::1]");
    let (f, _) = mail("MAIL FROM:<user@[IPv6:2001:db8::192.0.2.1]>");
    assert!(matches!(
        f.mailbox().unwrap().host(),
        Host::Literal(AddressLiteral::Ipv6(_))
    ));
    let (f, _) = mail("MAIL FROM:<user@[x-tag:some-content]>");
    assert!(
        matches!(f.mailbox().unwrap().host(), Host::Literal(AddressLiteral::General(g)) if g.tag() == "x-tag" && g.content() == "some-content")
    );
    // original bytes kept
    let (f, _) = mail("MAIL FROM:<MiXeD@Example.COM>");
    assert_eq!(f.mailbox().unwrap().as_str(), "MiXeD@Example.COM");
    assert!(
        f.mailbox()
            .unwrap()
            .domain()
            .unwrap()
            .eq_ignore_ascii_case("example.com")
    );
}

#[test]
fn mail_rejects() {
    assert_eq!(kind("MAIL FROM:<Postmaster>"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM:<a@b.c"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM:<a@b.c>x"), K::InvalidArguments);
    assert_eq!(kind("MAIL FROM:<a@b.c> garbage=="), K::InvalidParameter);
    assert_eq!(kind("MAIL FROM:a@b.c"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM: <a@b.c>"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM:<a..b@c.d>"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM:<.a@c.d>"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM:<a@-c.d>"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM:<a@c..d>"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM:<a@[300.1.1.1]>"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM:<a@[IPv6:zz::1]>"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM:<@>"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM:<a b@c.d>"), K::InvalidSender);
    assert_eq!(kind("MAIL FROM<a@b.c>"), K::InvalidArguments);
    assert_eq!(kind("MAIL TO:<a@b.c>"), K::InvalidArguments);
    assert_eq!(kind("MAIL"), K::InvalidArguments);
    assert_eq!(
        kind(&format!("MAIL FROM:<{}@b.c>", "x".repeat(65))),
        K::InvalidSender
    );
    assert_eq!(kind("MAIL FROM:<a@b.c>  SIZE=1"), K::InvalidArguments);
    assert_eq!(kind("MAIL FROM:<a@b.c> "), K::InvalidArguments);
    // 8-bit only with SMTPUTF8
    assert_eq!(
        kind("MAIL FROM:<jöran@example.com>"),
        K::Utf8WithoutSmtpUtf8
    );
    let (f, p) = mail("MAIL FROM:<jöran@bücher.example> SMTPUTF8");
    assert!(p.smtputf8 && f.mailbox().unwrap().is_utf8());
    assert_eq!(f.mailbox().unwrap().local_part(), "jöran");
    // invalid UTF-8 never
    let bad = Bytes::from_static(b"MAIL FROM:<\xff@c.d> SMTPUTF8");
    assert_eq!(command(&bad).unwrap_err().kind, K::Utf8WithoutSmtpUtf8);
    // CR, LF, NUL in a line
    assert_eq!(kind("MA\rIL FROM:<a@b.c>"), K::BareLineEnding);
    assert_eq!(kind("NOOP\nQUIT"), K::BareLineEnding);
    assert_eq!(kind("EHLO a\0b"), K::Syntax);
    assert_eq!(kind(""), K::Syntax);
    assert_eq!(kind(" MAIL"), K::Syntax);
    assert_eq!(kind("MA:L"), K::Syntax);
}

#[test]
fn lenient_paths() {
    let l = ParseOptions::lenient();
    assert!(matches!(
        cmd_opts("MAIL FROM: <a@b.c>", &l),
        Ok(Command::Mail { .. })
    ));
    assert!(
        matches!(cmd_opts("MAIL FROM:a@b.c SIZE=10", &l), Ok(Command::Mail { parameters, .. }) if parameters.size == Some(10))
    );
    assert!(matches!(
        cmd_opts("RCPT TO:postmaster", &l),
        Ok(Command::Rcpt {
            to: ForwardPath::Postmaster,
            ..
        })
    ));
    assert!(matches!(
        cmd_opts("MAIL FROM:<a@b.c>  SIZE=1 ", &l),
        Ok(Command::Mail { .. })
    ));
    assert!(matches!(cmd_opts("QUIT ", &l), Ok(Command::Quit)));
    let long = format!("MAIL FROM:<{}@b.c>", "x".repeat(100));
    assert!(cmd_opts(&long, &l).is_ok());
}

#[test]
fn rcpt_forms() {
    let (t, _) = rcpt("RCPT TO:<Jones@XYZ.COM>");
    assert_eq!(t.mailbox().unwrap().as_str(), "Jones@XYZ.COM");
    let (t, _) = rcpt("RCPT TO:<Postmaster>");
    assert_eq!(t, ForwardPath::Postmaster);
    let (t, _) = rcpt("rcpt to:<postMASTER>");
    assert_eq!(t, ForwardPath::Postmaster);
    let (t, _) = rcpt("RCPT TO:<postmaster@example.com>");
    assert!(matches!(t, ForwardPath::Mailbox(_)));
    ok("RCPT TO:<postmaster>", "RCPT TO:<Postmaster>");
    assert_eq!(kind("RCPT TO:<>"), K::InvalidRecipient);
    assert_eq!(kind("RCPT TO:<a@>"), K::InvalidRecipient);
    assert_eq!(kind("RCPT TO:<ü@example.com>"), K::Utf8WithoutSmtpUtf8);
    let o = ParseOptions {
        smtputf8: true,
        ..ParseOptions::default()
    };
    assert!(cmd_opts("RCPT TO:<ü@example.com>", &o).is_ok());
    assert_eq!(kind("RCPT FROM:<a@b.c>"), K::InvalidArguments);
}

#[test]
fn mail_parameters() {
    let (_, p) = mail(
        "MAIL FROM:<a@b.c> SIZE=12345 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=QQ314159+2B AUTH=<> \
         REQUIRETLS MT-PRIORITY=-3 HOLDFOR=600 BY=120;RT X-FOO=bar XBAR",
    );
    assert_eq!(p.size, Some(12345));
    assert_eq!(p.body, Some(Body::EightBitMime));
    assert!(p.smtputf8 && p.requiretls);
    assert_eq!(p.ret, Some(DsnReturn::Headers));
    assert_eq!(p.envid.as_ref().unwrap().decode(), b"QQ314159+");
    assert_eq!(p.auth, Some(MailAuth::Unknown));
    assert_eq!(p.mt_priority, Some(-3));
    assert_eq!(p.future_release, Some(FutureRelease::HoldFor(600)));
    assert_eq!(
        p.deliver_by,
        Some(DeliverBy {
            seconds: 120,
            mode: DeliverByMode::Return,
            trace: true
        })
    );
    assert_eq!(p.other.len(), 2);
    assert_eq!(p.other[0].keyword, "X-FOO");
    assert_eq!(p.other[0].value.as_ref().unwrap(), "bar");
    assert!(p.other[1].value.is_none());
    let c = cmd("MAIL FROM:<a@b.c> size=1 body=binarymime auth=user+40example.com holduntil=2025-01-01T00:00:00Z by=-5;N mt-priority=+9").unwrap();
    assert_eq!(roundtrip(&c), c);
    let Command::Mail { parameters: p, .. } = c else {
        panic!()
    };
    assert_eq!(p.body, Some(Body::BinaryMime));
    assert_eq!(p.mt_priority, Some(9));
    assert!(matches!(&p.auth, Some(MailAuth::Identity(x)) if x.decode() == b"user@example.com"));
    assert!(
        matches!(&p.future_release, Some(FutureRelease::HoldUntil(t)) if t == "2025-01-01T00:00:00Z")
    );
    assert_eq!(p.deliver_by.unwrap().seconds, -5);
    mail("MAIL FROM:<a@b.c> BODY=7BIT RET=FULL");
    // bad values and repeats
    for bad in [
        "SIZE=",
        "SIZE=abc",
        "SIZE=99999999999999999999999",
        "SIZE=1 SIZE=2",
        "BODY=9BIT",
        "SMTPUTF8=yes",
        "RET=SOME",
        "ENVID=a=b",
        "ENVID=+4",
        "ENVID=+4g",
        "AUTH=a+zz",
        "MT-PRIORITY=10",
        "MT-PRIORITY=x",
        "HOLDFOR=1234567890",
        "HOLDUNTIL=tomorrow",
        "HOLDFOR=1 HOLDUNTIL=2025-01-01T00:00:00Z",
        "BY=0;R",
        "BY=10;X",
        "BY=10",
        "BY=1234567890;N",
        "REQUIRETLS=1",
        "X-A=1 x-a=2",
    ] {
        assert_eq!(
            kind(&format!("MAIL FROM:<a@b.c> {bad}")),
            K::InvalidParameter,
            "{bad}"
        );
    }
    assert_eq!(kind("MAIL FROM:<a@b.c> =1"), K::InvalidArguments);
    let long_envid = format!("MAIL FROM:<a@b.c> ENVID={}", "e".repeat(101));
    assert_eq!(kind(&long_envid), K::InvalidParameter);
    assert_eq!(kind("MAIL FROM:<a@b.c> X=ü"), K::InvalidParameter);
    assert!(cmd("MAIL FROM:<a@b.c> X=ü SMTPUTF8").is_ok());
}

#[test]
fn rcpt_parameters() {
    let (_, p) = rcpt(
        "RCPT TO:<a@b.c> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;a+40b.c RRVS=2014-04-03T23:01:00Z;C",
    );
    assert_eq!(
        p.notify,
        Some(Notify {
            success: true,
            failure: false,
            delay: true
        })
    );
    let o = p.orcpt.as_ref().unwrap();
    assert_eq!(o.addr_type, "rfc822");
    assert_eq!(o.address.decode(), b"a@b.c");
    assert_eq!(p.rrvs.as_ref().unwrap().mode, Some(RrvsMode::Continue));
    let (_, p) = rcpt("RCPT TO:<a@b.c> NOTIFY=never");
    assert!(p.notify.unwrap().is_never());
    ok(
        "RCPT TO:<a@b.c> NOTIFY=delay,failure",
        "RCPT TO:<a@b.c> NOTIFY=FAILURE,DELAY",
    );
    ok(
        "RCPT TO:<a@b.c> RRVS=2014-04-03T23:01:00Z",
        "RCPT TO:<a@b.c> RRVS=2014-04-03T23:01:00Z",
    );
    // RFC 6533 utf-8 ORCPT (with SMTPUTF8 in the transaction)
    let o = ParseOptions {
        smtputf8: true,
        ..ParseOptions::default()
    };
    let c = cmd_opts(r"RCPT TO:<a@b.c> ORCPT=utf-8;j\x{F6}ran@b.c", &o).unwrap();
    let Command::Rcpt { parameters, .. } = c else {
        panic!()
    };
    assert_eq!(
        parameters.orcpt.as_ref().unwrap().address.decode(),
        "jöran@b.c".as_bytes()
    );
    for bad in [
        "NOTIFY=NEVER,SUCCESS",
        "NOTIFY=SUCCESS,SUCCESS",
        "NOTIFY=",
        "NOTIFY=SOMETIMES",
        "ORCPT=rfc822",
        "ORCPT=;a",
        "ORCPT=rfc822;",
        "ORCPT=rfc822;a+4",
        "RRVS=yesterday",
        "RRVS=2014-04-03T23:01:00Z;X",
        "NOTIFY=NEVER NOTIFY=NEVER",
    ] {
        assert_eq!(
            kind(&format!("RCPT TO:<a@b.c> {bad}")),
            K::InvalidParameter,
            "{bad}"
        );
    }
}

#[test]
fn auth_command() {
    let c = ok("AUTH PLAIN AGZvbwBiYXI=", "AUTH PLAIN AGZvbwBiYXI=");
    let Command::Auth {
        mechanism,
        initial_response,
    } = c
    else {
        panic!()
    };
    assert_eq!(mechanism, AuthMechanism::Plain);
    assert_eq!(initial_response.unwrap().expose(), b"\0foo\0bar");
    let c = ok("auth login", "AUTH LOGIN");
    assert!(matches!(
        c,
        Command::Auth {
            mechanism: AuthMechanism::Login,
            initial_response: None
        }
    ));
    let c = ok("AUTH XOAUTH2 =", "AUTH XOAUTH2 =");
    assert!(matches!(c, Command::Auth { initial_response: Some(s), .. } if s.is_empty()));
    let c = ok("AUTH X-CUSTOM_1", "AUTH X-CUSTOM_1");
    assert!(
        matches!(c, Command::Auth { mechanism: AuthMechanism::Other(t), .. } if t == "X-CUSTOM_1")
    );
    assert_eq!(kind("AUTH PLAIN !!!"), K::InvalidBase64);
    assert_eq!(kind("AUTH PLAIN AGZvbwBiYXI"), K::InvalidBase64);
    assert_eq!(kind("AUTH"), K::InvalidArguments);
    assert_eq!(kind("AUTH THIS-NAME-IS-FAR-TOO-LONG"), K::InvalidArguments);
    // Secrets never show in Debug output.
    let c = cmd("AUTH PLAIN AGZvbwBiYXI=").unwrap();
    assert!(!format!("{c:?}").contains("AGZv"));
}

#[test]
fn unknown_and_arg_errors() {
    let c = ok("XCLIENT ADDR=192.0.2.1", "XCLIENT ADDR=192.0.2.1");
    assert!(
        matches!(&c, Command::Unknown { verb, arguments } if verb == "XCLIENT" && &arguments[..] == b"ADDR=192.0.2.1")
    );
    assert!(matches!(cmd("FOO"), Ok(Command::Unknown { .. })));
    assert!(matches!(
        cmd("MAILX FROM:<a@b>"),
        Ok(Command::Unknown { .. })
    ));
    assert!(matches!(cmd("STARTTLSX"), Ok(Command::Unknown { .. })));
    assert_eq!(kind("DATA now"), K::InvalidArguments);
    assert_eq!(kind("QUIT please"), K::InvalidArguments);
    assert_eq!(kind("STARTTLS now"), K::InvalidArguments);
    assert_eq!(kind("BDAT"), K::InvalidArguments);
    assert_eq!(kind("BDAT x"), K::InvalidArguments);
    assert_eq!(kind("BDAT -1"), K::InvalidArguments);
    assert_eq!(kind("BDAT 10 FIRST"), K::InvalidArguments);
    assert_eq!(kind("BDAT 99999999999999999999999"), K::InvalidArguments);
    assert_eq!(kind("VRFY"), K::InvalidArguments);
    assert_eq!(kind("VRFY jörg"), K::InvalidArguments);
    assert_eq!(kind("ETRN"), K::InvalidArguments);
    assert_eq!(kind("NOOP "), K::InvalidArguments);
}

#[test]
fn error_replies() {
    assert_eq!(
        ParseError::new(K::InvalidRecipient, 0).reply().code().get(),
        553
    );
    assert_eq!(
        K::InvalidSender.reply().enhanced(),
        Some(EnhancedStatusCode::new(5, 1, 7).unwrap())
    );
    assert_eq!(K::Syntax.reply().code().get(), 500);
    assert_eq!(K::InvalidParameter.reply().code().get(), 501);
    assert_eq!(K::UnsupportedParameter.reply().code().get(), 555);
    assert_eq!(
        K::Utf8WithoutSmtpUtf8
            .reply()
            .enhanced()
            .unwrap()
            .to_string(),
        "5.6.7"
    );
    assert_eq!(std::mem::size_of::<ParseError>(), 16);
}

#[test]
fn parameters_are_boxed_only_when_present() {
    // A command stays small: the parameter sets live out of line.
    assert!(std::mem::size_of::<Command>() <= 80);
    let Ok(Command::Rcpt { parameters, .. }) = cmd("RCPT TO:<a@b.c>") else {
        panic!()
    };
    assert!(parameters.is_empty());
    assert_eq!(parameters, RcptParameters::default().into());
    let Ok(Command::Rcpt { mut parameters, .. }) = cmd("RCPT TO:<a@b.c> NOTIFY=NEVER") else {
        panic!()
    };
    assert_eq!(parameters.notify, Some(Notify::default()));
    // Writing through the box; an emptied set equals one never boxed.
    parameters.notify = None;
    assert_eq!(parameters, Parameters::default());
    assert!(parameters.into_inner().is_empty());
    let mut p = Parameters::<MailParameters>::default();
    p.size = Some(10);
    assert_eq!(p.clone().into_inner().size, Some(10));
    assert_ne!(p, Parameters::default());
}

// ---- replies ----

fn rep(s: &str) -> Reply {
    let (r, n) = reply(s.as_bytes()).unwrap().unwrap();
    assert_eq!(n, s.len());
    let mut b = BytesMut::new();
    encode::reply(&r, &mut b);
    let (r2, _) = reply(&b).unwrap().unwrap();
    assert_eq!(r2, r, "round trip of {s:?}");
    r
}

#[test]
fn replies() {
    let r = rep("250 OK\r\n");
    assert_eq!(r.code(), ReplyCode::OK);
    assert_eq!(r.first_line().text(), b"OK");
    let r = rep("250\r\n");
    assert_eq!(r.first_line().text(), b"");
    let r = rep("250-first\r\n250-second\r\n250 last\r\n");
    assert_eq!(r.lines().len(), 3);
    assert_eq!(r.text(), "first\nsecond\nlast");
    let r = rep("550-5.1.1 No such\r\n550 5.1.1 user\r\n");
    assert!(
        r.lines()
            .all(|l| l.enhanced == Some(EnhancedStatusCode::BAD_DESTINATION_MAILBOX))
    );
    assert_eq!(r.lines().nth(1).unwrap().text(), b"user");
    // class must match the code: otherwise it is text
    let r = rep("250 5.1.1 text\r\n");
    assert_eq!(r.enhanced(), None);
    let r = rep("250 2.0.0\r\n");
    assert_eq!(r.enhanced(), Some(EnhancedStatusCode::OK));
    let r = rep("220-\r\n220 \r\n");
    assert_eq!(r.lines().len(), 2);
    // more than one reply in the buffer: only the first
    let (r, n) = reply(b"250 a\r\n354 b\r\n").unwrap().unwrap();
    assert_eq!((r.code().get(), n), (250, 7));
    // incomplete, never an error
    for p in [
        "",
        "2",
        "25",
        "250",
        "250-a\r\n",
        "250-a\r\n250 b",
        "250-a\r\n250 b\r",
    ] {
        assert_eq!(reply(p.as_bytes()), Ok(None), "{p:?}");
    }
    // errors
    assert_eq!(
        reply(b"250-first\r\n550 second\r\n").unwrap_err().kind,
        K::InconsistentReplyCode
    );
    assert_eq!(
        reply(b"250-first\r\n55").unwrap_err().kind,
        K::InconsistentReplyCode
    );
    assert_eq!(reply(b"hello\r\n").unwrap_err().kind, K::InvalidReply);
    assert_eq!(reply(b"250x\r\n").unwrap_err().kind, K::InvalidReply);
    assert_eq!(reply(b"650 x\r\n").unwrap_err().kind, K::InvalidReply);
    assert_eq!(reply(b"250 ok\n").unwrap_err().kind, K::InvalidReply);
    assert_eq!(reply(b"250 o\rk\r\n").unwrap_err().kind, K::InvalidReply);
    let long = format!("250 {}\r\n", "x".repeat(5000));
    assert_eq!(reply(long.as_bytes()).unwrap_err().kind, K::ReplyTooLong);
    let lf = ReplyOptions {
        allow_bare_lf: true,
        ..ReplyOptions::default()
    };
    assert!(reply_with(b"250-ok\n250 ok\n", &lf).unwrap().is_some());
}

#[test]
fn multi_line_replies_read_their_wire_lines() {
    let lf = ReplyOptions {
        allow_bare_lf: true,
        ..ReplyOptions::default()
    };
    let (r, _) = reply_with(b"550-5.1.1 a\n550-b\r\n550 5.1.1\n", &lf)
        .unwrap()
        .unwrap();
    let built = Reply::from_lines(
        ReplyCode::MAILBOX_UNAVAILABLE,
        vec![
            ReplyLine::new(Some(EnhancedStatusCode::BAD_DESTINATION_MAILBOX), "a"),
            ReplyLine::new(None, "b"),
            ReplyLine::new(Some(EnhancedStatusCode::BAD_DESTINATION_MAILBOX), ""),
        ],
    );
    assert_eq!(r, built);
    assert_eq!(r.lines().len(), 3);
    assert_eq!(
        r.lines().map(|l| l.text()).collect::<Vec<_>>(),
        [&b"a"[..], b"b", b""]
    );
    assert_eq!(
        r.enhanced(),
        Some(EnhancedStatusCode::BAD_DESTINATION_MAILBOX)
    );
    let mut out = BytesMut::new();
    encode::reply(&r, &mut out);
    assert_eq!(&out[..], b"550-5.1.1 a\r\n550-b\r\n550 5.1.1\r\n");
    let mut more = r.clone();
    more.push_line(ReplyLine::new(None, "c"));
    assert_eq!(more.lines().len(), 4);
    assert_eq!(more.lines().last().unwrap().text(), b"c");
    // a CR inside any line is refused
    assert_eq!(
        reply(b"250-a\rb\r\n250 c\r\n").unwrap_err().kind,
        K::InvalidReply
    );
}

#[test]
fn reply_errors_do_not_depend_on_the_split() {
    let opts = ReplyOptions::default();
    let long = "x".repeat(opts.max_line_len);
    for input in [
        format!("250-{long}\rb\r\n250 c\r\n"),
        format!("250-ab\rb{long}\r\n"),
        format!("250-a\r\n250-{long}\n"),
        "250-a\r\n250 b\nc\r\n".to_string(),
    ] {
        let whole = reply_end(input.as_bytes(), 0, 0, &opts).unwrap_err();
        for cut in 0..input.len() {
            match reply_end(&input.as_bytes()[..cut], 0, 0, &opts) {
                Ok(ReplyScan::Partial { .. }) => {}
                other => assert_eq!(other, Err(whole), "{cut} of {input:?}"),
            }
        }
    }
}

#[test]
fn find_byte2_agrees_with_memchr2() {
    for len in 0..100 {
        for at in 0..=len {
            for (x, y) in [(b'\r', b'\n'), (b'\n', b'\n')] {
                let mut s = vec![b'a'; len];
                if at < len {
                    s[at] = y;
                }
                if at + 3 < len {
                    s[at + 3] = x;
                }
                assert_eq!(
                    find_byte2(&s, x, y),
                    memchr::memchr2(x, y, &s),
                    "{len} {at}"
                );
            }
        }
    }
    // bytes just above and below the searched ones never match (no borrow false positive)
    let s = [0x0b, 0x0c, 0x0e, 0x09, 0x8d, 0x8a, 0x00, 0xff, b'\n'];
    assert_eq!(find_byte2(&s, b'\r', b'\n'), Some(8));
}

#[test]
fn ehlo() {
    let r = rep(
        "250-mx.example.com Hello client [192.0.2.1]\r\n250-PIPELINING\r\n250-SIZE 35882577\r\n\
         250-AUTH PLAIN LOGIN XOAUTH2 SCRAM-SHA-256\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n\
         250-DSN\r\n250-STARTTLS\r\n250-SMTPUTF8\r\n250-CHUNKING\r\n250-BINARYMIME\r\n250-REQUIRETLS\r\n\
         250-MT-PRIORITY MIXER\r\n250-FUTURERELEASE 604800 2025-12-31T23:59:59Z\r\n250-DELIVERBY 240\r\n\
         250-RRVS\r\n250-ETRN\r\n250-XCLIENT NAME ADDR\r\n250-AUTH=LOGIN\r\n250-size\r\n250 HELP\r\n",
    );
    let e = ehlo_response(&r).unwrap();
    assert_eq!(e.domain, "mx.example.com");
    assert_eq!(e.greeting, "Hello client [192.0.2.1]");
    assert!(e.pipelining() && e.chunking() && e.starttls() && e.smtputf8() && e.dsn());
    assert!(e.enhanced_status_codes() && e.eight_bit_mime());
    assert_eq!(e.size(), Some(Some(35882577)));
    assert_eq!(
        e.auth_mechanisms(),
        &[
            AuthMechanism::Plain,
            AuthMechanism::Login,
            AuthMechanism::XOAuth2,
            AuthMechanism::ScramSha256
        ]
    );
    let caps: Vec<Capability> = e.capabilities().collect();
    assert_eq!(caps.len(), e.len());
    assert!(caps.contains(&Capability::MtPriority(Some("MIXER".into()))));
    assert!(caps.contains(&Capability::DeliverBy(Some(240))));
    assert!(caps.contains(&Capability::FutureRelease {
        max_interval: 604800,
        max_datetime: "2025-12-31T23:59:59Z".into()
    }));
    assert!(caps.contains(&Capability::Other {
        keyword: "XCLIENT".into(),
        params: vec!["NAME".into(), "ADDR".into()]
    }));
    assert!(caps.contains(&Capability::Other {
        keyword: "AUTH=LOGIN".into(),
        params: vec![]
    }));
    assert!(caps.contains(&Capability::Size(None)));
    assert_eq!(caps.last(), Some(&Capability::Help));
    // encode back
    let again = ehlo_response(&encode::ehlo_reply(&e)).unwrap();
    assert_eq!(again, e);
    // a bare one-line EHLO reply
    let e = ehlo_response(&rep("250 mx.example.com\r\n")).unwrap();
    assert!(e.is_empty() && e.greeting.is_empty());
    assert_eq!(
        ehlo_response(&rep("550 go away\r\n")).unwrap_err().kind,
        K::UnexpectedReply
    );
}

#[test]
fn auth_lines() {
    let r = rep("334 VXNlcm5hbWU6\r\n");
    assert_eq!(auth_challenge(&r).unwrap().expose(), b"Username:");
    assert!(auth_challenge(&rep("334 \r\n")).unwrap().is_empty());
    assert!(auth_challenge(&rep("334\r\n")).unwrap().is_empty());
    assert_eq!(
        auth_challenge(&rep("334 not base64!\r\n"))
            .unwrap_err()
            .kind,
        K::InvalidBase64
    );
    assert_eq!(
        auth_challenge(&rep("235 ok\r\n")).unwrap_err().kind,
        K::UnexpectedReply
    );
    let mut b = BytesMut::new();
    encode::auth_challenge(b"Password:", &mut b);
    assert_eq!(&b[..], b"334 UGFzc3dvcmQ6\r\n");
    assert_eq!(sasl_response(b"*"), Ok(SaslResponse::Cancel));
    assert_eq!(
        sasl_response(b""),
        Ok(SaslResponse::Data(Secret::default()))
    );
    assert_eq!(
        sasl_response(b"Zm9v"),
        Ok(SaslResponse::Data(Secret::from("foo")))
    );
    assert_eq!(sasl_response(b"Zm9").unwrap_err().kind, K::InvalidBase64);
    let mut b = BytesMut::new();
    encode::sasl_response(&SaslResponse::Data(Secret::from("foo")), &mut b);
    encode::sasl_response(&SaslResponse::Cancel, &mut b);
    assert_eq!(&b[..], b"Zm9v\r\n*\r\n");
}

#[test]
fn constructors() {
    let m = Mailbox::new("a.b@example.com", false).unwrap();
    assert_eq!(m.local_part(), "a.b");
    assert!(Mailbox::new("ü@example.com", false).is_err());
    assert!(Mailbox::new("ü@example.com", true).is_ok());
    assert!(Mailbox::new("a@b@c", true).is_err());
    assert!(Domain::new("example.com", false).is_ok());
    assert!(Domain::new("exa mple.com", false).is_err());
    assert_eq!(XText::encode(b"a+b=c d").as_str(), "a+2Bb+3Dc+20d");
    assert_eq!(XText::encode(b"a+b=c d").decode(), b"a+b=c d");
    assert!(XText::from_encoded("ab+2B").is_ok());
    assert!(XText::from_encoded("ab+2b").is_err());
    let r = Reply::new(ReplyCode::OK, Some(EnhancedStatusCode::OK), "one\r\ntwo");
    let mut b = BytesMut::new();
    encode::reply(&r, &mut b);
    assert_eq!(&b[..], b"250-2.0.0 one\r\n250 2.0.0 two\r\n");
}

proptest::proptest! {
    /// The one-pass fast path for `dot-string@domain` agrees with the nom grammar wherever it
    /// answers.
    #[test]
    fn mailbox_fast_path_agrees_with_grammar(s in "[a-c.@\\-_!>\\[\\] 0-9]{0,24}") {
        let i = s.as_bytes();
        if let Some((local, len)) = mailbox_fast(i, false) {
            let (rest, span) = mailbox_grammar(i, false).expect("grammar accepts");
            proptest::prop_assert_eq!((span.local, span.len, rest.len()), (local, len, i.len() - len));
        }
    }

    /// A MAIL or RCPT line framed and parsed in one pass ([`path_command`]) is the line the
    /// full path frames at its first CRLF, and the command the full parse makes of it, under
    /// strict and lenient options and a tight line limit.
    #[test]
    fn path_command_agrees_with_the_full_parse(
        verb in proptest::sample::select(vec![
            "RCPT TO:", "rcpt To:", "MAIL FROM:", "mail from:", "RCPT TO: ", "MAIL FROM:",
            "RCPT  TO:", "RCPTX TO:",
        ]),
        path in proptest::prop_oneof![
            "<[a-c_]{1,3}(\\.[a-c0-9]{1,3})?@[a-c0-9]{1,4}(\\.[a-c0-9\\-]{1,4}){0,2}>",
            "<?[a-c.@\\-_!0-9\\[\\]\"]{0,20}>?",
        ],
        params in proptest::collection::vec(proptest::prop_oneof![3 => proptest::sample::select(vec![
            " NOTIFY=SUCCESS,FAILURE", " ORCPT=rfc822;a@b.c", " SIZE=10", " BODY=8BITMIME",
            " X-Y=z", " RET=HDRS",
        ]), 1 => proptest::sample::select(vec![
            " NOTIFY=SUCCESS,FAILURE", " NOTIFY=NEVER", " NOTIFY=never,DELAY",
            " ORCPT=rfc822;a@b.c", " ORCPT=rfc822;a+2Bb@c", " ORCPT=utf-8;a@b", " SIZE=10",
            " SIZE=x", " BODY=8BITMIME", " RET=HDRS", " ENVID=a+2Bb", " SMTPUTF8", " X-Y=z",
            " X-Y", " RRVS=2025-01-01T00:00:00Z;C", " ", " =", "=", "\u{e9}", "\0", "\n", "\r",
            " AUTH=<>",
        ])], 0..4),
        end in proptest::prop_oneof![
            6 => proptest::strategy::Just("\r\n"),
            1 => proptest::sample::select(vec!["\n", "\r", "", "\r\r\n"]),
        ],
        next in proptest::sample::select(vec!["", "RCPT TO:<x@y.z>\r\n", "DATA\r\n"]),
        lenient in proptest::bool::ANY,
        limit in proptest::sample::select(vec![512usize, 40]),
    ) {
        let opts = if lenient { ParseOptions::lenient() } else { ParseOptions::default() };
        let buf = format!("{verb}{path}{}{end}{next}", params.concat()).into_bytes();
        if let Some((command, total)) = path_command(&buf, &opts, limit) {
            let lf = buf.iter().position(|&b| b == b'\n').expect("a framed line");
            proptest::prop_assert_eq!(total, lf + 1);
            proptest::prop_assert_eq!(buf[lf - 1], b'\r');
            proptest::prop_assert!(total <= limit);
            proptest::prop_assert_eq!(command_in(&buf, total - 2, &opts), Ok(command));
        }
    }
}

/// The usual transaction lines do take the one-pass path (or the test above proves nothing).
#[test]
fn path_command_takes_the_usual_lines() {
    let opts = ParseOptions::default();
    for line in [
        "RCPT TO:<user.5@mail5.example.net>\r\n",
        "rcpt to:<a@b>\r\nDATA\r\n",
        "RCPT TO:<r@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;r@example.org\r\n",
        "MAIL FROM:<s.n@example.com> SIZE=48213 BODY=8BITMIME RET=HDRS ENVID=QQ314159\r\n",
    ] {
        let (command, total) = path_command(line.as_bytes(), &opts, 512).expect(line);
        let first = &line[..line.find('\n').unwrap() - 1];
        assert_eq!(total, first.len() + 2);
        assert_eq!(Ok(command), cmd(first), "{line}");
    }
    // the rest goes the full way: no CRLF yet, null path, spaces, a bad parameter, over the limit
    for line in [
        "RCPT TO:<a@b>",
        "RCPT TO:<a@b>\r",
        "MAIL FROM:<>\r\n",
        "RCPT TO: <a@b>\r\n",
        "RCPT TO:<a@b> NOTIFY=BOGUS\r\n",
        "RCPT TO:<a@b> NOTIFY=SUCCESS\n",
        "RCPT TO:<a@b> X=\u{e9}\r\n",
    ] {
        assert!(
            path_command(line.as_bytes(), &opts, 512).is_none(),
            "{line}"
        );
    }
    assert!(path_command(b"RCPT TO:<a@b.c>\r\n", &opts, 16).is_none());
    assert!(path_command(b"RCPT TO:<a@b.c>\r\n", &opts, 17).is_some());
}

/// The reply code made from the digits the line check accepted is the checked constructor's,
/// and the two accept the same codes.
#[test]
fn reply_code_from_checked_digits_is_reply_code_new() {
    for n in 0..1000u16 {
        let d = [
            b'0' + (n / 100) as u8,
            b'0' + (n / 10 % 10) as u8,
            b'0' + (n % 10) as u8,
        ];
        match reply_line_head(&d) {
            Some(_) => assert_eq!(Some(reply_code(d)), ReplyCode::new(n), "{n}"),
            None => assert_eq!(ReplyCode::new(n), None, "{n}"),
        }
    }
}
