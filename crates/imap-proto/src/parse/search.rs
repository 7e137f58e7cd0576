//! SEARCH keys (nested with a depth bound), RETURN options, SORT criteria.

use super::common::{date, gmail_label, sequence_set};
use super::fetch::bare_objectid;
use super::reader::{PResult, Reader};
use crate::error::{ParseError, ParseErrorKind};
use crate::types::{PartialRange, SearchKey, SearchReturn, SortCriterion, SortKey};

/// `search-key *(SP search-key)` until CRLF or `)`.
pub(crate) fn search_keys(r: &mut Reader<'_>) -> PResult<Vec<SearchKey>> {
    let mut out = vec![search_key(r)?];
    while r.peek() == Some(b' ') && !r.at_crlf() {
        r.pos += 1;
        r.count_item()?;
        out.push(search_key(r)?);
    }
    Ok(out)
}

pub(crate) fn search_key(r: &mut Reader<'_>) -> PResult<SearchKey> {
    r.enter()?;
    let key = search_key_inner(r);
    r.leave();
    key
}

fn search_key_inner(r: &mut Reader<'_>) -> PResult<SearchKey> {
    match r.peek() {
        Some(b'(') => return r.paren_list(false, search_key).map(SearchKey::And),
        Some(b'0'..=b'9' | b'*' | b'$') => return sequence_set(r).map(SearchKey::SequenceSet),
        _ => {}
    }
    let start = r.pos;
    let name = r.name()?;
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    macro_rules! arg {
        ($parse:expr) => {{
            r.sp()?;
            $parse
        }};
    }
    Ok(match name.len() {
        _ if is(b"ALL") => SearchKey::All,
        _ if is(b"ANSWERED") => SearchKey::Answered,
        _ if is(b"DELETED") => SearchKey::Deleted,
        _ if is(b"DRAFT") => SearchKey::Draft,
        _ if is(b"FLAGGED") => SearchKey::Flagged,
        _ if is(b"NEW") => SearchKey::New,
        _ if is(b"OLD") => SearchKey::Old,
        _ if is(b"RECENT") => SearchKey::Recent,
        _ if is(b"SEEN") => SearchKey::Seen,
        _ if is(b"UNANSWERED") => SearchKey::Unanswered,
        _ if is(b"UNDELETED") => SearchKey::Undeleted,
        _ if is(b"UNDRAFT") => SearchKey::Undraft,
        _ if is(b"UNFLAGGED") => SearchKey::Unflagged,
        _ if is(b"UNSEEN") => SearchKey::Unseen,
        _ if is(b"SAVEDATESUPPORTED") => SearchKey::SaveDateSupported,
        _ if is(b"BCC") => arg!(SearchKey::Bcc(r.astring()?)),
        _ if is(b"BODY") => arg!(SearchKey::Body(r.astring()?)),
        _ if is(b"CC") => arg!(SearchKey::Cc(r.astring()?)),
        _ if is(b"FROM") => arg!(SearchKey::From(r.astring()?)),
        _ if is(b"SUBJECT") => arg!(SearchKey::Subject(r.astring()?)),
        _ if is(b"TEXT") => arg!(SearchKey::Text(r.astring()?)),
        _ if is(b"TO") => arg!(SearchKey::To(r.astring()?)),
        _ if is(b"BEFORE") => arg!(SearchKey::Before(date(r)?)),
        _ if is(b"ON") => arg!(SearchKey::On(date(r)?)),
        _ if is(b"SINCE") => arg!(SearchKey::Since(date(r)?)),
        _ if is(b"SENTBEFORE") => arg!(SearchKey::SentBefore(date(r)?)),
        _ if is(b"SENTON") => arg!(SearchKey::SentOn(date(r)?)),
        _ if is(b"SENTSINCE") => arg!(SearchKey::SentSince(date(r)?)),
        _ if is(b"SAVEDBEFORE") => arg!(SearchKey::SavedBefore(date(r)?)),
        _ if is(b"SAVEDON") => arg!(SearchKey::SavedOn(date(r)?)),
        _ if is(b"SAVEDSINCE") => arg!(SearchKey::SavedSince(date(r)?)),
        _ if is(b"KEYWORD") => arg!(SearchKey::Keyword(r.atom()?)),
        _ if is(b"UNKEYWORD") => arg!(SearchKey::Unkeyword(r.atom()?)),
        _ if is(b"LARGER") => arg!(SearchKey::Larger(r.number64()?)),
        _ if is(b"SMALLER") => arg!(SearchKey::Smaller(r.number64()?)),
        _ if is(b"OLDER") => arg!(SearchKey::Older(r.nz_number()?.get())),
        _ if is(b"YOUNGER") => arg!(SearchKey::Younger(r.nz_number()?.get())),
        _ if is(b"UID") => arg!(SearchKey::Uid(sequence_set(r)?)),
        _ if is(b"EMAILID") => arg!(SearchKey::EmailId(bare_objectid(r)?)),
        _ if is(b"X-GM-RAW") => arg!(SearchKey::XGmRaw(r.astring()?)),
        _ if is(b"X-GM-MSGID") => arg!(SearchKey::XGmMsgId(r.number64()?)),
        _ if is(b"X-GM-THRID") => arg!(SearchKey::XGmThrId(r.number64()?)),
        _ if is(b"X-GM-LABELS") => arg!(SearchKey::XGmLabels(gmail_label(r)?)),
        _ if is(b"THREADID") => arg!(SearchKey::ThreadId(bare_objectid(r)?)),
        _ if is(b"NOT") => arg!(SearchKey::Not(Box::new(search_key(r)?))),
        _ if is(b"OR") => {
            r.sp()?;
            let left = search_key(r)?;
            r.sp()?;
            SearchKey::Or(Box::new(left), Box::new(search_key(r)?))
        }
        _ if is(b"HEADER") => {
            r.sp()?;
            let field = r.astring()?;
            r.sp()?;
            SearchKey::Header(field, r.astring()?)
        }
        _ if is(b"MODSEQ") => {
            r.sp()?;
            let entry = if r.peek().is_some_and(|b| b.is_ascii_digit()) {
                None
            } else {
                let name = r.astring()?;
                r.sp()?;
                let kind = r.atom()?;
                r.sp()?;
                Some((name, kind))
            };
            SearchKey::ModSeq {
                entry,
                modseq: r.number64()?,
            }
        }
        _ => {
            return Err(ParseError::new(
                ParseErrorKind::Expected("search key"),
                start,
            ));
        }
    })
}

