//! Held-out acceptance scenarios for the POP3 server and client sessions.
//!
//! Inputs and expected behaviour (not code) were taken from these public test suites; every
//! line of test code here is our own:
//!
//! - `migadu/go-pop3`, `pop3server/*_test.go` (MIT licence): parity, regression, hardening,
//!   stls, utf8_caps, errorcount and ontimeout tests.
//! - CPython `Lib/test/test_poplib.py` (Python Software Foundation License v2): the dummy
//!   server's greeting, CAPA, LIST, RETR/TOP, UTF8 and STLS replies and the over-long line of
//!   CVE-2013-1752, replayed against our *client*.
//! - `rest-mail/go-pop3` tests (MIT licence): blank lines in RETR/TOP, no-argument commands,
//!   LIST/RETR octet agreement, STLS after authentication.
//!
//! Where the sources disagree with each other or with our design, RFC 1939, 2449, 2595 and
//! 6856 decide; each such case says which way and why.

mod common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{Mailbox, body_of, start};
use pop3_proto::client::{self, Client};
use pop3_proto::server::{self, Server};
use pop3_proto::types::{Capability, MessageNumber, ResponseCode, UniqueId};

// ---- server harness -----------------------------------------------------------------------

/// A server session on a virtual clock with the shared scripted application behind it.
struct Wire {
    server: Server,
    mailbox: Mailbox,
    now: Instant,
    events: Vec<server::Event>,
}

impl Wire {
    fn new(config: server::Config, messages: Vec<Vec<u8>>) -> (Self, String) {
        let now = start();
        let mut wire = Self {
            server: Server::new(config, now),
            mailbox: Mailbox::new("user", "pass", messages),
            now,
            events: Vec::new(),
        };
        let greeting = wire.drain();
        (wire, greeting)
    }

    fn drain(&mut self) -> String {
        let mut out = Vec::new();
        while let Some(b) = self.server.poll_transmit() {
            out.extend_from_slice(&b);
        }
        String::from_utf8(out).expect("server output is UTF-8 here")
    }

    /// Feeds `input`, lets the application answer every event, returns what was written.
    fn send(&mut self, input: &[u8]) -> String {
        self.server.handle_input(self.now, input);
        let seen = self.mailbox.serve(&mut self.server, self.now);
        self.events.extend(seen);
        self.drain()
    }

    /// Feeds `input` without answering events (the caller decides).
    fn send_raw(&mut self, input: &[u8]) -> String {
        self.server.handle_input(self.now, input);
        while let Some(e) = self.server.poll_event() {
            self.events.push(e);
        }
        self.drain()
    }

    fn login(&mut self) {
        let out = self.send(b"USER user\r\nPASS pass\r\n");
        assert!(out.ends_with("octets)\r\n"), "login: {out:?}");
        assert_eq!(self.server.state(), server::State::Transaction);
    }

    fn advance(&mut self, by: Duration) -> String {
        self.now += by;
        self.server.handle_timeout(self.now);
        while let Some(e) = self.server.poll_event() {
            self.events.push(e);
        }
        self.drain()
    }

    fn closed_with(&self) -> Vec<Option<server::Error>> {
        self.events
            .iter()
            .filter_map(|e| match e {
                server::Event::Closed { error } => Some(error.clone()),
                _ => None,
            })
            .collect()
    }

    fn auth_requests(&self) -> usize {
        self.events
            .iter()
            .filter(|e| matches!(e, server::Event::AuthRequested { .. }))
            .count()
    }
}

fn lines(out: &str) -> usize {
    out.matches("\r\n").count()
}

fn n(i: u32) -> MessageNumber {
    MessageNumber::new(i).expect("non-zero")
}

const SIMPLE: &[u8] = b"From: a@example.com\r\nSubject: Hi\r\n\r\nBody line 1\r\nBody line 2\r\n";

// ---- server: greeting ---------------------------------------------------------------------

/// CPython's dummy greeting carries an APOP timestamp; migadu's greeting is configurable.
#[test]
fn greeting_text_and_apop_timestamp() {
    let cases: &[(&str, Option<&str>, &str)] = &[
        (
            "dummy pop3 server ready.",
            Some("<timestamp>"),
            "+OK dummy pop3 server ready. <timestamp>\r\n",
        ),
        (
            "mail.example.com POP3",
            None,
            "+OK mail.example.com POP3\r\n",
        ),
    ];
    for &(text, ts, want) in cases {
        let mut config = server::Config::default();
        config.greeting = text.to_owned();
        config.apop_timestamp = ts.map(str::to_owned);
        let (_, greeting) = Wire::new(config, vec![]);
        assert_eq!(greeting, want);
    }
}

