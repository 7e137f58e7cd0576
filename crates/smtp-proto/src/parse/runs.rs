//! Runs of one character class, and the first of two octets, eight octets at a time.
//!
//! Why: the byte-at-a-time loops of the address and parameter grammar leave through a branch
//! the predictor cannot learn (labels and values have every length), and that exit costs more
//! than the loop. Testing a word at a time with carry-free arithmetic finds the end of a run in
//! a few operations per eight octets and leaves once per run, not once per octet. Each class
//! test is exact per octet; the class table's predicates stay the reference (see the tests).

use super::{is_esmtp_value, is_ldh};

/// The high bit of every octet.
const HI: u64 = 0x8080_8080_8080_8080;
/// 1 in every octet.
const ONES: u64 = 0x0101_0101_0101_0101;

/// `b` in every octet.
const fn splat(b: u8) -> u64 {
    ONES * b as u64
}

/// High bit of each octet of `y` (octets below 0x80) that is at least `lo` (at most 0x80).
/// `y | HI` makes every octet at least 0x80, so the subtraction never borrows across octets.
#[inline(always)]
fn at_least(y: u64, lo: u8) -> u64 {
    ((y | HI) - splat(lo)) & HI
}

/// High bit of each octet of `y` (octets below 0x80) that differs from `b` (below 0x80).
#[inline(always)]
fn differs(y: u64, b: u8) -> u64 {
    at_least(y ^ splat(b), 1)
}

/// `esmtp-value` octets (RFC 5321 §4.1.2: %d33-60 / %d62-126, and UTF-8 octets, checked
/// later against SMTPUTF8): the high bit of each.
#[inline(always)]
fn value_octets(w: u64) -> u64 {
    let high = w & HI;
    let y = w & !HI;
    high | (at_least(y, 33) & !at_least(y, 127) & differs(y, b'='))
}

/// Letters, digits and `-` (the octets of a keyword or a domain label): the high bit of each.
#[inline(always)]
fn ldh_octets(w: u64) -> u64 {
    let y = w & !HI;
    // A letter in either case is a lower-case letter once 0x20 is set.
    let lower = y | splat(0x20);
    let letter = at_least(lower, b'a') & !at_least(lower, b'z' + 1);
    // `-` `.` `/` and the digits are contiguous; `.` and `/` are left out.
    let digit_dash =
        at_least(y, b'-') & !at_least(y, b'9' + 1) & differs(y, b'.') & differs(y, b'/');
    (letter | digit_dash) & !w & HI
}

/// The octets of a SASL mechanism name (RFC 4422 `sasl-mech`: letters, digits, `-`, `_`):
/// the high bit of each.
#[inline(always)]
fn mech_octets(w: u64) -> u64 {
    ldh_octets(w) | (!differs(w & !HI, b'_') & !w & HI)
}

