//! RFC transcripts (tests/transcripts/*.txt) replayed against the Server (checking its output)
//! and the Client (checking its output and events), whole and split at arbitrary points.
#![allow(clippy::disallowed_methods, clippy::unwrap_used)]

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use common::*;
use proptest::prelude::*;
use smtp_proto::client::{
    self, Client, Envelope, Event as CEvent, RecipientPolicy, TransactionEnd,
};
use smtp_proto::server::{self, Event as SEvent, Server};
use smtp_proto::types::{AuthMechanism, Command, Reply, ReplyCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    C,
    S,
}

struct Transcript {
    name: &'static str,
    groups: Vec<(Side, Vec<String>)>,
    server_only: bool,
    lmtp: bool,
    /// `# max-size N`: the server's message size limit.
    max_size: Option<u64>,
}

const FILES: &[(&str, &str)] = &[
    ("d1", include_str!("transcripts/rfc5321-d1-typical.txt")),
    ("d2", include_str!("transcripts/rfc5321-d2-aborted.txt")),
    ("d3", include_str!("transcripts/rfc5321-d3-relayed.txt")),
    ("d4", include_str!("transcripts/rfc5321-d4-verifying.txt")),
    (
        "rfc2920",
        include_str!("transcripts/rfc2920-pipelining.txt"),
    ),
    ("rfc2033", include_str!("transcripts/rfc2033-lmtp.txt")),
    (
        "rfc4954-plain",
        include_str!("transcripts/rfc4954-plain-ir.txt"),
    ),
    (
        "rfc4954-login",
        include_str!("transcripts/rfc4954-login.txt"),
    ),
    (
        "rfc4954-535",
        include_str!("transcripts/rfc4954-failed-then-success.txt"),
    ),
    (
        "rfc3030-last",
        include_str!("transcripts/rfc3030-bdat-last.txt"),
    ),
    (
        "rfc3030-pipelined",
        include_str!("transcripts/rfc3030-bdat-pipelined.txt"),
    ),
    (
        "rfc3030-552",
        include_str!("transcripts/rfc3030-bdat-refused-too-big.txt"),
    ),
    (
        "rfc3030-554",
        include_str!("transcripts/rfc3030-bdat-refused-no-recipient.txt"),
    ),
];

fn load(name: &'static str, text: &str) -> Transcript {
    let mut groups: Vec<(Side, Vec<String>)> = Vec::new();
    let mut server_only = false;
    let mut lmtp = false;
    let mut max_size = None;
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("# max-size ") {
            max_size = Some(n.parse().unwrap());
        }
        if line.starts_with("# sides: server") {
            server_only = true;
        }
        if line == "# lmtp" {
            lmtp = true;
        }
        let (side, rest) = if let Some(r) = line.strip_prefix("S:") {
            (Side::S, r)
        } else if let Some(r) = line.strip_prefix("C:") {
            (Side::C, r)
        } else {
            continue;
        };
        let rest = rest.strip_prefix(' ').unwrap_or(rest).to_string();
        match groups.last_mut() {
            Some((s, lines)) if *s == side => lines.push(rest),
            _ => groups.push((side, vec![rest])),
        }
    }
    Transcript {
        name,
        groups,
        server_only,
        lmtp,
        max_size,
    }
}

/// The transcript file called `name`.
fn transcript(name: &str) -> Transcript {
    transcripts()
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no transcript {name}"))
}

fn transcripts() -> Vec<Transcript> {
    FILES.iter().map(|(n, t)| load(n, t)).collect()
}

fn wire(lines: &[String]) -> Vec<u8> {
    lines
        .iter()
        .flat_map(|l| format!("{l}\r\n").into_bytes())
        .collect()
}

fn replies(mut bytes: &[u8]) -> Vec<Reply> {
    let mut v = Vec::new();
    while !bytes.is_empty() {
        let (r, n) = smtp_proto::parse::reply(bytes).unwrap().unwrap();
        v.push(r);
        bytes = &bytes[n..];
    }
    v
}

