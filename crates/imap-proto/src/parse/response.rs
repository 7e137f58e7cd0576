//! Responses: status responses with codes, untagged data, continuation requests.

use super::command::{id_params, tag};
use super::common::{
    capabilities, flag_list, mailbox, mailbox_attribute, objectid_paren, sequence_set,
    status_attribute,
};
use super::fetch::fetch_item;
use super::reader::{PResult, Reader};
use super::search::partial_range;
use crate::error::{ParseError, ParseErrorKind};
use crate::types::{
    Continuation, Data, ESearchItem, ListExtendedItem, ListItem, MetadataEntry,
    NamespaceDescription, PLAIN_CODES, QuotaResource, Response, ResponseCode, StatusAttribute,
    StatusItem, StatusKind, StatusResponse, Text, Thread,
};

pub(crate) fn response(r: &mut Reader<'_>) -> PResult<Response> {
    match r.peek() {
        Some(b'+') => {
            r.pos += 1;
            continuation(r).map(Response::Continuation)
        }
        Some(b'*') => {
            r.pos += 1;
            r.sp()?;
            if r.options.lenience.trailing_space {
                while r.eat(b' ') {}
            }
            untagged(r)
        }
        _ => {
            let tag = tag(r)?;
            r.sp()?;
            let start = r.pos;
            let kind = status_kind(r)?;
            if matches!(kind, StatusKind::PreAuth | StatusKind::Bye) {
                return Err(ParseError::new(
                    ParseErrorKind::Expected("OK, NO or BAD"),
                    start,
                ));
            }
            let (code, text) = resp_text(r)?;
            r.crlf()?;
            Ok(Response::Status(StatusResponse {
                tag: Some(tag),
                kind,
                code,
                text,
            }))
        }
    }
}

fn status_kind(r: &mut Reader<'_>) -> PResult<StatusKind> {
    Ok(if r.keyword(b"OK") {
        StatusKind::Ok
    } else if r.keyword(b"NO") {
        StatusKind::No
    } else if r.keyword(b"BAD") {
        StatusKind::Bad
    } else if r.keyword(b"PREAUTH") {
        StatusKind::PreAuth
    } else if r.keyword(b"BYE") {
        StatusKind::Bye
    } else {
        return Err(r.expected("status"));
    })
}

fn continuation(r: &mut Reader<'_>) -> PResult<Continuation> {
    if r.at_crlf() && r.options.lenience.missing_text {
        r.crlf()?;
        return Ok(Continuation {
            code: None,
            text: Text::default(),
        });
    }
    r.sp()?;
    let (code, text) = resp_text_after_sp(r)?;
    r.crlf()?;
    Ok(Continuation { code, text })
}

/// `SP resp-text` after a status keyword.
fn resp_text(r: &mut Reader<'_>) -> PResult<(Option<ResponseCode>, Text)> {
    if r.at_crlf() && r.options.lenience.missing_text {
        return Ok((None, Text::default()));
    }
    r.sp()?;
    resp_text_after_sp(r)
}

fn resp_text_after_sp(r: &mut Reader<'_>) -> PResult<(Option<ResponseCode>, Text)> {
    let mut code = None;
    if r.peek() == Some(b'[') {
        let start = r.pos;
        match code_and_separator(r) {
            Ok((parsed, true)) => return Ok((Some(parsed), Text::default())),
            Ok((parsed, false)) => code = Some(parsed),
            Err(error) if error.kind == ParseErrorKind::Incomplete => return Err(error),
            // `[` is also a TEXT-CHAR: a bracket that does not open a well-formed code
            // followed by SP starts plain text.
            Err(_) => r.pos = start,
        }
    }
    let (start, end) = r.until_crlf()?;
    let text = r.slice(start, end);
    if text.contains(&0) {
        return Err(ParseError::new(ParseErrorKind::Expected("text"), start));
    }
    Ok((code, Text::unchecked(text)))
}

