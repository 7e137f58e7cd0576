//! Fuzzer bytes seed the `testing` strategies to build
//! commands, replies and EHLO responses: encode then parse must give them back. The same bytes
//! as a DATA body: stuffing then reading, split anywhere, gives the (normalised) body back.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use smtp_proto::framing::{DataConfig, DataEvent, DataReader, DotStuffer};
use smtp_proto::parse::{self, ParseOptions};
use smtp_proto::{encode, testing};

/// A runner whose randomness is a function of the fuzzer's bytes: a XorShift generator seeded
/// with a 128-bit hash of them. (proptest's pass-through RNG is not used: once the input is
/// used up it yields zeros, on which rejection sampling never ends.)
fn runner(data: &[u8]) -> TestRunner {
    let mut h1 = 0xcbf2_9ce4_8422_2325u64;
    let mut h2 = 0x9e37_79b9_7f4a_7c15u64 ^ data.len() as u64;
    for &b in data {
        h1 = (h1 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        h2 = (h2 ^ u64::from(b))
            .wrapping_mul(0xff51_afd7_ed55_8ccd)
            .rotate_left(29);
    }
    let mut seed = [0u8; 16];
    seed[..8].copy_from_slice(&h1.to_le_bytes());
    seed[8..].copy_from_slice(&(h2 | 1).to_le_bytes());
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::XorShift, &seed),
    )
}

fuzz_target!(|data: &[u8]| {
    if let Ok(tree) = testing::command().new_tree(&mut runner(data)) {
        let cmd = tree.current();
        let mut b = BytesMut::new();
        encode::command(&cmd, &mut b);
        let line = b.split_to(b.len() - 2).freeze();
        assert_eq!(
            parse::command_with(&line, &ParseOptions::default()),
            Ok(cmd)
        );
    }
    if let Ok(tree) = testing::reply().new_tree(&mut runner(data)) {
        let reply = tree.current();
        let mut b = BytesMut::new();
        encode::reply(&reply, &mut b);
        assert_eq!(parse::reply(&b).ok().flatten().map(|(r, _)| r), Some(reply));
    }
    if let Ok(tree) = testing::ehlo_response().new_tree(&mut runner(data)) {
        let ehlo = tree.current();
        let mut b = BytesMut::new();
        encode::ehlo_response(&ehlo, &mut b);
        let (r, _) = parse::reply(&b).expect("parse").expect("complete");
        assert_eq!(parse::ehlo_response(&r), Ok(ehlo));
    }

    // DATA: stuff, then read back split at a data-chosen point
    let mut out = BytesMut::new();
    let mut s = DotStuffer::new();
    let half = data.len() / 2;
    s.stuff(&data[..half], &mut out);
    s.stuff(&data[half..], &mut out);
    s.finish(&mut out);
    let cut = if out.is_empty() {
        0
    } else {
        usize::from(data.first().copied().unwrap_or(0)) * 7 % out.len()
    };
    let mut r = DataReader::new(DataConfig::default());
    let mut buf = BytesMut::from(&out[..cut]);
    let mut body = Vec::new();
    let mut ended = false;
    for more in [&out[cut..], &[][..]] {
        while let Some(ev) = r.decode(&mut buf) {
            match ev {
                DataEvent::Chunk(c) => body.extend_from_slice(&c),
                DataEvent::End(e) => {
                    assert!(e.is_acceptable());
                    ended = true;
                }
            }
        }
        buf.extend_from_slice(more);
    }
    assert!(ended && buf.is_empty());
    // the body is the input with bare CR/LF normalised and a final CRLF when missing
    let mut expect = Vec::new();
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'\r' if data.get(i + 1) == Some(&b'\n') => {
                expect.extend_from_slice(b"\r\n");
                i += 1;
            }
            b'\r' | b'\n' => expect.extend_from_slice(b"\r\n"),
            c => expect.push(c),
        }
        i += 1;
    }
    if !expect.is_empty() && !expect.ends_with(b"\r\n") {
        expect.extend_from_slice(b"\r\n");
    }
    assert_eq!(body, expect);
});
