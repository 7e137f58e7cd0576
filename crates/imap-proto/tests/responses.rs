//! Known-answer tables for responses: RFC 9051 / RFC 3501 section 7 examples, the
//! extension RFCs' examples, and real-server defects under the matching lenience.

mod support;

use imap_proto::parse::{Lenience, ParseOptions};
use imap_proto::types::*;
use support::*;

const EXAMPLES: &[&[u8]] = &[
    b"* OK IMAP4rev2 server ready\r\n",
    b"* OK [CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2] IMAP4rev2 Service Ready\r\n",
    b"* PREAUTH IMAP4rev2 server logged in as Smith\r\n",
    b"* BYE Autologout; idle for too long\r\n",
    b"* OK [ALERT] System shutdown in 10 minutes\r\n",
    b"A001 OK LOGIN completed\r\n",
    b"A044 BAD No such command as \"BLURDYBLOOP\"\r\n",
    b"A223 NO [TRYCREATE] No such mailbox\r\n",
    b"a002 OK [READ-WRITE] SELECT completed\r\n",
    b"A932 OK [READ-ONLY] EXAMINE completed\r\n",
    b"* OK [UNSEEN 12] Message 12 is first unseen\r\n",
    b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
    b"* OK [UIDNEXT 4392] Predicted next UID\r\n",
    b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
    b"* OK [HIGHESTMODSEQ 715194045007] Highest\r\n",
    b"* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences\r\n",
    b"a103 OK [MODIFIED 7,9] Conditional STORE failed\r\n",
    b"* OK [CLOSED] Previous mailbox is now closed\r\n",
    b"A003 OK [APPENDUID 38505 3955] APPEND completed\r\n",
    b"a003 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n",
    b"A004 OK [UIDNOTSTICKY] Non-persistent UIDs\r\n",
    b"a NO [BADCHARSET (UTF-8 US-ASCII)] charset\r\n",
    b"a NO [BADCHARSET] charset\r\n",
    b"a NO [OVERQUOTA] Sorry\r\n",
    b"a NO [ALREADYEXISTS] Mailbox exists\r\n",
    b"a NO [AUTHENTICATIONFAILED] Authentication failed\r\n",
    b"a NO [METADATA LONGENTRIES 2199] Some entries omitted\r\n",
    b"a NO [METADATA MAXSIZE 1024] Annotation too large\r\n",
    b"a NO [METADATA TOOMANY] Too many annotations\r\n",
    b"a OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Completed\r\n",
    b"a OK [X-UNKNOWN-CODE some data] text\r\n",
    b"a OK [XYZZY] text\r\n",
    b"* OK [REFERRAL imap://user;AUTH=*@SERVER2/] Remote\r\n",
    b"+ Ready for additional command text\r\n",
    b"+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=\r\n",
    b"+ idling\r\n",
    b"* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI XPIG-LATIN\r\n",
    b"* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE COMPRESS=DEFLATE APPENDLIMIT=35651584 QUOTA QUOTA=RES-STORAGE METADATA UTF8=ACCEPT OBJECTID UNAUTHENTICATE\r\n",
    b"* ENABLED CONDSTORE QRESYNC\r\n",
    b"* ENABLED\r\n",
    b"* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n",
    b"* LIST () \".\" #news.comp.mail.misc\r\n",
    b"* LIST (\\Noselect) NIL \"\"\r\n",
    b"* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"\r\n",
    b"* LIST (\\HasChildren) \"/\" \"Fruit\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n",
    b"* LIST () \"/\" \"NewMailbox\" (\"OLDNAME\" (\"OldMailbox\"))\r\n",
    b"* LIST (\\Sent \\HasNoChildren) \"/\" \"Sent Mail\"\r\n",
    b"* LIST () \"\\\\\" Drafts\r\n",
    b"* LIST () \"/\" \"Tofu\" (\"X-EXT\" (1 2 (3)) \"CHILDINFO\" (\"SUBSCRIBED\"))\r\n",
    b"* LSUB () \".\" #news.comp.mail.misc\r\n",
    b"* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n",
    b"* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\")(\"#ftp/\" \"/\")(\"#news.\" \".\"))\r\n",
    b"* NAMESPACE ((\"\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL\r\n",
    b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
    b"* STATUS INBOX (MESSAGES 17 SIZE 16234 HIGHESTMODSEQ 7011231777 DELETED 2 APPENDLIMIT NIL MAILBOXID (Ff8e3ead4-9389-4aff-adb1-d8d89efd8cbf))\r\n",
    b"* STATUS \"Sent Items\" ()\r\n",
    b"* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n",
    b"* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n",
    b"* ESEARCH (TAG \"a\") UID MIN 7 MAX 3800 ALL 7,9:12,3800 COUNT 5 MODSEQ 917162500\r\n",
    b"* ESEARCH UID COUNT 17 X-EXT (1 2)\r\n",
    b"* ESEARCH\r\n",
    b"* SEARCH 2 3 6\r\n",
    b"* SEARCH\r\n",
    b"* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n",
    b"* SORT 2 84 882\r\n",
    b"* SORT 5 3 4 1 2 (MODSEQ 12)\r\n",
    b"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n",
    b"* THREAD ((3)(5))\r\n",
    b"* THREAD\r\n",
    b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)\r\n",
    b"* 23 EXISTS\r\n",
    b"* 5 RECENT\r\n",
    b"* 44 EXPUNGE\r\n",
    b"* VANISHED 405,407,410,425\r\n",
    b"* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n",
    b"* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev2 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\") BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n",
    b"* 23 FETCH (FLAGS (\\Seen) UID 4827313)\r\n",
    b"* 12 FETCH (BODY[HEADER] {12}\r\nSubject: x\r\n)\r\n",
    b"* 12 FETCH (BODY[]<0> {5}\r\nhello BODY[1.2.MIME] NIL BODY[HEADER.FIELDS (DATE FROM)] \"\")\r\n",
    b"* 1 FETCH (BINARY[1] ~{4}\r\n\0\x01\x02\x03 BINARY.SIZE[1] 4 BINARY[2]<10> \"abc\")\r\n",
    b"* 4 FETCH (MODSEQ (12121231000) UID 7 EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9) SAVEDATE \"01-Jan-2020 10:00:00 +0000\")\r\n",
    b"* 5 FETCH (THREADID NIL SAVEDATE NIL RFC822.HEADER NIL RFC822.TEXT \"x\" RFC822 {1}\r\nx)\r\n",
    b"* 1 FETCH (X-GM-LABELS (\\Inbox \"Foo Bar\") X-GM-MSGID 1278455344230334865 UID 3)\r\n",
    b"* 1 FETCH (PREVIEW {10}\r\nhello ther X-BRACKET[1 2]<5> NIL)\r\n",
    b"* 2 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23 NIL NIL NIL NIL)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73 NIL (\"attachment\" (\"filename\" \"cc.diff\")) \"en\" NIL) \"MIXED\" (\"BOUNDARY\" \"xyz\") NIL (\"en\" \"de\") \"loc\" 42 (1 2)))\r\n",
    b"* 3 FETCH (BODYSTRUCTURE (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 1234 (\"Mon, 1 Jan 2024 00:00:00 +0000\" \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) ((\"TEXT\" \"HTML\" NIL NIL NIL \"QUOTED-PRINTABLE\" 10 1)(\"IMAGE\" \"PNG\" (\"NAME\" \"a.png\") \"<id>\" NIL \"BASE64\" 300) \"RELATED\") 40 NIL NIL NIL NIL))\r\n",
    b"* 4 FETCH (BODY (\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"BASE64\" 3000))\r\n",
    b"* QUOTA \"\" (STORAGE 10 512)\r\n",
    b"* QUOTA \"!partition/sda4\" (STORAGE 104 10923847 MESSAGE 3 1000)\r\n",
    b"* QUOTAROOT INBOX \"\"\r\n",
    b"* QUOTAROOT comp.mail.mime\r\n",
    b"* METADATA \"\" (/shared/comment \"My comment\")\r\n",
    b"* METADATA INBOX (/private/comment \"My own comment\" /shared/comment NIL)\r\n",
    b"* METADATA INBOX (/private/comment {33}\r\nMy new comment across\r\ntwo lines.)\r\n",
    b"* METADATA INBOX /shared/comment /private/comment\r\n",
    b"* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" \"sunos\" \"os-version\" \"5.5\" \"support-url\" \"mailto:cyrus-bugs+@andrew.cmu.edu\")\r\n",
    b"* ID NIL\r\n",
    b"* XUNKNOWN 1 (2 3) \"four\"\r\n",
    b"* 7 XFOO bar\r\n",
];

