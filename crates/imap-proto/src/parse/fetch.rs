//! FETCH attributes (commands) and FETCH items (responses), with sections and partials.

use std::num::NonZeroU32;

use super::body::{body_structure, envelope};
use super::common::{date_time, flag_list, gmail_labels, objectid, objectid_paren};
use super::reader::{PResult, Reader};
use crate::error::{ParseError, ParseErrorKind};
use crate::types::{
    FetchAttribute, FetchAttributes, FetchHead, FetchItem, Partial, Section, SectionText,
    StreamedItem,
};

fn part_numbers(r: &mut Reader<'_>) -> PResult<Vec<NonZeroU32>> {
    let mut part = Vec::new();
    while r.peek().is_some_and(|b| b.is_ascii_digit()) {
        part.push(r.nz_number()?);
        match (r.peek(), r.peek_at(1)) {
            (Some(b'.'), None) => return Err(r.error(ParseErrorKind::Incomplete)),
            (Some(b'.'), Some(b'0'..=b'9')) => r.pos += 1,
            _ => break,
        }
    }
    Ok(part)
}

/// `"[" [section-spec] "]"`
pub(crate) fn section(r: &mut Reader<'_>) -> PResult<Section> {
    r.byte(b'[', "[")?;
    let part = part_numbers(r)?;
    if !part.is_empty() && !r.eat(b'.') {
        r.byte(b']', "]")?;
        return Ok(Section { part, text: None });
    }
    if part.is_empty() && r.eat(b']') {
        return Ok(Section::default());
    }
    let start = r.pos;
    let name = r.name()?;
    let text = if name.eq_ignore_ascii_case(b"HEADER") {
        SectionText::Header
    } else if name.eq_ignore_ascii_case(b"TEXT") {
        SectionText::Text
    } else if name.eq_ignore_ascii_case(b"MIME") && !part.is_empty() {
        SectionText::Mime
    } else if name.eq_ignore_ascii_case(b"HEADER.FIELDS") {
        r.sp()?;
        SectionText::HeaderFields(r.paren_list(false, Reader::astring)?)
    } else if name.eq_ignore_ascii_case(b"HEADER.FIELDS.NOT") {
        r.sp()?;
        SectionText::HeaderFieldsNot(r.paren_list(false, Reader::astring)?)
    } else {
        return Err(ParseError::new(
            ParseErrorKind::Expected("section text"),
            start,
        ));
    };
    r.byte(b']', "]")?;
    Ok(Section {
        part,
        text: Some(text),
    })
}

/// `"[" [section-part] "]"` of BINARY.
fn section_binary(r: &mut Reader<'_>) -> PResult<Vec<NonZeroU32>> {
    r.byte(b'[', "[")?;
    let part = part_numbers(r)?;
    r.byte(b']', "]")?;
    Ok(part)
}

/// `"<" number "." nz-number ">"`
fn partial(r: &mut Reader<'_>) -> PResult<Option<Partial>> {
    if !r.eat(b'<') {
        return Ok(None);
    }
    let origin = r.number()?;
    r.byte(b'.', ".")?;
    let length = r.nz_number()?;
    r.byte(b'>', ">")?;
    Ok(Some(Partial { origin, length }))
}

/// `[SP "(" preview-mod *(SP preview-mod) ")"]` after PREVIEW (RFC 8970); `LAZY`
/// is the only modifier defined, so the answer is whether it was given. A lone
/// `PREVIEW` may be followed by the command's own `(CHANGEDSINCE n)`, so the list is
/// the modifiers' only when it starts with one (the imap_roundtrip fuzz target found
/// `UID FETCH 1 PREVIEW (CHANGEDSINCE 5)` read the other way).
fn preview_modifiers(r: &mut Reader<'_>) -> PResult<bool> {
    if !(r.peek() == Some(b' ') && r.peek_at(1) == Some(b'(')) {
        return Ok(false);
    }
    let start = r.pos;
    r.pos += 2;
    let modifier = r.keyword(b"LAZY");
    r.pos = start;
    if !modifier {
        return Ok(false);
    }
    r.pos += 1;
    r.paren_list(false, |r| r.expect_keyword(b"LAZY", "LAZY"))?;
    Ok(true)
}

