//! Regression vectors named after the bugs that the POP3 libraries of the anchors research have
//! (reference/pop3-store-anchors.md). Each test feeds the exact situation and checks the wire.

mod common;

use bytes::Bytes;
use common::{Mailbox, Pair, start};
use pop3_proto::client;
use pop3_proto::server::{self, Server};
use pop3_proto::types::MessageNumber;

fn n(i: u32) -> MessageNumber {
    MessageNumber::new(i).expect("non-zero")
}

/// Runs `input` through a logged-in server with `messages`; returns what it wrote after login.
fn server_wire(messages: Vec<Vec<u8>>, input: &str) -> String {
    let now = start();
    let mut mailbox = Mailbox::new("u", "p", messages);
    mailbox.chunk = 3;
    let mut server = Server::new(server::Config::default(), now);
    server.handle_input(now, b"USER u\r\nPASS p\r\n");
    mailbox.serve(&mut server, now);
    while server.poll_transmit().is_some() {}
    server.handle_input(now, input.as_bytes());
    mailbox.serve(&mut server, now);
    let mut out = Vec::new();
    while let Some(b) = server.poll_transmit() {
        out.extend_from_slice(&b);
    }
    String::from_utf8(out).expect("UTF-8")
}

/// Mailpit #299, GreenMail #475, netius #96: lines starting with a dot must be stuffed by the
/// server, the first line included, and across chunk boundaries (here 3-octet chunks).
#[test]
fn server_stuffs_dot_lines_first_line_and_across_chunks() {
    let wire = server_wire(vec![b".first\r\nmid\r\n.\r\n..\r\n".to_vec()], "RETR 1\r\n");
    assert_eq!(
        wire,
        "+OK 20 octets\r\n..first\r\nmid\r\n..\r\n...\r\n.\r\n"
    );
}

/// GreenMail #1049: a dot line ended by a bare LF is still a dot line (stuffed, and the LF sent
/// as CRLF).
#[test]
fn server_stuffs_dot_line_ended_by_bare_lf() {
    let wire = server_wire(vec![b"a\n.\nb\n".to_vec()], "RETR 1\r\n");
    assert_eq!(wire, "+OK 6 octets\r\na\r\n..\r\nb\r\n.\r\n");
}

/// rust-pop3, pop3-client, async-pop, node-pop3 PR #40: clients that do not un-stuff corrupt
/// bodies (and DKIM hashes).
#[test]
fn client_unstuffs_every_dot_line() {
    let message = b"x\r\n.\r\n..\r\n.a\r\n".to_vec();
    let mut pair = Pair::new(
        client::Config::default(),
        server::Config::default(),
        Mailbox::new("u", "p", vec![message.clone()]),
    );
    pair.client.login(pair.now, "u", "p").expect("login");
    let id = pair.client.retr(pair.now, n(1)).expect("retr");
    pair.drive();
    assert_eq!(pair.body(id), message);
}

/// Stalwart #3165: `TOP n 0` returned the whole message; TOP must count body lines after the
/// blank line (hMailServer #126, GreenMail #984: and stuff them).
#[test]
fn top_zero_is_headers_only_and_counts_body_lines() {
    let msg = b"A: 1\r\n\r\n.b1\r\nb2\r\n".to_vec();
    assert_eq!(
        server_wire(vec![msg.clone()], "TOP 1 0\r\n"),
        "+OK top of message follows\r\nA: 1\r\n\r\n.\r\n"
    );
    assert_eq!(
        server_wire(vec![msg], "TOP 1 1\r\n"),
        "+OK top of message follows\r\nA: 1\r\n\r\n..b1\r\n.\r\n"
    );
}

/// Mailpit #518, curl #14808: `LIST n` (and `UIDL n`) answer one line, never a listing.
#[test]
fn list_n_and_uidl_n_are_single_line() {
    assert_eq!(
        server_wire(vec![b"a\r\n".to_vec()], "LIST 1\r\nUIDL 1\r\n"),
        "+OK 1 3\r\n+OK 1 uid-1\r\n"
    );
}

/// billpg/POP3Listener #9, Stalwart: deleted messages must not count in STAT nor show in
/// LIST/UIDL, and RETR/TOP must refuse them; Stalwart's `LIST 0` mapped to message 1.
#[test]
fn deleted_messages_are_invisible_and_message_zero_is_invalid() {
    let wire = server_wire(
        vec![b"a\r\n".to_vec(), b"bb\r\n".to_vec()],
        "DELE 1\r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nTOP 1 0\r\nLIST 0\r\n",
    );
    let lines: Vec<&str> = wire.split("\r\n").collect();
    assert_eq!(
        &lines[..10],
        &[
            "+OK message 1 deleted",
            "+OK 1 4",
            "+OK 1 messages (4 octets)",
            "2 4",
            ".",
            "+OK unique-id listing follows",
            "2 uid-2",
            ".",
            "-ERR no such message: 1",
            "-ERR no such message: 1"
        ]
    );
    assert!(lines[10].starts_with("-ERR"));
}

