//! Client session behaviour against scripted server bytes.

use std::time::{Duration, Instant};

use super::*;

/// The origin of the virtual clock: the only clock read in tests.
#[expect(
    clippy::disallowed_methods,
    reason = "tests need one origin for their virtual clock"
)]
fn start() -> Instant {
    Instant::now()
}

struct Harness {
    client: Client,
    now: Instant,
}

fn msg(n: u32) -> MessageNumber {
    MessageNumber::new(n).expect("non-zero")
}

impl Harness {
    fn new(config: Config) -> Self {
        let now = start();
        Self {
            client: Client::new(config, now),
            now,
        }
    }

    fn greeted(greeting: &str) -> Self {
        let mut h = Self::new(Config::default());
        h.server(greeting);
        h.events();
        h
    }

    fn server(&mut self, bytes: &str) {
        self.client.handle_input(self.now, bytes.as_bytes());
    }

    fn sent(&mut self) -> String {
        let mut out = Vec::new();
        while let Some(b) = self.client.poll_transmit() {
            out.extend_from_slice(&b);
        }
        String::from_utf8(out).expect("UTF-8")
    }

    fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.client.poll_event()).collect()
    }
}

#[test]
fn waits_for_greeting_then_sends() {
    let mut h = Harness::new(Config::default());
    let id = h.client.stat(h.now).expect("stat");
    assert_eq!(h.sent(), "");
    h.server("+OK ready <1.2@host>\r\n");
    assert_eq!(
        h.events(),
        vec![Event::GreetingReceived {
            greeting: Reply::ok("ready <1.2@host>")
        }]
    );
    assert_eq!(h.sent(), "STAT\r\n");
    h.server("+OK 2 320\r\n");
    let events = h.events();
    let [Event::ReplyReceived { id: got, reply }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(*got, id);
    assert_eq!(
        reply.maildrop_stat(),
        Some(crate::types::MaildropStat {
            count: 2,
            octets: 320
        })
    );
}

#[test]
fn rejected_greeting_closes() {
    let mut h = Harness::new(Config::default());
    h.server("-ERR [SYS/TEMP] overloaded\r\n");
    let events = h.events();
    assert!(
        matches!(events.last(), Some(Event::Closed { error: Some(Error::Rejected(r)) }) if r.code == Some(crate::types::ResponseCode::SysTemp))
    );
    assert!(h.client.is_closed());
    assert_eq!(h.client.noop(h.now), Err(ApiMisuse::Closed));
}

#[test]
fn without_pipelining_commands_go_one_at_a_time() {
    let mut h = Harness::greeted("+OK\r\n");
    h.client
        .login(h.now, "alice", "pw with space")
        .expect("login");
    assert_eq!(h.sent(), "USER alice\r\n");
    h.server("+OK\r\n");
    assert_eq!(h.sent(), "PASS pw with space\r\n");
    h.server("+OK logged in\r\n");
    assert_eq!(h.client.state(), State::Transaction);
}

#[test]
fn capa_enables_pipelining() {
    let mut h = Harness::greeted("+OK\r\n");
    let capa = h.client.capa(h.now).expect("capa");
    h.server("+OK\r\nUSER\r\nPIPELINING\r\nSASL PLAIN\r\nX-EXTRA a b\r\n.\r\n");
    let events = h.events();
    assert!(events.contains(&Event::CapabilitiesReceived {
        id: capa,
        capabilities: vec![
            Capability::User,
            Capability::Pipelining,
            Capability::Sasl(vec![Mechanism::plain()]),
            Capability::Other {
                name: "X-EXTRA".into(),
                args: vec!["a".into(), "b".into()]
            },
        ],
    }));
    assert_eq!(events.last(), Some(&Event::MultiLineEnd { id: capa }));
    h.sent();
    h.client.login(h.now, "a", "b").expect("login");
    h.client.stat(h.now).expect("stat");
    h.client.list(h.now, None).expect("list");
    assert_eq!(h.sent(), "USER a\r\nPASS b\r\nSTAT\r\nLIST\r\n");
}

#[test]
fn pipelining_keeps_to_the_window() {
    let mut h = Harness::new(Config {
        assume_pipelining: true,
        pipeline_window: 3,
        ..Config::default()
    });
    h.server("+OK\r\n");
    h.events();
    for i in 1..=5 {
        h.client.dele(h.now, msg(i)).expect("dele");
    }
    assert_eq!(h.sent(), "DELE 1\r\nDELE 2\r\nDELE 3\r\n");
    assert_eq!(
        h.client.pending_requests(),
        5,
        "the rest waits in the queue"
    );
    h.server("+OK message 1 deleted\r\n");
    assert_eq!(h.sent(), "DELE 4\r\n");
    h.server("+OK message 2 deleted\r\n+OK message 3 deleted\r\n");
    assert_eq!(h.sent(), "DELE 5\r\n");
    h.server("+OK message 4 deleted\r\n+OK message 5 deleted\r\n");
    assert_eq!(h.client.pending_requests(), 0);
}

#[test]
fn listings_are_typed_and_unstuffed() {
    let mut h = Harness::greeted("+OK\r\n");
    let list = h.client.list(h.now, None).expect("list");
    h.server("+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n");
    let events = h.events();
    assert_eq!(
        &events[1..],
        &[
            Event::ScanListing {
                id: list,
                listing: ScanListing {
                    msg: msg(1),
                    octets: 120
                }
            },
            Event::ScanListing {
                id: list,
                listing: ScanListing {
                    msg: msg(2),
                    octets: 200
                }
            },
            Event::MultiLineEnd { id: list },
        ]
    );
    let one = h.client.uidl(h.now, Some(msg(2))).expect("uidl");
    h.server("+OK 2 QhdPYR:00WBw1Ph7x7\r\n");
    let events = h.events();
    assert!(
        matches!(&events[1], Event::UniqueIdListing { id, listing } if *id == one && listing.uid.as_str() == "QhdPYR:00WBw1Ph7x7")
    );
    let bad = h.client.list(h.now, None).expect("list");
    h.server("+OK\r\nnonsense\r\n1 5\r\n.\r\n");
    let events = h.events();
    assert!(matches!(&events[1], Event::InvalidLine { id, .. } if *id == bad));
    assert!(matches!(&events[2], Event::ScanListing { .. }));
}

#[test]
fn retr_body_is_unstuffed_and_streamed() {
    let mut h = Harness::greeted("+OK\r\n");
    let id = h.client.retr(h.now, msg(1)).expect("retr");
    h.server("+OK 40 octets\r\n..dot\r\n.");
    h.server(".\r\n.\r");
    h.server("\n+OK\r\n");
    let events = h.events();
    let mut body = Vec::new();
    for e in &events {
        if let Event::BodyChunk { id: got, data } = e {
            assert_eq!(*got, id);
            body.extend_from_slice(data);
        }
    }
    assert_eq!(body, b".dot\r\n.\r\n");
    assert!(events.contains(&Event::MultiLineEnd { id }));
    // The stray +OK after the body arrived with nothing pending.
    assert!(matches!(
        events.last(),
        Some(Event::Closed {
            error: Some(Error::Unsolicited(_))
        })
    ));
}

#[test]
fn err_to_multi_line_command_is_single_line() {
    let mut h = Harness::greeted("+OK\r\n");
    let id = h.client.retr(h.now, msg(9)).expect("retr");
    let next = h.client.noop(h.now).expect("noop");
    h.server("-ERR no such message\r\n");
    assert_eq!(
        h.events(),
        vec![Event::ReplyReceived {
            id,
            reply: Reply::err("no such message")
        }]
    );
    assert_eq!(h.sent(), "RETR 9\r\nNOOP\r\n");
    h.server("+OK\r\n");
    assert_eq!(
        h.events(),
        vec![Event::ReplyReceived {
            id: next,
            reply: Reply::ok("")
        }]
    );
}

#[test]
fn apop_uses_the_greeting_timestamp() {
    let mut h = Harness::greeted("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n");
    h.client.apop(h.now, "mrose", b"tanstaaf").expect("apop");
    assert_eq!(h.sent(), "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
    let mut h = Harness::greeted("+OK ready\r\n");
    assert_eq!(
        h.client.apop(h.now, "mrose", b"x"),
        Err(ApiMisuse::NoApopTimestamp)
    );
}

#[test]
fn auth_plain_both_styles_and_long_fallback() {
    let mut h = Harness::greeted("+OK\r\n");
    h.client
        .auth_plain(h.now, "tim", "tanstaaf", InitialResponse::Inline)
        .expect("auth");
    assert_eq!(h.sent(), "AUTH PLAIN AHRpbQB0YW5zdGFhZg==\r\n");
    h.server("+OK\r\n");
    assert_eq!(h.client.state(), State::Transaction);

    let mut h = Harness::greeted("+OK\r\n");
    h.client
        .auth_plain(h.now, "tim", "tanstaaf", InitialResponse::Continuation)
        .expect("auth");
    assert_eq!(h.sent(), "AUTH PLAIN\r\n");
    h.server("+ \r\n");
    assert_eq!(h.sent(), "AHRpbQB0YW5zdGFhZg==\r\n");

    // RFC 5034 §4: an AUTH line over 255 octets moves the response to a continuation.
    let mut h = Harness::greeted("+OK\r\n");
    let token = "t".repeat(300);
    h.client
        .auth_xoauth2(h.now, "a@b.c", &token, InitialResponse::Inline)
        .expect("auth");
    assert_eq!(h.sent(), "AUTH XOAUTH2\r\n");
    h.server("+ \r\n");
    assert!(h.sent().len() > 255);
    // XOAUTH2 error challenge: answered with an empty line.
    h.server("+ eyJzdGF0dXMiOiI0MDEifQ==\r\n");
    assert_eq!(h.sent(), "\r\n");
    h.server("-ERR [AUTH] invalid token\r\n");
    assert_eq!(h.client.state(), State::Authorization);
}

#[test]
fn auth_login_and_relay() {
    let mut h = Harness::greeted("+OK\r\n");
    h.client
        .auth_login(h.now, "tim", "pw", InitialResponse::Continuation)
        .expect("auth");
    assert_eq!(h.sent(), "AUTH LOGIN\r\n");
    h.server("+ VXNlcm5hbWU6\r\n");
    assert_eq!(h.sent(), "dGlt\r\n");
    h.server("+ UGFzc3dvcmQ6\r\n");
    assert_eq!(h.sent(), "cHc=\r\n");
    // A third challenge the script has no answer for is cancelled.
    h.server("+ \r\n");
    assert_eq!(h.sent(), "*\r\n");

    let mut h = Harness::greeted("+OK\r\n");
    let scram = Mechanism::new("SCRAM-SHA-256").expect("valid");
    let id = h
        .client
        .auth(h.now, scram, Some(b"n,,n=u,r=x".to_vec()))
        .expect("auth");
    assert_eq!(h.sent(), "AUTH SCRAM-SHA-256 biwsbj11LHI9eA==\r\n");
    h.server("+ cj14eXo=\r\n");
    assert_eq!(
        h.events(),
        vec![Event::SaslChallenge {
            id,
            challenge: b"r=xyz".to_vec()
        }]
    );
    h.client.sasl_respond(h.now, id, b"final").expect("respond");
    assert_eq!(h.sent(), "ZmluYWw=\r\n");
    assert_eq!(
        h.client.sasl_respond(h.now, RequestId(99), b"x"),
        Err(ApiMisuse::UnknownRequest(99))
    );
}

#[test]
fn stls_discards_injected_bytes_and_forgets_capabilities() {
    let mut h = Harness::greeted("+OK\r\n");
    h.client.capa(h.now).expect("capa");
    h.server("+OK\r\nSTLS\r\nPIPELINING\r\n.\r\n");
    h.events();
    let id = h.client.stls(h.now).expect("stls");
    let after = h.client.noop(h.now).expect("noop");
    assert_eq!(
        h.sent(),
        "CAPA\r\nSTLS\r\n",
        "nothing is pipelined behind STLS"
    );
    h.server("+OK begin\r\n+OK injected\r\n");
    assert_eq!(
        h.events(),
        vec![
            Event::ReplyReceived {
                id,
                reply: Reply::ok("begin")
            },
            Event::TlsUpgradeReady { id },
            Event::PlaintextDiscarded { octets: 14 },
        ]
    );
    assert_eq!(h.client.state(), State::TlsHandshake);
    h.client.handle_tls_established(h.now).expect("tls");
    assert!(h.client.capabilities().is_empty());
    assert_eq!(h.sent(), "NOOP\r\n");
    h.server("+OK\r\n");
    assert_eq!(
        h.events(),
        vec![Event::ReplyReceived {
            id: after,
            reply: Reply::ok("")
        }]
    );
    assert!(h.client.stls(h.now).is_err());
}

#[test]
fn timeout_only_while_an_answer_is_due() {
    let mut h = Harness::new(Config {
        response_timeout: Duration::from_secs(30),
        ..Config::default()
    });
    assert_eq!(
        h.client.poll_timeout(),
        Some(h.now + Duration::from_secs(30))
    );
    h.server("+OK\r\n");
    assert_eq!(h.client.poll_timeout(), None);
    h.client.noop(h.now).expect("noop");
    let deadline = h.client.poll_timeout().expect("due");
    h.client.handle_timeout(deadline);
    assert!(matches!(
        h.events().last(),
        Some(Event::Closed {
            error: Some(Error::Timeout(_))
        })
    ));
}

#[test]
fn quit_closes_cleanly_and_eof_mid_body_is_an_error() {
    let mut h = Harness::greeted("+OK\r\n");
    h.client.quit(h.now).expect("quit");
    assert_eq!(h.client.noop(h.now), Err(ApiMisuse::Closed));
    h.server("+OK bye\r\n");
    assert_eq!(h.events().last(), Some(&Event::Closed { error: None }));

    let mut h = Harness::greeted("+OK\r\n");
    h.client.retr(h.now, msg(1)).expect("retr");
    h.server("+OK\r\npartial");
    h.client.handle_eof(h.now);
    let events = h.events();
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::MultiLineEnd { .. }))
    );
    assert_eq!(
        events.last(),
        Some(&Event::Closed {
            error: Some(Error::PeerClosed)
        })
    );
}

