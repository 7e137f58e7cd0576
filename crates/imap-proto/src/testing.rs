//! proptest strategies for every type, for round-trip properties in tests and fuzzing.
//!
//! Every generated value satisfies the type model's invariants, so
//! `parse(encode(x)) == x` must hold for all of them:
//!
//! ```
//! use imap_proto::{encode::Encoder, parse, testing};
//! use proptest::strategy::{Strategy, ValueTree};
//! use proptest::test_runner::TestRunner;
//!
//! let mut runner = TestRunner::deterministic();
//! let command = testing::command().new_tree(&mut runner).unwrap().current();
//! let wire = Encoder::default().command(&command).to_bytes();
//! let parsed = parse::command(&wire, &Default::default()).unwrap().complete();
//! assert_eq!(parsed, Some(command));
//! ```

use std::num::NonZeroU32;

/// The proptest crate these strategies are built with, so fuzz targets and downstream
/// tests use the same version.
pub use proptest;

use bytes::Bytes;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use crate::framing::{Direction, Framer, Limits, Progress};
use crate::types::*;

/// Frames `stream` fed `chunk` bytes at a time, as a session reading the network would, and
/// returns the whole messages (literals streamed in pieces are put back together; a message
/// refused after part of it was streamed is dropped whole). Framing must not depend on the
/// chunking, so this equals the result with `chunk = stream.len()`.
pub fn frame_in_pieces(
    direction: Direction,
    limits: Limits,
    stream: &[u8],
    chunk: usize,
) -> Vec<Vec<u8>> {
    let mut framer = Framer::new(direction, limits);
    let mut buffer = Vec::new();
    let mut current = Vec::new();
    let mut messages = Vec::new();
    for piece in stream.chunks(chunk.max(1)) {
        buffer.extend_from_slice(piece);
        loop {
            match framer.advance(&buffer) {
                Progress::Incomplete => break,
                Progress::ContinuationNeeded { .. } => {}
                Progress::Message { len } => {
                    current.extend(buffer.drain(..len));
                    messages.push(std::mem::take(&mut current));
                }
                Progress::LiteralStarted { head: len, .. } | Progress::LiteralData { len, .. } => {
                    current.extend(buffer.drain(..len))
                }
                Progress::Discard { len, .. } => {
                    assert!(len <= buffer.len(), "discard past the buffer");
                    buffer.drain(..len);
                    current.clear();
                }
            }
        }
    }
    messages
}

fn bytes_from(v: Vec<u8>) -> Bytes {
    Bytes::from(v)
}

/// An atom of letters and digits with a prefix, so it never collides with a keyword.
fn prefixed_atom(prefix: &'static str) -> impl Strategy<Value = Atom> {
    "[A-Za-z0-9]{1,8}"
        .prop_map(move |s| Atom::new(Bytes::from(format!("{prefix}{s}"))).expect("atom"))
}

/// Any atom.
pub fn atom() -> impl Strategy<Value = Atom> {
    "[A-Za-z0-9$_.+-]{1,12}".prop_map(|s| Atom::new(Bytes::from(s)).expect("atom"))
}

/// Any tag.
pub fn tag() -> impl Strategy<Value = Tag> {
    "[A-Za-z0-9.]{1,8}".prop_map(|s| Tag::new(Bytes::from(s)).expect("tag"))
}

/// String content: any bytes but NUL (exercises atoms, quoted strings and literals).
fn string_bytes() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        "[A-Za-z0-9]{0,10}".prop_map(Bytes::from),
        "[ -~]{0,16}".prop_map(Bytes::from),
        "\\PC{0,8}".prop_map(Bytes::from),
        vec(1u8..=255, 0..24).prop_map(bytes_from),
    ]
}

/// Any astring value.
pub fn astring() -> impl Strategy<Value = AString> {
    string_bytes().prop_map(|b| AString::new(b).expect("astring"))
}

/// Any string value.
pub fn istring() -> impl Strategy<Value = IString> {
    string_bytes().prop_map(|b| IString::new(b).expect("istring"))
}

fn nstring() -> impl Strategy<Value = Option<IString>> {
    option::of(istring())
}

/// Response text: never starts with `[`.
pub fn text() -> impl Strategy<Value = Text> {
    "([A-Za-z0-9][ -~]{0,20})?".prop_map(|s| Text::new(Bytes::from(s)).expect("text"))
}

/// Any mailbox.
pub fn mailbox() -> impl Strategy<Value = Mailbox> {
    prop_oneof![
        Just(Mailbox::Inbox),
        vec(1u8..=255, 0..16)
            .prop_filter_map("no CR/LF", |v| { Mailbox::from_wire(Bytes::from(v)).ok() }),
        "[A-Za-z/.]{1,12}".prop_filter_map("valid", |s| Mailbox::try_from(s.as_str()).ok()),
    ]
}

fn nz() -> impl Strategy<Value = NonZeroU32> {
    (1u32..=u32::MAX).prop_map(|n| NonZeroU32::new(n).expect("non-zero"))
}

