use bytes::{Bytes, BytesMut};
use proptest::prelude::*;

use super::*;
use crate::types::AuthMechanism;

/// Feeds `input` split at `cuts` into a DataReader; returns (body, end, rest) or None when the
/// end was not reached.
fn run_data(
    input: &[u8],
    cuts: &[usize],
    config: DataConfig,
) -> (Vec<u8>, Option<DataEnd>, Vec<u8>) {
    let mut r = DataReader::new(config);
    let mut buf = BytesMut::new();
    let mut body = Vec::new();
    let mut end = None;
    let mut pos = 0;
    let mut points: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
    points.sort_unstable();
    points.push(input.len());
    for p in points {
        buf.extend_from_slice(&input[pos..p]);
        pos = p;
        while let Some(ev) = r.decode(&mut buf) {
            match ev {
                DataEvent::Chunk(c) => {
                    assert!(end.is_none(), "chunk after end");
                    body.extend_from_slice(&c)
                }
                DataEvent::End(e) => end = Some(e),
            }
        }
        if end.is_some() {
            // the rest stays in the buffer; feed what is left of the input too
            buf.extend_from_slice(&input[pos..]);
            pos = input.len();
            break;
        }
    }
    let _ = pos;
    (body, end, buf.to_vec())
}

fn data(input: &[u8]) -> (Vec<u8>, Option<DataEnd>, Vec<u8>) {
    run_data(input, &[], DataConfig::default())
}

#[test]
fn data_basics() {
    let (b, e, rest) = data(b"Subject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n");
    assert_eq!(b, b"Subject: hi\r\n\r\nbody\r\n");
    assert!(e.unwrap().is_acceptable());
    assert_eq!(e.unwrap().size, 21);
    assert_eq!(rest, b"QUIT\r\n");
    // empty body right after DATA
    let (b, e, rest) = data(b".\r\nMAIL FROM:<>\r\n");
    assert!(b.is_empty() && e.is_some());
    assert_eq!(rest, b"MAIL FROM:<>\r\n");
    // first line unstuffed too
    let (b, _, _) = data(b"..hello\r\n..\r\n.x\r\n.\r\n");
    assert_eq!(b, b".hello\r\n.\r\nx\r\n");
    // incomplete
    assert!(data(b"abc\r\n.\r").1.is_none());
    assert!(data(b"abc\r\n.").1.is_none());
    assert!(data(b"abc\r\n").1.is_none());
    assert!(data(b"").1.is_none());
}

#[test]
fn data_size_limit() {
    let input = b"0123456789\r\n0123456789\r\n.\r\nNOOP\r\n";
    let (b, e, rest) = run_data(input, &[3, 15], DataConfig::with_max_size(15));
    let e = e.unwrap();
    assert!(e.too_large && !e.is_acceptable());
    assert_eq!(e.size, 24);
    assert!(b.len() <= 15);
    assert_eq!(rest, b"NOOP\r\n");
    assert_eq!(e.error_reply().unwrap().code().get(), 552);
    let (_, e, _) = run_data(input, &[], DataConfig::with_max_size(24));
    assert!(e.unwrap().is_acceptable());
}

#[test]
fn data_policies() {
    let input = b"a\nb\rc\r\n.\r\n";
    let (b, e, _) = data(input);
    let e = e.unwrap();
    assert!(e.bare_lf && e.bare_cr && e.bare_rejected && !e.is_acceptable());
    assert_eq!(e.error_reply().unwrap().code().get(), 554);
    assert!(b.len() <= 1);
    let allow = DataConfig {
        bare_line_endings: BareLineEndings::Allow,
        ..DataConfig::default()
    };
    let (b, e, _) = run_data(input, &[], allow);
    assert_eq!(b, b"a\nb\rc\r\n");
    assert!(e.unwrap().is_acceptable() && e.unwrap().bare_lf);
    let norm = DataConfig {
        bare_line_endings: BareLineEndings::Normalize,
        ..DataConfig::default()
    };
    let (b, e, _) = run_data(input, &[], norm);
    assert_eq!(b, b"a\r\nb\r\nc\r\n");
    assert!(e.unwrap().is_acceptable());
    // a normalised line ending never starts a line: no unstuffing, no end
    let (b, e, _) = run_data(b"x\n.\nmore\r\n.\r\n", &[], norm);
    assert_eq!(b, b"x\r\n.\r\nmore\r\n");
    assert!(e.is_some());
    let (b, _, _) = run_data(b"\r\r\n.\r\n", &[], norm);
    assert_eq!(b, b"\r\n\r\n");
}

