//! The cursor every parser runs on: byte-level primitives over one framed message.
//!
//! Hand-written rather than nom combinators: the grammar is LL(1) almost everywhere,
//! the cursor gives exact error offsets for free, and it keeps nom-shaped types out of
//! the public API.

use bytes::Bytes;

use super::ParseOptions;
use crate::error::{ParseError, ParseErrorKind};
use crate::types::{AString, Atom, Chunk, IString, is_astring_char, is_atom_char};

pub(crate) type PResult<T> = Result<T, ParseError>;

const fn table(kind: u8) -> [bool; 256] {
    let mut out = [false; 256];
    let mut index = 0;
    while index < 256 {
        let byte = index as u8;
        out[index] = match kind {
            0 => is_atom_char(byte),
            1 => is_astring_char(byte),
            _ => is_atom_char(byte) && byte != b'[' && byte != b'<',
        };
        index += 1;
    }
    out
}

/// `ATOM-CHAR`.
static ATOM: [bool; 256] = table(0);
/// `ASTRING-CHAR`.
static ASTRING: [bool; 256] = table(1);
/// Name tokens: atom chars except `[` and `<` (so `BODY[` splits at the bracket).
static NAME: [bool; 256] = table(2);

const QUOTE: u8 = 1;
const BACKSLASH: u8 = 2;
const FORBIDDEN: u8 = 3;
const EIGHT_BIT: u8 = 4;

/// Byte classes inside a quoted string (0 = plain).
static QUOTED: [u8; 256] = {
    let mut out = [0u8; 256];
    let mut index = 0x80;
    while index < 256 {
        out[index] = EIGHT_BIT;
        index += 1;
    }
    out[b'"' as usize] = QUOTE;
    out[b'\\' as usize] = BACKSLASH;
    out[b'\r' as usize] = FORBIDDEN;
    out[b'\n' as usize] = FORBIDDEN;
    out[0] = FORBIDDEN;
    out
};

/// Where a quoted string's content is: a range of the buffer, or a copy with the
/// escapes removed.
enum Span {
    Range(usize, usize),
    Unescaped(Vec<u8>),
}

/// The first byte of `bytes` that is not plain quoted content (`QUOTED` class not 0),
/// with its position. Eight bytes at a time: a quoted string is the commonest value in
/// a FETCH response, and a byte-by-byte table walk was its main cost.
fn quoted_special(bytes: &[u8]) -> Option<(usize, u8)> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // High bit of each byte that is zero. A borrow can also mark bytes above a real
    // zero, never below one, so the lowest mark is exact.
    let zero = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
    let blocks = bytes.chunks_exact(8);
    let tail = blocks.remainder();
    for (index, block) in blocks.enumerate() {
        let word = u64::from_le_bytes([
            block[0], block[1], block[2], block[3], block[4], block[5], block[6], block[7],
        ]);
        let marks = zero(word)
            | zero(word ^ (ONES * u64::from(b'"')))
            | zero(word ^ (ONES * u64::from(b'\\')))
            | zero(word ^ (ONES * u64::from(b'\r')))
            | zero(word ^ (ONES * u64::from(b'\n')))
            | (word & HIGH);
        if marks != 0 {
            let bit = marks.trailing_zeros();
            return Some((index * 8 + (bit / 8) as usize, (word >> (bit & !7)) as u8));
        }
    }
    let base = bytes.len() - tail.len();
    tail.iter()
        .position(|&b| QUOTED[b as usize] != 0)
        .map(|found| (base + found, tail[found]))
}