#[test]
fn every_example_parses_round_trips_and_has_incomplete_prefixes() {
    for wire in EXAMPLES {
        let value = response(wire);
        response_round_trip(&value);
        prefixes_are_incomplete_response(wire);
    }
}

#[test]
fn status_with_code() {
    let Response::Status(status) =
        response(b"a003 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n")
    else {
        panic!("status");
    };
    assert_eq!(
        status.tag.map(|t| t.as_bytes().to_vec()),
        Some(b"a003".to_vec())
    );
    assert_eq!(status.kind, StatusKind::Ok);
    let Some(ResponseCode::CopyUid {
        uid_validity,
        source,
        destination,
    }) = status.code
    else {
        panic!("COPYUID");
    };
    assert_eq!(uid_validity, 38505);
    assert!(source.contains(319, 1000) && !source.contains(318, 1000));
    assert!(destination.contains(3957, 5000));
    assert_eq!(status.text.as_bytes(), b"Done");
}

#[test]
fn unknown_codes_capabilities_items_are_kept() {
    let Response::Status(status) = response(b"a OK [X-UNKNOWN-CODE some data] text\r\n") else {
        panic!("status");
    };
    assert!(
        matches!(status.code, Some(ResponseCode::Other { ref name, data: Some(ref d) })
        if name.eq_ignore_case("X-UNKNOWN-CODE") && &d[..] == b"some data")
    );
    let Response::Data(Data::Fetch { items, .. }) = response(
        b"* 1 FETCH (X-UNKNOWN-ITEM (\\Inbox \"Foo Bar\") X-GM-MSGID 1278455344230334865 UID 3)\r\n",
    ) else {
        panic!("fetch");
    };
    assert!(matches!(&items[0], FetchItem::Other { name, value }
        if &name[..] == b"X-UNKNOWN-ITEM" && &value[..] == b"(\\Inbox \"Foo Bar\")"));
    assert_eq!(items[1], FetchItem::XGmMsgId(1_278_455_344_230_334_865));
    assert_eq!(items[2], FetchItem::Uid(3));
    let Response::Data(Data::Capability(caps)) =
        response(b"* CAPABILITY IMAP4rev2 XPIG-LATIN AUTH=GSSAPI\r\n")
    else {
        panic!("caps");
    };
    assert_eq!(caps[0], Capability::Imap4Rev2);
    assert!(matches!(&caps[1], Capability::Other(a) if a.eq_ignore_case("XPIG-LATIN")));
    // An out-of-range known code is kept raw rather than failing (UIDVALIDITY 0 is a
    // real defect, modern-email/defects).
    let Response::Status(status) = response(b"* OK [UIDVALIDITY 0] UIDs valid\r\n") else {
        panic!("status");
    };
    assert!(matches!(status.code, Some(ResponseCode::Other { .. })));
}