/// `"[" resp-text-code "]" SP`; `true` when the line ends right after the `]`
/// (accepted under the `missing_text` lenience only).
fn code_and_separator(r: &mut Reader<'_>) -> PResult<(ResponseCode, bool)> {
    r.byte(b'[', "[")?;
    let code = response_code(r)?;
    r.byte(b']', "]")?;
    if r.at_crlf() {
        if r.options.lenience.missing_text {
            return Ok((code, true));
        }
        return Err(r.expected("SP"));
    }
    r.sp()?;
    Ok((code, false))
}

fn response_code(r: &mut Reader<'_>) -> PResult<ResponseCode> {
    let start = r.pos;
    match known_code(r) {
        Ok(code) if r.peek() == Some(b']') => Ok(code),
        _ => {
            r.pos = start;
            other_code(r)
        }
    }
}

fn other_code(r: &mut Reader<'_>) -> PResult<ResponseCode> {
    let name = r.atom()?;
    let mut data = None;
    if r.eat(b' ') {
        let start = r.pos;
        while let Some(b) = r.peek() {
            if b == b']' || b == b'\r' || b == b'\n' {
                break;
            }
            r.pos += 1;
        }
        data = Some(r.slice(start, r.pos));
    }
    Ok(ResponseCode::Other { name, data })
}

/// `charset = atom / quoted`
fn charset(r: &mut Reader<'_>) -> PResult<crate::types::Quoted> {
    let bytes = if r.peek() == Some(b'"') {
        r.quoted()?
    } else {
        r.atom()?.to_bytes()
    };
    Ok(crate::types::Quoted::unchecked(bytes))
}

fn known_code(r: &mut Reader<'_>) -> PResult<ResponseCode> {
    let name = r.atom()?;
    let is = |n: &str| name.eq_ignore_case(n);
    for (wire, code) in &PLAIN_CODES {
        if name.as_bytes().eq_ignore_ascii_case(wire) {
            if matches!(code, ResponseCode::BadCharset(_)) && r.eat(b' ') {
                return r.paren_list(false, charset).map(ResponseCode::BadCharset);
            }
            return Ok(code.clone());
        }
    }
    if is("METADATA") {
        r.sp()?;
        return Ok(if r.keyword(b"LONGENTRIES") {
            r.sp()?;
            ResponseCode::MetadataLongEntries(r.number64()?)
        } else if r.keyword(b"MAXSIZE") {
            r.sp()?;
            ResponseCode::MetadataMaxSize(r.number64()?)
        } else if r.keyword(b"TOOMANY") {
            ResponseCode::MetadataTooMany
        } else if r.keyword(b"NOPRIVATE") {
            ResponseCode::MetadataNoPrivate
        } else {
            return Err(r.expected("metadata code"));
        });
    }
    r.sp()?;
    Ok(if is("CAPABILITY") {
        ResponseCode::Capability(capabilities(r)?)
    } else if is("PERMANENTFLAGS") {
        ResponseCode::PermanentFlags(flag_list(r, true)?)
    } else if is("UIDNEXT") {
        ResponseCode::UidNext(r.nz_number()?.get())
    } else if is("UIDVALIDITY") {
        ResponseCode::UidValidity(r.nz_number()?.get())
    } else if is("UNSEEN") {
        ResponseCode::Unseen(r.nz_number()?.get())
    } else if is("APPENDUID") {
        let uid_validity = r.nz_number()?.get();
        r.sp()?;
        ResponseCode::AppendUid {
            uid_validity,
            uids: sequence_set(r)?,
        }
    } else if is("COPYUID") {
        let uid_validity = r.nz_number()?.get();
        r.sp()?;
        let source = sequence_set(r)?;
        r.sp()?;
        ResponseCode::CopyUid {
            uid_validity,
            source,
            destination: sequence_set(r)?,
        }
    } else if is("HIGHESTMODSEQ") {
        ResponseCode::HighestModSeq(r.number64()?)
    } else if is("MODIFIED") {
        ResponseCode::Modified(sequence_set(r)?)
    } else if is("MAILBOXID") {
        ResponseCode::MailboxId(objectid_paren(r)?)
    } else if is("REFERRAL") {
        let start = r.pos;
        while r
            .peek()
            .is_some_and(|b| b != b']' && b != b'\r' && b != b'\n')
        {
            r.pos += 1;
        }
        ResponseCode::Referral(r.slice(start, r.pos))
    } else {
        return Err(r.expected("response code"));
    })
}

