//! FETCH attributes and items, sections, ENVELOPE and BODYSTRUCTURE.

use std::num::NonZeroU32;

use super::common::{date_time, flag_list, gmail_label};
use super::writer::Writer;
use crate::types::{
    Address, BodyExtension, BodyFields, BodyStructure, Envelope, FetchAttribute, FetchAttributes,
    FetchItem, IString, Partial, Section, SectionText, SinglePartKind,
};

fn part(w: &mut Writer<'_>, part: &[NonZeroU32]) {
    for (index, number) in part.iter().enumerate() {
        if index > 0 {
            w.byte(b'.');
        }
        w.number(u64::from(number.get()));
    }
}

pub(crate) fn section(w: &mut Writer<'_>, section: &Section) {
    w.byte(b'[');
    part(w, &section.part);
    if let Some(text) = &section.text {
        if !section.part.is_empty() {
            w.byte(b'.');
        }
        match text {
            SectionText::Header => w.raw(b"HEADER"),
            SectionText::Text => w.raw(b"TEXT"),
            SectionText::Mime => w.raw(b"MIME"),
            SectionText::HeaderFields(names) => {
                w.raw(b"HEADER.FIELDS ");
                w.list(names, |w, n| w.astring(n.as_bytes()));
            }
            SectionText::HeaderFieldsNot(names) => {
                w.raw(b"HEADER.FIELDS.NOT ");
                w.list(names, |w, n| w.astring(n.as_bytes()));
            }
        }
    }
    w.byte(b']');
}

fn partial(w: &mut Writer<'_>, partial: Option<&Partial>) {
    if let Some(partial) = partial {
        w.byte(b'<');
        w.number(u64::from(partial.origin));
        w.byte(b'.');
        w.number(u64::from(partial.length.get()));
        w.byte(b'>');
    }
}

fn binary_section(w: &mut Writer<'_>, numbers: &[NonZeroU32]) {
    w.byte(b'[');
    part(w, numbers);
    w.byte(b']');
}

pub(crate) fn fetch_attribute(w: &mut Writer<'_>, attribute: &FetchAttribute) {
    match attribute {
        FetchAttribute::Envelope => w.raw(b"ENVELOPE"),
        FetchAttribute::Flags => w.raw(b"FLAGS"),
        FetchAttribute::InternalDate => w.raw(b"INTERNALDATE"),
        FetchAttribute::Rfc822 => w.raw(b"RFC822"),
        FetchAttribute::Rfc822Header => w.raw(b"RFC822.HEADER"),
        FetchAttribute::Rfc822Size => w.raw(b"RFC822.SIZE"),
        FetchAttribute::Rfc822Text => w.raw(b"RFC822.TEXT"),
        FetchAttribute::Body => w.raw(b"BODY"),
        FetchAttribute::BodyStructure => w.raw(b"BODYSTRUCTURE"),
        FetchAttribute::Uid => w.raw(b"UID"),
        FetchAttribute::ModSeq => w.raw(b"MODSEQ"),
        FetchAttribute::EmailId => w.raw(b"EMAILID"),
        FetchAttribute::ThreadId => w.raw(b"THREADID"),
        FetchAttribute::SaveDate => w.raw(b"SAVEDATE"),
        FetchAttribute::Preview { lazy: false } => w.raw(b"PREVIEW"),
        FetchAttribute::Preview { lazy: true } => w.raw(b"PREVIEW (LAZY)"),
        FetchAttribute::XGmMsgId => w.raw(b"X-GM-MSGID"),
        FetchAttribute::XGmThrId => w.raw(b"X-GM-THRID"),
        FetchAttribute::XGmLabels => w.raw(b"X-GM-LABELS"),
        FetchAttribute::BodySection {
            peek,
            section: s,
            partial: p,
        } => {
            w.raw(if *peek { b"BODY.PEEK" } else { b"BODY" });
            section(w, s);
            partial(w, p.as_ref());
        }
        FetchAttribute::Binary {
            peek,
            part: numbers,
            partial: p,
        } => {
            w.raw(if *peek { b"BINARY.PEEK" } else { b"BINARY" });
            binary_section(w, numbers);
            partial(w, p.as_ref());
        }
        FetchAttribute::BinarySize { part: numbers } => {
            w.raw(b"BINARY.SIZE");
            binary_section(w, numbers);
        }
    }
}