/// `RETURN (options)` content.
pub(crate) fn search_return(r: &mut Reader<'_>) -> PResult<SearchReturn> {
    let atom = r.atom()?;
    let is = |n: &str| atom.eq_ignore_case(n);
    Ok(if is("MIN") {
        SearchReturn::Min
    } else if is("MAX") {
        SearchReturn::Max
    } else if is("ALL") {
        SearchReturn::All
    } else if is("COUNT") {
        SearchReturn::Count
    } else if is("SAVE") {
        SearchReturn::Save
    } else if is("PARTIAL") {
        r.sp()?;
        SearchReturn::Partial(partial_range(r)?)
    } else {
        SearchReturn::Other(atom)
    })
}

/// `partial-range` (RFC 9394 section 4): `nz-number ":" nz-number` or
/// `"-" nz-number ":" "-" nz-number`; mixed signs and `*` are not ranges.
pub(crate) fn partial_range(r: &mut Reader<'_>) -> PResult<PartialRange> {
    let last = r.eat(b'-');
    let start = r.nz_number()?;
    r.byte(b':', ":")?;
    if last {
        r.byte(b'-', "-")?;
    }
    let end = r.nz_number()?;
    Ok(if last {
        PartialRange::Last(start, end)
    } else {
        PartialRange::First(start, end)
    })
}

const SORT_KEYS: [(&[u8], SortKey); 9] = [
    (b"ARRIVAL", SortKey::Arrival),
    (b"CC", SortKey::Cc),
    (b"DATE", SortKey::Date),
    (b"FROM", SortKey::From),
    (b"SIZE", SortKey::Size),
    (b"SUBJECT", SortKey::Subject),
    (b"TO", SortKey::To),
    (b"DISPLAYFROM", SortKey::DisplayFrom),
    (b"DISPLAYTO", SortKey::DisplayTo),
];

pub(crate) fn sort_key_name(key: SortKey) -> &'static [u8] {
    SORT_KEYS
        .iter()
        .find(|(_, k)| *k == key)
        .map_or(&b"ARRIVAL"[..], |(name, _)| name)
}

pub(crate) fn sort_criterion(r: &mut Reader<'_>) -> PResult<SortCriterion> {
    let reverse = r.keyword(b"REVERSE");
    if reverse {
        r.sp()?;
    }
    let start = r.pos;
    let name = r.name()?;
    let key = SORT_KEYS
        .iter()
        .find(|(n, _)| name.eq_ignore_ascii_case(n))
        .map(|(_, key)| *key)
        .ok_or(ParseError::new(ParseErrorKind::Expected("sort key"), start))?;
    Ok(SortCriterion { reverse, key })
}