fn untagged(r: &mut Reader<'_>) -> PResult<Response> {
    if r.peek().is_some_and(|b| b.is_ascii_digit()) {
        let number_start = r.pos;
        let number = r.number()?;
        r.sp()?;
        let name = r.name()?;
        let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
        let data = if is(b"EXISTS") {
            Data::Exists(number)
        } else if is(b"RECENT") {
            Data::Recent(number)
        } else if is(b"EXPUNGE") {
            Data::Expunge(number)
        } else if is(b"FETCH") {
            r.sp()?;
            let items = r.paren_list_sized(8, false, fetch_item)?;
            Data::Fetch { seq: number, items }
        } else {
            return other_data(r, number_start);
        };
        r.crlf()?;
        return Ok(Response::Data(data));
    }
    let start = r.pos;
    if let Ok(kind) = status_kind(r) {
        let (code, text) = resp_text(r)?;
        r.crlf()?;
        return Ok(Response::Status(StatusResponse {
            tag: None,
            kind,
            code,
            text,
        }));
    }
    let name = r.name()?;
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    let data = if is(b"CAPABILITY") {
        r.sp()?;
        Data::Capability(capabilities(r)?)
    } else if is(b"ENABLED") {
        let mut caps = Vec::new();
        if r.peek() == Some(b' ') && !r.at_crlf() {
            r.pos += 1;
            caps = capabilities(r)?;
        }
        Data::Enabled(caps)
    } else if is(b"LIST") {
        r.sp()?;
        Data::List(list_item(r)?)
    } else if is(b"LSUB") {
        r.sp()?;
        Data::Lsub(list_item(r)?)
    } else if is(b"FLAGS") {
        r.sp()?;
        Data::Flags(flag_list(r, false)?)
    } else if is(b"SEARCH") || is(b"SORT") {
        let (ids, modseq) = id_list(r)?;
        if is(b"SEARCH") {
            Data::Search { ids, modseq }
        } else {
            Data::Sort { ids, modseq }
        }
    } else if is(b"ESEARCH") {
        esearch(r)?
    } else if is(b"STATUS") {
        r.sp()?;
        let mailbox = mailbox(r)?;
        r.sp()?;
        Data::Status {
            mailbox,
            items: r.paren_list(true, status_item)?,
        }
    } else if is(b"THREAD") {
        let mut threads = Vec::new();
        if r.eat(b' ') {
            while r.peek() == Some(b'(') {
                threads.push(thread(r)?);
            }
        }
        Data::Thread(threads)
    } else if is(b"VANISHED") {
        r.sp()?;
        let earlier = if r.peek() == Some(b'(') {
            r.pos += 1;
            r.expect_keyword(b"EARLIER", "EARLIER")?;
            r.byte(b')', ")")?;
            r.sp()?;
            true
        } else {
            false
        };
        Data::Vanished {
            earlier,
            uids: sequence_set(r)?,
        }
    } else if is(b"NAMESPACE") {
        r.sp()?;
        let personal = namespace(r)?;
        r.sp()?;
        let other = namespace(r)?;
        r.sp()?;
        let shared = namespace(r)?;
        Data::Namespace {
            personal,
            other,
            shared,
        }
    } else if is(b"QUOTA") {
        r.sp()?;
        let root = r.astring()?;
        r.sp()?;
        Data::Quota {
            root,
            resources: r.paren_list(true, quota_resource)?,
        }
    } else if is(b"QUOTAROOT") {
        r.sp()?;
        let mailbox = mailbox(r)?;
        let mut roots = Vec::new();
        while r.peek() == Some(b' ') && !r.at_crlf() {
            r.pos += 1;
            roots.push(r.astring()?);
        }
        Data::QuotaRoot { mailbox, roots }
    } else if is(b"METADATA") {
        r.sp()?;
        let mailbox = mailbox(r)?;
        r.sp()?;
        if r.peek() == Some(b'(') {
            let entries = r.paren_list(false, |r| {
                let name = r.astring()?;
                r.sp()?;
                let value = r.nstring_bytes(true)?.map(crate::types::IString::unchecked);
                Ok(MetadataEntry { name, value })
            })?;
            Data::Metadata { mailbox, entries }
        } else {
            Data::MetadataKeys {
                mailbox,
                entries: r.sp_list(Reader::astring)?,
            }
        }
    } else if is(b"ID") {
        r.sp()?;
        Data::Id(id_params(r)?)
    } else {
        return other_data(r, start);
    };
    r.crlf()?;
    Ok(Response::Data(data))
}