fn seq_number() -> impl Strategy<Value = SeqNumber> {
    prop_oneof![nz().prop_map(SeqNumber::Value), Just(SeqNumber::Largest)]
}

/// Any sequence set.
pub fn sequence_set() -> impl Strategy<Value = SequenceSet> {
    prop_oneof![
        8 => vec(
            prop_oneof![
                seq_number().prop_map(SeqItem::Single),
                (seq_number(), seq_number()).prop_map(|(a, b)| SeqItem::Range(a, b)),
            ],
            1..5
        )
        .prop_map(|items| SequenceSet::new(items).expect("non-empty")),
        1 => Just(SequenceSet::Saved),
    ]
}

/// Any message flag except `\*`.
pub fn flag() -> impl Strategy<Value = Flag> {
    prop_oneof![
        Just(Flag::Answered),
        Just(Flag::Flagged),
        Just(Flag::Deleted),
        Just(Flag::Seen),
        Just(Flag::Draft),
        Just(Flag::Recent),
        prefixed_atom("$").prop_map(Flag::Keyword),
        prefixed_atom("X").prop_map(Flag::Extension),
    ]
}

fn mailbox_attribute() -> impl Strategy<Value = MailboxAttribute> {
    let known: Vec<MailboxAttribute> = ATTRIBUTES.iter().map(|(_, a)| a.clone()).collect();
    prop_oneof![
        proptest::sample::select(known),
        prefixed_atom("X-").prop_map(MailboxAttribute::Other),
    ]
}

/// Any date.
pub fn date() -> impl Strategy<Value = Date> {
    (0u16..=9999, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| Date::new(y, m, d).expect("date"))
}

/// Any date-time.
pub fn date_time() -> impl Strategy<Value = DateTime> {
    (date(), 0u8..24, 0u8..60, 0u8..61, -99i16..=99, 0i16..60).prop_map(|(d, h, mi, s, zh, zm)| {
        let zone = zh * 60 + if zh < 0 { -zm } else { zm };
        DateTime::new(d, h, mi, s, zone).expect("date-time")
    })
}

/// Any capability.
pub fn capability() -> impl Strategy<Value = Capability> {
    let known: Vec<Capability> = SIMPLE
        .iter()
        .chain(MORE_SIMPLE.iter())
        .map(|(_, c)| c.clone())
        .collect();
    prop_oneof![
        proptest::sample::select(known),
        prefixed_atom("D").prop_map(Capability::Compress),
        prefixed_atom("S").prop_map(Capability::QuotaRes),
        any::<u64>().prop_map(|n| Capability::AppendLimit(Some(n))),
        prefixed_atom("M").prop_map(Capability::Auth),
        prefixed_atom("R").prop_map(Capability::Thread),
        prefixed_atom("X-").prop_map(Capability::Other),
    ]
}

fn objectid() -> impl Strategy<Value = Bytes> {
    "[A-Za-z0-9_-]{1,24}".prop_map(Bytes::from)
}

fn status_attribute() -> impl Strategy<Value = StatusAttribute> {
    prop_oneof![
        Just(StatusAttribute::Messages),
        Just(StatusAttribute::Recent),
        Just(StatusAttribute::UidNext),
        Just(StatusAttribute::UidValidity),
        Just(StatusAttribute::Unseen),
        Just(StatusAttribute::Deleted),
        Just(StatusAttribute::Size),
        Just(StatusAttribute::HighestModSeq),
        Just(StatusAttribute::AppendLimit),
        Just(StatusAttribute::MailboxId),
        Just(StatusAttribute::DeletedStorage),
    ]
}

fn section() -> impl Strategy<Value = Section> {
    (vec(nz(), 0..3), 0u8..6, vec(astring(), 1..3)).prop_map(|(part, kind, names)| {
        let text = match kind {
            0 => None,
            1 => Some(SectionText::Header),
            2 => Some(SectionText::Text),
            3 => Some(SectionText::HeaderFields(names)),
            4 => Some(SectionText::HeaderFieldsNot(names)),
            _ if part.is_empty() => None,
            _ => Some(SectionText::Mime),
        };
        Section { part, text }
    })
}

fn partial() -> impl Strategy<Value = Option<Partial>> {
    option::of((any::<u32>(), nz()).prop_map(|(origin, length)| Partial { origin, length }))
}