/// migadu hardening: a refused connection's first line is the reject banner, then the end.
#[test]
fn refuse_banner_then_closed() {
    let now = start();
    let mut server = Server::refuse(
        server::Config::default(),
        now,
        Some(ResponseCode::InUse),
        "Too many connections",
    );
    let mut out = Vec::new();
    while let Some(b) = server.poll_transmit() {
        out.extend_from_slice(&b);
    }
    assert_eq!(out, b"-ERR [IN-USE] Too many connections\r\n");
    assert!(server.is_closed());
    assert_eq!(
        server.poll_event(),
        Some(server::Event::Closed {
            error: Some(server::Error::Refused)
        })
    );
    server.handle_input(now, b"USER user\r\n");
    assert!(server.poll_transmit().is_none());
}

// ---- server: authentication ---------------------------------------------------------------

/// migadu parity keeps the user name after a failed PASS; RFC 1939 §7 lets the client "start
/// again" after a failed PASS, and our session forgets the USER (a USER is only good for the
/// PASS right after it). A bare PASS retry is refused without asking the application.
#[test]
fn failed_pass_forgets_the_user() {
    let (mut w, _) = Wire::new(server::Config::default(), vec![SIMPLE.to_vec()]);
    assert_eq!(w.send(b"USER user\r\n"), "+OK send PASS\r\n");
    assert_eq!(
        w.send(b"PASS wrong\r\n"),
        "-ERR [AUTH] invalid credentials\r\n"
    );
    assert_eq!(w.auth_requests(), 1);
    let out = w.send(b"PASS pass\r\n");
    assert!(out.starts_with("-ERR"), "{out:?}");
    assert_eq!(
        w.auth_requests(),
        1,
        "the bare PASS never reaches the application"
    );
    w.login();
}

/// migadu regression: PASS keeps the password's inner whitespace (tabs and runs of spaces).
/// RFC 1939 §7 lets a password contain spaces; our session keeps the trailing one too.
#[test]
fn pass_keeps_tabs_and_runs_of_spaces() {
    let (mut w, _) = Wire::new(server::Config::default(), vec![]);
    w.send_raw(b"USER u\r\nPASS a  b\tc d \r\n");
    let password = w.events.iter().find_map(|e| match e {
        server::Event::AuthRequested {
            credentials: server::Credentials::User { password, .. },
            ..
        } => Some(password.expose().clone()),
        _ => None,
    });
    assert_eq!(password.as_deref(), Some("a  b\tc d "));
}

/// migadu hardening/hijack analogue: commands pipelined behind PASS wait for the
/// application's decision and are answered after it, in order.
#[test]
fn commands_pipelined_behind_pass_survive_the_decision() {
    let (mut w, _) = Wire::new(server::Config::default(), vec![SIMPLE.to_vec()]);
    let before = w.send_raw(b"USER user\r\nPASS pass\r\nSTAT\r\n");
    assert_eq!(before, "+OK send PASS\r\n");
    let id = w
        .events
        .iter()
        .find_map(|e| match e {
            server::Event::AuthRequested { id, .. } => Some(*id),
            _ => None,
        })
        .expect("asked");
    w.server
        .accept_auth(w.now, id, w.mailbox.entries())
        .expect("accept");
    let after = w.drain();
    let len = SIMPLE.len();
    assert_eq!(
        after,
        format!("+OK maildrop has 1 messages ({len} octets)\r\n+OK 1 {len}\r\n")
    );
}

// ---- server: error budget -----------------------------------------------------------------

/// migadu errorcount/parity/hardening: failed logins, malformed arguments, out-of-order
/// commands and blank lines all count; one past the budget gets a last `-ERR` and the end.
#[test]
fn error_budget_closes_one_past_the_limit() {
    let cases: &[(&str, bool, &[u8], &str)] = &[
        (
            "failed logins",
            false,
            b"USER user\r\nPASS wrong\r\n",
            "-ERR [AUTH]",
        ),
        ("non-numeric RETR", true, b"RETR notanumber\r\n", "-ERR"),
        ("PASS before USER", false, b"PASS secret\r\n", "-ERR"),
        ("blank line", false, b"\r\n", "-ERR"),
        ("no-argument RETR", true, b"RETR\r\n", "-ERR"),
        ("unknown command", false, b"BOGUS\r\n", "-ERR"),
    ];
    for &(name, logged_in, input, each) in cases {
        for limit in [0_u32, 2, 3] {
            let mut config = server::Config::default();
            config.max_bad_commands = limit;
            let (mut w, _) = Wire::new(config, vec![SIMPLE.to_vec()]);
            if logged_in {
                w.login();
            }
            for round in 1..=limit {
                let out = w.send(input);
                assert!(
                    out.lines().last().is_some_and(|l| l.starts_with(each)),
                    "{name}, limit {limit}, round {round}: {out:?}"
                );
                assert!(!w.server.is_closed(), "{name}: closed early at {round}");
            }
            let last = w.send(input);
            assert!(
                last.ends_with("-ERR too many bad commands, closing\r\n"),
                "{name}, limit {limit}: {last:?}"
            );
            assert!(w.server.is_closed(), "{name}");
            assert_eq!(
                w.closed_with(),
                vec![Some(server::Error::TooManyBadCommands)],
                "{name}"
            );
            assert_eq!(w.send(b"CAPA\r\n"), "", "{name}: silent after the end");
        }
    }
}

