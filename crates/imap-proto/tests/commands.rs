//! Known-answer tables for commands: RFC 9051 / RFC 3501 section 6 examples and the
//! extension RFCs' examples. Each is parsed, checked, round-tripped through every
//! encoder, and every strict prefix must be incomplete.

mod support;

use std::num::NonZeroU32;

use imap_proto::types::*;
use support::*;

const EXAMPLES: &[&[u8]] = &[
    b"a001 CAPABILITY\r\n",
    b"a002 NOOP\r\n",
    b"A023 LOGOUT\r\n",
    b"a002 STARTTLS\r\n",
    b"A001 AUTHENTICATE GSSAPI\r\n",
    b"A001 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n",
    b"A002 AUTHENTICATE PLAIN =\r\n",
    b"a001 LOGIN SMITH SESAME\r\n",
    b"a001 login \"smith\" {6}\r\nsesame\r\n",
    b"t2 ENABLE CONDSTORE X-GOOD-IDEA\r\n",
    b"A142 SELECT INBOX\r\n",
    b"A932 EXAMINE blurdybloop\r\n",
    b"A003 CREATE owatagusiam/\r\n",
    b"A683 DELETE blurdybloop\r\n",
    b"A683 RENAME blurdybloop sarasoop\r\n",
    b"A002 SUBSCRIBE #news.comp.mail.mime\r\n",
    b"A002 UNSUBSCRIBE #news.comp.mail.mime\r\n",
    b"A101 LIST \"\" \"\"\r\n",
    b"A102 LIST #news.comp.mail.misc \"\"\r\n",
    b"A202 LIST ~/Mail/ %\r\n",
    b"A002 LSUB \"#news.\" \"comp.mail.*\"\r\n",
    b"A001 NAMESPACE\r\n",
    b"A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n",
    b"A003 APPEND saved-messages (\\Seen) {22}\r\nSubject: hi\r\n\r\nhello\r\n\r\n",
    b"A003 APPEND saved-messages (\\Seen) \"7-Feb-1994 21:52:25 -0800\" {5+}\r\nhello\r\n",
    b"A004 APPEND saved (\\Seen) {5}\r\nhello (\\Draft) \" 7-Feb-1994 21:52:25 +0100\" {5}\r\nworld\r\n",
    b"A005 APPEND INBOX ~{5}\r\n\0abcd\r\n",
    b"A006 APPEND INBOX (\\Seen) UTF8 (~{5+}\r\nhello)\r\n",
    b"a047 IDLE\r\n",
    b"FXXZ CHECK\r\n",
    b"A341 CLOSE\r\n",
    b"A342 UNSELECT\r\n",
    b"A202 EXPUNGE\r\n",
    b"A003 UID EXPUNGE 3000:3002\r\n",
    b"A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n",
    b"A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n",
    b"A284 SEARCH TEXT \"string not in mailbox\"\r\n",
    b"A285 SEARCH CHARSET UTF-8 TEXT {12}\r\n\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xa7\r\n",
    b"A286 UID SEARCH OR (FROM a TO b) NOT UID 1:5,7 DELETED HEADER X-Foo bar LARGER 10 KEYWORD $Junk\r\n",
    b"A287 SEARCH RETURN (SAVE) FROM x\r\n",
    b"A288 FETCH $ FLAGS\r\n",
    b"A289 SEARCH 1:*,5 UNSEEN ON 2-Mar-2020 SENTSINCE 12-Dec-1999\r\n",
    b"A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n",
    b"A655 FETCH 1:* ALL\r\n",
    b"A656 FETCH 1 (BODY[1.MIME] BODY.PEEK[2.1.TEXT]<0.2048> RFC822.HEADER BODY[] BODY[3])\r\n",
    b"A657 FETCH 1 (BINARY.PEEK[1.2]<0.100> BINARY.SIZE[1] BINARY[] EMAILID THREADID SAVEDATE MODSEQ)\r\n",
    b"A003 STORE 2:4 +FLAGS (\\Deleted)\r\n",
    b"a005 store 12 +flags \\deleted\r\n",
    b"A004 STORE 1 -FLAGS.SILENT ($Forwarded \\Seen)\r\n",
    b"A003 COPY 2:4 MEETING\r\n",
    b"A999 UID FETCH 4827313:4828442 FLAGS\r\n",
    b"a UID MOVE 42:69 foo\r\n",
    b"a MOVE 1 \"Sent Items\"\r\n",
    // CONDSTORE / QRESYNC (RFC 7162)
    b"a1 SELECT INBOX (CONDSTORE)\r\n",
    b"A02 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))\r\n",
    b"B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976,29979,29982,29985,29988,29991,29994,29997)))\r\n",
    b"s100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)\r\n",
    b"a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)\r\n",
    b"a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n",
    b"a SEARCH MODSEQ 620162338\r\n",
    // SORT / THREAD (RFC 5256)
    b"A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994\r\n",
    b"A283 UID SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\n",
    b"A284 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n",
    b"A285 UID THREAD REFERENCES US-ASCII TEXT \"gewp\"\r\n",
    // QUOTA (RFC 9208)
    b"G0 GETQUOTA \"\"\r\n",
    b"G1 GETQUOTAROOT INBOX\r\n",
    b"S1 SETQUOTA \"\" (STORAGE 512)\r\n",
    b"S2 SETQUOTA \"\" ()\r\n",
    // METADATA (RFC 5464)
    b"a GETMETADATA \"\" /shared/comment\r\n",
    b"a GETMETADATA INBOX (/shared/comment /private/comment)\r\n",
    b"a GETMETADATA (MAXSIZE 1024) INBOX /shared/comment\r\n",
    b"a GETMETADATA (DEPTH infinity) INBOX (/private/filters/values)\r\n",
    b"a SETMETADATA INBOX (/private/comment {33}\r\nMy new comment across\r\ntwo lines.)\r\n",
    b"a SETMETADATA INBOX (/private/comment NIL)\r\n",
    // COMPRESS, UNAUTHENTICATE, ID
    b"a COMPRESS DEFLATE\r\n",
    b"a UNAUTHENTICATE\r\n",
    b"a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"vendor\" \"Pink Floyd Music Limited\")\r\n",
    b"a024 ID NIL\r\n",
    b"a025 ID ()\r\n",
    // LIST-EXTENDED, LIST-STATUS, SPECIAL-USE, CREATE-SPECIAL-USE
    b"A01 LIST (SUBSCRIBED) \"\" \"*\" RETURN (CHILDREN SPECIAL-USE)\r\n",
    b"A02 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))\r\n",
    b"A03 LIST (REMOTE RECURSIVEMATCH) \"\" (\"inbox\" \"foo*\")\r\n",
    b"A04 LIST (SPECIAL-USE) \"\" *\r\n",
    b"t1 CREATE \"Important Messages\" (USE (\\Important))\r\n",
    b"A1 STATUS INBOX (MESSAGES SIZE HIGHESTMODSEQ APPENDLIMIT MAILBOXID DELETED RECENT UNSEEN UIDVALIDITY)\r\n",
    // OBJECTID, SAVEDATE, WITHIN
    b"A1 SEARCH EMAILID M6d99ac3275bb4e\r\n",
    b"A2 SEARCH THREADID T64b478a75b7ea9 SAVEDBEFORE 1-Jan-2020 YOUNGER 300 OLDER 3600 SAVEDATESUPPORTED\r\n",
    // UTF-8 mailbox (RFC 6855) and modified UTF-7
    b"A1 SELECT \"Entw\xc3\xbcrfe\"\r\n",
    b"A2 SELECT Entw&APw-rfe\r\n",
];