/// Any FETCH attribute.
pub fn fetch_attribute() -> impl Strategy<Value = FetchAttribute> {
    prop_oneof![
        Just(FetchAttribute::Envelope),
        Just(FetchAttribute::Flags),
        Just(FetchAttribute::InternalDate),
        Just(FetchAttribute::Rfc822),
        Just(FetchAttribute::Rfc822Header),
        Just(FetchAttribute::Rfc822Size),
        Just(FetchAttribute::Rfc822Text),
        Just(FetchAttribute::Body),
        Just(FetchAttribute::BodyStructure),
        Just(FetchAttribute::Uid),
        Just(FetchAttribute::ModSeq),
        Just(FetchAttribute::EmailId),
        Just(FetchAttribute::ThreadId),
        Just(FetchAttribute::SaveDate),
        (any::<bool>(), section(), partial()).prop_map(|(peek, section, partial)| {
            FetchAttribute::BodySection {
                peek,
                section,
                partial,
            }
        }),
        (any::<bool>(), vec(nz(), 0..3), partial()).prop_map(|(peek, part, partial)| {
            FetchAttribute::Binary {
                peek,
                part,
                partial,
            }
        }),
        vec(nz(), 0..3).prop_map(|part| FetchAttribute::BinarySize { part }),
        any::<bool>().prop_map(|lazy| FetchAttribute::Preview { lazy }),
        Just(FetchAttribute::XGmMsgId),
        Just(FetchAttribute::XGmThrId),
        Just(FetchAttribute::XGmLabels),
    ]
}

/// A Gmail label: a system label (`\Inbox`) or any user label.
pub fn gmail_label() -> impl Strategy<Value = GmailLabel> {
    prop_oneof![
        atom().prop_map(GmailLabel::System),
        astring().prop_map(GmailLabel::User),
    ]
}

/// Any SEARCH key, nested at most three levels.
pub fn search_key() -> impl Strategy<Value = SearchKey> {
    let flags = proptest::sample::select(vec![
        SearchKey::All,
        SearchKey::Answered,
        SearchKey::Deleted,
        SearchKey::Draft,
        SearchKey::Flagged,
        SearchKey::New,
        SearchKey::Old,
        SearchKey::Recent,
        SearchKey::Seen,
        SearchKey::Unanswered,
        SearchKey::Undeleted,
        SearchKey::Undraft,
        SearchKey::Unflagged,
        SearchKey::Unseen,
        SearchKey::SaveDateSupported,
    ]);
    let strings = (0usize..8, astring()).prop_map(|(kind, value)| match kind {
        0 => SearchKey::Bcc(value),
        1 => SearchKey::Body(value),
        2 => SearchKey::Cc(value),
        3 => SearchKey::From(value),
        4 => SearchKey::Subject(value),
        5 => SearchKey::Text(value),
        6 => SearchKey::To(value),
        _ => SearchKey::Bcc(value),
    });
    let dates = (0usize..10, date()).prop_map(|(kind, d)| match kind {
        0 => SearchKey::Before(d),
        1 => SearchKey::On(d),
        2 => SearchKey::Since(d),
        3 => SearchKey::SentBefore(d),
        4 => SearchKey::SentOn(d),
        5 => SearchKey::SentSince(d),
        6 => SearchKey::SavedBefore(d),
        7 => SearchKey::SavedOn(d),
        _ => SearchKey::SavedSince(d),
    });
    let leaf = prop_oneof![
        flags,
        strings,
        dates,
        prefixed_atom("$").prop_map(SearchKey::Unkeyword),
        any::<u64>().prop_map(SearchKey::Smaller),
        (1u32..).prop_map(SearchKey::Older),
        objectid().prop_map(SearchKey::ThreadId),
        (astring(), astring()).prop_map(|(f, v)| SearchKey::Header(f, v)),
        prefixed_atom("$").prop_map(SearchKey::Keyword),
        date().prop_map(SearchKey::Since),
        date().prop_map(SearchKey::SentBefore),
        date().prop_map(SearchKey::SavedOn),
        any::<u64>().prop_map(SearchKey::Larger),
        (1u32..).prop_map(SearchKey::Younger),
        sequence_set().prop_map(SearchKey::Uid),
        sequence_set().prop_map(SearchKey::SequenceSet),
        objectid().prop_map(SearchKey::EmailId),
        (option::of((astring(), prefixed_atom("p"))), any::<u64>())
            .prop_map(|(entry, modseq)| SearchKey::ModSeq { entry, modseq }),
        astring().prop_map(SearchKey::XGmRaw),
        any::<u64>().prop_map(SearchKey::XGmMsgId),
        any::<u64>().prop_map(SearchKey::XGmThrId),
        gmail_label().prop_map(SearchKey::XGmLabels),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|k| SearchKey::Not(Box::new(k))),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| SearchKey::Or(Box::new(a), Box::new(b))),
            vec(inner, 1..3).prop_map(SearchKey::And),
        ]
    })
}

fn flags_no_wildcard() -> impl Strategy<Value = Vec<Flag>> {
    vec(flag(), 0..4)
}

