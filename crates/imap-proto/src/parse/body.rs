//! ENVELOPE and BODY/BODYSTRUCTURE, with a depth bound on nesting.

use super::reader::{PResult, Reader};
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

/// `body`, in its box, for both BODY and BODYSTRUCTURE. RFC 3501 and RFC 9051 give
/// both the same grammar (`"BODY" SP body`, `"BODYSTRUCTURE" SP body`), extension data
/// included; servers omit it for BODY but some (Apple's) send it, so it is read either
/// way (and a BODY's then dropped by the caller, see `BodyStructure::drop_extension`).
/// Parts are parsed into their final place (the box, or their slot in the parent's
/// list) instead of being returned and copied: a part is 224 bytes.
pub(crate) fn body_structure(r: &mut Reader<'_>) -> PResult<Box<BodyStructure>> {
    let mut out = Box::new(placeholder());
    body_into(r, &mut out)?;
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

/// `body` into `out`, recursively with a depth bound.
fn body_into(r: &mut Reader<'_>, out: &mut BodyStructure) -> PResult<()> {
    r.enter()?;
    let result = body_inner(r, out);
    r.leave();
    result
}

fn body_inner(r: &mut Reader<'_>, out: &mut BodyStructure) -> PResult<()> {
    r.byte(b'(', "(")?;
    if r.peek() == Some(b'(') {
        let mut parts = Vec::with_capacity(2);
        while r.peek() == Some(b'(') {
            parts.push(placeholder());
            let index = parts.len() - 1;
            body_into(r, &mut parts[index])?;
            // `1*body SP media-subtype`: the parts follow each other without SP. After
            // the last one comes SP and a string, never `(`, so the lenient skip
            // cannot take the subtype's SP.
            r.sp_between_lists(r.options.lenience.multipart_space);
        }
        r.sp()?;
        let mut subtype = IString::default();
        r.string_into(&mut subtype)?;
        return multipart_rest(r, parts, subtype, out);
    }
    let mut media_type = IString::default();
    r.string_into(&mut media_type)?;
    if r.options.lenience.partless_multipart && !subtype_follows(r) {
        // `("MIXED" ...)`: the lone string is the multipart subtype.
        return multipart_rest(r, Vec::new(), media_type, out);
    }
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
    } else if is_encapsulated_message(&media_type, &subtype)
        && (envelope_follows(r) || !r.options.lenience.message_as_basic)
    {
        r.sp()?;
        let envelope = envelope(r)?;
        r.sp()?;
        let body = body_structure(r)?;
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

/// The rest of `body-type-mpart` after its subtype, `[SP body-ext-mpart] ")"`, stored
/// with the parts already parsed.
fn multipart_rest(
    r: &mut Reader<'_>,
    parts: Vec<BodyStructure>,
    subtype: IString,
    out: &mut BodyStructure,
) -> PResult<()> {
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
    Ok(())
}

/// `media-subtype` is a `string`, so after a part's first string comes SP and a quoted
/// string or literal. Anything else (`)`, a parameter list, NIL) means the first string
/// was the subtype of a multipart that has no parts.
fn subtype_follows(r: &Reader<'_>) -> bool {
    r.peek() == Some(b' ') && matches!(r.peek_at(1), Some(b'"' | b'{'))
}

/// `media-message`: `MESSAGE/RFC822`, or `MESSAGE/GLOBAL` (RFC 9051), the types that
/// carry an envelope, a body and a line count.
fn is_encapsulated_message(media_type: &IString, subtype: &IString) -> bool {
    media_type.as_bytes().eq_ignore_ascii_case(b"MESSAGE")
        && (subtype.as_bytes().eq_ignore_ascii_case(b"RFC822")
            || subtype.as_bytes().eq_ignore_ascii_case(b"GLOBAL"))
}

/// Whether `body-type-msg`'s `SP envelope` comes next. A part sent as
/// `body-type-basic` has `)` or `SP body-fld-md5` (an nstring) there instead.
fn envelope_follows(r: &Reader<'_>) -> bool {
    r.peek() == Some(b' ') && r.peek_at(1) == Some(b'(')
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::encode::Encoder;
    use crate::parse::{self, ParseOptions};
    use crate::types::{Data, FetchItem, Response};

    fn s(value: &'static str) -> IString {
        IString::new(Bytes::from_static(value.as_bytes())).expect("istring")
    }

    /// Parses one whole `body`, or fails.
    fn parse(input: &'static [u8], options: &ParseOptions) -> PResult<Box<BodyStructure>> {
        let src = Bytes::from_static(input);
        let mut r = Reader::new(&src, options);
        let body = body_structure(&mut r)?;
        assert_eq!(r.pos, input.len(), "left over");
        Ok(body)
    }

    fn strict(input: &'static [u8]) -> PResult<Box<BodyStructure>> {
        parse(input, &ParseOptions::default())
    }

    fn lenient(input: &'static [u8]) -> Box<BodyStructure> {
        parse(input, &ParseOptions::lenient()).expect("lenient parse")
    }

    /// A lenient parse gives `expected`; a strict one refuses the input.
    fn assert_lenient_only(input: &'static [u8], expected: &BodyStructure) {
        assert_eq!(&*lenient(input), expected);
        assert!(strict(input).is_err());
    }

    /// Extension data holding only a disposition without parameters.
    fn disposed(kind: &'static str) -> Option<Box<BodyExtension>> {
        Some(Box::new(BodyExtension {
            disposition: Some(Disposition {
                kind: s(kind),
                params: Vec::new(),
            }),
            ..BodyExtension::default()
        }))
    }

    /// A `MESSAGE/RFC822` part read as `body-type-basic`.
    fn basic_message(fields: BodyFields, extension: Option<Box<BodyExtension>>) -> BodyStructure {
        BodyStructure::Single {
            kind: SinglePartKind::Basic {
                media_type: s("MESSAGE"),
                subtype: s("RFC822"),
            },
            fields,
            extension,
        }
    }

    /// A `MIXED` multipart without parts.
    fn partless(
        params: Vec<(IString, IString)>,
        extension: Option<Box<BodyExtension>>,
    ) -> BodyStructure {
        BodyStructure::Multipart {
            parts: Vec::new(),
            subtype: s("MIXED"),
            params,
            extension,
        }
    }

    fn fields(params: Vec<(IString, IString)>, size: u32) -> BodyFields {
        BodyFields {
            params,
            id: None,
            description: None,
            encoding: s("7BIT"),
            size,
        }
    }

    /// The BODY item of a FETCH response.
    fn fetched_body(response: &Response) -> &BodyStructure {
        match response {
            Response::Data(Data::Fetch { items, .. }) => match items.as_slice() {
                [FetchItem::Body(body)] => body,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }

    /// `"BODY" SP body` allows the extension fields (net-imap #11128, Apple servers): a
    /// strict parse accepts them and drops them (BODY is the non-extensible form, RFC 9051
    /// §7.5.2), and the BODY item encodes back to that form.
    #[test]
    fn body_item_with_extension_data_is_strict_grammar() {
        let wire = Bytes::from_static(
            b"* 4 FETCH (BODY ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 25 1 NIL (\"INLINE\" NIL) NIL NIL) \"MIXED\" (\"BOUNDARY\" \"b\") NIL NIL NIL))\r\n",
        );
        let response = parse::whole_response(&wire, &ParseOptions::default());
        let text = BodyStructure::Single {
            kind: SinglePartKind::Text {
                subtype: s("PLAIN"),
                lines: 1,
            },
            fields: fields(Vec::new(), 25),
            extension: None,
        };
        let expected = BodyStructure::Multipart {
            parts: vec![text],
            subtype: s("MIXED"),
            params: Vec::new(),
            extension: None,
        };
        assert_eq!(fetched_body(&response), &expected);
        assert_eq!(
            Encoder::default().response(&response).to_bytes(),
            &b"* 4 FETCH (BODY ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 25 1) \"MIXED\"))\r\n"[..]
        );
    }

    /// net-imap #7147: an attached `.eml` sent as `body-type-basic`.
    #[test]
    fn message_rfc822_sent_as_basic_is_lenient_only() {
        assert_lenient_only(
            b"(\"MESSAGE\" \"RFC822\" (\"NAME\" \"a.eml\") NIL NIL \"7BIT\" 4079)",
            &basic_message(fields(vec![(s("NAME"), s("a.eml"))], 4079), None),
        );
    }

    /// The BODYSTRUCTURE form: `body-fld-md5` (NIL) where the envelope belongs.
    #[test]
    fn message_rfc822_sent_as_basic_keeps_its_extension_data() {
        assert_lenient_only(
            b"(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 19 NIL (\"ATTACHMENT\" NIL) NIL)",
            &basic_message(fields(Vec::new(), 19), disposed("ATTACHMENT")),
        );
    }

    /// net-imap #7153: `("MIXED")`, a multipart without parts.
    #[test]
    fn bare_partless_multipart_is_lenient_only() {
        assert_lenient_only(b"(\"MIXED\")", &partless(Vec::new(), None));
    }

    /// The same with `body-ext-mpart`, as found inside a message/rfc822 part.
    #[test]
    fn partless_multipart_keeps_its_extension_data() {
        assert_lenient_only(
            b"(\"MIXED\" (\"BOUNDARY\" \"000e0cd2\") NIL NIL)",
            &partless(vec![(s("BOUNDARY"), s("000e0cd2"))], Some(Box::default())),
        );
    }

    /// A part-less multipart is written back as servers send it, which the lenient
    /// parser reads as the same value.
    #[test]
    fn partless_multipart_encodes_as_sent() {
        let wire = Bytes::from_static(b"* 1 FETCH (BODY (\"MIXED\"))\r\n");
        let response = parse::whole_response(&wire, &ParseOptions::lenient());
        assert_eq!(Encoder::default().response(&response).to_bytes(), wire);
    }

    /// Two text parts of `ALTERNATIVE`, as maddy sends them (SP between the parts)
    /// and in the RFC 9051 form (none).
    const ALTERNATIVE_SPACED: &[u8] = b"((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 9 2) (\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 228 0) \"ALTERNATIVE\")";
    const ALTERNATIVE: &[u8] = b"((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 9 2)(\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 228 0) \"ALTERNATIVE\")";

    /// modern-email/defects #51 (maddy, Stalwart, Exchange): SP between the parts of
    /// a multipart reads as the parts sent back to back; strict refuses it.
    #[test]
    fn multipart_space_between_parts_is_lenient_only() {
        let expected = strict(ALTERNATIVE).expect("strict parse");
        assert!(matches!(&*expected, BodyStructure::Multipart { parts, .. } if parts.len() == 2));
        assert_lenient_only(ALTERNATIVE_SPACED, &expected);
    }

    /// The same at every level of a nested tree, with extension data after the parts.
    #[test]
    fn multipart_space_is_accepted_at_any_depth() {
        let spaced = b"(((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 9 2 NIL NIL NIL NIL) (\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 228 0 NIL NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"a\") NIL NIL NIL) (\"APPLICATION\" \"PDF\" NIL NIL NIL \"BASE64\" 4096 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"m\") NIL NIL NIL)";
        let rfc = b"(((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 9 2 NIL NIL NIL NIL)(\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 228 0 NIL NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"a\") NIL NIL NIL)(\"APPLICATION\" \"PDF\" NIL NIL NIL \"BASE64\" 4096 NIL NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"m\") NIL NIL NIL)";
        assert_lenient_only(spaced, &strict(rfc).expect("strict parse"));
    }

    /// Only one SP, and only before a part: two spaces, or SP before `)` of a part
    /// list without subtype, stay refused even when lenient.
    #[test]
    fn multipart_space_is_one_sp_before_a_part() {
        let options = ParseOptions::lenient();
        let doubled = b"((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 9 2)  (\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 228 0) \"ALTERNATIVE\")";
        assert!(parse(doubled, &options).is_err());
        let no_subtype = b"((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 9 2) (\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 228 0))";
        assert!(parse(no_subtype, &options).is_err());
    }

    /// In a BODY item too, and the value is written back in the RFC form.
    #[test]
    fn multipart_space_in_body_item_encodes_without_it() {
        let response = parse::lenient_only_response(
            b"* 4 FETCH (BODY ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 9 2) (\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 228 0) \"ALTERNATIVE\"))\r\n",
            b"* 4 FETCH (BODY ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 9 2)(\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 228 0) \"ALTERNATIVE\"))\r\n",
        );
        assert_eq!(
            fetched_body(&response),
            &*strict(ALTERNATIVE).expect("strict parse")
        );
    }

    /// The lenient look-ahead changes nothing for well-formed single parts.
    #[test]
    fn lenient_parse_still_reads_an_encapsulated_message() {
        let input = b"(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 9 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1) 2)";
        let parsed = lenient(input);
        assert_eq!(parsed, strict(input).expect("strict parse"));
        assert!(matches!(
            *parsed,
            BodyStructure::Single {
                kind: SinglePartKind::Message { lines: 2, .. },
                ..
            }
        ));
    }
}
