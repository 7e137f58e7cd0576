//! Encoders: every type that [`crate::parse`] reads can be written back, and
//! `parse(encode(x)) == x`.
//!
//! Everything is appended to a [`BytesMut`]. Commands and replies end with CRLF; the path,
//! parameter and capability helpers write a fragment without CRLF. Verbs and parameter keywords
//! are written in upper case; text is written as held (a parsed value keeps its original bytes).

use base64::Engine as _;
use bytes::{BufMut, Bytes, BytesMut};

use crate::types::{
    Body, Capability, Command, DeliverByMode, DsnReturn, EhloResponse, ForwardPath, FutureRelease,
    Host, MailAuth, MailParameters, Mailbox, Notify, RcptParameters, Reply, ReplyCode, ReplyLine,
    ReplyLineRef, ReversePath, RrvsMode, SaslResponse,
};

fn put_u64(buf: &mut BytesMut, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.put_slice(&tmp[i..]);
}

fn put_i64(buf: &mut BytesMut, n: i64) {
    if n < 0 {
        buf.put_u8(b'-');
    }
    put_u64(buf, n.unsigned_abs());
}

fn put_base64(buf: &mut BytesMut, data: &[u8]) {
    let start = buf.len();
    let n = base64::encoded_len(data.len(), true).unwrap_or(0);
    buf.resize(start + n, 0);
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(data, &mut buf[start..])
        .unwrap_or(0);
    buf.truncate(start + written);
}

/// Writes one command line, with its CRLF.
pub fn command(cmd: &Command, buf: &mut BytesMut) {
    match cmd {
        Command::Helo { host: h } => hello(buf, b"HELO ", h),
        Command::Ehlo { host: h } => hello(buf, b"EHLO ", h),
        Command::Lhlo { host: h } => hello(buf, b"LHLO ", h),
        Command::Mail { from, parameters } => {
            buf.put_slice(b"MAIL FROM:");
            reverse_path(from, buf);
            mail_parameters(parameters, buf);
        }
        Command::Rcpt { to, parameters } => {
            buf.put_slice(b"RCPT TO:");
            forward_path(to, buf);
            rcpt_parameters(parameters, buf);
        }
        Command::Data => buf.put_slice(b"DATA"),
        Command::Bdat { size, last } => {
            buf.put_slice(b"BDAT ");
            put_u64(buf, *size);
            if *last {
                buf.put_slice(b" LAST");
            }
        }
        Command::Rset => buf.put_slice(b"RSET"),
        Command::Vrfy { string, smtputf8 } | Command::Expn { string, smtputf8 } => {
            buf.put_slice(cmd.verb().as_bytes());
            buf.put_u8(b' ');
            buf.put_slice(string.as_bytes());
            if *smtputf8 {
                buf.put_slice(b" SMTPUTF8");
            }
        }
        Command::Help { topic: t } | Command::Noop { string: t } => {
            buf.put_slice(cmd.verb().as_bytes());
            if let Some(t) = t {
                buf.put_u8(b' ');
                buf.put_slice(t.as_bytes());
            }
        }
        Command::Quit => buf.put_slice(b"QUIT"),
        Command::StartTls => buf.put_slice(b"STARTTLS"),
        Command::Auth {
            mechanism,
            initial_response,
        } => {
            buf.put_slice(b"AUTH ");
            buf.put_slice(mechanism.as_str().as_bytes());
            match initial_response {
                None => {}
                Some(ir) if ir.is_empty() => buf.put_slice(b" ="),
                Some(ir) => {
                    buf.put_u8(b' ');
                    put_base64(buf, ir.expose());
                }
            }
        }
        Command::Etrn { name } => {
            buf.put_slice(b"ETRN ");
            buf.put_slice(name.as_bytes());
        }
        Command::Unknown { verb, arguments } => {
            buf.put_slice(verb.as_bytes());
            if !arguments.is_empty() {
                buf.put_u8(b' ');
                buf.put_slice(arguments);
            }
        }
    }
    buf.put_slice(b"\r\n");
}

fn hello(buf: &mut BytesMut, verb: &[u8], h: &Host) {
    buf.put_slice(verb);
    host(h, buf);
}

/// Writes a host: a domain, or a bracketed address literal (IPv6 in canonical form).
pub fn host(h: &Host, buf: &mut BytesMut) {
    match h {
        Host::Domain(d) => buf.put_slice(d.as_str().as_bytes()),
        Host::Other(t) => buf.put_slice(t.as_bytes()),
        Host::Literal(l) => {
            use std::fmt::Write as _;
            let _ = write!(buf, "{l}");
        }
    }
}

