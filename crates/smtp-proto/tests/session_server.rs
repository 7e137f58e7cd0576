//! Server session behaviour through its public API.
#![allow(clippy::disallowed_methods, clippy::unwrap_used)]

mod common;

use common::*;
use smtp_proto::server::{Config, Event, Server, State};
use smtp_proto::types::{AuthMechanism, Reply, ReplyCode};

fn server() -> (Server, std::time::Instant) {
    let now = t0();
    let mut config = Config::default();
    config.hostname = "mx.example.org".into();
    (Server::new(config, now), now)
}

fn greeting(s: &mut Server) -> String {
    String::from_utf8(drain_out(s)).unwrap()
}

#[test]
fn typical_transaction() {
    let (mut s, now) = server();
    assert_eq!(
        greeting(&mut s),
        "220 mx.example.org ESMTP Service ready\r\n"
    );
    let p = Policy::default();
    let mut seen = Seen::default();
    let out = feed(&mut s, now, b"EHLO client.example.com\r\n", &p, &mut seen);
    assert!(
        out.starts_with("250-mx.example.org Hello client.example.com\r\n"),
        "{out}"
    );
    assert!(
        out.contains("250-PIPELINING\r\n") && out.contains("CHUNKING"),
        "{out}"
    );
    assert_eq!(s.state(), State::Ready);
    let out = feed(&mut s, now, b"MAIL FROM:<a@example.com>\r\n", &p, &mut seen);
    assert_eq!(out, "250 2.1.0 Sender OK\r\n");
    let out = feed(&mut s, now, b"RCPT TO:<b@example.org>\r\n", &p, &mut seen);
    assert_eq!(out, "250 2.1.5 Recipient OK\r\n");
    let out = feed(&mut s, now, b"DATA\r\n", &p, &mut seen);
    assert_eq!(out, "354 Start mail input; end with <CRLF>.<CRLF>\r\n");
    assert_eq!(s.state(), State::ReceivingData);
    let out = feed(
        &mut s,
        now,
        b"Subject: x\r\n\r\n..dot\r\n.\r\n",
        &p,
        &mut seen,
    );
    assert_eq!(out, "250 2.0.0 Message accepted\r\n");
    assert_eq!(seen.messages, vec![b"Subject: x\r\n\r\n.dot\r\n".to_vec()]);
    let out = feed(&mut s, now, b"QUIT\r\n", &p, &mut seen);
    assert_eq!(out, "221 2.0.0 Bye\r\n");
    assert!(s.is_closed());
    assert_eq!(seen.events.last().unwrap(), "closed Quit");
}

fn ehlo(s: &mut Server, now: std::time::Instant) {
    drain_out(s);
    let mut seen = Seen::default();
    let out = feed(s, now, b"EHLO c.example\r\n", &Policy::default(), &mut seen);
    assert!(out.starts_with("250-"), "{out}");
}

#[test]
fn pipelined_replies_keep_command_order_when_answered_out_of_order() {
    let (mut s, now) = server();
    ehlo(&mut s, now);
    s.handle_input(
        now,
        b"MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\nDATA\r\n",
    );
    // Only MAIL is handed out: the RCPTs depend on it.
    let Some(Event::MailFromReceived { id: mail, .. }) = s.poll_event() else {
        panic!()
    };
    assert!(s.poll_event().is_none());
    assert!(s.poll_transmit().is_none());
    s.accept(now, mail).unwrap();
    // Both RCPTs are handed out together; DATA waits.
    let Some(Event::RcptToReceived { id: r1, .. }) = s.poll_event() else {
        panic!()
    };
    let Some(Event::RcptToReceived { id: r2, .. }) = s.poll_event() else {
        panic!()
    };
    assert!(s.poll_event().is_none());
    // Answer the second first; nothing is released until the group is answered.
    s.reject(
        now,
        r2,
        Reply::new(ReplyCode::MAILBOX_UNAVAILABLE, None, "no"),
    )
    .unwrap();
    assert!(s.poll_transmit().is_none());
    s.accept(now, r1).unwrap();
    let out = String::from_utf8(drain_out(&mut s)).unwrap();
    assert_eq!(
        out,
        "250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n550 no\r\n354 Start mail input; end with <CRLF>.<CRLF>\r\n"
    );
    assert!(matches!(s.poll_event(), Some(Event::DataStarted { .. })));
    assert_eq!(
        s.accept(now, r1),
        Err(smtp_proto::server::ApiMisuse::UnknownRequest(r1))
    );
}

