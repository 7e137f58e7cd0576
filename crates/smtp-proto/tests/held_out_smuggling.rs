//! Held-out SMTP smuggling acceptance cases: the fake end-of-data sequences published by
//!
//! - The-Login/SMTP-Smuggling-Tools, `smtp_smuggling_scanner.py` (SEC Consult's scanner; MIT
//!   licence, "Copyright (c) 2024 Login"): its `eod_sequences` and later
//!   `inbound_eod_sequences` / `outbound_eod_sequences` lists;
//! - hannob/smtpsmug, `smtpsmug` (Hanno Böck): its `tests` table (no licence is stated in the
//!   repository's files);
//! - suuhm/smtp_smuggling_checker.py, `smtp_smuggler_poc.py` and `README.md`: its "payload
//!   strings" list and default escape (the script states "All rights reserved - (c) 2024 -
//!   suuhm"; no licence file).
//!
//! Only the byte sequences (inputs) and the expected behaviour were taken; no code. Of the 16
//! distinct sequences across the three sources, 12 are already exercised by
//! `tests/wire_smuggling.rs` (`VECTORS`) and `tests/session_server.rs`; this file covers the
//! other four:
//!
//! | sequence | from |
//! |---|---|
//! | `\r\n.\x00\r\n` | The-Login (first list), suuhm #5 |
//! | `\r\r\n.\r\r\n` | The-Login (outbound list) |
//! | `\r\n\x00.\n` | suuhm #3 |
//! | `\r\n.` | suuhm #6 (followed directly by the smuggled `mail From:`) |
//!
//! Each is placed right after the body text (as hannob and suuhm send it) and, for the first
//! three, also between two CRLF lines (as The-Login's scanner sends it; `\r\n.` there would be
//! a real end of data). After it comes a smuggled `MAIL FROM:<evil@x>` / `RCPT TO:<v@y>` /
//! `DATA` transaction, then the real `CRLF.CRLF`, then `NOOP`. For every [`BareLineEndings`]
//! policy: the data ends only at the real `CRLF.CRLF`; the server session never parses a
//! smuggled command (input fed whole and byte by byte); and the policy's documented outcome
//! holds: `Reject` refuses (554 5.6.0) exactly the bodies with a bare CR/LF and keeps nothing
//! past the first one, `Allow` keeps them unchanged, `Normalize` turns them into CRLF without
//! letting a converted line ending start a line (for dot-unstuffing).
#![allow(clippy::disallowed_methods, clippy::unwrap_used)]

mod common;

use common::{Policy, Seen, drain_out, feed, normalise, read_data, t0};
use smtp_proto::framing::BareLineEndings;
use smtp_proto::server::{Config, Server, State};

/// Every variant of the policy enum.
const POLICIES: [BareLineEndings; 3] = [
    BareLineEndings::Reject,
    BareLineEndings::Allow,
    BareLineEndings::Normalize,
];

/// The legitimate start of the body, before the fake end.
const HEAD: &[u8] = b"From: a@example.com\r\nSubject: hi\r\n\r\nhello";
/// The second transaction an attacker hopes a lenient server will see.
const SMUGGLED: &[u8] = b"MAIL FROM:<evil@x>\r\nRCPT TO:<v@y>\r\nDATA\r\n\
From: evil@x\r\nSubject: smuggled\r\n\r\nsmuggled body";
/// The real end of data.
const REAL_END: &[u8] = b"\r\n.\r\n";
/// What the client sends after the real end: must be read as a command.
const NEXT: &[u8] = b"NOOP\r\n";

/// One case: the bytes between `HEAD` and `SMUGGLED`, and the body (between them) the reader
/// must hand out under `Allow` and under `Normalize`.
struct Case {
    name: &'static str,
    mid: &'static [u8],
    /// True when `mid` holds a bare CR or a bare LF (so `Reject` refuses the message).
    bare_cr: bool,
    bare_lf: bool,
    /// Body bytes for `mid` under `Allow` (dot-unstuffed only after a real CRLF).
    kept: &'static [u8],
    /// Body bytes for `mid` under `Normalize`.
    normalized: &'static [u8],
}