/// migadu errorcount: a well-formed request for a message that does not exist is not a
/// protocol error and never uses up the budget.
#[test]
fn missing_messages_do_not_count() {
    let mut config = server::Config::default();
    config.max_bad_commands = 2;
    let (mut w, _) = Wire::new(config, vec![SIMPLE.to_vec()]);
    w.login();
    for _ in 0..6 {
        for cmd in [&b"RETR 999\r\n"[..], b"LIST 9\r\n", b"DELE 7\r\n"] {
            let out = w.send(cmd);
            assert!(out.starts_with("-ERR") && lines(&out) == 1, "{out:?}");
        }
    }
    assert!(!w.server.is_closed());
}

// ---- server: line length ------------------------------------------------------------------

/// RFC 2449 §4: command lines are at most 255 octets with CRLF. migadu answers an over-long
/// line with `-ERR Line too long` and closes; RFC 2449 does not ask for the close, and our
/// session (which drops the line up to its LF and counts it as a bad command) goes on. What
/// both agree on, and what is checked: the courtesy `-ERR`, and the line is never executed.
#[test]
fn over_long_command_lines() {
    // (argument length, expected first line of the answer)
    let cases: &[(usize, &str)] = &[
        (248, "+OK send PASS"), // 5 + 248 + 2 = 255 octets: allowed
        (249, "-ERR line too long"),
        (3000, "-ERR line too long"),
    ];
    for &(len, want) in cases {
        let (mut w, _) = Wire::new(server::Config::default(), vec![]);
        let line = format!("USER {}\r\n", "a".repeat(len));
        let out = w.send(line.as_bytes());
        assert_eq!(out, format!("{want}\r\n"), "argument of {len}");
        let out = w.send(b"CAPA\r\n");
        assert!(
            out.starts_with("+OK"),
            "session usable after {len}: {out:?}"
        );
    }
    // The tail of a long line (after the limit) is not taken for a command either.
    let (mut w, _) = Wire::new(server::Config::default(), vec![]);
    let line = format!("USER {}QUIT\r\n", "a".repeat(300));
    assert_eq!(w.send(line.as_bytes()), "-ERR line too long\r\n");
    assert!(!w.server.is_closed());
    assert_eq!(w.auth_requests(), 0);
}

// ---- server: listings ---------------------------------------------------------------------

/// migadu parity and regression: `LIST n` / `UIDL n` are always one line, `-ERR` included,
/// and the next command parses normally (no stray `.`).
#[test]
fn single_message_listings_stay_single_line() {
    let (mut w, _) = Wire::new(
        server::Config::default(),
        vec![SIMPLE.to_vec(), b"x\r\n".to_vec()],
    );
    w.login();
    assert_eq!(w.send(b"DELE 1\r\n"), "+OK message 1 deleted\r\n");
    let cases: &[(&[u8], &str)] = &[
        (b"LIST 2\r\n", "+OK 2 3\r\n"),
        (b"UIDL 2\r\n", "+OK 2 uid-2\r\n"),
        (b"LIST 3\r\n", "-ERR"),
        (b"UIDL 3\r\n", "-ERR"),
        (b"LIST 1\r\n", "-ERR"), // deleted
        (b"UIDL 1\r\n", "-ERR"),
    ];
    for &(cmd, want) in cases {
        let out = w.send(cmd);
        assert!(out.starts_with(want), "{cmd:?}: {out:?}");
        assert_eq!(lines(&out), 1, "{cmd:?}: {out:?}");
        assert_eq!(w.send(b"STAT\r\n"), "+OK 1 3\r\n", "after {cmd:?}");
    }
}

/// migadu regression: a unique-id with CR LF cannot reach the wire; RFC 1939 §7 limits
/// unique-ids to 1..=70 octets of 0x21..=0x7E, and the type refuses anything else.
#[test]
fn unique_ids_cannot_carry_line_breaks() {
    for bad in [
        "abc\r\n+OK injected\r\n.\r\n+OK spoof",
        "with space",
        "",
        &"x".repeat(71),
    ] {
        assert!(UniqueId::new(bad).is_err(), "{bad:?}");
    }
    assert!(UniqueId::new("x".repeat(70)).is_ok());
}