#[test]
fn sequence_errors() {
    let (mut s, now) = server();
    let p = Policy::default();
    let mut seen = Seen::default();
    drain_out(&mut s);
    assert_eq!(
        feed(&mut s, now, b"MAIL FROM:<a@b.c>\r\n", &p, &mut seen),
        "503 5.5.1 Send HELO/EHLO first\r\n"
    );
    ehlo(&mut s, now);
    assert_eq!(
        feed(&mut s, now, b"RCPT TO:<a@b.c>\r\n", &p, &mut seen),
        "503 5.5.1 Need MAIL command first\r\n"
    );
    assert_eq!(
        feed(&mut s, now, b"DATA\r\n", &p, &mut seen),
        "503 5.5.1 Need MAIL command first\r\n"
    );
    assert_eq!(
        feed(&mut s, now, b"MAIL FROM:<a@b.c>\r\n", &p, &mut seen),
        "250 2.1.0 Sender OK\r\n"
    );
    assert_eq!(
        feed(&mut s, now, b"MAIL FROM:<a@b.c>\r\n", &p, &mut seen),
        "503 5.5.1 Sender already specified\r\n"
    );
    assert_eq!(
        feed(&mut s, now, b"DATA\r\n", &p, &mut seen),
        "554 5.5.1 No valid recipients\r\n"
    );
    assert_eq!(
        feed(&mut s, now, b"RSET\r\n", &p, &mut seen),
        "250 2.0.0 Reset OK\r\n"
    );
    assert_eq!(
        feed(&mut s, now, b"FOO\r\n", &p, &mut seen),
        "500 5.5.1 Command unrecognized\r\n"
    );
    assert_eq!(
        feed(&mut s, now, b"NOOP\r\nVRFY bob\r\nHELP\r\n", &p, &mut seen),
        "250 2.0.0 OK\r\n252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery\r\n214 2.0.0 See RFC 5321\r\n"
    );
}

#[test]
fn line_too_long_resyncs() {
    let (mut s, now) = server();
    ehlo(&mut s, now);
    let p = Policy::default();
    let mut seen = Seen::default();
    let mut long = b"NOOP ".to_vec();
    long.extend(std::iter::repeat_n(b'x', 5000));
    // Split so the session must discard across inputs.
    s.handle_input(now, &long[..3000]);
    let _ = drain_out(&mut s);
    let out = feed(
        &mut s,
        now,
        &[&long[3000..], &b"\r\nNOOP\r\n"[..]].concat(),
        &p,
        &mut seen,
    );
    let all = out;
    assert!(all.ends_with("250 2.0.0 OK\r\n"), "{all}");
    let (mut s, now) = server();
    ehlo(&mut s, now);
    let out = feed(
        &mut s,
        now,
        &[&long[..], &b"\r\nNOOP\r\n"[..]].concat(),
        &p,
        &mut seen,
    );
    assert_eq!(out, "500 5.5.2 Line too long\r\n250 2.0.0 OK\r\n");
}

