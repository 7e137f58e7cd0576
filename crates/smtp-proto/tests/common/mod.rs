//! Shared helpers for the session tests: a virtual clock, an application that answers server
//! events by a policy, and byte shuttling between a client and a server.
#![allow(dead_code, clippy::disallowed_methods)]

use std::time::{Duration, Instant};

use bytes::Bytes;
use smtp_proto::server::{self, Event as SEvent, Server};
use smtp_proto::types::{Reply, ReplyCode};

/// A fixed starting instant; tests add durations to it.
pub fn t0() -> Instant {
    Instant::now()
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Collects everything a server has to send.
pub fn drain_out(s: &mut Server) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(b) = s.poll_transmit() {
        out.extend_from_slice(&b);
    }
    out
}

/// What a scripted application does with each decision.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Recipients (local part prefix) to reject with 550.
    pub reject_rcpt_prefix: Option<String>,
    /// Accepted AUTH PLAIN user/password.
    pub auth_user: Option<(String, String)>,
}

/// A record of what the application saw.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Seen {
    pub events: Vec<String>,
    pub messages: Vec<Vec<u8>>,
    pub current: Vec<u8>,
}

/// Answers every pending event of `s` according to `policy`; returns when no event is left.
pub fn answer_all(s: &mut Server, now: Instant, policy: &Policy, seen: &mut Seen) {
    while let Some(ev) = s.poll_event() {
        seen.events.push(short(&ev));
        match ev {
            SEvent::HelloReceived { id, .. } | SEvent::MailFromReceived { id, .. } => {
                s.accept(now, id).unwrap();
            }
            SEvent::RcptToReceived {
                id, forward_path, ..
            } => {
                let reject = policy
                    .reject_rcpt_prefix
                    .as_deref()
                    .is_some_and(|p| forward_path.to_string().starts_with(&format!("<{p}")));
                if reject {
                    s.reject(
                        now,
                        id,
                        Reply::new(
                            ReplyCode::MAILBOX_UNAVAILABLE,
                            smtp_proto::types::EnhancedStatusCode::new(5, 1, 1),
                            "No such user",
                        ),
                    )
                    .unwrap();
                } else {
                    s.accept(now, id).unwrap();
                }
            }
            SEvent::DataChunk { data, .. } => seen.current.extend_from_slice(&data),
            SEvent::DataEnded {
                id,
                lmtp_recipients,
                ..
            } => {
                seen.messages.push(std::mem::take(&mut seen.current));
                if lmtp_recipients.is_empty() {
                    s.accept(now, id).unwrap();
                } else {
                    for r in lmtp_recipients {
                        s.accept(now, r.id).unwrap();
                    }
                }
            }
            SEvent::DataRejected { .. } => seen.current.clear(),
            SEvent::AuthStep {
                id,
                mechanism,
                response,
            } => match (mechanism.as_str(), response) {
                ("PLAIN", None) => s.auth_challenge(now, id, b"").unwrap(),
                ("PLAIN", Some(r)) => {
                    let ok = match (server::sasl::decode_plain(r.expose()), &policy.auth_user) {
                        (Ok(p), Some((u, pw))) => p.authcid == *u && p.password.expose() == pw.as_bytes(),
                        _ => false,
                    };
                    if ok {
                        s.accept(now, id).unwrap();
                    } else {
                        s.reject(now, id, server::sasl::credentials_invalid()).unwrap();
                    }
                }
                ("LOGIN", None) => s
                    .auth_challenge(now, id, server::sasl::LOGIN_USERNAME_PROMPT)
                    .unwrap(),
                ("LOGIN", Some(r)) => {
                    // First response: user name; second: password.
                    let step = seen.events.iter().filter(|e| e.starts_with("auth")).count();
                    if step % 2 == 0 {
                        s.auth_challenge(now, id, server::sasl::LOGIN_PASSWORD_PROMPT)
                            .unwrap();
                    } else {
                        let ok = policy
                            .auth_user
                            .as_ref()
                            .is_some_and(|(_, pw)| r.expose() == pw.as_bytes());
                        if ok {
                            s.accept(now, id).unwrap();
                        } else {
                            s.reject(now, id, server::sasl::credentials_invalid()).unwrap();
                        }
                    }
                }
                _ => s.reject(now, id, server::sasl::credentials_invalid()).unwrap(),
            },
            SEvent::CommandReceived { id, .. } => s.accept(now, id).unwrap(),
            _ => {}
        }
    }
}

/// A short, stable description of a server event for assertions.
pub fn short(ev: &SEvent) -> String {
    match ev {
        SEvent::HelloReceived { kind, host, .. } => format!("hello {kind:?} {host}"),
        SEvent::MailFromReceived { reverse_path, .. } => format!("mail {reverse_path}"),
        SEvent::RcptToReceived { forward_path, .. } => format!("rcpt {forward_path}"),
        SEvent::DataStarted { .. } => "data-start".into(),
        SEvent::DataChunk { .. } => "chunk".into(),
        SEvent::DataEnded { size, .. } => format!("data-end {size}"),
        SEvent::DataRejected { reason, .. } => format!("data-rejected {reason:?}"),
        SEvent::AuthStep { mechanism, .. } => format!("auth {mechanism}"),
        SEvent::AuthCancelled { .. } => "auth-cancelled".into(),
        SEvent::CommandReceived { command, .. } => format!("command {}", command.verb()),
        SEvent::TransactionReset => "reset".into(),
        SEvent::TlsUpgradeRequested => "tls".into(),
        SEvent::PlaintextDiscarded { len } => format!("discarded {len}"),
        SEvent::Closed { reason } => format!("closed {reason:?}"),
        other => format!("{other:?}"),
    }
}

/// Feeds `input` to the server in one piece, answers everything, returns the output as text.
pub fn feed(s: &mut Server, now: Instant, input: &[u8], policy: &Policy, seen: &mut Seen) -> String {
    s.handle_input(now, input);
    answer_all(s, now, policy, seen);
    String::from_utf8_lossy(&drain_out(s)).into_owned()
}

/// Coalesces consecutive "chunk" events (their number depends on how input was split).
pub fn normalise(events: &[String]) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for e in events {
        if e == "chunk" && v.last().is_some_and(|l| l == "chunk") {
            continue;
        }
        v.push(e.clone());
    }
    v
}

pub fn bytes(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}