/// Every reply after the greeting, with whether the session writes it by itself (the reply to
/// DATA, RSET, NOOP, HELP, QUIT) or the application decides it (everything else, and the reply
/// after the content).
fn expected_replies(t: &Transcript) -> Vec<(Reply, bool)> {
    let s_replies: Vec<Reply> = t.groups[1..]
        .iter()
        .filter(|(side, _)| *side == Side::S)
        .flat_map(|(_, l)| replies(&wire(l)))
        .collect();
    let mut kinds = Vec::new();
    let mut in_data = false;
    let mut accepted = 0;
    // Octets of BDAT content still to skip, and whether a chunk of this transaction failed.
    let mut chunk_left = 0;
    let mut chunk_failed = false;
    for line in t
        .groups
        .iter()
        .filter(|(s, _)| *s == Side::C)
        .flat_map(|(_, l)| l)
    {
        if chunk_left > 0 {
            chunk_left -= line.len() + 2;
            continue;
        }
        if in_data {
            if line == "." {
                in_data = false;
                let n = if t.lmtp { accepted } else { 1 };
                kinds.extend(std::iter::repeat_n(false, n));
            }
            continue;
        }
        let verb = line
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        if verb == "RCPT" && s_replies.get(kinds.len()).is_some_and(Reply::is_positive) {
            accepted += 1;
        }
        if verb == "MAIL" {
            accepted = 0;
            chunk_failed = false;
        }
        in_data = verb == "DATA";
        if verb == "BDAT" {
            // The session answers every chunk but the healthy LAST one, whose reply is the
            // application's (the message's).
            let mut words = line.split(' ').skip(1);
            chunk_left = words.next().unwrap().parse().unwrap();
            let last = words.next().is_some();
            let session = !last || chunk_failed || accepted == 0;
            chunk_failed |= !s_replies.get(kinds.len()).is_some_and(Reply::is_positive);
            kinds.push(session);
            continue;
        }
        kinds.push(matches!(
            verb.as_str(),
            "DATA" | "RSET" | "NOOP" | "HELP" | "QUIT"
        ));
    }
    assert_eq!(
        kinds.len(),
        s_replies.len(),
        "{}: one reply per command",
        t.name
    );
    s_replies.into_iter().zip(kinds).collect()
}

// ---------------------------------------------------------------------------------------------
// server side
// ---------------------------------------------------------------------------------------------

/// Feeds every client byte of the transcript (after the greeting) in the given pieces, the
/// application answering each decision with the transcript's next non-session reply.
fn server_run(t: &Transcript, cuts: &[usize]) -> (Vec<u8>, Vec<String>) {
    let now = t0();
    let mut config = server::Config::default();
    config.hostname = "foo.com".into();
    config.greet_on_start = false;
    config.extensions.enhanced_status_codes = false;
    config.delegate_vrfy_expn = true;
    config.lmtp = t.lmtp;
    config.extensions.binary_mime = true;
    config.extensions.auth = vec![AuthMechanism::Plain, AuthMechanism::Login];
    config.max_message_size = t.max_size;
    let mut s = Server::new(config, now);
    let greeting = replies(&wire(&t.groups[0].1)).remove(0);
    s.greet(now, Some(greeting)).unwrap();
    let input: Vec<u8> = t
        .groups
        .iter()
        .filter(|(side, _)| *side == Side::C)
        .flat_map(|(_, l)| wire(l))
        .collect();
    let mut answers: std::collections::VecDeque<Reply> = expected_replies(t)
        .into_iter()
        .filter(|(_, session)| !session)
        .map(|(r, _)| r)
        .collect();
    let mut out = Vec::new();
    let mut events = Vec::new();
    let mut pieces = Vec::new();
    let mut start = 0;
    for &c in cuts {
        let c = c.min(input.len()).max(start);
        pieces.push(&input[start..c]);
        start = c;
    }
    pieces.push(&input[start..]);
    for piece in pieces {
        s.handle_input(now, piece);
        while let Some(ev) = s.poll_event() {
            events.push(short(&ev));
            let ids = match &ev {
                SEvent::AuthStep { id, .. } => {
                    // A 334 in the transcript is a challenge (sent base64-encoded by the
                    // session), anything else the exchange's final reply.
                    let answer = answers.pop_front().expect("an answer for every AUTH step");
                    if answer.code() == ReplyCode::AUTH_CONTINUE {
                        let challenge = BASE64.decode(answer.text()).unwrap();
                        s.auth_challenge(now, *id, &challenge).unwrap();
                    } else {
                        s.reply(now, *id, answer).unwrap();
                    }
                    continue;
                }
                SEvent::HelloReceived { id, .. }
                | SEvent::MailFromReceived { id, .. }
                | SEvent::RcptToReceived { id, .. }
                | SEvent::CommandReceived { id, .. } => vec![*id],
                SEvent::DataEnded {
                    id,
                    lmtp_recipients,
                    ..
                } => {
                    if lmtp_recipients.is_empty() {
                        vec![*id]
                    } else {
                        lmtp_recipients.iter().map(|r| r.id).collect()
                    }
                }
                _ => continue,
            };
            for id in ids {
                let answer = answers.pop_front().expect("an answer for every decision");
                s.reply(now, id, answer).unwrap();
            }
        }
        while let Some(b) = s.poll_transmit() {
            out.extend_from_slice(&b);
        }
    }
    assert!(answers.is_empty(), "{}: unused answers {answers:?}", t.name);
    (out, normalise(&events))
}

