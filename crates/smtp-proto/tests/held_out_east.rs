//! Held-out acceptance cases for the SMTP client session, drawn from the SMTP test cases of
//! EAST, the artefacts of "Why TLS is better without STARTTLS" (USENIX Security 2021),
//! repository `FHMS-ITS/EAST`, files `fake_mail_server/testcases/smtp/**/*.ron` (the
//! repository states no licence for them). Only the inputs were taken: the reply a fake server
//! sends at each point (greeting, EHLO, HELO, RSET, QUIT, STARTTLS), the capabilities it
//! advertises and the STARTTLS response buffering/injection scenario. The expected behaviour
//! comes from RFC 5321 and RFC 3207, not from EAST; the test code is our own. Cases marked
//! "variant" are small derivations of an EAST input, not EAST cases.
#![allow(clippy::disallowed_methods, clippy::unwrap_used)]

mod common;

use std::time::Instant;

use common::{events, out, secs, t0};
use smtp_proto::client::{self, ApiMisuse, Client, Event, RequestId, State, TimeoutPhase};
use smtp_proto::types::{AuthMechanism, Command};

// -----------------------------------------------------------------------------------------
// driving
// -----------------------------------------------------------------------------------------

/// Where in the session the server's odd reply arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum At {
    /// As the greeting.
    Greeting,
    /// As the reply to EHLO.
    Ehlo,
    /// As the reply to HELO, after EHLO was refused with `500` (EAST `helo/ehlo500_*`).
    Helo,
    /// As the reply to RSET, after EHLO was refused with `500` and HELO accepted
    /// (EAST `rset/ehlo500_*`).
    Rset,
    /// As the reply to QUIT, after a `500` greeting (EAST `quit/greeting500_*`).
    QuitAfterRefusedGreeting,
    /// As the reply to QUIT in an established session (variant of EAST `quit/*`).
    Quit,
    /// As the reply to STARTTLS, the server having advertised STARTTLS
    /// (EAST `starttls/*`, `Negotiation/O_2..O_4`).
    StartTls,
}

/// Brings a fresh client to the point where the reply `at` is awaited. Returns the id of the
/// request that reply answers, when there is one.
fn drive_to(at: At) -> (Client, Instant, Option<RequestId>) {
    let now = t0();
    let mut c = Client::new(client::Config::default(), now);
    let mut id = None;
    let greet = |c: &mut Client| {
        c.handle_input(now, b"220 example.org ESMTP\r\n");
        assert_eq!(out(c), "EHLO localhost\r\n");
    };
    let helo_fallback = |c: &mut Client| {
        greet(c);
        c.handle_input(now, b"500 Syntax error, command unrecognized\r\n");
        assert_eq!(out(c), "HELO localhost\r\n");
        c.handle_input(now, b"250 example.org\r\n");
        assert!(c.is_ready());
    };
    match at {
        At::Greeting => {}
        At::Ehlo => greet(&mut c),
        At::Helo => {
            greet(&mut c);
            c.handle_input(now, b"500 Syntax error, command unrecognized\r\n");
            assert_eq!(out(&mut c), "HELO localhost\r\n");
        }
        At::Rset => {
            helo_fallback(&mut c);
            id = Some(c.send(now, Command::Rset).unwrap());
            assert_eq!(out(&mut c), "RSET\r\n");
        }
        At::QuitAfterRefusedGreeting => {
            c.handle_input(now, b"500 Syntax error, command unrecognized\r\n");
            assert_eq!(out(&mut c), "QUIT\r\n");
            assert!(c.is_closed());
        }
        At::Quit => {
            greet(&mut c);
            c.handle_input(now, b"250-example.org\r\n250 STARTTLS\r\n");
            id = Some(c.quit(now).unwrap());
            assert_eq!(out(&mut c), "QUIT\r\n");
        }
        At::StartTls => {
            greet(&mut c);
            c.handle_input(now, b"250-example.org\r\n250 STARTTLS\r\n");
            id = Some(c.starttls(now).unwrap());
            assert_eq!(out(&mut c), "STARTTLS\r\n");
        }
    }
    let _ = events(&mut c);
    (c, now, id)
}

