//! The SMTP/LMTP client session fed arbitrary server bytes in arbitrary pieces, with an
//! application calling its methods arbitrarily. Must never panic.
#![no_main]

use std::time::{Duration, Instant};

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use smtp_proto::client::{
    Client, Config, Credentials, Envelope, Event, RecipientPolicy, RequestId,
};
use smtp_proto::types::{Command, ForwardPath, ReversePath};

#[path = "../common/cursor.rs"]
mod cursor;
use cursor::Cursor;

/// An envelope of 1 to 4 recipients with one of the recipient policies.
fn envelope(n: u8) -> Envelope {
    let policy = match (n >> 2) % 3 {
        0 => RecipientPolicy::Accepted,
        1 => RecipientPolicy::RequireAll,
        _ => RecipientPolicy::Confirm,
    };
    Envelope::new(
        ReversePath::Null,
        (0..=n % 4).map(|_| ForwardPath::Postmaster).collect(),
    )
    .with_recipient_policy(policy)
}

fuzz_target!(|data: &[u8]| {
    let mut cur = Cursor(data);
    let flags = cur.byte().unwrap_or(0);
    let mut config = Config::default();
    config.lmtp = flags & 1 != 0;
    config.pipelining = flags & 2 != 0;
    config.chunking = flags & 4 != 0;
    config.max_initial_response_line = 16 + usize::from(flags) * 2;
    let mut now = Instant::now();
    let mut c = Client::new(config, now);
    let mut data_ids: Vec<RequestId> = Vec::new();
    let mut answered: Vec<RequestId> = Vec::new();
    while let Some(op) = cur.byte() {
        match op % 10 {
            0..=3 => {
                let n = usize::from(cur.byte().unwrap_or(0));
                let piece = cur.take(n);
                c.handle_input(now, piece);
            }
            4 => {
                let k = cur.byte().unwrap_or(0);
                let _ = match k % 3 {
                    0 => c.send_message(now, envelope(k), Bytes::from_static(b"a\r\n.b\r\n")),
                    1 => c.send_mail(now, envelope(k)),
                    _ => c.send(now, Command::Noop { string: None }),
                };
            }
            5 => {
                let k = cur.byte().unwrap_or(0);
                let creds = match k % 4 {
                    0 => Credentials::Plain {
                        authzid: None,
                        username: "u".into(),
                        password: "p".into(),
                    },
                    1 => Credentials::Login {
                        username: "u".into(),
                        password: "p".into(),
                    },
                    2 => Credentials::XOAuth2 {
                        username: "u".into(),
                        token: "t".into(),
                    },
                    _ => Credentials::OAuthBearer {
                        username: "u".into(),
                        token: "t".into(),
                    },
                };
                let _ = c.auth(now, creds);
                let _ = c.starttls(now);
            }
            6 => {
                if let Some(&id) = data_ids.last() {
                    let n = usize::from(cur.byte().unwrap_or(0));
                    let piece = cur.take(n).to_vec();
                    let _ = c.send_data(now, id, &piece);
                    if n % 3 == 0 {
                        let _ = c.finish_data(now, id);
                    }
                }
            }
            7 => {
                now += Duration::from_secs(u64::from(cur.byte().unwrap_or(0)) * 10);
                c.handle_timeout(now);
            }
            8 => {
                let k = cur.byte().unwrap_or(0);
                match (k % 3, answered.pop()) {
                    (0, Some(id)) => {
                        let _ = c.proceed(now, id);
                    }
                    (1, Some(id)) => {
                        let _ = c.abort(now, id);
                    }
                    _ => {
                        let _ = c.handle_tls_established(now);
                    }
                }
            }
            _ => match cur.byte().unwrap_or(0) % 3 {
                0 => c.handle_eof(now),
                1 => {
                    let _ = c.quit(now);
                }
                _ => c.close(now),
            },
        }
        while let Some(ev) = c.poll_event() {
            match ev {
                Event::DataRequested { id } => data_ids.push(id),
                Event::RecipientsAnswered { id, .. } => answered.push(id),
                _ => {}
            }
        }
        while c.poll_transmit().is_some() {}
        let _ = (
            c.state(),
            c.capabilities(),
            c.wants_input(),
            c.poll_timeout(),
            c.is_ready(),
        );
    }
});
