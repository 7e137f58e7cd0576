//! QUOTA (RFC 9208), METADATA (RFC 5464) and COMPRESS=DEFLATE (RFC 4978) against the real
//! Dovecot of `scripts/peers.sh` (user frank, who has a count quota of 10 MB and 1000
//! messages): the session is captured up to COMPRESS's tagged OK (after it the stream is
//! compressed), then `dissect imap` reads both directions strictly with round trips, and
//! imap-proto's parser gives the typed answers.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use bytes::Bytes;
use common::*;
use imap_proto::framing::{Direction, Limits, StreamItem, split_stream};
use imap_proto::parse::{self, ParseOptions, Status};
use imap_proto::types::{Capability, Data, Response, StatusKind};

const SCRIPT: &[&[u8]] = &[
    b"q1 LOGIN frank secret6\r\n",
    b"q2 CAPABILITY\r\n",
    b"q3 GETQUOTAROOT INBOX\r\n",
    b"q4 GETQUOTA \"User\"\r\n",
    b"q5 SETMETADATA INBOX (/private/comment \"quota and metadata\")\r\n",
    b"q6 GETMETADATA INBOX (/private/comment /shared/comment)\r\n",
    b"q7 SETMETADATA \"\" (/private/vendor/mailwire/test {5+}\r\nhello)\r\n",
    b"q8 GETMETADATA (DEPTH infinity) \"\" /private/vendor\r\n",
    b"q9 COMPRESS DEFLATE\r\n",
];

/// Sends each step and reads until that step's tagged completion (a line starting with
/// the step's tag), so the capture stops exactly at COMPRESS's OK.
fn capture() -> (Vec<u8>, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", 10143)).expect("connect to Dovecot");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut received = Vec::new();
    read_line_starting(&mut stream, &mut received, b"* OK ");
    let mut sent = Vec::new();
    for step in SCRIPT {
        stream.write_all(step).expect("send");
        sent.extend_from_slice(step);
        let tag = step.split(|&b| b == b' ').next().expect("tag");
        read_line_starting(&mut stream, &mut received, &[tag, b" "].concat());
    }
    (sent, received)
}

/// Reads until a line that starts with `prefix` has ended; one byte at a time, so
/// nothing after the switch point is read.
fn read_line_starting(stream: &mut TcpStream, received: &mut Vec<u8>, prefix: &[u8]) {
    let mut line_start = received.len();
    let mut byte = [0u8; 1];
    loop {
        let n = stream.read(&mut byte).expect("read from Dovecot");
        assert_eq!(
            n,
            1,
            "Dovecot closed early: {}",
            String::from_utf8_lossy(received)
        );
        received.push(byte[0]);
        if byte[0] == b'\n' {
            if received[line_start..].starts_with(prefix) {
                return;
            }
            line_start = received.len();
        }
    }
}

fn responses(received: &[u8]) -> Vec<Response> {
    split_stream(received, Direction::ServerToClient, Limits::client())
        .map(|item| match item {
            StreamItem::Message { bytes, .. } => {
                let bytes = Bytes::copy_from_slice(bytes);
                match parse::response(&bytes, &ParseOptions::default()) {
                    Ok(Status::Complete { value, len }) if len == bytes.len() => value,
                    other => panic!("{:?}: {other:?}", String::from_utf8_lossy(&bytes)),
                }
            }
            other => panic!("framing: {other:?}"),
        })
        .collect()
}

#[test]
fn quota_metadata_and_compress_against_dovecot() {
    if !require_peer("Dovecot IMAP", 10143) {
        return;
    }
    let (sent, received) = capture();

    let (code, out) = dissect(&["imap", "client", "--roundtrip"], &sent);
    assert_eq!(code, 0, "imap client: {out}");
    assert_eq!(out.lines().count(), SCRIPT.len(), "{out}");
    let (code, out) = dissect(&["imap", "server", "--roundtrip"], &received);
    assert_eq!(
        code,
        0,
        "imap server: {out}\n{}",
        String::from_utf8_lossy(&received)
    );

    let responses = responses(&received);
    let capabilities = responses
        .iter()
        .find_map(|r| match r {
            Response::Data(Data::Capability(caps)) => Some(caps.clone()),
            _ => None,
        })
        .expect("CAPABILITY");
    assert!(
        capabilities.contains(&Capability::Quota),
        "{capabilities:?}"
    );
    assert!(
        capabilities.contains(&Capability::Metadata),
        "{capabilities:?}"
    );
    assert!(
        capabilities
            .iter()
            .any(|c| matches!(c, Capability::Compress(a) if a.eq_ignore_case("DEFLATE"))),
        "{capabilities:?}"
    );
    let root = responses.iter().find_map(|r| match r {
        Response::Data(Data::QuotaRoot { roots, .. }) => Some(roots.clone()),
        _ => None,
    });
    assert_eq!(
        root.expect("QUOTAROOT")
            .iter()
            .map(|root| root.as_bytes().to_vec())
            .collect::<Vec<_>>(),
        vec![b"User".to_vec()]
    );
    let quotas: Vec<_> = responses
        .iter()
        .filter_map(|r| match r {
            Response::Data(Data::Quota { root, resources }) => Some((root, resources)),
            _ => None,
        })
        .collect();
    // GETQUOTAROOT answers with the QUOTA too, then GETQUOTA.
    assert_eq!(quotas.len(), 2, "{responses:?}");
    for (root, resources) in quotas {
        assert_eq!(root.as_bytes(), b"User");
        let limits: Vec<_> = resources
            .iter()
            .map(|r| (r.name.as_bytes().to_vec(), r.limit))
            .collect();
        assert_eq!(
            limits,
            vec![(b"STORAGE".to_vec(), 10240), (b"MESSAGE".to_vec(), 1000)]
        );
    }
    let metadata: Vec<_> = responses
        .iter()
        .filter_map(|r| match r {
            Response::Data(Data::Metadata { mailbox, entries }) => Some(
                entries
                    .iter()
                    .map(|e| {
                        (
                            String::from_utf8_lossy(mailbox.as_bytes()).into_owned(),
                            String::from_utf8_lossy(e.name.as_bytes()).into_owned(),
                            e.value.as_ref().map(|v| v.as_bytes().to_vec()),
                        )
                    })
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .collect();
    assert_eq!(
        metadata,
        vec![
            vec![
                (
                    "INBOX".to_owned(),
                    "/private/comment".to_owned(),
                    Some(b"quota and metadata".to_vec())
                ),
                ("INBOX".to_owned(), "/shared/comment".to_owned(), None),
            ],
            vec![(
                String::new(),
                "/private/vendor/mailwire/test".to_owned(),
                Some(b"hello".to_vec())
            )],
        ]
    );
    // The capture ends with COMPRESS's tagged OK: the switch point.
    match responses.last() {
        Some(Response::Status(status)) => {
            assert_eq!(status.tag.as_ref().map(|t| t.as_bytes()), Some(&b"q9"[..]));
            assert_eq!(status.kind, StatusKind::Ok);
        }
        other => panic!("last: {other:?}"),
    }
}