/// Stalwart #567: QUIT must always be answered; and deletes happen only after it.
#[test]
fn quit_is_answered_and_commits() {
    let wire = server_wire(vec![b"a\r\n".to_vec()], "DELE 1\r\nQUIT\r\n");
    assert_eq!(
        wire,
        "+OK message 1 deleted\r\n+OK POP3 server signing off\r\n"
    );
}

/// Stalwart (PASS with a space rejected as "too many arguments"), migadu parity: PASS takes the
/// rest of the line.
#[test]
fn pass_keeps_inner_and_trailing_spaces() {
    let now = start();
    let mut server = Server::new(server::Config::default(), now);
    server.handle_input(now, b"USER u\r\nPASS  a b \r\n");
    let password = std::iter::from_fn(|| server.poll_event()).find_map(|e| match e {
        server::Event::AuthRequested {
            credentials: server::Credentials::User { password, .. },
            ..
        } => Some(password),
        _ => None,
    });
    assert_eq!(password.expect("asked").expose(), " a b ");
}

/// migadu regression: CRLF in texts (error text from the application) cannot inject lines.
#[test]
fn application_text_cannot_inject_lines() {
    let now = start();
    let mut server = Server::new(server::Config::default(), now);
    server.handle_input(now, b"USER u\r\nPASS p\r\n");
    let id = std::iter::from_fn(|| server.poll_event())
        .find_map(|e| match e {
            server::Event::AuthRequested { id, .. } => Some(id),
            _ => None,
        })
        .expect("asked");
    server
        .reject_auth(now, id, None, "no\r\n+OK logged in")
        .expect("reject");
    let mut out = Vec::new();
    while let Some(b) = server.poll_transmit() {
        out.extend_from_slice(&b);
    }
    assert!(out.ends_with(b"-ERR no  +OK logged in\r\n"));
}

/// migadu parity: a body that fails after `+OK` must drop the connection instead of sending the
/// terminator (the client would take a truncated message as whole).
#[test]
fn body_failure_after_ok_drops_the_connection() {
    let now = start();
    let mut mailbox = Mailbox::new("u", "p", vec![b"abc\r\n".to_vec()]);
    let mut server = Server::new(server::Config::default(), now);
    server.handle_input(now, b"USER u\r\nPASS p\r\n");
    mailbox.serve(&mut server, now);
    server.handle_input(now, b"RETR 1\r\n");
    let Some(server::Event::BodyRequested { id, .. }) = server.poll_event() else {
        panic!("body")
    };
    server
        .body_chunk(now, id, Bytes::from_static(b"ab"))
        .expect("chunk");
    server
        .body_unavailable(now, id, None, "disk error")
        .expect("fail");
    let mut out = Vec::new();
    while let Some(b) = server.poll_transmit() {
        out.extend_from_slice(&b);
    }
    assert!(out.ends_with(b"+OK 5 octets\r\nab"));
    assert!(server.is_closed());
}

/// CPython poplib's 2048-octet cap (Odoo #10920, Mailpile #2161): long body lines are fine.
#[test]
fn long_body_lines_pass() {
    let line = "z".repeat(100_000);
    let message = format!("Subject: long\r\n\r\n{line}\r\n").into_bytes();
    let mut pair = Pair::new(
        client::Config::default(),
        server::Config::default(),
        Mailbox::new("u", "p", vec![message.clone()]),
    );
    pair.client.login(pair.now, "u", "p").expect("login");
    let id = pair.client.retr(pair.now, n(1)).expect("retr");
    pair.drive();
    assert_eq!(pair.body(id), message);
}

/// curl #10073: a greeting timestamp must not make the client try APOP by itself.
#[test]
fn client_never_chooses_apop_by_itself() {
    let mut config = server::Config::default();
    config.apop_timestamp = Some("<1.2@host>".into());
    let mut pair = Pair::new(
        client::Config::default(),
        config,
        Mailbox::new("u", "p", vec![]),
    );
    pair.client.login(pair.now, "u", "p").expect("login");
    pair.drive();
    assert!(pair.to_server.starts_with(b"USER u\r\nPASS p\r\n"));
}

/// pop3-client 0.3 sent `CAPA` without CRLF; rust-pop3's RSET sent `RETR`.
#[test]
fn client_commands_are_complete_lines() {
    let mut pair = Pair::new(
        client::Config::default(),
        server::Config::default(),
        Mailbox::new("u", "p", vec![]),
    );
    pair.client.capa(pair.now).expect("capa");
    pair.client.rset(pair.now).expect("rset");
    pair.drive();
    assert_eq!(pair.to_server, b"CAPA\r\nRSET\r\n");
}

/// async-pop: an unknown SASL mechanism in CAPA failed the whole parse.
#[test]
fn unknown_capabilities_and_mechanisms_are_kept() {
    let cap = pop3_proto::parse::capability(b"SASL PLAIN X-FUTURE-MECH XOAUTH2").expect("parses");
    let pop3_proto::types::Capability::Sasl(mechs) = cap else {
        panic!("SASL")
    };
    assert_eq!(
        mechs.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        ["PLAIN", "X-FUTURE-MECH", "XOAUTH2"]
    );
}
