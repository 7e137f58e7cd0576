//! Known answers for framing: lines, unstuffing, stuffing, TOP.

use bytes::{Bytes, BytesMut};

use super::*;

fn unstuff_all(chunks: &[&[u8]]) -> (Vec<u8>, bool, usize) {
    let mut d = DotUnstuffer::new(1 << 20);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut ended = false;
    for c in chunks {
        buf.extend_from_slice(c);
        while let Some(piece) = d.decode(&mut buf).expect("within limits") {
            match piece {
                Unstuffed::Data(b) => out.extend_from_slice(&b),
                Unstuffed::End => {
                    ended = true;
                    return (out, ended, buf.len());
                }
            }
        }
    }
    (out, ended, buf.len())
}

fn stuff_all(chunks: &[&[u8]]) -> Vec<u8> {
    stuff_with(DotStuffer::new(), chunks)
}

fn stuff_with(mut s: DotStuffer, chunks: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for c in chunks {
        s.stuff(Bytes::copy_from_slice(c), |b| out.extend_from_slice(&b));
    }
    s.finish(|b| out.extend_from_slice(&b));
    out
}

#[test]
fn lines_are_cut_with_limit_and_resync() {
    let mut r = LineReader::new(8);
    let mut buf = BytesMut::from(&b"STAT\r\nNO"[..]);
    assert_eq!(
        r.next_line(&mut buf),
        Some(Line::Complete {
            line: Bytes::from_static(b"STAT"),
            bare_lf: false
        })
    );
    assert_eq!(r.next_line(&mut buf), None);
    buf.extend_from_slice(b"OP\nTHIS IS TOO LONG");
    assert_eq!(
        r.next_line(&mut buf),
        Some(Line::Complete {
            line: Bytes::from_static(b"NOOP"),
            bare_lf: true
        })
    );
    assert_eq!(r.next_line(&mut buf), None);
    assert!(r.is_discarding());
    buf.extend_from_slice(b" STILL\r\nQUIT\r\n");
    assert_eq!(r.next_line(&mut buf), Some(Line::TooLong));
    assert_eq!(
        r.next_line(&mut buf),
        Some(Line::Complete {
            line: Bytes::from_static(b"QUIT"),
            bare_lf: false
        })
    );
    // Exactly at the limit (CRLF included) is fine, one more is not.
    let mut buf = BytesMut::from(&b"123456\r\n1234567\r\n"[..]);
    assert!(matches!(r.next_line(&mut buf), Some(Line::Complete { .. })));
    assert_eq!(r.next_line(&mut buf), Some(Line::TooLong));
}

#[test]
fn unstuffing_known_answers() {
    let table: &[(&[u8], &[u8])] = &[
        (b".\r\n", b""),
        (b"a\r\n.\r\n", b"a\r\n"),
        (b"..\r\n.\r\n", b".\r\n"),
        (b"...\r\n.\r\n", b"..\r\n"),
        (b"..x\r\n.\r\n", b".x\r\n"),
        (b"a\r\n..\r\nb\r\n.\r\n", b"a\r\n.\r\nb\r\n"),
        (b"a.\r\n.b\r\n.\r\n", b"a.\r\nb\r\n"),
        (b"\r\n\r\n.\r\n", b"\r\n\r\n"),
        (b"x\r\n.\r\ntrailing", b"x\r\n"),
    ];
    for &(wire, content) in table {
        let (out, ended, _) = unstuff_all(&[wire]);
        assert!(ended, "{}", String::from_utf8_lossy(wire));
        assert_eq!(out, content, "{}", String::from_utf8_lossy(wire));
    }
    // What follows the terminator stays in the buffer.
    assert_eq!(unstuff_all(&[b"x\r\n.\r\n+OK\r\n"]).2, 5);
    // No terminator yet.
    assert!(!unstuff_all(&[b"a\r\n.\r"]).1);
    assert!(!unstuff_all(&[b"a\r\n.."]).1);
}

#[test]
fn unstuffing_every_split_of_tricky_bodies() {
    let wires: &[&[u8]] = &[
        b"a\r\n..\r\n...\r\n.x\r\n\r\n.\r\n",
        b"..\r\n.\r\n",
        b".\r\n",
        b"line\r\n.\r\n",
    ];
    for wire in wires {
        let whole = unstuff_all(&[wire]);
        for i in 0..=wire.len() {
            for j in i..=wire.len() {
                let got = unstuff_all(&[&wire[..i], &wire[i..j], &wire[j..]]);
                assert_eq!(
                    got,
                    whole,
                    "split {i}/{j} of {}",
                    String::from_utf8_lossy(wire)
                );
            }
        }
    }
}