const CASES: &[Case] = &[
    // --- right after the text (hannob, suuhm) ---
    Case {
        name: "crlf_dot_nul_crlf",
        mid: b"\r\n.\x00\r\n",
        bare_cr: false,
        bare_lf: false,
        // a line `.\x00`: a stuffed dot, removed
        kept: b"\r\n\x00\r\n",
        normalized: b"\r\n\x00\r\n",
    },
    Case {
        name: "cr_crlf_dot_cr_crlf",
        mid: b"\r\r\n.\r\r\n",
        bare_cr: true,
        bare_lf: false,
        // the dot follows a real CRLF and is followed by CR CR: stuffed, removed
        kept: b"\r\r\n\r\r\n",
        normalized: b"\r\n\r\n\r\n\r\n",
    },
    Case {
        name: "crlf_nul_dot_lf",
        mid: b"\r\n\x00.\n",
        bare_cr: false,
        bare_lf: true,
        kept: b"\r\n\x00.\n",
        normalized: b"\r\n\x00.\r\n",
    },
    Case {
        name: "crlf_dot",
        mid: b"\r\n.",
        bare_cr: false,
        bare_lf: false,
        // `.MAIL FROM:...` is a stuffed line: the smuggled command becomes body text
        kept: b"\r\n",
        normalized: b"\r\n",
    },
    // --- between two CRLF lines (The-Login) ---
    Case {
        name: "lines_crlf_dot_nul_crlf",
        mid: b"\r\n\r\n.\x00\r\n\r\n",
        bare_cr: false,
        bare_lf: false,
        kept: b"\r\n\r\n\x00\r\n\r\n",
        normalized: b"\r\n\r\n\x00\r\n\r\n",
    },
    Case {
        name: "lines_cr_crlf_dot_cr_crlf",
        mid: b"\r\n\r\r\n.\r\r\n\r\n",
        bare_cr: true,
        bare_lf: false,
        kept: b"\r\n\r\r\n\r\r\n\r\n",
        normalized: b"\r\n\r\n\r\n\r\n\r\n\r\n",
    },
    Case {
        name: "lines_crlf_nul_dot_lf",
        mid: b"\r\n\r\n\x00.\n\r\n",
        bare_cr: false,
        bare_lf: true,
        kept: b"\r\n\r\n\x00.\n\r\n",
        normalized: b"\r\n\r\n\x00.\r\n\r\n",
    },
];

impl Case {
    /// The DATA content as sent, followed by the next command.
    fn wire(&self) -> Vec<u8> {
        [HEAD, self.mid, SMUGGLED, REAL_END, NEXT].concat()
    }

    fn has_bare(&self) -> bool {
        self.bare_cr || self.bare_lf
    }

    /// The whole body the reader must hand out under `policy` (for `Reject`, the body it would
    /// have handed out had it kept everything, i.e. the `Allow` one).
    fn body(&self, policy: BareLineEndings) -> Vec<u8> {
        let mid = if policy == BareLineEndings::Normalize {
            self.normalized
        } else {
            self.kept
        };
        // the CRLF of the real end belongs to the body
        [HEAD, mid, SMUGGLED, b"\r\n"].concat()
    }
}

fn has_bare(bytes: &[u8]) -> bool {
    bytes.first() == Some(&b'\n')
        || bytes.last() == Some(&b'\r')
        || bytes.windows(2).any(|w| (w[0] == b'\r') != (w[1] == b'\n'))
}

/// The index of the first bare CR or bare LF.
fn first_bare(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len()).find(|&i| match bytes[i] {
        b'\r' => bytes.get(i + 1) != Some(&b'\n'),
        b'\n' => i == 0 || bytes[i - 1] != b'\r',
        _ => false,
    })
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn reader_ends_only_at_the_real_end_with_the_documented_outcome() {
    for case in CASES {
        let input = case.wire();
        // the table is consistent with itself
        assert_eq!(has_bare(case.kept), case.has_bare(), "{}", case.name);
        assert_eq!(has_bare(case.mid), case.has_bare(), "{}", case.name);
        assert!(!has_bare(case.normalized), "{}", case.name);
        for policy in POLICIES {
            for step in [1, 2, 3, 5, 7, 64, input.len()] {
                let ctx = format!("{} {policy:?} step {step}", case.name);
                let (body, end, rest) = read_data(&input, step, policy);
                // (a) only the real CRLF.CRLF ends the data
                assert_eq!(rest, NEXT, "{ctx}: ended early or late");
                assert_eq!(end.bare_cr, case.bare_cr, "{ctx}: bare CR flag");
                assert_eq!(end.bare_lf, case.bare_lf, "{ctx}: bare LF flag");
                assert!(!end.too_large, "{ctx}");
                let expected = case.body(policy);
                assert_eq!(end.size, expected.len() as u64, "{ctx}: size");
                // (c) the policy's outcome
                match policy {
                    BareLineEndings::Reject if case.has_bare() => {
                        // refused, and nothing kept past the first bare CR/LF
                        assert!(end.bare_rejected && !end.is_acceptable(), "{ctx}");
                        let reply = end.error_reply().unwrap();
                        assert_eq!(reply.code().get(), 554, "{ctx}");
                        assert!(expected.starts_with(&body), "{ctx}: {body:?}");
                        assert!(body.len() < expected.len(), "{ctx}: kept everything");
                        assert!(!contains(&body, b"evil"), "{ctx}: kept the smuggled part");
                        // at most the offending byte itself (a CR is only known to be bare
                        // once the next byte is seen)
                        let first = first_bare(&expected).unwrap();
                        assert!(body.len() <= first + 1, "{ctx}: {body:?}");
                    }
                    BareLineEndings::Normalize => {
                        assert!(end.is_acceptable() && end.error_reply().is_none(), "{ctx}");
                        assert!(!has_bare(&body), "{ctx}: bare CR/LF left: {body:?}");
                        assert_eq!(body, expected, "{ctx}");
                    }
                    _ => {
                        // Allow, or Reject on a body without bare CR/LF: kept as sent
                        assert!(end.is_acceptable() && end.error_reply().is_none(), "{ctx}");
                        assert!(!end.bare_rejected, "{ctx}");
                        assert_eq!(body, expected, "{ctx}");
                    }
                }
                if !(policy == BareLineEndings::Reject && case.has_bare()) {
                    // the smuggled transaction is content, as text
                    assert!(contains(&body, b"MAIL FROM:<evil@x>\r\n"), "{ctx}");
                }
            }
        }
    }
}