/// rest-mail octetsize/blankline: RETR sends exactly the stored octets, the count in `+OK`
/// equals LIST's, no blank line is added before the terminator, an empty message is just
/// `.`, and TOP with more lines than the body has is the whole message.
#[test]
fn retr_and_top_deliver_exact_octets() {
    let messages = vec![SIMPLE.to_vec(), Vec::new()];
    let (mut w, _) = Wire::new(server::Config::default(), messages);
    w.login();
    let len = SIMPLE.len();
    let body = std::str::from_utf8(SIMPLE).expect("ascii");
    let cases: Vec<(&[u8], String)> = vec![
        (b"LIST 1\r\n", format!("+OK 1 {len}\r\n")),
        (b"RETR 1\r\n", format!("+OK {len} octets\r\n{body}.\r\n")),
        (b"LIST 2\r\n", "+OK 2 0\r\n".to_owned()),
        (b"RETR 2\r\n", "+OK 0 octets\r\n.\r\n".to_owned()),
        (
            b"TOP 1 100\r\n",
            format!("+OK top of message follows\r\n{body}.\r\n"),
        ),
        (
            b"TOP 1 0\r\n",
            "+OK top of message follows\r\nFrom: a@example.com\r\nSubject: Hi\r\n\r\n.\r\n"
                .to_owned(),
        ),
    ];
    for (cmd, want) in cases {
        assert_eq!(w.send(cmd), want, "{cmd:?}");
    }
}

/// rest-mail noargs: commands missing a required argument (or with a bad one) get a single
/// `-ERR` line and the session goes on.
#[test]
fn commands_missing_arguments() {
    // Eleven bad commands: more than the default budget of ten.
    let mut config = server::Config::default();
    config.max_bad_commands = 20;
    let (mut w, _) = Wire::new(config, vec![SIMPLE.to_vec()]);
    for cmd in [&b"USER\r\n"[..], b"PASS\r\n", b"APOP\r\n"] {
        let out = w.send(cmd);
        assert!(
            out.starts_with("-ERR") && lines(&out) == 1,
            "{cmd:?}: {out:?}"
        );
    }
    w.login();
    for cmd in [
        &b"RETR\r\n"[..],
        b"DELE\r\n",
        b"TOP 1\r\n",
        b"TOP\r\n",
        b"LIST x\r\n",
        b"UIDL 0\r\n",
        b"RETR 0\r\n",
        b"\r\n",
    ] {
        let out = w.send(cmd);
        assert!(
            out.starts_with("-ERR") && lines(&out) == 1,
            "{cmd:?}: {out:?}"
        );
    }
    assert_eq!(w.send(b"STAT\r\n"), format!("+OK 1 {}\r\n", SIMPLE.len()));
}

// ---- server: bodies that fail -------------------------------------------------------------

/// migadu parity: a body failure before `+OK` is an ordinary `-ERR` (text sanitised, the
/// session goes on); after `+OK` and some content the connection is dropped with neither
/// `.` nor `-ERR`, so the client cannot take the fragment for a message.
#[test]
fn body_failure_before_and_after_the_status_line() {
    let cases: &[(Option<&[u8]>, bool)] = &[(None, false), (Some(b"partial body data"), true)];
    for &(first, closes) in cases {
        let (mut w, _) = Wire::new(server::Config::default(), vec![SIMPLE.to_vec()]);
        w.login();
        w.send_raw(b"RETR 1\r\n");
        let id = w
            .events
            .iter()
            .find_map(|e| match e {
                server::Event::BodyRequested { id, .. } => Some(*id),
                _ => None,
            })
            .expect("body asked");
        if let Some(chunk) = first {
            w.server
                .body_chunk(w.now, id, Bytes::from_static(chunk))
                .expect("chunk");
        }
        w.server
            .body_unavailable(
                w.now,
                id,
                Some(ResponseCode::SysTemp),
                "backend read failed\r\n+OK injected",
            )
            .expect("fail");
        while let Some(e) = w.server.poll_event() {
            w.events.push(e);
        }
        let out = w.drain();
        if closes {
            assert_eq!(
                out,
                format!("+OK {} octets\r\npartial body data", SIMPLE.len())
            );
            assert!(w.server.is_closed());
            assert_eq!(w.closed_with(), vec![Some(server::Error::BodyFailed)]);
        } else {
            assert!(
                out.starts_with("-ERR [SYS/TEMP] backend read failed"),
                "{out:?}"
            );
            assert_eq!(lines(&out), 1, "{out:?}");
            assert!(!w.server.is_closed());
            assert_eq!(w.send(b"NOOP\r\n"), "+OK\r\n");
        }
    }
}