/// Writes a mailbox as received/constructed (`local@host`, no brackets).
pub fn mailbox(m: &Mailbox, buf: &mut BytesMut) {
    buf.put_slice(m.as_text().as_bytes());
}

/// Writes `<>` or `<mailbox>`.
pub fn reverse_path(p: &ReversePath, buf: &mut BytesMut) {
    match p {
        ReversePath::Null => buf.put_slice(b"<>"),
        ReversePath::Mailbox(m) => {
            buf.put_u8(b'<');
            mailbox(m, buf);
            buf.put_u8(b'>');
        }
    }
}

/// Writes `<Postmaster>` or `<mailbox>`.
pub fn forward_path(p: &ForwardPath, buf: &mut BytesMut) {
    match p {
        ForwardPath::Postmaster => buf.put_slice(b"<Postmaster>"),
        ForwardPath::Mailbox(m) => {
            buf.put_u8(b'<');
            mailbox(m, buf);
            buf.put_u8(b'>');
        }
    }
}

fn param(buf: &mut BytesMut, kw: &[u8]) {
    buf.put_u8(b' ');
    buf.put_slice(kw);
}

/// Writes the MAIL parameters, each preceded by a space.
pub fn mail_parameters(p: &MailParameters, buf: &mut BytesMut) {
    if let Some(n) = p.size {
        param(buf, b"SIZE=");
        put_u64(buf, n);
    }
    if let Some(b) = p.body {
        param(buf, b"BODY=");
        buf.put_slice(match b {
            Body::SevenBit => b"7BIT",
            Body::EightBitMime => b"8BITMIME",
            Body::BinaryMime => b"BINARYMIME",
        });
    }
    if p.smtputf8 {
        param(buf, b"SMTPUTF8");
    }
    if let Some(r) = p.ret {
        param(buf, b"RET=");
        buf.put_slice(match r {
            DsnReturn::Full => b"FULL",
            DsnReturn::Headers => b"HDRS",
        });
    }
    if let Some(e) = &p.envid {
        param(buf, b"ENVID=");
        buf.put_slice(e.as_str().as_bytes());
    }
    if let Some(a) = &p.auth {
        param(buf, b"AUTH=");
        match a {
            MailAuth::Unknown => buf.put_slice(b"<>"),
            MailAuth::Identity(x) => buf.put_slice(x.as_str().as_bytes()),
        }
    }
    if p.requiretls {
        param(buf, b"REQUIRETLS");
    }
    if let Some(m) = p.mt_priority {
        param(buf, b"MT-PRIORITY=");
        put_i64(buf, i64::from(m));
    }
    match &p.future_release {
        None => {}
        Some(FutureRelease::HoldFor(s)) => {
            param(buf, b"HOLDFOR=");
            put_u64(buf, *s);
        }
        Some(FutureRelease::HoldUntil(t)) => {
            param(buf, b"HOLDUNTIL=");
            buf.put_slice(t.as_bytes());
        }
    }
    if let Some(by) = p.deliver_by {
        param(buf, b"BY=");
        put_i64(buf, by.seconds);
        buf.put_slice(match by.mode {
            DeliverByMode::Return => b";R",
            DeliverByMode::Notify => b";N",
        });
        if by.trace {
            buf.put_u8(b'T');
        }
    }
    for o in &p.other {
        param(buf, o.keyword.as_bytes());
        if let Some(v) = &o.value {
            buf.put_u8(b'=');
            buf.put_slice(v.as_bytes());
        }
    }
}

/// Writes a NOTIFY value (`NEVER` or the list).
pub fn notify(n: &Notify, buf: &mut BytesMut) {
    if n.is_never() {
        buf.put_slice(b"NEVER");
        return;
    }
    let mut first = true;
    for (on, name) in [
        (n.success, &b"SUCCESS"[..]),
        (n.failure, b"FAILURE"),
        (n.delay, b"DELAY"),
    ] {
        if on {
            if !first {
                buf.put_u8(b',');
            }
            buf.put_slice(name);
            first = false;
        }
    }
}

/// Writes the RCPT parameters, each preceded by a space.
pub fn rcpt_parameters(p: &RcptParameters, buf: &mut BytesMut) {
    if let Some(n) = &p.notify {
        param(buf, b"NOTIFY=");
        notify(n, buf);
    }
    if let Some(o) = &p.orcpt {
        param(buf, b"ORCPT=");
        buf.put_slice(o.addr_type.as_bytes());
        buf.put_u8(b';');
        buf.put_slice(o.address.as_str().as_bytes());
    }
    if let Some(r) = &p.rrvs {
        param(buf, b"RRVS=");
        buf.put_slice(r.datetime.as_bytes());
        match r.mode {
            None => {}
            Some(RrvsMode::Continue) => buf.put_slice(b";C"),
            Some(RrvsMode::Reject) => buf.put_slice(b";R"),
        }
    }
    for o in &p.other {
        param(buf, o.keyword.as_bytes());
        if let Some(v) = &o.value {
            buf.put_u8(b'=');
            buf.put_slice(v.as_bytes());
        }
    }
}