#[test]
fn every_example_parses_round_trips_and_has_incomplete_prefixes() {
    for wire in EXAMPLES {
        let value = command(wire);
        command_round_trip(&value);
        prefixes_are_incomplete_command(wire);
    }
}

#[test]
fn login_fields() {
    let value = command(b"a001 login \"smith\" {6}\r\nsesame\r\n");
    assert_eq!(value.tag.as_bytes(), b"a001");
    let CommandBody::Login { username, password } = value.body else {
        panic!("not LOGIN");
    };
    assert_eq!(username.as_bytes(), b"smith");
    assert_eq!(password.expose().as_bytes(), b"sesame");
    assert!(!format!("{password:?}").contains("sesame"));
}

#[test]
fn sasl_ir_is_decoded() {
    let value = command(b"A001 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n");
    let CommandBody::Authenticate {
        mechanism,
        initial_response: Some(response),
    } = value.body
    else {
        panic!("not AUTHENTICATE with IR");
    };
    assert!(mechanism.eq_ignore_case("plain"));
    assert_eq!(&response.expose()[..], b"test\0test\0test");
    let empty = command(b"A002 AUTHENTICATE PLAIN =\r\n");
    assert!(matches!(
        empty.body,
        CommandBody::Authenticate { initial_response: Some(r), .. } if r.expose().is_empty()
    ));
}

