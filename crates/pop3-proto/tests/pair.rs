//! A client and a server back to back on a virtual clock: whole sessions, pipelining, STLS,
//! authentication styles, timeouts, and deletes committed only by QUIT.

mod common;

use std::time::Duration;

use common::{Mailbox, Pair};
use pop3_proto::client::{self, InitialResponse};
use pop3_proto::server;
use pop3_proto::types::{Capability, Mechanism, MessageNumber, ResponseCode};

fn n(i: u32) -> MessageNumber {
    MessageNumber::new(i).expect("non-zero")
}

/// Messages with the shapes that break POP3 libraries: dot lines, a lone dot, 998-octet lines,
/// an empty body, and a multi-megabyte message.
fn tricky_messages() -> Vec<Vec<u8>> {
    let long_line = "y".repeat(998);
    let mut big = Vec::new();
    let mut i = 0;
    while big.len() < 3 << 20 {
        let line = match i % 7 {
            0 => ".".to_owned(),
            1 => format!("..{i}"),
            2 => format!(".{i} starts with a dot"),
            _ => format!("line {i} of a multi-megabyte message"),
        };
        big.extend_from_slice(line.as_bytes());
        big.extend_from_slice(b"\r\n");
        i += 1;
    }
    vec![
        b"From: a@b\r\nSubject: dots\r\n\r\n.\r\n..\r\n.x\r\n...\r\n".to_vec(),
        format!("Subject: long\r\n\r\n{long_line}\r\n{long_line}\r\n").into_bytes(),
        Vec::new(),
        big,
        b"Subject: no final newline\r\n\r\nlast".to_vec(),
    ]
}

fn logged_in_pair(messages: Vec<Vec<u8>>) -> Pair {
    let mut pair = Pair::new(
        client::Config::default(),
        server::Config::default(),
        Mailbox::new("alice", "secret", messages),
    );
    pair.client.capa(pair.now).expect("capa");
    let pass = pair
        .client
        .login(pair.now, "alice", "secret")
        .expect("login");
    pair.drive();
    assert!(pair.reply(pass).expect("PASS answered").is_ok());
    assert_eq!(pair.client.state(), client::State::Transaction);
    pair
}

#[test]
fn whole_session_is_byte_exact_and_commits_on_quit() {
    let messages = tricky_messages();
    let mut pair = logged_in_pair(messages.clone());
    assert!(pair.client.has_capability(&Capability::Pipelining));
    let stat = pair.client.stat(pair.now).expect("stat");
    let uidl = pair.client.uidl(pair.now, None).expect("uidl");
    let mut retrs = Vec::new();
    for i in 1..=messages.len() as u32 {
        retrs.push(pair.client.retr(pair.now, n(i)).expect("retr"));
        pair.client.dele(pair.now, n(i)).expect("dele");
    }
    pair.client.quit(pair.now).expect("quit");
    pair.drive();

    let total: u64 = messages.iter().map(|m| m.len() as u64).sum();
    let stat = pair
        .reply(stat)
        .and_then(pop3_proto::Reply::maildrop_stat)
        .expect("stat");
    assert_eq!((stat.count, stat.octets), (5, total));
    let uids = pair
        .client_events
        .iter()
        .filter(|e| matches!(e, client::Event::UniqueIdListing { id, .. } if *id == uidl))
        .count();
    assert_eq!(uids, 5);
    for (id, message) in retrs.into_iter().zip(&messages) {
        let body = pair.body(id);
        if message.ends_with(b"\r\n") || message.is_empty() {
            assert_eq!(&body, message);
        } else {
            // A missing final CRLF is added on the wire (the terminator needs it).
            assert_eq!(body, [message.as_slice(), b"\r\n"].concat());
        }
    }
    assert_eq!(pair.mailbox.committed, Some(vec![10, 20, 30, 40, 50]));
    assert_eq!(pair.mailbox.commits, 1);
    assert!(pair.client.is_closed() && pair.server.is_closed());
    assert_eq!(
        pair.client_events.last(),
        Some(&client::Event::Closed { error: None })
    );
}

#[test]
fn pipelined_commands_leave_together_and_answers_keep_order() {
    let messages: Vec<Vec<u8>> = (0..50)
        .map(|i| format!("Subject: {i}\r\n\r\n.{i}\r\n").into_bytes())
        .collect();
    let mut pair = logged_in_pair(messages.clone());
    let ids: Vec<_> = (1..=50)
        .map(|i| pair.client.retr(pair.now, n(i)).expect("retr"))
        .collect();
    let mut burst = Vec::new();
    while let Some(b) = pair.client.poll_transmit() {
        burst.extend_from_slice(&b);
    }
    let expected: String = (1..=50).map(|i| format!("RETR {i}\r\n")).collect();
    assert_eq!(String::from_utf8(burst.clone()).expect("UTF-8"), expected);
    pair.server.handle_input(pair.now, &burst);
    pair.drive();
    for (id, message) in ids.into_iter().zip(&messages) {
        assert_eq!(&pair.body(id), message);
    }
}

