//! Held-out acceptance tests for the response parser, with inputs taken from the
//! response-parser fixtures of Ruby's `net-imap` (repository `ruby/net-imap`, files
//! `test/net/imap/fixtures/response_parser/*.yml`; licence BSD-2-Clause / Ruby).
//!
//! Only the raw server responses and a few of the expected values (tag, status,
//! sequence number, UID, FETCH items, body types, ESEARCH results, ...) were taken;
//! the test code is our own. Cases that net-imap accepts although they break RFC 3501 /
//! RFC 9051 (`quirky_behaviors.yml` and the `test_invalid_*` cases) are parsed with
//! `ParseOptions::lenient()`, the options the crate documents for clients. Cases our
//! parser refused although a client must tolerate them (four kinds, fixed since) are kept
//! apart, as regressions (`FOUND_BUGS`).

use bytes::Bytes;
use imap_proto::parse::{self, ParseOptions, Status};
use imap_proto::types::{
    BodyStructure, Data, ESearchItem, FetchItem, Response, SinglePartKind, StatusKind,
};

/// One structural expectation about a parsed response.
#[derive(Debug)]
enum Check {
    /// A tagged status response with this tag and kind.
    Tagged(&'static str, StatusKind),
    /// An untagged status response of this kind.
    Untagged(StatusKind),
    /// The response code's `Debug` form starts with this.
    Code(&'static str),
    /// The human-readable text.
    Text(&'static str),
    /// `* n FETCH`.
    Fetch(u32),
    /// The FETCH items, by kind, in order.
    Items(&'static [&'static str]),
    /// A `UID` FETCH item.
    Uid(u32),
    /// A `MODSEQ` FETCH item.
    ModSeq(u64),
    /// A `FLAGS` FETCH item with this many flags.
    FlagCount(usize),
    /// An `RFC822.SIZE` FETCH item.
    Size(u64),
    /// The (first) BODY / BODYSTRUCTURE item: type, subtype, number of parts.
    Body(&'static str, &'static str, usize),
    /// The length of the first literal-carrying item (BODY[...], RFC822...).
    Data(usize),
    /// `* ESEARCH`: correlator tag, UID flag, number of result items.
    ESearch(Option<&'static str>, bool, usize),
    /// ESEARCH result items.
    Min(u32),
    Max(u32),
    Count(u32),
    All(u32),
    /// `* NAMESPACE`: number of personal, other, shared descriptions.
    Namespace(usize, usize, usize),
    /// `* QUOTA root (...)` with this many resources.
    Quota(&'static str, usize),
    /// `* QUOTAROOT mailbox roots...` with this many roots.
    QuotaRoot(&'static str, usize),
    /// `* STATUS mailbox (...)` with this many items.
    StatusData(&'static str, usize),
    /// `* SEARCH ...` with this many numbers and this MODSEQ.
    Search(usize, Option<u64>),
    /// `* VANISHED [(EARLIER)] ...`.
    Vanished(bool),
    /// `* LIST` for this mailbox (wire bytes).
    List(&'static [u8]),
    /// Untagged data this crate keeps raw, by name.
    Other(&'static str),
}

use Check::*;

struct Case {
    file: &'static str,
    name: &'static str,
    raw: &'static [u8],
    /// Needs the documented client lenience (a real-world RFC violation).
    lenient: bool,
    checks: &'static [Check],
}

const fn strict(
    file: &'static str,
    name: &'static str,
    raw: &'static [u8],
    checks: &'static [Check],
) -> Case {
    Case {
        file,
        name,
        raw,
        lenient: false,
        checks,
    }
}

const fn lenient(
    file: &'static str,
    name: &'static str,
    raw: &'static [u8],
    checks: &'static [Check],
) -> Case {
    Case {
        file,
        name,
        raw,
        lenient: true,
        checks,
    }
}

const Q: &str = "quirky_behaviors.yml";
const R3501: &str = "rfc3501_examples.yml";
const F: &str = "fetch_responses.yml";
const B: &str = "body_structure_responses.yml";
const E: &str = "esearch_responses.yml";
const C: &str = "rfc7162_condstore_qresync_responses.yml";
const N: &str = "namespace_responses.yml";
const U: &str = "utf8_responses.yml";
const QU: &str = "rfc9208_quota_responses.yml";

const CASES: &[Case] = &[
    // quirky_behaviors.yml
    lenient(Q, "test_invalid_noop_response_is_ignored", b"* NOOP\r\n", &[Other("NOOP")]),
    lenient(
        Q,
        "test_invalid_noop_response_with_unparseable_data",
        b"* NOOP froopy snood\r\n",
        &[Other("NOOP")],
    ),
    lenient(
        Q,
        "test_invalid_noop_response_with_numeric_prefix",
        b"* 99 NOOP\r\n",
        &[Other("99 NOOP")],
    ),
    lenient(
        Q,
        "test_invalid_noop_response_with_numeric_prefix_and_unparseable_data",
        b"* 86 NOOP froopy snood\r\n",
        &[Other("86 NOOP")],
    ),
    // Outlook.com: SP between the addresses of an ENVELOPE address list.
    lenient(
        Q,
        "outlook.com puts an extra SP in ENVELOPE address lists",
        b"* 24 FETCH (UID 60 INTERNALDATE \"24-May-2021 11:47:51 +0200\" RFC822.SIZE 49051 ENVELOPE (\"Mon, 24 May 20 21 09:47:50 +0000\" \"Zoooom Zoom\" ((\"Augustina Gleason\" NIL \"augustina\" \"oberbrunner.test\")) NIL NIL ((\"risa@harvey-lemke.test\" NIL \"risa\" \"harvey-lemke.test\") (\"shella@kilback-renner.test\" NIL \"shella\" \"kilback-renner.test\") (\"jana.kiehn@bradtke-considine.example\" NIL \"jana.kiehn\" \"bradtke-considine.example\") (\"frank@hartmann.test\" NIL \"frank\" \"hartmann.test\") (\"numbers.ryan@satterfield.test\" NIL \"numbers.ryan\" \"satterfield.test\") (\"keneth_feeney@will-walter.test\" NIL \"keneth_feeney\" \"will-walter.test\")) NIL NIL NIL \"<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@bbbbbbbbbbbbb.ccccccc.PROD.OUTLOOK.COM>\"))\r\n",
        &[
            Fetch(24),
            Items(&["UID", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"]),
            Uid(60),
            Size(49051),
        ],
    ),
    // rfc3501_examples.yml
    strict(
        R3501,
        "rfc3501_8_example_1_UNSEEN_response_code",
        b"* OK [UNSEEN 17] Message 17 is the first unseen message\r\n",
        &[
            Untagged(StatusKind::Ok),
            Code("Unseen(17)"),
            Text("Message 17 is the first unseen message"),
        ],
    ),
    strict(
        R3501,
        "rfc3501_8_example_2_UIDVALIDITY_response_code",
        b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
        &[
            Untagged(StatusKind::Ok),
            Code("UidValidity(3857529045)"),
            Text("UIDs valid"),
        ],
    ),
    strict(
        R3501,
        "rfc3501_8_example_3_FETCH_ENVELOPE",
        b"* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\") BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n",
        &[
            Fetch(12),
            Items(&["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"]),
            FlagCount(1),
            Size(4286),
            Body("TEXT", "PLAIN", 0),
        ],
    ),
    strict(
        R3501,
        "rfc3501_8_example_4_FETCH_BODY[HEADER]",
        b"* 12 FETCH (BODY[HEADER] {342}\r\nDate: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\nFrom: Terry Gray <gray@cac.washington.edu>\r\nSubject: IMAP4rev1 WG mtg summary and minutes\r\nTo: imap@cac.washington.edu\r\ncc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\nMessage-Id: <B27397-0100000@cac.washington.edu>\r\nMIME-Version: 1.0\r\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\r\n)\r\n",
        &[Fetch(12), Items(&["BODY[]"]), Data(342)],
    ),
    // fetch_responses.yml
    strict(
        F,
        "rfc3501_7.4.2_FETCH_response_example",
        b"* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)\r\n",
        &[Fetch(23), Items(&["FLAGS", "RFC822.SIZE"]), FlagCount(1), Size(44827)],
    ),
    strict(
        F,
        "test_fetch_msg_att_uid",
        b"* 1 FETCH (UID 92285)\r\n",
        &[Fetch(1), Items(&["UID"]), Uid(92285)],
    ),
    strict(
        F,
        "test_fetch_msg_att_flags_and_uid",
        b"* 1 FETCH (FLAGS (\\Seen $MDNSent \\Flagged Custom) UID 5)\r\n",
        &[Fetch(1), Items(&["FLAGS", "UID"]), FlagCount(4), Uid(5)],
    ),
    strict(
        F,
        "test_fetch_msg_att_HEADER.FIELDS",
        b"* 20367 FETCH (BODY[HEADER.FIELDS (List-ID List-Unsubscribe List-Unsubscribe-Post List-Owner List-Archive)] {291}\r\nList-Unsubscribe: manage-example-lists xxxxxxxxxxxxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n\r\n)\r\n",
        &[Fetch(20367), Items(&["BODY[]"]), Data(291)],
    ),
    strict(
        F,
        "test_fetch_msg_att_HEADER.FIELDS_quoted",
        b"* 10 FETCH (BODY[HEADER.FIELDS (\"Content-Type\")] {95}\r\nContent-Type: multipart/alternative;\r\n boundary=\"--==_mimepart_66cfb08b4f249_34306b61811e5\"\r\n\r\n)\r\n",
        &[Fetch(10), Items(&["BODY[]"]), Data(95)],
    ),
    strict(
        F,
        "test_fetch_msg_att_HEADER.FIELDS.NOT",
        b"* 20368 FETCH (BODY[HEADER.FIELDS.NOT (Received DKIM-Signature List-Unsubscribe ARC-Seal ARC-Authentication-Results Authentication-Results ARC-Message-Signature Received-SPF X-Received Mime-Version Content-Type Content-Transfer-Encoding X-AUTO-Response-Suppress X-Google-Smtp-Source)] {307}\r\nDelivered-To: testy.mctester@mail.test\r\nReturn-Path: <noreply@example.test>\r\nDate: Thu, 02 Nov 2023 10:10:17 -0700\r\nFrom: Example <support@example.test>\r\nMessage-ID: <xxxxxxxxxxxxxxxxxxxx@yyyyyyyyy-zzzzzzzz-example.mail>\r\nSubject: [Example] You've hit 75% of your spending limit for the Tester\r\n account\r\n\r\n)\r\n",
        &[Fetch(20368), Items(&["BODY[]"]), Data(307)],
    ),
    lenient(
        F,
        "test_invalid_fetch_msg_att_extra_space",
        b"* 1 FETCH (UID 92285 )\r\n",
        &[Fetch(1), Items(&["UID"]), Uid(92285)],
    ),
    strict(
        F,
        "test_fetch_msg_att_modseq",
        b"* 1 FETCH (FLAGS (Seen) MODSEQ (12345) UID 5)\r\n",
        &[
            Fetch(1),
            Items(&["FLAGS", "MODSEQ", "UID"]),
            FlagCount(1),
            ModSeq(12345),
            Uid(5),
        ],
    ),
    strict(
        F,
        "test_fetch_msg_att_rfc822",
        b"* 123 FETCH (RFC822 {5}\r\nfoo\r\n)\r\n",
        &[Fetch(123), Items(&["RFC822"]), Data(5)],
    ),
    strict(
        F,
        "test_fetch_msg_att_X-GM-MSGID",
        b"* 1 FETCH (X-GM-MSGID 1278455344230334865)\r\n",
        &[Fetch(1), Items(&["X-GM-MSGID"])],
    ),
    strict(
        F,
        "test_fetch_msg_att_X-GM-THRID",
        b"* 4 FETCH (X-GM-THRID 1266894439832287888)\r\n",
        &[Fetch(4), Items(&["X-GM-THRID"])],
    ),
    strict(
        F,
        "test_fetch_msg_att_X-GM-LABELS_1",
        b"* 1 FETCH (X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\"))\r\n",
        &[Fetch(1), Items(&["X-GM-LABELS"])],
    ),
    strict(
        F,
        "test_fetch_msg_att_X-GM-LABELS_2",
        b"* 2 FETCH (X-GM-LABELS (foo))\r\n",
        &[Fetch(2), Items(&["X-GM-LABELS"])],
    ),
    strict(
        F,
        "test_fetch_msg_att_X-GM-LABELS_3",
        b"* 3 FETCH (X-GM-LABELS ())\r\n",
        &[Fetch(3), Items(&["X-GM-LABELS"])],
    ),
    // Not in RFC 3501; kept raw as an unknown item, as the crate documents.
    lenient(
        F,
        "test_invalid_fetch_msg_att_rfc822_with_brackets",
        b"* 123 FETCH (RFC822[] {5}\r\nfoo\r\n)\r\n",
        &[Fetch(123), Items(&["OTHER"])],
    ),
    // net-imap refuses unknown FETCH items; this crate documents keeping them raw.
    strict(
        F,
        "test_invalid_fetch_msg_att_unknown_fails",
        b"* 123 FETCH (UNKNOWN 92285)\r\n",
        &[Fetch(123), Items(&["OTHER"])],
    ),
    // body_structure_responses.yml
    strict(
        B,
        "test_bodystructure_bug7146_msg_delivery_status",
        b"* 4902 FETCH (BODY ((\"MESSAGE\" \"DELIVERY-STATUS\" NIL NIL NIL \"7BIT\" 324) \"REPORT\"))\r\n",
        &[Fetch(4902), Items(&["BODY"]), Body("MULTIPART", "REPORT", 1)],
    ),
    strict(
        B,
        "test_bodystructure_extension_fields",
        b"* 161 FETCH (UID 25627 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23 \"123456789abcdef\" (\"dsp-type\" (\"dsp-fld-param\" \"val1\" \"key2\" \"val2\")) (\"lang1\" \"lang2\") \"loc\" \"ext0\" 1 (2) \"ext3\" ((((((4)))))) (\"ext number\" 5))(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"trip.txt\") \"<960723163407.20117h@washington.example.com>\" \"Your trip details\" \"BASE64\" 4554 73 NiL NIL \"lang3\" \"loc...\" \"ext\" \"part deux\" \"electric boogaloo\") \"MIXED\" (\"ext\" \"mpart\" \"fld\" \"param\") (\"multi-dsp\" (\"multi dsp body-fld-param\" \"param value\")) (\"lang\" \"lang\" \"langy\" \"LANG\" \"lang\") \"location mclocation face\" \"extended release\" ((((((1) (2) (3)))) \"done\"))))\r\n",
        &[
            Fetch(161),
            Items(&["UID", "BODYSTRUCTURE"]),
            Uid(25627),
            Body("MULTIPART", "MIXED", 2),
        ],
    ),
    strict(
        B,
        "test_bodystructure_bug8167_delivery_status_with_extra_data",
        b"* 29021 FETCH (RFC822.SIZE 3162 UID 113622 RFC822.HEADER {1155}\r\nReturn-path: <>\r\nEnvelope-to: info@xxxxxxxx.si\r\nDelivery-date: Tue, 26 Mar 2013 12:42:58 +0100\r\nReceived: from mail by xxxx.xxxxxxxxxxx.net with spam-scanned (Exim 4.76)\r\n\tid 1UKSHI-000Cwl-AR\r\n\tfor info@xxxxxxxx.si; Tue, 26 Mar 2013 12:42:58 +0100\r\nX-Spam-Checker-Version: SpamAssassin 3.3.1 (2010-03-16) on xxxx.xxxxxxxxxxx.net\r\nX-Spam-Level: **\r\nX-Spam-Status: No, score=2.1 required=7.0 tests=DKIM_ADSP_NXDOMAIN,RDNS_NONE\r\n\tautolearn=no version=3.3.1\r\nReceived: from [xx.xxx.xxx.xx] (port=56890 helo=xxxxxx.localdomain)\r\n\tby xxxx.xxxxxxxxxxx.net with esmtp (Exim 4.76)\r\n\tid 1UKSHI-000Cwi-9j\r\n\tfor info@xxxxxxxx.si; Tue, 26 Mar 2013 12:42:56 +0100\r\nReceived: by xxxxxx.localdomain (Postfix)\r\n\tid 72725BEA64A; Tue, 26 Mar 2013 12:42:55 +0100 (CET)\r\nDate: Tue, 26 Mar 2013 12:42:55 +0100 (CET)\r\nFrom: MAILER-DAEMON@xxxxxx.localdomain (Mail Delivery System)\r\nSubject: Undelivered Mail Returned to Sender\r\nTo: info@xxxxxxxx.si\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"27797BEA649.1364298175/xxxxxx.localdomain\"\r\nMessage-Id: <20130326114255.72725BEA64A@xxxxxx.localdomain>\r\n\r\n BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL \"Notification\" \"7bit\" 510 14 NIL NIL NIL NIL)(\"message\" \"delivery-status\" NIL NIL \"Delivery report\" \"7bit\" 410 NIL NIL NIL NIL)(\"text\" \"rfc822-headers\" (\"charset\" \"us-ascii\") NIL \"Undelivered Message Headers\" \"7bit\" 612 15 NIL NIL NIL NIL) \"report\" (\"report-type\" \"delivery-status\" \"boundary\" \"27797BEA649.1364298175/xxxxxx.localdomain\") NIL NIL NIL))\r\n",
        &[
            Fetch(29021),
            Items(&["RFC822.SIZE", "UID", "RFC822.HEADER", "BODYSTRUCTURE"]),
            Size(3162),
            Uid(113622),
            Data(1155),
            Body("MULTIPART", "REPORT", 3),
        ],
    ),
    // esearch_responses.yml
    strict(
        E,
        "rfc9051_6.4.4_ESEARCH_example_1",
        b"* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n",
        &[ESearch(Some("A282"), false, 2), Min(2), Count(3)],
    ),
    strict(
        E,
        "rfc9051_6.4.4_ESEARCH_example_2",
        b"* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n",
        &[ESearch(Some("A283"), false, 1), All(3)],
    ),
    strict(
        E,
        "rfc9051_6.4.4_ESEARCH_example_3",
        b"* ESEARCH (TAG \"A284\")\r\n",
        &[ESearch(Some("A284"), false, 0)],
    ),
    strict(
        E,
        "rfc9051_6.4.4_ESEARCH_example_4",
        b"* ESEARCH (TAG \"A285\") ALL 43\r\n",
        &[ESearch(Some("A285"), false, 1), All(1)],
    ),
    strict(
        E,
        "rfc9051_6.4.4_ESEARCH_example_5",
        b"* ESEARCH (TAG \"A284\") MIN 4\r\n",
        &[ESearch(Some("A284"), false, 1), Min(4)],
    ),
    strict(
        E,
        "rfc9051_6.4.4_ESEARCH_example_6",
        b"* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n",
        &[ESearch(Some("A285"), true, 2), Min(7), Max(3800)],
    ),
    strict(
        E,
        "rfc9051_6.4.4_ESEARCH_example_7",
        b"* ESEARCH (TAG \"A286\") COUNT 15\r\n",
        &[ESearch(Some("A286"), false, 1), Count(15)],
    ),
    strict(
        E,
        "rfc9051_6.4.4.4_ESEARCH_example_1",
        b"* ESEARCH (TAG \"A301\") UID ALL 17,900,901\r\n",
        &[ESearch(Some("A301"), true, 1), All(3)],
    ),
    strict(
        E,
        "rfc9051_6.4.4.4_ESEARCH_example_2",
        b"* ESEARCH (TAG \"P283\") ALL 882,1102,3003,3005:3006\r\n",
        &[ESearch(Some("P283"), false, 1), All(5)],
    ),
    strict(
        E,
        "rfc9051_6.4.4.4_ESEARCH_example_3",
        b"* ESEARCH (TAG \"G283\") ALL 3:15,27,29:103\r\n",
        &[ESearch(Some("G283"), false, 1), All(13 + 1 + 75)],
    ),
    strict(
        E,
        "rfc9051_6.4.4.4_ESEARCH_example_4",
        b"* ESEARCH (TAG \"C283\") ALL 2,10:15,21\r\n",
        &[ESearch(Some("C283"), false, 1), All(8)],
    ),
    strict(
        E,
        "rfc9051_6.4.4.4_ESEARCH_example_5",
        b"* ESEARCH (TAG \"C284\") MIN 2\r\n",
        &[ESearch(Some("C284"), false, 1), Min(2)],
    ),
    strict(
        E,
        "rfc9051_6.4.4.4_ESEARCH_example_6",
        b"* ESEARCH (TAG \"C285\") MIN 2 MAX 21\r\n",
        &[ESearch(Some("C285"), false, 2), Min(2), Max(21)],
    ),
    strict(
        E,
        "rfc9051_6.4.4.4_ESEARCH_example_7",
        b"* ESEARCH (TAG \"C286\") MIN 2 MAX 21 COUNT 8\r\n",
        &[ESearch(Some("C286"), false, 3), Min(2), Max(21), Count(8)],
    ),
    strict(
        E,
        "rfc9051_6.4.4.4_ESEARCH_example_8",
        b"* ESEARCH (TAG \"C286\") MIN 2 ALL 2,10:15,21\r\n",
        &[ESearch(Some("C286"), false, 2), Min(2), All(8)],
    ),
    strict(
        E,
        "rfc9051_7.1_ESEARCH_example_1",
        b"* ESEARCH (TAG \"h\") ALL 1:3,5,8,13,21,42\r\n",
        &[ESearch(Some("h"), false, 1), All(8)],
    ),
    strict(
        E,
        "rfc9051_7.3.4_ESEARCH_example_1",
        b"* ESEARCH UID COUNT 17 ALL 4:18,21,28\r\n",
        &[ESearch(None, true, 2), Count(17), All(17)],
    ),
    strict(
        E,
        "rfc9051_7.3.4_ESEARCH_example_2",
        b"* ESEARCH (TAG \"a567\") UID COUNT 17 ALL 4:18,21,28\r\n",
        &[ESearch(Some("a567"), true, 2), Count(17), All(17)],
    ),
    strict(
        E,
        "rfc9051_7.3.4_ESEARCH_example_3",
        b"* ESEARCH COUNT 18 ALL 1:17,21\r\n",
        &[ESearch(None, false, 2), Count(18), All(18)],
    ),
    // rfc7162_condstore_qresync_responses.yml
    // RFC 7162's own example has no text after the code (RFC 3501/9051 `text` is
    // 1*TEXT-CHAR); Gmail does the same: the documented `missing_text` lenience.
    lenient(
        C,
        "RFC7162 CONDSTORE 3.1.2.1. HIGHESTMODSEQ Response Code",
        b"* OK [HIGHESTMODSEQ 715194045007]\r\n",
        &[Untagged(StatusKind::Ok), Code("HighestModSeq(715194045007)")],
    ),
    strict(
        C,
        "RFC7162 CONDSTORE 3.1.2.2. NOMODSEQ Response Code",
        b"* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences\r\n",
        &[
            Untagged(StatusKind::Ok),
            Code("NoModSeq"),
            Text("Sorry, this mailbox format doesn't support modsequences"),
        ],
    ),
    strict(
        C,
        "RFC7162 CONDSTORE 3.1.3. Example 3 (FETCH MODSEQ)",
        b"* 4 FETCH (UID 8 MODSEQ (12121230956))\r\n",
        &[Fetch(4), Items(&["UID", "MODSEQ"]), Uid(8), ModSeq(12121230956)],
    ),
    strict(
        C,
        "RFC7162 CONDSTORE 3.1.3. Example 4 (FETCH MODSEQ)",
        b"* 50 FETCH (MODSEQ (12111230048))\r\n",
        &[Fetch(50), Items(&["MODSEQ"]), ModSeq(12111230048)],
    ),
    strict(
        C,
        "RFC7162 CONDSTORE 3.1.3. Example 6 (MODIFIED Response Code)",
        b"d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n",
        &[
            Tagged("d105", StatusKind::Ok),
            Code("Modified("),
            Text("Conditional STORE failed"),
        ],
    ),
    strict(
        C,
        "RFC7162 CONDSTORE 3.1.5. MODSEQ Search Criterion in SEARCH",
        b"* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n",
        &[Search(10, Some(917162500))],
    ),
    strict(
        C,
        "RFC7162 CONDSTORE 3.1.7. HIGHESTMODSEQ Status Data Items",
        b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777)\r\n",
        &[StatusData("blurdybloop", 3)],
    ),
    strict(
        C,
        "RFC7162 QRESYNC 3.2.5.1. Modification Sequence and UID Parameters",
        b"* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n",
        &[Vanished(true)],
    ),
    strict(
        C,
        "RFC7162 QRESYNC 3.2.7. EXPUNGE Command",
        b"* VANISHED 405,407,410,425\r\n",
        &[Vanished(false)],
    ),
    // namespace_responses.yml
    strict(
        N,
        "NAMESPACE_rfc2342_example_5.1",
        b"* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n",
        &[Namespace(1, 0, 0)],
    ),
    strict(
        N,
        "NAMESPACE_rfc2342_example_5.2",
        b"* NAMESPACE NIL NIL ((\"\" \".\"))\r\n",
        &[Namespace(0, 0, 1)],
    ),
    strict(
        N,
        "NAMESPACE_rfc2342_example_5.3",
        b"* NAMESPACE ((\"\" \"/\")) NIL ((\"Public Folders/\" \"/\"))\r\n",
        &[Namespace(1, 0, 1)],
    ),
    strict(
        N,
        "NAMESPACE_rfc2342_example_5.5",
        b"* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\r\n",
        &[Namespace(1, 0, 0)],
    ),
    strict(
        N,
        "NAMESPACE_rfc2342_example_5.7",
        b"* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) NIL\r\n",
        &[Namespace(1, 1, 0)],
    ),
    strict(
        N,
        "NAMESPACE_rfc9051_6.3.10_example_8",
        b"* NAMESPACE ((\"\" \"/\")) ((\"#Users/\" \"/\")) NIL\r\n",
        &[Namespace(1, 1, 0)],
    ),
    strict(
        N,
        "NAMESPACE_rfc2342_example_5.9",
        b"* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) NIL\r\n",
        &[Namespace(1, 1, 0)],
    ),
    // utf8_responses.yml
    strict(
        U,
        "test_utf8_in_list_mailbox",
        "* LIST () \"/\" \"\u{2603}\u{fe0f}&\u{263a}\u{fe0f}\"\r\n".as_bytes(),
        &[List("\u{2603}\u{fe0f}&\u{263a}\u{fe0f}".as_bytes())],
    ),
    strict(
        U,
        "test_utf8_in_resp_text",
        "* OK \u{1d580}\u{1d593}\u{1d58e}\u{1d588}\u{1d594}\u{1d589}\u{1d58a} \u{ab}\u{3b1}-\u{3c9}\u{bb} \u{307b}\u{3052} \u{3075}\u{304c} \u{287}\u{250}\u{265}\u{28d}\r\n"
            .as_bytes(),
        &[
            Untagged(StatusKind::Ok),
            Text("\u{1d580}\u{1d593}\u{1d58e}\u{1d588}\u{1d594}\u{1d589}\u{1d58a} \u{ab}\u{3b1}-\u{3c9}\u{bb} \u{307b}\u{3052} \u{3075}\u{304c} \u{287}\u{250}\u{265}\u{28d}"),
        ],
    ),
    // rfc9208_quota_responses.yml
    strict(
        QU,
        "rfc9208_4.1.1_example",
        b"* QUOTA \"!partition/sda4\" (STORAGE 104 10923847)\r\n",
        &[Quota("!partition/sda4", 1)],
    ),
    strict(
        QU,
        "rfc9208_4.1.2_example_1",
        b"* QUOTAROOT INBOX \"#user/alice\" \"!partition/sda4\"\r\n",
        &[QuotaRoot("INBOX", 2)],
    ),
    strict(
        QU,
        "rfc9208_4.1.2_example_2",
        b"* QUOTA \"#user/alice\" (MESSAGE 42 1000)\r\n",
        &[Quota("#user/alice", 1)],
    ),
    strict(
        QU,
        "rfc9208_4.1.3_example_1 (commented out in the fixture)",
        b"* QUOTA \"#user/alice\" (STORAGE 54 111 MESSAGE 42 1000)\r\n",
        &[Quota("#user/alice", 2)],
    ),
    strict(
        QU,
        "rfc9208_4.1.4_example",
        b"* STATUS INBOX (MESSAGES 12 DELETED 4 DELETED-STORAGE 8)\r\n",
        &[StatusData("INBOX", 3)],
    ),
    strict(
        QU,
        "rfc9208_4.2.1_example",
        b"* QUOTA \"\" (STORAGE 10 512)\r\n",
        &[Quota("", 1)],
    ),
    strict(
        QU,
        "rfc9208_4.2.2_example_1",
        b"* QUOTAROOT INBOX \"\"\r\n",
        &[QuotaRoot("INBOX", 1)],
    ),
    strict(
        QU,
        "rfc9208_4.2.2_example_2",
        b"* QUOTAROOT comp.mail.mime\r\n",
        &[QuotaRoot("comp.mail.mime", 0)],
    ),
    strict(
        QU,
        "rfc9208_4.3.1_example_1",
        b"A003 NO [OVERQUOTA] APPEND Failed\r\n",
        &[
            Tagged("A003", StatusKind::No),
            Code("OverQuota"),
            Text("APPEND Failed"),
        ],
    ),
    strict(
        QU,
        "rfc9208_4.3.1_example_2",
        b"* NO [OVERQUOTA] Soft quota has been exceeded\r\n",
        &[
            Untagged(StatusKind::No),
            Code("OverQuota"),
            Text("Soft quota has been exceeded"),
        ],
    ),
];

/// Real-world or RFC-example responses that net-imap accepts and that our parser refused
/// even with every documented lenience on, until these cases found it (regressions now):
/// BODY with extension data (accepted strictly, the data dropped: BODY is the
/// non-extensible form), SP between NAMESPACE descriptions, message/rfc822 sent as a basic
/// part, a multipart without parts (lenient).
const FOUND_BUGS: &[Case] = &[
    strict(
        B,
        "test_bodystructure_bug11128_ext_mpart_without_lang",
        b"* 4 FETCH (BODY (((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 257 9 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 655 9 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"001a1137a5047848dd05157ddaa1\") NIL)(\"application\" \"pdf\" (\"name\" \"test.xml\" \"x-apple-part-url\" \"9D00D9A2-98AB-4EFB-85BA-FB255F8BF3D7\") NIL NIL \"base64\" 4383638 NIL (\"attachment\" (\"filename\" \"test.xml\")) NIL NIL) \"mixed\" (\"boundary\" \"001a1137a5047848e405157ddaa3\") NIL))\r\n",
        &[Fetch(4), Items(&["BODY"]), Body("MULTIPART", "MIXED", 2)],
    ),
    lenient(
        N,
        "NAMESPACE_rfc2342_example_5.4",
        b"* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\") (\"#public/\" \"/\") (\"#ftp/\" \"/\") (\"#news.\" \".\"))\r\n",
        &[Namespace(1, 1, 4)],
    ),
    lenient(
        N,
        "NAMESPACE_rfc2342_example_5.6",
        b"* NAMESPACE ((\"\" \"/\") (\"#mh/\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL\r\n",
        &[Namespace(2, 0, 0)],
    ),
    lenient(
        B,
        "test_bodystructure_bug7147_message_rfc822_attachment",
        b"* 5441 FETCH (BODY (((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"iso-8859-1\") NIL NIL \"QUOTED-PRINTABLE\" 69 1)(\"TEXT\" \"HTML\" (\"CHARSET\" \"iso-8859-1\") NIL NIL \"QUOTED-PRINTABLE\" 455 12) \"ALTERNATIVE\")(\"MESSAGE\" \"RFC822\" (\"NAME\" \"ATT00026.eml\") NIL NIL \"7BIT\" 4079755) \"MIXED\"))\r\n",
        &[Fetch(5441), Items(&["BODY"]), Body("MULTIPART", "MIXED", 2)],
    ),
    lenient(
        B,
        "test_invalid_bodystructure_bug7153_mixed",
        b"* 1038 FETCH (BODY (\"MIXED\"))\r\n",
        &[Fetch(1038), Items(&["BODY"])],
    ),
    lenient(
        B,
        "test_bodystructure_mixed_boundary",
        b"* 2688 FETCH (UID 179161 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"iso-8859-1\") NIL NIL \"QUOTED-PRINTABLE\" 200 4 NIL NIL NIL)(\"MESSAGE\" \"DELIVERY-STATUS\" NIL NIL NIL \"7BIT\" 318 NIL NIL NIL)(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 2177 (\"Tue, 11 May 2010 18:28:16 -0400\" \"Re: Welcome letter\" ((\"David\" NIL \"info\" \"xxxxxxxx.si\")) ((\"David\" NIL \"info\" \"xxxxxxxx.si\")) ((\"David\" NIL \"info\" \"xxxxxxxx.si\")) ((\"Doretha\" NIL \"doretha.info\" \"xxxxxxxx.si\")) NIL NIL \"<AC1D15E06EA82F47BDE18E851CC32F330717704E@localdomain>\" \"<AANLkTikKMev1I73L2E7XLjRs67IHrEkb23f7ZPmD4S_9@localdomain>\") (\"MIXED\" (\"BOUNDARY\" \"000e0cd29212e3e06a0486590ae2\") NIL NIL) 37 NIL NIL NIL) \"REPORT\" (\"BOUNDARY\" \"16DuG.4XbaNOvCi.9ggvq.8Ipnyp3\" \"REPORT-TYPE\" \"delivery-status\") NIL NIL))\r\n",
        &[
            Fetch(2688),
            Items(&["UID", "BODYSTRUCTURE"]),
            Uid(179161),
            Body("MULTIPART", "REPORT", 3),
        ],
    ),
    lenient(
        B,
        "test_invalid_bodystructure_message_sent_as_basic",
        b"* 980 FETCH (UID 2862 BODYSTRUCTURE (((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"iso-8859-1\") NIL NIL \"7BIT\" 416 21 NIL NIL NIL)(\"TEXT\" \"HTML\" (\"CHARSET\" \"iso-8859-1\") NIL NIL \"7BIT\" 1493 32 NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"Boundary_(ID_IaecgfnXwG5bn3x8lIeGIQ)\") NIL NIL)(\"MESSAGE\" \"RFC822\" (\"NAME\" \"Fw_ ____ _____ ____.eml\") NIL NIL \"7BIT\" 1980088 NIL (\"ATTACHMENT\" (\"FILENAME\" \"Fw_ ____ _____ ____.eml\")) NIL) \"MIXED\" (\"BOUNDARY\" \"Boundary_(ID_eDdLc/j0mBIzIlR191pHjA)\") NIL NIL))\r\n",
        &[
            Fetch(980),
            Items(&["UID", "BODYSTRUCTURE"]),
            Uid(2862),
            Body("MULTIPART", "MIXED", 2),
        ],
    ),
];

fn item_name(item: &FetchItem) -> &'static str {
    match item {
        FetchItem::Flags(_) => "FLAGS",
        FetchItem::Envelope(_) => "ENVELOPE",
        FetchItem::BodyStructure(_) => "BODYSTRUCTURE",
        FetchItem::Body(_) => "BODY",
        FetchItem::InternalDate(_) => "INTERNALDATE",
        FetchItem::Rfc822Size(_) => "RFC822.SIZE",
        FetchItem::Rfc822(_) => "RFC822",
        FetchItem::Rfc822Header(_) => "RFC822.HEADER",
        FetchItem::Rfc822Text(_) => "RFC822.TEXT",
        FetchItem::BodySection { .. } => "BODY[]",
        FetchItem::Binary { .. } => "BINARY[]",
        FetchItem::BinarySize { .. } => "BINARY.SIZE[]",
        FetchItem::Uid(_) => "UID",
        FetchItem::ModSeq(_) => "MODSEQ",
        FetchItem::EmailId(_) => "EMAILID",
        FetchItem::ThreadId(_) => "THREADID",
        FetchItem::SaveDate(_) => "SAVEDATE",
        FetchItem::Preview(_) => "PREVIEW",
        FetchItem::XGmMsgId(_) => "X-GM-MSGID",
        FetchItem::XGmThrId(_) => "X-GM-THRID",
        FetchItem::XGmLabels(_) => "X-GM-LABELS",
        FetchItem::Other { .. } => "OTHER",
        _ => "?",
    }
}

fn fetch_items(response: &Response) -> &[FetchItem] {
    match response {
        Response::Data(Data::Fetch { items, .. }) => items,
        other => panic!("not a FETCH: {other:?}"),
    }
}

fn esearch_items(response: &Response) -> &[ESearchItem] {
    match response {
        Response::Data(Data::ESearch { items, .. }) => items,
        other => panic!("not an ESEARCH: {other:?}"),
    }
}

/// Number of ids in a sequence set without `*`, via its `Debug`-independent API.
fn set_len(set: &imap_proto::types::SequenceSet) -> u32 {
    (1..=10_000).filter(|&n| set.contains(n, 10_000)).count() as u32
}

/// Top-level type, subtype and part count of a body structure.
fn body_summary(body: &BodyStructure) -> (String, String, usize) {
    let s = |b: &[u8]| String::from_utf8_lossy(b).to_ascii_uppercase();
    match body {
        BodyStructure::Multipart { parts, subtype, .. } => {
            ("MULTIPART".into(), s(subtype.as_bytes()), parts.len())
        }
        BodyStructure::Single { kind, .. } => match kind {
            SinglePartKind::Basic {
                media_type,
                subtype,
            } => (s(media_type.as_bytes()), s(subtype.as_bytes()), 0),
            SinglePartKind::Text { subtype, .. } => ("TEXT".into(), s(subtype.as_bytes()), 0),
            SinglePartKind::Message { subtype, .. } => ("MESSAGE".into(), s(subtype.as_bytes()), 0),
            _ => ("?".into(), "?".into(), 0),
        },
        _ => ("?".into(), "?".into(), 0),
    }
}

fn check(case: &Case, response: &Response, check: &Check) {
    let ctx = format!("{} / {}: {check:?} in {response:?}", case.file, case.name);
    match check {
        Tagged(tag, kind) => match response {
            Response::Status(s) => {
                assert_eq!(
                    s.tag.as_ref().map(|t| t.as_bytes()),
                    Some(tag.as_bytes()),
                    "{ctx}"
                );
                assert_eq!(s.kind, *kind, "{ctx}");
            }
            _ => panic!("{ctx}"),
        },
        Untagged(kind) => match response {
            Response::Status(s) => {
                assert!(s.tag.is_none(), "{ctx}");
                assert_eq!(s.kind, *kind, "{ctx}");
            }
            _ => panic!("{ctx}"),
        },
        Code(prefix) => match response {
            Response::Status(s) => {
                let code = format!("{:?}", s.code.as_ref().expect(&ctx));
                assert!(code.starts_with(prefix), "{ctx}: {code}");
            }
            _ => panic!("{ctx}"),
        },
        Text(text) => match response {
            Response::Status(s) => assert_eq!(s.text.as_bytes(), text.as_bytes(), "{ctx}"),
            _ => panic!("{ctx}"),
        },
        Fetch(n) => assert!(
            matches!(response, Response::Data(Data::Fetch { seq, .. }) if seq == n),
            "{ctx}"
        ),
        Items(names) => {
            let got: Vec<_> = fetch_items(response).iter().map(item_name).collect();
            assert_eq!(&got, names, "{ctx}");
        }
        Uid(uid) => assert!(
            fetch_items(response)
                .iter()
                .any(|i| matches!(i, FetchItem::Uid(u) if u == uid)),
            "{ctx}"
        ),
        ModSeq(m) => assert!(
            fetch_items(response)
                .iter()
                .any(|i| matches!(i, FetchItem::ModSeq(v) if v == m)),
            "{ctx}"
        ),
        FlagCount(n) => assert!(
            fetch_items(response)
                .iter()
                .any(|i| matches!(i, FetchItem::Flags(f) if f.len() == *n)),
            "{ctx}"
        ),
        Size(n) => assert!(
            fetch_items(response)
                .iter()
                .any(|i| matches!(i, FetchItem::Rfc822Size(v) if v == n)),
            "{ctx}"
        ),
        Body(media, sub, parts) => {
            let body = fetch_items(response)
                .iter()
                .find_map(|i| match i {
                    FetchItem::Body(b) | FetchItem::BodyStructure(b) => Some(b),
                    _ => None,
                })
                .expect(&ctx);
            assert_eq!(
                body_summary(body),
                (media.to_string(), sub.to_string(), *parts),
                "{ctx}"
            );
        }
        Data(len) => {
            let data = fetch_items(response)
                .iter()
                .find_map(|i| match i {
                    FetchItem::BodySection { data, .. }
                    | FetchItem::Rfc822(data)
                    | FetchItem::Rfc822Header(data)
                    | FetchItem::Rfc822Text(data) => {
                        Some(data.as_ref().map(|d| d.as_bytes().len()))
                    }
                    _ => None,
                })
                .expect(&ctx);
            assert_eq!(data, Some(*len), "{ctx}");
        }
        ESearch(tag, uid, n) => match response {
            Response::Data(Data::ESearch {
                tag: t,
                uid: u,
                items,
            }) => {
                assert_eq!(
                    t.as_ref().map(|t| t.as_bytes()),
                    tag.map(str::as_bytes),
                    "{ctx}"
                );
                assert_eq!(u, uid, "{ctx}");
                assert_eq!(items.len(), *n, "{ctx}");
            }
            _ => panic!("{ctx}"),
        },
        Min(n) => assert!(
            esearch_items(response)
                .iter()
                .any(|i| matches!(i, ESearchItem::Min(v) if v == n)),
            "{ctx}"
        ),
        Max(n) => assert!(
            esearch_items(response)
                .iter()
                .any(|i| matches!(i, ESearchItem::Max(v) if v == n)),
            "{ctx}"
        ),
        Count(n) => assert!(
            esearch_items(response)
                .iter()
                .any(|i| matches!(i, ESearchItem::Count(v) if v == n)),
            "{ctx}"
        ),
        All(n) => assert!(
            esearch_items(response)
                .iter()
                .any(|i| matches!(i, ESearchItem::All(set) if set_len(set) == *n)),
            "{ctx}"
        ),
        Namespace(p, o, s) => match response {
            Response::Data(Data::Namespace {
                personal,
                other,
                shared,
            }) => assert_eq!(
                (personal.len(), other.len(), shared.len()),
                (*p, *o, *s),
                "{ctx}"
            ),
            _ => panic!("{ctx}"),
        },
        Quota(root, n) => match response {
            Response::Data(Data::Quota { root: r, resources }) => {
                assert_eq!(r.as_bytes(), root.as_bytes(), "{ctx}");
                assert_eq!(resources.len(), *n, "{ctx}");
            }
            _ => panic!("{ctx}"),
        },
        QuotaRoot(mailbox, n) => match response {
            Response::Data(Data::QuotaRoot { mailbox: m, roots }) => {
                assert!(
                    m.as_bytes().eq_ignore_ascii_case(mailbox.as_bytes()),
                    "{ctx}"
                );
                assert_eq!(roots.len(), *n, "{ctx}");
            }
            _ => panic!("{ctx}"),
        },
        StatusData(mailbox, n) => match response {
            Response::Data(Data::Status { mailbox: m, items }) => {
                assert!(
                    m.as_bytes().eq_ignore_ascii_case(mailbox.as_bytes()),
                    "{ctx}"
                );
                assert_eq!(items.len(), *n, "{ctx}");
            }
            _ => panic!("{ctx}"),
        },
        Search(n, modseq) => match response {
            Response::Data(Data::Search { ids, modseq: m }) => {
                assert_eq!(ids.len(), *n, "{ctx}");
                assert_eq!(m, modseq, "{ctx}");
            }
            _ => panic!("{ctx}"),
        },
        Vanished(earlier) => assert!(
            matches!(response, Response::Data(Data::Vanished { earlier: e, .. }) if e == earlier),
            "{ctx}"
        ),
        List(mailbox) => match response {
            Response::Data(Data::List(item)) => {
                assert_eq!(item.mailbox.as_bytes(), *mailbox, "{ctx}");
                assert_eq!(item.delimiter, Some(b'/'), "{ctx}");
            }
            _ => panic!("{ctx}"),
        },
        Other(name) => match response {
            Response::Data(Data::Other { name: n, .. }) => {
                assert_eq!(&n[..], name.as_bytes(), "{ctx}")
            }
            _ => panic!("{ctx}"),
        },
    }
}

/// Parses a case, asserting a complete response that used every byte; then checks.
fn run(case: &Case) -> Result<(), String> {
    let options = if case.lenient {
        ParseOptions::lenient()
    } else {
        ParseOptions::default()
    };
    let wire = Bytes::from_static(case.raw);
    let parsed = std::panic::catch_unwind(|| parse::response(&wire, &options))
        .map_err(|_| format!("{} / {}: parser panicked", case.file, case.name))?;
    match parsed {
        Ok(Status::Complete { value, len }) => {
            if len != case.raw.len() {
                return Err(format!(
                    "{} / {}: consumed {len} of {} bytes",
                    case.file,
                    case.name,
                    case.raw.len()
                ));
            }
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                for c in case.checks {
                    check(case, &value, c);
                }
            }))
            .map_err(|_| format!("{} / {}: a structural check failed", case.file, case.name))
        }
        other => Err(format!("{} / {}: {other:?}", case.file, case.name)),
    }
}

#[test]
fn net_imap_response_fixtures() {
    let failures: Vec<String> = CASES.iter().filter_map(|c| run(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_case_is_a_whole_crlf_message() {
    for case in CASES.iter().chain(FOUND_BUGS) {
        assert!(case.raw.ends_with(b"\r\n"), "{}", case.name);
        assert!(!case.checks.is_empty(), "{}", case.name);
    }
}

fn run_found(names: &[&str]) {
    let cases: Vec<&Case> = FOUND_BUGS
        .iter()
        .filter(|c| names.contains(&c.name))
        .collect();
    assert_eq!(cases.len(), names.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| run(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn regression_body_with_extension_data() {
    run_found(&["test_bodystructure_bug11128_ext_mpart_without_lang"]);
}

#[test]
fn regression_namespace_sp_between_descriptions() {
    run_found(&[
        "NAMESPACE_rfc2342_example_5.4",
        "NAMESPACE_rfc2342_example_5.6",
    ]);
}

#[test]
fn regression_message_rfc822_sent_as_basic() {
    run_found(&[
        "test_bodystructure_bug7147_message_rfc822_attachment",
        "test_invalid_bodystructure_message_sent_as_basic",
    ]);
}

#[test]
fn regression_multipart_without_parts() {
    run_found(&[
        "test_invalid_bodystructure_bug7153_mixed",
        "test_bodystructure_mixed_boundary",
    ]);
}
