//! Known answers for the newer extensions, each from its specification's examples:
//! PARTIAL (RFC 9394). Every example is parsed into the expected typed value,
//! re-encoded and parsed back, and each strict prefix is incomplete.

mod support;

use std::num::NonZeroU32;

use imap_proto::types::*;
use support::*;

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).expect("non-zero")
}

fn set(items: &[(u32, u32)]) -> SequenceSet {
    SequenceSet::Items(
        items
            .iter()
            .map(|&(a, b)| {
                let a = SeqNumber::Value(nz(a));
                if a == SeqNumber::Value(nz(b)) {
                    SeqItem::Single(a)
                } else {
                    SeqItem::Range(a, SeqNumber::Value(nz(b)))
                }
            })
            .collect(),
    )
}

fn known_command(wire: &[u8], expected: &CommandBody) {
    let value = command(wire);
    assert_eq!(&value.body, expected, "{}", String::from_utf8_lossy(wire));
    command_round_trip(&value);
    prefixes_are_incomplete_command(wire);
}

fn known_response(wire: &[u8], expected: &Response) {
    let value = response(wire);
    assert_eq!(&value, expected, "{}", String::from_utf8_lossy(wire));
    response_round_trip(&value);
    prefixes_are_incomplete_response(wire);
}

fn search_keys_undeleted_unkeyword_junk() -> Vec<SearchKey> {
    vec![
        SearchKey::Undeleted,
        SearchKey::Unkeyword(Atom::try_from("$Junk").expect("atom")),
    ]
}

/// RFC 9394 section 3.1: the first and the last page of a UID SEARCH.
#[test]
fn partial_search_commands() {
    for (wire, range) in [
        (
            &b"A01 UID SEARCH RETURN (PARTIAL -1:-100) UNDELETED UNKEYWORD $Junk\r\n"[..],
            PartialRange::Last(nz(1), nz(100)),
        ),
        (
            b"A02 UID SEARCH RETURN (PARTIAL 23500:24000) UNDELETED UNKEYWORD $Junk\r\n",
            PartialRange::First(nz(23500), nz(24000)),
        ),
        (
            b"A04 UID SEARCH RETURN (PARTIAL 24000:24500) UNDELETED UNKEYWORD $Junk\r\n",
            PartialRange::First(nz(24000), nz(24500)),
        ),
    ] {
        known_command(
            wire,
            &CommandBody::Search {
                uid: true,
                returns: Some(vec![SearchReturn::Partial(range)]),
                charset: None,
                criteria: search_keys_undeleted_unkeyword_junk(),
            },
        );
    }
    // With other return options, and in a plain SEARCH (section 3.1: PARTIAL
    // combines with COUNT, MIN and MAX).
    known_command(
        b"A1 SEARCH RETURN (COUNT PARTIAL 1:100) SINCE 1-Jan-2024\r\n",
        &CommandBody::Search {
            uid: false,
            returns: Some(vec![
                SearchReturn::Count,
                SearchReturn::Partial(PartialRange::First(nz(1), nz(100))),
            ]),
            charset: None,
            criteria: vec![SearchKey::Since(Date::new(2024, 1, 1).expect("date"))],
        },
    );
}

/// RFC 9394 section 4: zero, `*`, mixed signs and a single number are not ranges.
#[test]
fn partial_ranges_refuse_what_the_grammar_refuses() {
    for wire in [
        &b"A1 SEARCH RETURN (PARTIAL 0:5) ALL\r\n"[..],
        b"A1 SEARCH RETURN (PARTIAL 1:*) ALL\r\n",
        b"A1 SEARCH RETURN (PARTIAL -1:5) ALL\r\n",
        b"A1 SEARCH RETURN (PARTIAL 1:-5) ALL\r\n",
        b"A1 SEARCH RETURN (PARTIAL 5) ALL\r\n",
        b"A1 SEARCH RETURN (PARTIAL) ALL\r\n",
    ] {
        let bytes = bytes::Bytes::copy_from_slice(wire);
        let status = imap_proto::parse::command(&bytes, &Default::default());
        assert!(
            status.is_err(),
            "{} -> {status:?}",
            String::from_utf8_lossy(wire)
        );
    }
}

/// RFC 9394 section 3.1 responses (the first with a sequence set in place of the
/// RFC's elided `...`).
#[test]
fn partial_esearch_responses() {
    let esearch = |tag: &str, range, results| {
        Response::Data(Data::ESearch {
            tag: Some(AString::try_from(tag).expect("tag")),
            uid: true,
            items: vec![ESearchItem::Partial { range, results }],
        })
    };
    known_response(
        b"* ESEARCH (TAG \"A01\") UID PARTIAL (-1:-100 200:250,252:300)\r\n",
        &esearch(
            "A01",
            PartialRange::Last(nz(1), nz(100)),
            Some(set(&[(200, 250), (252, 300)])),
        ),
    );
    known_response(
        b"* ESEARCH (TAG \"A02\") UID PARTIAL (23500:24000 55500:56000)\r\n",
        &esearch(
            "A02",
            PartialRange::First(nz(23500), nz(24000)),
            Some(set(&[(55500, 56000)])),
        ),
    );
    known_response(
        b"* ESEARCH (TAG \"A04\") UID PARTIAL (24000:24500 NIL)\r\n",
        &esearch("A04", PartialRange::First(nz(24000), nz(24500)), None),
    );
}
