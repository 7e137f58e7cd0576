//! Held-out acceptance tests built from the `modern-email/defects` catalogue of real IMAP
//! server defects (GitHub issues labelled `PROTO=IMAP`, `AFFECTED=<server>`), and from
//! `duesee/imap-codec` issue #650, which tracks them, plus the threads those issues link
//! to (himalaya, imap-codec, djc/imap-proto, async-imap).
//!
//! Only the servers' bytes (quoted in the issues, or reconstructed from the issue text
//! where the issue describes rather than quotes them; marked "reconstructed") and the
//! behaviour a client needs were taken; the test code is our own. Cases that are already
//! covered by `held_out_net_imap.rs` / `held_out_djc_go.rs` (Gmail's text-less
//! `[HIGHESTMODSEQ n]`, mail.163.com's empty STATUS list, Yandex's bare `+`, Yahoo's
//! trailing space after SEARCH) are not repeated here, except for the strict side where
//! those files only check the lenient one.
//!
//! Every server defect is parsed with `ParseOptions::lenient()` (what the crate documents
//! for clients): it must be accepted with its data usable. The strict options
//! (`ParseOptions::default()`) stay with RFC 3501 / RFC 9051 and refuse the defect.
//! The two defects these cases found the parser refusing (SP between multipart parts,
//! a doubled space in a QUOTA list) are tolerated since, under their own lenience switches;
//! their tests at the end are regressions now.

mod support;

use bytes::Bytes;
use imap_proto::parse::{self, ParseOptions, Status};
use imap_proto::types::{
    BodyStructure, Capability, CommandBody, Data, FetchItem, Flag, Response, ResponseCode,
    SinglePartKind, StatusAttribute, StatusItem, StatusKind,
};
use support::{data, fetch_items, status};

/// Which options a row is parsed with.
#[derive(Clone, Copy, Debug)]
enum Opts {
    Strict,
    Lenient,
}

/// What a row must give.
enum Want {
    /// Parsed whole (every byte consumed); the function asserts the key fields.
    Accepted(fn(&Response)),
    /// A parse error.
    Refused,
}

struct Row {
    /// The defect: `modern-email/defects#n` (or the thread it links to).
    defect: &'static str,
    /// The affected server.
    server: &'static str,
    wire: &'static [u8],
    opts: Opts,
    want: Want,
}

const fn row(
    defect: &'static str,
    server: &'static str,
    wire: &'static [u8],
    opts: Opts,
    want: Want,
) -> Row {
    Row {
        defect,
        server,
        wire,
        opts,
        want,
    }
}

fn options(opts: Opts) -> ParseOptions {
    match opts {
        Opts::Strict => ParseOptions::default(),
        Opts::Lenient => ParseOptions::lenient(),
    }
}

// ---------------------------------------------------------------------------------------
// Helpers for the checks
// ---------------------------------------------------------------------------------------

fn bodystructure(items: &[FetchItem]) -> &BodyStructure {
    items
        .iter()
        .find_map(|item| match item {
            FetchItem::BodyStructure(body) | FetchItem::Body(body) => Some(&**body),
            _ => None,
        })
        .expect("a BODYSTRUCTURE item")
}

/// `(type/subtype, encoding, size)` of a single part.
fn single(body: &BodyStructure) -> (String, Vec<u8>, u32) {
    match body {
        BodyStructure::Single { kind, fields, .. } => {
            let mime = match kind {
                SinglePartKind::Text { subtype, .. } => {
                    format!("text/{}", String::from_utf8_lossy(subtype.as_bytes()))
                }
                SinglePartKind::Basic {
                    media_type,
                    subtype,
                } => format!(
                    "{}/{}",
                    String::from_utf8_lossy(media_type.as_bytes()),
                    String::from_utf8_lossy(subtype.as_bytes())
                ),
                other => format!("{other:?}"),
            };
            (
                mime.to_ascii_lowercase(),
                fields.encoding.as_bytes().to_vec(),
                fields.size,
            )
        }
        other => panic!("not a single part: {other:?}"),
    }
}

