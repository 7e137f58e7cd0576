//! Arbitrary bytes as server replies: never panic; a parsed reply re-encodes to the same
//! reply; the streaming reader agrees with the one-shot parser whatever the split; EHLO and
//! AUTH interpretations never panic; `read_ehlo_reply` (framed and summarised in one pass)
//! gives what `read_reply` then `ehlo_response` give.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use smtp_proto::encode;
use smtp_proto::framing::ReplyReader;
use smtp_proto::parse;

fuzz_target!(|data: &[u8]| {
    let one = parse::reply(data);
    if let Ok(Some((reply, used))) = &one {
        assert!(*used <= data.len());
        let mut b = BytesMut::new();
        encode::reply(reply, &mut b);
        let (again, n) = parse::reply(&b).expect("re-parse").expect("complete");
        assert_eq!(n, b.len());
        assert_eq!(&again, reply);
        let _ = parse::ehlo_response(reply);
        let _ = parse::auth_challenge(reply);
    }
    // the streaming reader, fed in two pieces, gives the same first reply (or error kind)
    let cut = if data.is_empty() {
        0
    } else {
        usize::from(data[0]) % data.len()
    };
    let mut r = ReplyReader::default();
    let mut buf = BytesMut::from(&data[..cut]);
    let first = match r.read_reply(&mut buf) {
        Ok(None) => {
            buf.extend_from_slice(&data[cut..]);
            r.read_reply(&mut buf)
        }
        other => other,
    };
    match (&one, &first) {
        (Ok(Some((a, _))), Ok(Some(b))) => assert_eq!(a, b),
        (Ok(None), Ok(None)) => {}
        (Err(a), Err(b)) => assert_eq!(a.kind, b.kind),
        // an early piece can be rejected sooner (e.g. a bad code seen before its line ends);
        // never the other way round
        (Err(_), Ok(None)) | (Ok(None), Err(_)) => {}
        (a, b) => panic!("one-shot {a:?} vs streaming {b:?}"),
    }

    // the EHLO reader against read_reply + ehlo_response (capabilities and their summary), the
    // bytes arriving in the same two pieces as above
    let (mut a, mut b) = (ReplyReader::default(), ReplyReader::default());
    let (mut abuf, mut bbuf) = (BytesMut::new(), BytesMut::new());
    let summary = smtp_proto::testing::ehlo_summary;
    'parts: for part in [&data[..cut], &data[cut..]] {
        abuf.extend_from_slice(part);
        bbuf.extend_from_slice(part);
        loop {
            let ours = a.read_ehlo_reply(&mut abuf);
            let theirs = b.read_reply(&mut bbuf).map(|r| {
                r.map(|reply| {
                    let caps = parse::ehlo_response(&reply).ok();
                    (reply, caps)
                })
            });
            match (&ours, &theirs) {
                (Ok(Some((r1, c1))), Ok(Some((r2, c2)))) => {
                    assert_eq!((r1, c1), (r2, c2));
                    assert_eq!(c1.as_ref().map(summary), c2.as_ref().map(summary));
                }
                (Ok(None), Ok(None)) => break,
                (Err(x), Err(y)) => {
                    assert_eq!(x.kind, y.kind);
                    // (an error consumes nothing: the session ends there)
                    break 'parts;
                }
                (x, y) => panic!("read_ehlo_reply {x:?} vs read_reply {y:?}"),
            }
            assert_eq!(abuf, bbuf);
        }
    }
});
