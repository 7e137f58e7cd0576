//! Parsers: command lines (server side), replies, EHLO capabilities, AUTH lines (client side).
//!
//! Parsers work on complete units that [`crate::framing`] has cut out: a command line without
//! its CRLF, or a buffer holding zero or more reply lines (for [`reply`], which reports
//! "incomplete" as `Ok(None)`, never as an error). They are written with `nom` over `&[u8]`;
//! nom's types stay private and every failure is a [`ParseError`] with a kind that tells the
//! server which reply to send ([`ParseError::reply`]).
//!
//! Commands are parsed from a [`Bytes`] line and the strings inside the result share that
//! buffer (no copy). Defaults are strict (RFC 5321 grammar); [`ParseOptions`] lists each
//! relaxation with the RFC text it bends and the peers that need it.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

use base64::Engine as _;
use bytes::{Buf, Bytes, BytesMut};
use nom::Parser;
use nom::bytes::complete::{tag, take_while1};
use nom::combinator::recognize;
use nom::multi::many0_count;

use crate::types::{
    AddressLiteral, AuthMechanism, Body, Capability, Command, DeliverBy, DeliverByMode, Domain,
    DsnReturn, EhloResponse, EnhancedStatusCode, ForwardPath, FutureRelease, GeneralLiteral, Host,
    MailAuth, MailParameters, Mailbox, Notify, OriginalRecipient, Parameter, Parameters,
    RcptParameters, Reply, ReplyCode, ReplyLine, ReplyLineRef, ReversePath, Rrvs, RrvsMode,
    SaslResponse, Secret, Text, XText,
};
use crate::types::{Compact, Flag, HostKind, Offer, Offered, next_wire_line};
use crate::{ParseError, ParseErrorKind as K};

type In<'a> = &'a [u8];
type NomErr<'a> = nom::error::Error<In<'a>>;
type Res<'a, O> = nom::IResult<In<'a>, O, NomErr<'a>>;

/// Runtime options for command parsing. `ParseOptions::default()` is strict RFC 5321.
///
/// Each relaxation names the rule it bends and who needs it; turn on only what your peers need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// The transaction declared `SMTPUTF8` on MAIL FROM (RFC 6531 §3.4): RCPT TO addresses and
    /// parameter values may then hold UTF-8. Not a lenience: the server session sets it per
    /// transaction. (MAIL FROM itself is checked against its own `SMTPUTF8` parameter.)
    pub smtputf8: bool,
    /// Accept any word as the HELO/EHLO/LHLO argument ([`Host::Other`]).
    /// RFC 5321 §4.1.1.1 requires a domain or an address literal, but many clients send a
    /// bare host name with underscores or a bare IP address (Postfix and Exim accept them by
    /// default unless `smtpd_helo_restrictions`/`helo_verify` say otherwise).
    pub lenient_helo: bool,
    /// Accept spaces between `FROM:`/`TO:` and the path (`MAIL FROM: <a@b>`).
    /// RFC 5321 §4.1.2 ("Since it has been a common source of errors, it is worth noting that
    /// spaces are not permitted on either side of the colon") forbids it; some old clients and
    /// appliances send it, and Postfix accepts it (KumoMTA issue 76).
    pub space_after_colon: bool,
    /// Accept a path without angle brackets (`MAIL FROM:a@b`), as Postfix does with
    /// `strict_rfc821_envelopes = no`. RFC 5321 §4.1.2 requires `<` and `>`.
    pub missing_brackets: bool,
    /// Accept trailing spaces at the end of a command and runs of spaces between parameters.
    /// RFC 5321 §4.1.1 has exactly one SP between elements; a few clients append a space.
    pub extra_spaces: bool,
    /// Accept local parts longer than 64 octets (RFC 5321 §4.5.3.1.1 sets 64 as the limit,
    /// but says to accept more where possible; some list managers exceed it, aiosmtpd #257).
    pub long_local_part: bool,
}

impl ParseOptions {
    /// All relaxations on (not `smtputf8`, which is transaction state).
    pub fn lenient() -> Self {
        ParseOptions {
            smtputf8: false,
            lenient_helo: true,
            space_after_colon: true,
            missing_brackets: true,
            extra_spaces: true,
            long_local_part: true,
        }
    }
}

/// Limits for [`reply`] and [`crate::framing::ReplyReader`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplyOptions {
    /// Longest reply line, with CRLF. RFC 5321 §4.5.3.1.5 says 512 but also (§4.5.3.1) that
    /// "implementation techniques that impose no limits on the length of these objects should
    /// be used"; real servers send longer lines, so the default is 4096.
    pub max_line_len: usize,
    /// Most lines in one multi-line reply (default 256; an EHLO reply has a few dozen).
    pub max_lines: usize,
    /// Accept a bare LF as a reply line ending. RFC 5321 §2.3.8 requires CRLF; some embedded
    /// servers and test doubles end lines with LF only. Default false.
    pub allow_bare_lf: bool,
}

impl Default for ReplyOptions {
    fn default() -> Self {
        ReplyOptions {
            max_line_len: 4096,
            max_lines: 256,
            allow_bare_lf: false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// character classes
// ---------------------------------------------------------------------------------------------

const C_ATEXT: u8 = 1;
const C_LDH: u8 = 2;
const C_VALUE: u8 = 4;
const C_XCHAR: u8 = 8;
const C_DCONTENT: u8 = 16;
const C_QTEXT: u8 = 32;

/// One table of the RFC 5321 / 3461 character classes, so every scanning loop is one load and
/// one test per byte.
const fn class_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut c = 0;
        if b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'/'
                    | b'='
                    | b'?'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'{'
                    | b'|'
                    | b'}'
                    | b'~'
            )
        {
            c |= C_ATEXT;
        }
        if b.is_ascii_alphanumeric() || b == b'-' {
            c |= C_LDH;
        }
        // esmtp-value = 1*(%d33-60 / %d62-126), plus UTF-8 (checked later against SMTPUTF8)
        if matches!(b, 33..=60 | 62..=126) || b >= 0x80 {
            c |= C_VALUE;
        }
        // xtext xchar: 33..=126 except `+` and `=`
        if matches!(b, 33..=126) && b != b'+' && b != b'=' {
            c |= C_XCHAR;
        }
        // dcontent = %d33-90 / %d94-126
        if matches!(b, 33..=90 | 94..=126) {
            c |= C_DCONTENT;
        }
        // qtextSMTP = %d32-33 / %d35-91 / %d93-126, plus UTF-8 with SMTPUTF8
        if matches!(b, 32..=33 | 35..=91 | 93..=126) || b >= 0x80 {
            c |= C_QTEXT;
        }
        t[i] = c;
        i += 1;
    }
    t
}
static CLASS: [u8; 256] = class_table();

#[inline(always)]
fn class(b: u8, c: u8) -> bool {
    CLASS[usize::from(b)] & c != 0
}
#[inline(always)]
fn is_atext(b: u8) -> bool {
    class(b, C_ATEXT)
}
#[inline(always)]
fn is_ldh(b: u8) -> bool {
    class(b, C_LDH)
}
#[inline(always)]
fn is_qtext(b: u8) -> bool {
    class(b, C_QTEXT)
}
#[inline(always)]
fn is_dcontent(b: u8) -> bool {
    class(b, C_DCONTENT)
}
#[inline(always)]
fn is_esmtp_value(b: u8) -> bool {
    class(b, C_VALUE)
}
#[inline(always)]
fn is_xchar(b: u8) -> bool {
    class(b, C_XCHAR)
}
#[inline]
fn is_upper_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'A'..=b'F').contains(&b)
}
/// Printable text for VRFY/EXPN/HELP/NOOP/ETRN arguments: SP and VCHAR, plus UTF-8.
#[inline]
fn is_text(b: u8) -> bool {
    (32..=126).contains(&b) || b >= 0x80
}

// ---------------------------------------------------------------------------------------------
// address grammar (RFC 5321 §4.1.2), nom over &[u8]
// ---------------------------------------------------------------------------------------------

fn atom(i: In<'_>) -> Res<'_, In<'_>> {
    take_while1(|b| is_atext(b) || b >= 0x80)(i)
}

/// `Dot-string = Atom *("."  Atom)`
fn dot_string(i: In<'_>) -> Res<'_, In<'_>> {
    recognize((atom, many0_count((tag(&b"."[..]), atom)))).parse(i)
}

/// `quoted-pairSMTP = %d92 %d32-126`
fn quoted_pair(i: In<'_>) -> Res<'_, In<'_>> {
    recognize((
        tag(&b"\\"[..]),
        nom::bytes::complete::take_while_m_n(1, 1, |b| (32..=126).contains(&b)),
    ))
    .parse(i)
}

/// `Quoted-string = DQUOTE *QcontentSMTP DQUOTE`
fn quoted_string(i: In<'_>) -> Res<'_, In<'_>> {
    recognize((
        tag(&b"\""[..]),
        many0_count(nom::branch::alt((
            take_while1(|b| is_qtext(b) && b != b'\\'),
            quoted_pair,
        ))),
        tag(&b"\""[..]),
    ))
    .parse(i)
}

fn local_part(i: In<'_>) -> Res<'_, In<'_>> {
    nom::branch::alt((dot_string, quoted_string)).parse(i)
}

/// `sub-domain = Let-dig [Ldh-str]` (U-labels: non-ASCII bytes count as letters).
fn sub_domain(i: In<'_>) -> Res<'_, In<'_>> {
    let (rest, label) = take_while1(|b| is_ldh(b) || b >= 0x80)(i)?;
    if label.first() == Some(&b'-') || label.last() == Some(&b'-') {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        )));
    }
    Ok((rest, label))
}

/// `Domain = sub-domain *("." sub-domain)`
fn domain(i: In<'_>) -> Res<'_, In<'_>> {
    recognize((sub_domain, many0_count((tag(&b"."[..]), sub_domain)))).parse(i)
}

/// `"[" ... "]"`, returning the inside.
fn bracketed(i: In<'_>) -> Res<'_, In<'_>> {
    let (i, _) = tag(&b"["[..])(i)?;
    let (i, inner) = take_while1(|b| is_dcontent(b) || b == b':')(i)?;
    let (i, _) = tag(&b"]"[..])(i)?;
    Ok((i, inner))
}

fn verify_err(i: In<'_>) -> nom::Err<NomErr<'_>> {
    nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Verify))
}