/// Why the session may end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    GreetingRefused,
    HelloRejected,
    ServiceNotAvailable,
    UnexpectedReply,
    Quit,
}

fn end_of(e: &client::Error) -> Option<End> {
    Some(match e {
        client::Error::GreetingRefused { .. } => End::GreetingRefused,
        client::Error::HelloRejected { .. } => End::HelloRejected,
        client::Error::ServiceNotAvailable { .. } => End::ServiceNotAvailable,
        client::Error::UnexpectedReply { .. } => End::UnexpectedReply,
        client::Error::Quit => End::Quit,
        _ => return None,
    })
}

/// What the client must do with the reply.
#[derive(Clone, Copy, Debug)]
enum Then {
    /// Greeting accepted: `GreetingReceived`, then EHLO on the wire.
    SendsEhlo,
    /// EHLO/HELO accepted (RFC 5321 §4.2.1: the first digit decides): `HelloCompleted`, the
    /// session is ready and (the reply listing no extension) STARTTLS is not offered.
    HelloDone,
    /// EHLO refused with 5xx: HELO goes out (RFC 5321 §4.1.4, §3.2).
    FallsBackToHelo,
    /// The reply is handed to the application as the answer to its request; the session
    /// stays ready, in clear text, and sends nothing by itself.
    Answered,
    /// STARTTLS accepted: `TlsUpgradeReady`, nothing sent (RFC 3207 §4).
    TlsReady,
    /// The session ends for one of these reasons. It may send QUIT (`quit_required`: it must,
    /// RFC 5321 §3.1 for a 554 greeting) and nothing else.
    Closes(&'static [End], bool),
    /// The session had already ended: the reply is ignored (no event, no bytes).
    Ignored,
}

struct Case {
    /// EAST file (under `fake_mail_server/testcases/smtp/`), or "variant of ...".
    source: &'static str,
    at: At,
    server: &'static str,
    then: Then,
}

const fn case(source: &'static str, at: At, server: &'static str, then: Then) -> Case {
    Case {
        source,
        at,
        server,
        then,
    }
}

const UNEXPECTED: &[End] = &[End::UnexpectedReply];
const REFUSED: &[End] = &[End::GreetingRefused];
const REFUSED_OR_UNEXPECTED: &[End] = &[End::GreetingRefused, End::UnexpectedReply];
const CLOSING: &[End] = &[End::ServiceNotAvailable];
const REJECTED: &[End] = &[End::HelloRejected];
const QUIT: &[End] = &[End::Quit];
const QUIT_OR_UNEXPECTED: &[End] = &[End::Quit, End::UnexpectedReply];

const S500: &str = "500 Syntax error, command unrecognized\r\n";
const S501: &str = "501 Syntax error in command or arguments\r\n";
const S530: &str = "530 Must issue STARTTLS first\r\n";
const S421: &str = "421 Service shutting down\r\n";
const S354: &str = "354 Start mail input; End with <CRLF>.<CRLF>\r\n";
const S221: &str = "221 Closing connection!\r\n";

#[rustfmt::skip]
const CASES: &[Case] = &[
    // Greeting (RFC 5321 §3.1, §4.3.2: 220 or 554; 421 closes, §3.8).
    case("others/greeting/220.ron", At::Greeting, "220 smtp.example.com ESMTP ready\r\n", Then::SendsEhlo),
    case("others/greeting/221.ron", At::Greeting, "221 Service closing transmission channel\r\n", Then::Closes(REFUSED, false)),
    case("others/greeting/354.ron", At::Greeting, S354, Then::Closes(REFUSED_OR_UNEXPECTED, false)),
    case("others/greeting/421.ron", At::Greeting, S421, Then::Closes(CLOSING, false)),
    case("others/greeting/500.ron", At::Greeting, S500, Then::Closes(REFUSED, false)),
    case("others/greeting/501.ron", At::Greeting, S501, Then::Closes(REFUSED, false)),
    case("others/greeting/530.ron", At::Greeting, S530, Then::Closes(REFUSED, false)),
    case("others/greeting/554.ron", At::Greeting, "554 No SMTP service here\r\n", Then::Closes(REFUSED, true)),
    // EHLO (RFC 5321 §4.1.4: 5xx means "use HELO"; 421 closes; 354 is no reply to EHLO).
    case("others/ehlo/220.ron", At::Ehlo, "220 EHLO client!\r\n", Then::HelloDone),
    case("others/ehlo/221.ron", At::Ehlo, "221 EHLO client!\r\n", Then::HelloDone),
    case("others/ehlo/250-empty.ron", At::Ehlo, "250 example.org\r\n", Then::HelloDone),
    case("others/ehlo/354.ron", At::Ehlo, S354, Then::Closes(UNEXPECTED, false)),
    case("others/ehlo/421.ron", At::Ehlo, S421, Then::Closes(CLOSING, false)),
    case("others/ehlo/500.ron", At::Ehlo, S500, Then::FallsBackToHelo),
    case("others/ehlo/501.ron", At::Ehlo, S501, Then::FallsBackToHelo),
    case("others/ehlo/502.ron", At::Ehlo, "502 Command not implemnted\r\n", Then::FallsBackToHelo),
    case("others/ehlo/504.ron", At::Ehlo, "504 Command Parameter not implemented\r\n", Then::FallsBackToHelo),
    case("others/ehlo/530.ron", At::Ehlo, S530, Then::FallsBackToHelo),
    case("others/ehlo/550.ron", At::Ehlo, "550 Requested action not taken: Command rejected\r\n", Then::FallsBackToHelo),
    // HELO after EHLO 500 (nothing left to fall back to).
    case("others/helo/ehlo500_helo220.ron", At::Helo, "220 HELO client!\r\n", Then::HelloDone),
    case("others/helo/ehlo500_helo221.ron", At::Helo, S221, Then::HelloDone),
    case("others/helo/ehlo500_helo354.ron", At::Helo, S354, Then::Closes(UNEXPECTED, false)),
    case("others/helo/ehlo500_helo421.ron", At::Helo, S421, Then::Closes(CLOSING, false)),
    case("others/helo/ehlo500_helo500.ron", At::Helo, S500, Then::Closes(REJECTED, false)),
    case("others/helo/ehlo500_helo501.ron", At::Helo, S501, Then::Closes(REJECTED, false)),
    case("others/helo/ehlo500_helo530.ron", At::Helo, S530, Then::Closes(REJECTED, false)),
    // RSET (RFC 5321 §4.1.1.5; the reply is the application's; 354 and 421 are not).
    case("others/rset/ehlo500_rset220.ron", At::Rset, "220 RSET client!\r\n", Then::Answered),
    case("others/rset/ehlo500_rset221.ron", At::Rset, S221, Then::Answered),
    case("others/rset/ehlo500_rset354.ron", At::Rset, S354, Then::Closes(UNEXPECTED, false)),
    case("others/rset/ehlo500_rset421.ron", At::Rset, S421, Then::Closes(CLOSING, false)),
    case("others/rset/ehlo500_rset500.ron", At::Rset, S500, Then::Answered),
    case("others/rset/ehlo500_rset501.ron", At::Rset, S501, Then::Answered),
    case("others/rset/ehlo500_rset530.ron", At::Rset, S530, Then::Answered),
    // QUIT after a refused greeting: the session already ended when it sent QUIT.
    case("others/quit/greeting500_quit220.ron", At::QuitAfterRefusedGreeting, "220 OK client!\r\n", Then::Ignored),
    case("others/quit/greeting500_quit221.ron", At::QuitAfterRefusedGreeting, S221, Then::Ignored),
    case("others/quit/greeting500_quit354.ron", At::QuitAfterRefusedGreeting, S354, Then::Ignored),
    case("others/quit/greeting500_quit421.ron", At::QuitAfterRefusedGreeting, S421, Then::Ignored),
    case("others/quit/greeting500_quit500.ron", At::QuitAfterRefusedGreeting, S500, Then::Ignored),
    case("others/quit/greeting500_quit501.ron", At::QuitAfterRefusedGreeting, S501, Then::Ignored),
    case("others/quit/greeting500_quit530.ron", At::QuitAfterRefusedGreeting, S530, Then::Ignored),
    // QUIT in an established session: whatever the reply, the session is over (§4.1.1.10).
    case("variant of others/quit/greeting500_quit220.ron", At::Quit, "220 OK client!\r\n", Then::Closes(QUIT, false)),
    case("variant of others/quit/greeting500_quit221.ron", At::Quit, S221, Then::Closes(QUIT, false)),
    case("variant of others/quit/greeting500_quit354.ron", At::Quit, S354, Then::Closes(QUIT_OR_UNEXPECTED, false)),
    case("variant of others/quit/greeting500_quit421.ron", At::Quit, S421, Then::Closes(QUIT, false)),
    case("variant of others/quit/greeting500_quit500.ron", At::Quit, S500, Then::Closes(QUIT, false)),
    case("variant of others/quit/greeting500_quit501.ron", At::Quit, S501, Then::Closes(QUIT, false)),
    case("variant of others/quit/greeting500_quit530.ron", At::Quit, S530, Then::Closes(QUIT, false)),
    // STARTTLS (RFC 3207 §4: 220 starts TLS; anything else is a refusal for the application
    // to judge, never a reason to start TLS or to say anything by itself).
    case("others/starttls/220.ron", At::StartTls, "220 EHLO client!\r\n", Then::TlsReady),
    case("others/starttls/221.ron", At::StartTls, S221, Then::Answered),
    case("others/starttls/354.ron", At::StartTls, S354, Then::Closes(UNEXPECTED, false)),
    case("others/starttls/421.ron", At::StartTls, S421, Then::Closes(CLOSING, false)),
    case("others/starttls/454.ron", At::StartTls, "454 TLS not available due to temporary reason\r\n", Then::Answered),
    case("others/starttls/500.ron", At::StartTls, S500, Then::Answered),
    case("others/starttls/501.ron", At::StartTls, S501, Then::Answered),
    case("others/starttls/530.ron", At::StartTls, S530, Then::Answered),
    case("Negotiation/O_2.ron", At::StartTls, "502 Command not implemented\r\n", Then::Answered),
    case("Negotiation/O_3.ron", At::StartTls, "454 TLS not available due to temporary reason\r\n", Then::Answered),
    case("Negotiation/O_4.ron", At::StartTls, "354 do something else\r\n", Then::Closes(UNEXPECTED, false)),
];

fn reply_code(e: &Event) -> Option<u16> {
    match e {
        Event::GreetingReceived { reply }
        | Event::HelloCompleted { reply }
        | Event::ReplyReceived { reply, .. } => Some(reply.code().get()),
        _ => None,
    }
}

/// Feeds the case's bytes (whole, or one byte at a time) and checks the outcome.
fn run_case(k: &Case, bytewise: bool) {
    let what = format!(
        "{} ({})",
        k.source,
        if bytewise { "bytewise" } else { "whole" }
    );
    let (mut c, now, id) = drive_to(k.at);
    let code: u16 = k.server[..3].parse().unwrap();
    if bytewise {
        for b in k.server.as_bytes() {
            c.handle_input(now, std::slice::from_ref(b));
        }
    } else {
        c.handle_input(now, k.server.as_bytes());
    }
    let ev = events(&mut c);
    let sent = out(&mut c);
    match k.then {
        Then::SendsEhlo => {
            assert_eq!(ev.len(), 1, "{what}: {ev:?}");
            assert!(
                matches!(ev[0], Event::GreetingReceived { .. }),
                "{what}: {ev:?}"
            );
            assert_eq!(sent, "EHLO localhost\r\n", "{what}");
            assert_eq!(c.state(), State::Hello, "{what}");
        }
        Then::HelloDone => {
            assert_eq!(ev.len(), 1, "{what}: {ev:?}");
            assert!(
                matches!(ev[0], Event::HelloCompleted { .. }),
                "{what}: {ev:?}"
            );
            assert_eq!(reply_code(&ev[0]), Some(code), "{what}");
            assert_eq!(sent, "", "{what}");
            assert!(c.is_ready(), "{what}");
            assert!(!c.capabilities().unwrap().starttls(), "{what}");
            assert_eq!(
                c.starttls(now),
                Err(ApiMisuse::NotOffered("STARTTLS")),
                "{what}"
            );
            assert_eq!(out(&mut c), "", "{what}");
        }
        Then::FallsBackToHelo => {
            assert!(ev.is_empty(), "{what}: {ev:?}");
            assert_eq!(sent, "HELO localhost\r\n", "{what}");
            assert_eq!(c.state(), State::Hello, "{what}");
            c.handle_input(now, b"250 example.org\r\n");
            assert!(
                matches!(events(&mut c)[..], [Event::HelloCompleted { .. }]),
                "{what}"
            );
            assert!(c.is_ready(), "{what}");
            assert!(!c.capabilities().unwrap().starttls(), "{what}");
        }
        Then::Answered => {
            assert_eq!(ev.len(), 1, "{what}: {ev:?}");
            assert!(
                matches!(&ev[0], Event::ReplyReceived { id: got, .. } if Some(*got) == id),
                "{what}: {ev:?}"
            );
            assert_eq!(reply_code(&ev[0]), Some(code), "{what}");
            assert_eq!(sent, "", "{what}");
            assert!(c.is_ready(), "{what}");
            assert!(!c.is_tls(), "{what}");
        }
        Then::TlsReady => {
            assert!(matches!(ev[..], [Event::TlsUpgradeReady]), "{what}: {ev:?}");
            assert_eq!(sent, "", "{what}");
            assert_eq!(c.state(), State::TlsHandshake, "{what}");
            c.handle_tls_established(now).unwrap();
            assert!(c.is_tls(), "{what}");
            assert!(c.capabilities().is_none(), "{what}");
            assert_eq!(out(&mut c), "EHLO localhost\r\n", "{what}");
        }
        Then::Closes(ends, quit_required) => {
            let reason = match ev.last() {
                Some(Event::Closed { reason }) => reason,
                _ => panic!("{what}: no Closed event: {ev:?}"),
            };
            let end = end_of(reason);
            assert!(end.is_some_and(|e| ends.contains(&e)), "{what}: {reason:?}");
            if quit_required {
                assert_eq!(sent, "QUIT\r\n", "{what}");
            } else {
                assert!(sent.is_empty() || sent == "QUIT\r\n", "{what}: {sent:?}");
            }
            assert!(c.is_closed(), "{what}");
            assert!(c.poll_timeout().is_none(), "{what}");
        }
        Then::Ignored => {
            assert!(ev.is_empty(), "{what}: {ev:?}");
            assert_eq!(sent, "", "{what}");
            assert!(c.is_closed(), "{what}");
        }
    }
    // No hang: whenever the session waits for the server, it has a deadline.
    if matches!(
        c.state(),
        State::Greeting | State::Hello | State::Busy | State::Transaction
    ) {
        assert!(c.poll_timeout().is_some(), "{what}: waits without deadline");
    }
    // Once closed, nothing the server sends or does has any effect.
    if c.is_closed() {
        c.handle_input(now, b"250 late\r\n");
        c.handle_eof(now);
        c.handle_timeout(now + secs(3600));
        assert!(events(&mut c).is_empty(), "{what}");
        assert_eq!(out(&mut c), "", "{what}");
    }
}

#[test]
fn east_odd_replies_table() {
    assert_eq!(CASES.len(), 58);
    for k in CASES {
        run_case(k, false);
        run_case(k, true);
    }
}

// -----------------------------------------------------------------------------------------
// capability and negotiation cases
// -----------------------------------------------------------------------------------------

/// The AUTH list of EAST `others/ehlo/250-all-no-starttls.ron` and `others/X_1.ron`.
const ALL_MECHS: &[&str] = &[
    "0SNET",
    "ANONYMOUS",
    "APOP",
    "ATOKEN",
    "CRAM_MD5",
    "CRAM-MD5",
    "CRAM-MD52",
    "CRAM-MD5-LOCAL",
    "CRAM-MD5_NOP_IN",
    "CRAM-RIPEMD",
    "CRAM-SHA1",
    "CRAM-SHA256",
    "CRAM-SHA512",
    "CRYPT",
    "DIGEST-MD5",
    "DPLAIN",
    "EXTERNAL",
    "GS2-IAKERB",
    "GS2-KRB5",
    "GSSAPI",
    "GSS-SPNEGO",
    "HASH",
    "LOGIN",
    "LOGIN1",
    "LOGIN2",
    "LOGIN_2",
    "LOGIN-LDAP",
    "LOGIN_MYSQL",
    "LOGIN_OLD",
    "LOGIN_OUD",
    "LOGIN_SEG",
    "MD5",
    "MD5-CRYPT",
    "MSN",
    "NTLM",
    "OAUTHBEARER",
    "OLD_LOGIN",
    "OMD3-MD5",
    "OTP",
    "OWSADMIN",
    "PLAIN",
    "PLAIN2",
    "PLAIN_3",
    "PLAIN-CLIENTTOKEN",
    "PLAIN-MD5",
    "PLAIN_MYSQL",
    "RPA",
    "RSA-AUTH",
    "SASLPLAIN",
    "SCRAM-MD5",
    "SCRAM-SHA-1",
    "SCRAM-SHA-256",
    "SECURID",
    "SHA-1",
    "SKEY",
    "SPA",
    "SSL-REQUIRED",
    "X-0THROOT",
    "XALIOAUTH",
    "XOAUTH",
    "XOAUTH2",
    "XYMCOOKIE",
    "XYMYCONNECT",
];

/// EAST `others/ehlo/250-all-no-starttls.ron` and `others/X_1.ron`: a long AUTH list and no
/// STARTTLS, on one over-long line. Every mechanism is kept, and the client never sends STARTTLS (so X_1's `502`
/// to STARTTLS is never provoked).
#[test]
fn ehlo_all_auth_mechanisms_without_starttls() {
    let (mut c, now, _) = drive_to(At::Ehlo);
    let reply = format!("250-example.org\r\n250 AUTH {}\r\n", ALL_MECHS.join(" "));
    // The AUTH line is longer than the 512 octets of RFC 5321 §4.5.3.1.5; §4.5.3.1 asks
    // to be liberal, and the default reply limit allows it.
    assert!(reply.len() > 512);
    c.handle_input(now, reply.as_bytes());
    assert!(matches!(events(&mut c)[..], [Event::HelloCompleted { .. }]));
    let caps = c.capabilities().unwrap();
    let got: Vec<String> = caps
        .auth_mechanisms()
        .iter()
        .map(|m| m.as_str().to_owned())
        .collect();
    assert_eq!(got, ALL_MECHS);
    assert!(caps.offers_auth(&AuthMechanism::Plain));
    assert!(caps.offers_auth(&AuthMechanism::Login));
    assert!(!caps.starttls());
    assert_eq!(c.starttls(now), Err(ApiMisuse::NotOffered("STARTTLS")));
    assert_eq!(out(&mut c), "");
    assert!(c.is_ready());
}

/// EAST `Negotiation/O_1.ron`: AUTH offered, STARTTLS not advertised. The client must not
/// send STARTTLS at all.
#[test]
fn starttls_not_advertised_is_never_sent() {
    let (mut c, now, _) = drive_to(At::Ehlo);
    c.handle_input(now, b"250-example.org\r\n250 AUTH PLAIN LOGIN\r\n");
    let _ = events(&mut c);
    assert_eq!(c.starttls(now), Err(ApiMisuse::NotOffered("STARTTLS")));
    assert_eq!(out(&mut c), "");
    assert!(c.is_ready());
}

/// EAST `Negotiation/D_1.ron`: a server that hides EHLO and STARTTLS (EHLO unrecognised).
/// HELO follows; no extension (so no STARTTLS) is assumed.
#[test]
fn server_without_ehlo_gets_helo_and_no_extensions() {
    let (mut c, now, _) = drive_to(At::Ehlo);
    c.handle_input(now, b"500 5.5.1 Command unrecognized\r\n");
    assert_eq!(out(&mut c), "HELO localhost\r\n");
    c.handle_input(now, b"250 example.org\r\n");
    assert!(matches!(events(&mut c)[..], [Event::HelloCompleted { .. }]));
    let caps = c.capabilities().unwrap();
    assert!(!caps.starttls());
    assert!(caps.auth_mechanisms().is_empty());
    assert!(!caps.pipelining());
    assert_eq!(c.starttls(now), Err(ApiMisuse::NotOffered("STARTTLS")));
    assert_eq!(out(&mut c), "");
}

/// A refused STARTTLS (EAST `Negotiation/O_3.ron`, 454) leaves the session in clear text
/// and usable; the application may still quit cleanly.
#[test]
fn refused_starttls_then_quit() {
    let (mut c, now, id) = drive_to(At::StartTls);
    c.handle_input(now, b"454 TLS not available due to temporary reason\r\n");
    let ev = events(&mut c);
    assert!(
        matches!(&ev[..], [Event::ReplyReceived { id: got, .. }] if Some(*got) == id),
        "{ev:?}"
    );
    assert!(!c.is_tls());
    assert_eq!(
        c.handle_tls_established(now),
        Err(ApiMisuse::WrongState("no STARTTLS handshake is pending"))
    );
    c.quit(now).unwrap();
    assert_eq!(out(&mut c), "QUIT\r\n");
    c.handle_input(now, b"221 bye\r\n");
    assert!(matches!(
        events(&mut c)[..],
        [Event::Closed {
            reason: client::Error::Quit
        }]
    ));
}

// -----------------------------------------------------------------------------------------
// STARTTLS response buffering (EAST Buffering/B_1.ron)
// -----------------------------------------------------------------------------------------

/// The STARTTLS response of EAST `Buffering/B_1.ron`: the `220` with a forged EHLO answer
/// behind it.
const B1_STLS: &str = "220 Ready to start TLS\r\n250-example.org\r\n250 AUTH LOGIN\r\n";
const B1_INJECTED: usize = B1_STLS.len() - "220 Ready to start TLS\r\n".len();

fn discarded(ev: &[Event]) -> usize {
    ev.iter()
        .map(|e| match e {
            Event::PlaintextDiscarded { len } => *len,
            _ => 0,
        })
        .sum()
}

/// B_1 step 1 and 2 together: the injected EHLO answer precedes the handshake and the real
/// server never answers the EHLO inside TLS (`ignore_commands_tls: ["ehlo"]`). The forged
/// reply must not complete the TLS EHLO: the client keeps waiting, with a deadline, and then
/// times out.
#[test]
fn b1_injected_ehlo_answer_is_not_taken_for_the_tls_ehlo_reply() {
    let (mut c, now, _) = drive_to(At::StartTls);
    c.handle_input(now, B1_STLS.as_bytes());
    let ev = events(&mut c);
    assert!(matches!(ev.first(), Some(Event::TlsUpgradeReady)), "{ev:?}");
    assert_eq!(discarded(&ev), B1_INJECTED, "{ev:?}");
    assert!(
        !ev.iter().any(|e| matches!(e, Event::HelloCompleted { .. })),
        "{ev:?}"
    );
    assert_eq!(out(&mut c), "");
    c.handle_tls_established(now).unwrap();
    assert_eq!(out(&mut c), "EHLO localhost\r\n");
    assert!(events(&mut c).is_empty());
    assert!(c.capabilities().is_none());
    assert!(!c.is_ready());
    assert_eq!(c.state(), State::Hello);
    let deadline = c.poll_timeout().expect("waiting for EHLO needs a deadline");
    c.handle_timeout(deadline);
    assert!(matches!(
        events(&mut c)[..],
        [Event::Closed {
            reason: client::Error::Timeout {
                phase: TimeoutPhase::Command
            }
        }]
    ));
}

/// B_1 with the real TLS EHLO answer (`capabilities_tls: [Auth([Plain, Login])]`): the
/// capabilities come from it alone, and only one `HelloCompleted` follows the handshake.
#[test]
fn b1_capabilities_after_tls_come_from_the_tls_ehlo_only() {
    let (mut c, now, _) = drive_to(At::StartTls);
    c.handle_input(now, B1_STLS.as_bytes());
    let _ = events(&mut c);
    c.handle_tls_established(now).unwrap();
    assert_eq!(out(&mut c), "EHLO localhost\r\n");
    c.handle_input(now, b"250-example.org\r\n250 AUTH PLAIN\r\n");
    let ev = events(&mut c);
    assert!(matches!(ev[..], [Event::HelloCompleted { .. }]), "{ev:?}");
    let caps = c.capabilities().unwrap();
    assert_eq!(caps.auth_mechanisms(), vec![AuthMechanism::Plain]);
    assert!(!caps.offers_auth(&AuthMechanism::Login));
    assert!(c.is_ready());
}

/// Variant of B_1: the `220` arrives split, the injected bytes ride in the same segment as
/// its end, and more arrive later; every injected octet is discarded, none is acted on.
#[test]
fn b1_split_220_with_injection_in_later_segments() {
    let (mut c, now, _) = drive_to(At::StartTls);
    let (a, rest) = B1_STLS.split_at(10);
    let (b, d) = rest.split_at(20); // ends inside the forged lines
    c.handle_input(now, a.as_bytes());
    assert!(events(&mut c).is_empty());
    c.handle_input(now, b.as_bytes());
    c.handle_input(now, d.as_bytes());
    let ev = events(&mut c);
    assert!(matches!(ev.first(), Some(Event::TlsUpgradeReady)), "{ev:?}");
    assert_eq!(discarded(&ev), B1_INJECTED, "{ev:?}");
    assert_eq!(ev.len(), 3, "{ev:?}");
    assert_eq!(out(&mut c), "");
    assert_eq!(c.state(), State::TlsHandshake);
}

/// Variant of B_1: the injection is a partial line (no CRLF yet). It must be discarded too,
/// not kept to be completed by the first bytes after the handshake.
#[test]
fn b1_partial_injected_line_is_not_carried_into_tls() {
    let (mut c, now, _) = drive_to(At::StartTls);
    c.handle_input(now, b"220 Ready to start TLS\r\n250 AU");
    let ev = events(&mut c);
    assert!(
        matches!(
            ev[..],
            [Event::TlsUpgradeReady, Event::PlaintextDiscarded { len: 6 }]
        ),
        "{ev:?}"
    );
    c.handle_tls_established(now).unwrap();
    assert_eq!(out(&mut c), "EHLO localhost\r\n");
    // Had "250 AU" been kept, this would read as "250 AUTH LOGIN".
    c.handle_input(now, b"TH LOGIN\r\n");
    let ev = events(&mut c);
    assert!(
        matches!(
            ev[..],
            [Event::Closed {
                reason: client::Error::Protocol(_)
            }]
        ),
        "{ev:?}"
    );
}

/// Variant of B_1: the injection is a `421` behind the `220`. It is plaintext after the
/// `220` and must be discarded like any other bytes, not end the session.
#[test]
fn b1_injected_421_after_220_is_discarded() {
    let (mut c, now, _) = drive_to(At::StartTls);
    let forged = "421 forged shutdown\r\n";
    c.handle_input(
        now,
        format!("220 Ready to start TLS\r\n{forged}").as_bytes(),
    );
    let ev = events(&mut c);
    assert!(
        matches!(
            ev[..],
            [Event::TlsUpgradeReady, Event::PlaintextDiscarded { len }] if len == forged.len()
        ),
        "{ev:?}"
    );
    assert!(!c.is_closed());
    assert_eq!(c.state(), State::TlsHandshake);
}