fn params_of(body: &BodyStructure) -> Vec<(Vec<u8>, Vec<u8>)> {
    let params = match body {
        BodyStructure::Single { fields, .. } => &fields.params,
        BodyStructure::Multipart { params, .. } => params,
        other => panic!("{other:?}"),
    };
    params
        .iter()
        .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
        .collect()
}

fn multipart(body: &BodyStructure) -> (&[BodyStructure], Vec<u8>) {
    match body {
        BodyStructure::Multipart { parts, subtype, .. } => {
            (parts, subtype.as_bytes().to_ascii_lowercase())
        }
        other => panic!("not a multipart: {other:?}"),
    }
}

fn envelope_from_name(items: &[FetchItem]) -> Vec<u8> {
    let envelope = items
        .iter()
        .find_map(|item| match item {
            FetchItem::Envelope(envelope) => Some(envelope),
            _ => None,
        })
        .expect("an ENVELOPE item");
    envelope.from[0]
        .name
        .as_ref()
        .expect("a display name")
        .as_bytes()
        .to_vec()
}

fn uid_of(items: &[FetchItem]) -> Option<u32> {
    items.iter().find_map(|item| match item {
        FetchItem::Uid(uid) => Some(*uid),
        _ => None,
    })
}

// ---------------------------------------------------------------------------------------
// Byte fixtures
// ---------------------------------------------------------------------------------------

const PROTON_ENVELOPE: &[u8] = "* 2 FETCH (UID 4 FLAGS (\\Seen) ENVELOPE (\"Thu, 22 Aug 2024 07:48:03 +0000\" \"Test\" ((\"Clément DOUIN\" NIL \"clement.douin\" \"localhost\")) ((\"Clément DOUIN\" NIL \"clement.douin\" \"localhost\")) ((\"Clément DOUIN\" NIL \"clement.douin\" \"localhost\")) ((NIL NIL \"to\" \"localhost\")) NIL NIL NIL \"<test@localhost>\"))\r\n".as_bytes();

const PROTON_ENVELOPE_RAW_HEADER: &[u8] = "* 1 FETCH (UID 3 ENVELOPE (\"Sat, 17 Aug 2024 12:21:18 +0000\" \"All is wrong?\" ((\"Bàd\" NIL \"from\" \"localhost\")) ((\"Bàd\" NIL \"from\" \"localhost\")) ((\"Bàd\" NIL \"from\" \"localhost\")) ((\"Wrȯng\" NIL \"to\" \"localhost\")) NIL NIL NIL NIL))\r\n".as_bytes();

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