fn arb_body() -> impl Strategy<Value = Vec<u8>> {
    // bodies made of interesting pieces
    let piece = prop_oneof![
        Just(&b"\r\n"[..]),
        Just(&b"."[..]),
        Just(&b".."[..]),
        Just(&b"\r"[..]),
        Just(&b"\n"[..]),
        Just(&b"abc"[..]),
        Just(&b" "[..]),
        Just(&b"\r\n.\r"[..]),
        Just(&b"\n.\n"[..]),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn data_chunking_invariance(body in arb_body(), cuts in prop::collection::vec(0usize..200, 0..8),
                                policy in prop_oneof![Just(BareLineEndings::Reject), Just(BareLineEndings::Allow), Just(BareLineEndings::Normalize)]) {
        let cfg = DataConfig { bare_line_endings: policy, ..DataConfig::default() };
        let mut input = body.clone();
        input.extend_from_slice(b"\r\n.\r\nNEXT");
        let whole = run_data(&input, &[], cfg);
        let split = run_data(&input, &cuts, cfg);
        prop_assert_eq!(&whole, &split);
        prop_assert!(whole.1.is_some());
        // every strict prefix up to the end is incomplete, never an error
        let end_at = input.len() - whole.2.len();
        for cut in [end_at.saturating_sub(1), end_at / 2] {
            let p = run_data(&input[..cut], &[], cfg);
            prop_assert!(p.1.is_none() || cut >= end_at);
        }
    }

    #[test]
    fn stuff_then_read_is_identity(body in prop::collection::vec(prop_oneof![Just(b'.'), Just(b'\r'), Just(b'\n'), Just(b'a')], 0..200),
                                   cuts in prop::collection::vec(0usize..200, 0..6)) {
        // stuffing normalises bare CR/LF, so compare with the normalised body
        let mut out = BytesMut::new();
        let mut s = DotStuffer::new();
        let mut pos = 0;
        let mut points = cuts.clone();
        points.sort_unstable();
        for p in points.into_iter().chain([body.len()]) {
            let p = p.min(body.len()).max(pos);
            s.stuff(&body[pos..p], &mut out);
            pos = p;
        }
        s.finish(&mut out);
        let (read, end, rest) = run_data(&out, &[], DataConfig::default());
        prop_assert!(end.unwrap().is_acceptable());
        prop_assert!(rest.is_empty());
        let mut expect = normalise(&body);
        if !expect.is_empty() && !expect.ends_with(b"\r\n") {
            expect.extend_from_slice(b"\r\n");
        }
        prop_assert_eq!(read, expect);
    }

    #[test]
    fn line_reader_chunking(lines in prop::collection::vec("[ -~]{0,40}", 0..10), cuts in prop::collection::vec(0usize..400, 0..8)) {
        let mut input = Vec::new();
        for l in &lines { input.extend_from_slice(l.as_bytes()); input.extend_from_slice(b"\r\n"); }
        let read = |cuts: &[usize]| {
            let mut r = LineReader::new(32);
            let mut buf = BytesMut::new();
            let mut out = Vec::new();
            let mut pos = 0;
            let mut pts: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
            pts.sort_unstable();
            pts.push(input.len());
            for p in pts {
                buf.extend_from_slice(&input[pos..p]);
                pos = p;
                loop {
                    match r.read_line(&mut buf) {
                        Ok(Some(l)) => out.push(Ok(l.to_vec())),
                        Ok(None) => break,
                        Err(e) => out.push(Err(e.kind)),
                    }
                }
            }
            out
        };
        let whole = read(&[]);
        prop_assert_eq!(&whole, &read(&cuts));
        prop_assert_eq!(whole.len(), lines.len());
        for (l, got) in lines.iter().zip(&whole) {
            if l.len() + 2 > 32 {
                prop_assert_eq!(got, &Err(K::LineTooLong));
            } else {
                prop_assert_eq!(got, &Ok(l.as_bytes().to_vec()));
            }
        }
    }
}

fn normalise(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 2;
                continue;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

#[test]
fn stuffer() {
    let mut out = BytesMut::new();
    let mut s = DotStuffer::new();
    s.stuff(b".first\r\n.", &mut out);
    s.stuff(b"\r\nlast", &mut out);
    s.finish(&mut out);
    assert_eq!(&out[..], b"..first\r\n..\r\nlast\r\n.\r\n");
    let mut out = BytesMut::new();
    let mut s = DotStuffer::new();
    s.finish(&mut out);
    assert_eq!(&out[..], b".\r\n");
    let mut out = BytesMut::new();
    let mut s = DotStuffer::new();
    s.stuff(b"a\n.\nb\r", &mut out);
    s.finish(&mut out);
    assert_eq!(&out[..], b"a\r\n..\r\nb\r\n.\r\n");
}

#[test]
fn line_reader() {
    let mut r = LineReader::default();
    let mut buf = BytesMut::from(&b"EHLO a\r\nNOOP\r"[..]);
    assert_eq!(
        r.read_line(&mut buf).unwrap().unwrap(),
        Bytes::from_static(b"EHLO a")
    );
    assert_eq!(r.read_line(&mut buf), Ok(None));
    buf.extend_from_slice(b"\nQUIT\nRSET\r\n");
    assert_eq!(
        r.read_line(&mut buf).unwrap().unwrap(),
        Bytes::from_static(b"NOOP")
    );
    assert_eq!(r.read_line(&mut buf).unwrap_err().kind, K::BareLineEnding);
    assert_eq!(
        r.read_line(&mut buf).unwrap().unwrap(),
        Bytes::from_static(b"RSET")
    );
    // over-long: discarded as it comes, reported once at its end, then back in sync
    let mut r = LineReader::new(16);
    let mut buf = BytesMut::from(&b"NOOP 0123456789abcdef"[..]);
    assert_eq!(r.read_line(&mut buf), Ok(None));
    assert!(buf.is_empty() && r.is_discarding());
    buf.extend_from_slice(&[b'x'; 1000]);
    assert_eq!(r.read_line(&mut buf), Ok(None));
    assert!(buf.is_empty());
    buf.extend_from_slice(b"yy\r\nQUIT\r\n");
    assert_eq!(r.read_line(&mut buf).unwrap_err().kind, K::LineTooLong);
    assert_eq!(
        r.read_line(&mut buf).unwrap().unwrap(),
        Bytes::from_static(b"QUIT")
    );
    // exactly at the limit (with CRLF) is fine
    let mut buf = BytesMut::from(&b"NOOP 789abcde\r\n"[..]);
    assert_eq!(buf.len(), 15);
    assert!(r.read_line(&mut buf).unwrap().is_some());
    let mut buf = BytesMut::from(&b"NOOP 789abcdefg\r\n"[..]);
    assert_eq!(r.read_line(&mut buf).unwrap_err().kind, K::LineTooLong);
    // AUTH lines get the larger limit; SASL lines too
    let mut r = LineReader::new(16).with_auth_limit(64);
    let mut buf = BytesMut::from(&b"AUTH PLAIN AGZvbwBiYXIAGZvbwBiYXI=\r\n"[..]);
    assert!(r.read_line(&mut buf).unwrap().is_some());
    r.set_sasl(true);
    let mut buf = BytesMut::from(&[b'A'; 100][..]);
    assert_eq!(r.read_line(&mut buf), Ok(None));
    buf.extend_from_slice(b"\r\n");
    assert_eq!(r.read_line(&mut buf).unwrap_err().kind, K::AuthLineTooLong);
}

proptest! {
    /// `read_command` (parse in place, texts copied) gives what `read_line` then
    /// `parse::command_with` (texts shared) gives, for any bytes cut at any point.
    #[test]
    fn read_command_is_read_line_then_parse(
        lines in prop::collection::vec(
            prop_oneof![
                crate::testing::command().prop_map(|c| {
                    let mut b = BytesMut::new();
                    crate::encode::command(&c, &mut b);
                    b.to_vec()
                }),
                prop::collection::vec(any::<u8>(), 0..80),
                Just(b"RCPT TO:<a.very.long.local.part.of.a.mailbox@a.long.domain.example.org> NOTIFY=NEVER\r\n".to_vec()),
            ],
            1..8,
        ),
        cut in 0usize..400,
    ) {
        let input: Vec<u8> = lines.concat();
        let cut = cut.min(input.len());
        let opts = crate::parse::ParseOptions::default();
        let (mut a, mut b) = (LineReader::new(64), LineReader::new(64));
        let (mut abuf, mut bbuf) = (BytesMut::new(), BytesMut::new());
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for part in [&input[..cut], &input[cut..]] {
            abuf.extend_from_slice(part);
            bbuf.extend_from_slice(part);
            while let Some(r) = a.read_command(&mut abuf, &opts) {
                ours.push(r.map_err(|e| e.kind));
            }
            loop {
                match b.read_line(&mut bbuf) {
                    Ok(None) => break,
                    Ok(Some(line)) => {
                        theirs.push(crate::parse::command_with(&line, &opts).map_err(|e| e.kind))
                    }
                    Err(e) => theirs.push(Err(e.kind)),
                }
            }
        }
        prop_assert_eq!(ours, theirs);
        prop_assert_eq!(abuf, bbuf);
    }
}

#[test]
fn bdat() {
    let mut r = BdatReader::new(5);
    let mut buf = BytesMut::from(&b"ab"[..]);
    assert_eq!(
        r.decode(&mut buf),
        Some(BdatEvent::Chunk(Bytes::from_static(b"ab")))
    );
    assert_eq!(r.decode(&mut buf), None);
    buf.extend_from_slice(b"c.\r\nQUIT\r\n");
    assert_eq!(
        r.decode(&mut buf),
        Some(BdatEvent::Chunk(Bytes::from_static(b"c.\r")))
    );
    assert_eq!(r.decode(&mut buf), Some(BdatEvent::End));
    assert_eq!(r.decode(&mut buf), None);
    assert_eq!(&buf[..], b"\nQUIT\r\n");
    let mut r = BdatReader::discard(u64::MAX);
    let mut buf = BytesMut::from(&[0u8; 100][..]);
    assert_eq!(r.decode(&mut buf), None);
    assert!(buf.is_empty());
    assert_eq!(r.remaining(), u64::MAX - 100);
    let mut r = BdatReader::new(0);
    assert_eq!(r.decode(&mut BytesMut::new()), Some(BdatEvent::End));
}

#[test]
fn reply_reader() {
    let mut r = ReplyReader::default();
    let mut buf = BytesMut::new();
    let input = b"250-mx\r\n250-PIPELINING\r\n250 SIZE 10\r\n354 go\r\n";
    let mut replies = Vec::new();
    for &b in input.iter() {
        buf.extend_from_slice(&[b]);
        while let Some(rep) = r.read_reply(&mut buf).unwrap() {
            replies.push(rep);
        }
    }
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].lines().len(), 3);
    assert_eq!(replies[1].code().get(), 354);
    assert!(buf.is_empty());
    let mut buf = BytesMut::from(&b"250-a\r\n251 b\r\n"[..]);
    assert_eq!(
        r.read_reply(&mut buf).unwrap_err().kind,
        K::InconsistentReplyCode
    );
}

