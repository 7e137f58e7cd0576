//! SMTP smuggling regression vectors (SEC Consult 2023 research; the end-of-data variants of
//! The-Login/SMTP-Smuggling-Tools, hannob/smtpsmug and suuhm/smtp_smuggling_checker,
//! re-expressed here): a body holding a fake end of data followed by a second transaction must
//! never end the DATA early, whatever the split of the input, and with the default policy a
//! body holding bare CR/LF is refused after the real end.

mod common;

use bytes::BytesMut;
use common::read_data;
use smtp_proto::framing::{BareLineEndings, DotStuffer, LineReader};

/// The fake end-of-data sequences.
const VECTORS: &[(&str, &[u8])] = &[
    ("lf_dot_lf", b"\n.\n"),
    ("lf_dot_crlf", b"\n.\r\n"),
    ("cr_dot_crlf", b"\r.\r\n"),
    ("crlf_dot_cr", b"\r\n.\r"),
    ("crlf_dot_lf", b"\r\n.\n"),
    ("cr_dot_cr", b"\r.\r"),
    ("crlf_nul_dot_cr", b"\r\n\x00.\r"),
    ("crlf_nul_dot_crlf", b"\r\n\x00.\r\n"),
    ("lf_lf_dot_crlf", b"\n\n.\r\n"),
    ("crlf_dot_cr_crlf", b"\r\n.\r\r\n"),
    ("cr_cr_dot_crlf", b"\r\r.\r\n"),
    ("lf_dot_cr", b"\n.\r"),
    ("cr_dot_lf", b"\r.\n"),
    ("crlf_dot_lf_lf", b"\r\n.\n\n"),
    ("crlf_sp_dot_crlf", b"\r\n .\r\n"),
];

const SMUGGLED: &[u8] =
    b"MAIL FROM:<admin@bank.example>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n\
From: admin@bank.example\r\n\r\nsmuggled\r\n";
const NEXT: &[u8] = b"QUIT\r\n";

fn message(fake_end: &[u8]) -> Vec<u8> {
    let mut m = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello".to_vec();
    m.extend_from_slice(fake_end);
    m.extend_from_slice(SMUGGLED);
    m.extend_from_slice(b"\r\n.\r\n");
    m.extend_from_slice(NEXT);
    m
}

#[test]
fn fake_end_of_data_never_ends_the_data() {
    for (name, v) in VECTORS {
        let input = message(v);
        for policy in [
            BareLineEndings::Reject,
            BareLineEndings::Allow,
            BareLineEndings::Normalize,
        ] {
            for step in [1, 2, 3, 7, 64, input.len()] {
                let (body, end, rest) = read_data(&input, step, policy);
                assert_eq!(rest, NEXT, "{name} {policy:?} step {step}: ended early");
                let has_bare = v.windows(2).any(|w| (w[1] == b'\n') != (w[0] == b'\r'))
                    || v.first() == Some(&b'\n')
                    || v.last() == Some(&b'\r');
                match policy {
                    BareLineEndings::Reject => {
                        assert_eq!(end.is_acceptable(), !has_bare, "{name} step {step}");
                        if has_bare {
                            assert_eq!(end.error_reply().unwrap().code().get(), 554);
                        }
                    }
                    BareLineEndings::Allow => assert!(end.is_acceptable()),
                    _ => {
                        assert!(end.is_acceptable());
                        // normalised output holds CRLF line endings only
                        assert!(
                            !body.windows(2).any(|w| (w[1] == b'\n') != (w[0] == b'\r')),
                            "{name}"
                        );
                    }
                }
                if policy != BareLineEndings::Reject {
                    // the smuggled text is in the body, as text
                    assert!(body.windows(8).any(|w| w == b"smuggled"), "{name}");
                }
            }
        }
    }
}

#[test]
fn empty_message_and_first_line_dot() {
    // `.\r\n` right after DATA ends an empty message (smtp-proto PR 14, GreenMail 1004).
    let (body, end, rest) = read_data(b".\r\nQUIT\r\n", 1, BareLineEndings::Reject);
    assert!(body.is_empty() && end.is_acceptable());
    assert_eq!(rest, b"QUIT\r\n");
    // The first line is unstuffed too.
    let (body, _, _) = read_data(b"..hello\r\n.\r\n", 1, BareLineEndings::Reject);
    assert_eq!(body, b".hello\r\n");
}

#[test]
fn bare_lf_commands_refused() {
    // `NOOP\nQUIT\n` must not be two commands (the probe result of a peer).
    let mut r = LineReader::default();
    let mut buf = BytesMut::from(&b"NOOP\nQUIT\n"[..]);
    assert!(r.read_line(&mut buf).is_err());
    assert!(r.read_line(&mut buf).is_err());
    assert!(buf.is_empty());
}

#[test]
fn client_stuffing_defuses_fake_ends() {
    // A client relaying a body that holds a fake end must not let it through either.
    for (name, v) in VECTORS {
        let mut body = b"hello".to_vec();
        body.extend_from_slice(v);
        body.extend_from_slice(SMUGGLED);
        let mut out = BytesMut::new();
        let mut s = DotStuffer::new();
        s.stuff(&body, &mut out);
        s.finish(&mut out);
        out.extend_from_slice(NEXT);
        let (read_back, end, rest) = read_data(&out, 5, BareLineEndings::Reject);
        assert!(end.is_acceptable(), "{name}: stuffer sent bare CR/LF");
        assert_eq!(rest, NEXT, "{name}");
        assert!(read_back.windows(8).any(|w| w == b"smuggled"), "{name}");
    }
}
