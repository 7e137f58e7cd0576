//! A client session with a queue of commands, fed arbitrary server bytes in arbitrary chunks:
//! never a panic, and the session ends cleanly on EOF.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use pop3_proto::client::{Client, Config, Event, InitialResponse};
use pop3_proto::types::MessageNumber;

/// Turns input bytes into server lines.
fn script(data: &[u8]) -> Vec<u8> {
    const LINES: &[&[u8]] = &[
        b"+OK ready <1.2@host>\r\n",
        b"+OK\r\n",
        b"-ERR [AUTH] no\r\n",
        b"-ERR [IN-USE] x\r\n",
        b"+ \r\n",
        b"+ VXNlcm5hbWU6\r\n",
        b"+OK 2 320\r\n",
        b"1 120\r\n",
        b"2 uid-2\r\n",
        b".\r\n",
        b"..\r\n",
        b".x\r\n",
        b"body line\r\n",
        b"\r\n",
        b"PIPELINING\r\n",
        b"SASL PLAIN XOAUTH2\r\n",
        b"STLS\r\n",
        b"+OK 1 5\r\n",
        b"junk\n",
        b"\r",
    ];
    data.iter()
        .flat_map(|&b| LINES[usize::from(b) % LINES.len()].iter().copied())
        .collect()
}

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
    let mut client = Client::new(config, now);
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
    // With the top bit set, the input picks server lines from a list instead of being sent
    // raw, so the fuzzer reaches the multi-line and SASL paths quickly.
    let scripted;
    let data = if control & 0x80 != 0 {
        scripted = script(data);
        scripted.as_slice()
    } else {
        data
    };
    let chunk = usize::from((control >> 3) & 0x0f) + 1;
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