fn rows() -> Vec<Row> {
    use Opts::*;
    use Want::*;
    vec![
        // ---- #7: `+\r\n` without SP (public-inbox-imapd AUTHENTICATE; Yandex) ------------
        // The lenient side is in held_out_djc_go.rs; RFC 3501/9051 `"+" SP ...` here.
        row(
            "modern-email/defects#7",
            "public-inbox-imapd <= 1.9.0",
            b"+\r\n",
            Strict,
            Refused,
        ),
        // ---- #9: trailing space after STATUS ------------------------------------------
        row(
            "modern-email/defects#9",
            "Dovecot <-> Exchange setup (go-imap #540)",
            b"* STATUS INBOX (MESSAGES 0) \r\n",
            Lenient,
            Accepted(|r| match data(r) {
                Data::Status { mailbox, items } => {
                    assert_eq!(mailbox.as_bytes(), b"INBOX");
                    assert_eq!(items, &[StatusItem::Number(StatusAttribute::Messages, 0)]);
                }
                other => panic!("{other:?}"),
            }),
        ),
        row(
            "modern-email/defects#9",
            "Dovecot <-> Exchange setup (go-imap #540)",
            b"* STATUS INBOX (MESSAGES 0) \r\n",
            Strict,
            Refused,
        ),
        // ---- #21: trailing space after CAPABILITY (after authentication) ------------------
        row(
            "modern-email/defects#21",
            "imap.exmail.qq.com",
            b"* CAPABILITY IMAP4rev1 \r\n",
            Lenient,
            Accepted(|r| match data(r) {
                Data::Capability(caps) => assert_eq!(caps, &[Capability::Imap4Rev1]),
                other => panic!("{other:?}"),
            }),
        ),
        row(
            "modern-email/defects#21",
            "imap.exmail.qq.com",
            b"* CAPABILITY IMAP4rev1 \r\n",
            Strict,
            Refused,
        ),
        // ---- #24: space before `)` of the ID response list (reconstructed) ----------------
        row(
            "modern-email/defects#24",
            "Archiveopteryx (djc/imap-proto #168)",
            b"* ID (\"name\" \"Archiveopteryx\" \"version\" \"3.2.0\" )\r\n",
            Lenient,
            Accepted(|r| match data(r) {
                Data::Id(Some(params)) => {
                    assert_eq!(params.len(), 2);
                    assert_eq!(params[0].0.as_bytes(), b"name");
                    assert_eq!(
                        params[0].1.as_ref().map(|v| v.as_bytes()),
                        Some(&b"Archiveopteryx"[..])
                    );
                    assert_eq!(params[1].0.as_bytes(), b"version");
                }
                other => panic!("{other:?}"),
            }),
        ),
        row(
            "modern-email/defects#24",
            "Archiveopteryx (djc/imap-proto #168)",
            b"* ID (\"name\" \"Archiveopteryx\" \"version\" \"3.2.0\" )\r\n",
            Strict,
            Refused,
        ),
        // ---- #28: `[HIGHESTMODSEQ n]` without SP and text ---------------------------------
        // The lenient side is in held_out_net_imap.rs. Strictly, `resp-text` needs SP
        // after `]`, so the bracket cannot open a code; but `text` may start with `[`,
        // so the line is valid ABNF as plain text: strict reads it so (code lost).
        row(
            "modern-email/defects#28",
            "imap.gmail.com",
            b"* OK [HIGHESTMODSEQ 4242]\r\n",
            Strict,
            Accepted(|r| {
                let s = status(r);
                assert_eq!(s.code, None);
                assert_eq!(s.text.as_bytes(), b"[HIGHESTMODSEQ 4242]");
            }),
        ),
        // ---- #38: raw (UTF-8) bytes in envelope quoted strings ---------------------------
        // RFC 9051 `QUOTED-CHAR` includes UTF8-2/3/4, so strict accepts these too.
        row(
            "modern-email/defects#38",
            "Proton Bridge v3.6.1",
            PROTON_ENVELOPE,
            Lenient,
            Accepted(|r| {
                let items = fetch_items(r, 2);
                assert_eq!(uid_of(items), Some(4));
                assert_eq!(envelope_from_name(items), "Clément DOUIN".as_bytes());
            }),
        ),
        row(
            "modern-email/defects#38",
            "Proton Bridge v3.6.1",
            PROTON_ENVELOPE,
            Strict,
            Accepted(|r| {
                let items = fetch_items(r, 2);
                assert_eq!(envelope_from_name(items), "Clément DOUIN".as_bytes());
            }),
        ),
        row(
            "modern-email/defects#38",
            "Proton Bridge v3.6.1 (header sent as-is; reconstructed)",
            PROTON_ENVELOPE_RAW_HEADER,
            Lenient,
            Accepted(|r| {
                let items = fetch_items(r, 1);
                assert_eq!(uid_of(items), Some(3));
                assert_eq!(envelope_from_name(items), "Bàd".as_bytes());
            }),
        ),
        // ---- #40: the server's BAD for a descending sequence set -------------------------
        // Nothing to tolerate: the client must read the tagged BAD (text verbatim, typo
        // included) and fix its command.
        row(
            "modern-email/defects#40",
            "imap.exmail.qq.com (himalaya #518, #276)",
            b"A5 BAD Sequence set is inavlid!\r\n",
            Strict,
            Accepted(|r| {
                let s = status(r);
                assert_eq!(s.tag.as_ref().map(|t| t.as_bytes()), Some(&b"A5"[..]));
                assert_eq!(s.kind, StatusKind::Bad);
                assert_eq!(s.code, None);
                assert_eq!(s.text.as_bytes(), b"Sequence set is inavlid!");
            }),
        ),
        // ---- #41: NIL body-fld-enc (reconstructed single part; iCloud variant from
        //      djc/imap-proto #205) ------------------------------------------------------
        row(
            "modern-email/defects#41",
            "maddy",
            b"* 1 FETCH (UID 1 BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL NIL 42 2 NIL NIL NIL NIL))\r\n",
            Lenient,
            Accepted(|r| {
                let items = fetch_items(r, 1);
                let (mime, encoding, size) = single(bodystructure(items));
                assert_eq!(mime, "text/plain");
                assert_eq!(encoding, b"");
                assert_eq!(size, 42);
            }),
        ),
        row(
            "modern-email/defects#41",
            "maddy",
            b"* 1 FETCH (UID 1 BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL NIL 42 2 NIL NIL NIL NIL))\r\n",
            Strict,
            Refused,
        ),
        row(
            "modern-email/defects#41 (djc/imap-proto #205)",
            "Apple iCloud",
            b"* 80 FETCH (UID 111 BODYSTRUCTURE ((\"text\" \"plain\" (\"CHARSET\" \"UTF-8\") NIL NIL NIL 1694 51 NIL NIL NIL NIL)(\"text\" \"html\" (\"CHARSET\" \"UTF-8\") NIL NIL \"quoted-printable\" 5750 77 NIL NIL NIL NIL) \"alternative\" (\"BOUNDARY\" \"Apple-Mail=_1\") NIL NIL NIL))\r\n",
            Lenient,
            Accepted(|r| {
                let items = fetch_items(r, 80);
                assert_eq!(uid_of(items), Some(111));
                let (parts, subtype) = multipart(bodystructure(items));
                assert_eq!(subtype, b"alternative");
                assert_eq!(parts.len(), 2);
                assert_eq!(single(&parts[0]), ("text/plain".into(), vec![], 1694));
                assert_eq!(
                    single(&parts[1]),
                    ("text/html".into(), b"quoted-printable".to_vec(), 5750)
                );
            }),
        ),
        // ---- #48: trailing space inside the PERMANENTFLAGS list ----------------------------
        row(
            "modern-email/defects#48",
            "SurgeMail 80e",
            b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Draft \\Seen $Forwarded )] Limited\r\n",
            Lenient,
            Accepted(|r| {
                let s = status(r);
                match &s.code {
                    Some(ResponseCode::PermanentFlags(flags)) => {
                        assert_eq!(flags.len(), 6);
                        assert_eq!(flags[0], Flag::Answered);
                        assert_eq!(flags[4], Flag::Seen);
                        assert!(matches!(&flags[5], Flag::Keyword(k) if k.eq_ignore_case("$Forwarded")));
                    }
                    other => panic!("{other:?}"),
                }
                assert_eq!(s.text.as_bytes(), b"Limited");
            }),
        ),
        row(
            "modern-email/defects#48",
            "SurgeMail 80e",
            b"* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Draft \\Seen $Forwarded )] Limited\r\n",
            Strict,
            // Not a valid `flag-perm` list, but valid as the generic
            // `atom [SP 1*<any TEXT-CHAR except "]">]` code: strict keeps it raw.
            Accepted(|r| match &status(r).code {
                Some(ResponseCode::Other { name, data }) => {
                    assert!(name.eq_ignore_case("PERMANENTFLAGS"));
                    assert!(data.as_deref().is_some_and(|d| d.ends_with(b"$Forwarded )")));
                }
                other => panic!("{other:?}"),
            }),
        ),
        // ---- #50: NIL value in body-fld-param (reconstructed) ---------------------------
        row(
            "modern-email/defects#50",
            "imap.mail.ru",
            b"* 7 FETCH (UID 70 BODYSTRUCTURE (\"text\" \"html\" (\"charset\" NIL) NIL NIL \"base64\" 1024 14 NIL NIL NIL NIL))\r\n",
            Lenient,
            Accepted(|r| {
                let body = bodystructure(fetch_items(r, 7));
                assert_eq!(params_of(body), [(b"charset".to_vec(), vec![])]);
                assert_eq!(single(body), ("text/html".into(), b"base64".to_vec(), 1024));
            }),
        ),
        row(
            "modern-email/defects#50",
            "imap.mail.ru",
            b"* 7 FETCH (UID 70 BODYSTRUCTURE (\"text\" \"html\" (\"charset\" NIL) NIL NIL \"base64\" 1024 14 NIL NIL NIL NIL))\r\n",
            Strict,
            Refused,
        ),
        // ---- #53: NIL boundary of a multipart (reconstructed from imap-codec #700) -------
        row(
            "modern-email/defects#53",
            "imap.mail.ru",
            b"* 12 FETCH (UID 1200 BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 100 2 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 200 3 NIL NIL NIL NIL) \"alternative\" (\"boundary\" NIL) NIL NIL NIL))\r\n",
            Lenient,
            Accepted(|r| {
                let body = bodystructure(fetch_items(r, 12));
                let (parts, subtype) = multipart(body);
                assert_eq!(subtype, b"alternative");
                assert_eq!(parts.len(), 2);
                assert_eq!(params_of(body), [(b"boundary".to_vec(), vec![])]);
                assert_eq!(params_of(&parts[0]), [(b"charset".to_vec(), b"utf-8".to_vec())]);
            }),
        ),
        row(
            "modern-email/defects#53",
            "imap.mail.ru",
            b"* 12 FETCH (UID 1200 BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 100 2 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 200 3 NIL NIL NIL NIL) \"alternative\" (\"boundary\" NIL) NIL NIL NIL))\r\n",
            Strict,
            Refused,
        ),
        // imap-codec #700 also names Mail.ru's empty quoted strings in envelopes: valid
        // (`*QUOTED-CHAR`), so strict must accept them (reconstructed).
        row(
            "imap-codec#700 (modern-email/defects#53 thread)",
            "imap.mail.ru",
            b"* 3 FETCH (UID 30 ENVELOPE (\"Mon, 23 Mar 2026 10:00:00 +0300\" \"\" ((\"\" NIL \"user\" \"mail.ru\")) ((\"\" NIL \"user\" \"mail.ru\")) ((\"\" NIL \"user\" \"mail.ru\")) ((NIL NIL \"me\" \"mail.ru\")) NIL NIL NIL \"<1@mail.ru>\"))\r\n",
            Strict,
            Accepted(|r| {
                let items = fetch_items(r, 3);
                assert_eq!(uid_of(items), Some(30));
                assert_eq!(envelope_from_name(items), b"");
            }),
        ),
        // ---- #52: UIDVALIDITY 0 (WinWebMail 4.4.0.1 SELECT transcript, himalaya #626) ----
        // `nz-number` forbids 0. A client must go on with the SELECT; the crate keeps the
        // out-of-range code raw (name and value), in both modes, instead of failing.
        row(
            "modern-email/defects#52",
            "mail.xwtec.cn (WinWebMail 4.4.0.1)",
            b"* OK [UIDVALIDITY 0] Ok\r\n",
            Lenient,
            Accepted(check_uidvalidity_zero),
        ),
        row(
            "modern-email/defects#52",
            "mail.xwtec.cn (WinWebMail 4.4.0.1)",
            b"* OK [UIDVALIDITY 0] Ok\r\n",
            Strict,
            Accepted(check_uidvalidity_zero),
        ),
        // The rest of that SELECT is valid and must parse strictly.
        row(
            "modern-email/defects#52",
            "mail.xwtec.cn (WinWebMail 4.4.0.1)",
            b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Recent)\r\n",
            Strict,
            Accepted(|r| match data(r) {
                Data::Flags(flags) => {
                    assert_eq!(flags.len(), 5);
                    assert_eq!(flags[4], Flag::Recent);
                }
                other => panic!("{other:?}"),
            }),
        ),
        row(
            "modern-email/defects#52",
            "mail.xwtec.cn (WinWebMail 4.4.0.1)",
            b"* OK [PERMANENTFLAGS (\\Answered \\Deleted \\Seen)] Limited\r\n",
            Strict,
            Accepted(|r| {
                assert!(matches!(
                    &status(r).code,
                    Some(ResponseCode::PermanentFlags(flags)) if flags.len() == 3
                ));
            }),
        ),
        row(
            "modern-email/defects#52",
            "mail.xwtec.cn (WinWebMail 4.4.0.1)",
            b"* 233 EXISTS\r\n",
            Strict,
            Accepted(|r| assert_eq!(data(r), &Data::Exists(233))),
        ),
        row(
            "modern-email/defects#52",
            "mail.xwtec.cn (WinWebMail 4.4.0.1)",
            b"* 73 RECENT\r\n",
            Strict,
            Accepted(|r| assert_eq!(data(r), &Data::Recent(73))),
        ),
        row(
            "modern-email/defects#52",
            "mail.xwtec.cn (WinWebMail 4.4.0.1)",
            b"* OK [UIDNEXT 3014] Predicted next UID\r\n",
            Strict,
            Accepted(|r| assert_eq!(status(r).code, Some(ResponseCode::UidNext(3014)))),
        ),
        row(
            "modern-email/defects#52",
            "mail.xwtec.cn (WinWebMail 4.4.0.1)",
            b"A2 OK [READ-WRITE] Ok\r\n",
            Strict,
            Accepted(|r| {
                let s = status(r);
                assert_eq!(s.kind, StatusKind::Ok);
                assert_eq!(s.code, Some(ResponseCode::ReadWrite));
                assert_eq!(s.text.as_bytes(), b"Ok");
            }),
        ),
    ]
}