/// Parses the text after `IPv6:` (any RFC 5321 IPv6 form).
fn ipv6(s: &[u8]) -> Option<Ipv6Addr> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Parses a dotted quad strictly (`Snum = 1*3DIGIT` with value 0..=255).
fn ipv4(s: &[u8]) -> Option<Ipv4Addr> {
    let mut parts = [0u8; 4];
    let mut n = 0;
    for p in s.split(|&b| b == b'.') {
        if n == 4 || p.is_empty() || p.len() > 3 || !p.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let v = p.iter().fold(0u16, |a, &d| a * 10 + u16::from(d - b'0'));
        parts[n] = u8::try_from(v).ok()?;
        n += 1;
    }
    (n == 4).then(|| Ipv4Addr::from(parts))
}

/// The kind of a validated address literal (the value is re-read from the text when the host
/// is built: a payload here would make every span copy slow).
#[derive(Clone, Copy)]
enum Lit {
    V4,
    V6,
    General,
}

/// `address-literal` at the start of `i` (which starts with `[`).
fn literal(i: In<'_>) -> Res<'_, Lit> {
    let (rest, inner) = bracketed(i)?;
    if ipv4(inner).is_some() {
        return Ok((rest, Lit::V4));
    }
    let colon = memchr::memchr(b':', inner).ok_or_else(|| verify_err(i))?;
    let (tag_, content) = (&inner[..colon], &inner[colon + 1..]);
    if tag_.is_empty()
        || !tag_.iter().all(|&b| is_ldh(b))
        || tag_.last() == Some(&b'-')
        || content.is_empty()
    {
        return Err(verify_err(i));
    }
    if tag_.eq_ignore_ascii_case(b"IPv6") {
        ipv6(content).ok_or_else(|| verify_err(i))?;
        return Ok((rest, Lit::V6));
    }
    if !content.iter().all(|&b| is_dcontent(b)) {
        return Err(verify_err(i));
    }
    Ok((rest, Lit::General))
}

/// `Domain / address-literal`: the literal when it is one (`None`: a domain).
fn host_span(i: In<'_>) -> Res<'_, Option<Lit>> {
    if i.first() == Some(&b'[') {
        let (rest, lit) = literal(i)?;
        return Ok((rest, Some(lit)));
    }
    let (rest, d) = domain(i)?;
    if d.len() > 255 {
        return Err(verify_err(i));
    }
    Ok((rest, None))
}

/// The kind of a host the grammar read as `lit`.
#[inline(always)]
fn host_kind(lit: Option<Lit>) -> HostKind {
    match lit {
        None => HostKind::Domain,
        Some(Lit::V4) => HostKind::Ipv4,
        Some(Lit::V6) => HostKind::Ipv6,
        Some(Lit::General) => HostKind::General,
    }
}

/// The [`Host`] for the host text `raw` (validated as `kind` says); `text` makes the texts
/// kept (a domain, a general literal's contents). IP literals are read from the text again
/// here rather than stored parsed: that keeps a [`Mailbox`](crate::types::Mailbox) small,
/// and few callers ask.
pub(crate) fn host_of(raw: &[u8], kind: HostKind, text: impl FnOnce(&[u8]) -> Text) -> Host {
    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
    match kind {
        HostKind::Domain => Host::Domain(Domain(text(raw))),
        HostKind::Ipv4 => Host::Literal(AddressLiteral::Ipv4(
            ipv4(inner).unwrap_or(Ipv4Addr::UNSPECIFIED),
        )),
        HostKind::Ipv6 => Host::Literal(AddressLiteral::Ipv6(
            ipv6(inner.get(5..).unwrap_or_default()).unwrap_or(Ipv6Addr::UNSPECIFIED),
        )),
        HostKind::General => Host::Literal(AddressLiteral::General(GeneralLiteral(text(inner)))),
    }
}

/// Where parsed text comes from: a shared line buffer (long texts share it, short ones are
/// copied), or borrowed bytes holding the line (every text is copied).
#[derive(Clone, Copy)]
enum Src<'a> {
    Shared(&'a Bytes),
    /// The line and possibly more bytes after it (copies of short texts may read past them).
    Borrowed(&'a [u8]),
}

impl Src<'_> {
    /// `s` (a sub-slice of the source, already checked to be UTF-8) as a [`Text`].
    #[inline(always)]
    fn text(self, s: &[u8]) -> Text {
        match self {
            Src::Shared(line) => Text::share_checked(line, s),
            Src::Borrowed(whole) => Text::copy_within_checked(whole, s),
        }
    }

    /// `s` (a sub-slice of the source) as [`Bytes`].
    fn bytes(self, s: &[u8]) -> Bytes {
        match self {
            Src::Shared(line) => line.slice_ref(s),
            Src::Borrowed(_) => Bytes::copy_from_slice(s),
        }
    }
}

/// Builds the [`Host`] for the host text `raw` (a slice of the source).
fn build_host(src: Src<'_>, raw: &[u8], lit: Option<Lit>) -> Host {
    host_of(raw, host_kind(lit), |t| src.text(t))
}

fn host<'a>(src: Src<'_>, i: In<'a>) -> Res<'a, Host> {
    let (rest, lit) = host_span(i)?;
    Ok((rest, build_host(src, &i[..i.len() - rest.len()], lit)))
}

/// The shape of a mailbox: local-part length, whole length, literal host if any.
#[derive(Clone, Copy)]
struct MbSpan {
    local: usize,
    len: usize,
    lit: Option<Lit>,
}

/// The common case in one pass: an ASCII dot-string local part and a domain, followed by
/// `>` or the end. `None` sends anything else (quoted strings, literals, UTF-8, errors) to the
/// full grammar below, which accepts a superset and gives the same span for these.
#[inline(always)]
fn mailbox_fast(i: In<'_>, long_local: bool) -> Option<(usize, usize)> {
    let n = i.len();
    // local part: atoms separated by single dots
    let mut p = 0;
    loop {
        let atom = p;
        while p < n && is_atext(i[p]) {
            p += 1;
        }
        if p == atom || p == n {
            return None;
        }
        match i[p] {
            b'.' => p += 1,
            b'@' => break,
            _ => return None,
        }
    }
    if p > 64 && !long_local {
        return None;
    }
    let local = p;
    p += 1;
    let start = p;
    // domain: labels of letters, digits and inner hyphens, separated by single dots
    loop {
        let label = p;
        while p < n && is_ldh(i[p]) {
            p += 1;
        }
        if p == label || i[label] == b'-' || i[p - 1] == b'-' {
            return None;
        }
        match i.get(p) {
            Some(b'.') => p += 1,
            None | Some(b'>' | b' ') if p - start <= 255 => return Some((local, p)),
            _ => return None,
        }
    }
}

/// `Mailbox = Local-part "@" ( Domain / address-literal )`, as a span of `i`.
#[inline(always)]
fn mailbox_span(i: In<'_>, long_local: bool) -> Res<'_, MbSpan> {
    if let Some((local, len)) = mailbox_fast(i, long_local) {
        let span = MbSpan {
            local,
            len,
            lit: None,
        };
        return Ok((&i[len..], span));
    }
    mailbox_grammar(i, long_local)
}

/// [`mailbox_span`] by the grammar alone (the reference for the fast path).
fn mailbox_grammar(i: In<'_>, long_local: bool) -> Res<'_, MbSpan> {
    let (after_lp, lp) = local_part(i)?;
    if lp.len() > 64 && !long_local {
        return Err(verify_err(i));
    }
    let (after_at, _) = tag(&b"@"[..])(after_lp)?;
    let (rest, lit) = host_span(after_at)?;
    Ok((
        rest,
        MbSpan {
            local: lp.len(),
            len: i.len() - rest.len(),
            lit,
        },
    ))
}

/// Builds the mailbox `raw` (a slice of `line`) described by `span`: a small copy (or a
/// shared slice of `line` when long).
#[inline(always)]
fn build_mailbox(src: Src<'_>, raw: &[u8], span: MbSpan) -> Mailbox {
    Mailbox {
        raw: src.text(raw),
        at: span.local as u32,
        host: host_kind(span.lit),
    }
}

fn mailbox<'a>(src: Src<'_>, i: In<'a>, long_local: bool) -> Res<'a, Mailbox> {
    let (rest, span) = mailbox_span(i, long_local)?;
    Ok((rest, build_mailbox(src, &i[..span.len], span)))
}

/// `A-d-l ":"` (a source route, RFC 5321 §4.1.2: accepted and ignored).
fn source_route(i: In<'_>) -> Res<'_, ()> {
    let at_domain = |i| (tag(&b"@"[..]), domain).parse(i);
    let (i, _) = (
        at_domain,
        many0_count((tag(&b","[..]), at_domain)),
        tag(&b":"[..]),
    )
        .parse(i)?;
    Ok((i, ()))
}

#[derive(Clone, Copy)]
enum PathOut<'a> {
    Null,
    Postmaster,
    /// The mailbox's bytes and shape.
    Mailbox(&'a [u8], MbSpan),
}

/// `"<" [ A-d-l ":" ] Mailbox ">"`, `<>` and `<Postmaster>`; without brackets when allowed.
#[inline(always)]
fn path<'a>(i: In<'a>, opts: &ParseOptions) -> Res<'a, PathOut<'a>> {
    if i.first() != Some(&b'<') {
        if !opts.missing_brackets {
            return Err(verify_err(i));
        }
        if let Some(rest) = strip_prefix_ci(i, b"POSTMASTER").filter(|r| r.first() != Some(&b'@'))
            && (rest.is_empty() || rest[0] == b' ')
        {
            return Ok((rest, PathOut::Postmaster));
        }
        let (rest, m) = mailbox_span(i, opts.long_local_part)?;
        return Ok((rest, PathOut::Mailbox(&i[..m.len], m)));
    }
    let i = &i[1..];
    if let Some(rest) = i.strip_prefix(b">") {
        return Ok((rest, PathOut::Null));
    }
    if let Some(rest) = strip_prefix_ci(i, b"POSTMASTER>") {
        return Ok((rest, PathOut::Postmaster));
    }
    let i = if i.first() == Some(&b'@') {
        source_route(i)?.0
    } else {
        i
    };
    let (rest, m) = mailbox_span(i, opts.long_local_part)?;
    let (rest, _) = tag(&b">"[..])(rest)?;
    Ok((rest, PathOut::Mailbox(&i[..m.len], m)))
}

/// `i` without the prefix `p` (upper-case ASCII) in any case.
#[inline(always)]
fn strip_prefix_ci<'a>(i: &'a [u8], p: &[u8]) -> Option<&'a [u8]> {
    (i.len() >= p.len() && keyword_eq(&i[..p.len()], p)).then(|| &i[p.len()..])
}

// ---------------------------------------------------------------------------------------------
// commands
// ---------------------------------------------------------------------------------------------

/// Parses one command line (without CRLF), strictly. See [`command_with`].
pub fn command(line: &Bytes) -> Result<Command, ParseError> {
    command_with(line, &ParseOptions::default())
}

/// Parses a command line given as a slice (for example still in the receive buffer, see
/// [`LineReader::read_command`](crate::framing::LineReader::read_command)); the result owns
/// copies of its texts.
pub fn command_from_slice(line: &[u8], opts: &ParseOptions) -> Result<Command, ParseError> {
    parse_command(line, Src::Borrowed(line), opts)
}

/// [`command_from_slice`] for the line `buf[..len]`, which may read (never use) the bytes
/// after it in `buf`.
pub(crate) fn command_in(
    buf: &[u8],
    len: usize,
    opts: &ParseOptions,
) -> Result<Command, ParseError> {
    parse_command(&buf[..len], Src::Borrowed(buf), opts)
}

/// A MAIL or RCPT line in its usual form at the front of `buf` — the verb and `FROM:` or
/// `TO:` without spaces, a dot-string mailbox in angle brackets, ASCII parameters, CRLF —
/// framed and parsed in one pass: the command and the line's length with its CRLF. `None` for
/// anything else (another verb, a null path, an error, a line longer than `limit`, no CRLF
/// yet): then the caller frames the line and parses it in full, which gives the same command
/// for every line this accepts.
///
/// Why: these lines are nearly all of a transaction, and their grammar already checks every
/// octet up to the closing `>` (none of them can be CR, LF, NUL or non-ASCII). Framing them
/// first meant a search for the LF and a check of every octet before the parse read them
/// again; here only the parameters, if any, are searched for the line's end.
#[inline(always)]
pub(crate) fn path_command(
    buf: &[u8],
    opts: &ParseOptions,
    limit: usize,
) -> Option<(Command, usize)> {
    let (rcpt, at) = if buf.get(..8).is_some_and(|v| keyword_eq(v, b"RCPT TO:")) {
        (true, 8)
    } else if buf.get(..10).is_some_and(|v| keyword_eq(v, b"MAIL FROM:")) {
        (false, 10)
    } else {
        return None;
    };
    let inner = buf.get(at..)?.strip_prefix(b"<")?;
    let (local, len) = mailbox_fast(inner, opts.long_local_part)?;
    let close = at + 1 + len;
    // The parameters are read up to the line's CR (within the limit), then the CRLF checked.
    let rest = buf.get(close..limit.min(buf.len()))?.strip_prefix(b">")?;
    let span = MbSpan {
        local,
        len,
        lit: None,
    };
    let src = Src::Borrowed(buf);
    let mailbox = build_mailbox(src, &inner[..len], span);
    if rest.starts_with(b"\r\n") {
        // No parameters: nothing more to read.
        let command = if rcpt {
            Command::Rcpt {
                to: ForwardPath::Mailbox(mailbox),
                parameters: Parameters::default(),
            }
        } else {
            Command::Mail {
                from: ReversePath::Mailbox(mailbox),
                parameters: Parameters::default(),
            }
        };
        return Some((command, close + 3));
    }
    let p = CmdParser {
        line: buf,
        src,
        opts,
        ascii: true,
        base: 5,
    };
    let (command, params_len) = if rcpt {
        p.rcpt_params(ForwardPath::Mailbox(mailbox), rest)
    } else {
        p.mail_params(ReversePath::Mailbox(mailbox), &buf[at..], rest)
    }
    .ok()?;
    let line_len = close + 1 + params_len;
    if buf.get(line_len..line_len + 2)? != b"\r\n" || line_len + 2 > limit {
        return None;
    }
    Some((command, line_len + 2))
}

const fn verb4(v: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*v)
}
const V_HELO: u32 = verb4(b"HELO");
const V_EHLO: u32 = verb4(b"EHLO");
const V_LHLO: u32 = verb4(b"LHLO");
const V_MAIL: u32 = verb4(b"MAIL");
const V_RCPT: u32 = verb4(b"RCPT");
const V_DATA: u32 = verb4(b"DATA");
const V_BDAT: u32 = verb4(b"BDAT");
const V_RSET: u32 = verb4(b"RSET");
const V_VRFY: u32 = verb4(b"VRFY");
const V_EXPN: u32 = verb4(b"EXPN");
const V_HELP: u32 = verb4(b"HELP");
const V_NOOP: u32 = verb4(b"NOOP");
const V_QUIT: u32 = verb4(b"QUIT");
const V_AUTH: u32 = verb4(b"AUTH");
const V_ETRN: u32 = verb4(b"ETRN");
const V_STAR: u32 = verb4(b"STAR");

/// Parses one command line (without its CRLF) with the given options.
///
/// A well-formed line with an unknown verb gives [`Command::Unknown`]; errors carry the kind
/// the server needs to pick its reply ([`ParseError::reply`]).
/// Texts longer than a few dozen bytes share `line`'s buffer; shorter ones are copied, which
/// is cheaper than a shared reference.
pub fn command_with(line: &Bytes, opts: &ParseOptions) -> Result<Command, ParseError> {
    parse_command(line, Src::Shared(line), opts)
}

fn parse_command(l: &[u8], src: Src<'_>, opts: &ParseOptions) -> Result<Command, ParseError> {
    let line = l;
    // One branch-free pass (lines are short: cheaper than a SIMD search call) for CR, LF, NUL
    // and non-ASCII bytes.
    let (mut ctl, mut high) = (false, 0u8);
    for &b in l {
        ctl |= b == b'\r' || b == b'\n' || b == 0;
        high |= b;
    }
    if ctl && let Some(p) = memchr::memchr3(b'\r', b'\n', 0, l) {
        let kind = if l[p] == 0 {
            K::Syntax
        } else {
            K::BareLineEnding
        };
        return Err(ParseError::new(kind, p));
    }
    let ascii = high < 0x80;
    let verb_end = l.iter().position(|&b| b == b' ').unwrap_or(l.len());
    let verb = &l[..verb_end];
    if verb.is_empty() || !verb.iter().all(|&b| is_ldh(b)) {
        let bad = verb.iter().position(|&b| !is_ldh(b)).unwrap_or(0);
        return Err(ParseError::new(K::Syntax, bad));
    }
    // The arguments after the verb's SP (`None`: nothing, not even a space).
    let args = l.get(verb_end + 1..);
    let code = if verb.len() == 4 || verb.len() == 8 {
        u32::from_le_bytes([verb[0], verb[1], verb[2], verb[3]]) & 0xDFDF_DFDF
    } else {
        0
    };
    let p = CmdParser {
        line,
        src,
        opts,
        ascii,
        base: verb_end + 1,
    };
    if verb.len() == 4 {
        // Non-ASCII bytes are only meaningful in the arguments of some verbs; invalid UTF-8
        // never is (except in an unknown command, kept as bytes).
        let known = matches!(
            code,
            V_HELO
                | V_EHLO
                | V_LHLO
                | V_MAIL
                | V_RCPT
                | V_DATA
                | V_BDAT
                | V_RSET
                | V_VRFY
                | V_EXPN
                | V_HELP
                | V_NOOP
                | V_QUIT
                | V_AUTH
                | V_ETRN
        );
        if known
            && !ascii
            && let Err(e) = std::str::from_utf8(l)
        {
            let kind = match code {
                V_MAIL | V_RCPT if !opts.smtputf8 => K::Utf8WithoutSmtpUtf8,
                V_MAIL => K::InvalidSender,
                V_RCPT => K::InvalidRecipient,
                _ => K::Syntax,
            };
            return Err(ParseError::new(kind, e.valid_up_to()));
        }
        match code {
            V_MAIL => return p.mail(args),
            V_RCPT => return p.rcpt(args),
            V_HELO => return p.hello(args, 0).map(|host| Command::Helo { host }),
            V_EHLO => return p.hello(args, 1).map(|host| Command::Ehlo { host }),
            V_LHLO => return p.hello(args, 1).map(|host| Command::Lhlo { host }),
            V_DATA => return p.no_args(args, Command::Data),
            V_RSET => return p.no_args(args, Command::Rset),
            V_QUIT => return p.no_args(args, Command::Quit),
            V_BDAT => return p.bdat(args),
            V_VRFY => {
                return p
                    .vrfy(args)
                    .map(|(string, smtputf8)| Command::Vrfy { string, smtputf8 });
            }
            V_EXPN => {
                return p
                    .vrfy(args)
                    .map(|(string, smtputf8)| Command::Expn { string, smtputf8 });
            }
            V_HELP => return p.opt_text(args).map(|topic| Command::Help { topic }),
            V_NOOP => return p.opt_text(args).map(|string| Command::Noop { string }),
            V_AUTH => return p.auth(args),
            V_ETRN => return p.etrn(args),
            _ => {}
        }
    } else if code == V_STAR && verb[4..].eq_ignore_ascii_case(b"TTLS") {
        return p.no_args(args, Command::StartTls);
    }
    Ok(Command::Unknown {
        verb: src.text(verb),
        arguments: args.map(|a| src.bytes(a)).unwrap_or_default(),
    })
}

struct CmdParser<'a> {
    line: &'a [u8],
    src: Src<'a>,
    opts: &'a ParseOptions,
    /// The whole line is ASCII (no SMTPUTF8 checks needed); for [`path_command`], which reads
    /// parameters before it has seen the whole line, it must be (a non-ASCII value is an
    /// error there, and the line goes the full way).
    ascii: bool,
    /// Offset of the first argument byte in the line.
    base: usize,
}