#[test]
fn fetch_with_envelope_and_body() {
    let wire = EXAMPLES
        .iter()
        .find(|w| w.starts_with(b"* 12 FETCH (FLAGS"))
        .unwrap();
    let Response::Data(Data::Fetch { seq, items }) = response(wire) else {
        panic!("fetch");
    };
    assert_eq!(seq, 12);
    assert_eq!(items[0], FetchItem::Flags(vec![Flag::Seen]));
    let FetchItem::Envelope(envelope) = &items[3] else {
        panic!("envelope");
    };
    assert_eq!(envelope.cc.len(), 2);
    assert_eq!(
        envelope.cc[1].name.as_ref().map(|n| n.as_bytes()),
        Some(&b"John Klensin"[..])
    );
    assert!(envelope.bcc.is_empty());
    let FetchItem::Body(body) = &items[4] else {
        panic!("body");
    };
    let BodyStructure::Single {
        kind: SinglePartKind::Text { lines, .. },
        fields,
        extension: None,
    } = &**body
    else {
        panic!("text part");
    };
    assert_eq!((*lines, fields.size), (92, 3028));
}

#[test]
fn nested_multipart_and_message_rfc822() {
    let wire = EXAMPLES
        .iter()
        .find(|w| w.starts_with(b"* 3 FETCH (BODYSTRUCTURE (\"MESSAGE\""))
        .unwrap();
    let Response::Data(Data::Fetch { items, .. }) = response(wire) else {
        panic!("fetch");
    };
    let FetchItem::BodyStructure(body) = &items[0] else {
        panic!("bodystructure");
    };
    let BodyStructure::Single {
        kind:
            SinglePartKind::Message {
                envelope,
                body: inner,
                lines,
                ..
            },
        extension,
        ..
    } = &**body
    else {
        panic!("message/rfc822");
    };
    assert_eq!(*lines, 40);
    assert_eq!(
        envelope.subject.as_ref().map(|s| s.as_bytes()),
        Some(&b"inner"[..])
    );
    assert!(extension.is_some());
    let BodyStructure::Multipart { parts, subtype, .. } = &**inner else {
        panic!("multipart");
    };
    assert_eq!(parts.len(), 2);
    assert_eq!(subtype.as_bytes(), b"RELATED");
}