#[test]
fn garbage_and_long_lines_close_the_session() {
    let mut h = Harness::new(Config::default());
    h.server("HELLO\r\n");
    assert!(matches!(
        h.events().last(),
        Some(Event::Closed {
            error: Some(Error::Protocol(_))
        })
    ));
    let mut h = Harness::new(Config::default());
    h.server(&"x".repeat(5000));
    assert!(matches!(
        h.events().last(),
        Some(Event::Closed {
            error: Some(Error::LineTooLong)
        })
    ));
    let mut h = Harness::new(Config {
        max_content_line: 100,
        ..Config::default()
    });
    h.server("+OK\r\n");
    h.client.retr(h.now, msg(1)).expect("retr");
    h.server(&format!("+OK\r\n{}", "y".repeat(200)));
    assert!(matches!(
        h.events().last(),
        Some(Event::Closed {
            error: Some(Error::ContentLineTooLong(_))
        })
    ));
}

#[test]
fn values_with_line_breaks_are_refused() {
    let mut h = Harness::greeted("+OK\r\n");
    assert!(matches!(
        h.client.login(h.now, "a\r\nDELE 1", "x"),
        Err(ApiMisuse::InvalidValue(_))
    ));
    assert!(matches!(
        h.client.login(h.now, "a", "x\r\nDELE 1"),
        Err(ApiMisuse::InvalidValue(_))
    ));
    assert_eq!(h.sent(), "");
}