fn check_uidvalidity_zero(r: &Response) {
    let s = status(r);
    assert_eq!((s.tag.is_none(), s.kind), (true, StatusKind::Ok));
    match &s.code {
        Some(ResponseCode::Other { name, data }) => {
            assert!(name.eq_ignore_case("UIDVALIDITY"));
            assert_eq!(data.as_deref(), Some(&b"0"[..]));
        }
        Some(ResponseCode::UidValidity(0)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(s.text.as_bytes(), b"Ok");
}

fn judge(row: &Row) -> Result<(), String> {
    let wire = Bytes::from_static(row.wire);
    let outcome = parse::response(&wire, &options(row.opts));
    match (&row.want, outcome) {
        (Want::Accepted(check), Ok(Status::Complete { value, len })) => {
            if len != wire.len() {
                return Err(format!("consumed {len} of {} bytes", wire.len()));
            }
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&value))).map_err(|e| {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
                format!("{msg:?}: {value:?}")
            })
        }
        (Want::Refused, Err(_)) => Ok(()),
        (_, got) => Err(format!("got {got:?}")),
    }
}

fn judge_all(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .filter_map(|row| {
            judge(row).err().map(|e| {
                format!(
                    "{} [{}] {:?} {:?}: {e}",
                    row.defect,
                    row.server,
                    row.opts,
                    String::from_utf8_lossy(row.wire)
                )
            })
        })
        .collect()
}