fn command_body() -> impl Strategy<Value = CommandBody> {
    let simple = prop_oneof![
        Just(CommandBody::Capability),
        Just(CommandBody::Noop),
        Just(CommandBody::Logout),
        Just(CommandBody::StartTls),
        Just(CommandBody::Namespace),
        Just(CommandBody::Idle),
        Just(CommandBody::Check),
        Just(CommandBody::Close),
        Just(CommandBody::Unselect),
        Just(CommandBody::Expunge),
        Just(CommandBody::Unauthenticate),
        atom().prop_map(CommandBody::Compress),
        vec(atom(), 1..4).prop_map(CommandBody::Enable),
        mailbox().prop_map(CommandBody::Delete),
        mailbox().prop_map(CommandBody::Subscribe),
        mailbox().prop_map(CommandBody::GetQuotaRoot),
        astring().prop_map(CommandBody::GetQuota),
        sequence_set().prop_map(CommandBody::UidExpunge),
        option::of(vec((istring(), nstring()), 0..3)).prop_map(CommandBody::Id),
    ];
    let mailboxes = prop_oneof![
        (atom(), option::of(vec(any::<u8>(), 0..20))).prop_map(|(mechanism, ir)| {
            CommandBody::Authenticate {
                mechanism,
                initial_response: ir.map(|v| Secret::new(Bytes::from(v))),
            }
        }),
        (astring(), astring()).prop_map(|(username, password)| CommandBody::Login {
            username,
            password: Secret::new(password),
        }),
        (mailbox(), select_parameters(), any::<bool>()).prop_map(
            |(mailbox, parameters, examine)| {
                if examine {
                    CommandBody::Examine {
                        mailbox,
                        parameters,
                    }
                } else {
                    CommandBody::Select {
                        mailbox,
                        parameters,
                    }
                }
            }
        ),
        (mailbox(), vec(mailbox_attribute(), 0..3)).prop_map(|(mailbox, special_use)| {
            CommandBody::Create {
                mailbox,
                special_use,
            }
        }),
        (mailbox(), mailbox()).prop_map(|(from, to)| CommandBody::Rename { from, to }),
        (
            vec(
                prop_oneof![
                    Just(ListSelect::Subscribed),
                    Just(ListSelect::RecursiveMatch),
                    Just(ListSelect::SpecialUse),
                    prefixed_atom("X").prop_map(ListSelect::Other)
                ],
                0..3
            ),
            mailbox(),
            vec(astring(), 1..3),
            vec(
                prop_oneof![
                    Just(ListReturn::Children),
                    Just(ListReturn::SpecialUse),
                    vec(status_attribute(), 1..3).prop_map(ListReturn::Status),
                    prefixed_atom("X").prop_map(ListReturn::Other)
                ],
                0..3
            )
        )
            .prop_map(
                |(selection, reference, patterns, returns)| CommandBody::List {
                    selection,
                    reference,
                    patterns,
                    returns
                }
            ),
        (mailbox(), astring())
            .prop_map(|(reference, pattern)| CommandBody::Lsub { reference, pattern }),
        (mailbox(), vec(status_attribute(), 1..4))
            .prop_map(|(mailbox, items)| CommandBody::Status { mailbox, items }),
        (mailbox(), vec(append_message(), 1..3))
            .prop_map(|(mailbox, messages)| CommandBody::Append { mailbox, messages }),
        (astring(), vec((atom(), any::<u64>()), 0..3))
            .prop_map(|(root, limits)| CommandBody::SetQuota { root, limits }),
        (
            option::of(any::<u64>()),
            option::of(option::of(any::<u32>())),
            mailbox(),
            vec(astring(), 1..3)
        )
            .prop_map(|(max_size, depth, mailbox, entries)| {
                let options = MetadataOptions { max_size, depth };
                CommandBody::GetMetadata {
                    options,
                    mailbox,
                    entries,
                }
            }),
        (mailbox(), vec((astring(), nstring()), 1..3)).prop_map(|(mailbox, entries)| {
            CommandBody::SetMetadata {
                mailbox,
                entries: entries
                    .into_iter()
                    .map(|(name, value)| MetadataEntry { name, value })
                    .collect(),
            }
        }),
    ];
    let messages = prop_oneof![
        (
            any::<bool>(),
            option::of(vec(search_return(), 0..3)),
            option::of(astring()),
            vec(search_key(), 1..3)
        )
            .prop_map(|(uid, returns, charset, criteria)| CommandBody::Search {
                uid,
                returns,
                charset,
                criteria
            }),
        (
            any::<bool>(),
            sequence_set(),
            fetch_attributes(),
            option::of(any::<u64>()),
            any::<bool>(),
            option::of(partial_range()),
        )
            .prop_map(|(uid, set, attributes, changed_since, vanished, partial)| {
                CommandBody::Fetch {
                    uid,
                    set,
                    attributes,
                    changed_since,
                    vanished,
                    partial,
                }
            }),
        (
            any::<bool>(),
            sequence_set(),
            option::of(any::<u64>()),
            store_kind(),
            any::<bool>(),
            flags_no_wildcard()
        )
            .prop_map(|(uid, set, unchanged_since, kind, silent, flags)| {
                CommandBody::Store {
                    uid,
                    set,
                    unchanged_since,
                    kind,
                    silent,
                    flags,
                }
            }),
        (
            any::<bool>(),
            sequence_set(),
            store_kind(),
            any::<bool>(),
            vec(gmail_label(), 0..4)
        )
            .prop_map(|(uid, set, kind, silent, labels)| {
                CommandBody::StoreGmailLabels {
                    uid,
                    set,
                    kind,
                    silent,
                    labels,
                }
            }),
        (any::<bool>(), any::<bool>(), sequence_set(), mailbox()).prop_map(
            |(uid, is_move, set, mailbox)| {
                if is_move {
                    CommandBody::Move { uid, set, mailbox }
                } else {
                    CommandBody::Copy { uid, set, mailbox }
                }
            }
        ),
        (
            any::<bool>(),
            option::of(vec(search_return(), 0..3)),
            vec((any::<bool>(), 0usize..9), 1..3),
            astring(),
            vec(search_key(), 1..3)
        )
            .prop_map(
                |(uid, returns, criteria, charset, search)| CommandBody::Sort {
                    uid,
                    returns,
                    criteria: criteria
                        .into_iter()
                        .map(|(reverse, key)| SortCriterion {
                            reverse,
                            key: [
                                SortKey::Arrival,
                                SortKey::Cc,
                                SortKey::Date,
                                SortKey::From,
                                SortKey::Size,
                                SortKey::Subject,
                                SortKey::To,
                                SortKey::DisplayFrom,
                                SortKey::DisplayTo
                            ][key]
                        })
                        .collect(),
                    charset,
                    search
                }
            ),
        (any::<bool>(), atom(), astring(), vec(search_key(), 1..3)).prop_map(
            |(uid, algorithm, charset, search)| CommandBody::Thread {
                uid,
                algorithm,
                charset,
                search
            }
        ),
    ];
    prop_oneof![simple, mailboxes, messages]
}

