//! What the first line of a message is, read as its bytes go by.
//!
//! The framer needs two facts about a message's first line before it can read a
//! `{n}` at the line's end: whether a client's line is an APPEND (its literal has its
//! own limit) and whether a server's line is a status response or continuation
//! request (whose free text may end in `{n}` without that being a literal). A line
//! that is too long is dropped in pieces before it ends, so both facts are decided
//! from the bytes as they pass, and come out the same however the stream was cut.

/// The second word is kept up to this length: the longest word asked about is
/// `PREAUTH` (7), plus a CR when the word ends the line.
const WORD: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Scan {
    /// Nothing seen yet.
    #[default]
    Start,
    /// Inside the first word (the tag, `*` or `+`).
    First,
    /// Inside the second word.
    Second,
    /// The second word is over (or too long to matter).
    Done,
}

/// The first word's first byte and the line's second word.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct FirstLine {
    scan: Scan,
    plus: bool,
    word: [u8; WORD],
    len: usize,
    too_long: bool,
}

impl FirstLine {
    /// Takes the next bytes of the first line (without its LF).
    pub(super) fn feed(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            match self.scan {
                Scan::Start => {
                    self.plus = byte == b'+';
                    self.scan = if byte == b' ' {
                        Scan::Second
                    } else {
                        Scan::First
                    };
                }
                Scan::First if byte == b' ' => self.scan = Scan::Second,
                Scan::First => {}
                Scan::Second if byte == b' ' => self.scan = Scan::Done,
                Scan::Second if self.len < WORD => {
                    self.word[self.len] = byte;
                    self.len += 1;
                }
                Scan::Second => {
                    self.too_long = true;
                    self.scan = Scan::Done;
                }
                Scan::Done => return,
            }
        }
    }

    /// The second word, without a CR that ended the line; `None` when the line has a
    /// single word.
    fn second_word(&self) -> Option<&[u8]> {
        if matches!(self.scan, Scan::Start | Scan::First) || self.too_long {
            return None;
        }
        let word = &self.word[..self.len];
        Some(word.strip_suffix(b"\r").unwrap_or(word))
    }

    /// `tag APPEND ...`.
    pub(super) fn is_append(&self) -> bool {
        self.second_word()
            .is_some_and(|word| word.eq_ignore_ascii_case(b"APPEND"))
    }

    /// A continuation request (`+ ...`) or a status response (`tag OK ...`).
    pub(super) fn is_text(&self) -> bool {
        self.plus
            || self.second_word().is_some_and(|word| {
                [&b"OK"[..], b"NO", b"BAD", b"BYE", b"PREAUTH"]
                    .iter()
                    .any(|status| word.eq_ignore_ascii_case(status))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(line: &[u8]) -> FirstLine {
        let mut first = FirstLine::default();
        first.feed(line);
        first
    }

    #[test]
    fn decides_from_the_second_word() {
        assert!(whole(b"a1 APPEND INBOX {5}").is_append());
        assert!(!whole(b"a1 APPENDX INBOX {5}").is_append());
        assert!(whole(b"* OK [ALERT] see {5}\r").is_text());
        assert!(whole(b"t21 preauth\r").is_text());
        assert!(whole(b"+ go ahead {3}").is_text());
        assert!(!whole(b"* 1 FETCH (BODY[] {5}").is_text());
        assert!(!whole(b"OK").is_text());
        assert!(!whole(b"* OKAYISH {5}").is_text());
        assert!(!whole(b"").is_text());
    }

    /// Any cut of the line gives the same answers as the whole line (a long garbage
    /// tag before ` OK` once made a line dropped in pieces look like data).
    #[test]
    fn any_split_gives_the_same_answer() {
        let mut tag = b"t21".to_vec();
        tag.extend(std::iter::repeat_n(0x15, 120));
        for rest in [
            &b" OK Search done {20}\r"[..],
            b" APPEND x {3}",
            b" PREAUTH\r",
            b"+",
        ] {
            let line = [&tag[..], rest].concat();
            let expected = whole(&line);
            for cut in 0..=line.len() {
                let mut first = FirstLine::default();
                first.feed(&line[..cut]);
                first.feed(&line[cut..]);
                assert_eq!(first.is_text(), expected.is_text(), "cut {cut}");
                assert_eq!(first.is_append(), expected.is_append(), "cut {cut}");
            }
        }
    }
}