#[test]
fn size_limits() {
    let now = t0();
    let mut c = Config::default();
    c.max_message_size = Some(100);
    let mut s = Server::new(c, now);
    ehlo(&mut s, now);
    let p = Policy::default();
    let mut seen = Seen::default();
    assert_eq!(
        feed(
            &mut s,
            now,
            b"MAIL FROM:<a@b.c> SIZE=101\r\n",
            &p,
            &mut seen
        ),
        "552 5.3.4 Message size exceeds fixed maximum message size\r\n"
    );
    feed(
        &mut s,
        now,
        b"MAIL FROM:<a@b.c> SIZE=50\r\nRCPT TO:<d@e.f>\r\nDATA\r\n",
        &p,
        &mut seen,
    );
    let body = "x".repeat(150);
    let out = feed(
        &mut s,
        now,
        format!("{body}\r\n.\r\nNOOP\r\n").as_bytes(),
        &p,
        &mut seen,
    );
    assert_eq!(
        out,
        "552 5.3.4 Message size exceeds fixed maximum message size\r\n250 2.0.0 OK\r\n"
    );
    assert!(
        seen.events
            .iter()
            .any(|e| e.starts_with("data-rejected TooLarge"))
    );
    assert!(seen.messages.is_empty());
}

#[test]
fn bare_lf_in_data_is_refused_after_the_data() {
    let (mut s, now) = server();
    ehlo(&mut s, now);
    let p = Policy::default();
    let mut seen = Seen::default();
    feed(
        &mut s,
        now,
        b"MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n",
        &p,
        &mut seen,
    );
    let out = feed(
        &mut s,
        now,
        b"a\n.\nMAIL FROM:<evil@x.y>\r\n.\r\n",
        &p,
        &mut seen,
    );
    assert_eq!(
        out,
        "554 5.6.0 Bare CR or LF in message content, use CRLF\r\n"
    );
    assert!(!seen.events.iter().any(|e| e.contains("evil")));
}

#[test]
fn smuggling_sequences_do_not_end_data() {
    for seq in [
        "\n.\n",
        "\n.\r\n",
        "\r.\r\n",
        "\r\n.\r",
        "\r\n.\r\r\n",
        "\r\n\x00.\r\n",
    ] {
        let now = t0();
        let mut c = Config::default();
        c.bare_line_endings = smtp_proto::server::BareLineEndings::Allow;
        let mut s = Server::new(c, now);
        ehlo(&mut s, now);
        let p = Policy::default();
        let mut seen = Seen::default();
        feed(
            &mut s,
            now,
            b"MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n",
            &p,
            &mut seen,
        );
        let out = feed(
            &mut s,
            now,
            format!("a{seq}MAIL FROM:<evil@x.y>\r\n").as_bytes(),
            &p,
            &mut seen,
        );
        assert_eq!(out, "", "{seq:?}");
        assert_eq!(s.state(), State::ReceivingData, "{seq:?}");
        let out = feed(&mut s, now, b"\r\n.\r\n", &p, &mut seen);
        assert_eq!(out, "250 2.0.0 Message accepted\r\n");
        assert!(!seen.events.iter().any(|e| e.contains("evil")));
    }
}

#[test]
fn commands_after_data_are_content_once_354_is_sent() {
    let (mut s, now) = server();
    ehlo(&mut s, now);
    let p = Policy::default();
    let mut seen = Seen::default();
    let out = feed(
        &mut s,
        now,
        b"MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\nRSET\r\n.\r\n",
        &p,
        &mut seen,
    );
    assert!(
        out.ends_with(
            "354 Start mail input; end with <CRLF>.<CRLF>\r\n250 2.0.0 Message accepted\r\n"
        ),
        "{out}"
    );
    assert_eq!(seen.messages, vec![b"RSET\r\n".to_vec()]);
}