fn search_return() -> impl Strategy<Value = SearchReturn> {
    prop_oneof![
        Just(SearchReturn::Min),
        Just(SearchReturn::Max),
        Just(SearchReturn::All),
        Just(SearchReturn::Count),
        Just(SearchReturn::Save),
        partial_range().prop_map(SearchReturn::Partial),
        prefixed_atom("X").prop_map(SearchReturn::Other),
    ]
}

fn partial_range() -> impl Strategy<Value = PartialRange> {
    prop_oneof![
        (nz(), nz()).prop_map(|(start, end)| PartialRange::First(start, end)),
        (nz(), nz()).prop_map(|(start, end)| PartialRange::Last(start, end)),
    ]
}

fn fetch_attributes() -> impl Strategy<Value = FetchAttributes> {
    prop_oneof![
        Just(FetchAttributes::All),
        Just(FetchAttributes::Fast),
        Just(FetchAttributes::Full),
        vec(fetch_attribute(), 1..5).prop_map(FetchAttributes::List),
    ]
}

fn select_parameters() -> impl Strategy<Value = SelectParameters> {
    (
        any::<bool>(),
        option::of((
            nz(),
            any::<u64>(),
            option::of(sequence_set()),
            option::of((sequence_set(), sequence_set())),
        )),
    )
        .prop_map(|(condstore, qresync)| SelectParameters {
            condstore,
            qresync: qresync.map(|(v, modseq, known_uids, seq_match)| QResyncParameters {
                uid_validity: v.get(),
                modseq,
                known_uids,
                seq_match,
            }),
        })
}

fn store_kind() -> impl Strategy<Value = StoreKind> {
    prop_oneof![
        Just(StoreKind::Replace),
        Just(StoreKind::Add),
        Just(StoreKind::Remove)
    ]
}

fn append_message() -> impl Strategy<Value = AppendMessage> {
    (
        flags_no_wildcard(),
        option::of(date_time()),
        0u8..3,
        vec(any::<u8>(), 0..64),
    )
        .prop_map(|(flags, date, form, mut data)| {
            let (binary, utf8) = (form >= 1, form == 2);
            if !binary {
                data.retain(|&b| b != 0);
            }
            AppendMessage {
                flags,
                date,
                data: Bytes::from(data),
                binary,
                utf8,
            }
        })
}

/// Any command.
pub fn command() -> impl Strategy<Value = Command> {
    (tag(), command_body()).prop_map(|(tag, body)| Command { tag, body })
}

