//! Grammar pieces shared by commands and responses: sequence sets, flags, dates,
//! mailboxes, capabilities, status items.

use bytes::Bytes;

use super::reader::{PResult, Reader};
use crate::error::{ParseError, ParseErrorKind};
use crate::types::{
    Capability, Date, DateTime, Flag, GmailLabel, MONTHS, Mailbox, MailboxAttribute, STATUS_NAMES,
    SeqItem, SeqNumber, SequenceSet, StatusAttribute,
};

pub(crate) fn seq_number(r: &mut Reader<'_>) -> PResult<SeqNumber> {
    if r.eat(b'*') {
        return Ok(SeqNumber::Largest);
    }
    r.nz_number().map(SeqNumber::Value)
}

pub(crate) fn sequence_set(r: &mut Reader<'_>) -> PResult<SequenceSet> {
    if r.eat(b'$') {
        return Ok(SequenceSet::Saved);
    }
    let mut items = Vec::new();
    loop {
        r.count_item()?;
        let first = seq_number(r)?;
        if r.eat(b':') {
            items.push(SeqItem::Range(first, seq_number(r)?));
        } else {
            items.push(SeqItem::Single(first));
        }
        if !r.eat(b',') {
            return Ok(SequenceSet::Items(items));
        }
    }
}

/// A flag: `\Name`, `\*` (when `allow_wildcard`) or a keyword.
pub(crate) fn flag(r: &mut Reader<'_>, allow_wildcard: bool) -> PResult<Flag> {
    if r.eat(b'\\') {
        if allow_wildcard && r.eat(b'*') {
            return Ok(Flag::Wildcard);
        }
        return Ok(Flag::from_atom(true, r.atom()?));
    }
    Ok(Flag::from_atom(false, r.atom()?))
}

/// One Gmail label: `\System` or an astring (X-GM-EXT-1).
pub(crate) fn gmail_label(r: &mut Reader<'_>) -> PResult<GmailLabel> {
    if r.eat(b'\\') {
        return Ok(GmailLabel::System(r.atom()?));
    }
    Ok(GmailLabel::User(r.astring()?))
}

/// `( [label *(SP label)] )` of X-GM-LABELS.
pub(crate) fn gmail_labels(r: &mut Reader<'_>) -> PResult<Vec<GmailLabel>> {
    r.paren_list(true, gmail_label)
}

pub(crate) fn flag_list(r: &mut Reader<'_>, allow_wildcard: bool) -> PResult<Vec<Flag>> {
    r.paren_list(true, |r| flag(r, allow_wildcard))
}

pub(crate) fn mailbox_attribute(r: &mut Reader<'_>) -> PResult<MailboxAttribute> {
    r.byte(b'\\', "\\attribute")?;
    Ok(MailboxAttribute::from_atom(r.atom()?))
}

pub(crate) fn mailbox(r: &mut Reader<'_>) -> PResult<Mailbox> {
    let start = r.pos;
    let bytes = r.astring()?.into_chunk();
    if bytes.iter().any(|&b| b == b'\r' || b == b'\n') {
        return Err(ParseError::new(
            ParseErrorKind::Expected("mailbox name"),
            start,
        ));
    }
    Ok(Mailbox::from_wire_unchecked(bytes))
}

/// `list-mailbox`: like astring but `%` and `*` are allowed unquoted.
pub(crate) fn list_mailbox(r: &mut Reader<'_>) -> PResult<crate::types::AString> {
    match r.peek() {
        Some(b'"' | b'{') => r.astring(),
        _ => {
            let start = r.pos;
            while let Some(b) = r.peek() {
                if crate::types::is_astring_char(b) || b == b'%' || b == b'*' {
                    r.pos += 1;
                } else {
                    break;
                }
            }
            if r.pos == start {
                return Err(r.expected("list-mailbox"));
            }
            if r.is_end() {
                return Err(r.error(ParseErrorKind::Incomplete));
            }
            Ok(crate::types::AString::unchecked(r.slice(start, r.pos)))
        }
    }
}

pub(crate) fn capability(r: &mut Reader<'_>) -> PResult<Capability> {
    Ok(Capability::from_atom(r.atom()?))
}

/// `capability *(SP capability)` until CRLF or `]`.
pub(crate) fn capabilities(r: &mut Reader<'_>) -> PResult<Vec<Capability>> {
    let mut out = vec![capability(r)?];
    while r.peek() == Some(b' ') && !r.at_crlf() {
        r.pos += 1;
        r.count_item()?;
        out.push(capability(r)?);
    }
    Ok(out)
}

