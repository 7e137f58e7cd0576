//! Arbitrary bytes as SMTP command lines: never panic; whatever parses re-encodes to
//! something that parses to the same command; the line reader gives the same lines whatever
//! the split; `read_command` (which frames the usual MAIL and RCPT lines by their own parse)
//! gives what `read_line` then `command_with` give.
#![no_main]

use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use smtp_proto::encode;
use smtp_proto::framing::LineReader;
use smtp_proto::parse::{self, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let line = Bytes::copy_from_slice(data);
    for opts in [ParseOptions::default(), ParseOptions::lenient()] {
        if let Ok(cmd) = parse::command_with(&line, &opts) {
            let mut b = BytesMut::new();
            encode::command(&cmd, &mut b);
            assert!(b.ends_with(b"\r\n"));
            let enc = b.split_to(b.len() - 2).freeze();
            let again = parse::command_with(&enc, &opts);
            assert_eq!(again.as_ref(), Ok(&cmd), "{:?} -> {:?}", line, enc);
        }
    }
    let _ = parse::sasl_response(data);

    // framing: whole vs split in two
    let read = |cut: usize| {
        let mut r = LineReader::new(64);
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for part in [&data[..cut], &data[cut..]] {
            buf.extend_from_slice(part);
            loop {
                match r.read_line(&mut buf) {
                    Ok(Some(l)) => out.push(Ok(l)),
                    Ok(None) => break,
                    Err(e) => out.push(Err(e.kind)),
                }
            }
        }
        out
    };
    if !data.is_empty() {
        let cut = usize::from(data[0]) % data.len();
        assert_eq!(read(0), read(cut));
    }

    // read_command against read_line + command_with, under both options and a tight limit,
    // the bytes arriving in two pieces
    let cut = data.first().map_or(0, |&b| usize::from(b) % data.len());
    for opts in [ParseOptions::default(), ParseOptions::lenient()] {
        let (mut a, mut b) = (LineReader::new(64), LineReader::new(64));
        let (mut abuf, mut bbuf) = (BytesMut::new(), BytesMut::new());
        for part in [&data[..cut], &data[cut..]] {
            abuf.extend_from_slice(part);
            bbuf.extend_from_slice(part);
            loop {
                let ours = a
                    .read_command(&mut abuf, &opts)
                    .map(|r| r.map_err(|e| e.kind));
                let theirs = match b.read_line(&mut bbuf) {
                    Ok(None) => None,
                    Ok(Some(l)) => Some(parse::command_with(&l, &opts).map_err(|e| e.kind)),
                    Err(e) => Some(Err(e.kind)),
                };
                assert_eq!(ours, theirs);
                assert_eq!(abuf, bbuf);
                if ours.is_none() {
                    break;
                }
            }
        }
    }
});
