//! Server session behaviour, including regression tests for the bugs listed in the POP3
//! anchors research (dot-stuffing, TOP, LIST/UIDL after DELE, deletes only at QUIT, STLS
//! injection).

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::*;
use crate::auth::apop_digest;
use crate::types::UniqueId;

/// The origin of the virtual clock: the only clock read in tests.
#[expect(
    clippy::disallowed_methods,
    reason = "tests need one origin for their virtual clock"
)]
fn start() -> Instant {
    Instant::now()
}

struct Harness {
    server: Server,
    now: Instant,
}

fn entry(key: u64, octets: u64, uid: &str) -> MaildropEntry {
    MaildropEntry {
        key,
        octets,
        uid: UniqueId::new(uid).expect("valid uid"),
        needs_utf8: false,
    }
}

fn maildrop() -> Vec<MaildropEntry> {
    vec![
        entry(10, 120, "uid-a"),
        entry(20, 200, "uid-b"),
        entry(30, 5, "uid-c"),
    ]
}

impl Harness {
    fn new(config: Config) -> Self {
        let now = start();
        let mut h = Self {
            server: Server::new(config, now),
            now,
        };
        h.output();
        h
    }

    fn output(&mut self) -> String {
        let mut out = Vec::new();
        while let Some(b) = self.server.poll_transmit() {
            out.extend_from_slice(&b);
        }
        String::from_utf8(out).expect("test output is UTF-8")
    }

    fn send(&mut self, bytes: &str) -> String {
        self.server.handle_input(self.now, bytes.as_bytes());
        self.output()
    }

    fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.server.poll_event()).collect()
    }

    fn auth_id(&mut self) -> (RequestId, Credentials) {
        match self.events().as_slice() {
            [Event::AuthRequested { id, credentials }] => (*id, credentials.clone()),
            other => panic!("expected one AuthRequested, got {other:?}"),
        }
    }

    /// Logs in with USER/PASS and the standard maildrop.
    fn logged_in() -> Self {
        Self::logged_in_with(Config::default())
    }

    fn logged_in_with(config: Config) -> Self {
        let mut h = Self::new(config);
        h.send("USER alice\r\nPASS secret\r\n");
        let (id, _) = h.auth_id();
        h.server.accept_auth(h.now, id, maildrop()).expect("accept");
        assert_eq!(h.output(), "+OK maildrop has 3 messages (325 octets)\r\n");
        h
    }

    fn body_request(&mut self) -> (RequestId, u64, BodyPart) {
        match self.events().as_slice() {
            [Event::BodyRequested { id, key, part, .. }] => (*id, *key, *part),
            other => panic!("expected one BodyRequested, got {other:?}"),
        }
    }
}

#[test]
fn greeting_carries_the_apop_timestamp() {
    let now = start();
    let config = Config {
        apop_timestamp: Some("<1896.697170952@dbc.mtview.ca.us>".into()),
        ..Config::default()
    };
    let mut s = Server::new(config, now);
    let greeting = s.poll_transmit().expect("greeting");
    assert_eq!(
        &greeting[..],
        b"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"
    );
}

#[test]
fn user_pass_login_and_stat() {
    let mut h = Harness::new(Config::default());
    assert_eq!(h.send("USER alice\r\n"), "+OK send PASS\r\n");
    assert_eq!(h.send("PASS s3cret with spaces\r\n"), "");
    let (id, credentials) = h.auth_id();
    assert_eq!(
        credentials,
        Credentials::User {
            name: "alice".into(),
            password: Secret::new("s3cret with spaces".into())
        }
    );
    assert!(
        !format!("{credentials:?}").contains("s3cret"),
        "passwords are redacted in Debug"
    );
    h.server.accept_auth(h.now, id, maildrop()).expect("accept");
    assert_eq!(h.server.state(), State::Transaction);
    h.output();
    assert_eq!(h.send("STAT\r\n"), "+OK 3 325\r\n");
}

#[test]
fn pass_without_user_and_transaction_commands_before_login_are_refused() {
    let mut h = Harness::new(Config::default());
    assert!(h.send("PASS x\r\n").starts_with("-ERR"));
    assert!(h.send("STAT\r\n").starts_with("-ERR"));
    assert!(
        h.send("USER a\r\nNOOP\r\nPASS x\r\n")
            .matches("-ERR")
            .count()
            == 2
    );
    assert!(
        h.events()
            .iter()
            .all(|e| !matches!(e, Event::AuthRequested { .. }))
    );
}