#[test]
fn without_pipelining_the_client_waits_for_each_answer() {
    let mut pair = Pair::new(
        client::Config::default(),
        server::Config::default(),
        Mailbox::new("a", "b", vec![b"x\r\n".to_vec()]),
    );
    pair.client.login(pair.now, "a", "b").expect("login");
    pair.client.stat(pair.now).expect("stat");
    pair.drive();
    // No CAPA was asked: each command waited, and everything still completed in order.
    let replies = pair
        .client_events
        .iter()
        .filter(|e| matches!(e, client::Event::ReplyReceived { .. }))
        .count();
    assert_eq!(replies, 3);
    assert!(pair.to_server.starts_with(b"USER a\r\nPASS b\r\nSTAT\r\n"));
}

#[test]
fn deleted_messages_vanish_for_list_uidl_retr_top() {
    let mut pair = logged_in_pair(vec![
        b"a\r\n".to_vec(),
        b"bb\r\n".to_vec(),
        b"ccc\r\n".to_vec(),
    ]);
    pair.client.dele(pair.now, n(2)).expect("dele");
    let list = pair.client.list(pair.now, None).expect("list");
    let list2 = pair.client.list(pair.now, Some(n(2))).expect("list 2");
    let retr2 = pair.client.retr(pair.now, n(2)).expect("retr 2");
    let top2 = pair.client.top(pair.now, n(2), 0).expect("top 2");
    let uidl2 = pair.client.uidl(pair.now, Some(n(2))).expect("uidl 2");
    pair.client.rset(pair.now).expect("rset");
    let retr2_again = pair.client.retr(pair.now, n(2)).expect("retr 2");
    pair.drive();
    let listed: Vec<u32> = pair
        .client_events
        .iter()
        .filter_map(|e| match e {
            client::Event::ScanListing { id, listing } if *id == list => Some(listing.msg.get()),
            _ => None,
        })
        .collect();
    assert_eq!(listed, [1, 3]);
    for id in [list2, retr2, top2, uidl2] {
        assert!(!pair.reply(id).expect("answered").is_ok());
    }
    assert_eq!(pair.body(retr2_again), b"bb\r\n");
}

#[test]
fn utf8_headers_are_served_once_the_client_enables_utf8() {
    let messages = vec![
        b"Subject: ascii\r\n\r\nbody\r\n".to_vec(),
        "Subject: caf\u{e9}\r\nFrom: j\u{f6}rg@b\u{fc}cher.example\r\n\r\nbody\r\n"
            .as_bytes()
            .to_vec(),
    ];
    for enable in [false, true] {
        let mut mailbox = Mailbox::new("alice", "secret", messages.clone());
        mailbox.utf8_headers = vec![1];
        let mut config = server::Config::default();
        config.utf8 = true;
        let mut pair = Pair::new(client::Config::default(), config, mailbox);
        let utf8 = enable.then(|| pair.client.utf8(pair.now).expect("utf8"));
        pair.client
            .login(pair.now, "alice", "secret")
            .expect("login");
        let ascii = pair.client.retr(pair.now, n(1)).expect("retr");
        let intl = pair.client.retr(pair.now, n(2)).expect("retr");
        pair.drive();
        assert_eq!(pair.client.is_utf8(), enable);
        assert!(utf8.is_none_or(|id| pair.reply(id).is_some_and(|r| r.is_ok())));
        assert_eq!(pair.body(ascii), messages[0]);
        let reply = pair.reply(intl).expect("answered");
        if enable {
            assert!(reply.is_ok());
            assert_eq!(pair.body(intl), messages[1]);
        } else {
            assert_eq!(reply.code, Some(ResponseCode::Utf8));
            assert!(pair.body(intl).is_empty());
        }
    }
}

#[test]
fn top_through_the_pair() {
    let mut pair = logged_in_pair(vec![b"A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n".to_vec()]);
    let top0 = pair.client.top(pair.now, n(1), 0).expect("top");
    let top2 = pair.client.top(pair.now, n(1), 2).expect("top");
    pair.drive();
    assert_eq!(pair.body(top0), b"A: 1\r\nB: 2\r\n\r\n");
    assert_eq!(pair.body(top2), b"A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\n");
}

#[test]
fn dropped_connection_commits_nothing() {
    let mut pair = logged_in_pair(vec![b"a\r\n".to_vec()]);
    pair.client.dele(pair.now, n(1)).expect("dele");
    pair.drive();
    pair.server.handle_eof(pair.now);
    pair.drive();
    assert_eq!(pair.mailbox.committed, None);
    assert!(pair.server_events.contains(&server::Event::Closed {
        error: Some(server::Error::PeerClosed)
    }));
}

