//! Refused recipients and aborted transactions (RFC 5321 §3.3, §4.1.1.5, Appendix D.2;
//! RFC 2920 §3.1): the client never sends content nobody accepted, resets the server's
//! transaction, lets the application decide, and keeps the session usable.
#![allow(clippy::disallowed_methods, clippy::unwrap_used)]

mod common;

use bytes::Bytes;
use common::*;
use smtp_proto::client::{
    self, ApiMisuse, Client, Envelope, Event as CEvent, RecipientPolicy, TransactionEnd,
    TransactionOutcome,
};
use smtp_proto::server;

fn message() -> Bytes {
    Bytes::from_static(b"Subject: hi\r\n\r\nbody\r\n")
}

fn pair(pipelining: bool, chunking: bool) -> Pair {
    let mut sc = server::Config::default();
    sc.extensions.pipelining = pipelining;
    let mut cc = client::Config::default();
    cc.chunking = chunking;
    let mut p = Pair::new(cc, sc);
    p.policy.reject_rcpt_prefix = Some("bad".into());
    p.run();
    assert!(p.client.is_ready(), "{:?}", p.client_events);
    p
}

fn envelope(rcpts: &[&str]) -> Envelope {
    Envelope::new(sender("a@b.c"), rcpts.iter().map(|r| rcpt(r)).collect())
}

/// The client's bytes since `from`, as text.
fn sent_since(p: &Pair, from: usize) -> String {
    String::from_utf8_lossy(&p.c2s[from..]).into_owned()
}

/// Sends one good message on the same session and checks it arrives.
fn next_transaction_succeeds(p: &mut Pair) {
    let before = p.seen.messages.len();
    p.client
        .send_message(p.now, envelope(&["ok@e.f"]), message())
        .unwrap();
    p.run();
    let o = p.outcomes().pop().unwrap();
    assert_eq!(o.end, TransactionEnd::Sent);
    assert!(o.all_delivered(), "{o:?}");
    assert_eq!(p.seen.messages.len(), before + 1);
    assert_eq!(p.seen.messages.last().unwrap(), &message().to_vec());
}

/// Sends `message()` to `env` on a ready pair and runs to the end: what the client sent for
/// it, and the outcome.
fn transact(p: &mut Pair, env: Envelope) -> (String, TransactionOutcome) {
    let from = p.c2s.len();
    p.client.send_message(p.now, env, message()).unwrap();
    p.run();
    (sent_since(p, from), p.outcomes().pop().unwrap())
}

fn codes(o: &TransactionOutcome) -> Vec<Option<u16>> {
    o.recipients
        .iter()
        .map(|r| r.rcpt.as_ref().map(|r| r.code().get()))
        .collect()
}

#[test]
fn all_refused_without_pipelining_sends_no_data_and_resets() {
    let mut p = pair(false, false);
    let (sent, o) = transact(&mut p, envelope(&["bad1@e.f", "bad2@e.f"]));
    assert_eq!(
        sent,
        "MAIL FROM:<a@b.c> SIZE=21\r\nRCPT TO:<bad1@e.f>\r\nRCPT TO:<bad2@e.f>\r\nRSET\r\n"
    );
    assert_eq!(o.end, TransactionEnd::Refused);
    assert_eq!(codes(&o), vec![Some(550), Some(550)]);
    assert!(o.data_start.is_none());
    assert_eq!(o.rset.as_ref().unwrap().code().get(), 250);
    assert!(!p.seen.events.iter().any(|e| e == "data-start"));
    next_transaction_succeeds(&mut p);
}

#[test]
fn all_refused_with_pipelined_data_answered_554() {
    let mut p = pair(true, false);
    let (sent, o) = transact(&mut p, envelope(&["bad1@e.f", "bad2@e.f"]));
    // DATA went with the group, its 554 stopped the content, RSET cleaned up.
    assert_eq!(
        sent,
        "MAIL FROM:<a@b.c> SIZE=21\r\nRCPT TO:<bad1@e.f>\r\nRCPT TO:<bad2@e.f>\r\nDATA\r\n\
         RSET\r\n"
    );
    assert_eq!(o.end, TransactionEnd::Refused);
    let data = o.data_start.as_ref().unwrap();
    assert_eq!(data.code().get(), 554);
    assert_eq!(data.enhanced().unwrap().to_string(), "5.5.1");
    assert!(o.recipients.iter().all(|r| r.data.is_none()));
    assert!(p.seen.messages.is_empty());
    next_transaction_succeeds(&mut p);
}