#[test]
fn unstuffing_enforces_content_line_limit() {
    let mut d = DotUnstuffer::new(10);
    let mut buf = BytesMut::from(&b"123456789\r\n"[..]);
    assert!(d.decode(&mut buf).is_err());
    let mut d = DotUnstuffer::new(11);
    let mut buf = BytesMut::from(&b"123456789\r\n.\r\n"[..]);
    assert!(matches!(d.decode(&mut buf), Ok(Some(Unstuffed::Data(_)))));
    let mut d = DotUnstuffer::new(11);
    let mut buf = BytesMut::from(&b"123456"[..]);
    assert!(d.decode(&mut buf).is_ok());
    buf.extend_from_slice(b"789012\r\n");
    assert!(d.decode(&mut buf).is_err());
}

#[test]
fn stuffing_known_answers() {
    let table: &[(&[u8], &[u8])] = &[
        (b"", b".\r\n"),
        (b"a\r\n", b"a\r\n.\r\n"),
        (b".\r\n", b"..\r\n.\r\n"),
        (b".a\r\n..b\r\n", b"..a\r\n...b\r\n.\r\n"),
        (b"a\r\n.\r\nb\r\n", b"a\r\n..\r\nb\r\n.\r\n"),
        (b"no newline", b"no newline\r\n.\r\n"),
        (b"ends in cr\r", b"ends in cr\r\n.\r\n"),
        (b"bare\nlf\n.dot\n", b"bare\r\nlf\r\n..dot\r\n.\r\n"),
        (b"a.b\r\n", b"a.b\r\n.\r\n"),
    ];
    for &(content, wire) in table {
        assert_eq!(
            stuff_all(&[content]),
            wire,
            "{}",
            String::from_utf8_lossy(content)
        );
    }
}

#[test]
fn stuffing_every_split_is_the_same() {
    let content: &[u8] = b".first\r\nbare\n.\n..\r\n.\r\nlast.\r";
    let whole = stuff_all(&[content]);
    for i in 0..=content.len() {
        for j in i..=content.len() {
            assert_eq!(
                stuff_all(&[&content[..i], &content[i..j], &content[j..]]),
                whole,
                "{i}/{j}"
            );
        }
    }
    // And unstuffing gives the CRLF-normalised content back.
    let (back, ended, _) = unstuff_all(&[&whole]);
    assert!(ended);
    assert_eq!(back, b".first\r\nbare\r\n.\r\n..\r\n.\r\nlast.\r\n");
}

#[test]
fn crlf_content_is_stuffed_the_same_without_the_bare_lf_search() {
    let content: &[u8] = b".first\r\n\r\n..\r\n.\r\nmiddle.\r\n.last";
    let whole = stuff_all(&[content]);
    assert_eq!(
        whole,
        b"..first\r\n\r\n...\r\n..\r\nmiddle.\r\n..last\r\n.\r\n"
    );
    for i in 0..=content.len() {
        for j in i..=content.len() {
            let split = [&content[..i], &content[i..j], &content[j..]];
            assert_eq!(
                stuff_with(DotStuffer::for_crlf_content(), &split),
                whole,
                "{i}/{j}"
            );
        }
    }
    // A bare LF is not looked for, but one before a dot line is found with it: the dot is
    // stuffed and the line ending made CRLF.
    assert_eq!(
        stuff_with(DotStuffer::for_crlf_content(), &[b"a\nb\n.\n"]),
        b"a\nb\r\n..\n.\r\n"
    );
}

fn top(n: u32, chunks: &[&[u8]]) -> Vec<u8> {
    let mut f = TopFilter::new(n);
    let mut out = Vec::new();
    for c in chunks {
        out.extend_from_slice(&f.filter(Bytes::copy_from_slice(c)));
    }
    out
}