// ---- server: timeouts ---------------------------------------------------------------------

/// migadu ontimeout: the idle timer sends one `-ERR` and ends the session once; a later
/// timer tick does nothing more. RFC 1939 §3/§6: no UPDATE, so marked deletes survive.
#[test]
fn autologout_fires_once_and_commits_nothing() {
    for logged_in in [false, true] {
        let (mut w, _) = Wire::new(server::Config::default(), vec![SIMPLE.to_vec()]);
        if logged_in {
            w.login();
            w.send(b"DELE 1\r\n");
        }
        let deadline = w.server.poll_timeout().expect("idle deadline");
        assert_eq!(deadline, w.now + Duration::from_secs(600));
        assert_eq!(w.advance(Duration::from_secs(599)), "");
        let out = w.advance(Duration::from_secs(1));
        assert!(out.starts_with("-ERR") && lines(&out) == 1, "{out:?}");
        assert_eq!(w.advance(Duration::from_secs(600)), "");
        assert_eq!(
            w.closed_with(),
            vec![Some(server::Error::Timeout(Duration::from_secs(600)))]
        );
        assert!(w.server.poll_timeout().is_none());
        assert!(w.mailbox.committed.is_none());
    }
}

/// migadu hardening: an AUTH continuation left unanswered is bounded by the session timer,
/// and the application is never asked about it.
#[test]
fn abandoned_auth_continuation_times_out() {
    let mut config = server::Config::default();
    config.autologout = Duration::from_secs(700);
    let (mut w, _) = Wire::new(config, vec![]);
    assert_eq!(w.send(b"AUTH PLAIN\r\n"), "+ \r\n");
    assert_eq!(
        w.server.poll_timeout(),
        Some(w.now + Duration::from_secs(700))
    );
    let out = w.advance(Duration::from_secs(700));
    assert!(out.starts_with("-ERR"), "{out:?}");
    assert!(w.server.is_closed());
    assert_eq!(w.auth_requests(), 0);
}

/// A dropped connection never commits deletes (RFC 1939 §6).
#[test]
fn eof_in_transaction_commits_nothing() {
    let (mut w, _) = Wire::new(server::Config::default(), vec![SIMPLE.to_vec()]);
    w.login();
    w.send(b"DELE 1\r\n");
    w.server.handle_eof(w.now);
    while let Some(e) = w.server.poll_event() {
        w.events.push(e);
    }
    assert!(
        !w.events
            .iter()
            .any(|e| matches!(e, server::Event::UpdateRequested { .. }))
    );
    assert_eq!(w.closed_with(), vec![Some(server::Error::PeerClosed)]);
}

// ---- server: STLS -------------------------------------------------------------------------

fn stls_config() -> server::Config {
    let mut config = server::Config::default();
    config.stls = true;
    config
}

/// RFC 2595 §4 (and the CVE-2011-0411 class): plaintext pipelined behind STLS, or sent
/// during the handshake, is thrown away and reported, never executed; after the handshake
/// the session starts over and no longer offers STLS.
#[test]
fn stls_discards_pipelined_plaintext_and_restarts() {
    let (mut w, _) = Wire::new(stls_config(), vec![SIMPLE.to_vec()]);
    let out = w.send(b"CAPA\r\n");
    assert!(out.contains("\r\nSTLS\r\n"), "{out:?}");
    let out = w.send_raw(b"STLS\r\nUSER evil\r\n");
    assert_eq!(out, "+OK Begin TLS negotiation\r\n");
    assert!(
        w.events
            .iter()
            .any(|e| matches!(e, server::Event::TlsUpgradeRequested))
    );
    assert!(
        w.events
            .contains(&server::Event::PlaintextDiscarded { octets: 11 })
    );
    assert!(!w.server.wants_input());
    // A client (or a man in the middle) writing during the handshake.
    assert_eq!(w.send_raw(b"this is not a tls handshake\r\n"), "");
    assert!(
        w.events
            .contains(&server::Event::PlaintextDiscarded { octets: 29 })
    );
    w.server.handle_tls_established(w.now).expect("tls");
    assert!(w.server.is_tls());
    let out = w.send(b"CAPA\r\n");
    assert!(!out.contains("STLS"), "{out:?}");
    let out = w.send(b"STLS\r\n");
    assert!(out.starts_with("-ERR"), "{out:?}");
    // "USER evil" was never taken: a bare PASS has no user.
    assert!(w.send(b"PASS pass\r\n").starts_with("-ERR"));
    w.login();
}