impl CmdParser<'_> {
    fn off(&self, rest: &[u8]) -> usize {
        self.line.len() - rest.len()
    }

    fn err(&self, kind: K, rest: &[u8]) -> ParseError {
        ParseError::new(kind, self.off(rest))
    }

    /// Drops trailing spaces when `extra_spaces` allows it.
    fn trim<'b>(&self, a: &'b [u8]) -> &'b [u8] {
        if self.opts.extra_spaces {
            let n = a.iter().rev().take_while(|&&b| b == b' ').count();
            &a[..a.len() - n]
        } else {
            a
        }
    }

    fn no_args(&self, args: Option<&[u8]>, cmd: Command) -> Result<Command, ParseError> {
        match args {
            None => Ok(cmd),
            Some(a) if self.trim(a).is_empty() && self.opts.extra_spaces => Ok(cmd),
            Some(a) => Err(ParseError::new(
                K::InvalidArguments,
                self.off(a).saturating_sub(1),
            )),
        }
    }

    fn required<'b>(&self, args: Option<&'b [u8]>) -> Result<&'b [u8], ParseError> {
        match args.map(|a| self.trim(a)) {
            Some(a) if !a.is_empty() => Ok(a),
            _ => Err(ParseError::new(
                K::InvalidArguments,
                self.base.min(self.line.len()),
            )),
        }
    }

    /// HELO (`kind == 0`: Domain only) and EHLO/LHLO (Domain / address-literal).
    fn hello(&self, args: Option<&[u8]>, kind: u8) -> Result<Host, ParseError> {
        let a = self.required(args)?;
        let strict = if kind == 0 && a.first() == Some(&b'[') {
            None
        } else {
            match host(self.src, a) {
                Ok((rest, h)) if rest.is_empty() && !h.is_utf8() => Some(h),
                _ => None,
            }
        };
        match strict {
            Some(h) => Ok(h),
            None if self.opts.lenient_helo && a.iter().all(|&b| (33..=126).contains(&b)) => {
                Ok(Host::Other(self.src.text(a)))
            }
            None => Err(self.err(K::InvalidArguments, a)),
        }
    }

    /// `FROM:` / `TO:` then the path, with the configured lenience; returns the rest.
    #[inline(always)]
    fn keyword_colon<'b>(&self, args: Option<&'b [u8]>, kw: &[u8]) -> Result<&'b [u8], ParseError> {
        let a = args.ok_or_else(|| ParseError::new(K::InvalidArguments, self.line.len()))?;
        let rest = strip_prefix_ci(a, kw).ok_or_else(|| self.err(K::InvalidArguments, a))?;
        if self.opts.space_after_colon {
            Ok(&rest[rest.iter().take_while(|&&b| b == b' ').count()..])
        } else {
            Ok(rest)
        }
    }

    fn mail(&self, args: Option<&[u8]>) -> Result<Command, ParseError> {
        let a = self.keyword_colon(args, b"FROM:")?;
        let (from, rest) = match self.fast_path(a) {
            Some((m, rest)) => (ReversePath::Mailbox(m), rest),
            None => {
                let (rest, p) =
                    path(a, self.opts).map_err(|e| self.nom_err(e, K::InvalidSender))?;
                let from = match p {
                    PathOut::Null => ReversePath::Null,
                    PathOut::Mailbox(raw, m) => {
                        ReversePath::Mailbox(build_mailbox(self.src, raw, m))
                    }
                    // `<Postmaster>` is not a valid reverse-path (it has no domain).
                    PathOut::Postmaster => return Err(self.err(K::InvalidSender, a)),
                };
                (from, rest)
            }
        };
        self.mail_params(from, a, rest).map(|(command, _)| command)
    }

    /// The parameters of MAIL after its reverse-path, `rest` (`a`: the path and what follows,
    /// for error offsets): the command, and the parameters' length (see [`Self::params`]).
    #[inline(always)]
    fn mail_params(
        &self,
        from: ReversePath,
        a: &[u8],
        rest: &[u8],
    ) -> Result<(Command, usize), ParseError> {
        // Boxed on the first parameter (most commands have none).
        let mut params = Parameters::<MailParameters>::default();
        let mut non_ascii_param = None;
        let len = self.params(rest, |kw, val, at| {
            if !self.ascii && non_ascii_param.is_none() && val.is_some_and(|v| !v.is_ascii()) {
                non_ascii_param = Some(at);
            }
            self.mail_param(&mut params, kw, val, at)
        })?;
        let utf8 = params.smtputf8 || self.opts.smtputf8;
        if !utf8 && !self.ascii {
            if let ReversePath::Mailbox(m) = &from
                && m.is_utf8()
            {
                return Err(self.err(K::Utf8WithoutSmtpUtf8, a));
            }
            if let Some(at) = non_ascii_param {
                return Err(ParseError::new(K::InvalidParameter, at));
            }
        }
        let command = Command::Mail {
            from,
            parameters: params,
        };
        Ok((command, len))
    }

    /// `<local@domain>` in the common form: the mailbox built in place, and the rest.
    #[inline(always)]
    fn fast_path<'b>(&self, a: &'b [u8]) -> Option<(Mailbox, &'b [u8])> {
        let inner = a.strip_prefix(b"<")?;
        let (local, len) = mailbox_fast(inner, self.opts.long_local_part)?;
        if inner.get(len) != Some(&b'>') {
            return None;
        }
        let span = MbSpan {
            local,
            len,
            lit: None,
        };
        Some((
            build_mailbox(self.src, &inner[..len], span),
            &inner[len + 1..],
        ))
    }

    fn rcpt(&self, args: Option<&[u8]>) -> Result<Command, ParseError> {
        let a = self.keyword_colon(args, b"TO:")?;
        let (to, rest) = match self.fast_path(a) {
            Some((m, rest)) => (ForwardPath::Mailbox(m), rest),
            None => {
                let (rest, p) =
                    path(a, self.opts).map_err(|e| self.nom_err(e, K::InvalidRecipient))?;
                let to = match p {
                    PathOut::Postmaster => ForwardPath::Postmaster,
                    PathOut::Mailbox(raw, m) => {
                        ForwardPath::Mailbox(build_mailbox(self.src, raw, m))
                    }
                    PathOut::Null => return Err(self.err(K::InvalidRecipient, a)),
                };
                (to, rest)
            }
        };
        if !self.ascii && !self.opts.smtputf8 && to.mailbox().is_some_and(Mailbox::is_utf8) {
            return Err(self.err(K::Utf8WithoutSmtpUtf8, a));
        }
        self.rcpt_params(to, rest).map(|(command, _)| command)
    }

    /// The parameters of RCPT after its forward-path, `rest`: the command, and the
    /// parameters' length (see [`Self::params`]).
    #[inline(always)]
    fn rcpt_params(&self, to: ForwardPath, rest: &[u8]) -> Result<(Command, usize), ParseError> {
        let mut params = Parameters::<RcptParameters>::default();
        let len = self.params(rest, |kw, val, at| {
            if !self.ascii && !self.opts.smtputf8 && val.is_some_and(|v| !v.is_ascii()) {
                // RFC 6533 allows UTF-8 in ORCPT=utf-8;... only under SMTPUTF8 too.
                return Err(ParseError::new(K::InvalidParameter, at));
            }
            self.rcpt_param(&mut params, kw, val, at)
        })?;
        let command = Command::Rcpt {
            to,
            parameters: params,
        };
        Ok((command, len))
    }

    fn nom_err(&self, e: nom::Err<NomErr<'_>>, kind: K) -> ParseError {
        match e {
            nom::Err::Error(e) | nom::Err::Failure(e) => self.err(kind, e.input),
            nom::Err::Incomplete(_) => ParseError::new(kind, self.line.len()),
        }
    }

    /// Splits `SP esmtp-param *(SP esmtp-param)` and calls `f(keyword, value, offset)`; gives
    /// the length read. The parameters end at the end of `rest` or at a CR: a framed line has
    /// none, and [`path_command`] reads them from its unframed buffer up to the line's CRLF.
    fn params<'b>(
        &self,
        mut rest: &'b [u8],
        mut f: impl FnMut(&'b [u8], Option<&'b [u8]>, usize) -> Result<(), ParseError>,
    ) -> Result<usize, ParseError> {
        let all = rest.len();
        let end = |r: &[u8]| r.first().is_none_or(|&b| b == b'\r');
        loop {
            if end(rest) {
                return Ok(all - rest.len());
            }
            // separator
            let spaces = match rest {
                [b' ', next, ..] if *next != b' ' => 1,
                _ => rest.iter().take_while(|&&b| b == b' ').count(),
            };
            if spaces == 0 || (spaces > 1 && !self.opts.extra_spaces) {
                return Err(self.err(K::InvalidArguments, rest));
            }
            rest = &rest[spaces..];
            if end(rest) {
                return if self.opts.extra_spaces {
                    Ok(all - rest.len())
                } else {
                    Err(self.err(K::InvalidArguments, rest))
                };
            }
            let at = self.off(rest);
            let kw_len = runs::keyword_len(rest);
            if kw_len == 0 || rest[0] == b'-' {
                return Err(self.err(K::InvalidArguments, rest));
            }
            let kw = &rest[..kw_len];
            rest = &rest[kw_len..];
            let val = if let Some(r) = rest.strip_prefix(b"=") {
                // (Only an unframed read, which has not looked at the line, meets a non-ASCII
                // octet where `ascii` is claimed: it ends the value, and the next check fails.)
                let vlen = if self.ascii {
                    runs::ascii_value_len(r)
                } else {
                    runs::value_len(r)
                };
                if vlen == 0 {
                    return Err(self.err(K::InvalidParameter, r));
                }
                rest = &r[vlen..];
                Some(&r[..vlen])
            } else {
                None
            };
            if !end(rest) && rest[0] != b' ' {
                let kind = if val.is_some() {
                    K::InvalidParameter
                } else {
                    K::InvalidArguments
                };
                return Err(self.err(kind, rest));
            }
            f(kw, val, at)?;
        }
    }

    #[inline(always)]
    fn text(&self, s: &[u8]) -> Text {
        self.src.text(s)
    }

    fn unknown_param(&self, kw: &[u8], val: Option<&[u8]>) -> Parameter {
        Parameter {
            keyword: self.text(kw),
            value: val.map(|v| self.text(v)),
        }
    }

    fn mail_param(
        &self,
        p: &mut MailParameters,
        kw: &[u8],
        val: Option<&[u8]>,
        at: usize,
    ) -> Result<(), ParseError> {
        let bad = || ParseError::new(K::InvalidParameter, at);
        macro_rules! once {
            ($field:expr, $v:expr) => {{
                if $field.is_some() {
                    return Err(bad());
                }
                $field = Some($v);
            }};
        }
        match keyword(kw) {
            Kw::Size => once!(p.size, val.and_then(number).ok_or_else(bad)?),
            Kw::Body => {
                let v = val.ok_or_else(bad)?;
                let b = if keyword_eq(v, b"7BIT") {
                    Body::SevenBit
                } else if keyword_eq(v, b"8BITMIME") {
                    Body::EightBitMime
                } else if keyword_eq(v, b"BINARYMIME") {
                    Body::BinaryMime
                } else {
                    return Err(bad());
                };
                once!(p.body, b)
            }
            Kw::SmtpUtf8 => {
                if val.is_some() || p.smtputf8 {
                    return Err(bad());
                }
                p.smtputf8 = true;
            }
            Kw::RequireTls => {
                if val.is_some() || p.requiretls {
                    return Err(bad());
                }
                p.requiretls = true;
            }
            Kw::Ret => {
                let v = val.ok_or_else(bad)?;
                let r = if keyword_eq(v, b"FULL") {
                    DsnReturn::Full
                } else if keyword_eq(v, b"HDRS") {
                    DsnReturn::Headers
                } else {
                    return Err(bad());
                };
                once!(p.ret, r)
            }
            Kw::Envid => {
                let v = val
                    .filter(|v| v.len() <= 100 && is_xtext_value(v, false))
                    .ok_or_else(bad)?;
                once!(p.envid, XText(self.text(v)))
            }
            Kw::Auth => {
                let v = val.ok_or_else(bad)?;
                let a = if v == b"<>" {
                    MailAuth::Unknown
                } else if is_xtext_value(v, false) {
                    MailAuth::Identity(XText(self.text(v)))
                } else {
                    return Err(bad());
                };
                once!(p.auth, a)
            }
            Kw::MtPriority => {
                let v = val
                    .and_then(signed)
                    .filter(|v| (-9..=9).contains(v))
                    .ok_or_else(bad)?;
                once!(p.mt_priority, v as i8)
            }
            Kw::HoldFor => {
                let v = val
                    .filter(|v| v.len() <= 9)
                    .and_then(number)
                    .ok_or_else(bad)?;
                once!(p.future_release, FutureRelease::HoldFor(v))
            }
            Kw::HoldUntil => {
                let v = val.filter(|v| is_datetime(v)).ok_or_else(bad)?;
                once!(p.future_release, FutureRelease::HoldUntil(self.text(v)))
            }
            Kw::By => once!(p.deliver_by, val.and_then(deliver_by).ok_or_else(bad)?),
            _ => {
                if p.other
                    .iter()
                    .any(|o| o.keyword.as_bytes().eq_ignore_ascii_case(kw))
                {
                    return Err(bad());
                }
                p.other.push(self.unknown_param(kw, val))
            }
        }
        Ok(())
    }

    fn rcpt_param(
        &self,
        p: &mut RcptParameters,
        kw: &[u8],
        val: Option<&[u8]>,
        at: usize,
    ) -> Result<(), ParseError> {
        let bad = || ParseError::new(K::InvalidParameter, at);
        match keyword(kw) {
            Kw::Notify => {
                let n = val.and_then(notify).ok_or_else(bad)?;
                if p.notify.replace(n).is_some() {
                    return Err(bad());
                }
            }
            Kw::Orcpt => {
                let v = val.ok_or_else(bad)?;
                // Nearly every ORCPT is `rfc822;`: its type needs no search and no check.
                let semi = if v.len() > 7 && keyword_eq(&v[..7], b"RFC822;") {
                    6
                } else {
                    v.iter().position(|&b| b == b';').ok_or_else(bad)?
                };
                let (ty, addr) = (&v[..semi], &v[semi + 1..]);
                let utf8 = ty.eq_ignore_ascii_case(b"utf-8");
                if ty.is_empty()
                    || !ty.iter().all(|&b| is_atext(b))
                    || addr.is_empty()
                    || addr.len() > 500
                    // (an ASCII line has no octet for the UTF-8 test to refuse)
                    || !is_xtext_value(addr, utf8 || self.ascii)
                    || p.orcpt.is_some()
                {
                    return Err(bad());
                }
                p.orcpt = Some(OriginalRecipient {
                    addr_type: self.text(ty),
                    address: XText(self.text(addr)),
                });
            }
            Kw::Rrvs => {
                let v = val.ok_or_else(bad)?;
                let (dt, mode) = match v.iter().position(|&b| b == b';') {
                    None => (v, None),
                    Some(s) => {
                        let m = match &v[s + 1..] {
                            b"C" | b"c" => RrvsMode::Continue,
                            b"R" | b"r" => RrvsMode::Reject,
                            _ => return Err(bad()),
                        };
                        (&v[..s], Some(m))
                    }
                };
                if !is_datetime(dt) {
                    return Err(bad());
                }
                if p.rrvs
                    .replace(Rrvs {
                        datetime: self.text(dt),
                        mode,
                    })
                    .is_some()
                {
                    return Err(bad());
                }
            }
            _ => {
                if p.other
                    .iter()
                    .any(|o| o.keyword.as_bytes().eq_ignore_ascii_case(kw))
                {
                    return Err(bad());
                }
                p.other.push(self.unknown_param(kw, val))
            }
        }
        Ok(())
    }

    fn bdat(&self, args: Option<&[u8]>) -> Result<Command, ParseError> {
        let a = self.required(args)?;
        let (size, rest) = match memchr::memchr(b' ', a) {
            Some(s) => (&a[..s], Some(&a[s + 1..])),
            None => (a, None),
        };
        let size = number(size).ok_or_else(|| self.err(K::InvalidArguments, a))?;
        let last = match rest {
            None => false,
            Some(r) if r.eq_ignore_ascii_case(b"LAST") => true,
            Some(r) => return Err(self.err(K::InvalidArguments, r)),
        };
        Ok(Command::Bdat { size, last })
    }

    fn check_text(&self, a: &[u8], utf8: bool) -> Result<(), ParseError> {
        match a.iter().position(|&b| !is_text(b) || (!utf8 && b >= 0x80)) {
            None => Ok(()),
            Some(p) => Err(self.err(K::InvalidArguments, &a[p..])),
        }
    }

    /// `VRFY`/`EXPN`: `SP String [SP "SMTPUTF8"]`. The string is any printable text (clients
    /// send `user`, `user@domain`, `<user@domain>` or a quoted name); the server interprets it.
    fn vrfy(&self, args: Option<&[u8]>) -> Result<(Text, bool), ParseError> {
        let a = self.required(args)?;
        let (s, utf8) = match a.len().checked_sub(9) {
            Some(n) if n > 0 && a[n] == b' ' && a[n + 1..].eq_ignore_ascii_case(b"SMTPUTF8") => {
                (&a[..n], true)
            }
            _ => (a, false),
        };
        self.check_text(s, utf8 || self.opts.smtputf8)?;
        Ok((self.text(s), utf8))
    }

    fn opt_text(&self, args: Option<&[u8]>) -> Result<Option<Text>, ParseError> {
        match args.map(|a| self.trim(a)) {
            None => Ok(None),
            Some([]) if self.opts.extra_spaces => Ok(None),
            Some([]) => Err(ParseError::new(K::InvalidArguments, self.line.len())),
            Some(a) => {
                self.check_text(a, true)?;
                Ok(Some(self.text(a)))
            }
        }
    }

    fn etrn(&self, args: Option<&[u8]>) -> Result<Command, ParseError> {
        let a = self.required(args)?;
        let body = a
            .strip_prefix(b"@")
            .or_else(|| a.strip_prefix(b"#"))
            .unwrap_or(a);
        if body.is_empty() || !body.iter().all(|&b| (33..=126).contains(&b)) {
            return Err(self.err(K::InvalidArguments, a));
        }
        Ok(Command::Etrn { name: self.text(a) })
    }

    fn auth(&self, args: Option<&[u8]>) -> Result<Command, ParseError> {
        let a = self.required(args)?;
        let (mech, ir) = match memchr::memchr(b' ', a) {
            Some(s) => (&a[..s], Some(&a[s + 1..])),
            None => (a, None),
        };
        let mechanism =
            AuthMechanism::from_name(mech).ok_or_else(|| self.err(K::InvalidArguments, a))?;
        let initial_response = match ir {
            None => None,
            Some(b"=") => Some(Secret::default()),
            Some(r) => Some(decode_base64(r).ok_or_else(|| self.err(K::InvalidBase64, r))?),
        };
        Ok(Command::Auth {
            mechanism,
            initial_response,
        })
    }
}