/// Any response code.
pub fn response_code() -> impl Strategy<Value = ResponseCode> {
    let plain: Vec<ResponseCode> = PLAIN_CODES.iter().map(|(_, c)| c.clone()).collect();
    prop_oneof![
        proptest::sample::select(plain),
        Just(ResponseCode::MetadataTooMany),
        Just(ResponseCode::MetadataNoPrivate),
        any::<u64>().prop_map(ResponseCode::MetadataMaxSize),
        nz().prop_map(|n| ResponseCode::Unseen(n.get())),
        "[!-\\\\^-~]{1,12}".prop_map(|s| ResponseCode::Referral(Bytes::from(s))),
        vec(
            "[ -~]{0,10}".prop_map(|s| Quoted::new(Bytes::from(s)).expect("quoted")),
            0..3
        )
        .prop_map(ResponseCode::BadCharset),
        vec(capability(), 1..4).prop_map(ResponseCode::Capability),
        vec(prop_oneof![flag(), Just(Flag::Wildcard)], 0..4).prop_map(ResponseCode::PermanentFlags),
        nz().prop_map(|n| ResponseCode::UidNext(n.get())),
        nz().prop_map(|n| ResponseCode::UidValidity(n.get())),
        any::<u64>().prop_map(ResponseCode::HighestModSeq),
        any::<u64>().prop_map(ResponseCode::MetadataLongEntries),
        (nz(), sequence_set()).prop_map(|(v, uids)| ResponseCode::AppendUid {
            uid_validity: v.get(),
            uids
        }),
        (nz(), sequence_set(), sequence_set()).prop_map(|(v, source, destination)| {
            ResponseCode::CopyUid {
                uid_validity: v.get(),
                source,
                destination,
            }
        }),
        sequence_set().prop_map(ResponseCode::Modified),
        objectid().prop_map(ResponseCode::MailboxId),
        (prefixed_atom("X-"), option::of("[ -\\\\^-~]{0,12}")).prop_map(|(name, data)| {
            ResponseCode::Other {
                name,
                data: data.map(Bytes::from),
            }
        }),
    ]
}

fn address() -> impl Strategy<Value = Address> {
    (nstring(), nstring(), nstring(), nstring()).prop_map(|(name, adl, mailbox, host)| Address {
        name,
        adl,
        mailbox,
        host,
    })
}

/// Any envelope.
pub fn envelope() -> impl Strategy<Value = Envelope> {
    (
        (
            nstring(),
            nstring(),
            vec(address(), 0..3),
            vec(address(), 0..2),
        ),
        (
            vec(address(), 0..2),
            vec(address(), 0..3),
            vec(address(), 0..2),
            vec(address(), 0..2),
        ),
        (nstring(), nstring()),
    )
        .prop_map(
            |(
                (date, subject, from, sender),
                (reply_to, to, cc, bcc),
                (in_reply_to, message_id),
            )| Envelope {
                date,
                subject,
                from,
                sender,
                reply_to,
                to,
                cc,
                bcc,
                in_reply_to,
                message_id,
            },
        )
}

fn params() -> impl Strategy<Value = Vec<(IString, IString)>> {
    vec((istring(), istring()), 0..3)
}

fn body_extension(multipart: bool) -> impl Strategy<Value = BodyExtension> {
    (
        nstring(),
        option::of((istring(), params()).prop_map(|(kind, params)| Disposition { kind, params })),
        vec(istring(), 0..3),
        nstring(),
        option::of(prop_oneof![
            Just("42"),
            Just("(1 \"two\" NIL)"),
            Just("\"x\" 3")
        ]),
    )
        .prop_map(
            move |(md5, disposition, language, location, extra)| BodyExtension {
                md5: if multipart { None } else { md5 },
                disposition,
                language,
                location,
                extra: extra.map(|e| Bytes::from_static(e.as_bytes())),
            },
        )
}

fn body_fields() -> impl Strategy<Value = BodyFields> {
    (params(), nstring(), nstring(), istring(), any::<u32>()).prop_map(
        |(params, id, description, encoding, size)| BodyFields {
            params,
            id,
            description,
            encoding,
            size,
        },
    )
}

/// Any BODYSTRUCTURE (`extensible`) or BODY value.
pub fn body_structure(extensible: bool) -> impl Strategy<Value = BodyStructure> {
    let ext = move |multipart| {
        if extensible {
            option::of(body_extension(multipart).prop_map(Box::new)).boxed()
        } else {
            Just(None).boxed()
        }
    };
    let leaf = prop_oneof![
        (
            "[A-Z]{1,6}".prop_filter("not TEXT/MESSAGE", |t| t != "TEXT" && t != "MESSAGE"),
            istring(),
            body_fields(),
            ext(false)
        )
            .prop_map(
                |(media_type, subtype, fields, extension)| BodyStructure::Single {
                    kind: SinglePartKind::Basic {
                        media_type: IString::new(Bytes::from(media_type)).expect("istring"),
                        subtype
                    },
                    fields,
                    extension
                }
            ),
        (istring(), any::<u32>(), body_fields(), ext(false)).prop_map(
            |(subtype, lines, fields, extension)| {
                BodyStructure::Single {
                    kind: SinglePartKind::Text { subtype, lines },
                    fields,
                    extension,
                }
            }
        ),
    ];
    leaf.prop_recursive(3, 10, 3, move |inner| {
        let ext = move |multipart| {
            if extensible {
                option::of(body_extension(multipart).prop_map(Box::new)).boxed()
            } else {
                Just(None).boxed()
            }
        };
        prop_oneof![
            (
                vec(inner.clone(), 1..3),
                istring(),
                if extensible {
                    params().boxed()
                } else {
                    Just(Vec::new()).boxed()
                },
                ext(true)
            )
                .prop_map(|(parts, subtype, params, extension)| {
                    BodyStructure::Multipart {
                        parts,
                        subtype,
                        params,
                        extension,
                    }
                }),
            (
                prop_oneof![Just("RFC822"), Just("GLOBAL")],
                envelope(),
                inner,
                any::<u32>(),
                body_fields(),
                ext(false)
            )
                .prop_map(|(subtype, envelope, body, lines, fields, extension)| {
                    BodyStructure::Single {
                        kind: SinglePartKind::Message {
                            subtype: IString::new(Bytes::from_static(subtype.as_bytes()))
                                .expect("istring"),
                            envelope: Box::new(envelope),
                            body: Box::new(body),
                            lines,
                        },
                        fields,
                        extension,
                    }
                }),
        ]
    })
}