#[test]
fn bdat_chunks_and_refused_chunk_keeps_sync() {
    let (mut s, now) = server();
    ehlo(&mut s, now);
    let p = Policy::default();
    let mut seen = Seen::default();
    // BDAT without a transaction: refused, its 10 octets skipped.
    let out = feed(
        &mut s,
        now,
        b"BDAT 10\r\nNOOP\r\nXXXXNOOP\r\n",
        &p,
        &mut seen,
    );
    assert_eq!(out, "503 5.5.1 Need MAIL command first\r\n250 2.0.0 OK\r\n");
    let out = feed(
        &mut s,
        now,
        b"MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nBDAT 5\r\nhel",
        &p,
        &mut seen,
    );
    assert_eq!(out, "250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n");
    let out = feed(&mut s, now, b"lo", &p, &mut seen);
    assert_eq!(out, "250 2.0.0 Chunk received\r\n");
    let out = feed(&mut s, now, b"BDAT 7 LAST\r\n\r\n.\r\nab", &p, &mut seen);
    assert_eq!(out, "250 2.0.0 Message accepted\r\n");
    assert_eq!(seen.messages, vec![b"hello\r\n.\r\nab".to_vec()]);
    let out = feed(&mut s, now, b"DATA\r\n", &p, &mut seen);
    assert_eq!(out, "503 5.5.1 Need MAIL command first\r\n");
}

#[test]
fn starttls_discards_injected_commands() {
    let now = t0();
    let mut c = Config::default();
    c.extensions.starttls = true;
    let mut s = Server::new(c, now);
    ehlo(&mut s, now);
    let p = Policy::default();
    let mut seen = Seen::default();
    let out = feed(
        &mut s,
        now,
        b"STARTTLS\r\nMAIL FROM:<evil@x.y>\r\n",
        &p,
        &mut seen,
    );
    assert_eq!(out, "220 2.0.0 Ready to start TLS\r\n");
    assert_eq!(seen.events, vec!["discarded 22", "tls"]);
    assert_eq!(s.state(), State::TlsHandshake);
    s.handle_input(now, b"RCPT TO:<x@y.z>\r\n");
    assert!(matches!(
        s.poll_event(),
        Some(Event::PlaintextDiscarded { len: 17 })
    ));
    s.handle_tls_established(now).expect("STARTTLS accepted");
    assert!(s.is_tls());
    assert_eq!(s.state(), State::Connected);
    let mut seen = Seen::default();
    let out = feed(&mut s, now, b"MAIL FROM:<a@b.c>\r\n", &p, &mut seen);
    assert_eq!(out, "503 5.5.1 Send HELO/EHLO first\r\n");
    let out = feed(&mut s, now, b"EHLO c\r\n", &p, &mut seen);
    assert!(!out.contains("STARTTLS"), "{out}");
    assert!(!seen.events.iter().any(|e| e.contains("evil")));
}

#[test]
fn auth_plain_login_and_cancel() {
    let now = t0();
    let mut c = Config::default();
    c.extensions.auth = vec![AuthMechanism::Plain, AuthMechanism::Login];
    c.require_auth = true;
    let mut s = Server::new(c, now);
    ehlo(&mut s, now);
    let p = Policy {
        auth_user: Some(("tim".into(), "tanstaaf".into())),
        ..Policy::default()
    };
    let mut seen = Seen::default();
    assert_eq!(
        feed(&mut s, now, b"MAIL FROM:<a@b.c>\r\n", &p, &mut seen),
        "530 5.7.0 Authentication required\r\n"
    );
    // Wrong password with an initial response.
    let ir = "AHRpbQB3cm9uZw=="; // \0tim\0wrong
    assert_eq!(
        feed(
            &mut s,
            now,
            format!("AUTH PLAIN {ir}\r\n").as_bytes(),
            &p,
            &mut seen
        ),
        "535 5.7.8 Authentication credentials invalid\r\n"
    );
    // Cancelled.
    assert_eq!(
        feed(&mut s, now, b"AUTH LOGIN\r\n", &p, &mut seen),
        "334 VXNlcm5hbWU6\r\n"
    );
    assert_eq!(
        feed(&mut s, now, b"*\r\n", &p, &mut seen),
        "501 5.7.0 Authentication cancelled\r\n"
    );
    assert!(seen.events.contains(&"auth-cancelled".to_string()));
    // LOGIN with the two prompts.
    let mut seen = Seen::default();
    assert_eq!(
        feed(&mut s, now, b"AUTH LOGIN\r\n", &p, &mut seen),
        "334 VXNlcm5hbWU6\r\n"
    );
    assert_eq!(
        feed(&mut s, now, b"dGlt\r\n", &p, &mut seen),
        "334 UGFzc3dvcmQ6\r\n"
    );
    assert_eq!(
        feed(&mut s, now, b"dGFuc3RhYWY=\r\n", &p, &mut seen),
        "235 2.7.0 Authentication successful\r\n"
    );
    assert!(s.is_authenticated());
    assert_eq!(
        feed(&mut s, now, b"AUTH PLAIN\r\n", &p, &mut seen),
        "503 5.5.1 Already authenticated\r\n"
    );
    assert_eq!(
        feed(&mut s, now, b"MAIL FROM:<a@b.c>\r\n", &p, &mut seen),
        "250 2.1.0 Sender OK\r\n"
    );
}

