//! Chunking invariance: any split of the bytes a session receives gives the same output and the
//! same events as feeding them whole (body chunks compared as concatenated bytes). Multi-line
//! bodies are split at every position, which covers every split around `CRLF.CRLF` and
//! `CRLF..`.

mod common;

use std::time::Instant;

use common::start;
use common::{Mailbox, Pair};
use pop3_proto::client::{self, Client};
use pop3_proto::server::{self, Server};
use pop3_proto::types::MessageNumber;
use proptest::prelude::*;

fn messages() -> Vec<Vec<u8>> {
    vec![
        b"From: a\r\n\r\n.\r\n..\r\n.x\r\nend\r\n".to_vec(),
        b"Subject: b\r\n\r\n\r\n.\r\n\r\n..\r\n".to_vec(),
        Vec::new(),
    ]
}

const CLIENT_BYTES: &[u8] =
    b"CAPA\r\nUSER alice\r\nPASS secret\r\nSTAT\r\nLIST\r\nUIDL 2\r\nRETR 1\r\n\
TOP 2 1\r\nDELE 1\r\nBOGUS\r\nRETR 3\r\nLIST 1\r\nRETR 2\r\nRSET\r\nDELE 3\r\nQUIT\r\n";

/// Feeds `input` to a server in the given pieces; returns its output and events.
fn run_server(pieces: &[&[u8]]) -> (Vec<u8>, Vec<server::Event>) {
    let now = start();
    let mut mailbox = Mailbox::new("alice", "secret", messages());
    mailbox.chunk = 5;
    let mut server = Server::new(server::Config::default(), now);
    let mut events = Vec::new();
    for piece in pieces {
        server.handle_input(now, piece);
        events.extend(mailbox.serve(&mut server, now));
    }
    let mut out = Vec::new();
    while let Some(b) = server.poll_transmit() {
        out.extend_from_slice(&b);
    }
    assert_eq!(mailbox.committed, Some(vec![30]));
    (out, events)
}

/// Normalised client events: adjacent body chunks of one request merged.
fn normalise(events: Vec<client::Event>) -> Vec<client::Event> {
    let mut out: Vec<client::Event> = Vec::new();
    for e in events {
        if let (
            Some(client::Event::BodyChunk {
                id: last,
                data: acc,
            }),
            client::Event::BodyChunk { id, data },
        ) = (out.last_mut(), &e)
            && last == id
        {
            *acc = [acc.as_ref(), data.as_ref()].concat().into();
            continue;
        }
        out.push(e);
    }
    out
}

/// What a server sends in reply to the client commands of [`queue_client`].
fn server_bytes() -> Vec<u8> {
    let mut pair = Pair::new(
        client::Config::default(),
        server::Config::default(),
        Mailbox::new("alice", "secret", messages()),
    );
    queue_client(&mut pair.client, pair.now);
    pair.drive();
    assert!(pair.client.is_closed());
    pair.to_client
}

fn queue_client(client: &mut Client, now: Instant) {
    let n = |i| MessageNumber::new(i).expect("non-zero");
    client.capa(now).expect("capa");
    client.login(now, "alice", "secret").expect("login");
    client.stat(now).expect("stat");
    client.list(now, None).expect("list");
    client.uidl(now, None).expect("uidl");
    for i in 1..=3 {
        client.retr(now, n(i)).expect("retr");
        client.top(now, n(i), 1).expect("top");
    }
    client.list(now, Some(n(9))).expect("list");
    client.quit(now).expect("quit");
}

/// How the pieces are handed to the client.
#[derive(Debug, Clone, Copy)]
enum Input {
    /// `handle_input`, borrowed.
    Borrowed,
    /// `handle_input_owned`, the buffer handed over.
    Owned,
    /// Each way in turn, so each path finds the other's partial lines buffered.
    Alternating,
}

fn run_client(pieces: &[&[u8]]) -> Vec<client::Event> {
    run_client_with(Input::Borrowed, pieces)
}

fn run_client_with(input: Input, pieces: &[&[u8]]) -> Vec<client::Event> {
    let now = start();
    let mut client = Client::new(client::Config::default(), now);
    queue_client(&mut client, now);
    let mut events = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        match (input, i % 2) {
            (Input::Borrowed, _) | (Input::Alternating, 0) => client.handle_input(now, piece),
            (Input::Owned, _) | (Input::Alternating, _) => {
                client.handle_input_owned(now, bytes::BytesMut::from(*piece));
            }
        }
        events.extend(std::iter::from_fn(|| client.poll_event()));
        while client.poll_transmit().is_some() {}
    }
    normalise(events)
}

fn split<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut pieces = Vec::new();
    let mut at = 0;
    for c in cuts {
        pieces.push(&bytes[at..c]);
        at = c;
    }
    pieces.push(&bytes[at..]);
    pieces
}

#[test]
fn server_every_two_way_split() {
    let whole = run_server(&[CLIENT_BYTES]);
    assert!(whole.0.ends_with(b"+OK POP3 server signing off\r\n"));
    for i in 0..=CLIENT_BYTES.len() {
        assert_eq!(
            run_server(&[&CLIENT_BYTES[..i], &CLIENT_BYTES[i..]]),
            whole,
            "split at {i}"
        );
    }
}

#[test]
fn client_every_two_way_split() {
    let bytes = server_bytes();
    let whole = run_client(&[&bytes]);
    assert_eq!(whole.last(), Some(&client::Event::Closed { error: None }));
    for i in 0..=bytes.len() {
        for input in [Input::Borrowed, Input::Owned, Input::Alternating] {
            assert_eq!(
                run_client_with(input, &[&bytes[..i], &bytes[i..]]),
                whole,
                "split at {i}, {input:?}"
            );
        }
    }
}

#[test]
fn client_every_three_way_split_around_terminators() {
    let bytes = server_bytes();
    let whole = run_client(&[&bytes]);
    // Every position within two octets of a `\r\n.` (terminators and stuffed dots).
    let hot: Vec<usize> = bytes
        .windows(3)
        .enumerate()
        .filter(|(_, w)| *w == b"\r\n.")
        .flat_map(|(i, _)| i.saturating_sub(2)..(i + 6).min(bytes.len()))
        .collect();
    for &i in &hot {
        for &j in hot.iter().filter(|&&j| j >= i) {
            assert_eq!(
                run_client(&[&bytes[..i], &bytes[i..j], &bytes[j..]]),
                whole,
                "{i}/{j}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn server_any_split(cuts in proptest::collection::vec(any::<usize>(), 0..40)) {
        let whole = run_server(&[CLIENT_BYTES]);
        prop_assert_eq!(run_server(&split(CLIENT_BYTES, &cuts)), whole);
    }

    #[test]
    fn client_any_split(cuts in proptest::collection::vec(any::<usize>(), 0..40)) {
        let bytes = server_bytes();
        let whole = run_client(&[&bytes]);
        let pieces = split(&bytes, &cuts);
        for input in [Input::Borrowed, Input::Owned, Input::Alternating] {
            prop_assert_eq!(run_client_with(input, &pieces), whole.clone(), "{:?}", input);
        }
    }
}
