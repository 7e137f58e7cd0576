//! Client session behaviour against scripted server bytes, including regressions.
#![allow(clippy::disallowed_methods, clippy::unwrap_used)]

mod common;

use common::*;
use smtp_proto::client::{self, ApiMisuse, Client, Envelope, Event, State};
use smtp_proto::types::Command;

fn greeted(caps: &str) -> (Client, std::time::Instant) {
    let now = t0();
    let mut c = Client::new(client::Config::default(), now);
    assert_eq!(c.state(), State::Greeting);
    c.handle_input(now, b"220 mx ESMTP\r\n");
    assert_eq!(out(&mut c), "EHLO localhost\r\n");
    c.handle_input(now, format!("250-mx\r\n{caps}").as_bytes());
    let ev = events(&mut c);
    assert!(
        matches!(ev.last(), Some(Event::HelloCompleted { .. })),
        "{ev:?}"
    );
    assert_eq!(c.state(), State::Ready);
    (c, now)
}

#[test]
fn ehlo_refused_falls_back_to_helo() {
    let now = t0();
    let mut c = Client::new(client::Config::default(), now);
    c.handle_input(now, b"220 old.example\r\n");
    assert_eq!(out(&mut c), "EHLO localhost\r\n");
    c.handle_input(now, b"502 Command not implemented\r\n");
    assert_eq!(out(&mut c), "HELO localhost\r\n");
    c.handle_input(now, b"250 old.example\r\n");
    assert!(c.is_ready());
    assert!(!c.capabilities().unwrap().pipelining());
}

#[test]
fn greeting_554_ends_the_session_politely() {
    let now = t0();
    let mut c = Client::new(client::Config::default(), now);
    c.handle_input(now, b"554 no service\r\n");
    assert_eq!(out(&mut c), "QUIT\r\n");
    assert!(matches!(
        events(&mut c).last(),
        Some(Event::Closed {
            reason: client::Error::GreetingRefused { .. }
        })
    ));
    assert!(c.is_closed());
    assert_eq!(c.quit(now), Err(ApiMisuse::Closed));
}

#[test]
fn reply_421_in_the_middle_of_a_pipelined_transaction() {
    let (mut c, now) = greeted("250 PIPELINING\r\n");
    c.send_message(
        now,
        Envelope::new(sender("a@b.c"), vec![rcpt("d@e.f"), rcpt("g@e.f")]),
        bytes("hi\r\n"),
    )
    .unwrap();
    let sent = out(&mut c);
    assert_eq!(
        sent,
        "MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nRCPT TO:<g@e.f>\r\nDATA\r\n"
    );
    c.handle_input(now, b"250 ok\r\n421 4.3.2 shutting down\r\n");
    let ev = events(&mut c);
    assert!(
        matches!(ev.last(), Some(Event::Closed { reason: client::Error::ServiceNotAvailable { reply } }) if reply.code().get() == 421),
        "{ev:?}"
    );
    assert!(c.is_closed());
    assert!(c.poll_timeout().is_none());
}

#[test]
fn starttls_response_injection_is_discarded() {
    let (mut c, now) = greeted("250 STARTTLS\r\n");
    c.starttls(now).unwrap();
    assert_eq!(out(&mut c), "STARTTLS\r\n");
    // A man in the middle appends a forged reply after the 220, in the same packet.
    c.handle_input(now, b"220 go ahead\r\n250-evil\r\n250 AUTH PLAIN\r\n");
    let ev = events(&mut c);
    assert!(matches!(ev[0], Event::TlsUpgradeReady), "{ev:?}");
    assert!(
        matches!(ev[1], Event::PlaintextDiscarded { len: 26 }),
        "{ev:?}"
    );
    assert_eq!(c.state(), State::TlsHandshake);
    c.handle_input(now, b"250 more\r\n");
    assert!(matches!(
        c.poll_event(),
        Some(Event::PlaintextDiscarded { len: 10 })
    ));
    c.handle_tls_established(now).expect("STARTTLS accepted");
    assert!(c.is_tls());
    assert!(c.capabilities().is_none());
    assert_eq!(out(&mut c), "EHLO localhost\r\n");
    c.handle_input(now, b"250-mx\r\n250 SIZE 1000\r\n");
    assert!(c.capabilities().unwrap().auth_mechanisms().is_empty());
    assert_eq!(c.capabilities().unwrap().size(), Some(Some(1000)));
}