/// The session's reply to the message under `policy`.
fn final_reply(case: &Case, policy: BareLineEndings) -> &'static str {
    if policy == BareLineEndings::Reject && case.has_bare() {
        "554 5.6.0 Bare CR or LF in message content, use CRLF\r\n"
    } else {
        "250 2.0.0 Message accepted\r\n"
    }
}

const ENVELOPE: &[u8] = b"MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n";

/// A server with `policy`, greeted and past EHLO.
fn server(policy: BareLineEndings) -> (Server, std::time::Instant) {
    let now = t0();
    let mut c = Config::default();
    c.bare_line_endings = policy;
    let mut s = Server::new(c, now);
    drain_out(&mut s);
    let out = feed(
        &mut s,
        now,
        b"EHLO c.example\r\n",
        &Policy::default(),
        &mut Seen::default(),
    );
    assert!(out.starts_with("250-"), "{out}");
    (s, now)
}

/// Checks what the session did with `case` under `policy`.
fn check_session(case: &Case, policy: BareLineEndings, out: &str, seen: &Seen, how: &str) {
    let ctx = format!("{} {policy:?} {how}", case.name);
    let expected_out = format!(
        "250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n\
         354 Start mail input; end with <CRLF>.<CRLF>\r\n{}250 2.0.0 OK\r\n",
        final_reply(case, policy)
    );
    assert_eq!(out, expected_out, "{ctx}");
    let events = normalise(&seen.events);
    // (b) no smuggled command reached the application (nor any other command)
    assert!(
        !events
            .iter()
            .any(|e| e.contains("evil") || e.contains("v@y")),
        "{ctx}: {events:?}"
    );
    assert_eq!(
        events.iter().filter(|e| e.starts_with("mail ")).count(),
        1,
        "{ctx}: {events:?}"
    );
    assert_eq!(
        events.iter().filter(|e| e.starts_with("rcpt ")).count(),
        1,
        "{ctx}: {events:?}"
    );
    assert_eq!(
        events.iter().filter(|e| *e == "data-start").count(),
        1,
        "{ctx}: {events:?}"
    );
    if policy == BareLineEndings::Reject && case.has_bare() {
        assert!(
            events.iter().any(|e| e == "data-rejected BareLineEnding"),
            "{ctx}: {events:?}"
        );
        assert!(
            !events.iter().any(|e| e.starts_with("data-end")),
            "{ctx}: {events:?}"
        );
        assert!(seen.messages.is_empty(), "{ctx}");
    } else {
        let body = case.body(policy);
        assert!(
            events.contains(&format!("data-end {}", body.len())),
            "{ctx}: {events:?}"
        );
        assert_eq!(seen.messages, vec![body], "{ctx}");
    }
}

#[test]
fn session_never_parses_smuggled_commands_fed_whole() {
    for case in CASES {
        for policy in POLICIES {
            let (mut s, now) = server(policy);
            let mut seen = Seen::default();
            let input = [ENVELOPE, &case.wire()].concat();
            let out = feed(&mut s, now, &input, &Policy::default(), &mut seen);
            check_session(case, policy, &out, &seen, "whole");
            assert_eq!(s.state(), State::Ready, "{} {policy:?}", case.name);
        }
    }
}

#[test]
fn session_never_parses_smuggled_commands_fed_byte_by_byte() {
    for case in CASES {
        for policy in POLICIES {
            let ctx = format!("{} {policy:?} byte by byte", case.name);
            let (mut s, now) = server(policy);
            let mut seen = Seen::default();
            let mut out = String::new();
            for &b in ENVELOPE {
                out += &feed(&mut s, now, &[b], &Policy::default(), &mut seen);
            }
            assert_eq!(s.state(), State::ReceivingData, "{ctx}");
            let wire = case.wire();
            // the last byte of the real end
            let end_at = wire.len() - NEXT.len() - 1;
            for (i, &b) in wire.iter().enumerate() {
                out += &feed(&mut s, now, &[b], &Policy::default(), &mut seen);
                if i < end_at {
                    // (a) nothing before the real end ends the data
                    assert_eq!(s.state(), State::ReceivingData, "{ctx}: ended at {i}");
                } else if i == end_at {
                    assert_ne!(s.state(), State::ReceivingData, "{ctx}: did not end");
                }
            }
            check_session(case, policy, &out, &seen, "byte by byte");
            assert_eq!(s.state(), State::Ready, "{ctx}");
        }
    }
}
