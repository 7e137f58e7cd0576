//! A client and a server talking to each other in memory, on a virtual clock.
#![allow(clippy::disallowed_methods, clippy::unwrap_used)]

mod common;

use bytes::Bytes;
use common::*;
use smtp_proto::client::{self, ApiMisuse, Credentials, Envelope, Event as CEvent};
use smtp_proto::server;
use smtp_proto::types::{AuthMechanism, Secret};

fn ready(p: &mut Pair) {
    p.run();
    assert!(p.client.is_ready(), "{:?}", p.client_events);
    assert!(matches!(
        p.client_events[0],
        CEvent::GreetingReceived { .. }
    ));
    assert!(matches!(p.client_events[1], CEvent::HelloCompleted { .. }));
}

fn message() -> Bytes {
    Bytes::from_static(b"Subject: hi\r\n\r\n.leading dot\r\nbody\r\n")
}

#[test]
fn pipelined_fifty_recipients_one_flight_results_per_recipient() {
    let mut p = Pair::new(client::Config::default(), server::Config::default());
    p.policy.reject_rcpt_prefix = Some("bad".into());
    ready(&mut p);
    let mut rcpts: Vec<_> = (0..50)
        .map(|i| rcpt(&format!("u{i}@example.org")))
        .collect();
    rcpts[7] = rcpt("bad7@example.org");
    let writes_before = p.server_writes;
    let id = p
        .client
        .send_message(
            p.now,
            Envelope::new(sender("a@example.com"), rcpts),
            message(),
        )
        .unwrap();
    // MAIL + 50 RCPT + DATA leave in one write.
    let first = p.client.poll_transmit().unwrap();
    assert_eq!(first.windows(6).filter(|w| w == b"RCPT T").count(), 50);
    assert!(first.ends_with(b"DATA\r\n"));
    p.server.handle_input(p.now, &first);
    p.c2s.extend_from_slice(&first);
    p.run();
    // The server answered the whole group (52 replies) in one write, then the final reply.
    assert_eq!(p.server_writes - writes_before, 2);
    let outcome = p.outcomes().pop().unwrap();
    assert!(
        matches!(p.client_events.last(), Some(CEvent::TransactionCompleted { id: i, .. }) if *i == id)
    );
    assert_eq!(outcome.recipients.len(), 50);
    for (i, r) in outcome.recipients.iter().enumerate() {
        assert_eq!(r.is_delivered(), i != 7, "recipient {i}");
    }
    assert_eq!(
        outcome.recipients[7].final_reply().unwrap().code().get(),
        550
    );
    assert_eq!(p.seen.messages, vec![message().to_vec()]);
    // SIZE was added because the server offers it.
    assert!(String::from_utf8_lossy(&p.c2s).contains(&format!("SIZE={}", message().len())));
    p.client.quit(p.now).unwrap();
    p.run();
    assert_eq!(p.closed_reason(), Some(client::Error::Quit));
    assert!(p.server.is_closed());
}

#[test]
fn without_pipelining_commands_go_one_by_one() {
    let mut sc = server::Config::default();
    sc.extensions.pipelining = false;
    let mut p = Pair::new(client::Config::default(), sc);
    p.policy.reject_rcpt_prefix = Some("bad".into());
    ready(&mut p);
    let env = Envelope::new(sender("a@b.c"), vec![rcpt("bad@e.f"), rcpt("ok@e.f")]);
    p.client.send_message(p.now, env, message()).unwrap();
    let first = p.client.poll_transmit().unwrap();
    assert!(first.starts_with(b"MAIL FROM:<a@b.c>") && !first.windows(4).any(|w| w == b"RCPT"));
    p.server.handle_input(p.now, &first);
    p.run();
    let o = p.outcomes().pop().unwrap();
    assert!(!o.recipients[0].is_delivered() && o.recipients[1].is_delivered());
    assert_eq!(p.seen.messages.len(), 1);
}

#[test]
fn all_recipients_rejected_resets_and_reports() {
    let mut p = Pair::new(client::Config::default(), server::Config::default());
    p.policy.reject_rcpt_prefix = Some("bad".into());
    ready(&mut p);
    let env = Envelope::new(sender("a@b.c"), vec![rcpt("bad1@e.f"), rcpt("bad2@e.f")]);
    p.client.send_message(p.now, env, message()).unwrap();
    p.run();
    let o = p.outcomes().pop().unwrap();
    assert!(o.recipients.iter().all(|r| !r.is_delivered()));
    assert_eq!(o.data_start.unwrap().code().get(), 554);
    assert!(String::from_utf8_lossy(&p.c2s).ends_with("RSET\r\n"));
    assert!(p.client.is_ready());
    assert!(p.seen.messages.is_empty());
}