#[test]
fn multiappend_and_binary_append() {
    let value = command(
        b"A004 APPEND saved (\\Seen) {5}\r\nhello (\\Draft) \" 7-Feb-1994 21:52:25 +0100\" {5}\r\nworld\r\n",
    );
    let CommandBody::Append { mailbox, messages } = value.body else {
        panic!("not APPEND");
    };
    assert_eq!(mailbox.as_bytes(), b"saved");
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0].flags, vec![Flag::Seen]);
    assert_eq!(&messages[1].data[..], b"world");
    let date = messages[1].date.expect("date");
    assert_eq!(
        (date.date().day(), date.date().month(), date.zone_minutes()),
        (7, 2, 60)
    );
    let binary = command(b"A005 APPEND INBOX ~{5}\r\n\0abcd\r\n");
    let CommandBody::Append { messages, .. } = binary.body else {
        panic!("not APPEND");
    };
    assert!(messages[0].binary);
    assert_eq!(&messages[0].data[..], b"\0abcd");
}

#[test]
fn fetch_sections_and_partials() {
    let value = command(
        b"A656 FETCH 1 (BODY[1.MIME] BODY.PEEK[2.1.TEXT]<0.2048> RFC822.HEADER BODY[] BODY[3])\r\n",
    );
    let CommandBody::Fetch {
        attributes: FetchAttributes::List(list),
        ..
    } = value.body
    else {
        panic!("not FETCH");
    };
    let n = |v| NonZeroU32::new(v).unwrap();
    assert_eq!(
        list[1],
        FetchAttribute::BodySection {
            peek: true,
            section: Section {
                part: vec![n(2), n(1)],
                text: Some(SectionText::Text)
            },
            partial: Some(Partial {
                origin: 0,
                length: n(2048)
            }),
        }
    );
    assert_eq!(
        list[0],
        FetchAttribute::BodySection {
            peek: false,
            section: Section {
                part: vec![n(1)],
                text: Some(SectionText::Mime)
            },
            partial: None
        }
    );
}

#[test]
fn qresync_select() {
    let value = command(b"B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500 15000,22500)))\r\n");
    let CommandBody::Select {
        mailbox,
        parameters,
    } = value.body
    else {
        panic!("not SELECT");
    };
    assert_eq!(mailbox, Mailbox::Inbox);
    let q = parameters.qresync.expect("qresync");
    assert_eq!(q.uid_validity, 67890007);
    assert_eq!(q.modseq, 90060115194045000);
    assert!(q.known_uids.is_some());
    assert!(q.seq_match.is_some());
}

#[test]
fn search_nesting_is_bounded() {
    let mut wire = b"a SEARCH ".to_vec();
    wire.extend(std::iter::repeat_n(b'(', 10_000));
    wire.extend_from_slice(b"ALL");
    wire.extend(std::iter::repeat_n(b')', 10_000));
    wire.extend_from_slice(b"\r\n");
    let bytes = bytes::Bytes::from(wire);
    let error = imap_proto::parse::command(&bytes, &Default::default()).unwrap_err();
    assert_eq!(error.kind, imap_proto::ParseErrorKind::TooDeep);
    let mut not_chain = b"a SEARCH ".to_vec();
    for _ in 0..10_000 {
        not_chain.extend_from_slice(b"NOT ");
    }
    not_chain.extend_from_slice(b"ALL\r\n");
    let error = imap_proto::parse::command(&bytes::Bytes::from(not_chain), &Default::default())
        .unwrap_err();
    assert_eq!(error.kind, imap_proto::ParseErrorKind::TooDeep);
}

#[test]
fn item_count_is_bounded() {
    let mut options = imap_proto::parse::ParseOptions::default();
    options.max_items = 100;
    let mut wire = b"a FETCH ".to_vec();
    for _ in 0..200 {
        wire.extend_from_slice(b"1,");
    }
    wire.extend_from_slice(b"1 FLAGS\r\n");
    let error = imap_proto::parse::command(&bytes::Bytes::from(wire), &options).unwrap_err();
    assert_eq!(error.kind, imap_proto::ParseErrorKind::TooManyItems);
    let ok = bytes::Bytes::from_static(b"a FETCH 1,2,3 FLAGS\r\n");
    assert!(imap_proto::parse::command(&ok, &options).is_ok());
}