/// One `fetch-att`.
pub(crate) fn fetch_attribute(r: &mut Reader<'_>) -> PResult<FetchAttribute> {
    let start = r.pos;
    let name = r.name()?;
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    Ok(if is(b"ENVELOPE") {
        FetchAttribute::Envelope
    } else if is(b"FLAGS") {
        FetchAttribute::Flags
    } else if is(b"INTERNALDATE") {
        FetchAttribute::InternalDate
    } else if is(b"RFC822") {
        FetchAttribute::Rfc822
    } else if is(b"RFC822.HEADER") {
        FetchAttribute::Rfc822Header
    } else if is(b"RFC822.SIZE") {
        FetchAttribute::Rfc822Size
    } else if is(b"RFC822.TEXT") {
        FetchAttribute::Rfc822Text
    } else if is(b"BODYSTRUCTURE") {
        FetchAttribute::BodyStructure
    } else if is(b"UID") {
        FetchAttribute::Uid
    } else if is(b"MODSEQ") {
        FetchAttribute::ModSeq
    } else if is(b"EMAILID") {
        FetchAttribute::EmailId
    } else if is(b"THREADID") {
        FetchAttribute::ThreadId
    } else if is(b"SAVEDATE") {
        FetchAttribute::SaveDate
    } else if is(b"PREVIEW") {
        FetchAttribute::Preview {
            lazy: preview_modifiers(r)?,
        }
    } else if is(b"X-GM-MSGID") {
        FetchAttribute::XGmMsgId
    } else if is(b"X-GM-THRID") {
        FetchAttribute::XGmThrId
    } else if is(b"X-GM-LABELS") {
        FetchAttribute::XGmLabels
    } else if is(b"BODY") || is(b"BODY.PEEK") {
        let peek = is(b"BODY.PEEK");
        if !peek && r.peek() != Some(b'[') {
            FetchAttribute::Body
        } else {
            let section = section(r)?;
            FetchAttribute::BodySection {
                peek,
                section,
                partial: partial(r)?,
            }
        }
    } else if is(b"BINARY") || is(b"BINARY.PEEK") {
        let peek = is(b"BINARY.PEEK");
        let part = section_binary(r)?;
        FetchAttribute::Binary {
            peek,
            part,
            partial: partial(r)?,
        }
    } else if is(b"BINARY.SIZE") {
        FetchAttribute::BinarySize {
            part: section_binary(r)?,
        }
    } else {
        return Err(ParseError::new(
            ParseErrorKind::Expected("fetch attribute"),
            start,
        ));
    })
}

/// `"ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")"`
pub(crate) fn fetch_attributes(r: &mut Reader<'_>) -> PResult<FetchAttributes> {
    if r.peek() == Some(b'(') {
        return r
            .paren_list(false, fetch_attribute)
            .map(FetchAttributes::List);
    }
    if r.keyword(b"ALL") {
        return Ok(FetchAttributes::All);
    }
    if r.keyword(b"FAST") {
        return Ok(FetchAttributes::Fast);
    }
    if r.keyword(b"FULL") {
        return Ok(FetchAttributes::Full);
    }
    Ok(FetchAttributes::List(vec![fetch_attribute(r)?]))
}

/// `"<" number ">"` of a FETCH response.
fn origin(r: &mut Reader<'_>) -> PResult<Option<u32>> {
    if !r.eat(b'<') {
        return Ok(None);
    }
    let origin = r.number()?;
    r.byte(b'>', ">")?;
    Ok(Some(origin))
}

/// One `msg-att` item of a FETCH response.
pub(crate) fn fetch_item(r: &mut Reader<'_>) -> PResult<FetchItem> {
    let start = r.pos;
    let name = r.name()?;
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    if is(b"BODY") && r.peek() == Some(b'[') {
        let section = section(r)?;
        let origin = origin(r)?;
        r.sp()?;
        return Ok(FetchItem::BodySection {
            section,
            origin,
            data: r.nstring()?,
        });
    }
    if is(b"BINARY") {
        let part = section_binary(r)?;
        let origin = origin(r)?;
        r.sp()?;
        return Ok(FetchItem::Binary {
            part,
            origin,
            data: r.nstring_bytes(true)?,
        });
    }
    if is(b"BINARY.SIZE") {
        let part = section_binary(r)?;
        r.sp()?;
        return Ok(FetchItem::BinarySize {
            part,
            size: r.number64()?,
        });
    }
    if r.peek() == Some(b'[') {
        return other_item(r, start);
    }
    r.sp()?;
    Ok(if is(b"FLAGS") {
        FetchItem::Flags(flag_list(r, false)?)
    } else if is(b"UID") {
        FetchItem::Uid(r.nz_number()?.get())
    } else if is(b"RFC822.SIZE") {
        FetchItem::Rfc822Size(r.number64()?)
    } else if is(b"ENVELOPE") {
        FetchItem::Envelope(envelope(r)?)
    } else if is(b"BODYSTRUCTURE") {
        FetchItem::BodyStructure(body_structure(r)?)
    } else if is(b"BODY") {
        let mut body = body_structure(r)?;
        body.drop_extension();
        FetchItem::Body(body)
    } else if is(b"INTERNALDATE") {
        FetchItem::InternalDate(date_time(r)?)
    } else if is(b"RFC822") {
        FetchItem::Rfc822(r.nstring()?)
    } else if is(b"RFC822.HEADER") {
        FetchItem::Rfc822Header(r.nstring()?)
    } else if is(b"RFC822.TEXT") {
        FetchItem::Rfc822Text(r.nstring()?)
    } else if is(b"MODSEQ") {
        r.byte(b'(', "(")?;
        let modseq = r.number64()?;
        r.byte(b')', ")")?;
        FetchItem::ModSeq(modseq)
    } else if is(b"EMAILID") {
        FetchItem::EmailId(objectid_paren(r)?)
    } else if is(b"THREADID") {
        if r.nil() {
            FetchItem::ThreadId(None)
        } else {
            FetchItem::ThreadId(Some(objectid_paren(r)?))
        }
    } else if is(b"SAVEDATE") {
        if r.nil() {
            FetchItem::SaveDate(None)
        } else {
            FetchItem::SaveDate(Some(date_time(r)?))
        }
    } else if is(b"PREVIEW") {
        FetchItem::Preview(r.nstring()?)
    } else if is(b"X-GM-MSGID") {
        FetchItem::XGmMsgId(r.number64()?)
    } else if is(b"X-GM-THRID") {
        FetchItem::XGmThrId(r.number64()?)
    } else if is(b"X-GM-LABELS") {
        FetchItem::XGmLabels(gmail_labels(r)?)
    } else {
        r.pos = start;
        return other_item(r, start);
    })
}

