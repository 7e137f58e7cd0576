//! The SMTP/LMTP server session fed arbitrary bytes in arbitrary pieces, with an application
//! making arbitrary decisions (including wrong ones). Must never panic; output stays bounded.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use smtp_proto::server::{Config, Event, RequestId, Server};
use smtp_proto::types::{AuthMechanism, Reply, ReplyCode};

#[path = "../common/cursor.rs"]
mod cursor;
use cursor::Cursor;

fuzz_target!(|data: &[u8]| {
    let mut cur = Cursor(data);
    let flags = cur.byte().unwrap_or(0);
    let mut config = Config::default();
    config.lmtp = flags & 1 != 0;
    config.extensions.starttls = flags & 2 != 0;
    if flags & 4 != 0 {
        config.extensions.auth = vec![AuthMechanism::Plain, AuthMechanism::Login];
    }
    config.max_message_size = if flags & 8 != 0 {
        Some(64)
    } else {
        Some(1 << 20)
    };
    config.extensions.enhanced_status_codes = flags & 16 != 0;
    config.max_bad_commands = 1 + u32::from(flags >> 5);
    config.max_command_line = 64 + usize::from(flags) * 4;
    config.max_receive_buffer = 4096;
    config.greet_on_start = flags & 32 == 0;
    let mut now = Instant::now();
    let mut s = Server::new(config, now);
    let mut pending: Vec<RequestId> = Vec::new();
    let mut input_total = 0usize;
    let mut output_total = 0usize;
    let mut decisions = 0usize;
    while let Some(op) = cur.byte() {
        match op % 8 {
            0..=3 => {
                let n = usize::from(cur.byte().unwrap_or(0));
                let piece = cur.take(n);
                input_total += piece.len();
                s.handle_input(now, piece);
            }
            4 => {
                decisions += 1;
                let pick = usize::from(cur.byte().unwrap_or(0));
                let id = if pending.is_empty() || pick == 255 {
                    None
                } else {
                    Some(pending.remove(pick % pending.len()))
                };
                let choice = cur.byte().unwrap_or(0);
                if let Some(id) = id {
                    let _ = match choice % 5 {
                        0 | 1 => s.accept(now, id),
                        2 => s.reject(
                            now,
                            id,
                            Reply::new(ReplyCode::MAILBOX_UNAVAILABLE, None, "no"),
                        ),
                        3 => s.auth_challenge(now, id, b"challenge"),
                        _ => s.reply(now, id, Reply::new(ReplyCode::OK, None, "fine")),
                    };
                }
                if choice == 200 {
                    let _ = s.greet(now, None);
                }
            }
            5 => {
                now += Duration::from_secs(u64::from(cur.byte().unwrap_or(0)) * 10);
                s.handle_timeout(now);
            }
            6 => {
                let _ = s.handle_tls_established(now);
            }
            _ => {
                if cur.byte().unwrap_or(0) == 0 {
                    s.handle_eof(now);
                }
            }
        }
        while let Some(ev) = s.poll_event() {
            match ev {
                Event::HelloReceived { id, .. }
                | Event::MailFromReceived { id, .. }
                | Event::RcptToReceived { id, .. }
                | Event::AuthStep { id, .. }
                | Event::CommandReceived { id, .. } => pending.push(id),
                Event::DataEnded {
                    id,
                    lmtp_recipients,
                    ..
                } => {
                    pending.push(id);
                    pending.extend(lmtp_recipients.iter().map(|r| r.id));
                }
                _ => {}
            }
        }
        while let Some(b) = s.poll_transmit() {
            output_total += b.len();
        }
        // Every reply is small and answers a line, a decision, or a lifecycle step.
        assert!(
            output_total <= 2048 * (input_total + decisions + 4),
            "output not bounded"
        );
        let _ = (
            s.state(),
            s.capabilities(),
            s.wants_input(),
            s.poll_timeout(),
        );
    }
});