#[test]
fn timeout_sends_421() {
    let (mut s, now) = server();
    drain_out(&mut s);
    let deadline = s.poll_timeout().unwrap();
    assert_eq!(deadline, now + secs(300));
    s.handle_timeout(now + secs(299));
    assert!(!s.is_closed());
    s.handle_timeout(deadline);
    assert!(s.is_closed());
    assert_eq!(
        String::from_utf8(drain_out(&mut s)).unwrap(),
        "421 4.4.2 Timeout, closing connection\r\n"
    );
    assert!(matches!(s.poll_event(), Some(Event::Closed { .. })));
    assert!(s.poll_timeout().is_none());
}

#[test]
fn no_timeout_while_the_application_thinks() {
    let (mut s, now) = server();
    drain_out(&mut s);
    s.handle_input(now, b"EHLO x\r\n");
    assert!(s.poll_timeout().is_none());
    let Some(Event::HelloReceived { id, .. }) = s.poll_event() else {
        panic!()
    };
    s.accept(now + secs(1000), id).unwrap();
    assert_eq!(s.poll_timeout(), Some(now + secs(1300)));
}

#[test]
fn too_many_bad_commands_closes() {
    let now = t0();
    let mut c = Config::default();
    c.max_bad_commands = 3;
    let mut s = Server::new(c, now);
    drain_out(&mut s);
    let mut seen = Seen::default();
    let out = feed(
        &mut s,
        now,
        b"FOO\r\nBAR\r\nBAZ\r\nNOOP\r\n",
        &Policy::default(),
        &mut seen,
    );
    assert_eq!(
        out,
        "500 5.5.1 Command unrecognized\r\n500 5.5.1 Command unrecognized\r\n500 5.5.1 Command unrecognized\r\n421 4.7.0 Too many errors, closing connection\r\n"
    );
    assert!(s.is_closed());
    s.handle_input(now, b"NOOP\r\n");
    assert!(s.poll_transmit().is_none());
}

#[test]
fn lmtp_one_reply_per_accepted_recipient() {
    let now = t0();
    let mut c = Config::default();
    c.lmtp = true;
    let mut s = Server::new(c, now);
    assert!(
        String::from_utf8(drain_out(&mut s))
            .unwrap()
            .contains("LMTP")
    );
    let p = Policy {
        reject_rcpt_prefix: Some("bad".into()),
        ..Policy::default()
    };
    let mut seen = Seen::default();
    assert!(feed(&mut s, now, b"EHLO x\r\n", &p, &mut seen).starts_with("500 5.5.1"));
    feed(&mut s, now, b"LHLO x\r\n", &p, &mut seen);
    let out = feed(&mut s, now, b"MAIL FROM:<a@b.c>\r\nRCPT TO:<one@e.f>\r\nRCPT TO:<bad@e.f>\r\nRCPT TO:<two@e.f>\r\nDATA\r\n", &p, &mut seen);
    assert!(out.ends_with("354 Start mail input; end with <CRLF>.<CRLF>\r\n"));
    s.handle_input(now, b"hi\r\n.\r\n");
    let mut slots = None;
    while let Some(ev) = s.poll_event() {
        if let Event::DataEnded {
            lmtp_recipients, ..
        } = ev
        {
            slots = Some(lmtp_recipients);
        }
    }
    let slots = slots.unwrap();
    assert_eq!(slots.len(), 2);
    assert_eq!(slots[0].forward_path.to_string(), "<one@e.f>");
    // Answer in reverse order: replies still come in RCPT order.
    s.reject(
        now,
        slots[1].id,
        Reply::new(ReplyCode::INSUFFICIENT_STORAGE, None, "over quota"),
    )
    .unwrap();
    assert!(s.poll_transmit().is_none());
    s.accept(now, slots[0].id).unwrap();
    assert_eq!(
        String::from_utf8(drain_out(&mut s)).unwrap(),
        "250 2.0.0 Message accepted\r\n452 over quota\r\n"
    );
}

