//! ENVELOPE and BODY/BODYSTRUCTURE, with a depth bound on nesting.

use super::reader::{PResult, Reader};
use crate::error::{ParseError, ParseErrorKind};
use crate::types::{
    Address, BodyExtension, BodyFields, BodyStructure, Disposition, Envelope, IString,
    SinglePartKind,
};

fn address(r: &mut Reader<'_>) -> PResult<Address> {
    r.byte(b'(', "(")?;
    let name = r.nstring()?;
    r.sp()?;
    let adl = r.nstring()?;
    r.sp()?;
    let mailbox = r.nstring()?;
    r.sp()?;
    let host = r.nstring()?;
    r.byte(b')', ")")?;
    Ok(Address {
        name,
        adl,
        mailbox,
        host,
    })
}

fn address_list(r: &mut Reader<'_>) -> PResult<Vec<Address>> {
    if r.nil() {
        return Ok(Vec::new());
    }
    r.byte(b'(', "(")?;
    let mut out = Vec::with_capacity(2);
    loop {
        r.count_item()?;
        out.push(address(r)?);
        if r.eat(b')') {
            return Ok(out);
        }
        // Some servers separate addresses with a space (tolerated under trailing_space).
        if r.options.lenience.trailing_space {
            r.eat(b' ');
        }
    }
}

pub(crate) fn envelope(r: &mut Reader<'_>) -> PResult<Envelope> {
    r.byte(b'(', "(")?;
    let date = r.nstring()?;
    r.sp()?;
    let subject = r.nstring()?;
    r.sp()?;
    let from = address_list(r)?;
    r.sp()?;
    let sender = address_list(r)?;
    r.sp()?;
    let reply_to = address_list(r)?;
    r.sp()?;
    let to = address_list(r)?;
    r.sp()?;
    let cc = address_list(r)?;
    r.sp()?;
    let bcc = address_list(r)?;
    r.sp()?;
    let in_reply_to = r.nstring()?;
    r.sp()?;
    let message_id = r.nstring()?;
    r.byte(b')', ")")?;
    Ok(Envelope {
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
    })
}

/// `body-fld-param`: `"(" string SP string *(SP string SP string) ")" / nil`
fn params(r: &mut Reader<'_>) -> PResult<Vec<(IString, IString)>> {
    if r.nil() {
        return Ok(Vec::new());
    }
    r.paren_list(false, |r| {
        let key = r.string()?;
        r.sp()?;
        let value = r.string_or_nil()?;
        Ok((key, value))
    })
}

fn disposition(r: &mut Reader<'_>) -> PResult<Option<Disposition>> {
    if r.nil() {
        return Ok(None);
    }
    r.byte(b'(', "(")?;
    let kind = r.string()?;
    r.sp()?;
    let params = params(r)?;
    r.byte(b')', ")")?;
    Ok(Some(Disposition { kind, params }))
}

fn language(r: &mut Reader<'_>) -> PResult<Vec<IString>> {
    if r.peek() == Some(b'(') {
        return r.paren_list(false, Reader::string);
    }
    Ok(r.nstring()?.into_iter().collect())
}

/// `[SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]`
fn extension_tail(r: &mut Reader<'_>, ext: &mut BodyExtension) -> PResult<()> {
    if !more(r) {
        return Ok(());
    }
    r.sp()?;
    ext.disposition = disposition(r)?;
    if !more(r) {
        return Ok(());
    }
    r.sp()?;
    ext.language = language(r)?;
    if !more(r) {
        return Ok(());
    }
    r.sp()?;
    ext.location = r.nstring()?;
    if !more(r) {
        return Ok(());
    }
    r.sp()?;
    let start = r.pos;
    r.skip_value()?;
    while more(r) {
        r.sp()?;
        r.skip_value()?;
    }
    ext.extra = Some(r.slice(start, r.pos));
    Ok(())
}

fn more(r: &Reader<'_>) -> bool {
    r.peek() == Some(b' ')
}

fn body_fields(r: &mut Reader<'_>) -> PResult<BodyFields> {
    let params = params(r)?;
    r.sp()?;
    let id = r.nstring()?;
    r.sp()?;
    let description = r.nstring()?;
    r.sp()?;
    let encoding = r.string_or_nil()?;
    r.sp()?;
    let size = r.number()?;
    Ok(BodyFields {
        params,
        id,
        description,
        encoding,
        size,
    })
}

/// `body`, recursively with a depth bound; `extensible` = BODYSTRUCTURE.
pub(crate) fn body_structure(r: &mut Reader<'_>, extensible: bool) -> PResult<BodyStructure> {
    r.enter()?;
    let result = body_inner(r, extensible);
    r.leave();
    result
}

fn body_inner(r: &mut Reader<'_>, extensible: bool) -> PResult<BodyStructure> {
    r.byte(b'(', "(")?;
    if r.peek() == Some(b'(') {
        let mut parts = Vec::new();
        while r.peek() == Some(b'(') {
            parts.push(body_structure(r, extensible)?);
        }
        r.sp()?;
        let subtype = r.string()?;
        let mut params_out = Vec::new();
        let mut extension = None;
        if more(r) {
            r.sp()?;
            params_out = params(r)?;
            if more(r) {
                let mut ext = BodyExtension::default();
                extension_tail(r, &mut ext)?;
                extension = Some(Box::new(ext));
            }
        }
        r.byte(b')', ")")?;
        return Ok(BodyStructure::Multipart {
            parts,
            subtype,
            params: params_out,
            extension,
        });
    }
    let media_type = r.string()?;
    r.sp()?;
    let subtype = r.string()?;
    r.sp()?;
    let fields = body_fields(r)?;
    let kind = if media_type.as_bytes().eq_ignore_ascii_case(b"TEXT") {
        r.sp()?;
        SinglePartKind::Text {
            subtype,
            lines: r.number()?,
        }
    } else if media_type.as_bytes().eq_ignore_ascii_case(b"MESSAGE")
        && (subtype.as_bytes().eq_ignore_ascii_case(b"RFC822")
            || subtype.as_bytes().eq_ignore_ascii_case(b"GLOBAL"))
    {
        r.sp()?;
        let envelope = Box::new(envelope(r)?);
        r.sp()?;
        let body = Box::new(body_structure(r, extensible)?);
        r.sp()?;
        SinglePartKind::Message {
            subtype,
            envelope,
            body,
            lines: r.number()?,
        }
    } else {
        SinglePartKind::Basic {
            media_type,
            subtype,
        }
    };
    let mut extension = None;
    if more(r) {
        if !extensible {
            return Err(ParseError::new(ParseErrorKind::Expected(")"), r.pos));
        }
        r.sp()?;
        let mut ext = BodyExtension {
            md5: r.nstring()?,
            ..BodyExtension::default()
        };
        extension_tail(r, &mut ext)?;
        extension = Some(Box::new(ext));
    }
    r.byte(b')', ")")?;
    Ok(BodyStructure::Single {
        kind,
        fields,
        extension,
    })
}
