//! Model-based property: random pipelined TRANSACTION commands through a client <-> server pair
//! give exactly the answers a simple model of the maildrop predicts, and QUIT commits exactly
//! the messages the model has marked deleted.

mod common;

use common::{Mailbox, Pair};
use pop3_proto::client::{self, RequestId};
use pop3_proto::server;
use pop3_proto::types::{Command, MessageNumber};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Stat,
    List(Option<u32>),
    Uidl(Option<u32>),
    Retr(u32),
    Top(u32, u32),
    Dele(u32),
    Rset,
    Noop,
}

fn op() -> impl Strategy<Value = Op> {
    let n = 1u32..7;
    prop_oneof![
        Just(Op::Stat),
        proptest::option::of(n.clone()).prop_map(Op::List),
        proptest::option::of(n.clone()).prop_map(Op::Uidl),
        n.clone().prop_map(Op::Retr),
        (n.clone(), 0u32..4).prop_map(|(m, k)| Op::Top(m, k)),
        n.prop_map(Op::Dele),
        Just(Op::Rset),
        Just(Op::Noop),
    ]
}

fn messages() -> Vec<Vec<u8>> {
    vec![
        b"A: 1\r\n\r\n.one\r\ntwo\r\n".to_vec(),
        b"B: 2\r\n\r\n".to_vec(),
        b"C: 3\r\n\r\nx\r\n.\r\ny\r\nz\r\n".to_vec(),
        b"D: 4\r\nE: 5\r\n\r\n..\r\n".to_vec(),
    ]
}

/// TOP as the model sees it: header, blank line, `k` body lines.
fn top(message: &[u8], k: u32) -> Vec<u8> {
    let text = std::str::from_utf8(message).expect("ASCII");
    let (header, body) = text.split_once("\r\n\r\n").expect("blank line");
    let mut out = format!("{header}\r\n\r\n");
    for line in body.split_inclusive("\r\n").take(k as usize) {
        out.push_str(line);
    }
    out.into_bytes()
}

fn events_for(pair: &Pair, id: RequestId) -> Vec<client::Event> {
    pair.client_events
        .iter()
        .filter(|e| match e {
            client::Event::ReplyReceived { id: i, .. }
            | client::Event::ScanListing { id: i, .. }
            | client::Event::UniqueIdListing { id: i, .. }
            | client::Event::BodyChunk { id: i, .. }
            | client::Event::MultiLineEnd { id: i } => *i == id,
            _ => false,
        })
        .cloned()
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn pair_matches_the_model(ops in proptest::collection::vec(op(), 1..25)) {
        let messages = messages();
        let mut client_config = client::Config::default();
        client_config.assume_pipelining = true;
        let mut pair = Pair::new(client_config, server::Config::default(), Mailbox::new("u", "p", messages.clone()));
        pair.client.login(pair.now, "u", "p").expect("login");
        let num = |n: u32| MessageNumber::new(n).expect("non-zero");
        let ids: Vec<RequestId> = ops
            .iter()
            .map(|op| {
                let command = match *op {
                    Op::Stat => Command::Stat,
                    Op::List(n) => Command::List { msg: n.map(num) },
                    Op::Uidl(n) => Command::Uidl { msg: n.map(num) },
                    Op::Retr(n) => Command::Retr { msg: num(n) },
                    Op::Top(n, k) => Command::Top { msg: num(n), lines: k },
                    Op::Dele(n) => Command::Dele { msg: num(n) },
                    Op::Rset => Command::Rset,
                    Op::Noop => Command::Noop,
                };
                pair.client.send(pair.now, command).expect("send")
            })
            .collect();
        pair.client.quit(pair.now).expect("quit");
        pair.drive();

        let mut deleted = [false; 4];
        let live = |deleted: &[bool; 4], n: u32| (1..=4).contains(&n) && !deleted[n as usize - 1];
        for (op, id) in ops.iter().zip(ids) {
            let events = events_for(&pair, id);
            let client::Event::ReplyReceived { reply, .. } = &events[0] else {
                panic!("first event is the reply: {events:?}")
            };
            let body: Vec<u8> = events.iter().filter_map(|e| match e {
                client::Event::BodyChunk { data, .. } => Some(data.to_vec()),
                _ => None,
            }).flatten().collect();
            let listed: Vec<(u32, String)> = events.iter().filter_map(|e| match e {
                client::Event::ScanListing { listing, .. } => Some((listing.msg.get(), listing.octets.to_string())),
                client::Event::UniqueIdListing { listing, .. } => Some((listing.msg.get(), listing.uid.to_string())),
                _ => None,
            }).collect();
            match *op {
                Op::Stat => {
                    let stat = reply.maildrop_stat().expect("stat");
                    let live_msgs: Vec<usize> = (0..4).filter(|&i| !deleted[i]).collect();
                    prop_assert_eq!(stat.count as usize, live_msgs.len());
                    prop_assert_eq!(stat.octets, live_msgs.iter().map(|&i| messages[i].len() as u64).sum::<u64>());
                }
                Op::List(None) | Op::Uidl(None) => {
                    let expected: Vec<(u32, String)> = (1..=4u32).filter(|&n| live(&deleted, n)).map(|n| {
                        let value = if matches!(op, Op::List(_)) { messages[n as usize - 1].len().to_string() } else { format!("uid-{n}") };
                        (n, value)
                    }).collect();
                    prop_assert_eq!(listed, expected);
                }
                Op::List(Some(n)) | Op::Uidl(Some(n)) => {
                    prop_assert_eq!(reply.is_ok(), live(&deleted, n));
                    prop_assert_eq!(listed.len(), usize::from(live(&deleted, n)));
                }
                Op::Retr(n) => {
                    prop_assert_eq!(reply.is_ok(), live(&deleted, n));
                    if live(&deleted, n) {
                        prop_assert_eq!(&body, &messages[n as usize - 1]);
                    }
                }
                Op::Top(n, k) => {
                    prop_assert_eq!(reply.is_ok(), live(&deleted, n));
                    if live(&deleted, n) {
                        prop_assert_eq!(body, top(&messages[n as usize - 1], k));
                    }
                }
                Op::Dele(n) => {
                    prop_assert_eq!(reply.is_ok(), live(&deleted, n));
                    if live(&deleted, n) {
                        deleted[n as usize - 1] = true;
                    }
                }
                Op::Rset => {
                    prop_assert!(reply.is_ok());
                    deleted = [false; 4];
                }
                Op::Noop => prop_assert!(reply.is_ok()),
            }
        }
        let expected: Vec<u64> = (0..4).filter(|&i| deleted[i]).map(|i| (i as u64 + 1) * 10).collect();
        prop_assert_eq!(pair.mailbox.committed.clone(), Some(expected));
        prop_assert_eq!(pair.mailbox.commits, 1);
    }
}