/// Unknown untagged data: the name, then raw values to CRLF.
fn other_data(r: &mut Reader<'_>, start: usize) -> PResult<Response> {
    r.pos = start;
    let name_start = r.pos;
    // `n NAME` or `NAME`
    if r.peek().is_some_and(|b| b.is_ascii_digit()) {
        r.number()?;
        r.sp()?;
    }
    r.atom()?;
    let name = r.slice(name_start, r.pos);
    let value_start = r.pos + 1;
    while r.peek() == Some(b' ') && !r.at_crlf() {
        r.pos += 1;
        r.skip_value()?;
    }
    let value = if r.pos > name_start + name.len() {
        r.slice(value_start, r.pos)
    } else {
        bytes::Bytes::new()
    };
    r.crlf()?;
    Ok(Response::Data(Data::Other { name, value }))
}

fn list_item(r: &mut Reader<'_>) -> PResult<ListItem> {
    let attributes = r.paren_list(true, mailbox_attribute)?;
    r.sp()?;
    let delimiter = if r.nil() {
        None
    } else {
        let start = r.pos;
        let quoted = r.quoted()?;
        if quoted.len() != 1 {
            return Err(ParseError::new(
                ParseErrorKind::Expected("delimiter"),
                start,
            ));
        }
        Some(quoted[0])
    };
    r.sp()?;
    let name = mailbox(r)?;
    let mut extended = Vec::new();
    if r.peek() == Some(b' ') && !r.at_crlf() {
        r.pos += 1;
        extended = r.paren_list(true, |r| {
            let tag = r.astring()?;
            r.sp()?;
            if tag.as_bytes().eq_ignore_ascii_case(b"CHILDINFO") {
                return r
                    .paren_list(false, Reader::string)
                    .map(ListExtendedItem::ChildInfo);
            }
            if tag.as_bytes().eq_ignore_ascii_case(b"OLDNAME") {
                r.byte(b'(', "(")?;
                let old = mailbox(r)?;
                r.byte(b')', ")")?;
                return Ok(ListExtendedItem::OldName(old));
            }
            Ok(ListExtendedItem::Other {
                tag,
                value: r.skip_value()?,
            })
        })?;
    }
    Ok(ListItem {
        attributes,
        delimiter,
        mailbox: name,
        extended,
    })
}

fn id_list(r: &mut Reader<'_>) -> PResult<(Vec<u32>, Option<u64>)> {
    let mut ids = Vec::new();
    let mut modseq = None;
    while r.peek() == Some(b' ') && !r.at_crlf() {
        r.pos += 1;
        if r.peek() == Some(b'(') {
            r.pos += 1;
            r.expect_keyword(b"MODSEQ", "MODSEQ")?;
            r.sp()?;
            modseq = Some(r.number64()?);
            r.byte(b')', ")")?;
            break;
        }
        r.count_item()?;
        ids.push(r.nz_number()?.get());
    }
    Ok((ids, modseq))
}