#[test]
fn malformed_and_unsolicited_replies_end_the_session() {
    let (mut c, now) = greeted("250 HELP\r\n");
    c.handle_input(now, b"250 nobody asked\r\n");
    assert!(matches!(
        events(&mut c).last(),
        Some(Event::Closed {
            reason: client::Error::UnexpectedReply { .. }
        })
    ));
    let (mut c, now) = greeted("250 HELP\r\n");
    c.send(now, Command::Noop { string: None }).unwrap();
    c.handle_input(now, b"25x oops\r\n");
    assert!(matches!(
        events(&mut c).last(),
        Some(Event::Closed {
            reason: client::Error::Protocol(_)
        })
    ));
    let (mut c, now) = greeted("250 HELP\r\n");
    c.send(now, Command::Noop { string: None }).unwrap();
    c.handle_input(now, b"354 go\r\n");
    assert!(matches!(
        events(&mut c).last(),
        Some(Event::Closed {
            reason: client::Error::UnexpectedReply { .. }
        })
    ));
}

#[test]
fn one_operation_at_a_time_and_parameters_checked() {
    let (mut c, now) = greeted("250 SIZE 100\r\n");
    let env = Envelope::new(sender("a@b.c"), vec![rcpt("d@e.f")]);
    let mut big = env.clone();
    big.parameters.size = Some(101);
    assert_eq!(
        c.send_mail(now, big),
        Err(ApiMisuse::MessageTooLarge {
            size: 101,
            limit: 100
        })
    );
    let mut utf8 = env.clone();
    utf8.parameters.smtputf8 = true;
    assert_eq!(
        c.send_mail(now, utf8),
        Err(ApiMisuse::NotOffered("SMTPUTF8"))
    );
    assert!(matches!(c.starttls(now), Err(ApiMisuse::NotOffered(_))));
    assert!(matches!(
        c.send(now, Command::Quit),
        Err(ApiMisuse::InvalidArgument(_))
    ));
    let id = c.send(now, Command::Noop { string: None }).unwrap();
    assert!(matches!(
        c.send_mail(now, env),
        Err(ApiMisuse::WrongState(_))
    ));
    c.handle_input(now, b"250 ok\r\n");
    assert!(matches!(events(&mut c).as_slice(), [Event::ReplyReceived { id: i, .. }] if *i == id));
    assert!(c.is_ready());
}

/// Regression (found by the held-out curl cases, test956): a UTF-8 address went out without
/// SMTPUTF8. It needs the parameter (RFC 6531 §3.4): added when the server offers it, else the
/// transaction is refused before anything is sent.
#[test]
fn utf8_addresses_bring_smtputf8_or_are_refused() {
    let utf8_rcpt = || {
        smtp_proto::types::ForwardPath::Mailbox(
            smtp_proto::types::Mailbox::new("Stödmottagaren@example.com", true).unwrap(),
        )
    };
    let env = Envelope::new(sender("a@b.c"), vec![rcpt("d@e.f"), utf8_rcpt()]);
    let (mut c, now) = greeted("250 PIPELINING\r\n");
    assert_eq!(
        c.send_mail(now, env.clone()),
        Err(ApiMisuse::NotOffered("SMTPUTF8"))
    );
    assert_eq!(out(&mut c), "");
    let (mut c, now) = greeted("250 SMTPUTF8\r\n");
    c.send_mail(now, env).unwrap();
    assert_eq!(out(&mut c), "MAIL FROM:<a@b.c> SMTPUTF8\r\n");
}

#[test]
fn auth_initial_response_too_long_goes_after_334() {
    let (mut c, now) = greeted("250 AUTH XOAUTH2 PLAIN\r\n");
    let token = "t".repeat(600);
    c.auth(
        now,
        client::Credentials::XOAuth2 {
            username: "u@x.y".into(),
            token: token.as_str().into(),
        },
    )
    .unwrap();
    assert_eq!(out(&mut c), "AUTH XOAUTH2\r\n");
    c.handle_input(now, b"334 \r\n");
    let line = out(&mut c);
    assert!(line.len() > 800 && line.ends_with("\r\n"));
    // An error challenge is acknowledged with an empty line, then the failure arrives.
    c.handle_input(now, b"334 eyJzdGF0dXMiOiI0MDEifQ==\r\n");
    assert_eq!(out(&mut c), "\r\n");
    c.handle_input(now, b"535 5.7.8 no\r\n");
    assert!(
        matches!(events(&mut c).last(), Some(Event::ReplyReceived { reply, .. }) if reply.code().get() == 535)
    );
    assert!(!c.is_authenticated());
}

#[test]
fn eof_after_quit_is_a_clean_end() {
    let (mut c, now) = greeted("250 HELP\r\n");
    c.quit(now).unwrap();
    assert_eq!(out(&mut c), "QUIT\r\n");
    c.handle_eof(now);
    assert!(matches!(
        events(&mut c).last(),
        Some(Event::Closed {
            reason: client::Error::Quit
        })
    ));
}