#[test]
fn transcripts_replayed_against_the_server() {
    for t in transcripts() {
        let (out, events) = server_run(&t, &[]);
        let greeting = replies(&wire(&t.groups[0].1)).remove(0);
        let expected = expected_replies(&t);
        let got = replies(&out);
        assert_eq!(got[0], greeting);
        assert_eq!(
            got.len(),
            expected.len() + 1,
            "{}: {}",
            t.name,
            String::from_utf8_lossy(&out)
        );
        for (g, (e, session)) in got[1..].iter().zip(&expected) {
            assert_eq!(g.code(), e.code(), "{}", t.name);
            if !session {
                assert_eq!(g, e, "{}", t.name);
            }
        }
        assert_eq!(events.last().unwrap(), "closed Quit", "{}", t.name);
    }
}

#[test]
fn d2_client_aborts_with_rset_and_reports_each_recipient() {
    let t = load("d2", FILES[1].1);
    let (out, events) = client_run(&t, &[]);
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains("DATA"), "{out}");
    assert!(out.contains("RCPT TO:<Green@foo.com>\r\nRSET\r\n"), "{out}");
    let outcome = first_outcome(&events);
    assert_eq!(outcome.end, TransactionEnd::Aborted);
    let rcpt: Vec<u16> = outcome
        .recipients
        .iter()
        .map(|r| r.rcpt.as_ref().unwrap().code().get())
        .collect();
    assert_eq!(rcpt, vec![250, 550]);
    assert_eq!(outcome.rset.unwrap().code().get(), 250);
}

#[test]
fn d1_server_sees_the_unstuffed_message() {
    let t = load("d1", FILES[0].1);
    let (_, events) = server_run(&t, &[]);
    assert!(events.contains(&"rcpt <Green@foo.com>".to_string()));
    assert!(events.contains(&"data-end 37".to_string()), "{events:?}");
}

// ---------------------------------------------------------------------------------------------
// client side
// ---------------------------------------------------------------------------------------------

/// What the client application does next.
enum Op {
    /// A transaction: the envelope and the content chunks, given to `send_data` one by one
    /// after `DataRequested` (DATA: one chunk; BDAT: one chunk per `BDAT n`).
    Mail(Box<Envelope>, Vec<Vec<u8>>),
    Auth(client::Credentials),
    Send(Command),
    Quit,
}

fn parse_line(line: &str) -> Result<Command, smtp_proto::ParseError> {
    smtp_proto::parse::command(&Bytes::from(line.to_string()))
}

fn base64_text(line: &str) -> String {
    String::from_utf8(BASE64.decode(line).unwrap()).unwrap()
}

/// The credentials behind an AUTH command line and the continuation lines after it; returns
/// how many continuation lines they took.
fn credentials(command: Command, next: &[&String]) -> (client::Credentials, usize) {
    let Command::Auth {
        mechanism,
        initial_response,
    } = command
    else {
        unreachable!()
    };
    match (mechanism, initial_response) {
        (AuthMechanism::Plain, Some(ir)) => {
            let text = String::from_utf8(ir.expose().to_vec()).unwrap();
            let parts: Vec<&str> = text.split('\0').collect();
            let credentials = client::Credentials::Plain {
                authzid: Some(parts[0].to_string()).filter(|a| !a.is_empty()),
                username: parts[1].to_string(),
                password: parts[2].into(),
            };
            (credentials, 0)
        }
        (AuthMechanism::Login, None) => {
            let credentials = client::Credentials::Login {
                username: base64_text(next[0]),
                password: base64_text(next[1]).as_str().into(),
            };
            (credentials, 2)
        }
        other => panic!("no transcript client for {other:?}"),
    }
}