#[test]
fn owned_input_is_the_same_as_borrowed_input() {
    let wire: &[u8] = b"+OK\r\n+OK 9 octets\r\n..a\r\nb\r\n.\r\n";
    let mut borrowed = Harness::new(Config::default());
    borrowed.client.retr(borrowed.now, msg(1)).expect("retr");
    let mut owned = Harness::new(Config::default());
    owned.client.retr(owned.now, msg(1)).expect("retr");
    for piece in wire.chunks(4) {
        borrowed.server(std::str::from_utf8(piece).expect("ASCII"));
        owned
            .client
            .handle_input_owned(owned.now, BytesMut::from(piece));
    }
    let events = owned.events();
    assert_eq!(events, borrowed.events());
    assert!(events.contains(&Event::MultiLineEnd { id: RequestId(1) }));
}

#[test]
fn utf8_mode_and_the_utf8_response_code() {
    let mut h = Harness::greeted("+OK\r\n");
    h.client.utf8(h.now).expect("utf8");
    assert_eq!(h.sent(), "UTF8\r\n");
    h.server("-ERR not now\r\n");
    assert!(!h.client.is_utf8(), "refused: still off");
    h.client.utf8(h.now).expect("utf8");
    h.sent();
    h.server("+OK UTF8 enabled\r\n");
    assert!(h.client.is_utf8());
    // A message that needs UTF-8 mode, refused with the typed code (RFC 6856).
    let retr = h.client.retr(h.now, msg(2)).expect("retr");
    h.events();
    h.server("-ERR [UTF8] message 2 has UTF-8 headers\r\n");
    let events = h.events();
    let [Event::ReplyReceived { id, reply }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(*id, retr);
    assert_eq!(reply.code, Some(crate::types::ResponseCode::Utf8));
    assert!(!reply.is_ok());
}

#[test]
fn lang_lists_languages_and_remembers_the_chosen_tag() {
    let mut h = Harness::greeted("+OK\r\n");
    let list = h.client.lang(h.now, None).expect("lang");
    assert_eq!(h.sent(), "LANG\r\n");
    h.server("+OK Language listing follows\r\nen-GB English\r\nde Deutsch\r\n.\r\n");
    let tags: Vec<String> = h
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::LanguageListing { id, listing } if id == list => Some(listing.tag),
            _ => None,
        })
        .collect();
    assert_eq!(tags, ["en-GB", "de"]);
    h.client.lang(h.now, Some("en")).expect("lang");
    assert_eq!(h.sent(), "LANG en\r\n");
    h.server("+OK en-GB language selected\r\n");
    assert_eq!(h.client.language(), Some("en-GB"));
    h.client.lang(h.now, Some("fr")).expect("lang");
    h.server("-ERR language not supported\r\n");
    assert_eq!(h.client.language(), Some("en-GB"));
}