#[test]
fn rejected_login_carries_response_codes_and_stays_in_authorization() {
    let mut h = Harness::new(Config::default());
    h.send("USER alice\r\nPASS wrong\r\n");
    let (id, _) = h.auth_id();
    h.server
        .reject_auth(
            h.now,
            id,
            Some(ResponseCode::InUse),
            "maildrop locked\r\n+OK injected",
        )
        .expect("reject");
    assert_eq!(
        h.output(),
        "-ERR [IN-USE] maildrop locked  +OK injected\r\n"
    );
    assert_eq!(h.server.state(), State::Authorization);
    // The user name is gone: PASS alone does not log in.
    assert!(h.send("PASS again\r\n").starts_with("-ERR"));
    h.send("USER alice\r\nPASS wrong\r\n");
    let (id, _) = h
        .events()
        .iter()
        .find_map(|e| match e {
            Event::AuthRequested { id, credentials } => Some((*id, credentials.clone())),
            _ => None,
        })
        .expect("auth");
    h.server
        .reject_auth(h.now, id, Some(ResponseCode::LoginDelay), "too soon")
        .expect("reject");
    assert_eq!(h.output(), "-ERR [LOGIN-DELAY] too soon\r\n");
    assert_eq!(
        h.server.accept_auth(h.now, id, vec![]),
        Err(ApiMisuse::UnknownRequest(id.0))
    );
}