fn ops(t: &Transcript) -> Vec<Op> {
    let lines: Vec<&String> = t
        .groups
        .iter()
        .filter(|(s, _)| *s == Side::C)
        .flat_map(|(_, l)| l)
        .skip(1) // EHLO is sent by the session itself
        .collect();
    let mut ops = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let cmd = parse_line(lines[i]).unwrap();
        i += 1;
        match cmd {
            Command::Mail { from, parameters } => {
                let mut rcpts = Vec::new();
                while let Ok(Command::Rcpt { to, .. }) = parse_line(lines[i]) {
                    rcpts.push(to);
                    i += 1;
                }
                let mut env = Envelope::new(from, rcpts);
                env.parameters = parameters.into_inner();
                if lines[i] == "RSET" {
                    // An envelope the client aborts after a refused recipient (RFC 5321
                    // Appendix D.2): the session sends RSET itself under RequireAll.
                    i += 1;
                    let env = env.with_recipient_policy(RecipientPolicy::RequireAll);
                    ops.push(Op::Mail(Box::new(env), Vec::new()));
                    continue;
                }
                let mut chunks = Vec::new();
                if lines[i] == "DATA" {
                    i += 1;
                    let mut body = Vec::new();
                    while lines[i] != "." {
                        let l = lines[i].strip_prefix('.').unwrap_or(lines[i]);
                        body.extend_from_slice(l.as_bytes());
                        body.extend_from_slice(b"\r\n");
                        i += 1;
                    }
                    i += 1;
                    chunks.push(body);
                } else {
                    // BDAT n ... BDAT 0 LAST: the session writes the counts, the
                    // application gives the chunks.
                    while let Ok(Command::Bdat { size, last }) = parse_line(lines[i]) {
                        i += 1;
                        let mut chunk = Vec::new();
                        while chunk.len() < usize::try_from(size).unwrap() {
                            chunk.extend_from_slice(lines[i].as_bytes());
                            chunk.extend_from_slice(b"\r\n");
                            i += 1;
                        }
                        if last {
                            assert!(chunk.is_empty(), "our Client ends with BDAT 0 LAST");
                            break;
                        }
                        chunks.push(chunk);
                    }
                }
                ops.push(Op::Mail(Box::new(env), chunks));
            }
            auth @ Command::Auth { .. } => {
                let (credentials, used) = credentials(auth, &lines[i..]);
                i += used;
                ops.push(Op::Auth(credentials));
            }
            Command::Quit => ops.push(Op::Quit),
            other => ops.push(Op::Send(other)),
        }
    }
    ops
}

/// Feeds every server reply group to a client (each group split at the given fractions),
/// issuing the transcript's operations whenever the client is ready.
fn client_run(t: &Transcript, split: &[usize]) -> (Vec<u8>, Vec<CEvent>) {
    let now = t0();
    let mut config = client::Config::default();
    let hello = smtp_proto::parse::command(&Bytes::from(t.groups[1].1[0].clone())).unwrap();
    let (Command::Ehlo { host } | Command::Lhlo { host }) = hello else {
        panic!()
    };
    config.hello_host = host;
    config.lmtp = t.lmtp;
    config.chunking = true;
    let mut c = Client::new(config, now);
    let mut ops = ops(t).into_iter();
    let mut out = Vec::new();
    let mut events = Vec::new();
    let mut body: Option<Vec<Vec<u8>>> = None;
    let mut k = 0;
    for (side, lines) in &t.groups {
        if *side != Side::S {
            continue;
        }
        let bytes = wire(lines);
        let cut = split.get(k).map_or(0, |s| s % (bytes.len() + 1));
        k += 1;
        for piece in [&bytes[..cut], &bytes[cut..]] {
            c.handle_input(now, piece);
            loop {
                while let Some(ev) = c.poll_event() {
                    if let CEvent::DataRequested { id } = &ev {
                        for chunk in body.take().unwrap() {
                            c.send_data(now, *id, &chunk).unwrap();
                        }
                        c.finish_data(now, *id).unwrap();
                    }
                    events.push(ev);
                }
                if !c.is_ready() {
                    break;
                }
                match ops.next() {
                    Some(Op::Mail(env, b)) => {
                        body = Some(b);
                        c.send_mail(now, *env).unwrap();
                    }
                    Some(Op::Auth(credentials)) => {
                        c.auth(now, credentials).unwrap();
                    }
                    Some(Op::Send(cmd)) => {
                        c.send(now, cmd).unwrap();
                    }
                    Some(Op::Quit) => {
                        c.quit(now).unwrap();
                    }
                    None => break,
                }
            }
            while let Some(b) = c.poll_transmit() {
                out.extend_from_slice(&b);
            }
        }
    }
    (out, events)
}

/// The outcome of the first transaction the client completed.
fn first_outcome(events: &[CEvent]) -> client::TransactionOutcome {
    events
        .iter()
        .find_map(|e| match e {
            CEvent::TransactionCompleted { outcome, .. } => Some(outcome.clone()),
            _ => None,
        })
        .expect("a completed transaction")
}