/// An unknown item: name (with any `[...]` and `<...>`), SP, one raw value.
fn other_item(r: &mut Reader<'_>, start: usize) -> PResult<FetchItem> {
    r.pos = start;
    r.name()?;
    if r.eat(b'[') {
        while let Some(b) = r.peek() {
            r.pos += 1;
            if b == b']' {
                break;
            }
            if b == b'\r' || b == b'\n' {
                return Err(r.expected("]"));
            }
        }
        if r.eat(b'<') {
            r.number()?;
            r.byte(b'>', ">")?;
        }
    }
    let name = r.slice(start, r.pos);
    r.sp()?;
    let value = r.skip_value()?;
    Ok(FetchItem::Other { name, value })
}

/// Helper for objectid without parentheses (SEARCH EMAILID/THREADID).
pub(crate) fn bare_objectid(r: &mut Reader<'_>) -> PResult<bytes::Bytes> {
    objectid(r)
}

/// The item a streamed literal belongs to, up to and including its announcement.
fn streamed_item(r: &mut Reader<'_>) -> PResult<(StreamedItem, u64, bool)> {
    let start = r.pos;
    let name = r.name()?;
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    let item = if is(b"BODY") {
        let section = section(r)?;
        StreamedItem::BodySection {
            section,
            origin: origin(r)?,
        }
    } else if is(b"BINARY") {
        let part = section_binary(r)?;
        StreamedItem::Binary {
            part,
            origin: origin(r)?,
        }
    } else if is(b"RFC822") {
        StreamedItem::Rfc822
    } else if is(b"RFC822.HEADER") {
        StreamedItem::Rfc822Header
    } else if is(b"RFC822.TEXT") {
        StreamedItem::Rfc822Text
    } else {
        return Err(ParseError::new(
            ParseErrorKind::Expected("streamable item"),
            start,
        ));
    };
    r.sp()?;
    let (length, binary) = r.literal_announcement()?;
    if binary && !matches!(item, StreamedItem::Binary { .. }) {
        return Err(ParseError::new(ParseErrorKind::Expected("literal"), start));
    }
    Ok((item, length, binary))
}

/// Complete items, then the streamed one, which must end the input.
fn items_then_streamed(r: &mut Reader<'_>, seq: Option<u32>) -> PResult<FetchHead> {
    let mut items = Vec::new();
    loop {
        let start = r.pos;
        match fetch_item(r) {
            Ok(item) => {
                r.count_item()?;
                items.push(item);
                r.sp()?;
            }
            Err(error) if error.kind == ParseErrorKind::Incomplete || r.is_end() || r.hit_end() => {
                r.pos = start;
                let (streamed, length, binary) = streamed_item(r)?;
                if !r.is_end() {
                    return Err(r.error(ParseErrorKind::Trailing));
                }
                return Ok(FetchHead {
                    seq,
                    items,
                    streamed,
                    length,
                    binary,
                });
            }
            Err(error) => return Err(error),
        }
    }
}

/// `"*" SP nz-number SP "FETCH" SP "(" *(msg-att SP) streamed-att literal-announcement`
pub(crate) fn fetch_head(r: &mut Reader<'_>) -> PResult<FetchHead> {
    r.byte(b'*', "*")?;
    r.sp()?;
    let seq = r.number()?;
    r.sp()?;
    r.expect_keyword(b"FETCH", "FETCH")?;
    r.sp()?;
    r.byte(b'(', "(")?;
    items_then_streamed(r, Some(seq))
}

/// `SP *(msg-att SP) streamed-att literal-announcement`: a later streamed item.
pub(crate) fn fetch_next(r: &mut Reader<'_>) -> PResult<FetchHead> {
    r.sp()?;
    items_then_streamed(r, None)
}

/// `*(SP msg-att) ")" CRLF`: the rest of a FETCH response after streamed data.
pub(crate) fn fetch_end(r: &mut Reader<'_>) -> PResult<Vec<crate::types::FetchItem>> {
    let mut items = Vec::new();
    while r.eat(b' ') {
        r.count_item()?;
        items.push(fetch_item(r)?);
    }
    r.byte(b')', ")")?;
    r.crlf()?;
    Ok(items)
}
