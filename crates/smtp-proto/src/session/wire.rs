//! The sessions' use of the wire layer, in one place: reply encoding and DATA content framing.

use bytes::{Buf, Bytes, BytesMut};

use crate::types::Reply;

/// Appends `reply` to `out`.
pub(crate) fn encode_reply(reply: &Reply, out: &mut BytesMut) {
    crate::encode::reply(reply, out);
}

/// Appends a `334` challenge line to `out`.
pub(crate) fn encode_auth_challenge(challenge: &[u8], out: &mut BytesMut) {
    crate::encode::auth_challenge(challenge, out);
}

/// One step of DATA content decoding.
#[derive(Debug)]
pub(crate) enum DataStep {
    /// Content bytes, dot-unstuffed.
    Chunk(Bytes),
    /// `<CRLF>.<CRLF>` was consumed: the content is complete.
    End,
    /// Nothing more can be decided without more input.
    NeedMore,
}

/// Decodes DATA content (RFC 5321 §4.1.1.4, §4.5.2): removes the leading dot of stuffed lines
/// (the first line too) and ends only at `<CRLF>.<CRLF>` (the start of the content counts as a
/// line start, so an empty message is just `.<CRLF>`). A bare CR or LF never starts a line: it
/// is passed on and remembered (`saw_bare_line_ending`), which defeats the "SMTP smuggling"
/// end-of-data look-alikes (`<LF>.<LF>`, `<LF>.<CRLF>`, `<CR>.<CR>`, `<CRLF>.<CR><CRLF>`, ...).
#[derive(Debug)]
pub(crate) struct DataDecoder {
    /// The next byte starts a line (after CRLF, or at the start).
    line_start: bool,
    bare_line_ending: bool,
}

impl DataDecoder {
    pub(crate) fn new() -> Self {
        Self {
            line_start: true,
            bare_line_ending: false,
        }
    }

    /// True once a bare CR or LF was seen in the content.
    pub(crate) fn saw_bare_line_ending(&self) -> bool {
        self.bare_line_ending
    }

    /// Takes the next piece of content from the front of `buf`.
    pub(crate) fn decode(&mut self, buf: &mut BytesMut) -> DataStep {
        let mut pos = 0;
        loop {
            if self.line_start {
                let Some(&first) = buf.get(pos) else { break };
                if first == b'.' {
                    let rest = &buf[pos..];
                    if rest.len() < 2 || (rest[1] == b'\r' && rest.len() < 3) {
                        break;
                    }
                    if pos > 0 {
                        // Hand out what comes before; the dot is handled on the next call.
                        return DataStep::Chunk(buf.split_to(pos).freeze());
                    }
                    if rest[1] == b'\r' && rest[2] == b'\n' {
                        buf.advance(3);
                        return DataStep::End;
                    }
                    // A stuffed line: drop the dot.
                    buf.advance(1);
                }
                self.line_start = false;
            }
            match memchr::memchr2(b'\r', b'\n', &buf[pos..]) {
                None => {
                    pos = buf.len();
                    break;
                }
                Some(off) => {
                    let p = pos + off;
                    if buf[p] == b'\n' {
                        self.bare_line_ending = true;
                        pos = p + 1;
                    } else if p + 1 >= buf.len() {
                        // A CR at the end: wait for the next byte.
                        pos = p;
                        break;
                    } else if buf[p + 1] == b'\n' {
                        pos = p + 2;
                        self.line_start = true;
                    } else {
                        self.bare_line_ending = true;
                        pos = p + 1;
                    }
                }
            }
        }
        if pos > 0 {
            DataStep::Chunk(buf.split_to(pos).freeze())
        } else {
            DataStep::NeedMore
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &[&[u8]]) -> (Vec<u8>, bool, bool, Vec<u8>) {
        let mut d = DataDecoder::new();
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        let mut ended = false;
        for piece in input {
            buf.extend_from_slice(piece);
            loop {
                match d.decode(&mut buf) {
                    DataStep::Chunk(c) => out.extend_from_slice(&c),
                    DataStep::End => {
                        ended = true;
                        break;
                    }
                    DataStep::NeedMore => break,
                }
            }
            if ended {
                break;
            }
        }
        (out, ended, d.saw_bare_line_ending(), buf.to_vec())
    }

    #[test]
    fn empty_message() {
        assert_eq!(run(&[b".\r\nQUIT\r\n"]), (vec![], true, false, b"QUIT\r\n".to_vec()));
    }

    #[test]
    fn unstuffs_first_and_later_lines() {
        let (out, ended, bare, rest) = run(&[b"..a\r\nb\r\n..c\r\n.\r\nX"]);
        assert_eq!(out, b".a\r\nb\r\n.c\r\n");
        assert!(ended && !bare);
        assert_eq!(rest, b"X");
    }

    #[test]
    fn split_everywhere_gives_the_same() {
        let input: &[u8] = b"..a\r\nb\r\n..c\r\n\r\n.\r\nX";
        for i in 0..input.len() {
            for j in i..input.len() {
                let (out, ended, _, _) = run(&[&input[..i], &input[i..j], &input[j..]]);
                assert_eq!(out, b".a\r\nb\r\n.c\r\n\r\n", "split {i} {j}");
                assert!(ended);
            }
        }
    }

    #[test]
    fn smuggling_lookalikes_do_not_end_the_data() {
        for seq in [
            &b"a\n.\nb"[..],
            b"a\n.\r\nb",
            b"a\r.\r\nb",
            b"a\r\n.\rb",
            b"a\r\n.\r\r\nb",
            b"a\r\n\x00.\r\nb",
        ] {
            let (_, ended, _, _) = run(&[seq]);
            assert!(!ended, "{seq:?} ended the data");
        }
        let (_, _, bare, _) = run(&[b"a\n.\r\nb"]);
        assert!(bare);
    }
}