#[test]
fn decisions_are_checked() {
    let (mut s, now) = server();
    s.handle_input(now, b"EHLO x\r\n");
    let Some(Event::HelloReceived { id, .. }) = s.poll_event() else {
        panic!()
    };
    assert!(
        s.reject(now, id, Reply::new(ReplyCode::OK, None, "no"))
            .is_err()
    );
    assert!(s.auth_challenge(now, id, b"x").is_err());
    s.accept(now, id).unwrap();
    assert!(s.accept(now, id).is_err());
    s.close(now, None);
    assert!(s.is_closed());
    assert!(
        String::from_utf8(drain_out(&mut s))
            .unwrap()
            .ends_with("421 4.3.0 Service shutting down, closing connection\r\n")
    );
    assert_eq!(
        s.accept(now, id),
        Err(smtp_proto::server::ApiMisuse::Closed)
    );
}

#[test]
fn binarymime_forbids_data_and_helo_takes_no_parameters() {
    let now = t0();
    let mut c = Config::default();
    c.extensions.binary_mime = true;
    let mut s = Server::new(c, now);
    ehlo(&mut s, now);
    let p = Policy::default();
    let mut seen = Seen::default();
    let out = feed(
        &mut s,
        now,
        b"MAIL FROM:<a@b.c> BODY=BINARYMIME\r\nRCPT TO:<d@e.f>\r\nDATA\r\n",
        &p,
        &mut seen,
    );
    assert!(
        out.ends_with("503 5.5.1 BODY=BINARYMIME requires BDAT\r\n"),
        "{out}"
    );
    let out = feed(&mut s, now, b"BDAT 3 LAST\r\nabc", &p, &mut seen);
    assert_eq!(out, "250 2.0.0 Message accepted\r\n");
    let (mut s, now) = server();
    drain_out(&mut s);
    feed(&mut s, now, b"HELO x\r\n", &p, &mut seen);
    let out = feed(&mut s, now, b"MAIL FROM:<a@b.c> SIZE=10\r\n", &p, &mut seen);
    assert_eq!(
        out,
        "555 5.5.4 Parameter not recognized or not implemented\r\n"
    );
    let out = feed(
        &mut s,
        now,
        b"MAIL FROM:<a@b.c> X-UNKNOWN=1\r\n",
        &p,
        &mut seen,
    );
    assert_eq!(
        out,
        "555 5.5.4 Parameter not recognized or not implemented\r\n"
    );
}

