//! A server session fed arbitrary bytes in arbitrary chunks, with an application that accepts
//! any login and serves a small maildrop: never a panic, bounded buffers, deletes only ever
//! requested once and only after a QUIT.
#![no_main]

use std::time::{Duration, Instant};

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use pop3_proto::server::{Config, Event, MaildropEntry, Server};
use pop3_proto::types::{Mechanism, UniqueId};

const BODY: &[u8] = b"From: a\r\n\r\n.\r\n..x\r\nline\r\n";

/// Turns pairs of input bytes into command lines (a pick and a number).
fn script(data: &[u8]) -> Vec<u8> {
    const COMMANDS: &[&str] = &[
        "USER u",
        "PASS p",
        "APOP u 0123456789abcdef0123456789abcdef",
        "STAT",
        "LIST",
        "LIST #",
        "UIDL",
        "UIDL #",
        "RETR #",
        "TOP # #",
        "DELE #",
        "NOOP",
        "RSET",
        "QUIT",
        "CAPA",
        "STLS",
        "AUTH",
        "AUTH PLAIN",
        "AUTH PLAIN AHUAcA==",
        "AUTH LOGIN",
        "dQ==",
        "cA==",
        "*",
        "AUTH XOAUTH2 dXNlcj11AWF1dGg9QmVhcmVyIHQBAQ==",
        "UTF8",
        "LANG",
        "LANG *",
        "BOGUS",
    ];
    let mut out = Vec::new();
    for pair in data.chunks(2) {
        let command = COMMANDS[usize::from(pair[0]) % COMMANDS.len()];
        let n = pair.get(1).map_or(1, |&b| b % 5);
        out.extend_from_slice(command.replace('#', &n.to_string()).as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, data)) = data.split_first() else {
        return;
    };
    #[allow(clippy::disallowed_methods)]
    let start = Instant::now();
    let mut now = start;
    let mut config = Config::default();
    config.stls = control & 1 != 0;
    config.sasl_mechanisms = vec![Mechanism::plain(), Mechanism::login(), Mechanism::xoauth2()];
    config.apop_timestamp = Some("<1.2@fuzz>".into());
    config.max_receive_buffer = 1024;
    let mut server = Server::new(config, now);
    // With the top bit set, the input picks commands from a list instead of being sent raw,
    // so the fuzzer reaches the TRANSACTION state and the body paths quickly.
    let scripted;
    let data = if control & 0x80 != 0 {
        scripted = script(data);
        scripted.as_slice()
    } else {
        data
    };
    let chunk = usize::from((control >> 1) & 0x3f) + 1;
    let mut updates = 0;
    for piece in data.chunks(chunk) {
        server.handle_input(now, piece);
        now += Duration::from_secs(u64::from(piece[0] % 8));
        server.handle_timeout(now);
        while let Some(event) = server.poll_event() {
            match event {
                Event::AuthRequested { id, .. } => {
                    let maildrop = (1..=3)
                        .map(|k| MaildropEntry {
                            key: k,
                            octets: BODY.len() as u64,
                            uid: UniqueId::new(format!("u{k}")).expect("uid"),
                            needs_utf8: k == 2,
                        })
                        .collect();
                    let _ = server.accept_auth(now, id, maildrop);
                }
                Event::BodyRequested { id, .. } => {
                    let _ = server.body_chunk(now, id, Bytes::from_static(BODY));
                    let _ = server.body_end(now, id);
                }
                Event::UpdateRequested { id, .. } => {
                    updates += 1;
                    let _ = server.update_done(now, id);
                }
                Event::TlsUpgradeRequested => {
                    let _ = server.handle_tls_established(now);
                }
                _ => {}
            }
        }
        while server.poll_transmit().is_some() {}
    }
    server.handle_eof(now);
    assert!(updates <= 1);
    assert!(server.is_closed());
});