/// Any FETCH response item.
pub fn fetch_item() -> impl Strategy<Value = FetchItem> {
    prop_oneof![
        flags_no_wildcard().prop_map(FetchItem::Flags),
        envelope().prop_map(|e| FetchItem::Envelope(Box::new(e))),
        body_structure(true).prop_map(|b| FetchItem::BodyStructure(Box::new(b))),
        body_structure(false).prop_map(|b| FetchItem::Body(Box::new(b))),
        date_time().prop_map(FetchItem::InternalDate),
        any::<u64>().prop_map(FetchItem::Rfc822Size),
        nstring().prop_map(FetchItem::Rfc822),
        nstring().prop_map(FetchItem::Rfc822Header),
        (section(), option::of(any::<u32>()), nstring()).prop_map(|(section, origin, data)| {
            FetchItem::BodySection {
                section,
                origin,
                data,
            }
        }),
        (
            vec(nz(), 0..3),
            option::of(any::<u32>()),
            option::of(vec(any::<u8>(), 0..32))
        )
            .prop_map(|(part, origin, data)| FetchItem::Binary {
                part,
                origin,
                data: data.map(Bytes::from)
            }),
        (vec(nz(), 0..3), any::<u64>())
            .prop_map(|(part, size)| FetchItem::BinarySize { part, size }),
        nz().prop_map(|n| FetchItem::Uid(n.get())),
        any::<u64>().prop_map(FetchItem::ModSeq),
        objectid().prop_map(FetchItem::EmailId),
        option::of(objectid()).prop_map(FetchItem::ThreadId),
        option::of(date_time()).prop_map(FetchItem::SaveDate),
        nstring().prop_map(FetchItem::Preview),
        any::<u64>().prop_map(FetchItem::XGmMsgId),
        any::<u64>().prop_map(FetchItem::XGmThrId),
        vec(gmail_label(), 0..4).prop_map(FetchItem::XGmLabels),
        (
            prop_oneof![Just("X-GM-UNKNOWN"), Just("X-FOO[1.2]<5>")],
            prop_oneof![Just("NIL"), Just("(\\Inbox \"a b\")"), Just("12")]
        )
            .prop_map(|(name, value)| FetchItem::Other {
                name: Bytes::from_static(name.as_bytes()),
                value: Bytes::from_static(value.as_bytes())
            }),
    ]
}

fn thread() -> impl Strategy<Value = Thread> {
    let leaf = vec(nz().prop_map(NonZeroU32::get), 1..4).prop_map(|messages| Thread {
        messages,
        children: Vec::new(),
    });
    leaf.prop_recursive(3, 12, 3, |inner| {
        (vec(nz().prop_map(NonZeroU32::get), 0..3), vec(inner, 2..4))
            .prop_map(|(messages, children)| Thread { messages, children })
    })
}

fn list_item() -> impl Strategy<Value = ListItem> {
    (
        vec(mailbox_attribute(), 0..3),
        option::of(prop_oneof![Just(b'/'), Just(b'.'), Just(b'\\'), Just(b'"')]),
        mailbox(),
        vec(
            prop_oneof![
                vec(istring(), 1..3).prop_map(ListExtendedItem::ChildInfo),
                mailbox().prop_map(ListExtendedItem::OldName),
                prefixed_atom("X-").prop_map(|tag| ListExtendedItem::Other {
                    tag: AString::new(tag.to_bytes()).expect("astring"),
                    value: Bytes::from_static(b"(1 2)")
                }),
            ],
            0..3,
        ),
    )
        .prop_map(|(attributes, delimiter, mailbox, extended)| ListItem {
            attributes,
            delimiter,
            mailbox,
            extended,
        })
}

fn namespace() -> impl Strategy<Value = Vec<NamespaceDescription>> {
    vec(
        (
            istring(),
            option::of(prop_oneof![Just(b'/'), Just(b'.')]),
            vec((istring(), vec(istring(), 1..3)), 0..2),
        )
            .prop_map(|(prefix, delimiter, extensions)| NamespaceDescription {
                prefix,
                delimiter,
                extensions,
            }),
        0..3,
    )
}