#[test]
fn greeting_timeout() {
    let now = t0();
    let mut c = Client::new(client::Config::default(), now);
    assert_eq!(c.poll_timeout(), Some(now + secs(300)));
    c.handle_timeout(now + secs(300));
    assert!(matches!(
        c.poll_event(),
        Some(Event::Closed {
            reason: client::Error::Timeout {
                phase: client::TimeoutPhase::Greeting
            }
        })
    ));
}

#[test]
fn pipelined_mail_refused_completes_without_rset() {
    let (mut c, now) = greeted("250 PIPELINING\r\n");
    let id = c
        .send_message(
            now,
            Envelope::new(sender("a@b.c"), vec![rcpt("d@e.f")]),
            bytes("x\r\n"),
        )
        .unwrap();
    out(&mut c);
    c.handle_input(
        now,
        b"550 5.7.1 sender refused\r\n503 5.5.1 need MAIL\r\n503 5.5.1 need MAIL\r\n",
    );
    let ev = events(&mut c);
    let Some(Event::TransactionCompleted { id: i, outcome }) = ev.last() else {
        panic!("{ev:?}")
    };
    assert_eq!(*i, id);
    assert_eq!(outcome.mail.as_ref().unwrap().code().get(), 550);
    assert_eq!(
        outcome.recipients[0].final_reply().unwrap().code().get(),
        503
    );
    assert_eq!(out(&mut c), "");
    assert!(c.is_ready());
}

#[test]
fn unpipelined_transaction_with_streamed_content() {
    let (mut c, now) = greeted("250 8BITMIME\r\n");
    let id = c
        .send_mail(
            now,
            Envelope::new(sender("a@b.c"), vec![rcpt("d@e.f"), rcpt("g@e.f")]),
        )
        .unwrap();
    assert_eq!(out(&mut c), "MAIL FROM:<a@b.c>\r\n");
    c.handle_input(now, b"250 ok\r\n");
    assert_eq!(out(&mut c), "RCPT TO:<d@e.f>\r\n");
    assert_eq!(c.poll_timeout(), Some(now + secs(300)));
    c.handle_input(now, b"451 try later\r\n");
    assert_eq!(out(&mut c), "RCPT TO:<g@e.f>\r\n");
    c.handle_input(now, b"250 ok\r\n");
    assert_eq!(out(&mut c), "DATA\r\n");
    assert_eq!(
        c.poll_timeout(),
        Some(now + secs(120)),
        "DATA initiation: 2 minutes"
    );
    c.handle_input(now, b"354 go\r\n");
    assert!(matches!(events(&mut c).last(), Some(Event::DataRequested { id: i }) if *i == id));
    c.send_data(now, id, b".hidden\nbare lf").unwrap();
    c.finish_data(now, id).unwrap();
    assert_eq!(out(&mut c), "..hidden\r\nbare lf\r\n.\r\n");
    assert_eq!(
        c.poll_timeout(),
        Some(now + secs(600)),
        "DATA termination: 10 minutes"
    );
    c.handle_input(now, b"250 queued\r\n");
    let ev = events(&mut c);
    let Some(Event::TransactionCompleted { outcome, .. }) = ev.last() else {
        panic!("{ev:?}")
    };
    assert!(!outcome.recipients[0].is_delivered());
    assert_eq!(
        outcome.recipients[0].final_reply().unwrap().code().get(),
        451
    );
    assert!(outcome.recipients[1].is_delivered());
}

#[test]
fn lmtp_client_attributes_replies_to_accepted_recipients_in_order() {
    let now = t0();
    let mut config = client::Config::default();
    config.lmtp = true;
    let mut c = Client::new(config, now);
    c.handle_input(now, b"220 lmtp\r\n");
    assert_eq!(out(&mut c), "LHLO localhost\r\n");
    c.handle_input(now, b"250-lmtp\r\n250 PIPELINING\r\n");
    events(&mut c);
    c.send_message(
        now,
        Envelope::new(
            sender("a@b.c"),
            vec![rcpt("one@e.f"), rcpt("two@e.f"), rcpt("three@e.f")],
        ),
        bytes("x\r\n"),
    )
    .unwrap();
    out(&mut c);
    c.handle_input(
        now,
        b"250 ok\r\n250 ok\r\n550 unknown\r\n250 ok\r\n354 go\r\n",
    );
    assert_eq!(out(&mut c), "x\r\n.\r\n");
    c.handle_input(now, b"250 delivered\r\n");
    assert!(
        events(&mut c)
            .iter()
            .all(|e| !matches!(e, Event::TransactionCompleted { .. }))
    );
    c.handle_input(now, b"452 over quota\r\n");
    let ev = events(&mut c);
    let Some(Event::TransactionCompleted { outcome, .. }) = ev.last() else {
        panic!("{ev:?}")
    };
    let codes: Vec<u16> = outcome
        .recipients
        .iter()
        .map(|r| r.final_reply().unwrap().code().get())
        .collect();
    assert_eq!(codes, vec![250, 550, 452]);
}
