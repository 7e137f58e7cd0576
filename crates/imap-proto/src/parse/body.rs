//! ENVELOPE and BODY/BODYSTRUCTURE, with a depth bound on nesting.

use super::reader::{PResult, Reader};
use crate::error::{ParseError, ParseErrorKind};
use crate::types::{
    Address, BodyExtension, BodyFields, BodyStructure, Disposition, Envelope, IString,
    SinglePartKind,
};

/// One `address`, written into `out` (a slot already in its list, so the 160-byte
/// value is never built elsewhere and copied).
fn address(r: &mut Reader<'_>, out: &mut Address) -> PResult<()> {
    r.byte(b'(', "(")?;
    r.nstring_into(&mut out.name)?;
    r.sp()?;
    r.nstring_into(&mut out.adl)?;
    r.sp()?;
    r.nstring_into(&mut out.mailbox)?;
    r.sp()?;
    r.nstring_into(&mut out.host)?;
    r.byte(b')', ")")
}

fn address_list(r: &mut Reader<'_>) -> PResult<Vec<Address>> {
    if r.nil() {
        return Ok(Vec::new());
    }
    r.byte(b'(', "(")?;
    let mut out = Vec::with_capacity(2);
    loop {
        r.count_item()?;
        // Four tag stores, not a 160-byte default copied in.
        out.push(Address {
            name: None,
            adl: None,
            mailbox: None,
            host: None,
        });
        let index = out.len() - 1;
        address(r, &mut out[index])?;
        if r.eat(b')') {
            return Ok(out);
        }
        // Some servers separate addresses with a space (tolerated under trailing_space).
        if r.options.lenience.trailing_space {
            r.eat(b' ');
        }
    }
}

/// An ENVELOPE, parsed straight into its box: the fields are written where they stay
/// instead of building the 300-byte value on the stack and copying it.
pub(crate) fn envelope(r: &mut Reader<'_>) -> PResult<Box<Envelope>> {
    let mut out = Box::<Envelope>::default();
    r.byte(b'(', "(")?;
    r.nstring_into(&mut out.date)?;
    r.sp()?;
    r.nstring_into(&mut out.subject)?;
    for list in [
        &mut out.from,
        &mut out.sender,
        &mut out.reply_to,
        &mut out.to,
        &mut out.cc,
        &mut out.bcc,
    ] {
        r.sp()?;
        *list = address_list(r)?;
    }
    r.sp()?;
    r.nstring_into(&mut out.in_reply_to)?;
    r.sp()?;
    r.nstring_into(&mut out.message_id)?;
    r.byte(b')', ")")?;
    Ok(out)
}

/// `body-fld-param`: `"(" string SP string *(SP string SP string) ")" / nil`. Each
/// pair is parsed into its slot of the list (see `Reader::string_into`).
fn params(r: &mut Reader<'_>) -> PResult<Vec<(IString, IString)>> {
    if r.nil() {
        return Ok(Vec::new());
    }
    r.paren_list_in_place(false, |r, (key, value): &mut (IString, IString)| {
        r.string_into(key)?;
        r.sp()?;
        r.string_or_nil_into(value)
    })
}

fn disposition(r: &mut Reader<'_>) -> PResult<Option<Disposition>> {
    if r.nil() {
        return Ok(None);
    }
    r.byte(b'(', "(")?;
    let mut kind = IString::default();
    r.string_into(&mut kind)?;
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
    let mut encoding = IString::default();
    r.string_or_nil_into(&mut encoding)?;
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
/// `body`, in its box. Parts are parsed into their final place (the box, or their slot
/// in the parent's list) instead of being returned and copied: a part is 224 bytes.
pub(crate) fn body_structure(r: &mut Reader<'_>, extensible: bool) -> PResult<Box<BodyStructure>> {
    let mut out = Box::new(placeholder());
    body_into(r, extensible, &mut out)?;
    Ok(out)
}

/// What a slot holds until its part is parsed: an empty multipart, which owns nothing.
fn placeholder() -> BodyStructure {
    BodyStructure::Multipart {
        parts: Vec::new(),
        subtype: IString::default(),
        params: Vec::new(),
        extension: None,
    }
}

/// `body` into `out`, recursively with a depth bound; `extensible` = BODYSTRUCTURE.
fn body_into(r: &mut Reader<'_>, extensible: bool, out: &mut BodyStructure) -> PResult<()> {
    r.enter()?;
    let result = body_inner(r, extensible, out);
    r.leave();
    result
}

fn body_inner(r: &mut Reader<'_>, extensible: bool, out: &mut BodyStructure) -> PResult<()> {
    r.byte(b'(', "(")?;
    if r.peek() == Some(b'(') {
        let mut parts = Vec::with_capacity(2);
        while r.peek() == Some(b'(') {
            parts.push(placeholder());
            let index = parts.len() - 1;
            body_into(r, extensible, &mut parts[index])?;
        }
        r.sp()?;
        let mut subtype = IString::default();
        r.string_into(&mut subtype)?;
        let mut params_out = Vec::new();
        let mut extension = None;
        if more(r) {
            r.sp()?;
            params_out = params(r)?;
            if more(r) {
                let mut ext = Box::<BodyExtension>::default();
                extension_tail(r, &mut ext)?;
                extension = Some(ext);
            }
        }
        r.byte(b')', ")")?;
        *out = BodyStructure::Multipart {
            parts,
            subtype,
            params: params_out,
            extension,
        };
        return Ok(());
    }
    let mut media_type = IString::default();
    r.string_into(&mut media_type)?;
    r.sp()?;
    let mut subtype = IString::default();
    r.string_into(&mut subtype)?;
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
        let envelope = envelope(r)?;
        r.sp()?;
        let body = body_structure(r, extensible)?;
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
        // Built in its box, like the envelope.
        let mut ext = Box::<BodyExtension>::default();
        ext.md5 = r.nstring()?;
        extension_tail(r, &mut ext)?;
        extension = Some(ext);
    }
    r.byte(b')', ")")?;
    *out = BodyStructure::Single {
        kind,
        fields,
        extension,
    };
    Ok(())
}