#[test]
fn apop_is_relayed_with_the_digest() {
    let ts = "<1896.697170952@dbc.mtview.ca.us>";
    let mut h = Harness::new(Config {
        apop_timestamp: Some(ts.into()),
        ..Config::default()
    });
    h.send("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
    let (id, credentials) = h.auth_id();
    let Credentials::Apop { name, digest } = credentials else {
        panic!("APOP expected")
    };
    assert_eq!(name, "mrose");
    assert!(crate::auth::verify_apop(
        h.server.apop_timestamp().expect("ts"),
        b"tanstaaf",
        &digest
    ));
    assert_eq!(digest, apop_digest(ts, b"tanstaaf"));
    h.server.accept_auth(h.now, id, vec![]).expect("accept");
    assert_eq!(h.output(), "+OK maildrop has 0 messages (0 octets)\r\n");
    // Without a timestamp, APOP is refused.
    let mut h = Harness::new(Config::default());
    assert!(
        h.send("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n")
            .starts_with("-ERR")
    );
}

#[test]
fn list_and_uidl_single_line_and_multi_line() {
    let mut h = Harness::logged_in();
    assert_eq!(h.send("LIST 2\r\n"), "+OK 2 200\r\n");
    assert_eq!(h.send("UIDL 3\r\n"), "+OK 3 uid-c\r\n");
    assert_eq!(
        h.send("LIST\r\n"),
        "+OK 3 messages (325 octets)\r\n1 120\r\n2 200\r\n3 5\r\n.\r\n"
    );
    assert_eq!(
        h.send("UIDL\r\n"),
        "+OK unique-id listing follows\r\n1 uid-a\r\n2 uid-b\r\n3 uid-c\r\n.\r\n"
    );
    assert_eq!(h.send("LIST 4\r\n"), "-ERR no such message: 4\r\n");
    assert!(h.send("LIST 0\r\n").starts_with("-ERR"));
}

#[test]
fn deleted_messages_vanish_until_rset() {
    let mut h = Harness::logged_in();
    assert_eq!(h.send("DELE 2\r\n"), "+OK message 2 deleted\r\n");
    assert_eq!(h.send("DELE 2\r\n"), "-ERR message 2 already deleted\r\n");
    assert_eq!(h.send("STAT\r\n"), "+OK 2 125\r\n");
    assert_eq!(
        h.send("LIST\r\n"),
        "+OK 2 messages (125 octets)\r\n1 120\r\n3 5\r\n.\r\n"
    );
    assert_eq!(
        h.send("UIDL\r\n"),
        "+OK unique-id listing follows\r\n1 uid-a\r\n3 uid-c\r\n.\r\n"
    );
    assert_eq!(h.send("LIST 2\r\n"), "-ERR no such message: 2\r\n");
    assert_eq!(h.send("UIDL 2\r\n"), "-ERR no such message: 2\r\n");
    assert_eq!(h.send("RETR 2\r\n"), "-ERR no such message: 2\r\n");
    assert_eq!(h.send("TOP 2 0\r\n"), "-ERR no such message: 2\r\n");
    assert!(
        h.events()
            .iter()
            .all(|e| !matches!(e, Event::BodyRequested { .. }))
    );
    assert_eq!(
        h.send("RSET\r\n"),
        "+OK maildrop has 3 messages (325 octets)\r\n"
    );
    assert_eq!(h.send("LIST 2\r\n"), "+OK 2 200\r\n");
}

#[test]
fn retr_streams_dot_stuffed_body() {
    let mut h = Harness::logged_in();
    assert_eq!(h.send("RETR 1\r\n"), "");
    let (id, key, part) = h.body_request();
    assert_eq!((key, part), (10, BodyPart::Full));
    // Commands pipelined behind RETR wait for the body.
    assert_eq!(h.send("NOOP\r\n"), "");
    let chunks: [&[u8]; 4] = [
        b".starts with dot\r\n",
        b"..two\r\n.",
        b"\r\n",
        b"last line\r\n",
    ];
    for c in chunks {
        assert!(
            h.server
                .body_chunk(h.now, id, Bytes::from_static(c))
                .expect("chunk")
        );
    }
    h.server.body_end(h.now, id).expect("end");
    assert_eq!(
        h.output(),
        "+OK 120 octets\r\n..starts with dot\r\n...two\r\n..\r\nlast line\r\n.\r\n+OK\r\n"
    );
    assert_eq!(h.server.body_end(h.now, id), Err(ApiMisuse::NoBodyExpected));
}

#[test]
fn crlf_bodies_are_stuffed_alike_and_bare_lf_is_only_normalised_by_default() {
    let body = Bytes::from_static(b"a\r\n.b\r\nc\nd\r\n");
    let mut wire = Vec::new();
    for crlf_bodies in [false, true] {
        let mut h = Harness::logged_in_with(Config {
            crlf_bodies,
            ..Config::default()
        });
        h.send("RETR 1\r\n");
        let (id, ..) = h.body_request();
        h.server.body_chunk(h.now, id, body.clone()).expect("chunk");
        h.server.body_end(h.now, id).expect("end");
        wire.push(h.output());
    }
    assert_eq!(wire[0], "+OK 120 octets\r\na\r\n..b\r\nc\r\nd\r\n.\r\n");
    assert_eq!(wire[1], "+OK 120 octets\r\na\r\n..b\r\nc\nd\r\n.\r\n");
}

#[test]
fn empty_body_and_body_without_final_crlf() {
    let mut h = Harness::logged_in();
    h.send("RETR 1\r\n");
    let (id, ..) = h.body_request();
    h.server.body_end(h.now, id).expect("end");
    assert_eq!(h.output(), "+OK 120 octets\r\n.\r\n");
    h.send("RETR 3\r\n");
    let (id, ..) = h.body_request();
    h.server
        .body_chunk(h.now, id, Bytes::from_static(b"hello"))
        .expect("chunk");
    h.server.body_end(h.now, id).expect("end");
    assert_eq!(h.output(), "+OK 5 octets\r\nhello\r\n.\r\n");
}

#[test]
fn top_sends_header_blank_line_and_n_body_lines() {
    let msg = Bytes::from_static(b"From: a\r\nSubject: s\r\n\r\n.body1\r\nbody2\r\nbody3\r\n");
    let mut h = Harness::logged_in();
    h.send("TOP 1 0\r\n");
    let (id, _, part) = h.body_request();
    assert_eq!(part, BodyPart::Top { lines: 0 });
    assert!(
        !h.server.body_chunk(h.now, id, msg.clone()).expect("chunk"),
        "TOP 0 needs no more"
    );
    h.server.body_end(h.now, id).expect("end");
    assert_eq!(
        h.output(),
        "+OK top of message follows\r\nFrom: a\r\nSubject: s\r\n\r\n.\r\n"
    );
    h.send("TOP 1 1\r\n");
    let (id, ..) = h.body_request();
    h.server.body_chunk(h.now, id, msg.clone()).expect("chunk");
    h.server.body_end(h.now, id).expect("end");
    assert_eq!(
        h.output(),
        "+OK top of message follows\r\nFrom: a\r\nSubject: s\r\n\r\n..body1\r\n.\r\n"
    );
    h.send("TOP 1 100\r\n");
    let (id, ..) = h.body_request();
    assert!(h.server.body_chunk(h.now, id, msg).expect("chunk"));
    h.server.body_end(h.now, id).expect("end");
    assert!(h.output().ends_with("body3\r\n.\r\n"));
}

#[test]
fn body_failure_before_and_after_start() {
    let mut h = Harness::logged_in();
    h.send("RETR 1\r\nSTAT\r\n");
    let (id, ..) = h.body_request();
    h.server
        .body_unavailable(h.now, id, Some(ResponseCode::SysTemp), "expunged")
        .expect("fail");
    assert_eq!(h.output(), "-ERR [SYS/TEMP] expunged\r\n+OK 3 325\r\n");
    h.send("RETR 1\r\n");
    let (id, ..) = h.body_request();
    h.server
        .body_chunk(h.now, id, Bytes::from_static(b"partial"))
        .expect("chunk");
    h.server
        .body_unavailable(h.now, id, None, "io error")
        .expect("fail");
    assert_eq!(h.output(), "+OK 120 octets\r\npartial");
    assert!(h.server.is_closed());
    assert_eq!(
        h.events(),
        vec![Event::Closed {
            error: Some(Error::BodyFailed)
        }]
    );
}

#[test]
fn deletes_are_committed_once_and_only_after_quit_in_transaction() {
    let mut h = Harness::logged_in();
    h.send("DELE 1\r\nDELE 3\r\nQUIT\r\n");
    let events = h.events();
    let [Event::UpdateRequested { id, deleted }] = events.as_slice() else {
        panic!("expected one UpdateRequested, got {events:?}")
    };
    assert_eq!(deleted, &[10, 30]);
    assert_eq!(h.server.state(), State::Update);
    h.server.update_done(h.now, *id).expect("done");
    assert!(h.output().ends_with("+OK POP3 server signing off\r\n"));
    assert_eq!(h.events(), vec![Event::Closed { error: None }]);

    // A dropped connection commits nothing.
    let mut h = Harness::logged_in();
    h.send("DELE 1\r\n");
    h.server.handle_eof(h.now);
    assert_eq!(
        h.events(),
        vec![Event::Closed {
            error: Some(Error::PeerClosed)
        }]
    );

    // Nor does the autologout timer.
    let mut h = Harness::logged_in();
    h.send("DELE 1\r\n");
    let deadline = h.server.poll_timeout().expect("timer");
    assert!(deadline >= h.now + Duration::from_secs(600));
    h.server.handle_timeout(deadline - Duration::from_secs(1));
    assert!(!h.server.is_closed());
    h.server.handle_timeout(deadline);
    assert!(h.output().starts_with("-ERR"));
    assert_eq!(
        h.events(),
        vec![Event::Closed {
            error: Some(Error::Timeout(Duration::from_secs(600)))
        }]
    );

    // QUIT before login ends without an update.
    let mut h = Harness::new(Config::default());
    assert_eq!(h.send("QUIT\r\n"), "+OK POP3 server signing off\r\n");
    assert_eq!(h.events(), vec![Event::Closed { error: None }]);
}

#[test]
fn update_failure_is_reported() {
    let mut h = Harness::logged_in();
    assert_eq!(h.send("DELE 1\r\nQUIT\r\n"), "+OK message 1 deleted\r\n");
    let Some(Event::UpdateRequested { id, .. }) = h.events().pop() else {
        panic!("update")
    };
    h.server
        .update_failed(h.now, id, "some deleted messages not removed")
        .expect("failed");
    assert_eq!(
        h.output(),
        "-ERR [SYS/TEMP] some deleted messages not removed\r\n"
    );
}

#[test]
fn pipelined_commands_are_answered_in_order() {
    let mut h = Harness::new(Config::default());
    let out = h.send("CAPA\r\nUSER alice\r\nPASS pw\r\nSTAT\r\nLIST 1\r\nQUIT\r\n");
    assert!(out.starts_with("+OK Capability list follows\r\n"));
    assert!(out.contains("PIPELINING\r\n"));
    assert!(out.ends_with(".\r\n+OK send PASS\r\n"));
    let (id, _) = h.auth_id();
    h.server.accept_auth(h.now, id, maildrop()).expect("accept");
    assert_eq!(
        h.output(),
        "+OK maildrop has 3 messages (325 octets)\r\n+OK 3 325\r\n+OK 1 120\r\n"
    );
    assert!(matches!(
        h.events().as_slice(),
        [Event::UpdateRequested { .. }]
    ));
}

#[test]
fn stls_discards_injected_plaintext_and_restarts() {
    let mut h = Harness::new(Config {
        stls: true,
        ..Config::default()
    });
    assert!(h.send("CAPA\r\n").contains("\r\nSTLS\r\n"));
    assert_eq!(
        h.send("STLS\r\nUSER evil\r\nPASS x\r\n"),
        "+OK Begin TLS negotiation\r\n"
    );
    assert_eq!(
        h.events(),
        vec![
            Event::TlsUpgradeRequested,
            Event::PlaintextDiscarded { octets: 19 }
        ]
    );
    assert!(!h.server.wants_input());
    h.server.handle_input(h.now, b"more");
    assert_eq!(h.events(), vec![Event::PlaintextDiscarded { octets: 4 }]);
    h.server.handle_tls_established(h.now).expect("tls");
    assert!(h.server.is_tls());
    let capa = h.send("CAPA\r\n");
    assert!(!capa.contains("STLS"));
    assert!(h.send("STLS\r\n").starts_with("-ERR"));
    assert_eq!(
        h.server.handle_tls_established(h.now),
        Err(ApiMisuse::NoTlsUpgrade)
    );
    // The injected USER was never seen: PASS alone fails.
    assert!(h.send("PASS x\r\n").starts_with("-ERR"));
}

#[test]
fn cleartext_auth_can_require_tls() {
    let config = Config {
        stls: true,
        allow_cleartext_auth: false,
        ..Config::default()
    };
    let mut h = Harness::new(config);
    let capa = h.send("CAPA\r\n");
    assert!(!capa.contains("USER\r\n") && !capa.contains("SASL"));
    assert!(h.send("USER a\r\n").starts_with("-ERR [SYS/PERM]"));
    h.send("STLS\r\n");
    h.server.handle_tls_established(h.now).expect("tls");
    assert!(h.send("CAPA\r\n").contains("\r\nUSER\r\n"));
    assert_eq!(h.send("USER a\r\n"), "+OK send PASS\r\n");
}

#[test]
fn bad_commands_close_past_the_limit() {
    let mut h = Harness::new(Config {
        max_bad_commands: 3,
        ..Config::default()
    });
    for _ in 0..3 {
        assert!(h.send("BOGUS\r\n").starts_with("-ERR"));
    }
    assert!(!h.server.is_closed());
    assert_eq!(
        h.send("BOGUS\r\n"),
        "-ERR too many bad commands, closing\r\n"
    );
    assert!(h.server.is_closed());
    assert!(h.events().contains(&Event::Closed {
        error: Some(Error::TooManyBadCommands)
    }));
    assert_eq!(h.send("NOOP\r\n"), "");
}

#[test]
fn long_lines_and_bare_lf_are_refused_without_desync() {
    let mut h = Harness::new(Config::default());
    let long = format!("USER {}\r\nQUIT\r\n", "x".repeat(300));
    assert_eq!(
        h.send(&long),
        "-ERR line too long\r\n+OK POP3 server signing off\r\n"
    );
    let mut h = Harness::new(Config::default());
    assert_eq!(
        h.send("NOOP\nQUIT\r\n"),
        "-ERR lines must end with CRLF\r\n+OK POP3 server signing off\r\n"
    );
    let mut h = Harness::new(Config {
        allow_bare_lf: true,
        ..Config::default()
    });
    assert_eq!(h.send("QUIT\n"), "+OK POP3 server signing off\r\n");
}

#[test]
fn auth_plain_inline_and_continuation() {
    let mut h = Harness::new(Config::default());
    assert_eq!(h.send("AUTH PLAIN AHRpbQB0YW5zdGFhZg==\r\n"), "");
    let (id, credentials) = h.auth_id();
    let Credentials::Plain(plain) = credentials else {
        panic!("PLAIN")
    };
    assert_eq!(
        (plain.authcid.as_str(), plain.password.expose().as_str()),
        ("tim", "tanstaaf")
    );
    h.server
        .reject_auth(h.now, id, Some(ResponseCode::Auth), "no")
        .expect("reject");
    assert_eq!(h.output(), "-ERR [AUTH] no\r\n");
    assert_eq!(h.send("AUTH PLAIN\r\n"), "+ \r\n");
    assert_eq!(h.send("AHRpbQB0YW5zdGFhZg==\r\n"), "");
    let (id, _) = h.auth_id();
    h.server.accept_auth(h.now, id, vec![]).expect("accept");
    assert_eq!(h.server.state(), State::Transaction);
}

#[test]
fn auth_login_xoauth2_cancel_and_unsupported() {
    let config = Config {
        sasl_mechanisms: vec![Mechanism::plain(), Mechanism::login(), Mechanism::xoauth2()],
        ..Config::default()
    };
    let mut h = Harness::new(config.clone());
    assert_eq!(h.send("AUTH LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");
    assert_eq!(h.send("dGlt\r\n"), "+ UGFzc3dvcmQ6\r\n");
    assert_eq!(h.send("cHc=\r\n"), "");
    let (_, credentials) = h.auth_id();
    assert_eq!(
        credentials,
        Credentials::Login {
            name: "tim".into(),
            password: Secret::new("pw".into())
        }
    );

    let mut h = Harness::new(config.clone());
    let token = "dXNlcj1hQGIuYwFhdXRoPUJlYXJlciB0b2sBAQ==";
    assert_eq!(h.send(&format!("AUTH XOAUTH2 {token}\r\n")), "");
    let (_, credentials) = h.auth_id();
    let Credentials::XOAuth2(x) = credentials else {
        panic!("XOAUTH2")
    };
    assert_eq!(
        (x.user.as_str(), x.token.expose().as_str()),
        ("a@b.c", "tok")
    );

    let mut h = Harness::new(config.clone());
    assert_eq!(
        h.send("AUTH PLAIN\r\n*\r\n"),
        "+ \r\n-ERR authentication cancelled\r\n"
    );
    assert!(h.send("AUTH CRAM-MD5\r\n").starts_with("-ERR unsupported"));
    assert_eq!(
        h.send("AUTH\r\n"),
        "+OK methods supported:\r\nPLAIN\r\nLOGIN\r\nXOAUTH2\r\n.\r\n"
    );
    assert!(
        h.send("AUTH PLAIN\r\n%%%\r\n")
            .ends_with("-ERR invalid base64 in SASL response\r\n")
    );
}

#[test]
fn relayed_sasl_mechanism_steps() {
    let scram = Mechanism::new("SCRAM-SHA-256").expect("valid");
    let mut h = Harness::new(Config {
        sasl_mechanisms: vec![scram.clone()],
        ..Config::default()
    });
    h.send("AUTH SCRAM-SHA-256 Y2xpZW50LWZpcnN0\r\n");
    let (id, credentials) = h.auth_id();
    assert_eq!(
        credentials,
        Credentials::Sasl {
            mechanism: scram.clone(),
            response: Secret::new(b"client-first".to_vec())
        }
    );
    h.server
        .sasl_challenge(h.now, id, b"server-first")
        .expect("challenge");
    assert_eq!(h.output(), "+ c2VydmVyLWZpcnN0\r\n");
    h.send("Y2xpZW50LWZpbmFs\r\n");
    let (id2, credentials) = h.auth_id();
    assert_eq!(id2, id);
    assert_eq!(
        credentials,
        Credentials::Sasl {
            mechanism: scram,
            response: Secret::new(b"client-final".to_vec())
        }
    );
    h.server.accept_auth(h.now, id, vec![]).expect("accept");
    assert_eq!(h.server.state(), State::Transaction);
}

fn languages() -> Vec<LanguageListing> {
    ["en-GB English", "de Deutsch", "de-CH Schweizerdeutsch"]
        .iter()
        .map(|l| {
            let (tag, description) = l.split_once(' ').expect("tag and text");
            LanguageListing {
                tag: tag.into(),
                description: description.into(),
            }
        })
        .collect()
}

#[test]
fn utf8_capability_and_command() {
    let mut h = Harness::new(Config {
        utf8: true,
        ..Config::default()
    });
    let capa = h.send("CAPA\r\n");
    assert!(
        capa.contains("\r\nUTF8\r\n"),
        "no USER argument by default: {capa}"
    );
    assert!(!h.server.is_utf8());
    assert_eq!(h.send("UTF8\r\n"), "+OK UTF8 enabled\r\n");
    assert!(h.server.is_utf8());
    let mut h = Harness::new(Config {
        utf8: true,
        utf8_user: true,
        ..Config::default()
    });
    assert!(h.send("CAPA\r\n").contains("\r\nUTF8 USER\r\n"));
    // Not offered: UTF8 is an unknown command.
    let mut h = Harness::new(Config::default());
    assert!(!h.send("CAPA\r\n").contains("UTF8"));
    assert!(h.send("UTF8\r\n").starts_with("-ERR"));
}

/// A maildrop whose second message has UTF-8 header fields.
fn utf8_maildrop() -> Vec<MaildropEntry> {
    let mut entries = maildrop();
    entries[1].needs_utf8 = true;
    entries
}

fn login_with(h: &mut Harness, entries: Vec<MaildropEntry>) {
    h.send("USER alice\r\nPASS secret\r\n");
    let (id, _) = h.auth_id();
    h.server.accept_auth(h.now, id, entries).expect("accept");
    h.output();
}

#[test]
fn messages_with_utf8_headers_answer_utf8_code_until_utf8_mode() {
    let config = Config {
        utf8: true,
        ..Config::default()
    };
    let mut h = Harness::new(config.clone());
    login_with(&mut h, utf8_maildrop());
    // RFC 6856: the [UTF8] response code, for LIST, TOP and RETR.
    for command in ["LIST 2", "RETR 2", "TOP 2 0"] {
        let reply = h.send(&format!("{command}\r\n"));
        assert!(reply.starts_with("-ERR [UTF8] "), "{command}: {reply}");
    }
    assert!(h.events().is_empty(), "no body is requested");
    // The message still counts, so numbering does not depend on the mode.
    assert_eq!(h.send("STAT\r\n"), "+OK 3 325\r\n");
    assert!(h.send("LIST\r\n").contains("\r\n2 200\r\n"));
    assert_eq!(h.send("LIST 1\r\n"), "+OK 1 120\r\n");
    // UTF8 is an AUTHORIZATION command (RFC 6856 §2), though announced in both states.
    assert!(h.send("CAPA\r\n").contains("\r\nUTF8\r\n"));
    assert!(h.send("UTF8\r\n").starts_with("-ERR UTF8 not allowed"));
    assert!(!h.server.is_utf8());

    // Enabled before login, the same message is served.
    let mut h = Harness::new(config);
    assert_eq!(h.send("UTF8\r\n"), "+OK UTF8 enabled\r\n");
    login_with(&mut h, utf8_maildrop());
    assert_eq!(h.send("LIST 2\r\n"), "+OK 2 200\r\n");
    h.send("RETR 2\r\n");
    let (_, key, _) = h.body_request();
    assert_eq!(key, 20);
}

#[test]
fn utf8_after_login_only_with_the_interop_switch() {
    let mut h = Harness::new(Config {
        utf8: true,
        utf8_in_transaction: true,
        ..Config::default()
    });
    login_with(&mut h, utf8_maildrop());
    assert!(h.send("RETR 2\r\n").starts_with("-ERR [UTF8]"));
    assert_eq!(h.send("UTF8\r\n"), "+OK UTF8 enabled\r\n");
    h.send("TOP 2 1\r\n");
    assert_eq!(h.body_request().2, BodyPart::Top { lines: 1 });
}

#[test]
fn lang_lists_and_selects_by_language_range() {
    let mut h = Harness::new(Config {
        languages: languages(),
        ..Config::default()
    });
    assert!(h.send("CAPA\r\n").contains("\r\nLANG\r\n"));
    assert_eq!(
        h.send("LANG\r\n"),
        "+OK Language listing follows\r\nen-GB English\r\nde Deutsch\r\n\
         de-CH Schweizerdeutsch\r\n.\r\n"
    );
    assert_eq!(h.server.language(), None);
    // RFC 4647 basic filtering: a range matches the tags it is a prefix of, up to a hyphen.
    assert_eq!(h.send("LANG EN\r\n"), "+OK en-GB language selected\r\n");
    assert_eq!(h.send("LANG de-ch\r\n"), "+OK de-CH language selected\r\n");
    assert_eq!(h.server.language(), Some("de-CH"));
    assert_eq!(h.send("LANG d\r\n"), "-ERR language not supported\r\n");
    assert_eq!(h.send("LANG fr\r\n"), "-ERR language not supported\r\n");
    assert_eq!(
        h.server.language(),
        Some("de-CH"),
        "a failed LANG changes nothing"
    );
    // `*`: the server's default, the first of the list; LANG works after login too.
    login_with(&mut h, maildrop());
    assert_eq!(h.send("LANG *\r\n"), "+OK en-GB language selected\r\n");
    assert_eq!(h.server.language(), Some("en-GB"));
}

#[test]
fn per_user_login_delay_and_expire() {
    let mut h = Harness::new(Config {
        login_delay: Some(60),
        expire: Some(ExpirePolicy::Days(30)),
        per_user_policy: true,
        ..Config::default()
    });
    let capa = h.send("CAPA\r\n");
    assert!(capa.contains("\r\nLOGIN-DELAY 60 USER\r\n"), "{capa}");
    assert!(capa.contains("\r\nEXPIRE 30 USER\r\n"), "{capa}");
    login_with(&mut h, maildrop());
    h.server.set_user_policy(UserPolicy {
        login_delay: Some(900),
        expire: Some(ExpirePolicy::Never),
    });
    let capa = h.send("CAPA\r\n");
    assert!(capa.contains("\r\nLOGIN-DELAY 900\r\n"), "{capa}");
    assert!(capa.contains("\r\nEXPIRE NEVER\r\n"), "{capa}");
    // One policy for everyone: the same values in both states, without USER.
    let mut h = Harness::new(Config {
        login_delay: Some(60),
        ..Config::default()
    });
    assert!(h.send("CAPA\r\n").contains("\r\nLOGIN-DELAY 60\r\n"));
}

#[test]
fn receive_buffer_is_bounded_while_waiting() {
    let mut h = Harness::new(Config {
        max_receive_buffer: 64,
        ..Config::default()
    });
    h.send("USER a\r\nPASS b\r\n");
    let _ = h.auth_id();
    h.send(&"NOOP\r\n".repeat(11));
    assert!(!h.server.wants_input());
    assert!(!h.server.is_closed());
    h.send(&"NOOP\r\n".repeat(20));
    assert!(h.server.is_closed());
    assert!(h.events().contains(&Event::Closed {
        error: Some(Error::ReceiveBufferFull)
    }));
}

#[test]
fn refused_connection_greets_with_err_and_closes() {
    let mut s = Server::refuse(
        Config::default(),
        start(),
        Some(ResponseCode::SysTemp),
        "too busy",
    );
    assert_eq!(
        &s.poll_transmit().expect("greeting")[..],
        b"-ERR [SYS/TEMP] too busy\r\n"
    );
    assert_eq!(s.poll_transmit(), None);
    assert!(s.is_closed());
    assert_eq!(
        s.poll_event(),
        Some(Event::Closed {
            error: Some(Error::Refused)
        })
    );
}

#[test]
fn a_broken_sasl_line_ends_the_exchange() {
    let mut h = Harness::new(Config {
        max_sasl_line: 16,
        ..Config::default()
    });
    assert_eq!(h.send("AUTH PLAIN\r\n"), "+ \r\n");
    let out = h.send(&format!("{}\r\nNOOP\r\n", "A".repeat(40)));
    assert_eq!(
        out,
        "-ERR line too long\r\n-ERR NOOP not allowed in the AUTHORIZATION state\r\n"
    );
    assert_eq!(
        h.send("AUTH PLAIN\r\nAAAA\n"),
        "+ \r\n-ERR lines must end with CRLF\r\n"
    );
    assert_eq!(h.send("QUIT\r\n"), "+OK POP3 server signing off\r\n");
}