pub(crate) fn fetch_attributes(w: &mut Writer<'_>, attributes: &FetchAttributes) {
    match attributes {
        FetchAttributes::All => w.raw(b"ALL"),
        FetchAttributes::Fast => w.raw(b"FAST"),
        FetchAttributes::Full => w.raw(b"FULL"),
        FetchAttributes::List(list) if list.len() == 1 => fetch_attribute(w, &list[0]),
        FetchAttributes::List(list) => w.list(list, |w, a| fetch_attribute(w, a)),
    }
}

fn nstring(w: &mut Writer<'_>, value: Option<&IString>) {
    w.nstring(value.map(IString::as_bytes));
}

fn origin(w: &mut Writer<'_>, origin: Option<u32>) {
    if let Some(origin) = origin {
        w.byte(b'<');
        w.number(u64::from(origin));
        w.byte(b'>');
    }
}

pub(crate) fn fetch_item(w: &mut Writer<'_>, item: &FetchItem) {
    match item {
        FetchItem::Flags(flags) => {
            w.raw(b"FLAGS ");
            flag_list(w, flags);
        }
        FetchItem::Envelope(value) => {
            w.raw(b"ENVELOPE ");
            envelope(w, value);
        }
        FetchItem::BodyStructure(value) => {
            w.raw(b"BODYSTRUCTURE ");
            body(w, value, true);
        }
        FetchItem::Body(value) => {
            w.raw(b"BODY ");
            body(w, value, false);
        }
        FetchItem::InternalDate(value) => {
            w.raw(b"INTERNALDATE ");
            date_time(w, value);
        }
        FetchItem::Rfc822Size(size) => w.named_number(b"RFC822.SIZE ", *size),
        FetchItem::Rfc822(data) => {
            w.raw(b"RFC822 ");
            nstring(w, data.as_ref());
        }
        FetchItem::Rfc822Header(data) => {
            w.raw(b"RFC822.HEADER ");
            nstring(w, data.as_ref());
        }
        FetchItem::Rfc822Text(data) => {
            w.raw(b"RFC822.TEXT ");
            nstring(w, data.as_ref());
        }
        FetchItem::BodySection {
            section: s,
            origin: o,
            data,
        } => {
            w.raw(b"BODY");
            section(w, s);
            origin(w, *o);
            w.sp();
            nstring(w, data.as_ref());
        }
        FetchItem::Binary {
            part: numbers,
            origin: o,
            data,
        } => {
            w.raw(b"BINARY");
            binary_section(w, numbers);
            origin(w, *o);
            w.sp();
            match data {
                Some(data) => w.binary_string(data),
                None => w.raw(b"NIL"),
            }
        }
        FetchItem::BinarySize {
            part: numbers,
            size,
        } => {
            w.raw(b"BINARY.SIZE");
            binary_section(w, numbers);
            w.sp();
            w.number(*size);
        }
        FetchItem::Uid(uid) => w.named_number(b"UID ", u64::from(*uid)),
        FetchItem::ModSeq(modseq) => {
            w.raw(b"MODSEQ (");
            w.number(*modseq);
            w.byte(b')');
        }
        FetchItem::EmailId(id) => {
            w.raw(b"EMAILID (");
            w.raw(id);
            w.byte(b')');
        }
        FetchItem::ThreadId(id) => {
            w.raw(b"THREADID ");
            match id {
                Some(id) => {
                    w.byte(b'(');
                    w.raw(id);
                    w.byte(b')');
                }
                None => w.raw(b"NIL"),
            }
        }
        FetchItem::SaveDate(date) => {
            w.raw(b"SAVEDATE ");
            match date {
                Some(date) => date_time(w, date),
                None => w.raw(b"NIL"),
            }
        }
        FetchItem::Preview(text) => {
            w.raw(b"PREVIEW ");
            nstring(w, text.as_ref());
        }
        FetchItem::XGmMsgId(id) => w.named_number(b"X-GM-MSGID ", *id),
        FetchItem::XGmThrId(id) => w.named_number(b"X-GM-THRID ", *id),
        FetchItem::XGmLabels(labels) => {
            w.raw(b"X-GM-LABELS ");
            w.list(labels, gmail_label);
        }
        FetchItem::Other { name, value } => {
            w.raw(name);
            w.sp();
            w.raw(value);
        }
    }
}

fn address_list(w: &mut Writer<'_>, addresses: &[Address]) {
    if addresses.is_empty() {
        w.raw(b"NIL");
        return;
    }
    w.byte(b'(');
    for address in addresses {
        w.byte(b'(');
        nstring(w, address.name.as_ref());
        w.sp();
        nstring(w, address.adl.as_ref());
        w.sp();
        nstring(w, address.mailbox.as_ref());
        w.sp();
        nstring(w, address.host.as_ref());
        w.byte(b')');
    }
    w.byte(b')');
}