#[test]
fn auth_sequencing_rules() {
    let now = t0();
    let mut c = Config::default();
    c.extensions.auth = vec![AuthMechanism::Plain];
    let mut s = Server::new(c, now);
    drain_out(&mut s);
    let p = Policy::default();
    let mut seen = Seen::default();
    feed(&mut s, now, b"HELO x\r\n", &p, &mut seen);
    assert_eq!(
        feed(&mut s, now, b"AUTH PLAIN\r\n", &p, &mut seen),
        "503 5.5.1 Send EHLO first\r\n"
    );
    feed(&mut s, now, b"EHLO x\r\n", &p, &mut seen);
    assert_eq!(
        feed(&mut s, now, b"AUTH CRAM-MD5\r\n", &p, &mut seen),
        "504 5.5.4 Unrecognized authentication type\r\n"
    );
    feed(&mut s, now, b"MAIL FROM:<a@b.c>\r\n", &p, &mut seen);
    assert_eq!(
        feed(&mut s, now, b"AUTH PLAIN\r\n", &p, &mut seen),
        "503 5.5.1 AUTH not allowed during a mail transaction\r\n"
    );
    // A bad base64 response ends the exchange with 501.
    feed(&mut s, now, b"RSET\r\n", &p, &mut seen);
    assert_eq!(
        feed(&mut s, now, b"AUTH PLAIN\r\n", &p, &mut seen),
        "334 \r\n"
    );
    assert!(feed(&mut s, now, b"!!notbase64\r\n", &p, &mut seen).starts_with("501 "));
    assert_eq!(s.state(), State::Ready);
}

#[test]
fn refused_greeting_serves_only_quit() {
    let now = t0();
    let mut c = Config::default();
    c.greet_on_start = false;
    let mut s = Server::new(c, now);
    assert!(s.poll_transmit().is_none());
    assert_eq!(s.state(), State::Greeting);
    s.handle_input(now, b"EHLO x\r\n");
    assert!(
        s.poll_event().is_none(),
        "nothing is read before the greeting"
    );
    s.greet(
        now,
        Some(Reply::new(ReplyCode::TRANSACTION_FAILED, None, "go away")),
    )
    .unwrap();
    let mut seen = Seen::default();
    let out = feed(&mut s, now, b"QUIT\r\n", &Policy::default(), &mut seen);
    assert_eq!(
        out,
        "554 go away\r\n503 5.5.1 No service here, send QUIT\r\n221 2.0.0 Bye\r\n"
    );
    assert_eq!(seen.events.last().unwrap(), "closed ServiceRefused");
}

#[test]
fn lmtp_refused_content_gets_one_reply_per_recipient() {
    let now = t0();
    let mut c = Config::default();
    c.lmtp = true;
    c.max_message_size = Some(4);
    let mut s = Server::new(c, now);
    drain_out(&mut s);
    let p = Policy::default();
    let mut seen = Seen::default();
    feed(
        &mut s,
        now,
        b"LHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nRCPT TO:<g@e.f>\r\nDATA\r\n",
        &p,
        &mut seen,
    );
    let out = feed(&mut s, now, b"too long\r\n.\r\n", &p, &mut seen);
    assert_eq!(
        out,
        "552 5.3.4 Message size exceeds fixed maximum message size\r\n".repeat(2)
    );
}

#[test]
fn quit_waits_for_earlier_answers_and_backpressure_when_queue_is_full() {
    let now = t0();
    let mut c = Config::default();
    c.max_pipelined_commands = 2;
    c.max_receive_buffer = 16;
    let mut s = Server::new(c, now);
    ehlo(&mut s, now);
    s.handle_input(
        now,
        b"MAIL FROM:<a@b.c>\r\nNOOP\r\nNOOP\r\nNOOP\r\nQUIT\r\n",
    );
    // Two commands parsed ahead, the rest waits in the receive buffer.
    assert!(!s.wants_input());
    let Some(Event::MailFromReceived { id, .. }) = s.poll_event() else {
        panic!()
    };
    assert!(s.poll_transmit().is_none());
    s.accept(now, id).unwrap();
    assert!(s.is_closed());
    assert_eq!(
        String::from_utf8(drain_out(&mut s)).unwrap(),
        "250 2.1.0 Sender OK\r\n250 2.0.0 OK\r\n250 2.0.0 OK\r\n250 2.0.0 OK\r\n221 2.0.0 Bye\r\n"
    );
}