pub(crate) struct Reader<'a> {
    src: &'a Bytes,
    buf: &'a [u8],
    pub(crate) pos: usize,
    pub(crate) options: &'a ParseOptions,
    depth: u16,
    items: u32,
    /// Set when a look-ahead ran into the end of the input: an error after that may
    /// only mean the message is not complete yet.
    hit_end: std::cell::Cell<bool>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(src: &'a Bytes, options: &'a ParseOptions) -> Self {
        Self {
            src,
            buf: src.as_ref(),
            pos: 0,
            options,
            depth: 0,
            items: 0,
            hit_end: std::cell::Cell::new(false),
        }
    }

    pub(crate) fn error(&self, kind: ParseErrorKind) -> ParseError {
        ParseError::new(kind, self.pos)
    }

    pub(crate) fn expected(&self, what: &'static str) -> ParseError {
        if self.pos >= self.buf.len() {
            self.error(ParseErrorKind::Incomplete)
        } else {
            self.error(ParseErrorKind::Expected(what))
        }
    }

    pub(crate) fn slice(&self, start: usize, end: usize) -> Bytes {
        self.src.slice(start..end)
    }

    /// `buf[start..end]` as a value's storage: copied inline when short, so only long
    /// values cost a reference count.
    #[inline(always)]
    pub(crate) fn chunk(&self, start: usize, end: usize) -> Chunk {
        Chunk::of_range(self.buf, start, end, || self.slice(start, end))
    }

    pub(crate) fn rest_from(&self, start: usize) -> &'a [u8] {
        &self.buf[start..]
    }

    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        let byte = self.buf.get(self.pos).copied();
        if byte.is_none() {
            self.hit_end.set(true);
        }
        byte
    }

    pub(crate) fn peek_at(&self, offset: usize) -> Option<u8> {
        let byte = self.buf.get(self.pos + offset).copied();
        if byte.is_none() {
            self.hit_end.set(true);
        }
        byte
    }

    /// Whether parsing looked past the end of the input.
    pub(crate) fn hit_end(&self) -> bool {
        self.hit_end.get()
    }

    pub(crate) fn enter(&mut self) -> PResult<()> {
        if self.depth >= self.options.max_depth {
            return Err(self.error(ParseErrorKind::TooDeep));
        }
        self.depth += 1;
        Ok(())
    }

    /// Counts one list element against [`ParseOptions::max_items`].
    pub(crate) fn count_item(&mut self) -> PResult<()> {
        self.items += 1;
        if self.items > self.options.max_items {
            return Err(self.error(ParseErrorKind::TooManyItems));
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub(crate) fn byte(&mut self, expected: u8, what: &'static str) -> PResult<()> {
        if self.peek() == Some(expected) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    pub(crate) fn eat(&mut self, expected: u8) -> bool {
        if self.peek() == Some(expected) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn sp(&mut self) -> PResult<()> {
        self.byte(b' ', "SP")
    }

    /// One SP, then, when `allowed`, any further spaces of a run. Only for places where
    /// a value that cannot start with SP follows (never before a literal or text, whose
    /// first byte would be eaten); the switch passed says which peer needs it.
    pub(crate) fn sp_run(&mut self, allowed: bool) -> PResult<()> {
        self.sp()?;
        if allowed {
            while self.eat(b' ') {}
        }
        Ok(())
    }

    /// Skips one SP before `(` when `allowed`: the separator some servers put between
    /// parenthesised elements that the grammar writes back to back (`1*body`,
    /// `1*Namespace-Descr`). Without `(` after it the SP is left for the caller.
    pub(crate) fn sp_between_lists(&mut self, allowed: bool) {
        if allowed && self.peek() == Some(b' ') && self.peek_at(1) == Some(b'(') {
            self.pos += 1;
        }
    }

    /// CRLF, with the trailing-space lenience.
    pub(crate) fn crlf(&mut self) -> PResult<()> {
        if self.options.lenience.trailing_space {
            while self.peek() == Some(b' ') {
                self.pos += 1;
            }
        }
        if self.peek() == Some(b'\r') {
            self.pos += 1;
        } else if !self.options.lenience.bare_lf || self.peek() != Some(b'\n') {
            return Err(self.expected("CRLF"));
        }
        self.byte(b'\n', "CRLF")
    }

    pub(crate) fn at_crlf(&self) -> bool {
        match self.peek() {
            Some(b'\r') => true,
            Some(b'\n') => self.options.lenience.bare_lf,
            Some(b' ') if self.options.lenience.trailing_space => {
                let mut index = self.pos;
                while self.buf.get(index) == Some(&b' ') {
                    index += 1;
                }
                matches!(self.buf.get(index), Some(b'\r' | b'\n'))
            }
            _ => false,
        }
    }

    fn run(&mut self, class: &[bool; 256]) -> (usize, usize) {
        let start = self.pos;
        let rest = &self.buf[start..];
        let len = rest
            .iter()
            .position(|&b| !class[b as usize])
            .unwrap_or(rest.len());
        self.pos += len;
        (start, self.pos)
    }

    /// `1*ATOM-CHAR`, as a range; empty run is an error.
    pub(crate) fn atom_range(&mut self) -> PResult<(usize, usize)> {
        let (start, end) = self.run(&ATOM);
        if start == end {
            return Err(self.expected("atom"));
        }
        if end == self.buf.len() {
            return Err(self.error(ParseErrorKind::Incomplete));
        }
        Ok((start, end))
    }

    pub(crate) fn atom(&mut self) -> PResult<Atom> {
        let (start, end) = self.atom_range()?;
        Ok(Atom::from_chunk(self.chunk(start, end)))
    }

    /// A name token (atom chars up to `[` or `<`), as raw bytes of the buffer.
    pub(crate) fn name(&mut self) -> PResult<&'a [u8]> {
        let (start, end) = self.run(&NAME);
        if start == end {
            return Err(self.expected("name"));
        }
        if end == self.buf.len() {
            return Err(self.error(ParseErrorKind::Incomplete));
        }
        Ok(&self.buf[start..end])
    }

    /// Consumes `keyword` (case-insensitive) when it is the next whole token.
    pub(crate) fn keyword(&mut self, keyword: &[u8]) -> bool {
        let end = self.pos + keyword.len();
        if end > self.buf.len() {
            let rest = &self.buf[self.pos..];
            if keyword[..rest.len()].eq_ignore_ascii_case(rest) {
                self.hit_end.set(true);
            }
            return false;
        }
        if !self.buf[self.pos..end].eq_ignore_ascii_case(keyword) {
            return false;
        }
        if end == self.buf.len() {
            self.hit_end.set(true);
            return false;
        }
        if self.buf.get(end).is_some_and(|&b| ATOM[b as usize]) {
            return false;
        }
        self.pos = end;
        true
    }

    pub(crate) fn expect_keyword(
        &mut self,
        keyword: &'static [u8],
        what: &'static str,
    ) -> PResult<()> {
        if self.keyword(keyword) {
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    /// `NIL` as a whole token. The commonest token of an envelope or body structure,
    /// so the usual case (three letters and a delimiter in the buffer) is one compare.
    #[inline]
    pub(crate) fn nil(&mut self) -> bool {
        match self.buf.get(self.pos..self.pos + 4) {
            Some(&[n, i, l, next]) => {
                // `| 0x20` folds exactly `N`/`n`, `I`/`i` and `L`/`l` onto the lowercase
                // letter; no other byte lands there.
                let found = n | 0x20 == b'n'
                    && i | 0x20 == b'i'
                    && l | 0x20 == b'l'
                    && !ATOM[usize::from(next)];
                if found {
                    self.pos += 3;
                }
                found
            }
            _ => matches!(self.buf.get(self.pos), Some(b'N' | b'n')) && self.keyword(b"NIL"),
        }
    }

    pub(crate) fn number64(&mut self) -> PResult<u64> {
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(byte) = self.peek() {
            if !byte.is_ascii_digit() {
                break;
            }
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(byte - b'0')))
                .ok_or_else(|| self.error(ParseErrorKind::Number))?;
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.expected("number"));
        }
        if self.pos == self.buf.len() {
            return Err(self.error(ParseErrorKind::Incomplete));
        }
        Ok(value)
    }

    pub(crate) fn number(&mut self) -> PResult<u32> {
        let start = self.pos;
        let value = self.number64()?;
        u32::try_from(value).map_err(|_| ParseError::new(ParseErrorKind::Number, start))
    }

    pub(crate) fn nz_number(&mut self) -> PResult<std::num::NonZeroU32> {
        let start = self.pos;
        let value = self.number()?;
        std::num::NonZeroU32::new(value).ok_or(ParseError::new(ParseErrorKind::Number, start))
    }

    /// `quoted` / `literal`, returning the content. `binary` allows literal8.
    pub(crate) fn string_bytes(&mut self, binary: bool) -> PResult<Bytes> {
        match self.peek() {
            Some(b'"') => self.quoted(),
            Some(b'{') => self.literal(false),
            Some(b'~') if binary => self.literal(true),
            _ => Err(self.expected("string")),
        }
    }

    /// `quoted` / `literal` as a value's storage (see [`Reader::chunk`]).
    fn string_chunk(&mut self) -> PResult<Chunk> {
        match self.peek() {
            Some(b'"') => self.quoted_chunk(),
            Some(b'{') => {
                let (start, end) = self.literal_range(false)?;
                Ok(self.chunk(start, end))
            }
            _ => Err(self.expected("string")),
        }
    }

    pub(crate) fn string(&mut self) -> PResult<IString> {
        self.string_chunk().map(IString::from_chunk)
    }

    pub(crate) fn nstring_bytes(&mut self, binary: bool) -> PResult<Option<Bytes>> {
        if self.nil() {
            return Ok(None);
        }
        self.string_bytes(binary).map(Some)
    }

    pub(crate) fn nstring(&mut self) -> PResult<Option<IString>> {
        if self.nil() {
            return Ok(None);
        }
        self.string().map(Some)
    }

    /// Where the next `quoted` / `literal` lies, for the `_into` readers.
    fn string_span(&mut self) -> PResult<Span> {
        match self.peek() {
            Some(b'"') => self.quoted_span(),
            Some(b'{') => {
                let (start, end) = self.literal_range(false)?;
                Ok(Span::Range(start, end))
            }
            _ => Err(self.expected("string")),
        }
    }

    /// Writes the string at `span` into `out` through `wrap`. Inlined into the `_into`
    /// readers, each path storing straight into `out`: a returned chunk would travel
    /// through memory and bring the stall back.
    #[inline(always)]
    fn write_span<T>(&self, span: Span, out: &mut T, wrap: impl FnOnce(Chunk) -> T) {
        match span {
            Span::Range(start, end) => *out = wrap(self.chunk(start, end)),
            // Rare (escapes in a quoted string): the unescaped copy becomes the storage.
            Span::Unescaped(bytes) => *out = wrap(Chunk::from(Bytes::from(bytes))),
        }
    }

    /// As [`Reader::string`], written into `out`, where the value stays. Returning a
    /// 32-byte value through `Result` makes the caller reload it right after it was
    /// stored in pieces, which stalls store forwarding on every string; written in
    /// place it is not reloaded until much later. `out` is emptied first, so the final
    /// store follows no drop call and goes from registers straight into place.
    pub(crate) fn string_into(&mut self, out: &mut IString) -> PResult<()> {
        *out = IString::default();
        let span = self.string_span()?;
        self.write_span(span, out, IString::from_chunk);
        Ok(())
    }

    /// As [`Reader::nstring`], written into `out` (see [`Reader::string_into`]).
    pub(crate) fn nstring_into(&mut self, out: &mut Option<IString>) -> PResult<()> {
        *out = None;
        if self.nil() {
            return Ok(());
        }
        let span = self.string_span()?;
        self.write_span(span, out, |chunk| Some(IString::from_chunk(chunk)));
        Ok(())
    }

    /// As [`Reader::string_or_nil`], written into `out` (see [`Reader::string_into`]).
    pub(crate) fn string_or_nil_into(&mut self, out: &mut IString) -> PResult<()> {
        if self.options.lenience.nil_as_string && self.nil() {
            *out = IString::default();
            return Ok(());
        }
        self.string_into(out)
    }

    pub(crate) fn astring(&mut self) -> PResult<AString> {
        match self.peek() {
            Some(b'"' | b'{') => self.string_chunk().map(AString::from_chunk),
            _ => {
                let (start, end) = self.run(&ASTRING);
                if start == end {
                    return Err(self.expected("astring"));
                }
                if end == self.buf.len() {
                    return Err(self.error(ParseErrorKind::Incomplete));
                }
                Ok(AString::from_chunk(self.chunk(start, end)))
            }
        }
    }

    pub(crate) fn quoted(&mut self) -> PResult<Bytes> {
        Ok(match self.quoted_span()? {
            Span::Range(start, end) => self.slice(start, end),
            Span::Unescaped(bytes) => Bytes::from(bytes),
        })
    }

    /// A quoted string as a value's storage (see [`Reader::chunk`]).
    fn quoted_chunk(&mut self) -> PResult<Chunk> {
        Ok(match self.quoted_span()? {
            Span::Range(start, end) => self.chunk(start, end),
            Span::Unescaped(bytes) => Chunk::new(&bytes, || Bytes::from(bytes.clone())),
        })
    }

    /// Reads a quoted string; the content is a range of the buffer unless escapes had
    /// to be removed.
    fn quoted_span(&mut self) -> PResult<Span> {
        self.byte(b'"', "quoted string")?;
        let start = self.pos;
        if let Some((found, b'"')) = quoted_special(&self.buf[start..]) {
            // The usual case: no escape and no 8-bit byte before the closing quote.
            self.pos = start + found + 1;
            return Ok(Span::Range(start, start + found));
        }
        let mut escaped: Option<Vec<u8>> = None;
        let mut eight_bit = false;
        loop {
            let rest = &self.buf[self.pos..];
            let Some((found, _)) = quoted_special(rest) else {
                self.hit_end.set(true);
                return Err(ParseError::new(ParseErrorKind::Incomplete, self.buf.len()));
            };
            if let Some(out) = escaped.as_mut() {
                out.extend_from_slice(&rest[..found]);
            }
            self.pos += found;
            match QUOTED[rest[found] as usize] {
                QUOTE => break,
                EIGHT_BIT => {
                    eight_bit = true;
                    if let Some(out) = escaped.as_mut() {
                        out.push(rest[found]);
                    }
                    self.pos += 1;
                }
                BACKSLASH => match self.peek_at(1) {
                    Some(next @ (b'"' | b'\\')) => {
                        let out = escaped.get_or_insert_with(|| self.buf[start..self.pos].to_vec());
                        out.push(next);
                        self.pos += 2;
                    }
                    None => return Err(self.error(ParseErrorKind::Incomplete)),
                    Some(_) if self.options.lenience.bad_quoted => {
                        // Keep the backslash as a plain byte.
                        if let Some(out) = escaped.as_mut() {
                            out.push(b'\\');
                        }
                        self.pos += 1;
                    }
                    Some(_) => return Err(self.error(ParseErrorKind::BadQuoted)),
                },
                _ => return Err(self.error(ParseErrorKind::BadQuoted)),
            }
        }
        let end = self.pos;
        self.pos += 1;
        let value = match escaped {
            Some(out) => Span::Unescaped(out),
            None => Span::Range(start, end),
        };
        if eight_bit && !self.options.lenience.bad_quoted {
            let content = match &value {
                Span::Range(start, end) => &self.buf[*start..*end],
                Span::Unescaped(bytes) => bytes,
            };
            if std::str::from_utf8(content).is_err() {
                return Err(ParseError::new(ParseErrorKind::BadQuoted, start));
            }
        }
        Ok(value)
    }

    /// `["~"] "{" number ["+"] "}" CRLF` at the end of a head handed out by a
    /// streaming framer: the length and whether it is a literal8.
    pub(crate) fn literal_announcement(&mut self) -> PResult<(u64, bool)> {
        let binary = self.eat(b'~');
        self.byte(b'{', "literal")?;
        let length = self.number64()?;
        self.eat(b'+');
        self.byte(b'}', "}")?;
        if self.peek() == Some(b'\r') {
            self.pos += 1;
        }
        if self.peek() == Some(b'\n') {
            self.pos += 1;
            return Ok((length, binary));
        }
        Err(self.expected("CRLF after literal announcement"))
    }

    /// `{n}CRLF data`, `{n+}CRLF data`, and with `binary`, `~{n}CRLF data`.
    pub(crate) fn literal(&mut self, binary: bool) -> PResult<Bytes> {
        let (start, end) = self.literal_range(binary)?;
        Ok(self.slice(start, end))
    }

    /// As [`Reader::literal`], returning where the data lies in the buffer.
    fn literal_range(&mut self, binary: bool) -> PResult<(usize, usize)> {
        let start = self.pos;
        let is_literal8 = self.eat(b'~');
        if is_literal8 && !binary {
            return Err(ParseError::new(ParseErrorKind::Expected("literal"), start));
        }
        self.byte(b'{', "literal")?;
        let length = self.number64()?;
        self.eat(b'+');
        self.byte(b'}', "}")?;
        if self.peek() == Some(b'\r') {
            self.pos += 1;
        }
        self.byte(b'\n', "CRLF after literal announcement")?;
        let available = (self.buf.len() - self.pos) as u64;
        if length > available {
            return Err(self.error(ParseErrorKind::Incomplete));
        }
        let data_start = self.pos;
        let data_end = data_start + length as usize;
        if !is_literal8
            && !self.options.lenience.nul_in_literal
            && memchr::memchr(0, &self.buf[data_start..data_end]).is_some()
        {
            return Err(ParseError::new(ParseErrorKind::NulInLiteral, data_start));
        }
        self.pos = data_end;
        Ok((data_start, data_end))
    }

    /// Skips one generic value (atom, number, string, literal, NIL, or a parenthesised
    /// list of them), iteratively, and returns the raw span.
    pub(crate) fn skip_value(&mut self) -> PResult<Bytes> {
        let start = self.pos;
        let mut depth: usize = 0;
        loop {
            match self.peek() {
                None => return Err(self.error(ParseErrorKind::Incomplete)),
                Some(b'(') => {
                    depth += 1;
                    if depth > usize::from(self.options.max_depth) {
                        return Err(self.error(ParseErrorKind::TooDeep));
                    }
                    self.pos += 1;
                    continue;
                }
                Some(b')') if depth > 0 => {
                    depth -= 1;
                    self.pos += 1;
                }
                Some(b'"') => {
                    self.quoted_span()?;
                }
                Some(b'{' | b'~') => {
                    self.literal_range(true)?;
                }
                Some(b' ') if depth > 0 => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {
                    // atom-ish run, including brackets of sections like BODY[1]<0>
                    let (s, e) = self.run(&ASTRING);
                    if s == e {
                        if self.peek() == Some(b'[') || self.peek() == Some(b'\\') {
                            self.pos += 1;
                            continue;
                        }
                        return Err(self.expected("value"));
                    }
                }
            }
            if depth == 0 {
                return Ok(self.slice(start, self.pos));
            }
        }
    }

    /// Everything up to (not including) CRLF.
    pub(crate) fn until_crlf(&mut self) -> PResult<(usize, usize)> {
        let start = self.pos;
        let rest = &self.buf[start..];
        let Some(index) = memchr::memchr2(b'\r', b'\n', rest) else {
            return Err(self.error(ParseErrorKind::Incomplete));
        };
        let mut end = start + index;
        self.pos = end;
        if self.options.lenience.trailing_space {
            while end > start && self.buf[end - 1] == b' ' {
                end -= 1;
            }
        }
        Ok((start, end))
    }

    /// Parses `( item *(SP item) )`, or `()` when `allow_empty`.
    pub(crate) fn paren_list<T>(
        &mut self,
        allow_empty: bool,
        item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        self.paren_list_sized(4, allow_empty, item)
    }

    /// As [`Reader::paren_list`], reserving room for `capacity` items up front (for
    /// lists that are usually longer than four, such as FETCH items).
    pub(crate) fn paren_list_sized<T>(
        &mut self,
        capacity: usize,
        allow_empty: bool,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut out = Vec::new();
        self.paren_items(allow_empty, |r| {
            if out.capacity() == 0 {
                out.reserve_exact(capacity);
            }
            out.push(item(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// As [`Reader::paren_list`], but each item is parsed into its slot of the list
    /// (pushed as `T::default()` first), so big items are not built elsewhere and
    /// copied (see [`Reader::string_into`]).
    pub(crate) fn paren_list_in_place<T: Default>(
        &mut self,
        allow_empty: bool,
        mut item: impl FnMut(&mut Self, &mut T) -> PResult<()>,
    ) -> PResult<Vec<T>> {
        let mut out: Vec<T> = Vec::new();
        self.paren_items(allow_empty, |r| {
            out.push(T::default());
            let index = out.len() - 1;
            item(r, &mut out[index])
        })?;
        Ok(out)
    }

    /// `( item *(SP item) )`, or `()` when `allow_empty`; `each` parses one item.
    fn paren_items(
        &mut self,
        allow_empty: bool,
        mut each: impl FnMut(&mut Self) -> PResult<()>,
    ) -> PResult<()> {
        self.byte(b'(', "(")?;
        if self.eat(b')') {
            if allow_empty {
                return Ok(());
            }
            return Err(ParseError::new(
                ParseErrorKind::Expected("list item"),
                self.pos - 1,
            ));
        }
        loop {
            self.count_item()?;
            each(self)?;
            if self.eat(b')') {
                return Ok(());
            }
            if self.options.lenience.trailing_space
                && self.peek() == Some(b' ')
                && self.peek_at(1) == Some(b')')
            {
                self.pos += 2;
                return Ok(());
            }
            self.sp()?;
        }
    }

    /// Parses `item *(SP item)` (at least one).
    pub(crate) fn sp_list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        let mut out = vec![item(self)?];
        while self.peek() == Some(b' ') && !self.at_crlf() {
            self.pos += 1;
            self.count_item()?;
            out.push(item(self)?);
        }
        Ok(out)
    }

    pub(crate) fn is_end(&self) -> bool {
        self.pos >= self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word-at-a-time scan finds exactly what the byte table finds, for every byte
    /// value at every offset of a block and its tail, and with a second special after
    /// it (borrows must not move the first mark).
    #[test]
    fn quoted_scan_agrees_with_the_byte_table() {
        let by_table = |bytes: &[u8]| bytes.iter().position(|&b| QUOTED[b as usize] != 0);
        for len in 0..20 {
            for at in 0..len {
                for byte in 0..=255u8 {
                    let mut buf = vec![b'a'; len];
                    buf[at] = byte;
                    let expected = by_table(&buf).map(|found| (found, buf[found]));
                    assert_eq!(quoted_special(&buf), expected, "{byte} at {at}/{len}");
                    if at + 1 < len {
                        buf[at + 1] = 0;
                        let expected = by_table(&buf).map(|found| (found, buf[found]));
                        assert_eq!(quoted_special(&buf), expected, "{byte},0 at {at}");
                    }
                }
            }
        }
    }
}