proptest! {
    /// `read_ehlo_reply` (framed and summarised in one pass) gives what `read_reply` then
    /// `parse::ehlo_response` give — replies, capabilities with their summary, errors and the
    /// bytes left — for any EHLO replies, odd lines and bytes, cut at any point, under the
    /// default and tight limits.
    #[test]
    fn read_ehlo_reply_is_read_reply_then_ehlo_response(
        parts in prop::collection::vec(
            prop_oneof![
                crate::testing::ehlo_response().prop_map(|e| {
                    let mut b = BytesMut::new();
                    crate::encode::ehlo_response(&e, &mut b);
                    b.to_vec()
                }),
                prop::sample::select(vec![
                    &b"250-mx.example.com Hello client [192.0.2.1]\r\n"[..],
                    b"250-PIPELINING\r\n", b"250-SIZE 1000\r\n", b"250-SIZE\r\n",
                    b"250-SIZE 1 2\r\n", b"250-AUTH PLAIN LOGIN XOAUTH2\r\n", b"250-AUTH\r\n",
                    b"250-AUTH PL@IN\r\n", b"250-DELIVERBY 240\r\n", b"250-X\nY\r\n",
                    b"250-X-FOO BAR  BAZ\r\n", b"250-8bitmime \r\n", b"250-\r\n", b"250-A\rB\r\n",
                    b"250 CHUNKING\r\n", b"250 ok\r\n", b"250\r\n", b"251-x\r\n",
                    b"550 no\r\n", b"250-DSN\n", b"250 STARTTLS\r\n",
                ]).prop_map(<[u8]>::to_vec),
                prop::collection::vec(any::<u8>(), 0..20),
            ],
            1..12,
        ),
        cut in 0usize..600,
        tight in any::<bool>(),
    ) {
        let input: Vec<u8> = parts.concat();
        let cut = cut.min(input.len());
        let opts = if tight {
            ReplyOptions { max_line_len: 24, max_lines: 6, allow_bare_lf: false }
        } else {
            ReplyOptions::default()
        };
        let (mut a, mut b) = (ReplyReader::new(opts), ReplyReader::new(opts));
        let (mut abuf, mut bbuf) = (BytesMut::new(), BytesMut::new());
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for part in [&input[..cut], &input[cut..]] {
            abuf.extend_from_slice(part);
            bbuf.extend_from_slice(part);
            loop {
                match a.read_ehlo_reply(&mut abuf) {
                    Ok(None) => break,
                    Ok(Some((reply, caps))) => {
                        let s = caps.as_ref().map(crate::testing::ehlo_summary);
                        ours.push(Ok((reply, caps, s)));
                    }
                    Err(e) => {
                        // (an error consumes nothing: the session ends there)
                        ours.push(Err(e.kind));
                        break;
                    }
                }
            }
            loop {
                match b.read_reply(&mut bbuf) {
                    Ok(None) => break,
                    Ok(Some(reply)) => {
                        let caps = crate::parse::ehlo_response(&reply).ok();
                        let s = caps.as_ref().map(crate::testing::ehlo_summary);
                        theirs.push(Ok((reply, caps, s)));
                    }
                    Err(e) => {
                        theirs.push(Err(e.kind));
                        break;
                    }
                }
            }
            if ours.last().is_some_and(Result::is_err) {
                break;
            }
        }
        prop_assert_eq!(ours, theirs);
        prop_assert_eq!(abuf, bbuf);
    }
}

