//! A client session with a queue of commands, fed arbitrary server bytes in arbitrary chunks:
//! never a panic, and the session ends cleanly on EOF.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use pop3_proto::client::{Client, Config, Event, InitialResponse};
use pop3_proto::types::MessageNumber;

fuzz_target!(|data: &[u8]| {
    let Some((&control, data)) = data.split_first() else {
        return;
    };
    #[allow(clippy::disallowed_methods)]
    let start = Instant::now();
    let mut now = start;
    let mut config = Config::default();
    config.assume_pipelining = control & 1 != 0;
    config.max_content_line = 4096;
    let mut client = Client::new(now, config);
    let one = MessageNumber::new(1).expect("1");
    let _ = client.capa(now);
    match control & 6 {
        0 => {
            let _ = client.login(now, "u", "p");
        }
        2 => {
            let _ = client.auth_plain(now, "u", "p", InitialResponse::Continuation);
        }
        4 => {
            let _ = client.auth_login(now, "u", "p", InitialResponse::Inline);
        }
        _ => {
            let _ = client.auth_xoauth2(now, "u", "t", InitialResponse::Continuation);
        }
    }
    let _ = client.stat(now);
    let _ = client.list(now, None);
    let _ = client.uidl(now, Some(one));
    let _ = client.retr(now, one);
    let _ = client.top(now, one, 3);
    let _ = client.stls(now);
    let _ = client.quit(now);
    let chunk = usize::from(control >> 3) + 1;
    for piece in data.chunks(chunk) {
        client.handle_input(now, piece);
        now += Duration::from_secs(u64::from(piece[0] % 4));
        client.handle_timeout(now);
        while let Some(event) = client.poll_event() {
            if let Event::TlsUpgradeReady { .. } = event {
                let _ = client.handle_tls_established(now);
            }
        }
        while client.poll_transmit().is_some() {}
    }
    client.handle_eof(now);
    assert!(client.is_closed());
});
