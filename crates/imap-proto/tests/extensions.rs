//! Known answers for the newer extensions, each from its specification's examples:
//! PARTIAL (RFC 9394), PREVIEW (RFC 8970) and Gmail's X-GM-EXT-1 (Google's IMAP
//! extensions page). Every example is parsed into the expected typed value,
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

/// Asserts that `wire` is a parse error (not a command, not incomplete).
fn assert_refused(wire: &[u8]) {
    let bytes = bytes::Bytes::copy_from_slice(wire);
    let status = imap_proto::parse::command(&bytes, &Default::default());
    assert!(
        status.is_err(),
        "{} -> {status:?}",
        String::from_utf8_lossy(wire)
    );
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
        assert_refused(wire);
    }
}

/// RFC 9394 section 4: PARTIAL as a FETCH modifier pages through the messages of the set,
/// alone and next to CONDSTORE's CHANGEDSINCE; a range PARTIAL refuses in SEARCH is
/// refused here too.
#[test]
fn partial_fetch_modifier() {
    let all = SequenceSet::Items(vec![SeqItem::Range(
        SeqNumber::Value(nz(1)),
        SeqNumber::Largest,
    )]);
    let flags = FetchAttributes::List(vec![FetchAttribute::Flags]);
    known_command(
        b"01 UID FETCH 1:* (FLAGS) (PARTIAL -1:-30)\r\n",
        &CommandBody::Fetch {
            uid: true,
            set: all.clone(),
            attributes: flags.clone(),
            changed_since: None,
            vanished: false,
            partial: Some(PartialRange::Last(nz(1), nz(30))),
        },
    );
    known_command(
        b"02 FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 PARTIAL 31:60)\r\n",
        &CommandBody::Fetch {
            uid: false,
            set: all.clone(),
            attributes: flags.clone(),
            changed_since: Some(12345),
            vanished: false,
            partial: Some(PartialRange::First(nz(31), nz(60))),
        },
    );
    known_command(
        b"03 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 7 VANISHED PARTIAL 1:10)\r\n",
        &CommandBody::Fetch {
            uid: true,
            set: all,
            attributes: flags,
            changed_since: Some(7),
            vanished: true,
            partial: Some(PartialRange::First(nz(1), nz(10))),
        },
    );
    for wire in [
        &b"04 FETCH 1:* (FLAGS) (PARTIAL 0:5)\r\n"[..],
        b"04 FETCH 1:* (FLAGS) (PARTIAL 1:*)\r\n",
        b"04 FETCH 1:* (FLAGS) (PARTIAL -1:5)\r\n",
        b"04 FETCH 1:* (FLAGS) (PARTIAL)\r\n",
    ] {
        assert_refused(wire);
    }
}