fn esearch(r: &mut Reader<'_>) -> PResult<Data> {
    let mut tag = None;
    let mut uid = false;
    if r.peek() == Some(b' ') && r.peek_at(1) == Some(b'(') {
        r.pos += 2;
        r.expect_keyword(b"TAG", "TAG")?;
        r.sp()?;
        tag = Some(r.astring()?);
        r.byte(b')', ")")?;
    }
    if r.peek() == Some(b' ') && {
        let save = r.pos;
        r.pos += 1;
        let is_uid = r.keyword(b"UID");
        if !is_uid {
            r.pos = save;
        }
        is_uid
    } {
        uid = true;
    }
    let mut items = Vec::new();
    while r.peek() == Some(b' ') && !r.at_crlf() {
        r.pos += 1;
        r.count_item()?;
        let name = r.atom()?;
        r.sp()?;
        let is = |n: &str| name.eq_ignore_case(n);
        items.push(if is("MIN") {
            ESearchItem::Min(r.nz_number()?.get())
        } else if is("MAX") {
            ESearchItem::Max(r.nz_number()?.get())
        } else if is("COUNT") {
            ESearchItem::Count(r.number()?)
        } else if is("ALL") {
            ESearchItem::All(sequence_set(r)?)
        } else if is("MODSEQ") {
            ESearchItem::ModSeq(r.number64()?)
        } else if is("PARTIAL") {
            r.byte(b'(', "(")?;
            let range = partial_range(r)?;
            r.sp()?;
            let results = if r.nil() {
                None
            } else {
                Some(sequence_set(r)?)
            };
            r.byte(b')', ")")?;
            ESearchItem::Partial { range, results }
        } else {
            ESearchItem::Other {
                name,
                value: r.skip_value()?,
            }
        });
    }
    Ok(Data::ESearch { tag, uid, items })
}

fn status_item(r: &mut Reader<'_>) -> PResult<StatusItem> {
    let attribute = status_attribute(r)?;
    r.sp()?;
    Ok(match attribute {
        StatusAttribute::AppendLimit if r.nil() => StatusItem::AppendLimitNone,
        StatusAttribute::MailboxId => StatusItem::MailboxId(objectid_paren(r)?),
        other => StatusItem::Number(other, r.number64()?),
    })
}

/// `thread-list`, recursive with a depth bound.
fn thread(r: &mut Reader<'_>) -> PResult<Thread> {
    r.enter()?;
    let result = thread_inner(r);
    r.leave();
    result
}

fn thread_inner(r: &mut Reader<'_>) -> PResult<Thread> {
    r.byte(b'(', "(")?;
    let mut node = Thread::default();
    while r.peek().is_some_and(|b| b.is_ascii_digit()) {
        r.count_item()?;
        node.messages.push(r.nz_number()?.get());
        if r.peek() == Some(b' ') {
            r.pos += 1;
            if r.peek() == Some(b'(') {
                break;
            }
        }
    }
    while r.peek() == Some(b'(') {
        node.children.push(thread(r)?);
    }
    r.byte(b')', ")")?;
    if node.messages.is_empty() && node.children.is_empty() {
        return Err(r.expected("thread member"));
    }
    Ok(node)
}

/// `quota-resource = resource-name SP resource-usage SP resource-limit` (RFC 9208).
/// Archiveopteryx 3.2.0 writes two spaces between the numbers (`MESSAGE 42  1000`,
/// modern-email/defects #23, djc/imap-proto #169), accepted under
/// [`Lenience::quota_space`](super::Lenience::quota_space); each SP here is followed by
/// a number, so a run of spaces cannot swallow anything else.
fn quota_resource(r: &mut Reader<'_>) -> PResult<QuotaResource> {
    let runs = r.options.lenience.quota_space;
    let name = r.atom()?;
    r.sp_run(runs)?;
    let usage = r.number64()?;
    r.sp_run(runs)?;
    Ok(QuotaResource {
        name,
        usage,
        limit: r.number64()?,
    })
}