/// The MAIL/RCPT parameter keywords this crate types.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kw {
    Size,
    Body,
    SmtpUtf8,
    Ret,
    Envid,
    Auth,
    RequireTls,
    MtPriority,
    HoldFor,
    HoldUntil,
    By,
    Notify,
    Orcpt,
    Rrvs,
    Other,
}

/// Recognises a parameter keyword (case-insensitively) without copying it.
#[inline(always)]
fn keyword(kw: &[u8]) -> Kw {
    let is = |s: &[u8]| keyword_eq(kw, s);
    match kw.len() {
        2 if is(b"BY") => Kw::By,
        3 if is(b"RET") => Kw::Ret,
        4 if is(b"SIZE") => Kw::Size,
        4 if is(b"BODY") => Kw::Body,
        4 if is(b"AUTH") => Kw::Auth,
        4 if is(b"RRVS") => Kw::Rrvs,
        5 if is(b"ENVID") => Kw::Envid,
        5 if is(b"ORCPT") => Kw::Orcpt,
        6 if is(b"NOTIFY") => Kw::Notify,
        7 if is(b"HOLDFOR") => Kw::HoldFor,
        8 if is(b"SMTPUTF8") => Kw::SmtpUtf8,
        9 if is(b"HOLDUNTIL") => Kw::HoldUntil,
        10 if is(b"REQUIRETLS") => Kw::RequireTls,
        11 if is(b"MT-PRIORITY") => Kw::MtPriority,
        _ => Kw::Other,
    }
}

