//! Held-out acceptance tests with inputs taken from the trace tests of imap-codec
//! (repository `duesee/imap-codec`, file `imap-codec/tests/trace.rs`; licence MIT OR
//! Apache-2.0): the RFC 3501 section 6 examples of every command, the RFC 3501 section 8
//! sample session, section 7 response examples, RFC 5161 ENABLE, RFC 2088 LITERAL+ and
//! the RFC 5256 SORT and THREAD traces. Three traces imap-codec keeps as comments only
//! (AUTHENTICATE GSSAPI, APPEND, the RFC 3501 `X` command example) are used here too,
//! with the RFC's folded base64 lines joined.
//!
//! Only the raw client (`C:`) and server (`S:`) lines and a few expected values (tags,
//! command names, mailboxes, sequence sets, search keys, response codes, FETCH items,
//! THREAD trees, ...) were taken; the test code is our own.
//!
//! For every line: it is parsed in its direction (commands as commands, responses as
//! responses), the parse consumes exactly the line (literals included), the value
//! encodes and parses back to itself under every literal/UTF-8 peer setting, the other
//! direction's parser refuses it, and each
//! trace's client and server sides, joined, frame into exactly those lines.

mod support;

use std::num::NonZeroU32;

use bytes::Bytes;
use imap_proto::framing::{Direction, Limits, StreamItem, split_stream};
use imap_proto::parse::{self, ClientMessage, ClientStreamParser, ParseOptions, Status};
use imap_proto::types::{
    AString, Atom, AuthenticateData, BodyStructure, Capability, Command, CommandBody, Data, Date,
    DateTime, FetchAttribute, FetchAttributes, FetchItem, Flag, MailboxAttribute, Response,
    ResponseCode, SearchKey, SectionText, SeqItem, SeqNumber, SequenceSet, SinglePartKind,
    SortCriterion, SortKey, StatusAttribute, StatusItem, StatusKind, StoreKind, Thread,
};
use support::encoders;

// ---------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------

