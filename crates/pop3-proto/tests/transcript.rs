//! The RFC 1939 §10 example session, replayed against the server (its output checked line by
//! line) and against the client (the bytes it sends checked exactly), whole and byte by byte.

mod common;

use common::Mailbox;
use common::{body_of, start};
use pop3_proto::client::{self, Client};
use pop3_proto::server::{self, Server};
use pop3_proto::types::{MaildropStat, MessageNumber};

const TRANSCRIPT: &str = include_str!("transcripts/rfc1939-section10.txt");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}

fn steps() -> Vec<(Side, &'static str)> {
    TRANSCRIPT
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| match l.split_at(3) {
            ("C: ", rest) => (Side::Client, rest),
            ("S: ", rest) => (Side::Server, rest),
            _ => panic!("bad transcript line {l:?}"),
        })
        .collect()
}

/// The message contents, recovered from the transcript's RETR answers (stuffing removed).
fn messages() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    for (side, line) in steps() {
        if side != Side::Server {
            continue;
        }
        match &mut current {
            None if line.ends_with(" octets") && !line.contains('(') => current = Some(Vec::new()),
            None => {}
            Some(_) if line == "." => out.extend(current.take()),
            Some(m) => {
                m.extend_from_slice(line.strip_prefix('.').unwrap_or(line).as_bytes());
                m.extend_from_slice(b"\r\n");
            }
        }
    }
    out
}

/// Server lines match when equal, or, for status lines, when the indicator matches and (if the
/// expected text starts with a number) the text too: the RFC's free texts differ from ours.
fn same_server_line(expected: &str, got: &str) -> bool {
    for indicator in ["+OK", "-ERR"] {
        if let Some(text) = expected.strip_prefix(indicator) {
            if !got.starts_with(indicator) {
                return false;
            }
            let numeric = text
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit());
            return !numeric || expected == got;
        }
    }
    expected == got
}

fn replay_server(chunk: usize) {
    let messages = messages();
    assert_eq!(
        messages.iter().map(Vec::len).collect::<Vec<_>>(),
        [120, 200]
    );
    let mut mailbox = Mailbox::new("mrose", "tanstaaf", messages);
    let now = start();
    let mut config = server::Config::default();
    config.apop_timestamp = Some("<1896.697170952@dbc.mtview.ca.us>".into());
    let mut server = Server::new(config, now);
    let mut output = Vec::new();
    for (side, line) in steps() {
        if side == Side::Client {
            for piece in format!("{line}\r\n").as_bytes().chunks(chunk) {
                server.handle_input(now, piece);
                mailbox.serve(&mut server, now);
            }
        }
    }
    while let Some(b) = server.poll_transmit() {
        output.extend_from_slice(&b);
    }
    let output = String::from_utf8(output).expect("UTF-8");
    assert!(output.ends_with("\r\n"));
    let got: Vec<&str> = output[..output.len() - 2].split("\r\n").collect();
    let expected: Vec<&str> = steps()
        .into_iter()
        .filter(|(s, _)| *s == Side::Server)
        .map(|(_, l)| l)
        .collect();
    assert_eq!(got.len(), expected.len(), "{output}");
    for (e, g) in expected.iter().zip(&got) {
        assert!(same_server_line(e, g), "expected {e:?}, got {g:?}");
    }
    assert_eq!(mailbox.committed, Some(vec![10, 20]));
    assert!(server.is_closed());
}

#[test]
fn server_replays_rfc1939_section10() {
    replay_server(usize::MAX);
}

#[test]
fn server_replays_rfc1939_section10_byte_by_byte() {
    replay_server(1);
}

fn replay_client(chunk: usize) {
    let now = start();
    let mut client = Client::new(client::Config::default(), now);
    let mut sent = Vec::new();
    let mut events = Vec::new();
    let one = MessageNumber::new(1).expect("1");
    let two = MessageNumber::new(2).expect("2");
    // The commands the RFC's client sends, queued at once: without PIPELINING the session
    // sends each after the previous answer.
    let mut ids = Vec::new();
    let server_lines: Vec<String> = {
        let mut groups = Vec::new();
        let mut group = String::new();
        for (side, line) in steps() {
            match side {
                Side::Server => {
                    group.push_str(line);
                    group.push_str("\r\n");
                }
                Side::Client => groups.push(std::mem::take(&mut group)),
            }
        }
        groups.push(group);
        groups
    };
    for (i, group) in server_lines.iter().enumerate() {
        for piece in group.as_bytes().chunks(chunk) {
            client.handle_input(now, piece);
        }
        if i == 0 {
            ids.push(client.apop(now, "mrose", b"tanstaaf").expect("apop"));
            ids.push(client.stat(now).expect("stat"));
            ids.push(client.list(now, None).expect("list"));
            ids.push(client.retr(now, one).expect("retr"));
            ids.push(client.dele(now, one).expect("dele"));
            ids.push(client.retr(now, two).expect("retr"));
            ids.push(client.dele(now, two).expect("dele"));
            ids.push(client.quit(now).expect("quit"));
        }
        while let Some(b) = client.poll_transmit() {
            sent.extend_from_slice(&b);
        }
        events.extend(std::iter::from_fn(|| client.poll_event()));
    }
    let expected: String = steps()
        .into_iter()
        .filter(|(s, _)| *s == Side::Client)
        .map(|(_, l)| format!("{l}\r\n"))
        .collect();
    assert_eq!(String::from_utf8(sent).expect("UTF-8"), expected);

    let stat = events.iter().find_map(|e| match e {
        client::Event::ReplyReceived { id, reply } if *id == ids[1] => reply.maildrop_stat(),
        _ => None,
    });
    assert_eq!(
        stat,
        Some(MaildropStat {
            count: 2,
            octets: 320
        })
    );
    let listings: Vec<(u32, u64)> = events
        .iter()
        .filter_map(|e| match e {
            client::Event::ScanListing { id, listing } if *id == ids[2] => {
                Some((listing.msg.get(), listing.octets))
            }
            _ => None,
        })
        .collect();
    assert_eq!(listings, [(1, 120), (2, 200)]);
    for (id, message) in [ids[3], ids[5]].into_iter().zip(messages()) {
        let body = body_of(&events, id);
        assert_eq!(body, message);
    }
    assert_eq!(events.last(), Some(&client::Event::Closed { error: None }));
}

#[test]
fn client_replays_rfc1939_section10() {
    replay_client(usize::MAX);
}

#[test]
fn client_replays_rfc1939_section10_byte_by_byte() {
    replay_client(1);
}
