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
    let mut server = Server::new(now, config);
    let chunk = usize::from(control >> 1) + 1;
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