fn status_item() -> impl Strategy<Value = StatusItem> {
    prop_oneof![
        (
            status_attribute().prop_filter("numeric", |a| *a != StatusAttribute::MailboxId),
            any::<u64>()
        )
            .prop_map(|(a, n)| StatusItem::Number(a, n)),
        Just(StatusItem::AppendLimitNone),
        objectid().prop_map(StatusItem::MailboxId),
    ]
}

/// Any untagged data.
pub fn data() -> impl Strategy<Value = Data> {
    let ids = || vec(nz().prop_map(NonZeroU32::get), 0..5);
    prop_oneof![
        vec(capability(), 1..5).prop_map(Data::Capability),
        vec(capability(), 0..3).prop_map(Data::Enabled),
        list_item().prop_map(Data::List),
        list_item().prop_map(Data::Lsub),
        (namespace(), namespace(), namespace()).prop_map(|(personal, other, shared)| {
            Data::Namespace {
                personal,
                other,
                shared,
            }
        }),
        (mailbox(), vec(status_item(), 0..4))
            .prop_map(|(mailbox, items)| Data::Status { mailbox, items }),
        (
            option::of(astring()),
            any::<bool>(),
            vec(
                prop_oneof![
                    nz().prop_map(|n| ESearchItem::Min(n.get())),
                    nz().prop_map(|n| ESearchItem::Max(n.get())),
                    any::<u32>().prop_map(ESearchItem::Count),
                    sequence_set().prop_map(ESearchItem::All),
                    any::<u64>().prop_map(ESearchItem::ModSeq),
                    (partial_range(), option::of(sequence_set()))
                        .prop_map(|(range, results)| ESearchItem::Partial { range, results }),
                    prefixed_atom("X-").prop_map(|name| ESearchItem::Other {
                        name,
                        value: Bytes::from_static(b"(1 2)")
                    }),
                ],
                0..4
            )
        )
            .prop_map(|(tag, uid, items)| Data::ESearch { tag, uid, items }),
        (ids(), option::of(any::<u64>())).prop_map(|(ids, modseq)| Data::Search { ids, modseq }),
        (ids(), option::of(any::<u64>())).prop_map(|(ids, modseq)| Data::Sort { ids, modseq }),
        vec(thread(), 0..3).prop_map(Data::Thread),
        flags_no_wildcard().prop_map(Data::Flags),
        any::<u32>().prop_map(Data::Exists),
        any::<u32>().prop_map(Data::Recent),
        any::<u32>().prop_map(Data::Expunge),
        (any::<bool>(), sequence_set())
            .prop_map(|(earlier, uids)| Data::Vanished { earlier, uids }),
        (any::<u32>(), vec(fetch_item(), 1..4)).prop_map(|(seq, items)| Data::Fetch { seq, items }),
        (astring(), vec((atom(), any::<u64>(), any::<u64>()), 0..3)).prop_map(
            |(root, resources)| Data::Quota {
                root,
                resources: resources
                    .into_iter()
                    .map(|(name, usage, limit)| QuotaResource { name, usage, limit })
                    .collect()
            }
        ),
        (mailbox(), vec(astring(), 0..3))
            .prop_map(|(mailbox, roots)| Data::QuotaRoot { mailbox, roots }),
        (mailbox(), vec((astring(), nstring()), 1..3)).prop_map(|(mailbox, entries)| {
            Data::Metadata {
                mailbox,
                entries: entries
                    .into_iter()
                    .map(|(name, value)| MetadataEntry { name, value })
                    .collect(),
            }
        }),
        (mailbox(), vec(astring(), 1..3))
            .prop_map(|(mailbox, entries)| Data::MetadataKeys { mailbox, entries }),
        option::of(vec((istring(), nstring()), 0..3)).prop_map(Data::Id),
        (
            prefixed_atom("X"),
            prop_oneof![Just(""), Just("1 (2 3) \"four\"")]
        )
            .prop_map(|(name, value)| Data::Other {
                name: name.to_bytes(),
                value: Bytes::from_static(value.as_bytes())
            }),
    ]
}

/// Any response.
pub fn response() -> impl Strategy<Value = Response> {
    let kind = prop_oneof![
        Just(StatusKind::Ok),
        Just(StatusKind::No),
        Just(StatusKind::Bad),
        Just(StatusKind::PreAuth),
        Just(StatusKind::Bye),
    ];
    prop_oneof![
        (option::of(tag()), kind, option::of(response_code()), text()).prop_map(
            |(tag, kind, code, text)| {
                let kind = match (&tag, kind) {
                    (Some(_), StatusKind::PreAuth | StatusKind::Bye) => StatusKind::Ok,
                    (_, kind) => kind,
                };
                Response::Status(StatusResponse {
                    tag,
                    kind,
                    code,
                    text,
                })
            }
        ),
        data().prop_map(Response::Data),
        (option::of(response_code()), text())
            .prop_map(|(code, text)| Response::Continuation(Continuation { code, text })),
    ]
}