/// `1*20DIGIT` as u64 (no sign, no overflow).
fn number(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0u64, |a, &d| {
        a.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

/// `["+" / "-"] 1*DIGIT` as i64 (at most 18 digits).
fn signed(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.len() > 18 {
        return None;
    }
    let n = i64::try_from(number(digits)?).ok()?;
    Some(if neg { -n } else { n })
}

/// RFC 2852: `by-time ";" by-mode [by-trace]`, by-time `["-" / "+"] 1*9DIGIT`.
fn deliver_by(v: &[u8]) -> Option<DeliverBy> {
    let semi = v.iter().position(|&b| b == b';')?;
    let (t, m) = (&v[..semi], &v[semi + 1..]);
    let digits = t
        .strip_prefix(b"-")
        .or_else(|| t.strip_prefix(b"+"))
        .unwrap_or(t);
    if digits.len() > 9 {
        return None;
    }
    let seconds = signed(t)?;
    let (mode, trace) = match m {
        [mode] => (*mode, false),
        [mode, b'T' | b't'] => (*mode, true),
        _ => return None,
    };
    let mode = match mode {
        b'R' | b'r' => DeliverByMode::Return,
        b'N' | b'n' => DeliverByMode::Notify,
        _ => return None,
    };
    // RFC 2852 §4: with R, the by-time must be positive.
    if mode == DeliverByMode::Return && seconds <= 0 {
        return None;
    }
    Some(DeliverBy {
        seconds,
        mode,
        trace,
    })
}

/// `NEVER` / `1#( SUCCESS / FAILURE / DELAY )`, each at most once.
fn notify(v: &[u8]) -> Option<Notify> {
    if keyword_eq(v, b"NEVER") {
        return Some(Notify::NEVER);
    }
    let mut n = Notify::default();
    for item in v.split(|&b| b == b',') {
        let flag = if keyword_eq(item, b"SUCCESS") {
            &mut n.success
        } else if keyword_eq(item, b"FAILURE") {
            &mut n.failure
        } else if keyword_eq(item, b"DELAY") {
            &mut n.delay
        } else {
            return None;
        };
        if *flag {
            return None;
        }
        *flag = true;
    }
    Some(n)
}

/// [`is_xtext`] for (part of) an `esmtp-value`, which holds no SP, CTL or `=` already: only
/// the `+` escapes and, without `utf8`, non-ASCII octets are left to check, and most values
/// have neither.
fn is_xtext_value(v: &[u8], utf8: bool) -> bool {
    (memchr::memchr(b'+', v).is_none() && (utf8 || v.is_ascii())) || is_xtext(v, utf8)
}

/// xtext (RFC 3461 §4): xchar or `+` two upper-case hex digits. With `utf8` (ORCPT `utf-8`,
/// RFC 6533) also `\x{HEX}` escapes and raw UTF-8 (the caller checked validity).
fn is_xtext(v: &[u8], utf8: bool) -> bool {
    let mut i = 0;
    while i < v.len() {
        let b = v[i];
        if b == b'+' {
            if i + 2 >= v.len() {
                return false;
            }
            if !(is_upper_hex(v[i + 1]) && is_upper_hex(v[i + 2])) {
                return false;
            }
            i += 3;
        } else if is_xchar(b) || (utf8 && b >= 0x80) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// A loose RFC 3339 `date-time` check: digits, `-`, `:`, `.`, `+`, `T`, `Z`; 10..=40 octets.
fn is_datetime(v: &[u8]) -> bool {
    (10..=40).contains(&v.len())
        && v[..4].iter().all(u8::is_ascii_digit)
        && v.iter()
            .all(|&b| b.is_ascii_digit() || b"-:.+TtZz".contains(&b))
}

fn decode_base64(s: &[u8]) -> Option<Secret> {
    if s.is_empty() {
        return Some(Secret::default());
    }
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .ok()
        .map(Secret::from)
}

// ---------------------------------------------------------------------------------------------
// standalone address helpers (used by the types' constructors)
// ---------------------------------------------------------------------------------------------

pub(crate) fn domain_str(s: &str, smtputf8: bool) -> Result<Domain, ParseError> {
    match domain(s.as_bytes()) {
        Ok((rest, d)) if rest.is_empty() && d.len() <= 255 && (smtputf8 || d.is_ascii()) => {
            Ok(Domain(Text::from(s)))
        }
        Ok((rest, _)) => Err(ParseError::new(K::InvalidArguments, s.len() - rest.len())),
        Err(_) => Err(ParseError::new(K::InvalidArguments, 0)),
    }
}

pub(crate) fn host_str(s: &str) -> Result<Host, ParseError> {
    match host(Src::Borrowed(s.as_bytes()), s.as_bytes()) {
        Ok(([], h)) if s.is_ascii() => Ok(h),
        _ => Err(ParseError::new(K::InvalidArguments, 0)),
    }
}

pub(crate) fn mailbox_str(s: &str, smtputf8: bool) -> Result<Mailbox, ParseError> {
    match mailbox(Src::Borrowed(s.as_bytes()), s.as_bytes(), true) {
        Ok(([], m)) => {
            if m.is_utf8() && !smtputf8 {
                Err(ParseError::new(K::Utf8WithoutSmtpUtf8, 0))
            } else {
                Ok(m)
            }
        }
        Ok((rest, _)) => Err(ParseError::new(K::InvalidRecipient, s.len() - rest.len())),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(ParseError::new(
            K::InvalidRecipient,
            s.len() - e.input.len(),
        )),
        Err(nom::Err::Incomplete(_)) => Err(ParseError::new(K::InvalidRecipient, s.len())),
    }
}

pub(crate) fn xtext_str(s: &str, utf8: bool) -> Result<XText, ParseError> {
    if is_xtext(s.as_bytes(), utf8) {
        Ok(XText(Text::from(s)))
    } else {
        Err(ParseError::new(K::InvalidParameter, 0))
    }
}

// ---------------------------------------------------------------------------------------------
// replies (client side)
// ---------------------------------------------------------------------------------------------

/// Parses one complete reply from the start of `buf` with default [`ReplyOptions`].
///
/// Returns `Ok(None)` when `buf` does not yet hold a complete reply (never an error for a
/// strict prefix of a valid reply), else the reply and the number of bytes it used. The text
/// is copied once into a shared buffer. Multi-line replies must use the same code on every
/// line; a bare code line (`250\r\n`) is accepted; enhanced status codes are recognised per
/// line when their class matches the reply code's first digit (RFC 2034 §4).
///
/// This rescans `buf` from its start on each call; a client reading many small segments should
/// use [`crate::framing::ReplyReader`], which does not.
pub fn reply(buf: &[u8]) -> Result<Option<(Reply, usize)>, ParseError> {
    reply_with(buf, &ReplyOptions::default())
}

/// [`reply`] with options.
pub fn reply_with(buf: &[u8], opts: &ReplyOptions) -> Result<Option<(Reply, usize)>, ParseError> {
    match reply_end(buf, 0, 0, opts)? {
        ReplyScan::Complete { end, lines } => {
            let frame = Bytes::copy_from_slice(&buf[..end]);
            Ok(Some((reply_frame(frame, lines)?, end)))
        }
        ReplyScan::Partial { .. } => Ok(None),
    }
}

/// Where the scan of a reply buffer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReplyScan {
    /// The reply ends at offset `end` (after its last line's line ending) and has `lines`
    /// lines.
    Complete { end: usize, lines: usize },
    /// Not complete: the next line starts at `next`, and `lines` complete lines were seen.
    Partial { next: usize, lines: usize },
}

/// Finds the end of the first reply in `buf`, starting the scan at `from` (a line start) with
/// `lines` lines already seen. Checks line syntax, codes and limits as it goes.
pub(crate) fn reply_end(
    buf: &[u8],
    mut from: usize,
    mut lines: usize,
    opts: &ReplyOptions,
) -> Result<ReplyScan, ParseError> {
    loop {
        let rest = &buf[from..];
        // The usual line, complete and valid, taken in one look at its head and one scan for
        // its CRLF; anything else goes the careful way below, which decides the same for it.
        if let Some(&[c0, c1, c2, sep]) = rest.first_chunk::<4>()
            && (sep == b' ' || sep == b'-')
            && match buf.first_chunk::<3>() {
                Some(first) if from > 0 || lines > 0 => *first == [c0, c1, c2],
                _ => is_reply_code(&[c0, c1, c2]),
            }
            && let Some(cr) = find_byte2(&rest[4..], b'\r', b'\n')
            && rest[4 + cr] == b'\r'
            && rest.get(5 + cr) == Some(&b'\n')
            && 6 + cr <= opts.max_line_len
        {
            lines += 1;
            from += 6 + cr;
            if sep == b' ' {
                return Ok(ReplyScan::Complete { end: from, lines });
            }
            if lines >= opts.max_lines {
                return Err(ParseError::new(K::ReplyTooLong, from));
            }
            continue;
        }
        // One pass finds the line's end and any CR inside it: `(content_end, lf)`, or the
        // offset of a stray CR or LF, or nothing yet.
        let (end, stray) = match memchr::memchr2(b'\r', b'\n', rest) {
            Some(cr) if rest[cr] == b'\r' => match rest.get(cr + 1) {
                Some(b'\n') => (Some((cr, cr + 1)), None),
                Some(_) => (None, Some((cr, cr + 2))),
                None => (None, None),
            },
            Some(lf) if opts.allow_bare_lf => (Some((lf, lf)), None),
            Some(lf) => (None, Some((lf, lf + 1))),
            None => (None, None),
        };
        // Errors are checked in the same order however the bytes were split: a line that
        // cannot end within the limit, a bad start, then what is wrong further on.
        if let Some((at, seen)) = stray {
            if seen > opts.max_line_len {
                return Err(ParseError::new(K::ReplyTooLong, from));
            }
            check_reply_prefix(buf, from)?;
            return Err(ParseError::new(K::InvalidReply, from + at));
        }
        let Some((content_end, lf)) = end else {
            if rest.len() >= opts.max_line_len {
                return Err(ParseError::new(K::ReplyTooLong, from));
            }
            check_reply_prefix(buf, from)?;
            return Ok(ReplyScan::Partial { next: from, lines });
        };
        if lf + 1 > opts.max_line_len {
            return Err(ParseError::new(K::ReplyTooLong, from));
        }
        check_reply_prefix(buf, from)?;
        let line = &rest[..content_end];
        let (code, last) = reply_line_head(line).ok_or(ParseError::new(K::InvalidReply, from))?;
        if from > 0 || lines > 0 {
            // Same code as the first line (RFC 5321 §4.2.1).
            if buf.get(..3) != Some(&code[..]) {
                return Err(ParseError::new(K::InconsistentReplyCode, from));
            }
        }
        lines += 1;
        from += lf + 1;
        if last {
            return Ok(ReplyScan::Complete { end: from, lines });
        }
        if lines >= opts.max_lines {
            return Err(ParseError::new(K::ReplyTooLong, from));
        }
    }
}

/// Checks the first bytes of an incomplete reply line, so garbage fails before a line ending.
fn check_reply_prefix(buf: &[u8], from: usize) -> Result<(), ParseError> {
    let rest = &buf[from..];
    for (i, &b) in rest.iter().take(4).enumerate() {
        let ok = match i {
            0 => (b'2'..=b'5').contains(&b),
            1 => (b'0'..=b'5').contains(&b),
            2 => b.is_ascii_digit(),
            _ => b == b' ' || b == b'-' || b == b'\r' || b == b'\n',
        };
        if !ok {
            return Err(ParseError::new(K::InvalidReply, from + i));
        }
        if from > 0 && i < 3 && buf[i] != b {
            return Err(ParseError::new(K::InconsistentReplyCode, from));
        }
    }
    Ok(())
}

/// `Reply-code [ ("-" / SP) textstring ]`: the code digits and whether this is the last line.
fn reply_line_head(line: &[u8]) -> Option<([u8; 3], bool)> {
    let code = *line.first_chunk::<3>()?;
    if !is_reply_code(&code) {
        return None;
    }
    match line.get(3) {
        None => Some((code, true)),
        Some(b' ') => Some((code, true)),
        Some(b'-') => Some((code, false)),
        Some(_) => None,
    }
}

/// `Reply-code`: a first digit 2-5, a second 0-5, a third 0-9 (RFC 5321 §4.2).
#[inline(always)]
fn is_reply_code(c: &[u8; 3]) -> bool {
    (b'2'..=b'5').contains(&c[0]) && (b'0'..=b'5').contains(&c[1]) && c[2].is_ascii_digit()
}

/// A single-line reply `ddd SP text CRLF` at the front of `buf`, `len` bytes with its CRLF
/// (the caller checked the SP, the CRLF and that no other CR or LF comes before it); takes it
/// off `buf`, also when it is invalid.
///
/// A short text is copied into the reply (cheaper than sharing: no reference count); a long
/// one is split off `buf` and shared, without a copy.
#[inline(always)]
pub(crate) fn reply_single(buf: &mut BytesMut, len: usize) -> Result<Reply, ParseError> {
    let (code, enhanced, skip) = match single_head(&buf[..len - 2]) {
        Ok(head) => head,
        Err(e) => {
            buf.advance(len);
            return Err(e);
        }
    };
    let text_len = len - 6 - skip;
    let text = if text_len <= Compact::INLINE {
        let t = Compact::copy_within(buf, &buf[4 + skip..len - 2]);
        buf.advance(len);
        t
    } else {
        // The whole line split off, then narrowed to its text (no more calls into the buffer).
        let mut line = buf.split_to(len).freeze();
        line.truncate(len - 2);
        line.advance(4 + skip);
        Compact::from(line)
    };
    Ok(Reply::single(code, ReplyLine::from_parts(enhanced, text)))
}

/// The code, enhanced code and the length of the enhanced code's prefix of a single-line
/// reply `line` (without CRLF, and without CR or LF inside).
#[inline(always)]
fn single_head(line: &[u8]) -> Result<(ReplyCode, Option<EnhancedStatusCode>, usize), ParseError> {
    // (The caller checked what follows the code: a SP or the end.)
    let c = match line.first_chunk::<3>() {
        Some(c) if is_reply_code(c) => *c,
        _ => return Err(ParseError::new(K::InvalidReply, 0)),
    };
    let code = reply_code(c);
    let text = line.get(4..).unwrap_or_default();
    Ok(match enhanced_code(text, c[0] - b'0') {
        Some((esc, n)) => (code, Some(esc), n),
        None => (code, None, 0),
    })
}

/// The code of a reply line whose first three bytes [`is_reply_code`] accepted.
#[inline(always)]
fn reply_code(c: [u8; 3]) -> ReplyCode {
    debug_assert!(is_reply_code(&c));
    ReplyCode::from_checked_digits(c)
}

/// Builds a [`Reply`] from a complete reply of `count` lines, checked by `reply_end`: a
/// single line is taken apart now, a longer reply keeps its wire lines.
///
/// Inlined so that the reply is built where the caller keeps it: returned through memory, it
/// was copied in pieces that straddle the stores that had just written it, which stall.
#[inline(always)]
pub(crate) fn reply_frame(frame: Bytes, count: usize) -> Result<Reply, ParseError> {
    if count > 1 {
        let (c, _) = frame
            .get(..4)
            .and_then(reply_line_head)
            .ok_or(ParseError::new(K::InvalidReply, 0))?;
        return Ok(Reply::from_wire(reply_code(c), frame, count));
    }
    let line = frame.strip_suffix(b"\n").unwrap_or(&frame);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let (code, enhanced, skip) = single_head(line)?;
    let text = line.get(4 + skip..).unwrap_or_default();
    Ok(Reply::single(
        code,
        ReplyLine::from_parts(enhanced, Compact::share(&frame, text)),
    ))
}

/// An enhanced status code at the start of reply text (`c.s.d` then SP or end), whose class
/// matches the reply code's first digit. Returns it and the bytes to skip (code and one SP).
#[inline(always)]
pub(crate) fn enhanced_code(text: &[u8], class: u8) -> Option<(EnhancedStatusCode, usize)> {
    // The usual shape, `c.d.d` with one-digit subject and detail and a space after, in one
    // fixed-size look.
    if let Some(&[c, b'.', s, b'.', d, b' ']) = text.first_chunk::<6>()
        && c == b'0' + class
        && s.is_ascii_digit()
        && d.is_ascii_digit()
    {
        let esc = EnhancedStatusCode::new(class, u16::from(s - b'0'), u16::from(d - b'0'))?;
        return Some((esc, 6));
    }
    // Most text without an enhanced code fails on its first byte.
    if text.first() != Some(&(b'0' + class)) {
        return None;
    }
    enhanced_code_general(text, class)
}

/// [`enhanced_code`] for any shape.
fn enhanced_code_general(text: &[u8], class: u8) -> Option<(EnhancedStatusCode, usize)> {
    fn num(s: &[u8]) -> Option<(u16, usize)> {
        let n = s.iter().take(4).take_while(|b| b.is_ascii_digit()).count();
        if n == 0 || n > 3 {
            return None;
        }
        Some((
            s[..n].iter().fold(0, |a, &d| a * 10 + u16::from(d - b'0')),
            n,
        ))
    }
    let c = *text.first()?;
    if c != b'0' + class || text.get(1) != Some(&b'.') {
        return None;
    }
    let (subject, n1) = num(&text[2..])?;
    let p = 2 + n1;
    if text.get(p) != Some(&b'.') {
        return None;
    }
    let (detail, n2) = num(&text[p + 1..])?;
    let end = p + 1 + n2;
    let skip = match text.get(end) {
        None => end,
        Some(b' ') => end + 1,
        Some(_) => return None,
    };
    Some((EnhancedStatusCode::new(class, subject, detail)?, skip))
}

/// Reads a `250` reply to EHLO/LHLO as an [`EhloResponse`].
///
/// The first line is `domain [greeting]`; every following line is one capability. Lines that
/// do not fit a known keyword's grammar are kept as [`Capability::Other`], so a server's
/// oddity never loses the rest of the list. Errors only when the code is not 250.
///
/// A received reply's capability lines are shared with it, not copied, and summarised in one
/// pass (see [`EhloResponse`]).
pub fn ehlo_response(reply: &Reply) -> Result<EhloResponse, ParseError> {
    if reply.code() != ReplyCode::OK {
        return Err(ParseError::new(K::UnexpectedReply, 0));
    }
    if let Some((frame, count)) = reply.wire() {
        let mut rest: &[u8] = frame;
        let first = next_wire_line(&mut rest);
        let (domain, greeting) = ehlo_greet(first, |s| shared_text(frame, s));
        return Ok(EhloResponse::from_wire(
            domain,
            greeting,
            frame.slice_ref(rest),
            count - 1,
        ));
    }
    // A reply built in memory (one line, or lines made by the application).
    let mut lines = reply.lines();
    let first = lines.next().map(line_text).unwrap_or_default();
    let (domain, greeting) = ehlo_greet(&first, lossy_text);
    Ok(EhloResponse::from_texts(
        domain,
        greeting,
        lines.map(line_text),
    ))
}

/// A multi-line `250` reply at the front of `buf`, framed and its capabilities summarised in
/// one pass (see [`ehlo_frame`]).
pub(crate) struct EhloFrame {
    /// The reply's length, line endings included.
    pub(crate) end: usize,
    /// Its lines, the first (domain and greeting) included.
    pub(crate) count: usize,
    /// The first line's length with its CRLF.
    pub(crate) first: usize,
    /// What the capability lines offer.
    pub(crate) offered: Offered,
}

/// Frames the usual EHLO reply at the front of `buf` — `250-` lines, each ending in CRLF and
/// within the limits, then a `250 ` line — and summarises its capability lines on the way.
/// `None` for anything else (another code, one line, a bare LF, a line too long, not complete
/// yet, an error): then the caller frames the reply in full and summarises it afterwards,
/// which gives the same reply and capabilities for every reply this accepts.
///
/// Why: an EHLO reply is a dozen short lines; framing them and then reading them again for
/// their keywords looked at every line twice.
pub(crate) fn ehlo_frame(buf: &[u8], opts: &ReplyOptions) -> Option<EhloFrame> {
    const MORE: u32 = u32::from_le_bytes(*b"250-");
    const LAST: u32 = u32::from_le_bytes(*b"250 ");
    let head = |at: usize| {
        buf.get(at..)
            .and_then(<[u8]>::first_chunk::<4>)
            .map(|h| u32::from_le_bytes(*h))
    };
    if head(0)? != MORE {
        return None;
    }
    let cr = 4 + find_byte2(&buf[4..], b'\r', b'\n')?;
    let first = cr + 2;
    if buf.get(cr..first)? != b"\r\n" || first > opts.max_line_len {
        return None;
    }
    let (mut at, mut count, mut offered) = (first, 1, Offered::default());
    loop {
        if count >= opts.max_lines {
            return None;
        }
        let last = match head(at)? {
            MORE => false,
            LAST => true,
            _ => return None,
        };
        // The keyword ends at a space or at the line's end; the parameters, if any, at the
        // line's end.
        let text = &buf[at + 4..];
        let sp = find_byte2(text, b' ', b'\r')?;
        let kw = &text[..sp];
        let (offer, len) = if text[sp] == b'\r' {
            (alone_offer(kw), sp)
        } else {
            let end = sp + find_byte2(&text[sp..], b'\r', b'\n')?;
            (offer(kw, &text[sp..end]), end)
        };
        // (A known keyword has no LF in it; an unknown one is checked.)
        if text.get(len..len + 2)? != b"\r\n"
            || (offer == Offer::Other && memchr::memchr(b'\n', kw).is_some())
            || len + 6 > opts.max_line_len
        {
            return None;
        }
        offered.note(offer);
        at += len + 6;
        count += 1;
        if last {
            return Some(EhloFrame {
                end: at,
                count,
                first,
                offered,
            });
        }
    }
}

/// The domain and greeting of an EHLO reply's first line, each made into text by `text`.
pub(crate) fn ehlo_greet(first: &[u8], text: impl Fn(&[u8]) -> Text) -> (Text, Text) {
    match find_byte2(first, b' ', b' ') {
        Some(sp) => (text(&first[..sp]), text(&first[sp + 1..])),
        None => (text(first), Text::new()),
    }
}

/// A reply line's text with an enhanced code that the reply parser took off put back (an
/// EHLO line has none; `250 2.0.0` there would be a host called `2.0.0`).
fn line_text(l: ReplyLineRef<'_>) -> Cow<'_, [u8]> {
    match l.enhanced {
        None => Cow::Borrowed(l.text()),
        Some(e) if l.text().is_empty() => Cow::Owned(e.to_string().into_bytes()),
        Some(e) => Cow::Owned(format!("{e} {}", l.text_lossy()).into_bytes()),
    }
}

/// `s` as text: a copy, with U+FFFD for invalid UTF-8.
fn lossy_text(s: &[u8]) -> Text {
    match std::str::from_utf8(s) {
        Ok(_) => Text::copy_checked(s),
        Err(_) => Text::from(String::from_utf8_lossy(s).into_owned()),
    }
}

/// `s`, a slice of `src`, as text: shared with `src` when valid UTF-8 (copied when short),
/// else as [`lossy_text`].
pub(crate) fn shared_text(src: &Bytes, s: &[u8]) -> Text {
    // (ASCII, as nearly every greeting is, tested a word at a time without a library call)
    if runs::is_ascii(s) || std::str::from_utf8(s).is_ok() {
        Text::share_checked(src, s)
    } else {
        lossy_text(s)
    }
}

/// One EHLO line (`ehlo-keyword *( SP ehlo-param )`) as a [`Capability`].
pub fn capability(line: Text) -> Capability {
    capability_in(line.as_bytes())
}

/// [`capability`] from the line's bytes: texts are made only for what is kept as text
/// (invalid UTF-8 replaced by U+FFFD).
pub(crate) fn capability_in(s: &[u8]) -> Capability {
    let (kw, rest) = s.split_at(keyword_end(s));
    let text = lossy_text;
    let mut params = rest.split(|&c| c == b' ').filter(|p| !p.is_empty());
    match offer(kw, rest) {
        Offer::Flag(f) => f.capability(),
        Offer::Size(n) => Capability::Size(n),
        Offer::DeliverBy(n) => Capability::DeliverBy(n),
        Offer::Auth(_) => Capability::Auth(params.filter_map(AuthMechanism::from_name).collect()),
        Offer::MtPriority => Capability::MtPriority(params.next().map(text)),
        Offer::FutureRelease(max_interval) => Capability::FutureRelease {
            max_interval,
            max_datetime: params.nth(1).map(text).unwrap_or_default(),
        },
        Offer::Other => Capability::Other {
            keyword: text(kw),
            params: params.map(text).collect(),
        },
    }
}

/// Takes the first line off `rest`, capability lines as the reply parser checked them (see
/// [`next_wire_line`]), and gives what it offers.
///
/// One scan finds the keyword's end and, on the usual line of a keyword alone, the line's end
/// as well: a line is read once.
#[inline(always)]
pub(crate) fn next_line_offer(rest: &mut &[u8]) -> Offer {
    let r = *rest;
    if let (Some(b'-' | b' '), Some(text)) = (r.get(3), r.get(4..))
        && let Some(end) = find_byte2(text, b' ', b'\n')
        && text[end] == b'\n'
    {
        *rest = &text[end + 1..];
        let kw = &text[..end];
        let kw = kw.strip_suffix(b"\r").unwrap_or(kw);
        return alone_offer(kw);
    }
    line_offer(next_wire_line(rest))
}

/// What a line of the EHLO keyword `kw` alone offers: a flag needs nothing more.
#[inline(always)]
fn alone_offer(kw: &[u8]) -> Offer {
    match ehlo_keyword(kw) {
        Some(EhloKeyword::Flag(f)) => Offer::Flag(f),
        Some(keyword) => keyword_offer(keyword, b""),
        None => Offer::Other,
    }
}

/// What an EHLO line's text offers (see [`Offer`]).
#[inline(always)]
pub(crate) fn line_offer(s: &[u8]) -> Offer {
    let (kw, rest) = s.split_at(keyword_end(s));
    offer(kw, rest)
}

/// Where an EHLO line's keyword ends: at its first space. Lines are short: a plain loop beats
/// a library search here.
#[inline(always)]
pub(crate) fn keyword_end(s: &[u8]) -> usize {
    s.iter().position(|&c| c == b' ').unwrap_or(s.len())
}

/// What the EHLO keyword `kw` with `rest` (the line after it) offers.
#[inline(always)]
fn offer(kw: &[u8], rest: &[u8]) -> Offer {
    ehlo_keyword(kw).map_or(Offer::Other, |keyword| keyword_offer(keyword, rest))
}

/// What the typed EHLO keyword `keyword` with `rest` (the line after it) offers.
fn keyword_offer(keyword: EhloKeyword, rest: &[u8]) -> Offer {
    // Only as many parameters are looked at as the keyword's grammar needs to decide.
    let mut params = rest.split(|&c| c == b' ').filter(|p| !p.is_empty());
    let typed = match keyword {
        EhloKeyword::Flag(f) => rest.iter().all(|&c| c == b' ').then_some(Offer::Flag(f)),
        EhloKeyword::Size => match (params.next(), params.next()) {
            (None, _) => Some(Offer::Size(None)),
            (Some(n), None) => number(n).map(|n| Offer::Size(Some(n))),
            _ => None,
        },
        EhloKeyword::DeliverBy => match (params.next(), params.next()) {
            (None, _) => Some(Offer::DeliverBy(None)),
            (Some(n), None) => number(n).map(|n| Offer::DeliverBy(Some(n))),
            _ => None,
        },
        EhloKeyword::Auth => auth_offer(rest),
        EhloKeyword::MtPriority => match (params.next(), params.next()) {
            (None, _) => Some(Offer::MtPriority),
            (Some(p), None) if p.iter().all(|&c| is_ldh(c) || c == b'_') => Some(Offer::MtPriority),
            _ => None,
        },
        EhloKeyword::FutureRelease => match (params.next(), params.next(), params.next()) {
            (Some(i), Some(d), None) if is_datetime(d) => number(i).map(Offer::FutureRelease),
            _ => None,
        },
    };
    typed.unwrap_or(Offer::Other)
}

/// `AUTH mech...`: every name a valid `sasl-mech`; the known ones as bits.
fn auth_offer(names: &[u8]) -> Option<Offer> {
    let mut known = 0;
    let mut rest = names;
    loop {
        rest = &rest[rest.iter().take_while(|&&c| c == b' ').count()..];
        if rest.is_empty() {
            return Some(Offer::Auth(known));
        }
        let n = runs::mech_len(rest);
        if !(1..=20).contains(&n) || rest.get(n).is_some_and(|&c| c != b' ') {
            return None;
        }
        known |= AuthMechanism::name_bit(&rest[..n]).unwrap_or(0);
        rest = &rest[n..];
    }
}

/// The EHLO keywords this crate types.
#[derive(Clone, Copy)]
enum EhloKeyword {
    Flag(Flag),
    Size,
    DeliverBy,
    Auth,
    MtPriority,
    FutureRelease,
}

const EHLO_KEYWORDS: [(&[u8], EhloKeyword); 19] = [
    (b"PIPELINING", EhloKeyword::Flag(Flag::Pipelining)),
    (b"CHUNKING", EhloKeyword::Flag(Flag::Chunking)),
    (b"BINARYMIME", EhloKeyword::Flag(Flag::BinaryMime)),
    (b"8BITMIME", EhloKeyword::Flag(Flag::EightBitMime)),
    (
        b"ENHANCEDSTATUSCODES",
        EhloKeyword::Flag(Flag::EnhancedStatusCodes),
    ),
    (b"STARTTLS", EhloKeyword::Flag(Flag::StartTls)),
    (b"SMTPUTF8", EhloKeyword::Flag(Flag::SmtpUtf8)),
    (b"DSN", EhloKeyword::Flag(Flag::Dsn)),
    (b"REQUIRETLS", EhloKeyword::Flag(Flag::RequireTls)),
    (b"RRVS", EhloKeyword::Flag(Flag::Rrvs)),
    (b"ETRN", EhloKeyword::Flag(Flag::Etrn)),
    (b"VRFY", EhloKeyword::Flag(Flag::Vrfy)),
    (b"EXPN", EhloKeyword::Flag(Flag::Expn)),
    (b"HELP", EhloKeyword::Flag(Flag::Help)),
    (b"SIZE", EhloKeyword::Size),
    (b"DELIVERBY", EhloKeyword::DeliverBy),
    (b"AUTH", EhloKeyword::Auth),
    (b"MT-PRIORITY", EhloKeyword::MtPriority),
    (b"FUTURERELEASE", EhloKeyword::FutureRelease),
];

/// A keyword's slot in [`EHLO_TABLE`]: its first two octets (case folded) and its length,
/// mixed so that the typed keywords fall in different slots (checked as the table is built).
/// Why: one lookup and one compare per line, where a match on the length then tried several
/// keywords of that length.
#[inline(always)]
const fn ehlo_slot(kw: &[u8]) -> usize {
    match kw {
        [a, b, ..] => (((*a | 0x20) as usize * 20 + (*b | 0x20) as usize + kw.len()) >> 1) % 32,
        _ => 0,
    }
}

const EHLO_TABLE: [Option<(&[u8], EhloKeyword)>; 32] = {
    let mut table = [None; 32];
    let mut i = 0;
    while i < EHLO_KEYWORDS.len() {
        let slot = ehlo_slot(EHLO_KEYWORDS[i].0);
        assert!(table[slot].is_none(), "two EHLO keywords in one slot");
        table[slot] = Some(EHLO_KEYWORDS[i]);
        i += 1;
    }
    table
};

/// The typed EHLO keyword `kw` is (compared case-insensitively), if any.
#[inline(always)]
fn ehlo_keyword(kw: &[u8]) -> Option<EhloKeyword> {
    match EHLO_TABLE[ehlo_slot(kw)] {
        Some((name, keyword)) if keyword_eq(kw, name) => Some(keyword),
        _ => None,
    }
}

/// Decodes a `334` AUTH challenge (RFC 4954 §4): the base64 text of its single line.
///
/// An empty text is an empty challenge. Errors with `UnexpectedReply` when the code is not
/// 334, `InvalidBase64` when the text does not decode.
pub fn auth_challenge(reply: &Reply) -> Result<Secret, ParseError> {
    if reply.code() != ReplyCode::AUTH_CONTINUE || reply.lines().len() != 1 {
        return Err(ParseError::new(K::UnexpectedReply, 0));
    }
    let text = reply.first_line().text();
    // An enhanced-code-looking prefix cannot occur (class 3 is not an enhanced class).
    let text = text.strip_suffix(b" ").unwrap_or(text);
    decode_base64(text).ok_or(ParseError::new(K::InvalidBase64, 4))
}

/// Parses a client's line in an AUTH exchange (without CRLF): base64 data or `*` to cancel
/// (RFC 4954 §4).
pub fn sasl_response(line: &[u8]) -> Result<SaslResponse, ParseError> {
    if line == b"*" {
        return Ok(SaslResponse::Cancel);
    }
    if let Some(p) = memchr::memchr3(b'\r', b'\n', 0, line) {
        return Err(ParseError::new(K::InvalidBase64, p));
    }
    decode_base64(line)
        .map(SaslResponse::Data)
        .ok_or(ParseError::new(K::InvalidBase64, 0))
}

mod runs;
pub(crate) use runs::{find_byte2, keyword_eq};
#[cfg(test)]
mod tests;