#[test]
fn invalid_commands_are_errors_with_offsets() {
    for (wire, offset) in [
        (&b"a FOO\r\n"[..], 2),
        (b"a LOGIN\r\n", 7),
        (b"a SELECT INBOX junk\r\n", 15),
        (b"+ NOOP\r\n", 0),
        (b"a FETCH 0 FLAGS\r\n", 8),
        (b"a LOGIN \"a\rb\" c\r\n", 10),
        (b"a LOGIN {3}\r\na\0b c\r\n", 13),
    ] {
        let bytes = bytes::Bytes::copy_from_slice(wire);
        let error = imap_proto::parse::command(&bytes, &Default::default())
            .expect_err(std::str::from_utf8(wire).unwrap_or("?"));
        assert_eq!(
            error.offset,
            offset,
            "{:?}: {error}",
            String::from_utf8_lossy(wire)
        );
    }
    assert_eq!(
        imap_proto::parse::tag_of(b"a17 FOO bar\r\n").map(|t| t.as_bytes().to_vec()),
        Some(b"a17".to_vec())
    );
    assert_eq!(imap_proto::parse::tag_of(b"+17 FOO\r\n"), None);
}

#[test]
fn authenticate_lines_and_done() {
    use bytes::Bytes;
    use imap_proto::parse::{Status, authenticate_data, idle_done};
    let options = Default::default();
    assert_eq!(
        authenticate_data(&Bytes::from_static(b"*\r\n"), &options),
        Ok(Status::Complete {
            value: AuthenticateData::Cancel,
            len: 3
        })
    );
    let Ok(Status::Complete {
        value: AuthenticateData::Response(data),
        ..
    }) = authenticate_data(&Bytes::from_static(b"dGVzdA==\r\n"), &options)
    else {
        panic!("base64 line");
    };
    assert_eq!(&data.expose()[..], b"test");
    assert!(authenticate_data(&Bytes::from_static(b"not base64!\r\n"), &options).is_err());
    assert_eq!(
        idle_done(&Bytes::from_static(b"done\r\n"), &options),
        Ok(Status::Complete { value: (), len: 6 })
    );
    assert!(idle_done(&Bytes::from_static(b"DONEX\r\n"), &options).is_err());
    let encoder = imap_proto::encode::Encoder::default();
    assert_eq!(
        &encoder.authenticate_data(&AuthenticateData::Cancel)[..],
        b"*\r\n"
    );
}

#[test]
fn capability_aware_literals() {
    use imap_proto::encode::{Encoder, PeerCapabilities};
    let append = command(b"A003 APPEND saved-messages {5}\r\nhello\r\n");
    let plain = Encoder::default().command(&append);
    assert_eq!(plain.sync_points(), &[32]);
    assert_eq!(
        &plain.to_bytes()[..],
        b"A003 APPEND saved-messages {5}\r\nhello\r\n"
    );
    let caps = PeerCapabilities::from_capabilities(&[Capability::LiteralPlus], false);
    let plus = Encoder::new(caps).command(&append);
    assert!(plus.sync_points().is_empty());
    assert_eq!(
        &plus.to_bytes()[..],
        b"A003 APPEND saved-messages {5+}\r\nhello\r\n"
    );
    let caps = PeerCapabilities::from_capabilities(&[Capability::LiteralMinus], false);
    let big = AppendMessage {
        flags: vec![],
        date: None,
        data: bytes::Bytes::from(vec![b'x'; 5000]),
        binary: false,
        utf8: false,
    };
    let big_append = Command {
        tag: Tag::try_from("A1").unwrap(),
        body: CommandBody::Append {
            mailbox: Mailbox::Inbox,
            messages: vec![big],
        },
    };
    assert_eq!(Encoder::new(caps).command(&append).sync_points().len(), 0);
    assert_eq!(
        Encoder::new(caps).command(&big_append).sync_points().len(),
        1
    );
    // NUL in an APPEND message becomes a literal8 when the peer has BINARY.
    let mut nul = big_append.clone();
    if let CommandBody::Append { messages, .. } = &mut nul.body {
        messages[0].data = bytes::Bytes::from_static(b"a\0b");
    }
    let caps = PeerCapabilities::from_capabilities(&[Capability::Binary], false);
    assert_eq!(
        &Encoder::new(caps).command(&nul).to_bytes()[..],
        b"A1 APPEND INBOX ~{3}\r\na\0b\r\n"
    );
    assert_eq!(caps.name_encoding(), NameEncoding::ModifiedUtf7);
    // A mailbox that needs quoting, and one that needs a literal without UTF-8.
    let select = command("A1 SELECT \"Entw\u{fc}rfe\"\r\n".as_bytes());
    assert_eq!(
        &Encoder::default().command(&select).to_bytes()[..],
        "A1 SELECT {9}\r\nEntw\u{fc}rfe\r\n".as_bytes()
    );
    let caps = PeerCapabilities::from_capabilities(&[Capability::Imap4Rev2], false);
    assert_eq!(
        &Encoder::new(caps).command(&select).to_bytes()[..],
        "A1 SELECT \"Entw\u{fc}rfe\"\r\n".as_bytes()
    );
}