/// migadu stls: a client that stalls after STLS is bounded by the session timer.
#[test]
fn stalled_stls_handshake_times_out() {
    let (mut w, _) = Wire::new(stls_config(), vec![]);
    w.send(b"STLS\r\n");
    assert!(w.server.poll_timeout().is_some());
    w.advance(Duration::from_secs(600));
    assert!(w.server.is_closed());
    assert_eq!(
        w.closed_with(),
        vec![Some(server::Error::Timeout(Duration::from_secs(600)))]
    );
}

/// rest-mail stls_ban: STLS belongs to AUTHORIZATION (RFC 2595 §4); after login, or when not
/// offered, it is `-ERR` and no negotiation starts.
#[test]
fn stls_refused_outside_its_place() {
    let (mut w, _) = Wire::new(stls_config(), vec![SIMPLE.to_vec()]);
    w.login();
    let out = w.send(b"STLS\r\n");
    assert!(
        out.starts_with("-ERR") && !out.contains("Begin TLS"),
        "{out:?}"
    );
    assert!(
        !w.events
            .iter()
            .any(|e| matches!(e, server::Event::TlsUpgradeRequested))
    );
    let (mut w, _) = Wire::new(server::Config::default(), vec![]);
    assert!(w.send(b"STLS\r\n").starts_with("-ERR"));
}

/// RFC 2595 §3.1 (migadu `InsecureAuth: false`): without cleartext auth, credentials are
/// refused before TLS and USER is not advertised; after STLS they work.
#[test]
fn cleartext_auth_needs_stls_first() {
    let mut config = stls_config();
    config.allow_cleartext_auth = false;
    let (mut w, _) = Wire::new(config, vec![SIMPLE.to_vec()]);
    let capa = w.send(b"CAPA\r\n");
    assert!(
        !capa.contains("\r\nUSER\r\n") && capa.contains("\r\nSTLS\r\n"),
        "{capa:?}"
    );
    let out = w.send(b"USER user\r\n");
    assert!(out.starts_with("-ERR [SYS/PERM]"), "{out:?}");
    w.send(b"STLS\r\n");
    w.server.handle_tls_established(w.now).expect("tls");
    let capa = w.send(b"CAPA\r\n");
    assert!(capa.contains("\r\nUSER\r\n"), "{capa:?}");
    w.login();
}

// ---- server: UTF8 -------------------------------------------------------------------------

/// migadu utf8_caps against RFC 6856 §2: UTF8 is an AUTHORIZATION-state command. migadu
/// accepts it after PASS for Outlook by default; our session does so only when configured
/// (`utf8_in_transaction`), and refuses it everywhere when UTF8 is not offered.
#[test]
fn utf8_command_by_state_and_config() {
    // (offered, allowed after login, send after login, expected prefix)
    let cases = [
        (true, false, false, "+OK"),
        (true, false, true, "-ERR"),
        (true, true, true, "+OK"),
        (false, false, false, "-ERR"),
        (false, true, true, "-ERR"),
    ];
    for (offered, in_transaction, after_login, want) in cases {
        let mut config = server::Config::default();
        config.utf8 = offered;
        config.utf8_in_transaction = in_transaction;
        let (mut w, _) = Wire::new(config, vec![SIMPLE.to_vec()]);
        let capa = w.send(b"CAPA\r\n");
        assert_eq!(capa.contains("\r\nUTF8"), offered, "{capa:?}");
        if after_login {
            w.login();
        }
        let out = w.send(b"UTF8\r\n");
        assert!(
            out.starts_with(want) && lines(&out) == 1,
            "offered {offered}, in_transaction {in_transaction}, after_login {after_login}: {out:?}"
        );
        assert_eq!(w.server.is_utf8(), want == "+OK");
        if !after_login {
            w.login();
        }
        assert!(w.send(b"STAT\r\n").starts_with("+OK"));
    }
}

// ---- client: CPython poplib's dummy server ------------------------------------------------

const RETR_RESP: &[u8] = b"From: postmaster@python.org\r\nContent-Type: text/plain\r\n\
MIME-Version: 1.0\r\nSubject: Dummy\r\n\r\nline1\r\nline2\r\nline3\r\n.\r\n";

struct Peer {
    client: Client,
    now: Instant,
}

impl Peer {
    fn new(config: client::Config) -> (Self, Vec<client::Event>) {
        let now = start();
        let mut peer = Self {
            client: Client::new(config, now),
            now,
        };
        let events = peer
            .reply(b"+OK dummy pop3 server ready. <timestamp>\r\n")
            .1;
        (peer, events)
    }