fn digits(r: &mut Reader<'_>, count: usize) -> PResult<u32> {
    let mut value = 0;
    for _ in 0..count {
        match r.peek() {
            Some(b) if b.is_ascii_digit() => {
                value = value * 10 + u32::from(b - b'0');
                r.pos += 1;
            }
            None => return Err(r.error(ParseErrorKind::Incomplete)),
            _ => return Err(r.error(ParseErrorKind::DateTime)),
        }
    }
    Ok(value)
}

fn month(r: &mut Reader<'_>) -> PResult<u8> {
    let rest = r.rest();
    if rest.len() < 3 {
        return Err(r.error(ParseErrorKind::Incomplete));
    }
    let index = MONTHS
        .iter()
        .position(|m| rest[..3].eq_ignore_ascii_case(&m[..]))
        .ok_or_else(|| r.error(ParseErrorKind::DateTime))?;
    r.pos += 3;
    Ok(index as u8 + 1)
}

/// `date-day "-" date-month "-" date-year`, optionally quoted.
pub(crate) fn date(r: &mut Reader<'_>) -> PResult<Date> {
    let quoted = r.eat(b'"');
    let start = r.pos;
    let day = if r.peek_at(1) == Some(b'-') {
        digits(r, 1)?
    } else {
        digits(r, 2)?
    };
    r.byte(b'-', "-")?;
    let month = month(r)?;
    r.byte(b'-', "-")?;
    let year = digits(r, 4)?;
    if quoted {
        r.byte(b'"', "\"")?;
    }
    Date::new(year as u16, month, day as u8)
        .map_err(|_| ParseError::new(ParseErrorKind::DateTime, start))
}

/// `"dd-Mon-yyyy hh:mm:ss +zzzz"` (day may be space-padded).
pub(crate) fn date_time(r: &mut Reader<'_>) -> PResult<DateTime> {
    r.byte(b'"', "date-time")?;
    let start = r.pos;
    // `date-day-fixed` is SP DIGIT or 2DIGIT; a bare single digit is common in
    // client APPENDs and unambiguous, so it is accepted too.
    let day = if r.eat(b' ') || r.peek_at(1) == Some(b'-') {
        digits(r, 1)?
    } else {
        digits(r, 2)?
    };
    r.byte(b'-', "-")?;
    let month = month(r)?;
    r.byte(b'-', "-")?;
    let year = digits(r, 4)?;
    r.sp()?;
    let hour = digits(r, 2)?;
    r.byte(b':', ":")?;
    let minute = digits(r, 2)?;
    r.byte(b':', ":")?;
    let second = digits(r, 2)?;
    r.sp()?;
    let sign: i16 = match r.peek() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        None => return Err(r.error(ParseErrorKind::Incomplete)),
        _ => return Err(r.error(ParseErrorKind::DateTime)),
    };
    r.pos += 1;
    let zone = digits(r, 4)?;
    r.byte(b'"', "\"")?;
    let bad = |_| ParseError::new(ParseErrorKind::DateTime, start);
    let minutes = (zone / 100 * 60 + zone % 100) as i16;
    if zone % 100 >= 60 {
        return Err(ParseError::new(ParseErrorKind::DateTime, start));
    }
    let date = Date::new(year as u16, month, day as u8).map_err(bad)?;
    DateTime::new(date, hour as u8, minute as u8, second as u8, sign * minutes).map_err(bad)
}

pub(crate) fn status_attribute(r: &mut Reader<'_>) -> PResult<StatusAttribute> {
    let start = r.pos;
    let name = r.name()?;
    STATUS_NAMES
        .iter()
        .find(|(n, _)| name.eq_ignore_ascii_case(n))
        .map(|(_, attribute)| *attribute)
        .ok_or(ParseError::new(
            ParseErrorKind::Expected("status attribute"),
            start,
        ))
}

/// `"(" objectid ")"` (OBJECTID): 1*255 of ALPHA / DIGIT / "_" / "-".
pub(crate) fn objectid_paren(r: &mut Reader<'_>) -> PResult<Bytes> {
    r.byte(b'(', "(")?;
    let id = objectid(r)?;
    r.byte(b')', ")")?;
    Ok(id)
}

pub(crate) fn objectid(r: &mut Reader<'_>) -> PResult<Bytes> {
    let start = r.pos;
    while let Some(b) = r.peek() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            r.pos += 1;
        } else {
            break;
        }
    }
    if r.pos == start || r.pos - start > 255 {
        return Err(ParseError::new(ParseErrorKind::Expected("objectid"), start));
    }
    Ok(r.slice(start, r.pos))
}

/// `"(" entry-name SP value ... ")"`-style or simple lists of astrings.
pub(crate) fn astring_list(r: &mut Reader<'_>) -> PResult<Vec<crate::types::AString>> {
    r.paren_list(false, Reader::astring)
}