#[test]
fn starttls_on_both_sides_then_auth_plain() {
    let mut sc = server::Config::default();
    sc.extensions.starttls = true;
    sc.extensions.auth = vec![AuthMechanism::Plain, AuthMechanism::Login];
    sc.auth_requires_tls = true;
    let mut p = Pair::new(client::Config::default(), sc);
    p.policy.auth_user = Some(("tim".into(), "tanstaaf".into()));
    ready(&mut p);
    // AUTH is not offered before TLS.
    assert!(
        p.client
            .capabilities()
            .unwrap()
            .auth_mechanisms()
            .is_empty()
    );
    let creds = Credentials::Plain {
        authzid: None,
        username: "tim".into(),
        password: Secret::from("tanstaaf"),
    };
    assert_eq!(
        p.client.auth(p.now, creds.clone()),
        Err(ApiMisuse::NotOffered("this AUTH mechanism"))
    );
    p.client.starttls(p.now).unwrap();
    p.run();
    assert!(p.client.is_tls() && p.server.is_tls());
    // A second EHLO happened and STARTTLS is gone, AUTH is there.
    let hellos = p
        .client_events
        .iter()
        .filter(|e| matches!(e, CEvent::HelloCompleted { .. }))
        .count();
    assert_eq!(hellos, 2);
    let caps = p.client.capabilities().unwrap();
    assert!(!caps.starttls());
    assert_eq!(
        caps.auth_mechanisms(),
        &[AuthMechanism::Plain, AuthMechanism::Login]
    );
    let id = p.client.auth(p.now, creds).unwrap();
    p.run();
    assert!(p.client.is_authenticated() && p.server.is_authenticated());
    assert!(
        matches!(p.client_events.last(), Some(CEvent::ReplyReceived { id: i, reply }) if *i == id && reply.code().get() == 235)
    );
    // The initial response went on the AUTH line (SASL-IR).
    assert!(String::from_utf8_lossy(&p.c2s).contains("AUTH PLAIN AHRpbQB0YW5zdGFhZg==\r\n"));
}

#[test]
fn auth_login_with_prompts_and_wrong_password() {
    let mut sc = server::Config::default();
    sc.extensions.auth = vec![AuthMechanism::Login];
    let mut p = Pair::new(client::Config::default(), sc);
    p.policy.auth_user = Some(("tim".into(), "tanstaaf".into()));
    ready(&mut p);
    p.client
        .auth(
            p.now,
            Credentials::Login {
                username: "tim".into(),
                password: Secret::from("nope"),
            },
        )
        .unwrap();
    p.run();
    assert!(!p.client.is_authenticated());
    assert!(
        matches!(p.client_events.last(), Some(CEvent::ReplyReceived { reply, .. }) if reply.code().get() == 535)
    );
    p.client
        .auth(
            p.now,
            Credentials::Login {
                username: "tim".into(),
                password: Secret::from("tanstaaf"),
            },
        )
        .unwrap();
    p.run();
    assert!(p.client.is_authenticated());
    let c2s = String::from_utf8_lossy(&p.c2s);
    assert!(
        c2s.contains("AUTH LOGIN\r\ndGlt\r\ndGFuc3RhYWY=\r\n"),
        "{c2s}"
    );
}

#[test]
fn bdat_when_chunking_is_offered_and_asked_for() {
    let mut cc = client::Config::default();
    cc.chunking = true;
    let mut p = Pair::new(cc, server::Config::default());
    ready(&mut p);
    let env = Envelope::new(sender("a@b.c"), vec![rcpt("d@e.f")]);
    let id = p.client.send_mail(p.now, env).unwrap();
    p.run();
    assert!(matches!(p.client_events.last(), Some(CEvent::DataRequested { id: i }) if *i == id));
    // Not dot-stuffed: sent as is.
    p.client.send_data(p.now, id, b"line\r\n.\r\n").unwrap();
    p.client.send_data(p.now, id, b"more\r\n").unwrap();
    p.client.finish_data(p.now, id).unwrap();
    p.run();
    let c2s = String::from_utf8_lossy(&p.c2s);
    assert!(
        c2s.contains("BDAT 9\r\nline\r\n.\r\nBDAT 6\r\nmore\r\nBDAT 0 LAST\r\n"),
        "{c2s}"
    );
    assert!(!c2s.contains("DATA\r\n"));
    assert_eq!(p.seen.messages, vec![b"line\r\n.\r\nmore\r\n".to_vec()]);
    assert!(p.outcomes()[0].all_delivered());
}