    /// Takes what the client wrote, then feeds the server's bytes; returns both.
    fn reply(&mut self, bytes: &[u8]) -> (String, Vec<client::Event>) {
        let mut sent = Vec::new();
        while let Some(b) = self.client.poll_transmit() {
            sent.extend_from_slice(&b);
        }
        self.client.handle_input(self.now, bytes);
        let events = std::iter::from_fn(|| self.client.poll_event()).collect();
        (String::from_utf8(sent).expect("ASCII commands"), events)
    }

    fn login(&mut self) {
        let id = self
            .client
            .login(self.now, "guido", "python")
            .expect("login");
        let mut events = self.reply(b"+OK password required\r\n").1;
        events.extend(self.reply(b"+OK 10 messages\r\n").1);
        assert!(events.iter().any(|e| matches!(
            e,
            client::Event::ReplyReceived { id: got, reply } if *got == id && reply.is_ok()
        )));
        assert_eq!(self.client.state(), client::State::Transaction);
    }
}

fn reply_of(events: &[client::Event], id: client::RequestId) -> Option<&pop3_proto::Reply> {
    events.iter().find_map(|e| match e {
        client::Event::ReplyReceived { id: got, reply } if *got == id => Some(reply),
        _ => None,
    })
}

fn closed_of(events: &[client::Event]) -> Option<Option<client::Error>> {
    events.iter().find_map(|e| match e {
        client::Event::Closed { error } => Some(error.clone()),
        _ => None,
    })
}

/// test_getwelcome: the greeting and its APOP timestamp.
#[test]
fn client_reads_the_dummy_greeting() {
    let (peer, events) = Peer::new(client::Config::default());
    let greeting = events
        .iter()
        .find_map(|e| match e {
            client::Event::GreetingReceived { greeting } => Some(greeting.clone()),
            _ => None,
        })
        .expect("greeting");
    assert_eq!(greeting.text, "dummy pop3 server ready. <timestamp>");
    assert_eq!(greeting.apop_timestamp(), Some("<timestamp>"));
    assert_eq!(peer.client.state(), client::State::Authorization);
}

/// test_capa / test_stls_capa: UIDL, IMPLEMENTATION with its text, STLS.
#[test]
fn client_reads_the_dummy_capabilities() {
    let (mut peer, _) = Peer::new(client::Config::default());
    let id = peer.client.capa(peer.now).expect("capa");
    let (sent, events) = peer.reply(
        b"+OK Capability list follows\r\nUIDL\r\nIMPLEMENTATION python-testlib-pop-server\r\nSTLS\r\n.\r\n",
    );
    assert_eq!(sent, "CAPA\r\n");
    assert!(events.contains(&client::Event::MultiLineEnd { id }));
    for cap in [
        Capability::Uidl,
        Capability::Implementation("python-testlib-pop-server".to_owned()),
        Capability::Stls,
    ] {
        assert!(peer.client.has_capability(&cap), "{cap:?}");
    }
}