/// RFC 5267 ESORT: `SORT RETURN (...)` answers with ESEARCH, and RFC 9394 PARTIAL pages
/// the sorted result; a SORT without RETURN keeps `returns: None`.
#[test]
fn sort_return_options() {
    let date = vec![SortCriterion {
        reverse: false,
        key: SortKey::Date,
    }];
    let utf8 = AString::try_from("UTF-8").expect("astring");
    for (wire, returns) in [
        (
            &b"A283 SORT RETURN (MIN MAX COUNT) (DATE) UTF-8 ALL\r\n"[..],
            Some(vec![
                SearchReturn::Min,
                SearchReturn::Max,
                SearchReturn::Count,
            ]),
        ),
        (
            b"A284 SORT RETURN (PARTIAL -1:-20) (DATE) UTF-8 ALL\r\n",
            Some(vec![SearchReturn::Partial(PartialRange::Last(
                nz(1),
                nz(20),
            ))]),
        ),
        (b"A285 SORT RETURN () (DATE) UTF-8 ALL\r\n", Some(vec![])),
        (b"A286 SORT (DATE) UTF-8 ALL\r\n", None),
    ] {
        known_command(
            wire,
            &CommandBody::Sort {
                uid: false,
                returns,
                criteria: date.clone(),
                charset: utf8.clone(),
                search: vec![SearchKey::All],
            },
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

fn fetch_command(wire: &[u8], attributes: Vec<FetchAttribute>) {
    let CommandBody::Fetch {
        attributes: FetchAttributes::List(parsed),
        ..
    } = command(wire).body
    else {
        panic!("not FETCH with a list: {}", String::from_utf8_lossy(wire));
    };
    assert_eq!(parsed, attributes);
    command_round_trip(&command(wire));
    prefixes_are_incomplete_command(wire);
}

fn fetch_response(wire: &[u8], seq: u32, items: Vec<FetchItem>) {
    known_response(wire, &Response::Data(Data::Fetch { seq, items }));
}

fn istring(value: &str) -> IString {
    IString::try_from(value).expect("string")
}

/// RFC 8970 sections 3.1 and 4: `PREVIEW` and `PREVIEW (LAZY)`; the answers are a
/// string, NIL (LAZY, nothing ready yet), the empty string (no preview possible) and
/// a literal.
#[test]
fn preview() {
    fetch_command(
        b"A1 FETCH 1 (PREVIEW)\r\n",
        vec![FetchAttribute::Preview { lazy: false }],
    );
    fetch_command(
        b"B1 FETCH 1:4 (UID PREVIEW (LAZY))\r\n",
        vec![FetchAttribute::Uid, FetchAttribute::Preview { lazy: true }],
    );
    fetch_response(
        b"* 1 FETCH (PREVIEW \"Preview text!\")\r\n",
        1,
        vec![FetchItem::Preview(Some(istring("Preview text!")))],
    );
    fetch_response(
        b"* 3 FETCH (UID 3 PREVIEW NIL)\r\n",
        3,
        vec![FetchItem::Uid(3), FetchItem::Preview(None)],
    );
    fetch_response(
        b"* 2 FETCH (PREVIEW \"\")\r\n",
        2,
        vec![FetchItem::Preview(Some(istring("")))],
    );
    fetch_response(
        b"* 4 FETCH (PREVIEW {13}\r\nPreview\r\ntext)\r\n",
        4,
        vec![FetchItem::Preview(Some(istring("Preview\r\ntext")))],
    );
    // A lone PREVIEW followed by the command's modifiers (imap_roundtrip finding).
    let value = command(b"a1 UID FETCH 1:* PREVIEW (CHANGEDSINCE 5)\r\n");
    assert!(matches!(
        &value.body,
        CommandBody::Fetch { attributes: FetchAttributes::List(attributes), changed_since: Some(5), .. }
            if attributes == &[FetchAttribute::Preview { lazy: false }]
    ));
    command_round_trip(&value);
    // `preview-mod` defines LAZY only; anything else is not a modifier.
    assert_refused(b"A1 FETCH 1 (PREVIEW (EAGER))\r\n");
}

fn system(name: &str) -> GmailLabel {
    GmailLabel::System(Atom::try_from(name).expect("atom"))
}

fn user(name: &str) -> GmailLabel {
    GmailLabel::User(AString::try_from(name).expect("astring"))
}

/// Google's X-GM-EXT-1 page: the FETCH items and their answers.
#[test]
fn gmail_fetch_items() {
    fetch_command(
        b"a008 FETCH 1:4 (X-GM-MSGID X-GM-THRID X-GM-LABELS)\r\n",
        vec![
            FetchAttribute::XGmMsgId,
            FetchAttribute::XGmThrId,
            FetchAttribute::XGmLabels,
        ],
    );
    fetch_response(
        b"* 1 FETCH (X-GM-MSGID 1278455344230334865)\r\n",
        1,
        vec![FetchItem::XGmMsgId(1_278_455_344_230_334_865)],
    );
    fetch_response(
        b"* 1 FETCH (X-GM-THRID 1266894439832287888)\r\n",
        1,
        vec![FetchItem::XGmThrId(1_266_894_439_832_287_888)],
    );
    fetch_response(
        b"* 1 FETCH (X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\"))\r\n",
        1,
        vec![FetchItem::XGmLabels(vec![
            system("Inbox"),
            system("Sent"),
            user("Important"),
            user("Muy Importante"),
        ])],
    );
    fetch_response(
        b"* 2 FETCH (X-GM-LABELS (foo))\r\n",
        2,
        vec![FetchItem::XGmLabels(vec![user("foo")])],
    );
    fetch_response(
        b"* 3 FETCH (X-GM-LABELS ())\r\n",
        3,
        vec![FetchItem::XGmLabels(vec![])],
    );
    fetch_response(
        b"* 4 FETCH (X-GM-LABELS (\\Drafts))\r\n",
        4,
        vec![FetchItem::XGmLabels(vec![system("Drafts")])],
    );
}

/// Google's X-GM-EXT-1 page: the search keys and the label STORE.
#[test]
fn gmail_search_and_store() {
    let search = |wire: &[u8], key: SearchKey| {
        known_command(
            wire,
            &CommandBody::Search {
                uid: false,
                returns: None,
                charset: None,
                criteria: vec![key],
            },
        );
    };
    search(
        b"a010 SEARCH X-GM-RAW \"has:attachment in:unread\"\r\n",
        SearchKey::XGmRaw(AString::try_from("has:attachment in:unread").expect("astring")),
    );
    search(
        b"a011 SEARCH X-GM-MSGID 1278455344230334865\r\n",
        SearchKey::XGmMsgId(1_278_455_344_230_334_865),
    );
    search(
        b"a012 SEARCH X-GM-THRID 1266894439832287888\r\n",
        SearchKey::XGmThrId(1_266_894_439_832_287_888),
    );
    search(
        b"a013 SEARCH X-GM-LABELS foo\r\n",
        SearchKey::XGmLabels(user("foo")),
    );
    known_command(
        b"a014 STORE 1 +X-GM-LABELS (foo)\r\n",
        &CommandBody::StoreGmailLabels {
            uid: false,
            set: set(&[(1, 1)]),
            kind: StoreKind::Add,
            silent: false,
            labels: vec![user("foo")],
        },
    );
    known_command(
        b"a015 UID STORE 7 -X-GM-LABELS.SILENT (\\Inbox \"Muy Importante\")\r\n",
        &CommandBody::StoreGmailLabels {
            uid: true,
            set: set(&[(7, 7)]),
            kind: StoreKind::Remove,
            silent: true,
            labels: vec![system("Inbox"), user("Muy Importante")],
        },
    );
    fetch_response(
        b"* 1 FETCH (X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\" foo))\r\n",
        1,
        vec![FetchItem::XGmLabels(vec![
            system("Inbox"),
            system("Sent"),
            user("Important"),
            user("Muy Importante"),
            user("foo"),
        ])],
    );
}