#[test]
fn streamed_data_is_dot_stuffed() {
    let mut p = Pair::new(client::Config::default(), server::Config::default());
    ready(&mut p);
    let id = p
        .client
        .send_mail(p.now, Envelope::new(sender("a@b.c"), vec![rcpt("d@e.f")]))
        .unwrap();
    p.run();
    assert!(p.client.send_data(p.now, id, b"x").is_ok());
    p.client
        .send_data(p.now, id, b"\r\n.\r\n..\r\nend")
        .unwrap();
    p.client.finish_data(p.now, id).unwrap();
    assert!(p.client.send_data(p.now, id, b"late").is_err());
    p.run();
    assert_eq!(p.seen.messages, vec![b"x\r\n.\r\n..\r\nend\r\n".to_vec()]);
    assert!(p.outcomes()[0].all_delivered());
}

#[test]
fn size_is_checked_before_sending_and_enforced_by_the_server() {
    let mut sc = server::Config::default();
    sc.max_message_size = Some(10);
    let mut p = Pair::new(client::Config::default(), sc);
    ready(&mut p);
    let env = Envelope::new(sender("a@b.c"), vec![rcpt("d@e.f")]);
    assert_eq!(
        p.client.send_message(p.now, env.clone(), message()),
        Err(ApiMisuse::MessageTooLarge {
            size: message().len() as u64,
            limit: 10
        })
    );
    assert!(p.client.poll_transmit().is_none());
    // A client that under-declares still gets 552 after the data, and the stream stays usable.
    let mut env2 = env;
    env2.parameters.size = Some(5);
    p.client.send_message(p.now, env2, message()).unwrap();
    p.run();
    let o = p.outcomes().pop().unwrap();
    assert_eq!(o.recipients[0].final_reply().unwrap().code().get(), 552);
    p.client
        .send(p.now, smtp_proto::types::Command::Noop { string: None })
        .unwrap();
    p.run();
    assert!(
        matches!(p.client_events.last(), Some(CEvent::ReplyReceived { reply, .. }) if reply.code().get() == 250)
    );
}

#[test]
fn lmtp_per_recipient_results() {
    let mut cc = client::Config::default();
    cc.lmtp = true;
    let mut sc = server::Config::default();
    sc.lmtp = true;
    let mut p = Pair::new(cc, sc);
    p.policy.reject_rcpt_prefix = Some("bad".into());
    ready(&mut p);
    let env = Envelope::new(
        sender("a@b.c"),
        vec![rcpt("one@e.f"), rcpt("bad@e.f"), rcpt("two@e.f")],
    );
    p.client.send_message(p.now, env, message()).unwrap();
    p.run();
    assert!(String::from_utf8_lossy(&p.c2s).starts_with("LHLO "));
    let o = p.outcomes().pop().unwrap();
    assert!(o.recipients[0].is_delivered());
    assert!(!o.recipients[1].is_delivered());
    assert!(o.recipients[2].is_delivered());
    // Two replies after the content (one per accepted recipient).
    let s2c = String::from_utf8_lossy(&p.s2c);
    assert!(
        s2c.ends_with("250 2.0.0 Message accepted\r\n250 2.0.0 Message accepted\r\n"),
        "{s2c}"
    );
}

#[test]
fn server_timeout_reaches_the_client_as_421() {
    let mut p = Pair::new(client::Config::default(), server::Config::default());
    ready(&mut p);
    let start = p.now;
    let t = p.advance_to_timeout().unwrap();
    assert_eq!(t, start + secs(300));
    assert!(p.server.is_closed());
    assert!(
        matches!(p.closed_reason(), Some(client::Error::ServiceNotAvailable { reply }) if reply.code().get() == 421)
    );
}