/// test_list / test_uidl: the multi-line and the single-message forms.
#[test]
fn client_reads_dummy_listings() {
    let (mut peer, _) = Peer::new(client::Config::default());
    peer.login();
    let all = peer.client.list(peer.now, None).expect("list");
    let (sent, events) = peer.reply(b"+OK\r\n1 1\r\n2 2\r\n3 3\r\n4 4\r\n5 5\r\n.\r\n");
    assert_eq!(sent, "LIST\r\n");
    let listed: Vec<(u32, u64)> = events
        .iter()
        .filter_map(|e| match e {
            client::Event::ScanListing { id, listing } if *id == all => {
                Some((listing.msg.get(), listing.octets))
            }
            _ => None,
        })
        .collect();
    assert_eq!(listed, vec![(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]);
    assert!(events.contains(&client::Event::MultiLineEnd { id: all }));

    let one = peer.client.list(peer.now, Some(n(1))).expect("list 1");
    let (sent, events) = peer.reply(b"+OK 1 1\r\n");
    assert_eq!(sent, "LIST 1\r\n");
    assert!(events.iter().any(|e| matches!(
        e,
        client::Event::ScanListing { id, listing } if *id == one && listing.octets == 1
    )));
    assert!(!events.contains(&client::Event::MultiLineEnd { id: one }));

    let uidl = peer.client.uidl(peer.now, Some(n(1))).expect("uidl 1");
    let (_, events) = peer.reply(b"+OK 1 1\r\n");
    assert!(events.iter().any(|e| matches!(
        e,
        client::Event::UniqueIdListing { id, listing } if *id == uidl && listing.uid.as_str() == "1"
    )));
    // The session is still in step: the next answer goes to the next command.
    let stat = peer.client.stat(peer.now).expect("stat");
    let (_, events) = peer.reply(b"+OK 10 100\r\n");
    assert!(reply_of(&events, stat).is_some_and(pop3_proto::Reply::is_ok));
}

/// test_retr / test_top: `+OK 116 bytes` then 113 octets of content (the 116 count the
/// terminator too; the client trusts the `.` line, not the count).
#[test]
fn client_reads_dummy_bodies() {
    let (mut peer, _) = Peer::new(client::Config::default());
    peer.login();
    let retr = peer.client.retr(peer.now, n(1)).expect("retr");
    let top = peer.client.top(peer.now, n(1), 1).expect("top");
    let mut wire = b"+OK 116 bytes\r\n".to_vec();
    wire.extend_from_slice(RETR_RESP);
    let mut events = peer.reply(&wire).1;
    events.extend(peer.reply(&wire).1);
    events.extend(peer.reply(b"").1);
    let content = &RETR_RESP[..RETR_RESP.len() - 3];
    assert_eq!(content.len(), 113);
    for id in [retr, top] {
        let body = body_of(&events, id);
        assert_eq!(body, content, "{id:?}");
        assert_eq!(
            reply_of(&events, id).map(|r| r.text.as_str()),
            Some("116 bytes")
        );
        assert!(events.contains(&client::Event::MultiLineEnd { id }));
    }
}

/// test_too_long_lines (CVE-2013-1752): a status line over the limit ends the session with
/// `LineTooLong` instead of being buffered without bound. poplib's limit is 2048; ours is a
/// setting (4096 by default).
#[test]
fn client_refuses_over_long_status_lines() {
    // (max_reply_line, length of the `+aaa...` line, ends the session)
    let cases = [(2048, 3000, true), (4096, 3000, false), (4096, 5000, true)];
    for (limit, len, ends) in cases {
        let mut config = client::Config::default();
        config.max_reply_line = limit;
        let (mut peer, _) = Peer::new(config);
        let id = peer.client.noop(peer.now).expect("noop");
        let line = format!("+OK {}\r\n", "a".repeat(len - 6));
        assert_eq!(line.len(), len);
        let (_, events) = peer.reply(line.as_bytes());
        if ends {
            assert_eq!(
                closed_of(&events),
                Some(Some(client::Error::LineTooLong)),
                "limit {limit}, line {len}"
            );
            assert!(peer.client.is_closed());
        } else {
            assert!(reply_of(&events, id).is_some(), "limit {limit}, line {len}");
            assert!(!peer.client.is_closed());
        }
    }
}

/// test_exceptions / test_utf8*: `-ERR` is an answer, not a failure of the session; UTF8
/// mode is on only after `+OK`.
#[test]
fn client_utf8_and_error_replies() {
    let cases: &[(&[u8], bool)] = &[
        (b"-ERR What is UTF8?!\r\n", false),
        (b"+OK I know RFC6856\r\n", true),
    ];
    for &(answer, on) in cases {
        let (mut peer, _) = Peer::new(client::Config::default());
        let id = peer.client.utf8(peer.now).expect("utf8");
        let (sent, events) = peer.reply(answer);
        assert_eq!(sent, "UTF8\r\n");
        assert_eq!(
            reply_of(&events, id).map(pop3_proto::Reply::is_ok),
            Some(on)
        );
        assert_eq!(peer.client.is_utf8(), on);
        assert!(!peer.client.is_closed());
    }
}

/// test_stls and RFC 2595 §4: bytes after `+OK Begin TLS negotiation` are thrown away, the
/// capabilities are forgotten after the handshake, and STLS on TLS is refused locally.
#[test]
fn client_stls_discards_injected_lines() {
    let (mut peer, _) = Peer::new(client::Config::default());
    peer.client.capa(peer.now).expect("capa");
    peer.reply(b"+OK Capability list follows\r\nSTLS\r\nUIDL\r\n.\r\n");
    let id = peer.client.stls(peer.now).expect("stls");
    let (sent, events) = peer.reply(b"+OK Begin TLS negotiation\r\n+OK injected\r\n");
    assert_eq!(sent, "STLS\r\n");
    assert!(events.contains(&client::Event::TlsUpgradeReady { id }));
    assert!(events.contains(&client::Event::PlaintextDiscarded { octets: 14 }));
    assert_eq!(peer.client.state(), client::State::TlsHandshake);
    peer.client.handle_tls_established(peer.now).expect("tls");
    assert!(peer.client.capabilities().is_empty());
    assert!(peer.client.stls(peer.now).is_err());

    let mut config = client::Config::default();
    config.tls_active = true;
    let (mut peer, _) = Peer::new(config);
    assert!(peer.client.stls(peer.now).is_err());
}