/// A scripted server that answers a pipelined DATA with 503 (RFC 5321 §3.3 allows 503 or
/// 554), or, wrongly, with 354 although no recipient was accepted (RFC 2920 §3.1).
fn scripted_all_refused(data_reply: &str) -> (Client, std::time::Instant, String) {
    let now = t0();
    let mut c = Client::new(client::Config::default(), now);
    c.handle_input(now, b"220 mx\r\n250-mx\r\n250 PIPELINING\r\n");
    while c.poll_event().is_some() {}
    c.send_message(now, envelope(&["x@e.f", "y@e.f"]), message())
        .unwrap();
    let _ = c.poll_transmit();
    c.handle_input(
        now,
        format!("250 ok\r\n550 5.1.1 no\r\n550 5.1.1 no\r\n{data_reply}\r\n").as_bytes(),
    );
    let mut out = String::new();
    while let Some(b) = c.poll_transmit() {
        out.push_str(std::str::from_utf8(&b).unwrap());
    }
    (c, now, out)
}

fn completed(c: &mut Client) -> TransactionOutcome {
    let events: Vec<_> = std::iter::from_fn(|| c.poll_event()).collect();
    match events.as_slice() {
        [CEvent::TransactionCompleted { outcome, .. }] => outcome.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn all_refused_with_pipelined_data_answered_503() {
    let (mut c, now, out) = scripted_all_refused("503 5.5.1 no valid recipients");
    assert_eq!(out, "RSET\r\n");
    assert!(c.poll_event().is_none(), "completes on the RSET reply");
    c.handle_input(now, b"250 2.0.0 flushed\r\n");
    let o = completed(&mut c);
    assert_eq!(o.end, TransactionEnd::Refused);
    assert_eq!(o.data_start.unwrap().code().get(), 503);
    assert_eq!(o.rset.unwrap().code().get(), 250);
    assert!(c.is_ready());
    // The session is usable: the next transaction starts with MAIL.
    c.send_message(now, envelope(&["z@e.f"]), message())
        .unwrap();
    let next = c.poll_transmit().unwrap();
    assert!(next.starts_with(b"MAIL FROM:<a@b.c>"));
}

#[test]
fn all_refused_but_data_answered_354_sends_an_empty_message_then_resets() {
    let (mut c, now, out) = scripted_all_refused("354 go ahead");
    // Not one byte of the message: the content is ended at once.
    assert_eq!(out, ".\r\n");
    c.handle_input(now, b"554 5.5.1 no valid recipients\r\n");
    assert_eq!(c.poll_transmit().unwrap(), "RSET\r\n");
    c.handle_input(now, b"250 ok\r\n");
    let o = completed(&mut c);
    assert_eq!(o.end, TransactionEnd::Refused);
    assert!(o.recipients.iter().all(|r| r.data.is_none()));
    assert!(c.is_ready());
}

#[test]
fn require_all_with_pipelining_aborts_on_a_partial_refusal() {
    let mut p = pair(true, false);
    let from = p.c2s.len();
    let env = envelope(&["ok1@e.f", "bad@e.f", "ok2@e.f"])
        .with_recipient_policy(RecipientPolicy::RequireAll);
    p.client.send_message(p.now, env, message()).unwrap();
    // The group holds MAIL and the RCPTs, not DATA.
    let first = p.client.poll_transmit().unwrap();
    assert_eq!(
        first,
        "MAIL FROM:<a@b.c> SIZE=21\r\nRCPT TO:<ok1@e.f>\r\nRCPT TO:<bad@e.f>\r\nRCPT TO:<ok2@e.f>\r\n"
    );
    p.c2s.extend_from_slice(&first);
    p.server.handle_input(p.now, &first);
    p.run();
    assert_eq!(
        sent_since(&p, from + first.len()),
        "RSET\r\n",
        "RSET instead of DATA"
    );
    let o = p.outcomes().pop().unwrap();
    assert_eq!(o.end, TransactionEnd::Aborted);
    assert_eq!(codes(&o), vec![Some(250), Some(550), Some(250)]);
    assert!(o.recipients.iter().all(|r| !r.is_delivered()));
    assert!(o.data_start.is_none());
    assert_eq!(o.rset.unwrap().code().get(), 250);
    assert!(p.seen.messages.is_empty());
    assert!(!p.seen.events.iter().any(|e| e == "data-start"));
    next_transaction_succeeds(&mut p);
}

#[test]
fn require_all_without_pipelining_asks_every_recipient_then_aborts() {
    let mut p = pair(false, false);
    let env = envelope(&["bad@e.f", "ok@e.f"]).with_recipient_policy(RecipientPolicy::RequireAll);
    let (sent, o) = transact(&mut p, env);
    assert_eq!(
        sent,
        "MAIL FROM:<a@b.c> SIZE=21\r\nRCPT TO:<bad@e.f>\r\nRCPT TO:<ok@e.f>\r\nRSET\r\n"
    );
    assert_eq!(o.end, TransactionEnd::Aborted);
    assert_eq!(codes(&o), vec![Some(550), Some(250)]);
    next_transaction_succeeds(&mut p);
}

#[test]
fn require_all_with_every_recipient_accepted_sends_the_message() {
    let mut p = pair(true, false);
    let env = envelope(&["ok1@e.f", "ok2@e.f"]).with_recipient_policy(RecipientPolicy::RequireAll);
    let (_, o) = transact(&mut p, env);
    assert_eq!(o.end, TransactionEnd::Sent);
    assert!(o.all_delivered());
    assert!(o.rset.is_none());
    assert_eq!(p.seen.messages, vec![message().to_vec()]);
}

#[test]
fn default_policy_sends_to_the_accepted_recipients_only() {
    let mut p = pair(true, false);
    let (_, o) = transact(&mut p, envelope(&["ok1@e.f", "bad@e.f", "ok2@e.f"]));
    assert_eq!(o.end, TransactionEnd::Sent);
    assert_eq!(codes(&o), vec![Some(250), Some(550), Some(250)]);
    let delivered: Vec<bool> = o.recipients.iter().map(|r| r.is_delivered()).collect();
    assert_eq!(delivered, vec![true, false, true]);
    assert!(o.recipients[1].data.is_none());
    assert_eq!(o.recipients[1].final_reply().unwrap().code().get(), 550);
    assert_eq!(o.recipients[0].data.as_ref().unwrap().code().get(), 250);
    assert!(o.rset.is_none());
    assert_eq!(p.seen.messages, vec![message().to_vec()]);
}

/// Runs a Confirm transaction up to its RecipientsAnswered event.
fn confirm_until_decision(p: &mut Pair, streamed: bool) -> (client::RequestId, TransactionOutcome) {
    let env = envelope(&["ok@e.f", "bad@e.f"]).with_recipient_policy(RecipientPolicy::Confirm);
    let id = if streamed {
        p.client.send_mail(p.now, env).unwrap()
    } else {
        p.client.send_message(p.now, env, message()).unwrap()
    };
    assert_eq!(
        p.client.proceed(p.now, id),
        Err(ApiMisuse::WrongState(
            "the transaction is not waiting for RecipientsAnswered"
        ))
    );
    p.run();
    let Some(CEvent::RecipientsAnswered { id: got, outcome }) = p.client_events.last().cloned()
    else {
        panic!("{:?}", p.client_events)
    };
    assert_eq!(got, id);
    // Nothing is sent while the application decides, and no reply is awaited.
    assert!(p.client.poll_transmit().is_none());
    assert!(p.client.poll_timeout().is_none());
    assert_eq!(p.client.state(), client::State::Transaction);
    (id, outcome)
}

#[test]
fn confirm_then_proceed_sends_to_the_accepted_ones() {
    let mut p = pair(true, false);
    let other = p
        .client
        .send(p.now, smtp_proto::types::Command::Noop { string: None })
        .unwrap();
    p.run();
    let (id, so_far) = confirm_until_decision(&mut p, true);
    assert_eq!(codes(&so_far), vec![Some(250), Some(550)]);
    assert_eq!(so_far.end, TransactionEnd::Interrupted, "not decided yet");
    assert!(matches!(
        p.client.send_data(p.now, id, b"x"),
        Err(ApiMisuse::WrongState(_))
    ));
    assert_eq!(
        p.client.abort(p.now, other),
        Err(ApiMisuse::UnknownRequest(other))
    );
    let from = p.c2s.len();
    p.client.proceed(p.now, id).unwrap();
    p.run();
    assert!(sent_since(&p, from).starts_with("DATA\r\n"));
    assert!(matches!(
        p.client_events.last(),
        Some(CEvent::DataRequested { id: i }) if *i == id
    ));
    p.client.send_data(p.now, id, &message()).unwrap();
    p.client.finish_data(p.now, id).unwrap();
    p.run();
    let o = p.outcomes().pop().unwrap();
    assert_eq!(o.end, TransactionEnd::Sent);
    assert!(o.recipients[0].is_delivered() && !o.recipients[1].is_delivered());
    assert_eq!(p.seen.messages, vec![message().to_vec()]);
}

#[test]
fn confirm_then_abort_resets_and_the_session_goes_on() {
    let mut p = pair(true, false);
    let (id, _) = confirm_until_decision(&mut p, false);
    let from = p.c2s.len();
    p.client.abort(p.now, id).unwrap();
    assert!(matches!(
        p.client.abort(p.now, id),
        Err(ApiMisuse::WrongState(_))
    ));
    p.run();
    assert_eq!(sent_since(&p, from), "RSET\r\n");
    let o = p.outcomes().pop().unwrap();
    assert_eq!(o.end, TransactionEnd::Aborted);
    assert_eq!(o.rset.unwrap().code().get(), 250);
    assert!(p.seen.messages.is_empty());
    next_transaction_succeeds(&mut p);
}

#[test]
fn bdat_content_can_be_aborted_before_the_last_chunk() {
    let mut p = pair(true, true);
    assert!(p.client.capabilities().unwrap().chunking());
    let id = p.client.send_mail(p.now, envelope(&["ok@e.f"])).unwrap();
    p.run();
    assert!(matches!(
        p.client_events.last(),
        Some(CEvent::DataRequested { .. })
    ));
    p.client.send_data(p.now, id, b"Subject: x\r\n").unwrap();
    let from = p.c2s.len();
    p.client.abort(p.now, id).unwrap();
    assert!(matches!(
        p.client.finish_data(p.now, id),
        Err(ApiMisuse::WrongState(_))
    ));
    p.run();
    assert_eq!(sent_since(&p, from), "BDAT 12\r\nSubject: x\r\nRSET\r\n");
    let o = p.outcomes().pop().unwrap();
    assert_eq!(o.end, TransactionEnd::Aborted);
    assert!(!o.recipients[0].is_delivered());
    assert!(p.seen.messages.is_empty());
    // The chunk was dropped with the transaction: the next message is exactly itself.
    next_transaction_succeeds(&mut p);
}

#[test]
fn data_content_cannot_be_aborted_after_354() {
    let mut p = pair(true, false);
    let id = p.client.send_mail(p.now, envelope(&["ok@e.f"])).unwrap();
    p.run();
    assert!(matches!(
        p.client_events.last(),
        Some(CEvent::DataRequested { .. })
    ));
    assert!(matches!(
        p.client.abort(p.now, id),
        Err(ApiMisuse::WrongState(_))
    ));
}

#[test]
fn reply_421_to_a_rcpt_reports_every_recipient_then_closes() {
    let now = t0();
    let mut c = Client::new(client::Config::default(), now);
    c.handle_input(now, b"220 mx\r\n250 mx\r\n");
    while c.poll_event().is_some() {}
    c.send_message(
        now,
        envelope(&["one@e.f", "two@e.f", "three@e.f"]),
        message(),
    )
    .unwrap();
    let _ = c.poll_transmit();
    c.handle_input(now, b"250 ok\r\n250 2.1.5 ok\r\n");
    assert_eq!(
        c.poll_transmit().unwrap(),
        "RCPT TO:<one@e.f>\r\nRCPT TO:<two@e.f>\r\n"
    );
    c.handle_input(now, b"421 4.7.0 too busy\r\n");
    let events: Vec<_> = std::iter::from_fn(|| c.poll_event()).collect();
    let [
        CEvent::TransactionCompleted { outcome: o, .. },
        CEvent::Closed {
            reason: client::Error::ServiceNotAvailable { .. },
        },
    ] = events.as_slice()
    else {
        panic!("{events:?}")
    };
    assert_eq!(o.end, TransactionEnd::Interrupted);
    assert_eq!(codes(o), vec![Some(250), Some(421), None]);
    assert!(o.recipients.iter().all(|r| !r.is_delivered()));
    assert!(c.is_closed());
}

#[test]
fn reply_421_after_the_content_is_the_message_reply() {
    let now = t0();
    let mut c = Client::new(client::Config::default(), now);
    c.handle_input(now, b"220 mx\r\n250-mx\r\n250 PIPELINING\r\n");
    while c.poll_event().is_some() {}
    c.send_message(now, envelope(&["one@e.f", "two@e.f"]), message())
        .unwrap();
    let _ = c.poll_transmit();
    c.handle_input(now, b"250 ok\r\n250 ok\r\n550 no\r\n354 go\r\n");
    assert!(c.poll_transmit().unwrap().ends_with(b"\r\n.\r\n"));
    c.handle_input(now, b"421 4.3.0 disk trouble\r\n");
    let Some(CEvent::TransactionCompleted { outcome: o, .. }) = c.poll_event() else {
        panic!()
    };
    assert_eq!(o.end, TransactionEnd::Interrupted);
    assert_eq!(o.recipients[0].data.as_ref().unwrap().code().get(), 421);
    assert!(o.recipients[1].data.is_none());
    assert!(matches!(c.poll_event(), Some(CEvent::Closed { .. })));
}

/// A client in a transaction fed replies drawn from a set that includes refusals, `421` and
/// out-of-place codes, with the application proceeding or aborting at random.
fn scripted_run(
    policy: RecipientPolicy,
    pipelining: bool,
    chunking: bool,
    recipients: usize,
    codes: &[u16],
    decisions: &[bool],
) -> (String, String, Vec<CEvent>, bool) {
    let now = t0();
    let mut config = client::Config::default();
    config.chunking = true;
    let mut c = Client::new(config, now);
    let caps = match (pipelining, chunking) {
        (true, true) => "250-mx\r\n250-CHUNKING\r\n250 PIPELINING\r\n",
        (true, false) => "250-mx\r\n250 PIPELINING\r\n",
        (false, _) => "250 mx\r\n",
    };
    c.handle_input(now, format!("220 mx\r\n{caps}").as_bytes());
    while c.poll_event().is_some() {}
    let _ = c.poll_transmit();
    let rcpts: Vec<String> = (0..recipients).map(|i| format!("r{i}@e.f")).collect();
    let rcpts: Vec<&str> = rcpts.iter().map(String::as_str).collect();
    let env = envelope(&rcpts).with_recipient_policy(policy);
    c.send_mail(now, env).unwrap();
    let first = String::from_utf8(c.poll_transmit().unwrap().to_vec()).unwrap();
    let mut sent = first.clone();
    let mut events = Vec::new();
    let mut decisions = decisions.iter().cycle();
    for code in codes {
        c.handle_input(now, format!("{code} x\r\n").as_bytes());
        while let Some(ev) = c.poll_event() {
            match &ev {
                CEvent::RecipientsAnswered { id, .. } => {
                    if *decisions.next().unwrap() {
                        c.proceed(now, *id).unwrap();
                    } else {
                        c.abort(now, *id).unwrap();
                    }
                }
                CEvent::DataRequested { id } => {
                    c.send_data(now, *id, b"x\r\n").unwrap();
                    c.finish_data(now, *id).unwrap();
                }
                _ => {}
            }
            events.push(ev);
        }
        while let Some(b) = c.poll_transmit() {
            sent.push_str(&String::from_utf8_lossy(&b));
        }
    }
    (first, sent, events, c.is_closed())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    #[test]
    fn every_transaction_completes_once_and_an_abort_never_sends_content(
        policy in proptest::sample::select(vec![
            RecipientPolicy::Accepted,
            RecipientPolicy::RequireAll,
            RecipientPolicy::Confirm,
        ]),
        pipelining in proptest::bool::ANY,
        chunking in proptest::bool::ANY,
        recipients in 1usize..4,
        codes in proptest::collection::vec(
            proptest::sample::select(vec![250u16, 250, 250, 354, 421, 452, 503, 550, 554]),
            0..12,
        ),
        decisions in proptest::collection::vec(proptest::bool::ANY, 1..3),
    ) {
        let (first, sent, events, closed) =
            scripted_run(policy, pipelining, chunking, recipients, &codes, &decisions);
        let completed: Vec<&TransactionOutcome> = events
            .iter()
            .filter_map(|e| match e {
                CEvent::TransactionCompleted { outcome, .. } => Some(outcome),
                _ => None,
            })
            .collect();
        proptest::prop_assert!(completed.len() <= 1, "{events:?}");
        if closed {
            // The outcome comes, and comes before the end.
            proptest::prop_assert_eq!(completed.len(), 1, "{:?}", events);
            let at = events
                .iter()
                .position(|e| matches!(e, CEvent::TransactionCompleted { .. }));
            let end = events.iter().position(|e| matches!(e, CEvent::Closed { .. }));
            proptest::prop_assert!(at < end, "{:?}", events);
        }
        if let Some(o) = completed.first() {
            proptest::prop_assert_eq!(o.recipients.len(), recipients);
            for r in &o.recipients {
                proptest::prop_assert!(
                    !r.is_delivered() || r.rcpt.as_ref().is_some_and(|x| x.is_positive())
                );
            }
            if o.end == TransactionEnd::Aborted {
                proptest::prop_assert!(
                    !sent.contains("DATA\r\n") && !sent.contains("BDAT "),
                    "{}",
                    sent
                );
                proptest::prop_assert!(sent.ends_with("RSET\r\n"), "{}", sent);
            }
            if o.end == TransactionEnd::Sent {
                let accepted = o
                    .recipients
                    .iter()
                    .any(|r| r.rcpt.as_ref().is_some_and(|x| x.is_positive()));
                proptest::prop_assert!(accepted);
            }
        }
        // DATA goes with the envelope's group only when the accepted recipients get the
        // content whatever the others' replies.
        let grouped = first.contains("DATA\r\n");
        let bdat = pipelining && chunking;
        proptest::prop_assert_eq!(
            grouped,
            pipelining && !bdat && policy == RecipientPolicy::Accepted
        );
    }
}

/// Caught by the property above: a server that refuses MAIL but accepts the pipelined RCPT
/// must not make the client ask the application (or send RSET for a transaction the server
/// never opened).
#[test]
fn rcpt_accepted_after_a_refused_mail_is_a_refused_transaction() {
    let (first, sent, events, _) = scripted_run(
        RecipientPolicy::Confirm,
        true,
        false,
        1,
        &[452, 250],
        &[true],
    );
    assert_eq!(first, "MAIL FROM:<a@b.c>\r\nRCPT TO:<r0@e.f>\r\n");
    assert_eq!(sent, first, "neither DATA nor RSET");
    let [CEvent::TransactionCompleted { outcome, .. }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(outcome.end, TransactionEnd::Refused);
    assert!(outcome.rset.is_none());
}