/// `Namespace = nil / "(" 1*Namespace-Descr ")"` (RFC 9051, from RFC 4466). The
/// descriptions follow each other without SP in the formal grammar, which we keep in
/// strict mode; the RFC 2342 section 5 examples separate them with one, accepted under
/// [`Lenience::namespace_space`](super::Lenience::namespace_space).
fn namespace(r: &mut Reader<'_>) -> PResult<Vec<NamespaceDescription>> {
    if r.nil() {
        return Ok(Vec::new());
    }
    r.byte(b'(', "(")?;
    let mut out = Vec::new();
    while r.peek() == Some(b'(') {
        r.pos += 1;
        let prefix = r.string()?;
        r.sp()?;
        let delimiter = if r.nil() {
            None
        } else {
            let start = r.pos;
            let quoted = r.quoted()?;
            if quoted.len() != 1 {
                return Err(ParseError::new(
                    ParseErrorKind::Expected("delimiter"),
                    start,
                ));
            }
            Some(quoted[0])
        };
        let mut extensions = Vec::new();
        while r.eat(b' ') {
            let name = r.string()?;
            r.sp()?;
            extensions.push((name, r.paren_list(false, Reader::string)?));
        }
        r.byte(b')', ")")?;
        out.push(NamespaceDescription {
            prefix,
            delimiter,
            extensions,
        });
        r.sp_between_lists(r.options.lenience.namespace_space);
    }
    r.byte(b')', ")")?;
    if out.is_empty() {
        return Err(r.expected("namespace"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use crate::parse::{self, ParseOptions};
    use crate::types::{
        AString, Atom, Data, IString, NamespaceDescription, QuotaResource, Response,
    };

    fn description(prefix: &'static str) -> NamespaceDescription {
        NamespaceDescription {
            prefix: IString::new(Bytes::from_static(prefix.as_bytes())).expect("istring"),
            delimiter: Some(b'/'),
            extensions: Vec::new(),
        }
    }

    /// SP between namespace descriptions, as in the RFC 2342 section 5 examples: not
    /// in RFC 9051's grammar, so accepted only when lenient.
    #[test]
    fn namespace_space_between_descriptions_is_lenient_only() {
        let wire = Bytes::from_static(
            b"* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\") (\"#public/\" \"/\"))\r\n",
        );
        let parsed = parse::whole_response(&wire, &ParseOptions::lenient());
        let expected = Response::Data(Data::Namespace {
            personal: vec![description("")],
            other: Vec::new(),
            shared: vec![description("#shared/"), description("#public/")],
        });
        assert_eq!(parsed, expected);
        assert!(parse::response(&wire, &ParseOptions::default()).is_err());
    }

    fn resource(name: &'static str, usage: u64, limit: u64) -> QuotaResource {
        QuotaResource {
            name: Atom::new(Bytes::from_static(name.as_bytes())).expect("atom"),
            usage,
            limit,
        }
    }

    /// modern-email/defects #23: Archiveopteryx's doubled SP between the numbers of a
    /// QUOTA resource, accepted only when lenient, and written back with one SP.
    #[test]
    fn quota_space_runs_are_lenient_only() {
        let parsed = parse::lenient_only_response(
            b"* QUOTA \"#user/alice\" (STORAGE 54 111 MESSAGE 42  1000)\r\n",
            b"* QUOTA #user/alice (STORAGE 54 111 MESSAGE 42 1000)\r\n",
        );
        let expected = Response::Data(Data::Quota {
            root: AString::new(Bytes::from_static(b"#user/alice")).expect("astring"),
            resources: vec![resource("STORAGE", 54, 111), resource("MESSAGE", 42, 1000)],
        });
        assert_eq!(parsed, expected);
    }

    /// The run may sit at either SP inside a resource, and be longer than two.
    #[test]
    fn quota_space_covers_both_separators_of_a_resource() {
        let wire = Bytes::from_static(b"* QUOTA \"\" (STORAGE   10    512)\r\n");
        match parse::whole_response(&wire, &ParseOptions::lenient()) {
            Response::Data(Data::Quota { resources, .. }) => {
                assert_eq!(resources, [resource("STORAGE", 10, 512)]);
            }
            other => panic!("{other:?}"),
        }
        assert!(parse::response(&wire, &ParseOptions::default()).is_err());
    }
}