/// Writes a reply: the code on every line, `-` on all but the last, the enhanced code (when
/// the line has one), the text, CRLF.
pub fn reply(r: &Reply, buf: &mut BytesMut) {
    let code = r.code().get();
    let digits = [
        b'0' + (code / 100) as u8,
        b'0' + (code / 10 % 10) as u8,
        b'0' + (code % 10) as u8,
    ];
    let n = r.lines().len();
    for (i, l) in r.lines().enumerate() {
        let last = i + 1 == n;
        reply_line(&digits, last, l, buf);
    }
}

fn reply_line(code: &[u8; 3], last: bool, l: ReplyLineRef<'_>, buf: &mut BytesMut) {
    buf.put_slice(code);
    let sep = if last { b' ' } else { b'-' };
    match l.enhanced {
        Some(e) => {
            use std::fmt::Write as _;
            buf.put_u8(sep);
            let _ = write!(buf, "{e}");
            if !l.text().is_empty() {
                buf.put_u8(b' ');
            }
        }
        None if l.text().is_empty() => {
            if !last {
                buf.put_u8(b'-');
            }
        }
        None => buf.put_u8(sep),
    }
    buf.put_slice(l.text());
    buf.put_slice(b"\r\n");
}

/// Writes one EHLO capability line's text (`keyword [params]`, no code, no CRLF).
pub fn capability(c: &Capability, buf: &mut BytesMut) {
    buf.put_slice(c.keyword().as_bytes());
    match c {
        Capability::Size(Some(n)) | Capability::DeliverBy(Some(n)) => {
            buf.put_u8(b' ');
            put_u64(buf, *n);
        }
        Capability::Auth(mechs) => {
            for m in mechs {
                buf.put_u8(b' ');
                buf.put_slice(m.as_str().as_bytes());
            }
        }
        Capability::MtPriority(Some(p)) => {
            buf.put_u8(b' ');
            buf.put_slice(p.as_bytes());
        }
        Capability::FutureRelease {
            max_interval,
            max_datetime,
        } => {
            buf.put_u8(b' ');
            put_u64(buf, *max_interval);
            buf.put_u8(b' ');
            buf.put_slice(max_datetime.as_bytes());
        }
        Capability::Other { params, .. } => {
            for p in params {
                buf.put_u8(b' ');
                buf.put_slice(p.as_bytes());
            }
        }
        _ => {}
    }
}

/// Builds the `250` reply for an EHLO/LHLO response (first line `domain [greeting]`, then one
/// line per capability).
pub fn ehlo_reply(e: &EhloResponse) -> Reply {
    let mut first = BytesMut::with_capacity(e.domain.len() + e.greeting.len() + 1);
    first.put_slice(e.domain.as_bytes());
    if !e.greeting.is_empty() {
        first.put_u8(b' ');
        first.put_slice(e.greeting.as_bytes());
    }
    let mut lines = Vec::with_capacity(1 + e.len());
    lines.push(ReplyLine::new(None, first.freeze()));
    for l in e.lines() {
        lines.push(ReplyLine::new(None, Bytes::copy_from_slice(l)));
    }
    Reply::from_lines(ReplyCode::OK, lines)
}

/// Writes the EHLO response as a `250` reply, with CRLFs.
pub fn ehlo_response(e: &EhloResponse, buf: &mut BytesMut) {
    reply(&ehlo_reply(e), buf);
}

/// Writes a `334` AUTH challenge line: `334 <base64>` CRLF (RFC 4954 §4). An empty challenge
/// gives `334 ` CRLF.
pub fn auth_challenge(challenge: &[u8], buf: &mut BytesMut) {
    buf.put_slice(b"334 ");
    put_base64(buf, challenge);
    buf.put_slice(b"\r\n");
}

/// Writes a client's AUTH exchange line: base64 of the response, or `*` to cancel; CRLF.
pub fn sasl_response(r: &SaslResponse, buf: &mut BytesMut) {
    match r {
        SaslResponse::Cancel => buf.put_u8(b'*'),
        SaslResponse::Data(d) => put_base64(buf, d.expose()),
    }
    buf.put_slice(b"\r\n");
}