#[test]
fn bodystructure_depth_is_bounded() {
    let mut wire = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
    let depth = 5000;
    wire.extend(std::iter::repeat_n(b'(', depth));
    wire.extend_from_slice(b"\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)");
    for _ in 1..depth {
        wire.extend_from_slice(b" \"MIXED\")");
    }
    wire.extend_from_slice(b")\r\n");
    let error = imap_proto::parse::response(&bytes::Bytes::from(wire), &ParseOptions::default())
        .unwrap_err();
    assert_eq!(error.kind, imap_proto::ParseErrorKind::TooDeep);
    let mut thread = b"* THREAD ".to_vec();
    thread.extend(std::iter::repeat_n(b'(', 5000));
    let error = imap_proto::parse::response(&bytes::Bytes::from(thread), &ParseOptions::default())
        .unwrap_err();
    assert_eq!(error.kind, imap_proto::ParseErrorKind::TooDeep);
    let mut unknown = b"* 1 FETCH (X-DEEP ".to_vec();
    unknown.extend(std::iter::repeat_n(b'(', 5000));
    let error = imap_proto::parse::response(&bytes::Bytes::from(unknown), &ParseOptions::default())
        .unwrap_err();
    assert_eq!(error.kind, imap_proto::ParseErrorKind::TooDeep);
}

#[test]
fn thread_structure() {
    let Response::Data(Data::Thread(threads)) = response(b"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n")
    else {
        panic!("thread");
    };
    assert_eq!(threads.len(), 2);
    assert_eq!(threads[1].messages, vec![3, 6]);
    assert_eq!(threads[1].children[1].messages, vec![44, 7, 96]);
}