/// The length of the run of octets at the start of `s` that `class` (word test) accepts;
/// `octet` is the same test for one octet, for inputs shorter than a word.
#[inline(always)]
fn run(s: &[u8], class: impl Fn(u64) -> u64, octet: impl Fn(u8) -> bool) -> usize {
    let mut i = 0;
    while let Some(word) = s[i..].first_chunk::<8>() {
        let outside = !class(u64::from_le_bytes(*word)) & HI;
        if outside != 0 {
            return i + (outside.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    if i == s.len() {
        return i;
    }
    // The tail: the last eight octets again, of which the first `8 - tail` were accepted.
    match s.last_chunk::<8>() {
        Some(word) => {
            let tail = s.len() - i;
            let outside = !class(u64::from_le_bytes(*word)) & HI & (!0 << (8 * (8 - tail)));
            if outside == 0 {
                s.len()
            } else {
                s.len() - 8 + (outside.trailing_zeros() / 8) as usize
            }
        }
        None => s.iter().take_while(|&&b| octet(b)).count(),
    }
}

/// The length of the `esmtp-value` at the start of `s`.
#[inline(always)]
pub(super) fn value_len(s: &[u8]) -> usize {
    run(s, value_octets, is_esmtp_value)
}

/// [`value_len`] of ASCII octets only (a non-ASCII octet ends the value).
#[inline(always)]
pub(super) fn ascii_value_len(s: &[u8]) -> usize {
    run(
        s,
        |w| value_octets(w) & !w,
        |b| b < 0x80 && is_esmtp_value(b),
    )
}

/// The length of the run of `sasl-mech` octets (letters, digits, `-`, `_`) at the start of
/// `s`.
#[inline(always)]
pub(crate) fn mech_len(s: &[u8]) -> usize {
    run(s, mech_octets, |b| is_ldh(b) || b == b'_')
}

/// The length of the `esmtp-keyword` (letters, digits, `-`) at the start of `s`.
#[inline(always)]
pub(super) fn keyword_len(s: &[u8]) -> usize {
    run(s, ldh_octets, is_ldh)
}

/// True when every octet of `s` is ASCII, eight at a time (the last eight again for the
/// tail): short texts are tested in a few operations, where `str::from_utf8` is a call.
#[inline(always)]
pub(crate) fn is_ascii(s: &[u8]) -> bool {
    let mut high = 0;
    let mut words = s.chunks_exact(8);
    for w in words.by_ref() {
        high |= u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
    }
    match s.last_chunk::<8>() {
        Some(last) => high |= u64::from_le_bytes(*last),
        None => high = s.iter().fold(0, |h, &b| h | u64::from(b)),
    }
    high & HI == 0
}

/// `w` with its lower-case ASCII letters in upper case. A lower-case letter is at least 0x61,
/// so taking 0x20 from it never borrows from the next octet.
#[inline(always)]
fn to_upper(w: u64) -> u64 {
    let y = w & !HI;
    let lower = at_least(y, b'a') & !at_least(y, b'z' + 1) & !w & HI;
    w - (lower >> 2)
}

/// Four to eight octets in one word: the first four and the last four (which overlap when
/// there are fewer than eight).
#[inline(always)]
fn pack(s: &[u8]) -> Option<u64> {
    let (first, last) = (s.first_chunk::<4>()?, s.last_chunk::<4>()?);
    Some(u64::from(u32::from_le_bytes(*first)) | u64::from(u32::from_le_bytes(*last)) << 32)
}

/// True when `s` is `k` (upper case) ignoring ASCII case, compared eight octets at a time.
///
/// Why: keywords are matched against a handful of constants per line; a word per compare
/// (the constant's side folds away) is a few operations where an octet loop is one per octet.
#[inline(always)]
pub(crate) fn keyword_eq(s: &[u8], k: &[u8]) -> bool {
    if s.len() != k.len() {
        return false;
    }
    if s.len() <= 8 {
        return match (pack(s), pack(k)) {
            (Some(a), Some(b)) => to_upper(a) == b,
            _ => s.iter().zip(k).all(|(a, b)| a.to_ascii_uppercase() == *b),
        };
    }
    let word = |x: &[u8], at: usize| {
        x.get(at..)
            .and_then(<[u8]>::first_chunk::<8>)
            .map(|w| u64::from_le_bytes(*w))
    };
    let mut at = 0;
    loop {
        // The last word ends at the end (overlapping the one before it).
        let at_ = at.min(s.len() - 8);
        if word(s, at_).map(to_upper) != word(k, at_) {
            return false;
        }
        at += 8;
        if at >= s.len() {
            return true;
        }
    }
}

/// The offset of the first `a` or `b` in `s`. Reply lines are short: eight bytes at a time
/// in a register find the end sooner than a call to a vectorised search, which takes over
/// after 64 octets. (At 32, the longer lines of a multi-line or EHLO reply paid for the
/// call: two-line replies and the typed EHLO were 4% slower, single-line replies no faster.)
#[inline(always)]
pub(crate) fn find_byte2(s: &[u8], a: u8, b: u8) -> Option<usize> {
    let mut at = 0;
    while at < 64 {
        let Some(word) = s.get(at..).and_then(<[u8]>::first_chunk::<8>) else {
            break;
        };
        let w = u64::from_le_bytes(*word);
        let (x, y) = (w ^ splat(a), w ^ splat(b));
        // A byte is zero in `x` or `y` exactly where `w` has `a` or `b`; the lowest flag is
        // exact (borrows only disturb the flags above a zero byte).
        let found = ((x.wrapping_sub(ONES) & !x) | (y.wrapping_sub(ONES) & !y)) & HI;
        if found != 0 {
            return Some(at + found.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let rest = s.get(at..)?;
    if rest.len() < 8 {
        // The tail of the buffer (often the end of a reply that ends it): a few octets.
        return rest.iter().position(|&c| c == a || c == b).map(|p| at + p);
    }
    memchr::memchr2(a, b, rest).map(|p| at + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_eq_is_a_case_blind_compare() {
        for k in [
            &b"DSN"[..],
            b"AUTH",
            b"ORCPT",
            b"8BITMIME",
            b"PIPELINING",
            b"ENHANCEDSTATUSCODES",
        ] {
            assert!(keyword_eq(k, k));
            let lower = k.to_ascii_lowercase();
            assert!(keyword_eq(&lower, k));
            for at in 0..k.len() {
                // every other octet in every place: only the two cases of a letter match
                for b in 0..=255u8 {
                    let mut s = k.to_vec();
                    s[at] = b;
                    let same = b.to_ascii_uppercase() == k[at];
                    assert_eq!(keyword_eq(&s, k), same, "{:?} {b:#x} at {at}", k);
                }
            }
            assert!(!keyword_eq(&k[1..], k));
        }
    }

    #[test]
    fn word_tests_agree_with_octet_tests_for_every_octet_at_every_place() {
        for b in 0..=255u8 {
            for place in 0..8 {
                // The octet among neighbours of both classes, so no borrow or carry from
                // them can hide a wrong answer.
                for filler in [b'a', b' ', 0x00, 0xFF, b'=', b'.'] {
                    let mut word = [filler; 8];
                    word[place] = b;
                    let w = u64::from_le_bytes(word);
                    let bit = 0x80u64 << (8 * place);
                    let value = is_esmtp_value(b);
                    assert_eq!(value_octets(w) & bit != 0, value, "value {b:#x} at {place}");
                    assert_eq!(ldh_octets(w) & bit != 0, is_ldh(b), "ldh {b:#x} at {place}");
                    let mech = b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
                    assert_eq!(mech_octets(w) & bit != 0, mech, "mech {b:#x} at {place}");
                }
            }
        }
    }

    #[test]
    fn is_ascii_agrees_with_std_at_every_length_and_place() {
        for len in 0..40 {
            let mut s = vec![b'a'; len];
            assert!(is_ascii(&s), "{len}");
            for at in 0..len {
                s[at] = 0x80;
                assert!(!is_ascii(&s), "{len}/{at}");
                s[at] = 0x7F;
                assert!(is_ascii(&s), "{len}/{at}");
            }
        }
    }

    #[test]
    fn a_run_ends_at_the_first_octet_outside_at_every_length() {
        for len in 0..40 {
            for stop in 0..=len {
                let mut s = vec![b'x'; len];
                if stop < len {
                    s[stop] = b' ';
                }
                assert_eq!(value_len(&s), stop, "value {len}/{stop}");
                assert_eq!(ascii_value_len(&s), stop, "ascii value {len}/{stop}");
                assert_eq!(keyword_len(&s), stop, "keyword {len}/{stop}");
                if stop < len {
                    s[stop] = 0xC3;
                    assert_eq!(value_len(&s), len, "value é {len}/{stop}");
                    assert_eq!(ascii_value_len(&s), stop, "ascii value é {len}/{stop}");
                    s[stop] = b'=';
                    assert_eq!(value_len(&s), stop, "value = {len}/{stop}");
                    s[stop] = b'.';
                    assert_eq!(keyword_len(&s), stop, "keyword . {len}/{stop}");
                }
            }
        }
    }
}