/// A structural expectation about a parsed command (tag and name are always checked).
#[derive(Debug)]
enum Cmd {
    /// The command's (first) mailbox, as on the wire (`INBOX` in any case is `INBOX`).
    Mailbox(&'static [u8]),
    /// RENAME's new name.
    RenameTo(&'static [u8]),
    /// LIST / LSUB reference and (first) pattern.
    ListArgs(&'static [u8], &'static [u8]),
    /// LOGIN user name and password.
    Login(&'static [u8], &'static [u8]),
    /// AUTHENTICATE mechanism, no initial response.
    Mechanism(&'static str),
    /// ENABLE's capability names.
    Enable(&'static [&'static str]),
    /// The sequence set: ranges `(a, b)`, `a == b` meaning a single number.
    Set(&'static [(u32, u32)]),
    /// The search keys of SEARCH / SORT / THREAD.
    Keys(Vec<SearchKey>),
    /// The charset of SEARCH / SORT / THREAD.
    Charset(Option<&'static [u8]>),
    /// STATUS items asked for.
    StatusItems(Vec<StatusAttribute>),
    /// FETCH attributes.
    FetchAttrs(FetchAttributes),
    /// STORE kind, `.SILENT`, flags.
    Store(StoreKind, bool, Vec<Flag>),
    /// SORT criteria.
    SortBy(Vec<SortCriterion>),
    /// THREAD algorithm.
    Algorithm(&'static str),
    /// APPEND: one message with these flags and this many bytes.
    Append(Vec<Flag>, usize),
}

/// A structural expectation about a parsed response.
#[derive(Debug)]
enum Resp {
    /// A tagged status response.
    Tagged(&'static str, StatusKind),
    /// An untagged status response.
    Untagged(StatusKind),
    /// The response code of a status response.
    Code(Option<ResponseCode>),
    /// The human-readable text of a status response or continuation request.
    Text(&'static str),
    /// A continuation request.
    Continue,
    /// `* CAPABILITY ...`.
    Caps(Vec<Capability>),
    /// `* ENABLED ...`.
    Enabled(Vec<Capability>),
    /// `* LIST` (false) or `* LSUB` (true): attributes, delimiter, mailbox.
    List(bool, Vec<MailboxAttribute>, Option<u8>, &'static [u8]),
    /// `* STATUS mailbox (...)`.
    StatusData(&'static [u8], Vec<StatusItem>),
    /// `* SEARCH ...`.
    Search(&'static [u32]),
    /// `* SORT ...`.
    Sort(&'static [u32]),
    /// `* THREAD` with this many top-level threads.
    Threads(usize),
    /// The top-level thread at this index.
    ThreadAt(usize, Thread),
    /// `* FLAGS (...)`.
    Flags(Vec<Flag>),
    Exists(u32),
    Recent(u32),
    Expunge(u32),
    /// `* n FETCH` with this many items.
    FetchData(u32, usize),
    /// The FETCH response holds this item.
    Item(FetchItem),
    /// The FETCH response's ENVELOPE subject and number of `cc` addresses.
    Envelope(&'static [u8], usize),
    /// The FETCH response's BODY: `text/<subtype>`, size, lines.
    BodyText(&'static [u8], u32, u32),
    /// The FETCH response's `BODY[HEADER]` literal has this many bytes.
    HeaderLen(usize),
    /// Untagged data kept raw, by name.
    Other(&'static str),
}

use Cmd::*;
use Resp::*;

enum Line {
    /// A client command: wire bytes, tag, command name, checks.
    C(&'static [u8], &'static str, &'static str, Vec<Cmd>),
    /// A client line during AUTHENTICATE (SASL data).
    Sasl(&'static [u8]),
    /// A server response.
    S(&'static [u8], Vec<Resp>),
    /// A server greeting (also a response).
    G(&'static [u8], Vec<Resp>),
}

use Line::{C, G, S, Sasl};

struct Trace {
    name: &'static str,
    lines: Vec<Line>,
}

fn date(year: u16, month: u8, day: u8) -> Date {
    Date::new(year, month, day).expect("valid date")
}

fn astring(value: &str) -> AString {
    AString::try_from(value).expect("valid astring")
}

fn atom(value: &'static str) -> Atom {
    Atom::from_static(value).expect("valid atom")
}

fn ok_tagged(tag: &'static str, text: &'static str) -> Vec<Resp> {
    vec![Tagged(tag, StatusKind::Ok), Code(None), Text(text)]
}

fn thread(messages: &[u32], children: Vec<Thread>) -> Thread {
    Thread {
        messages: messages.to_vec(),
        children,
    }
}

fn leaf(message: u32) -> Thread {
    thread(&[message], vec![])
}

fn body_section(text: Option<SectionText>) -> imap_proto::types::Section {
    imap_proto::types::Section { part: vec![], text }
}

// ---------------------------------------------------------------------------------------
// The traces
// ---------------------------------------------------------------------------------------

fn list_lines_delete() -> Vec<Line> {
    let noselect = || vec![MailboxAttribute::NoSelect];
    vec![
        C(
            b"A682 LIST \"\" *\r\n",
            "A682",
            "LIST",
            vec![ListArgs(b"", b"*")],
        ),
        S(
            b"* LIST () \"/\" blurdybloop\r\n",
            vec![List(false, vec![], Some(b'/'), b"blurdybloop")],
        ),
        S(
            b"* LIST (\\Noselect) \"/\" foo\r\n",
            vec![List(false, noselect(), Some(b'/'), b"foo")],
        ),
        S(
            b"* LIST () \"/\" foo/bar\r\n",
            vec![List(false, vec![], Some(b'/'), b"foo/bar")],
        ),
        S(
            b"A682 OK LIST completed\r\n",
            ok_tagged("A682", "LIST completed"),
        ),
        C(
            b"A683 DELETE blurdybloop\r\n",
            "A683",
            "DELETE",
            vec![Mailbox(b"blurdybloop")],
        ),
        S(
            b"A683 OK DELETE completed\r\n",
            ok_tagged("A683", "DELETE completed"),
        ),
        C(
            b"A684 DELETE foo\r\n",
            "A684",
            "DELETE",
            vec![Mailbox(b"foo")],
        ),
        S(
            b"A684 NO Name \"foo\" has inferior hierarchical names\r\n",
            vec![
                Tagged("A684", StatusKind::No),
                Code(None),
                Text("Name \"foo\" has inferior hierarchical names"),
            ],
        ),
        C(
            b"A685 DELETE foo/bar\r\n",
            "A685",
            "DELETE",
            vec![Mailbox(b"foo/bar")],
        ),
        S(
            b"A685 OK DELETE Completed\r\n",
            ok_tagged("A685", "DELETE Completed"),
        ),
        C(
            b"A686 LIST \"\" *\r\n",
            "A686",
            "LIST",
            vec![ListArgs(b"", b"*")],
        ),
        S(
            b"* LIST (\\Noselect) \"/\" foo\r\n",
            vec![List(false, noselect(), Some(b'/'), b"foo")],
        ),
        S(
            b"A686 OK LIST completed\r\n",
            ok_tagged("A686", "LIST completed"),
        ),
        C(
            b"A687 DELETE foo\r\n",
            "A687",
            "DELETE",
            vec![Mailbox(b"foo")],
        ),
        S(
            b"A687 OK DELETE Completed\r\n",
            ok_tagged("A687", "DELETE Completed"),
        ),
        C(
            b"A82 LIST \"\" *\r\n",
            "A82",
            "LIST",
            vec![ListArgs(b"", b"*")],
        ),
        S(
            b"* LIST () \".\" blurdybloop\r\n",
            vec![List(false, vec![], Some(b'.'), b"blurdybloop")],
        ),
        S(
            b"* LIST () \".\" foo\r\n",
            vec![List(false, vec![], Some(b'.'), b"foo")],
        ),
        S(
            b"* LIST () \".\" foo.bar\r\n",
            vec![List(false, vec![], Some(b'.'), b"foo.bar")],
        ),
        S(
            b"A82 OK LIST completed\r\n",
            ok_tagged("A82", "LIST completed"),
        ),
        C(
            b"A83 DELETE blurdybloop\r\n",
            "A83",
            "DELETE",
            vec![Mailbox(b"blurdybloop")],
        ),
        S(
            b"A83 OK DELETE completed\r\n",
            ok_tagged("A83", "DELETE completed"),
        ),
        C(
            b"A84 DELETE foo\r\n",
            "A84",
            "DELETE",
            vec![Mailbox(b"foo")],
        ),
        S(
            b"A84 OK DELETE Completed\r\n",
            ok_tagged("A84", "DELETE Completed"),
        ),
        C(
            b"A85 LIST \"\" *\r\n",
            "A85",
            "LIST",
            vec![ListArgs(b"", b"*")],
        ),
        S(
            b"* LIST () \".\" foo.bar\r\n",
            vec![List(false, vec![], Some(b'.'), b"foo.bar")],
        ),
        S(
            b"A85 OK LIST completed\r\n",
            ok_tagged("A85", "LIST completed"),
        ),
        C(
            b"A86 LIST \"\" %\r\n",
            "A86",
            "LIST",
            vec![ListArgs(b"", b"%")],
        ),
        S(
            b"* LIST (\\Noselect) \".\" foo\r\n",
            vec![List(false, noselect(), Some(b'.'), b"foo")],
        ),
        S(
            b"A86 OK LIST completed\r\n",
            ok_tagged("A86", "LIST completed"),
        ),
    ]
}

fn list_lines_rename() -> Vec<Line> {
    let noselect = || vec![MailboxAttribute::NoSelect];
    vec![
        C(
            b"A682 LIST \"\" *\r\n",
            "A682",
            "LIST",
            vec![ListArgs(b"", b"*")],
        ),
        S(
            b"* LIST () \"/\" blurdybloop\r\n",
            vec![List(false, vec![], Some(b'/'), b"blurdybloop")],
        ),
        S(
            b"* LIST (\\Noselect) \"/\" foo\r\n",
            vec![List(false, noselect(), Some(b'/'), b"foo")],
        ),
        S(
            b"* LIST () \"/\" foo/bar\r\n",
            vec![List(false, vec![], Some(b'/'), b"foo/bar")],
        ),
        S(
            b"A682 OK LIST completed\r\n",
            ok_tagged("A682", "LIST completed"),
        ),
        C(
            b"A683 RENAME blurdybloop sarasoop\r\n",
            "A683",
            "RENAME",
            vec![Mailbox(b"blurdybloop"), RenameTo(b"sarasoop")],
        ),
        S(
            b"A683 OK RENAME completed\r\n",
            ok_tagged("A683", "RENAME completed"),
        ),
        C(
            b"A684 RENAME foo zowie\r\n",
            "A684",
            "RENAME",
            vec![Mailbox(b"foo"), RenameTo(b"zowie")],
        ),
        S(
            b"A684 OK RENAME Completed\r\n",
            ok_tagged("A684", "RENAME Completed"),
        ),
        C(
            b"A685 LIST \"\" *\r\n",
            "A685",
            "LIST",
            vec![ListArgs(b"", b"*")],
        ),
        S(
            b"* LIST () \"/\" sarasoop\r\n",
            vec![List(false, vec![], Some(b'/'), b"sarasoop")],
        ),
        S(
            b"* LIST (\\Noselect) \"/\" zowie\r\n",
            vec![List(false, noselect(), Some(b'/'), b"zowie")],
        ),
        S(
            b"* LIST () \"/\" zowie/bar\r\n",
            vec![List(false, vec![], Some(b'/'), b"zowie/bar")],
        ),
        S(
            b"A685 OK LIST completed\r\n",
            ok_tagged("A685", "LIST completed"),
        ),
        C(
            b"Z432 LIST \"\" *\r\n",
            "Z432",
            "LIST",
            vec![ListArgs(b"", b"*")],
        ),
        S(
            b"* LIST () \".\" INBOX\r\n",
            vec![List(false, vec![], Some(b'.'), b"INBOX")],
        ),
        S(
            b"* LIST () \".\" INBOX.bar\r\n",
            vec![List(false, vec![], Some(b'.'), b"INBOX.bar")],
        ),
        S(
            b"Z432 OK LIST completed\r\n",
            ok_tagged("Z432", "LIST completed"),
        ),
        C(
            b"Z433 RENAME INBOX old-mail\r\n",
            "Z433",
            "RENAME",
            vec![Mailbox(b"INBOX"), RenameTo(b"old-mail")],
        ),
        S(
            b"Z433 OK RENAME completed\r\n",
            ok_tagged("Z433", "RENAME completed"),
        ),
        C(
            b"Z434 LIST \"\" *\r\n",
            "Z434",
            "LIST",
            vec![ListArgs(b"", b"*")],
        ),
        S(
            b"* LIST () \".\" INBOX\r\n",
            vec![List(false, vec![], Some(b'.'), b"INBOX")],
        ),
        S(
            b"* LIST () \".\" INBOX.bar\r\n",
            vec![List(false, vec![], Some(b'.'), b"INBOX.bar")],
        ),
        S(
            b"* LIST () \".\" old-mail\r\n",
            vec![List(false, vec![], Some(b'.'), b"old-mail")],
        ),
        S(
            b"Z434 OK LIST completed\r\n",
            ok_tagged("Z434", "LIST completed"),
        ),
    ]
}

const APPEND_MESSAGE_LEN: usize = 310;
const HEADER_LITERAL_LEN: usize = 342;

fn traces() -> Vec<Trace> {
    let std_flags = || {
        vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft,
        ]
    };
    vec![
        Trace {
            name: "6.1.1 CAPABILITY",
            lines: vec![
                C(b"abcd CAPABILITY\r\n", "abcd", "CAPABILITY", vec![]),
                S(
                    b"* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n",
                    vec![Caps(vec![
                        Capability::Imap4Rev1,
                        Capability::StartTls,
                        Capability::Auth(atom("GSSAPI")),
                        Capability::LoginDisabled,
                    ])],
                ),
                S(b"abcd OK CAPABILITY completed\r\n", ok_tagged("abcd", "CAPABILITY completed")),
                C(b"efgh STARTTLS\r\n", "efgh", "STARTTLS", vec![]),
                S(b"efgh OK STARTLS completed\r\n", ok_tagged("efgh", "STARTLS completed")),
                C(b"ijkl CAPABILITY\r\n", "ijkl", "CAPABILITY", vec![]),
                S(
                    b"* CAPABILITY IMAP4rev1 AUTH=GSSAPI AUTH=PLAIN\r\n",
                    vec![Caps(vec![
                        Capability::Imap4Rev1,
                        Capability::Auth(atom("GSSAPI")),
                        Capability::Auth(atom("PLAIN")),
                    ])],
                ),
                S(b"ijkl OK CAPABILITY completed\r\n", ok_tagged("ijkl", "CAPABILITY completed")),
            ],
        },
        Trace {
            name: "6.1.2 NOOP",
            lines: vec![
                C(b"a002 NOOP\r\n", "a002", "NOOP", vec![]),
                S(b"a002 OK NOOP completed\r\n", ok_tagged("a002", "NOOP completed")),
                C(b"a047 NOOP\r\n", "a047", "NOOP", vec![]),
                S(b"* 22 EXPUNGE\r\n", vec![Expunge(22)]),
                S(b"* 23 EXISTS\r\n", vec![Exists(23)]),
                S(b"* 3 RECENT\r\n", vec![Recent(3)]),
                S(
                    b"* 14 FETCH (FLAGS (\\Seen \\Deleted))\r\n",
                    vec![FetchData(14, 1), Item(FetchItem::Flags(vec![Flag::Seen, Flag::Deleted]))],
                ),
                S(b"a047 OK NOOP completed\r\n", ok_tagged("a047", "NOOP completed")),
            ],
        },
        Trace {
            name: "6.1.3 LOGOUT",
            lines: vec![
                C(b"A023 LOGOUT\r\n", "A023", "LOGOUT", vec![]),
                S(
                    b"* BYE IMAP4rev1 Server logging out\r\n",
                    vec![Untagged(StatusKind::Bye), Text("IMAP4rev1 Server logging out")],
                ),
                S(b"A023 OK LOGOUT completed\r\n", ok_tagged("A023", "LOGOUT completed")),
            ],
        },
        Trace {
            name: "6.2.1 STARTTLS",
            lines: vec![
                C(b"a001 CAPABILITY\r\n", "a001", "CAPABILITY", vec![]),
                S(
                    b"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n",
                    vec![Caps(vec![
                        Capability::Imap4Rev1,
                        Capability::StartTls,
                        Capability::LoginDisabled,
                    ])],
                ),
                S(b"a001 OK CAPABILITY completed\r\n", ok_tagged("a001", "CAPABILITY completed")),
                C(b"a002 STARTTLS\r\n", "a002", "STARTTLS", vec![]),
                S(b"a002 OK Begin TLS negotiation now\r\n", ok_tagged("a002", "Begin TLS negotiation now")),
                C(b"a003 CAPABILITY\r\n", "a003", "CAPABILITY", vec![]),
                S(
                    b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n",
                    vec![Caps(vec![Capability::Imap4Rev1, Capability::Auth(atom("PLAIN"))])],
                ),
                S(b"a003 OK CAPABILITY completed\r\n", ok_tagged("a003", "CAPABILITY completed")),
                C(b"a004 LOGIN joe password\r\n", "a004", "LOGIN", vec![Login(b"joe", b"password")]),
                S(b"a004 OK LOGIN completed\r\n", ok_tagged("a004", "LOGIN completed")),
            ],
        },
        Trace {
            name: "6.2.2 AUTHENTICATE",
            lines: vec![
                G(b"* OK IMAP4rev1 Server\r\n", vec![Untagged(StatusKind::Ok), Text("IMAP4rev1 Server")]),
                C(b"A001 AUTHENTICATE GSSAPI\r\n", "A001", "AUTHENTICATE", vec![Mechanism("GSSAPI")]),
                S(b"+ \r\n", vec![Continue]),
                Sasl(
                    b"YIIB+wYJKoZIhvcSAQICAQBuggHqMIIB5qADAgEFoQMCAQ6iBwMFACAAAACjggEmYYIBIjCCAR6gAwIBBaES\
GxB1Lndhc2hpbmd0b24uZWR1oi0wK6ADAgEDoSQwIhsEaW1hcBsac2hpdmFtcy5jYWMud2FzaGluZ3Rvbi5lZHWjgdMw\
gdCgAwIBAaEDAgEDooHDBIHAcS1GSa5b+fXnPZNmXB9SjL8Ollj2SKyb+3S0iXMljen/jNkpJXAleKTz6BQPzj8duz8E\
toOuNfKgweViyn/9B9bccy1uuAE2HI0yC/PHXNNU9ZrBziJ8Lm0tTNc98kUpjXnHZhsMcz5Mx2GR6dGknbI0iaGcRerM\
UsWOuBmKKKRmVMMdR9T3EZdpqsBd7jZCNMWotjhivd5zovQlFqQ2Wjc2+y46vKP/iXxWIuQJuDiisyXF0Y8+5GTpALpH\
Dc1/pIGmMIGjoAMCAQGigZsEgZg2on5mSuxoDHEA1w9bcW9nFdFxDKpdrQhVGVRDIzcCMCTzvUboqb5KjY1NJKJsfjRQ\
iBYBdENKfzK+g5DlV8nrw81uOcP8NOQCLR5XkoMHC0Dr/80ziQzbNqhxO6652Npft0LQwJvenwDI13YxpwOdMXzkWZN/\
XrEqOWp6GCgXTBvCyLWLlWnbaUkZdEYbKHBPjd8t/1x5Yg==\r\n",
                ),
                S(
                    b"+ YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEFoQMCAQ+iSzBJoAMCAQGiQgRAtHTEuOP2BXb9sBYFR4SJlDZxmg39IxmRBOhXRKdDA0uHTCOT9Bq3OsUTXUlk0CsFLoa8j+gvGDlgHuqzWHPSQg==\r\n",
                    vec![Continue],
                ),
                Sasl(b"\r\n"),
                S(
                    b"+ YDMGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=\r\n",
                    vec![Continue],
                ),
                Sasl(b"YDMGCSqGSIb3EgECAgIBAAD/////3LQBHXTpFfZgrejpLlLImPwkhbfa2QteAQAgAG1yYwE=\r\n"),
                S(
                    b"A001 OK GSSAPI authentication successful\r\n",
                    ok_tagged("A001", "GSSAPI authentication successful"),
                ),
            ],
        },
        Trace {
            name: "6.2.3 LOGIN",
            lines: vec![
                C(b"a001 LOGIN SMITH SESAME\r\n", "a001", "LOGIN", vec![Login(b"SMITH", b"SESAME")]),
                C(b"a001 LOGIN \"SMITH\" SESAME\r\n", "a001", "LOGIN", vec![Login(b"SMITH", b"SESAME")]),
                S(b"a001 OK LOGIN completed\r\n", ok_tagged("a001", "LOGIN completed")),
            ],
        },
        Trace {
            name: "6.3.1 SELECT",
            lines: vec![
                C(b"A142 SELECT INBOX\r\n", "A142", "SELECT", vec![Mailbox(b"INBOX")]),
                S(b"* 172 EXISTS\r\n", vec![Exists(172)]),
                S(b"* 1 RECENT\r\n", vec![Recent(1)]),
                S(
                    b"* OK [UNSEEN 12] Message 12 is first unseen\r\n",
                    vec![
                        Untagged(StatusKind::Ok),
                        Code(Some(ResponseCode::Unseen(12))),
                        Text("Message 12 is first unseen"),
                    ],
                ),
                S(
                    b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
                    vec![Code(Some(ResponseCode::UidValidity(3857529045))), Text("UIDs valid")],
                ),
                S(
                    b"* OK [UIDNEXT 4392] Predicted next UID\r\n",
                    vec![Code(Some(ResponseCode::UidNext(4392))), Text("Predicted next UID")],
                ),
                S(b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n", vec![Flags(std_flags())]),
                S(
                    b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n",
                    vec![
                        Code(Some(ResponseCode::PermanentFlags(vec![
                            Flag::Deleted,
                            Flag::Seen,
                            Flag::Wildcard,
                        ]))),
                        Text("Limited"),
                    ],
                ),
                S(
                    b"A142 OK [READ-WRITE] SELECT completed\r\n",
                    vec![
                        Tagged("A142", StatusKind::Ok),
                        Code(Some(ResponseCode::ReadWrite)),
                        Text("SELECT completed"),
                    ],
                ),
            ],
        },
        Trace {
            name: "6.3.2 EXAMINE",
            lines: vec![
                C(b"A932 EXAMINE blurdybloop\r\n", "A932", "EXAMINE", vec![Mailbox(b"blurdybloop")]),
                S(b"* 17 EXISTS\r\n", vec![Exists(17)]),
                S(b"* 2 RECENT\r\n", vec![Recent(2)]),
                S(
                    b"* OK [UNSEEN 8] Message 8 is first unseen\r\n",
                    vec![Code(Some(ResponseCode::Unseen(8))), Text("Message 8 is first unseen")],
                ),
                S(
                    b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
                    vec![Code(Some(ResponseCode::UidValidity(3857529045)))],
                ),
                S(
                    b"* OK [UIDNEXT 4392] Predicted next UID\r\n",
                    vec![Code(Some(ResponseCode::UidNext(4392)))],
                ),
                S(b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n", vec![Flags(std_flags())]),
                S(
                    b"* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n",
                    vec![
                        Code(Some(ResponseCode::PermanentFlags(vec![]))),
                        Text("No permanent flags permitted"),
                    ],
                ),
                S(
                    b"A932 OK [READ-ONLY] EXAMINE completed\r\n",
                    vec![
                        Tagged("A932", StatusKind::Ok),
                        Code(Some(ResponseCode::ReadOnly)),
                        Text("EXAMINE completed"),
                    ],
                ),
            ],
        },
        Trace {
            name: "6.3.3 CREATE",
            lines: vec![
                C(b"A003 CREATE owatagusiam/\r\n", "A003", "CREATE", vec![Mailbox(b"owatagusiam/")]),
                S(b"A003 OK CREATE completed\r\n", ok_tagged("A003", "CREATE completed")),
                C(
                    b"A004 CREATE owatagusiam/blurdybloop\r\n",
                    "A004",
                    "CREATE",
                    vec![Mailbox(b"owatagusiam/blurdybloop")],
                ),
                S(b"A004 OK CREATE completed\r\n", ok_tagged("A004", "CREATE completed")),
            ],
        },
        Trace {
            name: "6.3.4 DELETE",
            lines: list_lines_delete(),
        },
        Trace {
            name: "6.3.5 RENAME",
            lines: list_lines_rename(),
        },
        Trace {
            name: "6.3.6 SUBSCRIBE",
            lines: vec![
                C(
                    b"A002 SUBSCRIBE #news.comp.mail.mime\r\n",
                    "A002",
                    "SUBSCRIBE",
                    vec![Mailbox(b"#news.comp.mail.mime")],
                ),
                S(b"A002 OK SUBSCRIBE completed\r\n", ok_tagged("A002", "SUBSCRIBE completed")),
            ],
        },
        Trace {
            name: "6.3.7 UNSUBSCRIBE",
            lines: vec![
                C(
                    b"A002 UNSUBSCRIBE #news.comp.mail.mime\r\n",
                    "A002",
                    "UNSUBSCRIBE",
                    vec![Mailbox(b"#news.comp.mail.mime")],
                ),
                S(b"A002 OK UNSUBSCRIBE completed\r\n", ok_tagged("A002", "UNSUBSCRIBE completed")),
            ],
        },
        Trace {
            name: "6.3.8 LIST",
            lines: vec![
                C(b"A101 LIST \"\" \"\"\r\n", "A101", "LIST", vec![ListArgs(b"", b"")]),
                S(
                    b"* LIST (\\Noselect) \"/\" \"\"\r\n",
                    vec![List(false, vec![MailboxAttribute::NoSelect], Some(b'/'), b"")],
                ),
                S(b"A101 OK LIST Completed\r\n", ok_tagged("A101", "LIST Completed")),
                C(
                    b"A102 LIST #news.comp.mail.misc \"\"\r\n",
                    "A102",
                    "LIST",
                    vec![ListArgs(b"#news.comp.mail.misc", b"")],
                ),
                S(
                    b"* LIST (\\Noselect) \".\" #news.\r\n",
                    vec![List(false, vec![MailboxAttribute::NoSelect], Some(b'.'), b"#news.")],
                ),
                S(b"A102 OK LIST Completed\r\n", ok_tagged("A102", "LIST Completed")),
                C(
                    b"A103 LIST /usr/staff/jones \"\"\r\n",
                    "A103",
                    "LIST",
                    vec![ListArgs(b"/usr/staff/jones", b"")],
                ),
                S(
                    b"* LIST (\\Noselect) \"/\" /\r\n",
                    vec![List(false, vec![MailboxAttribute::NoSelect], Some(b'/'), b"/")],
                ),
                S(b"A103 OK LIST Completed\r\n", ok_tagged("A103", "LIST Completed")),
                C(b"A202 LIST ~/Mail/ %\r\n", "A202", "LIST", vec![ListArgs(b"~/Mail/", b"%")]),
                S(
                    b"* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n",
                    vec![List(false, vec![MailboxAttribute::NoSelect], Some(b'/'), b"~/Mail/foo")],
                ),
                S(
                    b"* LIST () \"/\" ~/Mail/meetings\r\n",
                    vec![List(false, vec![], Some(b'/'), b"~/Mail/meetings")],
                ),
                S(b"A202 OK LIST completed\r\n", ok_tagged("A202", "LIST completed")),
            ],
        },
        Trace {
            name: "6.3.9 LSUB",
            lines: vec![
                C(
                    b"A002 LSUB \"news.\" \"comp.mail.*\"\r\n",
                    "A002",
                    "LSUB",
                    vec![ListArgs(b"news.", b"comp.mail.*")],
                ),
                S(
                    b"* LSUB () \".\" #news.comp.mail.mime\r\n",
                    vec![List(true, vec![], Some(b'.'), b"#news.comp.mail.mime")],
                ),
                S(
                    b"* LSUB () \".\" #news.comp.mail.misc\r\n",
                    vec![List(true, vec![], Some(b'.'), b"#news.comp.mail.misc")],
                ),
                S(b"A002 OK LSUB completed\r\n", ok_tagged("A002", "LSUB completed")),
                C(
                    b"A003 LSUB \"news.\" \"comp.%\"\r\n",
                    "A003",
                    "LSUB",
                    vec![ListArgs(b"news.", b"comp.%")],
                ),
                S(
                    b"* LSUB (\\NoSelect) \".\" #news.comp.mail\r\n",
                    vec![List(true, vec![MailboxAttribute::NoSelect], Some(b'.'), b"#news.comp.mail")],
                ),
                S(b"A003 OK LSUB completed\r\n", ok_tagged("A003", "LSUB completed")),
            ],
        },
        Trace {
            name: "6.3.10 STATUS",
            lines: vec![
                C(
                    b"A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n",
                    "A042",
                    "STATUS",
                    vec![
                        Mailbox(b"blurdybloop"),
                        StatusItems(vec![StatusAttribute::UidNext, StatusAttribute::Messages]),
                    ],
                ),
                S(
                    b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
                    vec![StatusData(
                        b"blurdybloop",
                        vec![
                            StatusItem::Number(StatusAttribute::Messages, 231),
                            StatusItem::Number(StatusAttribute::UidNext, 44292),
                        ],
                    )],
                ),
                S(b"A042 OK STATUS completed\r\n", ok_tagged("A042", "STATUS completed")),
            ],
        },
        Trace {
            name: "6.3.11 APPEND",
            lines: vec![
                C(
                    b"A003 APPEND saved-messages (\\Seen) {310}\r\n\
Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n\
From: Fred Foobar <foobar@Blurdybloop.COM>\r\n\
Subject: afternoon meeting\r\n\
To: mooch@owatagu.siam.edu\r\n\
Message-Id: <B27397-0100000@Blurdybloop.COM>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
\r\n\
Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n\
\r\n",
                    "A003",
                    "APPEND",
                    vec![
                        Mailbox(b"saved-messages"),
                        Append(vec![Flag::Seen], APPEND_MESSAGE_LEN),
                    ],
                ),
                S(b"+ Ready for literal data\r\n", vec![Continue, Text("Ready for literal data")]),
                S(b"A003 OK APPEND completed\r\n", ok_tagged("A003", "APPEND completed")),
            ],
        },
        Trace {
            name: "6.4.1 CHECK",
            lines: vec![
                C(b"FXXZ CHECK\r\n", "FXXZ", "CHECK", vec![]),
                S(b"FXXZ OK CHECK Completed\r\n", ok_tagged("FXXZ", "CHECK Completed")),
            ],
        },
        Trace {
            name: "6.4.2 CLOSE",
            lines: vec![
                C(b"A341 CLOSE\r\n", "A341", "CLOSE", vec![]),
                S(b"A341 OK CLOSE completed\r\n", ok_tagged("A341", "CLOSE completed")),
            ],
        },
        Trace {
            name: "6.4.3 EXPUNGE",
            lines: vec![
                C(b"A202 EXPUNGE\r\n", "A202", "EXPUNGE", vec![]),
                S(b"* 3 EXPUNGE\r\n", vec![Expunge(3)]),
                S(b"* 3 EXPUNGE\r\n", vec![Expunge(3)]),
                S(b"* 5 EXPUNGE\r\n", vec![Expunge(5)]),
                S(b"* 8 EXPUNGE\r\n", vec![Expunge(8)]),
                S(b"A202 OK EXPUNGE completed\r\n", ok_tagged("A202", "EXPUNGE completed")),
            ],
        },
        Trace {
            name: "6.4.4 SEARCH",
            lines: vec![
                C(
                    b"A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n",
                    "A282",
                    "SEARCH",
                    vec![
                        Charset(None),
                        Keys(vec![
                            SearchKey::Flagged,
                            SearchKey::Since(date(1994, 2, 1)),
                            SearchKey::Not(Box::new(SearchKey::From(astring("Smith")))),
                        ]),
                    ],
                ),
                S(b"* SEARCH 2 84 882\r\n", vec![Search(&[2, 84, 882])]),
                S(b"A282 OK SEARCH completed\r\n", ok_tagged("A282", "SEARCH completed")),
                C(
                    b"A283 SEARCH TEXT \"string not in mailbox\"\r\n",
                    "A283",
                    "SEARCH",
                    vec![Keys(vec![SearchKey::Text(astring("string not in mailbox"))])],
                ),
                S(b"* SEARCH\r\n", vec![Search(&[])]),
                S(b"A283 OK SEARCH completed\r\n", ok_tagged("A283", "SEARCH completed")),
                C(
                    b"A284 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX\r\n",
                    "A284",
                    "SEARCH",
                    vec![
                        Charset(Some(b"UTF-8")),
                        Keys(vec![SearchKey::Text(astring("XXXXXX"))]),
                    ],
                ),
                S(b"* SEARCH 43\r\n", vec![Search(&[43])]),
                S(b"A284 OK SEARCH completed\r\n", ok_tagged("A284", "SEARCH completed")),
            ],
        },
        Trace {
            name: "6.4.5 FETCH",
            lines: vec![
                C(
                    b"A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n",
                    "A654",
                    "FETCH",
                    vec![
                        Set(&[(2, 4)]),
                        FetchAttrs(FetchAttributes::List(vec![
                            FetchAttribute::Flags,
                            FetchAttribute::BodySection {
                                peek: false,
                                section: body_section(Some(SectionText::HeaderFields(vec![
                                    astring("DATE"),
                                    astring("FROM"),
                                ]))),
                                partial: None,
                            },
                        ])),
                    ],
                ),
                S(b"A654 OK FETCH completed\r\n", ok_tagged("A654", "FETCH completed")),
            ],
        },
        Trace {
            name: "6.4.6 STORE",
            lines: vec![
                C(
                    b"A003 STORE 2:4 +FLAGS (\\Deleted)\r\n",
                    "A003",
                    "STORE",
                    vec![Set(&[(2, 4)]), Store(StoreKind::Add, false, vec![Flag::Deleted])],
                ),
                S(
                    b"* 2 FETCH (FLAGS (\\Deleted \\Seen))\r\n",
                    vec![FetchData(2, 1), Item(FetchItem::Flags(vec![Flag::Deleted, Flag::Seen]))],
                ),
                S(
                    b"* 3 FETCH (FLAGS (\\Deleted))\r\n",
                    vec![FetchData(3, 1), Item(FetchItem::Flags(vec![Flag::Deleted]))],
                ),
                S(
                    b"* 4 FETCH (FLAGS (\\Deleted \\Flagged \\Seen))\r\n",
                    vec![
                        FetchData(4, 1),
                        Item(FetchItem::Flags(vec![Flag::Deleted, Flag::Flagged, Flag::Seen])),
                    ],
                ),
                S(b"A003 OK STORE completed\r\n", ok_tagged("A003", "STORE completed")),
            ],
        },
        Trace {
            name: "6.4.7 COPY",
            lines: vec![
                C(
                    b"A003 COPY 2:4 MEETING\r\n",
                    "A003",
                    "COPY",
                    vec![Set(&[(2, 4)]), Mailbox(b"MEETING")],
                ),
                S(b"A003 OK COPY completed\r\n", ok_tagged("A003", "COPY completed")),
            ],
        },
        Trace {
            name: "6.4.8 UID",
            lines: vec![
                C(
                    b"A999 UID FETCH 4827313:4828442 FLAGS\r\n",
                    "A999",
                    "UID FETCH",
                    vec![
                        Set(&[(4827313, 4828442)]),
                        FetchAttrs(FetchAttributes::List(vec![FetchAttribute::Flags])),
                    ],
                ),
                S(
                    b"* 23 FETCH (FLAGS (\\Seen) UID 4827313)\r\n",
                    vec![FetchData(23, 2), Item(FetchItem::Uid(4827313))],
                ),
                S(
                    b"* 24 FETCH (FLAGS (\\Seen) UID 4827943)\r\n",
                    vec![FetchData(24, 2), Item(FetchItem::Uid(4827943))],
                ),
                S(
                    b"* 25 FETCH (FLAGS (\\Seen) UID 4828442)\r\n",
                    vec![FetchData(25, 2), Item(FetchItem::Uid(4828442))],
                ),
                S(b"A999 OK UID FETCH completed\r\n", ok_tagged("A999", "UID FETCH completed")),
            ],
        },
        Trace {
            name: "8 sample session",
            lines: vec![
                G(
                    b"* OK IMAP4rev1 Service Ready\r\n",
                    vec![Untagged(StatusKind::Ok), Code(None), Text("IMAP4rev1 Service Ready")],
                ),
                C(b"a001 login mrc secret\r\n", "a001", "LOGIN", vec![Login(b"mrc", b"secret")]),
                S(b"a001 OK LOGIN completed\r\n", ok_tagged("a001", "LOGIN completed")),
                C(b"a002 select inbox\r\n", "a002", "SELECT", vec![Mailbox(b"INBOX")]),
                S(b"* 18 EXISTS\r\n", vec![Exists(18)]),
                S(b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n", vec![Flags(std_flags())]),
                S(b"* 2 RECENT\r\n", vec![Recent(2)]),
                S(
                    b"* OK [UNSEEN 17] Message 17 is the first unseen message\r\n",
                    vec![
                        Code(Some(ResponseCode::Unseen(17))),
                        Text("Message 17 is the first unseen message"),
                    ],
                ),
                S(
                    b"* OK [UIDVALIDITY 3857529045] UIDs valid\r\n",
                    vec![Code(Some(ResponseCode::UidValidity(3857529045)))],
                ),
                S(
                    b"a002 OK [READ-WRITE] SELECT completed\r\n",
                    vec![
                        Tagged("a002", StatusKind::Ok),
                        Code(Some(ResponseCode::ReadWrite)),
                        Text("SELECT completed"),
                    ],
                ),
                C(
                    b"a003 fetch 12 full\r\n",
                    "a003",
                    "FETCH",
                    vec![Set(&[(12, 12)]), FetchAttrs(FetchAttributes::Full)],
                ),
                S(
                    b"* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" \
RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \
\"IMAP4rev1 WG mtg summary and minutes\" \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((NIL NIL \"imap\" \"cac.washington.edu\")) \
((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) \
NIL NIL \"<B27397-0100000@cac.washington.edu>\") \
BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n",
                    vec![
                        FetchData(12, 5),
                        Item(FetchItem::Flags(vec![Flag::Seen])),
                        Item(FetchItem::InternalDate(
                            DateTime::new(date(1996, 7, 17), 2, 44, 25, -7 * 60).expect("valid date-time"),
                        )),
                        Item(FetchItem::Rfc822Size(4286)),
                        Envelope(b"IMAP4rev1 WG mtg summary and minutes", 2),
                        BodyText(b"PLAIN", 3028, 92),
                    ],
                ),
                S(b"a003 OK FETCH completed\r\n", ok_tagged("a003", "FETCH completed")),
                C(
                    b"a004 fetch 12 body[header]\r\n",
                    "a004",
                    "FETCH",
                    vec![
                        Set(&[(12, 12)]),
                        FetchAttrs(FetchAttributes::List(vec![FetchAttribute::BodySection {
                            peek: false,
                            section: body_section(Some(SectionText::Header)),
                            partial: None,
                        }])),
                    ],
                ),
                S(
                    b"* 12 FETCH (BODY[HEADER] {342}\r\n\
Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n\
From: Terry Gray <gray@cac.washington.edu>\r\n\
Subject: IMAP4rev1 WG mtg summary and minutes\r\n\
To: imap@cac.washington.edu\r\n\
cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n\
Message-Id: <B27397-0100000@cac.washington.edu>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n\
\r\n\
)\r\n",
                    vec![FetchData(12, 1), HeaderLen(HEADER_LITERAL_LEN)],
                ),
                S(b"a004 OK FETCH completed\r\n", ok_tagged("a004", "FETCH completed")),
                C(
                    b"a005 store 12 +flags \\deleted\r\n",
                    "a005",
                    "STORE",
                    vec![Set(&[(12, 12)]), Store(StoreKind::Add, false, vec![Flag::Deleted])],
                ),
                S(
                    b"* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\n",
                    vec![FetchData(12, 1), Item(FetchItem::Flags(vec![Flag::Seen, Flag::Deleted]))],
                ),
                S(b"a005 OK +FLAGS completed\r\n", ok_tagged("a005", "+FLAGS completed")),
                C(b"a006 logout\r\n", "a006", "LOGOUT", vec![]),
                S(
                    b"* BYE IMAP4rev1 server terminating connection\r\n",
                    vec![Untagged(StatusKind::Bye), Text("IMAP4rev1 server terminating connection")],
                ),
                S(b"a006 OK LOGOUT completed\r\n", ok_tagged("a006", "LOGOUT completed")),
            ],
        },
        Trace {
            name: "RFC 5161 ENABLE",
            lines: vec![
                C(b"t1 CAPABILITY\r\n", "t1", "CAPABILITY", vec![]),
                S(
                    b"* CAPABILITY IMAP4rev1 ID LITERAL+ ENABLE X-GOOD-IDEA\r\n",
                    vec![Caps(vec![
                        Capability::Imap4Rev1,
                        Capability::Id,
                        Capability::LiteralPlus,
                        Capability::Enable,
                        Capability::Other(atom("X-GOOD-IDEA")),
                    ])],
                ),
                S(b"t1 OK foo\r\n", ok_tagged("t1", "foo")),
                C(
                    b"t2 ENABLE CONDSTORE X-GOOD-IDEA\r\n",
                    "t2",
                    "ENABLE",
                    vec![Enable(&["CONDSTORE", "X-GOOD-IDEA"])],
                ),
                S(
                    b"* ENABLED X-GOOD-IDEA\r\n",
                    vec![Enabled(vec![Capability::Other(atom("X-GOOD-IDEA"))])],
                ),
                S(b"t2 OK foo\r\n", ok_tagged("t2", "foo")),
                C(b"t3 CAPABILITY\r\n", "t3", "CAPABILITY", vec![]),
                S(b"* CAPABILITY IMAP4rev1 ID LITERAL+ ENABLE X-GOOD-IDEA\r\n", vec![]),
                S(b"t3 OK foo again\r\n", ok_tagged("t3", "foo again")),
                C(b"a1 ENABLE CONDSTORE\r\n", "a1", "ENABLE", vec![Enable(&["CONDSTORE"])]),
                S(b"* ENABLED CONDSTORE\r\n", vec![Enabled(vec![Capability::CondStore])]),
                S(
                    b"a1 OK Conditional Store enabled\r\n",
                    ok_tagged("a1", "Conditional Store enabled"),
                ),
            ],
        },
        Trace {
            name: "7.1.1 OK",
            lines: vec![
                G(b"* OK IMAP4rev1 server ready\r\n", vec![Untagged(StatusKind::Ok)]),
                C(
                    b"A001 LOGIN fred blurdybloop\r\n",
                    "A001",
                    "LOGIN",
                    vec![Login(b"fred", b"blurdybloop")],
                ),
                S(
                    b"* OK [ALERT] System shutdown in 10 minutes\r\n",
                    vec![
                        Untagged(StatusKind::Ok),
                        Code(Some(ResponseCode::Alert)),
                        Text("System shutdown in 10 minutes"),
                    ],
                ),
                S(b"A001 OK LOGIN Completed\r\n", ok_tagged("A001", "LOGIN Completed")),
            ],
        },
        Trace {
            name: "7.1.2 NO",
            lines: vec![
                C(
                    b"A222 COPY 1:2 owatagusiam\r\n",
                    "A222",
                    "COPY",
                    vec![Set(&[(1, 2)]), Mailbox(b"owatagusiam")],
                ),
                S(
                    b"* NO Disk is 98% full, please delete unnecessary data\r\n",
                    vec![
                        Untagged(StatusKind::No),
                        Text("Disk is 98% full, please delete unnecessary data"),
                    ],
                ),
                S(b"A222 OK COPY completed\r\n", ok_tagged("A222", "COPY completed")),
                C(
                    b"A223 COPY 3:200 blurdybloop\r\n",
                    "A223",
                    "COPY",
                    vec![Set(&[(3, 200)]), Mailbox(b"blurdybloop")],
                ),
                S(
                    b"* NO Disk is 98% full, please delete unnecessary data\r\n",
                    vec![Untagged(StatusKind::No)],
                ),
                S(
                    b"* NO Disk is 99% full, please delete unnecessary data\r\n",
                    vec![Untagged(StatusKind::No)],
                ),
                S(
                    b"A223 NO COPY failed: disk is full\r\n",
                    vec![Tagged("A223", StatusKind::No), Text("COPY failed: disk is full")],
                ),
            ],
        },
        Trace {
            name: "7.1.3 BAD",
            lines: vec![
                S(
                    b"* BAD Command line too long\r\n",
                    vec![Untagged(StatusKind::Bad), Text("Command line too long")],
                ),
                S(b"* BAD Empty command line\r\n", vec![Untagged(StatusKind::Bad)]),
                C(b"A443 EXPUNGE\r\n", "A443", "EXPUNGE", vec![]),
                S(
                    b"* BAD Disk crash, attempting salvage to a new disk!\r\n",
                    vec![Untagged(StatusKind::Bad)],
                ),
                S(b"* OK Salvage successful, no data lost\r\n", vec![Untagged(StatusKind::Ok)]),
                S(b"A443 OK Expunge completed\r\n", ok_tagged("A443", "Expunge completed")),
            ],
        },
        Trace {
            name: "7.1.4 PREAUTH",
            lines: vec![G(
                b"* PREAUTH IMAP4rev1 server logged in as Smith\r\n",
                vec![
                    Untagged(StatusKind::PreAuth),
                    Text("IMAP4rev1 server logged in as Smith"),
                ],
            )],
        },
        Trace {
            name: "7.1.5 BYE",
            lines: vec![S(
                b"* BYE Autologout; idle for too long\r\n",
                vec![Untagged(StatusKind::Bye), Text("Autologout; idle for too long")],
            )],
        },
        Trace {
            name: "7.2 to 7.4 server data",
            lines: vec![
                S(
                    b"* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI XPIG-LATIN\r\n",
                    vec![Caps(vec![
                        Capability::Imap4Rev1,
                        Capability::StartTls,
                        Capability::Auth(atom("GSSAPI")),
                        Capability::Other(atom("XPIG-LATIN")),
                    ])],
                ),
                S(
                    b"* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n",
                    vec![List(false, vec![MailboxAttribute::NoSelect], Some(b'/'), b"~/Mail/foo")],
                ),
                S(
                    b"* LSUB () \".\" #news.comp.mail.misc\r\n",
                    vec![List(true, vec![], Some(b'.'), b"#news.comp.mail.misc")],
                ),
                S(
                    b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
                    vec![StatusData(
                        b"blurdybloop",
                        vec![
                            StatusItem::Number(StatusAttribute::Messages, 231),
                            StatusItem::Number(StatusAttribute::UidNext, 44292),
                        ],
                    )],
                ),
                S(b"* SEARCH 2 3 6\r\n", vec![Search(&[2, 3, 6])]),
                S(b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n", vec![Flags(std_flags())]),
                S(b"* 23 EXISTS\r\n", vec![Exists(23)]),
                S(b"* 5 RECENT\r\n", vec![Recent(5)]),
                S(b"* 44 EXPUNGE\r\n", vec![Expunge(44)]),
                S(
                    b"* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)\r\n",
                    vec![
                        FetchData(23, 2),
                        Item(FetchItem::Flags(vec![Flag::Seen])),
                        Item(FetchItem::Rfc822Size(44827)),
                    ],
                ),
            ],
        },
        Trace {
            name: "7.5 continuation request",
            lines: vec![
                C(
                    b"A001 LOGIN {11}\r\nFRED FOOBAR {7}\r\nfat man\r\n",
                    "A001",
                    "LOGIN",
                    vec![Login(b"FRED FOOBAR", b"fat man")],
                ),
                S(
                    b"+ Ready for additional command text\r\n",
                    vec![Continue, Text("Ready for additional command text")],
                ),
                S(b"A001 OK LOGIN completed\r\n", ok_tagged("A001", "LOGIN completed")),
                S(
                    b"A044 BAD No such command as \"BLURDYBLOOP\"\r\n",
                    vec![
                        Tagged("A044", StatusKind::Bad),
                        Text("No such command as \"BLURDYBLOOP\""),
                    ],
                ),
            ],
        },
        Trace {
            name: "RFC 2088 LITERAL+",
            lines: vec![C(
                b"A001 LOGIN {11+}\r\nFRED FOOBAR {7+}\r\nfat man\r\n",
                "A001",
                "LOGIN",
                vec![Login(b"FRED FOOBAR", b"fat man")],
            )],
        },
        Trace {
            name: "RFC 5256 SORT",
            lines: vec![
                C(
                    b"A282 SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994\r\n",
                    "A282",
                    "SORT",
                    vec![
                        SortBy(vec![SortCriterion {
                            reverse: false,
                            key: SortKey::Subject,
                        }]),
                        Charset(Some(b"UTF-8")),
                        Keys(vec![SearchKey::Since(date(1994, 2, 1))]),
                    ],
                ),
                S(b"* SORT 2 84 882\r\n", vec![Sort(&[2, 84, 882])]),
                S(b"A282 OK SORT completed\r\n", ok_tagged("A282", "SORT completed")),
                C(
                    b"A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\n",
                    "A283",
                    "SORT",
                    vec![
                        SortBy(vec![
                            SortCriterion {
                                reverse: false,
                                key: SortKey::Subject,
                            },
                            SortCriterion {
                                reverse: true,
                                key: SortKey::Date,
                            },
                        ]),
                        Charset(Some(b"UTF-8")),
                        Keys(vec![SearchKey::All]),
                    ],
                ),
                S(b"* SORT 5 3 4 1 2\r\n", vec![Sort(&[5, 3, 4, 1, 2])]),
                S(b"A283 OK SORT completed\r\n", ok_tagged("A283", "SORT completed")),
                C(
                    b"A284 SORT (SUBJECT) US-ASCII TEXT \"not in mailbox\"\r\n",
                    "A284",
                    "SORT",
                    vec![
                        Charset(Some(b"US-ASCII")),
                        Keys(vec![SearchKey::Text(astring("not in mailbox"))]),
                    ],
                ),
                S(b"* SORT\r\n", vec![Sort(&[])]),
                S(b"A284 OK SORT completed\r\n", ok_tagged("A284", "SORT completed")),
            ],
        },
        Trace {
            name: "RFC 5256 THREAD",
            lines: vec![
                C(
                    b"A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n",
                    "A283",
                    "THREAD",
                    vec![
                        Algorithm("ORDEREDSUBJECT"),
                        Charset(Some(b"UTF-8")),
                        Keys(vec![SearchKey::Since(date(2000, 3, 5))]),
                    ],
                ),
                S(
                    b"* THREAD (166)(167)(168)(169)(172)(170)(171)(173)(174 (175)(176)(178)(181)(180))\
(179)(177 (183)(182)(188)(184)(185)(186)(187)(189))(190)(191)(192)(193)(194 195)\
(196 (197)(198))(199)(200 202)(201)(203)(204)(205)(206 207)(208)\r\n",
                    vec![
                        Threads(25),
                        ThreadAt(0, leaf(166)),
                        ThreadAt(
                            8,
                            thread(&[174], vec![leaf(175), leaf(176), leaf(178), leaf(181), leaf(180)]),
                        ),
                        ThreadAt(15, thread(&[194, 195], vec![])),
                        ThreadAt(16, thread(&[196], vec![leaf(197), leaf(198)])),
                        ThreadAt(24, leaf(208)),
                    ],
                ),
                S(b"A283 OK THREAD completed\r\n", ok_tagged("A283", "THREAD completed")),
                C(
                    b"A284 THREAD ORDEREDSUBJECT US-ASCII TEXT \"gewp\"\r\n",
                    "A284",
                    "THREAD",
                    vec![
                        Algorithm("ORDEREDSUBJECT"),
                        Charset(Some(b"US-ASCII")),
                        Keys(vec![SearchKey::Text(astring("gewp"))]),
                    ],
                ),
                S(b"* THREAD\r\n", vec![Threads(0)]),
                S(b"A284 OK THREAD completed\r\n", ok_tagged("A284", "THREAD completed")),
                C(
                    b"A285 THREAD REFERENCES UTF-8 SINCE 5-MAR-2000\r\n",
                    "A285",
                    "THREAD",
                    vec![Algorithm("REFERENCES"), Keys(vec![SearchKey::Since(date(2000, 3, 5))])],
                ),
                S(
                    b"* THREAD (166)(167)(168)(169)(172)((170)(179))(171)(173)((174)(175)(176)(178)(181)(180))\
((177)(183)(182)(188 (184)(189))(185 186)(187))(190)(191)(192)(193)((194)(195 196))(197 198)\
(199)(200 202)(201)(203)(204)(205 206 207)(208)\r\n",
                    vec![
                        Threads(23),
                        ThreadAt(5, thread(&[], vec![leaf(170), leaf(179)])),
                        ThreadAt(
                            9,
                            thread(
                                &[],
                                vec![
                                    leaf(177),
                                    leaf(183),
                                    leaf(182),
                                    thread(&[188], vec![leaf(184), leaf(189)]),
                                    thread(&[185, 186], vec![]),
                                    leaf(187),
                                ],
                            ),
                        ),
                        ThreadAt(14, thread(&[], vec![leaf(194), thread(&[195, 196], vec![])])),
                        ThreadAt(21, thread(&[205, 206, 207], vec![])),
                    ],
                ),
                S(b"A285 OK THREAD completed\r\n", ok_tagged("A285", "THREAD completed")),
            ],
        },
    ]
}

// ---------------------------------------------------------------------------------------
// Machinery
// ---------------------------------------------------------------------------------------

fn show(wire: &[u8]) -> String {
    String::from_utf8_lossy(wire).into_owned()
}

/// Parses `wire` whole: a complete value that used every byte.
fn whole<T: std::fmt::Debug>(
    wire: &[u8],
    parse: fn(&Bytes, &ParseOptions) -> Result<Status<T>, imap_proto::ParseError>,
) -> T {
    let bytes = Bytes::copy_from_slice(wire);
    match parse(&bytes, &ParseOptions::default()) {
        Ok(Status::Complete { value, len }) => {
            assert_eq!(len, wire.len(), "{:?}: consumed {len} bytes", show(wire));
            value
        }
        other => panic!("{:?} -> {other:?}", show(wire)),
    }
}

/// A line of one direction is refused by the other direction's parser.
fn assert_wrong_direction<T: std::fmt::Debug>(
    wire: &[u8],
    parse: fn(&Bytes, &ParseOptions) -> Result<Status<T>, imap_proto::ParseError>,
) {
    let result = parse(&Bytes::copy_from_slice(wire), &ParseOptions::default());
    assert!(
        result.is_err(),
        "{:?} parsed in the wrong direction: {result:?}",
        show(wire)
    );
}

fn command_round_trip(command: &Command, wire: &[u8]) {
    for encoder in encoders() {
        let encoded = encoder.command(command).to_bytes();
        let again = whole(&encoded, parse::command);
        assert_eq!(
            &again,
            command,
            "{:?} re-encoded as {:?}",
            show(wire),
            show(&encoded)
        );
    }
}

fn response_round_trip(response: &Response, wire: &[u8]) {
    for encoder in encoders() {
        let encoded = encoder.response(response).to_bytes();
        let again = whole(&encoded, parse::response);
        assert_eq!(
            &again,
            response,
            "{:?} re-encoded as {:?}",
            show(wire),
            show(&encoded)
        );
    }
}

fn mailbox_of(body: &CommandBody) -> Option<&imap_proto::types::Mailbox> {
    match body {
        CommandBody::Select { mailbox, .. }
        | CommandBody::Examine { mailbox, .. }
        | CommandBody::Create { mailbox, .. }
        | CommandBody::Status { mailbox, .. }
        | CommandBody::Append { mailbox, .. }
        | CommandBody::Copy { mailbox, .. }
        | CommandBody::Move { mailbox, .. } => Some(mailbox),
        CommandBody::Delete(mailbox)
        | CommandBody::Subscribe(mailbox)
        | CommandBody::Unsubscribe(mailbox)
        | CommandBody::Rename { from: mailbox, .. } => Some(mailbox),
        _ => None,
    }
}

fn expected_set(ranges: &[(u32, u32)]) -> SequenceSet {
    let number = |n: u32| SeqNumber::Value(NonZeroU32::new(n).expect("non-zero"));
    let items = ranges
        .iter()
        .map(|&(a, b)| {
            if a == b {
                SeqItem::Single(number(a))
            } else {
                SeqItem::Range(number(a), number(b))
            }
        })
        .collect();
    SequenceSet::new(items).expect("non-empty set")
}

fn check_command(command: &Command, check: &Cmd, wire: &[u8]) {
    let body = &command.body;
    let ok = match (check, body) {
        (Mailbox(want), _) => mailbox_of(body).is_some_and(|m| m.as_bytes() == *want),
        (RenameTo(want), CommandBody::Rename { to, .. }) => to.as_bytes() == *want,
        (
            ListArgs(reference, pattern),
            CommandBody::List {
                reference: r,
                patterns,
                ..
            },
        ) => {
            r.as_bytes() == *reference && patterns.len() == 1 && patterns[0].as_bytes() == *pattern
        }
        (
            ListArgs(reference, pattern),
            CommandBody::Lsub {
                reference: r,
                pattern: p,
            },
        ) => r.as_bytes() == *reference && p.as_bytes() == *pattern,
        (Login(user, pass), CommandBody::Login { username, password }) => {
            username.as_bytes() == *user && password.expose().as_bytes() == *pass
        }
        (
            Mechanism(want),
            CommandBody::Authenticate {
                mechanism,
                initial_response,
            },
        ) => {
            mechanism.as_bytes().eq_ignore_ascii_case(want.as_bytes()) && initial_response.is_none()
        }
        (Enable(want), CommandBody::Enable(names)) => {
            names.len() == want.len()
                && names
                    .iter()
                    .zip(want.iter())
                    .all(|(n, w)| n.as_bytes() == w.as_bytes())
        }
        (Set(ranges), CommandBody::Fetch { set, .. })
        | (Set(ranges), CommandBody::Store { set, .. })
        | (Set(ranges), CommandBody::Copy { set, .. }) => *set == expected_set(ranges),
        (Keys(want), CommandBody::Search { criteria, .. }) => criteria == want,
        (Keys(want), CommandBody::Sort { search, .. })
        | (Keys(want), CommandBody::Thread { search, .. }) => search == want,
        (Charset(want), CommandBody::Search { charset, .. }) => {
            charset.as_ref().map(AString::as_bytes) == *want
        }
        (Charset(want), CommandBody::Sort { charset, .. })
        | (Charset(want), CommandBody::Thread { charset, .. }) => Some(charset.as_bytes()) == *want,
        (StatusItems(want), CommandBody::Status { items, .. }) => items == want,
        (FetchAttrs(want), CommandBody::Fetch { attributes, .. }) => attributes == want,
        (
            Store(kind, silent, want),
            CommandBody::Store {
                kind: k,
                silent: s,
                flags,
                unchanged_since: None,
                ..
            },
        ) => k == kind && s == silent && flags == want,
        (SortBy(want), CommandBody::Sort { criteria, .. }) => criteria == want,
        (Algorithm(want), CommandBody::Thread { algorithm, .. }) => {
            algorithm.as_bytes().eq_ignore_ascii_case(want.as_bytes())
        }
        (Append(flags, len), CommandBody::Append { messages, .. }) => {
            messages.len() == 1 && messages[0].flags == *flags && messages[0].data.len() == *len
        }
        _ => false,
    };
    assert!(
        ok,
        "{:?}: {check:?} does not hold for {command:?}",
        show(wire)
    );
}

fn fetch_items(response: &Response) -> Option<&[FetchItem]> {
    match response {
        Response::Data(Data::Fetch { items, .. }) => Some(items),
        _ => None,
    }
}

fn threads(response: &Response) -> Option<&[Thread]> {
    match response {
        Response::Data(Data::Thread(threads)) => Some(threads),
        _ => None,
    }
}

fn check_response(response: &Response, check: &Resp, wire: &[u8]) {
    let status = match response {
        Response::Status(status) => Some(status),
        _ => None,
    };
    let data = match response {
        Response::Data(data) => Some(data),
        _ => None,
    };
    let ok = match check {
        Tagged(tag, kind) => status.is_some_and(|s| {
            s.kind == *kind
                && s.tag
                    .as_ref()
                    .is_some_and(|t| t.as_bytes() == tag.as_bytes())
        }),
        Untagged(kind) => status.is_some_and(|s| s.kind == *kind && s.tag.is_none()),
        Code(want) => status.is_some_and(|s| s.code == *want),
        Text(want) => match response {
            Response::Status(s) => s.text.as_bytes() == want.as_bytes(),
            Response::Continuation(c) => c.text.as_bytes() == want.as_bytes(),
            _ => false,
        },
        Continue => matches!(response, Response::Continuation(_)),
        Caps(want) => matches!(data, Some(Data::Capability(caps)) if caps == want),
        Enabled(want) => matches!(data, Some(Data::Enabled(caps)) if caps == want),
        List(lsub, attributes, delimiter, mailbox) => {
            let item = match (lsub, data) {
                (false, Some(Data::List(item))) | (true, Some(Data::Lsub(item))) => Some(item),
                _ => None,
            };
            item.is_some_and(|item| {
                item.attributes == *attributes
                    && item.delimiter == *delimiter
                    && item.mailbox.as_bytes() == *mailbox
                    && item.extended.is_empty()
            })
        }
        StatusData(mailbox, want) => matches!(
            data,
            Some(Data::Status { mailbox: m, items }) if m.as_bytes() == *mailbox && items == want
        ),
        Search(want) => {
            matches!(data, Some(Data::Search { ids, modseq: None }) if ids.as_slice() == *want)
        }
        Sort(want) => {
            matches!(data, Some(Data::Sort { ids, modseq: None }) if ids.as_slice() == *want)
        }
        Threads(count) => threads(response).is_some_and(|t| t.len() == *count),
        ThreadAt(index, want) => threads(response).is_some_and(|t| t.get(*index) == Some(want)),
        Flags(want) => matches!(data, Some(Data::Flags(flags)) if flags == want),
        Exists(n) => matches!(data, Some(Data::Exists(m)) if m == n),
        Recent(n) => matches!(data, Some(Data::Recent(m)) if m == n),
        Expunge(n) => matches!(data, Some(Data::Expunge(m)) if m == n),
        FetchData(seq, count) => {
            matches!(data, Some(Data::Fetch { seq: s, items }) if s == seq && items.len() == *count)
        }
        Item(want) => fetch_items(response).is_some_and(|items| items.contains(want)),
        Envelope(subject, cc) => fetch_items(response).is_some_and(|items| {
            items.iter().any(|item| match item {
                FetchItem::Envelope(envelope) => {
                    envelope.subject.as_ref().map(|s| s.as_bytes()) == Some(*subject)
                        && envelope.cc.len() == *cc
                        && envelope.bcc.is_empty()
                        && envelope.in_reply_to.is_none()
                }
                _ => false,
            })
        }),
        BodyText(subtype, size, lines) => fetch_items(response).is_some_and(|items| {
            items.iter().any(|item| match item {
                FetchItem::Body(body) => matches!(
                    &**body,
                    BodyStructure::Single {
                        kind: SinglePartKind::Text { subtype: st, lines: l },
                        fields,
                        extension: None,
                    } if st.as_bytes().eq_ignore_ascii_case(subtype)
                        && l == lines
                        && fields.size == *size
                        && fields.encoding.as_bytes() == b"7BIT"
                ),
                _ => false,
            })
        }),
        HeaderLen(len) => fetch_items(response).is_some_and(|items| {
            items.iter().any(|item| match item {
                FetchItem::BodySection {
                    section,
                    origin: None,
                    data: Some(data),
                } => {
                    *section == body_section(Some(SectionText::Header))
                        && data.as_bytes().len() == *len
                }
                _ => false,
            })
        }),
        Other(name) => {
            matches!(data, Some(Data::Other { name: n, .. }) if n.as_ref() == name.as_bytes())
        }
    };
    assert!(
        ok,
        "{:?}: {check:?} does not hold for {response:?}",
        show(wire)
    );
}

/// Frames one direction's joined lines and checks they split into exactly `lines`.
fn check_framing(direction: Direction, limits: Limits, lines: &[&[u8]], trace: &str) {
    let stream: Vec<u8> = lines.concat();
    let mut framed = Vec::new();
    for item in split_stream(&stream, direction, limits) {
        let StreamItem::Message { bytes, .. } = item else {
            panic!("{trace}: framing failed: {item:?}");
        };
        framed.push(bytes.to_vec());
    }
    let want: Vec<Vec<u8>> = lines.iter().map(|line| line.to_vec()).collect();
    assert_eq!(framed, want, "{trace}: {direction:?} framing");
}

/// Counts of lines checked: (client commands, SASL lines, server responses).
fn run_trace(trace: &Trace) -> (usize, usize, usize) {
    let (mut commands, mut sasl, mut responses) = (0, 0, 0);
    let mut client_lines: Vec<&[u8]> = Vec::new();
    let mut server_lines: Vec<&[u8]> = Vec::new();
    for line in &trace.lines {
        match line {
            C(wire, tag, name, checks) => {
                let command = whole(wire, parse::command);
                assert_eq!(
                    command.tag.as_bytes(),
                    tag.as_bytes(),
                    "{}: {:?}",
                    trace.name,
                    show(wire)
                );
                assert_eq!(
                    command.body.name(),
                    *name,
                    "{}: {:?}",
                    trace.name,
                    show(wire)
                );
                for check in checks {
                    check_command(&command, check, wire);
                }
                command_round_trip(&command, wire);
                assert_wrong_direction(wire, parse::response);
                client_lines.push(wire);
                commands += 1;
            }
            Sasl(wire) => {
                let data = whole(wire, parse::authenticate_data);
                assert!(matches!(data, AuthenticateData::Response(_)), "{data:?}");
                for encoder in encoders() {
                    let encoded = encoder.authenticate_data(&data);
                    assert_eq!(whole(&encoded, parse::authenticate_data), data);
                }
                client_lines.push(wire);
                sasl += 1;
            }
            S(wire, checks) | G(wire, checks) => {
                let response = whole(wire, parse::response);
                if matches!(line, G(..)) {
                    assert_eq!(whole(wire, parse::greeting), response);
                }
                for check in checks {
                    check_response(&response, check, wire);
                }
                response_round_trip(&response, wire);
                assert_wrong_direction(wire, parse::command);
                server_lines.push(wire);
                responses += 1;
            }
        }
    }
    check_framing(
        Direction::ClientToServer,
        Limits::default(),
        &client_lines,
        trace.name,
    );
    check_framing(
        Direction::ServerToClient,
        Limits::client(),
        &server_lines,
        trace.name,
    );

    // The context-aware client parser reads the same client side message by message.
    let mut parser = ClientStreamParser::new(ParseOptions::default());
    for wire in &client_lines {
        let message = Bytes::copy_from_slice(wire);
        match parser.parse(&message) {
            Ok(Status::Complete {
                value: ClientMessage::Command(_) | ClientMessage::AuthenticateData(_),
                len,
            }) => assert_eq!(len, wire.len()),
            other => panic!("{}: {:?} -> {other:?}", trace.name, show(wire)),
        }
    }
    (commands, sasl, responses)
}

#[test]
fn imap_codec_traces() {
    let mut totals = (0, 0, 0);
    let traces = traces();
    for trace in &traces {
        let (c, a, s) = run_trace(trace);
        totals = (totals.0 + c, totals.1 + a, totals.2 + s);
    }
    println!(
        "{} traces: {} commands, {} SASL lines, {} responses",
        traces.len(),
        totals.0,
        totals.1,
        totals.2
    );
    assert_eq!(traces.len(), 37);
}

/// RFC 3501 section 6.5.1's `X<atom>` example and section 7.5's unknown command: a
/// command this crate does not know is refused (it has no raw command variant); untagged
/// data it does not know is kept raw, as the crate documents.
#[test]
fn unknown_command_and_data() {
    for wire in [
        &b"A442 XPIG-LATIN\r\n"[..],
        b"A044 BLURDYBLOOP {102856}\r\n",
    ] {
        let result = parse::command(&Bytes::copy_from_slice(wire), &ParseOptions::default());
        assert!(result.is_err(), "{:?} -> {result:?}", show(wire));
    }
    let wire = b"* XPIG-LATIN ow-nay eaking-spay ig-pay atin-lay\r\n";
    let response = whole(wire, parse::response);
    check_response(&response, &Other("XPIG-LATIN"), wire);
    response_round_trip(&response, wire);
}