#[test]
fn refused_bdat_counts_as_a_bad_command() {
    let now = t0();
    let mut c = Config::default();
    c.max_bad_commands = 2;
    let mut s = Server::new(c, now);
    ehlo(&mut s, now);
    let mut seen = Seen::default();
    let out = feed(
        &mut s,
        now,
        b"BDAT 0\r\nBDAT 1\r\nxBDAT 0\r\n",
        &Policy::default(),
        &mut seen,
    );
    assert_eq!(
        out,
        "503 5.5.1 Need MAIL command first\r\n503 5.5.1 Need MAIL command first\r\n421 4.7.0 Too many errors, closing connection\r\n"
    );
    assert!(s.is_closed());
}

#[test]
fn unknown_commands_and_parameters_can_be_delegated() {
    let now = t0();
    let mut c = Config::default();
    c.delegate_unknown_commands = true;
    c.pass_unknown_parameters = true;
    let mut s = Server::new(c, now);
    ehlo(&mut s, now);
    let mut seen = Seen::default();
    let out = feed(
        &mut s,
        now,
        b"XCLIENT ADDR=192.0.2.1\r\nMAIL FROM:<a@b.c> X-FOO=bar\r\nRCPT TO:<d@e.f> X-BAR\r\n",
        &Policy::default(),
        &mut seen,
    );
    assert_eq!(
        out,
        "250 2.0.0 OK\r\n250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n"
    );
    assert_eq!(seen.events[0], "command XCLIENT");
}

#[test]
fn eof_in_the_middle_of_data_ends_without_a_message() {
    let (mut s, now) = server();
    ehlo(&mut s, now);
    let mut seen = Seen::default();
    feed(
        &mut s,
        now,
        b"MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\nhalf a mess",
        &Policy::default(),
        &mut seen,
    );
    s.handle_eof(now);
    answer_all(&mut s, now, &Policy::default(), &mut seen);
    assert!(seen.messages.is_empty());
    assert_eq!(seen.events.last().unwrap(), "closed PeerClosed");
    assert!(drain_out(&mut s).is_empty());
    s.handle_input(now, b"NOOP\r\n");
    s.handle_timeout(now + secs(10_000));
    assert!(s.poll_event().is_none() && s.poll_transmit().is_none());
}

#[test]
fn time_going_backwards_is_clamped() {
    let (mut s, now) = server();
    drain_out(&mut s);
    let later = now + secs(100);
    s.handle_input(later, b"NOOP\r\n");
    drain_out(&mut s);
    assert_eq!(s.poll_timeout(), Some(later + secs(300)));
    // An earlier instant neither moves the deadline back nor fires it.
    s.handle_input(now, b"");
    s.handle_timeout(now + secs(350));
    assert!(!s.is_closed());
    assert_eq!(s.poll_timeout(), Some(later + secs(300)));
}

#[test]
fn undrained_content_events_stop_reading() {
    let (mut s, now) = server();
    ehlo(&mut s, now);
    let mut seen = Seen::default();
    feed(
        &mut s,
        now,
        b"MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n",
        &Policy::default(),
        &mut seen,
    );
    let mut fed = 0;
    while s.wants_input() && fed < 10_000 {
        s.handle_input(now, b"line\r\n");
        fed += 1;
    }
    assert!(!s.wants_input(), "the event queue is bounded");
    while s.poll_event().is_some() {}
    assert!(s.wants_input());
}

#[test]
fn degenerate_limits_do_not_wedge_the_session() {
    let now = t0();
    let mut c = Config::default();
    c.max_pipelined_commands = 0;
    c.max_command_line = 0;
    let mut s = Server::new(c, now);
    drain_out(&mut s);
    let mut seen = Seen::default();
    let out = feed(&mut s, now, b"NOOP\r\n", &Policy::default(), &mut seen);
    assert_eq!(out, "500 5.5.2 Line too long\r\n");
    assert!(!s.is_closed());
}