#[test]
fn read_ehlo_reply_reads_the_usual_reply_in_one_pass() {
    let input = b"250-mx.example.com Hello client\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n\
250-AUTH PLAIN LOGIN\r\n250 DSN\r\n354 go\r\n";
    // the one-pass frame takes it (else the test above compares the slow path with itself)
    let f = crate::parse::ehlo_frame(input, &ReplyOptions::default()).expect("framed");
    assert_eq!((f.end, f.count, f.first), (input.len() - 8, 5, 33));
    let mut r = ReplyReader::default();
    let mut buf = BytesMut::from(&input[..]);
    let (reply, caps) = r.read_ehlo_reply(&mut buf).unwrap().unwrap();
    let caps = caps.unwrap();
    assert_eq!(reply.lines().len(), 5);
    assert_eq!(
        (caps.domain.as_str(), caps.greeting.as_str()),
        ("mx.example.com", "Hello client")
    );
    assert!(caps.pipelining() && caps.dsn() && !caps.chunking());
    assert_eq!(caps.size(), Some(Some(52428800)));
    assert_eq!(
        caps.auth_mechanisms(),
        [AuthMechanism::Plain, AuthMechanism::Login]
    );
    assert_eq!(&buf[..], b"354 go\r\n");
    // any other reply is read as by read_reply, with no capabilities
    let (reply, caps) = r.read_ehlo_reply(&mut buf).unwrap().unwrap();
    assert_eq!((reply.code().get(), caps), (354, None));
}
