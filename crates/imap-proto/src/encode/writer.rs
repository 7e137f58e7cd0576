//! Output primitives: strings in their cheapest legal form, numbers, lists.

use bytes::{BufMut, BytesMut};

use super::{LITERAL_MINUS_MAX, PeerCapabilities, QUOTED_MAX};
use crate::types::{Mailbox, is_astring_char, is_atom_char};

pub(crate) struct Writer<'a> {
    out: &'a mut BytesMut,
    peer: PeerCapabilities,
    /// Writing responses: literals never wait.
    server: bool,
    base: usize,
    sync_points: Vec<usize>,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(out: &'a mut BytesMut, peer: PeerCapabilities, server: bool) -> Self {
        let base = out.len();
        Self {
            out,
            peer,
            server,
            base,
            sync_points: Vec::new(),
        }
    }

    pub(crate) fn peer(&self) -> PeerCapabilities {
        self.peer
    }

    pub(crate) fn finish(self) -> Vec<usize> {
        self.sync_points
    }

    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    pub(crate) fn byte(&mut self, byte: u8) {
        self.out.put_u8(byte);
    }

    pub(crate) fn sp(&mut self) {
        self.out.put_u8(b' ');
    }

    pub(crate) fn crlf(&mut self) {
        self.out.extend_from_slice(b"\r\n");
    }

    /// `name` (with its trailing space) and a number: `UID 7`, `X-GM-MSGID 12`.
    pub(crate) fn named_number(&mut self, name: &[u8], value: u64) {
        self.raw(name);
        self.number(value);
    }

    pub(crate) fn number(&mut self, value: u64) {
        let mut digits = [0u8; 20];
        let mut index = digits.len();
        let mut rest = value;
        loop {
            index -= 1;
            digits[index] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[index..]);
    }

    fn quotable(&self, bytes: &[u8]) -> bool {
        if bytes.len() > QUOTED_MAX {
            return false;
        }
        let mut eight_bit = false;
        for &b in bytes {
            match b {
                b'\r' | b'\n' | 0 => return false,
                0x80.. => eight_bit = true,
                _ => {}
            }
        }
        !eight_bit || (self.peer.utf8 && std::str::from_utf8(bytes).is_ok())
    }

    /// `string`: quoted when possible, else a literal.
    pub(crate) fn string(&mut self, bytes: &[u8]) {
        if self.quotable(bytes) {
            self.quoted(bytes);
        } else {
            self.literal(bytes, false);
        }
    }

    /// `astring`: an atom when every byte is an ASTRING-CHAR.
    pub(crate) fn astring(&mut self, bytes: &[u8]) {
        if !bytes.is_empty() && bytes.iter().all(|&b| is_astring_char(b)) {
            self.raw(bytes);
        } else {
            self.string(bytes);
        }
    }

    /// `nstring`.
    pub(crate) fn nstring(&mut self, bytes: Option<&[u8]>) {
        match bytes {
            Some(bytes) => self.string(bytes),
            None => self.raw(b"NIL"),
        }
    }

    /// A value that may hold NUL: literal8 when it does (and binary is allowed or we
    /// are the server answering a BINARY fetch), else a string.
    pub(crate) fn binary_string(&mut self, bytes: &[u8]) {
        if memchr::memchr(0, bytes).is_some() {
            self.literal(bytes, true);
        } else {
            self.string(bytes);
        }
    }

    pub(crate) fn quoted(&mut self, bytes: &[u8]) {
        self.out.reserve(bytes.len() + 2);
        self.out.put_u8(b'"');
        let mut start = 0;
        for (index, &b) in bytes.iter().enumerate() {
            if b == b'"' || b == b'\\' {
                self.out.extend_from_slice(&bytes[start..index]);
                self.out.put_u8(b'\\');
                start = index;
            }
        }
        self.out.extend_from_slice(&bytes[start..]);
        self.out.put_u8(b'"');
    }

    /// A literal; `binary` forces literal8.
    pub(crate) fn literal(&mut self, bytes: &[u8], binary: bool) {
        if binary {
            self.out.put_u8(b'~');
        }
        self.out.put_u8(b'{');
        self.number(bytes.len() as u64);
        let non_sync = !self.server
            && (self.peer.literal_plus
                || (self.peer.literal_minus && bytes.len() <= LITERAL_MINUS_MAX));
        if non_sync {
            self.out.put_u8(b'+');
        }
        self.out.extend_from_slice(b"}\r\n");
        if !self.server && !non_sync {
            self.sync_points.push(self.out.len() - self.base);
        }
        self.out.extend_from_slice(bytes);
    }

    pub(crate) fn atom(&mut self, bytes: &[u8]) {
        debug_assert!(bytes.iter().all(|&b| is_atom_char(b)));
        self.raw(bytes);
    }

    pub(crate) fn mailbox(&mut self, mailbox: &Mailbox) {
        self.astring(mailbox.as_bytes());
    }

    /// `list-mailbox`: atom chars plus `%`, `*` and `]` unquoted.
    pub(crate) fn list_mailbox(&mut self, bytes: &[u8]) {
        if !bytes.is_empty()
            && bytes
                .iter()
                .all(|&b| is_astring_char(b) || b == b'%' || b == b'*')
        {
            self.raw(bytes);
        } else {
            self.string(bytes);
        }
    }

    /// `(a b c)` with `item` writing each element.
    pub(crate) fn list<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        self.byte(b'(');
        self.sp_separated(items, &mut item);
        self.byte(b')');
    }

    pub(crate) fn sp_separated<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        for (index, value) in items.iter().enumerate() {
            if index > 0 {
                self.sp();
            }
            item(self, value);
        }
    }
}
