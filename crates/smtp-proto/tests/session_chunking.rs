//! Chunking invariance of the server on a script that exercises pipelining, BDAT, AUTH LOGIN,
//! DATA with dot-stuffing, an over-long line and STARTTLS: any split of the client bytes gives
//! the same replies and the same events.
#![allow(clippy::disallowed_methods, clippy::unwrap_used)]

mod common;

use common::*;
use proptest::prelude::*;
use smtp_proto::server::{Config, Server};
use smtp_proto::types::AuthMechanism;

fn script() -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(b"EHLO client.example\r\nNOOP\r\n");
    v.extend_from_slice(b"AUTH LOGIN\r\ndGlt\r\ndGFuc3RhYWY=\r\n");
    v.extend_from_slice(b"MAIL FROM:<a@b.c> SIZE=20\r\nRCPT TO:<x@e.f>\r\nRCPT TO:<bad@e.f>\r\n");
    v.extend_from_slice(b"BDAT 5\r\n.\r\n\r\nBDAT 4 LAST\r\nab\r\n");
    v.extend_from_slice(b"MAIL FROM:<>\r\nRCPT TO:<Postmaster>\r\nDATA\r\n..a\r\nb\r\n.\r\n");
    v.extend_from_slice(b"NOOP ");
    v.extend(std::iter::repeat_n(b'z', 5000));
    v.extend_from_slice(b"\r\nRSET\r\nSTARTTLS\r\nMAIL FROM:<evil@x.y>\r\n");
    v
}

fn run(cuts: &[usize]) -> (String, Vec<String>, Vec<Vec<u8>>) {
    let now = t0();
    let mut c = Config::default();
    c.extensions.auth = vec![AuthMechanism::Login];
    c.extensions.starttls = true;
    let mut s = Server::new(c, now);
    let policy = Policy {
        reject_rcpt_prefix: Some("bad".into()),
        auth_user: Some(("tim".into(), "tanstaaf".into())),
    };
    let mut seen = Seen::default();
    let input = script();
    let mut out = String::from_utf8(drain_out(&mut s)).unwrap();
    let mut start = 0;
    let mut cuts = cuts.to_vec();
    cuts.sort_unstable();
    cuts.push(input.len());
    for c in cuts {
        let c = c.min(input.len()).max(start);
        out.push_str(&feed(&mut s, now, &input[start..c], &policy, &mut seen));
        start = c;
    }
    // Discarded plaintext is reported per input piece; sum it up.
    let mut events = Vec::new();
    let mut discarded = 0;
    for e in normalise(&seen.events) {
        match e.strip_prefix("discarded ") {
            Some(n) => discarded += n.parse::<usize>().unwrap(),
            None => events.push(e),
        }
    }
    events.push(format!("discarded total {discarded}"));
    (out, events, seen.messages)
}

#[test]
fn the_script_does_what_it_should() {
    let (out, events, messages) = run(&[]);
    assert_eq!(
        messages,
        vec![b".\r\n\r\nab\r\n".to_vec(), b".a\r\nb\r\n".to_vec()]
    );
    assert!(out.contains("235 2.7.0"), "{out}");
    assert!(out.contains("550 5.1.1 No such user"), "{out}");
    assert!(out.contains("500 5.5.2 Line too long"), "{out}");
    assert!(out.ends_with("220 2.0.0 Ready to start TLS\r\n"), "{out}");
    assert!(
        events.contains(&"discarded total 22".to_string()),
        "{events:?}"
    );
    assert!(!events.iter().any(|e| e.contains("evil")));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn server_is_split_invariant(cuts in proptest::collection::vec(0usize..5400, 0..24)) {
        prop_assert_eq!(run(&[]), run(&cuts));
    }

    #[test]
    fn server_is_invariant_to_byte_by_byte_around_a_point(at in 0usize..5400) {
        let cuts: Vec<usize> = (at..at + 40).collect();
        prop_assert_eq!(run(&[]), run(&cuts));
    }
}