/// A MULTIAPPEND whose literals are streamed: heads, data pieces and tail parse back to
/// the same messages as the whole command.
#[test]
fn streamed_multiappend() {
    use bytes::Bytes;
    use imap_proto::framing::{Direction, Framer, Limits, Progress};
    use imap_proto::parse::{ParseOptions, Status, append_end, append_head, append_next};
    let wire: &[u8] = b"A1 APPEND Drafts (\\Seen) \"02-Jan-2024 11:00:00 +0100\" {12}\r\nfirst body\r\n UTF8 (~{13+}\r\nsecond\0 body!) {5}\r\nthird\r\n";
    let CommandBody::Append {
        messages: expected, ..
    } = command(wire).body
    else {
        panic!("APPEND");
    };
    let mut limits = Limits::default();
    limits.stream_literals_over = 4;
    let options = ParseOptions::default();
    for chunk in [1, 3, 7, wire.len()] {
        let mut framer = Framer::new(Direction::ClientToServer, limits);
        let mut buffer: Vec<u8> = Vec::new();
        let mut parts = Vec::new();
        let mut bodies: Vec<Vec<u8>> = Vec::new();
        let mut ended = false;
        for piece in wire.chunks(chunk) {
            buffer.extend_from_slice(piece);
            loop {
                match framer.advance(&buffer) {
                    Progress::Incomplete => break,
                    Progress::ContinuationNeeded { .. } => {}
                    Progress::LiteralStarted { head, literal } => {
                        let bytes = Bytes::from(buffer.drain(..head).collect::<Vec<u8>>());
                        let part = if parts.is_empty() {
                            let Ok(Status::Complete { value, len }) = append_head(&bytes, &options)
                            else {
                                panic!("head {bytes:?}");
                            };
                            assert_eq!(len, bytes.len());
                            assert_eq!(value.mailbox.as_bytes(), b"Drafts");
                            value.part
                        } else {
                            let after_utf8 = parts.last().is_some_and(|p: &AppendPart| p.utf8);
                            let Ok(Status::Complete { value, .. }) =
                                append_next(&bytes, after_utf8, &options)
                            else {
                                panic!("next head {bytes:?}");
                            };
                            value
                        };
                        assert_eq!(part.length, literal.length);
                        parts.push(part);
                        bodies.push(Vec::new());
                    }
                    Progress::LiteralData { len, .. } => {
                        let data: Vec<u8> = buffer.drain(..len).collect();
                        bodies.last_mut().expect("a part").extend(data);
                    }
                    Progress::Message { len } => {
                        let tail = Bytes::from(buffer.drain(..len).collect::<Vec<u8>>());
                        let after_utf8 = parts.last().is_some_and(|p| p.utf8);
                        assert_eq!(
                            append_end(&tail, after_utf8, &options),
                            Ok(Status::Complete {
                                value: (),
                                len: tail.len()
                            })
                        );
                        ended = true;
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
        assert!(ended);
        assert_eq!(parts.len(), expected.len());
        for ((part, body), message) in parts.iter().zip(&bodies).zip(&expected) {
            assert_eq!(part.flags, message.flags);
            assert_eq!(part.date, message.date);
            assert_eq!((part.binary, part.utf8), (message.binary, message.utf8));
            assert_eq!(&body[..], &message.data[..]);
        }
    }
}