pub(crate) fn envelope(w: &mut Writer<'_>, envelope: &Envelope) {
    w.byte(b'(');
    nstring(w, envelope.date.as_ref());
    w.sp();
    nstring(w, envelope.subject.as_ref());
    for list in [
        &envelope.from,
        &envelope.sender,
        &envelope.reply_to,
        &envelope.to,
        &envelope.cc,
        &envelope.bcc,
    ] {
        w.sp();
        address_list(w, list);
    }
    w.sp();
    nstring(w, envelope.in_reply_to.as_ref());
    w.sp();
    nstring(w, envelope.message_id.as_ref());
    w.byte(b')');
}

fn params(w: &mut Writer<'_>, params: &[(IString, IString)]) {
    if params.is_empty() {
        w.raw(b"NIL");
        return;
    }
    w.byte(b'(');
    for (index, (key, value)) in params.iter().enumerate() {
        if index > 0 {
            w.sp();
        }
        w.string(key.as_bytes());
        w.sp();
        w.string(value.as_bytes());
    }
    w.byte(b')');
}

fn fields(w: &mut Writer<'_>, fields: &BodyFields) {
    params(w, &fields.params);
    w.sp();
    nstring(w, fields.id.as_ref());
    w.sp();
    nstring(w, fields.description.as_ref());
    w.sp();
    w.string(fields.encoding.as_bytes());
    w.sp();
    w.number(u64::from(fields.size));
}

/// `SP body-fld-dsp SP body-fld-lang SP body-fld-loc [SP extra]`
fn extension_tail(w: &mut Writer<'_>, ext: &BodyExtension) {
    w.sp();
    match &ext.disposition {
        Some(disposition) => {
            w.byte(b'(');
            w.string(disposition.kind.as_bytes());
            w.sp();
            params(w, &disposition.params);
            w.byte(b')');
        }
        None => w.raw(b"NIL"),
    }
    w.sp();
    if ext.language.is_empty() {
        w.raw(b"NIL");
    } else {
        w.list(&ext.language, |w, l| w.string(l.as_bytes()));
    }
    w.sp();
    nstring(w, ext.location.as_ref());
    if let Some(extra) = &ext.extra {
        w.sp();
        w.raw(extra);
    }
}

/// BODY (`extensible` false: the RFC's non-extensible form, whatever the value holds) or
/// BODYSTRUCTURE. Recursion follows the value, which the parser built under a depth bound.
pub(crate) fn body(w: &mut Writer<'_>, body: &BodyStructure, extensible: bool) {
    w.byte(b'(');
    match body {
        BodyStructure::Multipart {
            parts,
            subtype,
            params: p,
            extension,
        } => {
            for part in parts {
                self::body(w, part, extensible);
            }
            // A part-less multipart (only from a lenient parse) has no valid form; it is
            // written back the way servers send it, `("MIXED")`, which the lenient
            // parser reads as the same value.
            if !parts.is_empty() {
                w.sp();
            }
            w.string(subtype.as_bytes());
            if extensible && (!p.is_empty() || extension.is_some()) {
                w.sp();
                params(w, p);
                if let Some(ext) = extension {
                    extension_tail(w, ext);
                }
            }
        }
        BodyStructure::Single {
            kind,
            fields: f,
            extension,
        } => {
            match kind {
                SinglePartKind::Basic {
                    media_type,
                    subtype,
                } => {
                    w.string(media_type.as_bytes());
                    w.sp();
                    w.string(subtype.as_bytes());
                    w.sp();
                    fields(w, f);
                }
                SinglePartKind::Text { subtype, lines } => {
                    w.raw(b"\"TEXT\" ");
                    w.string(subtype.as_bytes());
                    w.sp();
                    fields(w, f);
                    w.sp();
                    w.number(u64::from(*lines));
                }
                SinglePartKind::Message {
                    subtype,
                    envelope: env,
                    body: inner,
                    lines,
                } => {
                    w.raw(b"\"MESSAGE\" ");
                    w.string(subtype.as_bytes());
                    w.sp();
                    fields(w, f);
                    w.sp();
                    envelope(w, env);
                    w.sp();
                    self::body(w, inner, extensible);
                    w.sp();
                    w.number(u64::from(*lines));
                }
            }
            if let (true, Some(ext)) = (extensible, extension) {
                w.sp();
                nstring(w, ext.md5.as_ref());
                extension_tail(w, ext);
            }
        }
    }
    w.byte(b')');
}