#[test]
fn client_times_out_waiting_for_the_mail_reply() {
    let mut p = Pair::new(client::Config::default(), server::Config::default());
    ready(&mut p);
    p.client
        .send_message(
            p.now,
            Envelope::new(sender("a@b.c"), vec![rcpt("d@e.f")]),
            message(),
        )
        .unwrap();
    let bytes = p.client.poll_transmit().unwrap();
    // The server gets the bytes but its application never answers.
    p.server.handle_input(p.now, &bytes);
    assert!(p.server.poll_timeout().is_none());
    let deadline = p.client.poll_timeout().unwrap();
    assert_eq!(deadline, p.now + secs(300));
    p.client.handle_timeout(deadline);
    // The transaction reports first: nothing answered, nothing delivered.
    let Some(CEvent::TransactionCompleted { outcome, .. }) = p.client.poll_event() else {
        panic!("the interrupted transaction reports before Closed")
    };
    assert_eq!(outcome.end, client::TransactionEnd::Interrupted);
    assert!(outcome.mail.is_none() && outcome.recipients[0].rcpt.is_none());
    assert!(matches!(
        p.client.poll_event(),
        Some(CEvent::Closed {
            reason: client::Error::Timeout {
                phase: client::TimeoutPhase::Mail
            }
        })
    ));
}

/// One full conversation: STARTTLS, AUTH LOGIN, a BDAT message, an LMTP-free pipelined DATA
/// message with a refused recipient, QUIT. Returns what both applications saw.
fn conversation(pieces: Vec<usize>) -> (Vec<String>, Vec<String>, Vec<Vec<u8>>) {
    let mut cc = client::Config::default();
    cc.chunking = true;
    let mut sc = server::Config::default();
    sc.extensions.starttls = true;
    sc.extensions.auth = vec![AuthMechanism::Login];
    let mut p = Pair::new(cc, sc);
    p.pieces = pieces;
    p.policy.auth_user = Some(("tim".into(), "tanstaaf".into()));
    p.policy.reject_rcpt_prefix = Some("bad".into());
    p.run();
    p.client.starttls(p.now).unwrap();
    p.run();
    p.client
        .auth(
            p.now,
            Credentials::Login {
                username: "tim".into(),
                password: Secret::from("tanstaaf"),
            },
        )
        .unwrap();
    p.run();
    let env = Envelope::new(sender("a@b.c"), vec![rcpt("x@e.f"), rcpt("bad@e.f")]);
    p.client
        .send_message(p.now, env.clone(), message())
        .unwrap();
    p.run();
    p.client.quit(p.now).unwrap();
    p.run();
    let client_events = p.client_events.iter().map(|e| format!("{e:?}")).collect();
    (client_events, normalise(&p.seen.events), p.seen.messages)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn conversations_do_not_depend_on_how_bytes_are_split(
        pieces in proptest::collection::vec(1usize..40, 1..8),
    ) {
        let whole = conversation(Vec::new());
        proptest::prop_assert_eq!(whole, conversation(pieces));
    }
}

#[test]
fn the_conversation_succeeds() {
    let (client_events, server_events, messages) = conversation(Vec::new());
    assert_eq!(messages, vec![message().to_vec()]);
    assert!(server_events.contains(&"tls".to_string()));
    assert!(
        client_events
            .iter()
            .any(|e| e.starts_with("TransactionCompleted"))
    );
    assert!(client_events.last().unwrap().contains("Quit"));
}

#[test]
fn lmtp_bdat_with_a_refused_chunk_stays_in_sync() {
    let mut cc = client::Config::default();
    cc.lmtp = true;
    cc.chunking = true;
    let mut sc = server::Config::default();
    sc.lmtp = true;
    sc.max_message_size = Some(8);
    let mut p = Pair::new(cc, sc);
    ready(&mut p);
    let env = Envelope::new(sender("a@b.c"), vec![rcpt("one@e.f"), rcpt("two@e.f")]);
    let id = p.client.send_mail(p.now, env).unwrap();
    p.run();
    p.client.send_data(p.now, id, b"0123456789").unwrap();
    p.client.send_data(p.now, id, b"more").unwrap();
    p.client.finish_data(p.now, id).unwrap();
    p.run();
    let o = p.outcomes().pop().unwrap();
    for r in &o.recipients {
        assert_eq!(r.final_reply().unwrap().code().get(), 552, "{r:?}");
    }
    assert!(p.seen.messages.is_empty());
    // The session is still usable.
    p.client
        .send(p.now, smtp_proto::types::Command::Noop { string: None })
        .unwrap();
    p.run();
    assert!(
        matches!(p.client_events.last(), Some(CEvent::ReplyReceived { reply, .. }) if reply.code().get() == 250)
    );
}
