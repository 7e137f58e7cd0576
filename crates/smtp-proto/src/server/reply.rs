//! The replies the server session writes by itself, in one place.
//!
//! Each takes `esc`: whether ENHANCEDSTATUSCODES is offered (RFC 2034 §3), in which case the
//! enhanced code is sent.

use crate::types::{EnhancedStatusCode as Esc, Reply, ReplyCode};

fn r(code: u16, esc: Option<Esc>, use_esc: bool, text: &'static str) -> Reply {
    // Codes given here are constants known to be valid.
    let code = ReplyCode::new(code).unwrap_or(ReplyCode::LOCAL_ERROR);
    Reply::from_static(code, esc.filter(|_| use_esc), text)
}

fn e(class: u8, subject: u16, detail: u16) -> Option<Esc> {
    Esc::new(class, subject, detail)
}

pub(super) fn greeting(host: &str, proto: &str, text: &str) -> Reply {
    let line = if text.is_empty() {
        format!("{host} {proto}")
    } else {
        format!("{host} {proto} {text}")
    };
    Reply::new(ReplyCode::SERVICE_READY, None, &line)
}

pub(super) fn helo_ok(host: &str) -> Reply {
    Reply::new(ReplyCode::OK, None, host)
}

pub(super) fn ok(esc: bool) -> Reply {
    r(250, e(2, 0, 0), esc, "OK")
}

pub(super) fn mail_ok(esc: bool) -> Reply {
    r(250, e(2, 1, 0), esc, "Sender OK")
}

pub(super) fn rcpt_ok(esc: bool) -> Reply {
    r(250, e(2, 1, 5), esc, "Recipient OK")
}

pub(super) fn message_ok(esc: bool) -> Reply {
    r(250, e(2, 0, 0), esc, "Message accepted")
}

pub(super) fn chunk_ok(esc: bool) -> Reply {
    r(250, e(2, 0, 0), esc, "Chunk received")
}

pub(super) fn auth_ok(esc: bool) -> Reply {
    r(235, e(2, 7, 0), esc, "Authentication successful")
}

pub(super) fn start_data() -> Reply {
    Reply::from_static(
        ReplyCode::START_MAIL_INPUT,
        None,
        "Start mail input; end with <CRLF>.<CRLF>",
    )
}

pub(super) fn reset_ok(esc: bool) -> Reply {
    r(250, e(2, 0, 0), esc, "Reset OK")
}

pub(super) fn cannot_vrfy(esc: bool) -> Reply {
    r(
        252,
        e(2, 5, 0),
        esc,
        "Cannot VRFY user, but will accept message and attempt delivery",
    )
}

pub(super) fn help(esc: bool) -> Reply {
    r(214, e(2, 0, 0), esc, "See RFC 5321")
}

pub(super) fn ready_for_tls(esc: bool) -> Reply {
    r(220, e(2, 0, 0), esc, "Ready to start TLS")
}

pub(super) fn shutting_down(esc: bool) -> Reply {
    r(
        421,
        e(4, 3, 0),
        esc,
        "Service shutting down, closing connection",
    )
}

// ---- sequence and availability errors (RFC 5321 §4.3.2) ----

pub(super) fn unrecognized(esc: bool) -> Reply {
    r(500, e(5, 5, 1), esc, "Command unrecognized")
}

pub(super) fn lmtp_needs_lhlo(esc: bool) -> Reply {
    r(500, e(5, 5, 1), esc, "This is LMTP, use LHLO")
}

pub(super) fn not_implemented(esc: bool) -> Reply {
    r(502, e(5, 5, 1), esc, "Command not implemented")
}

pub(super) fn hello_first(esc: bool) -> Reply {
    r(503, e(5, 5, 1), esc, "Send HELO/EHLO first")
}

pub(super) fn ehlo_first(esc: bool) -> Reply {
    r(503, e(5, 5, 1), esc, "Send EHLO first")
}

pub(super) fn nested_mail(esc: bool) -> Reply {
    r(503, e(5, 5, 1), esc, "Sender already specified")
}

pub(super) fn need_mail(esc: bool) -> Reply {
    r(503, e(5, 5, 1), esc, "Need MAIL command first")
}

pub(super) fn no_valid_recipients(esc: bool) -> Reply {
    r(554, e(5, 5, 1), esc, "No valid recipients")
}

pub(super) fn binarymime_needs_bdat(esc: bool) -> Reply {
    r(503, e(5, 5, 1), esc, "BODY=BINARYMIME requires BDAT")
}

pub(super) fn data_after_bdat(esc: bool) -> Reply {
    r(503, e(5, 5, 1), esc, "DATA not allowed after BDAT")
}

pub(super) fn service_refused(esc: bool) -> Reply {
    r(503, e(5, 5, 1), esc, "No service here, send QUIT")
}

pub(super) fn too_many_recipients(esc: bool) -> Reply {
    r(452, e(4, 5, 3), esc, "Too many recipients")
}

pub(super) fn size_exceeded(esc: bool) -> Reply {
    r(
        552,
        e(5, 3, 4),
        esc,
        "Message size exceeds fixed maximum message size",
    )
}

pub(super) fn parameter_not_offered(esc: bool) -> Reply {
    r(
        555,
        e(5, 5, 4),
        esc,
        "Parameter not recognized or not implemented",
    )
}

pub(super) fn auth_required(esc: bool) -> Reply {
    r(530, e(5, 7, 0), esc, "Authentication required")
}

pub(super) fn already_authenticated(esc: bool) -> Reply {
    r(503, e(5, 5, 1), esc, "Already authenticated")
}

pub(super) fn auth_in_transaction(esc: bool) -> Reply {
    r(
        503,
        e(5, 5, 1),
        esc,
        "AUTH not allowed during a mail transaction",
    )
}

pub(super) fn auth_mechanism_unknown(esc: bool) -> Reply {
    r(504, e(5, 5, 4), esc, "Unrecognized authentication type")
}

pub(super) fn auth_cancelled(esc: bool) -> Reply {
    r(501, e(5, 7, 0), esc, "Authentication cancelled")
}

pub(super) fn tls_active(esc: bool) -> Reply {
    r(503, e(5, 5, 1), esc, "TLS already active")
}