#[test]
fn autologout_on_the_virtual_clock_commits_nothing() {
    let mut pair = logged_in_pair(vec![b"a\r\n".to_vec()]);
    pair.client.dele(pair.now, n(1)).expect("dele");
    pair.drive();
    let waited = pair.advance().expect("a deadline");
    assert_eq!(waited, Duration::from_secs(600));
    assert!(pair.server.is_closed());
    assert_eq!(pair.mailbox.committed, None);
    // The client hears the server's parting -ERR with nothing pending.
    assert!(matches!(
        pair.client_events.last(),
        Some(client::Event::Closed {
            error: Some(client::Error::Unsolicited(_))
        })
    ));
}

#[test]
fn client_times_out_when_the_server_stalls() {
    let mut config = client::Config::default();
    config.response_timeout = Duration::from_secs(30);
    let mut pair = Pair::new(
        config,
        server::Config::default(),
        Mailbox::new("a", "b", vec![]),
    );
    pair.drive();
    pair.client.login(pair.now, "a", "b").expect("login");
    // Deliver USER but keep the server's answer from the client: the stall.
    while let Some(b) = pair.client.poll_transmit() {
        pair.server.handle_input(pair.now, &b);
    }
    let deadline = pair.client.poll_timeout().expect("answer due");
    assert_eq!(deadline - pair.now, Duration::from_secs(30));
    pair.now = deadline;
    pair.client.handle_timeout(pair.now);
    assert!(matches!(
        pair.client.poll_event(),
        Some(client::Event::Closed {
            error: Some(client::Error::Timeout(_))
        })
    ));
}

#[test]
fn stls_then_login_on_the_protected_connection() {
    let mut config = server::Config::default();
    config.stls = true;
    config.allow_cleartext_auth = false;
    let mut pair = Pair::new(
        client::Config::default(),
        config,
        Mailbox::new("alice", "secret", vec![b"m\r\n".to_vec()]),
    );
    pair.client.capa(pair.now).expect("capa");
    pair.drive();
    assert!(pair.client.has_capability(&Capability::Stls));
    assert!(!pair.client.has_capability(&Capability::User));
    pair.client.stls(pair.now).expect("stls");
    pair.drive();
    assert!(pair.client.is_tls() && pair.server.is_tls());
    pair.client.capa(pair.now).expect("capa");
    let pass = pair
        .client
        .login(pair.now, "alice", "secret")
        .expect("login");
    pair.drive();
    assert!(pair.client.has_capability(&Capability::User));
    assert!(!pair.client.has_capability(&Capability::Stls));
    assert!(pair.reply(pass).expect("answered").is_ok());
}

#[test]
fn sasl_mechanisms_in_both_initial_response_styles() {
    let mut config = server::Config::default();
    config.sasl_mechanisms = vec![Mechanism::plain(), Mechanism::login(), Mechanism::xoauth2()];
    for style in [InitialResponse::Inline, InitialResponse::Continuation] {
        for mech in 0..3 {
            let mut pair = Pair::new(
                client::Config::default(),
                config.clone(),
                Mailbox::new("tim", "tanstaaf", vec![]),
            );
            let (c, now) = (&mut pair.client, pair.now);
            let id = match mech {
                0 => c.auth_plain(now, "tim", "tanstaaf", style),
                1 => c.auth_login(now, "tim", "tanstaaf", style),
                _ => c.auth_xoauth2(now, "tim", "tanstaaf", style),
            }
            .expect("auth");
            pair.drive();
            assert!(
                pair.reply(id).expect("answered").is_ok(),
                "{style:?} {mech}"
            );
            assert_eq!(pair.server.state(), server::State::Transaction);
        }
    }
    // Wrong XOAUTH2 token: -ERR [AUTH], still in AUTHORIZATION.
    let mut pair = Pair::new(
        client::Config::default(),
        config,
        Mailbox::new("tim", "tanstaaf", vec![]),
    );
    let id = pair
        .client
        .auth_xoauth2(pair.now, "tim", "wrong", InitialResponse::Inline)
        .expect("auth");
    pair.drive();
    let reply = pair.reply(id).expect("answered");
    assert_eq!(reply.code, Some(pop3_proto::types::ResponseCode::Auth));
    assert_eq!(pair.client.state(), client::State::Authorization);
}

#[test]
fn apop_through_the_pair() {
    let mut config = server::Config::default();
    config.apop_timestamp = Some("<4711.1@pair.test>".into());
    let mut pair = Pair::new(
        client::Config::default(),
        config,
        Mailbox::new("mrose", "tanstaaf", vec![]),
    );
    pair.drive();
    let id = pair
        .client
        .apop(pair.now, "mrose", b"tanstaaf")
        .expect("apop");
    pair.drive();
    assert!(pair.reply(id).expect("answered").is_ok());
    let mut config = server::Config::default();
    config.apop_timestamp = Some("<4711.2@pair.test>".into());
    let mut pair = Pair::new(
        client::Config::default(),
        config,
        Mailbox::new("mrose", "tanstaaf", vec![]),
    );
    pair.drive();
    let id = pair.client.apop(pair.now, "mrose", b"wrong").expect("apop");
    pair.drive();
    assert!(!pair.reply(id).expect("answered").is_ok());
}