/// Regression vectors for real-server defects: strict parsing refuses them, the
/// matching lenience accepts them.
#[test]
fn real_server_defects_under_lenience() {
    type Case = (&'static [u8], fn(&mut Lenience));
    let cases: &[Case] = &[
        // SurgeMail: trailing space after a FETCH list (djc/imap-proto #178).
        (b"* 1 FETCH (FLAGS (\\Seen) UID 1 )\r\n", |l| l.trailing_space = true),
        // Trailing space after status text / after data.
        (b"* SEARCH 1 2 \r\n", |l| l.trailing_space = true),
        // DavMail: two spaces after `*`.
        (b"*  OK ready\r\n", |l| l.trailing_space = true),
        // Mail.ru: NIL as a MIME parameter value (imap-codec #700).
        (b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"BOUNDARY\" NIL) NIL NIL \"7BIT\" 1 1))\r\n", |l| l.nil_as_string = true),
        // Latin-1 bytes in a quoted subject (djc/imap-proto #194).
        (b"* 1 FETCH (ENVELOPE (NIL \"caf\xe9\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n", |l| l.bad_quoted = true),
        // A bare `+` continuation (modern-email/defects).
        (b"+\r\n", |l| l.missing_text = true),
        (b"A1 OK\r\n", |l| l.missing_text = true),
        // LF-only line ends.
        (b"* 3 EXISTS\n", |l| l.bare_lf = true),
    ];
    for (wire, enable) in cases {
        let bytes = bytes::Bytes::copy_from_slice(wire);
        assert!(
            imap_proto::parse::response(&bytes, &ParseOptions::default()).is_err(),
            "strict must refuse {:?}",
            String::from_utf8_lossy(wire)
        );
        let mut options = ParseOptions::default();
        enable(&mut options.lenience);
        let value = response_with(wire, &options);
        // The lenient reading encodes to a strict, valid form.
        let encoded = imap_proto::encode::Encoder::default().response(&value);
        let again = response_with(&encoded.to_bytes(), &options);
        assert_eq!(again, value);
        let _ = response_with(wire, &ParseOptions::lenient());
    }
}

#[test]
fn greeting_entry_point() {
    use imap_proto::parse::{Status, greeting};
    let ok = bytes::Bytes::from_static(b"* OK [CAPABILITY IMAP4rev2] ready\r\n");
    assert!(matches!(
        greeting(&ok, &ParseOptions::default()),
        Ok(Status::Complete { .. })
    ));
    let tagged = bytes::Bytes::from_static(b"a OK ready\r\n");
    assert!(greeting(&tagged, &ParseOptions::default()).is_err());
}

#[test]
fn type_sizes_stay_small() {
    // Parsed values move through Result layers; keep the top-level types compact.
    assert!(
        std::mem::size_of::<Command>() <= 192,
        "{}",
        std::mem::size_of::<Command>()
    );
    assert!(
        std::mem::size_of::<Response>() <= 192,
        "{}",
        std::mem::size_of::<Response>()
    );
}

#[test]
fn status_response_builders() {
    let status = StatusResponse::new(StatusKind::No, Text::try_from("Mailbox full").unwrap())
        .tagged(Tag::try_from("a7").unwrap())
        .with_code(ResponseCode::OverQuota);
    let wire = imap_proto::encode::Encoder::default()
        .response(&Response::Status(status.clone()))
        .to_bytes();
    assert_eq!(&wire[..], b"a7 NO [OVERQUOTA] Mailbox full\r\n");
    assert_eq!(response(&wire), Response::Status(status));
}

/// `[` is a TEXT-CHAR: a bracket that opens no well-formed code is plain text, and a
/// code with nothing after it (Gmail) is text when strict, a code under `missing_text`.
#[test]
fn brackets_in_text() {
    for wire in [
        &b"* OK [not a code\r\n"[..],
        b"* NO [ALERT]no space\r\n",
        b"a1 OK [] empty\r\n",
    ] {
        let Response::Status(status) = response(wire) else {
            panic!("status");
        };
        assert!(status.text.as_bytes().starts_with(b"["), "{status:?}");
        response_round_trip(&Response::Status(status));
    }
    let gmail = b"* OK [HIGHESTMODSEQ 5]\r\n";
    let Response::Status(strict) = response(gmail) else {
        panic!("status");
    };
    assert_eq!(
        (strict.code, strict.text.as_bytes()),
        (None, &b"[HIGHESTMODSEQ 5]"[..])
    );
    let mut options = ParseOptions::default();
    options.lenience.missing_text = true;
    let Response::Status(lenient) = response_with(gmail, &options) else {
        panic!("status");
    };
    assert_eq!(lenient.code, Some(ResponseCode::HighestModSeq(5)));
}