fn assert_rows(rows: &[Row]) {
    let failures = judge_all(rows);
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn server_defects() {
    assert_rows(&rows());
}

#[test]
fn every_row_is_one_whole_crlf_message() {
    for row in rows() {
        assert!(row.wire.ends_with(b"\r\n"), "{}", row.defect);
        let body = &row.wire[..row.wire.len() - 2];
        assert!(!body.contains(&b'\n'), "{}", row.defect);
    }
}

// ---------------------------------------------------------------------------------------
// Greeting and command side
// ---------------------------------------------------------------------------------------

/// #52's WinWebMail greeting carries `[` inside its text (not at the start, so it is no
/// response code); valid, so strict accepts it.
#[test]
fn winwebmail_greeting() {
    let wire = Bytes::from_static(b"* OK IMAP4 on WinWebMail [4.4.0.1] ready.\r\n");
    for opts in [Opts::Strict, Opts::Lenient] {
        let Ok(Status::Complete { value, len }) = parse::greeting(&wire, &options(opts)) else {
            panic!("{opts:?}");
        };
        assert_eq!(len, wire.len());
        let s = status(&value);
        assert_eq!(
            (s.tag.is_none(), s.kind, &s.code),
            (true, StatusKind::Ok, &None)
        );
        assert_eq!(s.text.as_bytes(), b"IMAP4 on WinWebMail [4.4.0.1] ready.");
    }
}

/// #13: Exchange and Nemesis refuse `ID ()`, which RFC 2971 allows (`"(" #(...) ")"`,
/// `#` meaning zero or more); a server built on this crate must accept both forms.
#[test]
fn empty_id_list_is_valid_rfc2971() {
    for wire in [&b"A ID ()\r\n"[..], b"A ID NIL\r\n"] {
        let wire = Bytes::copy_from_slice(wire);
        let Ok(Status::Complete { value, len }) = parse::command(&wire, &ParseOptions::default())
        else {
            panic!("{:?}", String::from_utf8_lossy(&wire));
        };
        assert_eq!(len, wire.len());
        match value.body {
            CommandBody::Id(params) => assert!(params.is_none_or(|p| p.is_empty())),
            other => panic!("{other:?}"),
        }
    }
}

/// #49: Office 365 (as a client) sends this ID before AUTHENTICATE; valid RFC 2971.
#[test]
fn office365_id_command() {
    let wire = Bytes::from_static(
        b"WIR00001 ID (\"name\" \"Microsoft Office 365\" \"version\" \"15.20.9160.4\" \"vendor\" \"Microsoft Corporation\" \"support-url\" \"https://support.microsoft.com/\")\r\n",
    );
    let Ok(Status::Complete { value, len }) = parse::command(&wire, &ParseOptions::default())
    else {
        panic!("refused");
    };
    assert_eq!(len, wire.len());
    assert_eq!(value.tag.as_bytes(), b"WIR00001");
    match value.body {
        CommandBody::Id(Some(params)) => {
            assert_eq!(params.len(), 4);
            assert_eq!(params[0].0.as_bytes(), b"name");
            assert_eq!(
                params[0].1.as_ref().map(|v| v.as_bytes()),
                Some(&b"Microsoft Office 365"[..])
            );
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Defects the lenient parser does not tolerate yet
// ---------------------------------------------------------------------------------------

/// #51: SP between the parts of a multipart (`(part) (part) "alternative"`).
fn spaces_between_body_parts() -> Vec<Row> {
    vec![row(
        "modern-email/defects#51 (imap-codec #697; reconstructed)",
        "maddy, Stalwart, Exchange",
        b"* 4 FETCH (UID 6 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 9 2 NIL NIL NIL NIL) (\"TEXT\" \"HTML\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 228 0 NIL NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"47969A3F\") NIL NIL NIL))\r\n",
        Opts::Lenient,
        Want::Accepted(|r| {
            let items = fetch_items(r, 4);
            assert_eq!(uid_of(items), Some(6));
            let (parts, subtype) = multipart(bodystructure(items));
            assert_eq!(subtype, b"alternative");
            assert_eq!(parts.len(), 2);
            assert_eq!(single(&parts[1]).0, "text/html");
        }),
    )]
}

/// #23: doubled SP inside a QUOTA resource (`MESSAGE 42  1000`).
fn quota_double_space() -> Vec<Row> {
    vec![row(
        "modern-email/defects#23 (djc/tokio-imap 0b6c551, aox #11; reconstructed)",
        "Archiveopteryx",
        b"* QUOTA \"#user/alice\" (STORAGE 54 111 MESSAGE 42  1000)\r\n",
        Opts::Lenient,
        Want::Accepted(|r| match data(r) {
            Data::Quota { root, resources } => {
                assert_eq!(root.as_bytes(), b"#user/alice");
                assert_eq!(resources.len(), 2);
                assert!(resources[1].name.eq_ignore_case("MESSAGE"));
                assert_eq!((resources[1].usage, resources[1].limit), (42, 1000));
            }
            other => panic!("{other:?}"),
        }),
    )]
}

#[test]
fn defect_51_spaces_between_body_parts() {
    assert_rows(&spaces_between_body_parts());
}

#[test]
fn defect_23_quota_double_space() {
    assert_rows(&quota_double_space());
}