#[test]
fn top_counts_body_lines_after_the_blank_line() {
    let msg: &[u8] = b"From: a\r\nSubject: b\r\n\r\nline1\r\nline2\r\nline3\r\n";
    assert_eq!(top(0, &[msg]), b"From: a\r\nSubject: b\r\n\r\n");
    assert_eq!(top(1, &[msg]), b"From: a\r\nSubject: b\r\n\r\nline1\r\n");
    assert_eq!(
        top(2, &[msg]),
        b"From: a\r\nSubject: b\r\n\r\nline1\r\nline2\r\n"
    );
    assert_eq!(top(99, &[msg]), msg);
    // A message without a body is sent whole.
    assert_eq!(top(0, &[b"From: a\r\n"]), b"From: a\r\n");
    // Every split point gives the same answer.
    for n in 0..4 {
        let whole = top(n, &[msg]);
        for i in 0..=msg.len() {
            for j in i..=msg.len() {
                assert_eq!(
                    top(n, &[&msg[..i], &msg[i..j], &msg[j..]]),
                    whole,
                    "n={n} {i}/{j}"
                );
            }
        }
    }
    // A header line of only CR is not mistaken for a blank line boundary across chunks.
    assert_eq!(
        top(0, &[b"A: b\r\n\r", b"\n", b"body\r\n"]),
        b"A: b\r\n\r\n"
    );
}

#[test]
fn bare_lf_and_dot_lines_are_found_at_every_block_edge() {
    let crlf_lines = |len: usize| {
        let mut content = vec![b'x'; len];
        // Lines end at 50, 150, ...: away from the block edges tried below.
        for i in (50..len).step_by(100) {
            content[i - 1] = b'\r';
            content[i] = b'\n';
        }
        content
    };
    let edges = [
        0, 1, 62, 63, 64, 65, 127, 128, 4095, 4096, 4097, 8191, 8192, 9998, 9999,
    ];
    for at in edges {
        let mut content = crlf_lines(10_000);
        content[at] = b'\n';
        if at > 0 {
            content[at - 1] = b'y';
        }
        let stuffed = stuff_all(&[&content]);
        assert!(
            !stuffed.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'),
            "bare LF at {at} normalised"
        );
        let terminator = if content.ends_with(b"\n") { 3 } else { 5 };
        assert_eq!(
            stuffed.len(),
            content.len() + 1 + terminator,
            "one CR added at {at}"
        );
    }
    for at in edges.into_iter().filter(|&at| at < 9998) {
        let mut content = crlf_lines(10_000);
        content[at] = b'\r';
        content[at + 1] = b'\n';
        content[at + 2] = b'.';
        let stuffed = stuff_all(&[&content]);
        let (back, ended, _) = unstuff_all(&[&stuffed]);
        assert!(ended);
        content.extend_from_slice(b"\r\n"); // the terminator's CRLF ends the last line
        assert!(back == content, "dot line after {at} round-trips");
        assert_eq!(
            stuffed.len(),
            content.len() + 1 + 3,
            "one dot added after {at}"
        );
    }
}

/// Stuffing the slow, obvious way: one octet at a time.
fn reference_stuff(content: &[u8]) -> Vec<u8> {
    let mut wire = Vec::new();
    let mut line_start = true;
    for (i, &b) in content.iter().enumerate() {
        if b == b'\n' && (i == 0 || content[i - 1] != b'\r') {
            wire.push(b'\r');
        }
        if line_start && b == b'.' {
            wire.push(b'.');
        }
        wire.push(b);
        line_start = b == b'\n';
    }
    match content.last() {
        None | Some(b'\n') => {}
        Some(b'\r') => wire.push(b'\n'),
        Some(_) => wire.extend_from_slice(b"\r\n"),
    }
    wire.extend_from_slice(b".\r\n");
    wire
}

#[test]
fn dense_line_ends_are_stuffed_as_one_octet_at_a_time() {
    // Content from an alphabet of line ends, dots and a letter, so that blocks hold several
    // LFs needing work, some in the same eight octets; cut several ways.
    let mut state = 0x2545_f491_u32;
    let content: Vec<u8> = (0..20_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            b"aaaa\r\n\n."[(state % 8) as usize]
        })
        .collect();
    let expected = reference_stuff(&content);
    for size in [20_000, 4096, 1000, 129, 128, 127, 7] {
        let chunks: Vec<&[u8]> = content.chunks(size).collect();
        assert!(stuff_all(&chunks) == expected, "chunks of {size}");
    }
}