#[test]
fn transcripts_replayed_against_the_client() {
    for t in transcripts().into_iter().filter(|t| !t.server_only) {
        let (out, events) = client_run(&t, &[]);
        let expected: Vec<u8> = t
            .groups
            .iter()
            .filter(|(s, _)| *s == Side::C)
            .flat_map(|(_, l)| wire(l))
            .collect();
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&expected),
            "{}",
            t.name
        );
        assert!(
            matches!(events[0], CEvent::GreetingReceived { .. }),
            "{}",
            t.name
        );
        assert!(
            matches!(
                events.last(),
                Some(CEvent::Closed {
                    reason: client::Error::Quit
                })
            ),
            "{}: {events:?}",
            t.name
        );
        // Transcripts without a mail transaction (the AUTH ones) have no outcome.
        if !ops(&t).iter().any(|op| matches!(op, Op::Mail(..))) {
            continue;
        }
        let outcome = first_outcome(&events);
        for r in &outcome.recipients {
            // Refused at RCPT, or (Susan, RFC 3030) whose message went over the size limit.
            let refused = [
                "<Green@foo.com>",
                "<jones@foo.edu>",
                "<green@foo.edu>",
                "<Susan@Random.com>",
            ]
            .contains(&r.forward_path.to_string().as_str());
            let sent = outcome.end == TransactionEnd::Sent;
            assert_eq!(r.is_delivered(), !refused && sent, "{}: {r:?}", t.name);
        }
        if t.lmtp {
            let codes: Vec<u16> = outcome
                .recipients
                .iter()
                .map(|r| r.final_reply().unwrap().code().get())
                .collect();
            assert_eq!(codes, vec![250, 550, 452], "{}", t.name);
        }
    }
}

/// The final replies to the client's AUTH commands, in order.
fn auth_replies(events: &[CEvent]) -> Vec<u16> {
    events
        .iter()
        .filter_map(|e| match e {
            CEvent::ReplyReceived { reply, .. } => Some(reply.code().get()),
            _ => None,
        })
        .collect()
}

#[test]
fn auth_transcripts_end_with_the_expected_replies() {
    for (name, codes) in [
        ("rfc4954-plain", vec![235]),
        ("rfc4954-login", vec![235]),
        ("rfc4954-535", vec![535, 235]),
    ] {
        let t = transcript(name);
        let (_, events) = client_run(&t, &[]);
        assert_eq!(auth_replies(&events), codes, "{name}");
        let (_, server_events) = server_run(&t, &[]);
        let steps = server_events
            .iter()
            .filter(|e| e.starts_with("auth "))
            .count();
        // PLAIN with an initial response: one step per AUTH; LOGIN: the command, the user
        // name and the password.
        let expected = if name == "rfc4954-login" {
            3
        } else {
            codes.len()
        };
        assert_eq!(steps, expected, "{name}: {server_events:?}");
    }
}

#[test]
fn bdat_chunk_over_the_size_limit_is_refused_and_discarded() {
    let t = transcript("rfc3030-552");
    let (_, events) = server_run(&t, &[]);
    assert!(
        events
            .iter()
            .any(|e| e.starts_with("data-rejected TooLarge")),
        "{events:?}"
    );
    assert!(
        !events.iter().any(|e| e.starts_with("data-end")),
        "{events:?}"
    );
    let (_, events) = client_run(&t, &[]);
    let outcome = first_outcome(&events);
    assert_eq!(outcome.end, TransactionEnd::Sent);
    let data = outcome.recipients[0].data.as_ref().unwrap();
    assert_eq!(data.code().get(), 552, "the refused chunk's reply decides");
}

#[test]
fn bdat_refused_for_lack_of_recipients_has_its_chunk_skipped() {
    let t = transcript("rfc3030-554");
    let (out, events) = server_run(&t, &[]);
    let codes: Vec<u16> = replies(&out).iter().map(|r| r.code().get()).collect();
    assert_eq!(codes, vec![220, 250, 250, 550, 554, 250, 221]);
    assert!(!events.iter().any(|e| e == "data-start"), "{events:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn server_output_does_not_depend_on_how_input_is_split(
        which in 0..FILES.len(),
        mut cuts in proptest::collection::vec(0usize..2000, 0..12),
    ) {
        let t = load(FILES[which].0, FILES[which].1);
        cuts.sort_unstable();
        let whole = server_run(&t, &[]);
        let split = server_run(&t, &cuts);
        prop_assert_eq!(whole, split);
    }

    #[test]
    fn client_output_and_events_do_not_depend_on_how_replies_are_split(
        which in 0..FILES.len(),
        cuts in proptest::collection::vec(0usize..500, 12),
    ) {
        let t = load(FILES[which].0, FILES[which].1);
        prop_assume!(!t.server_only);
        let whole = client_run(&t, &[]);
        let split = client_run(&t, &cuts);
        prop_assert_eq!(whole, split);
    }
}
