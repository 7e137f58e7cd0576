//! Responses: status responses with codes, untagged data, continuation requests.

use super::command::id_params;
use super::common::{
    capability, flag, flag_list, mailbox_attribute, partial_range, sequence_set, status_attribute,
};
use super::fetch::fetch_item;
use super::writer::Writer;
use crate::types::{
    Continuation, Data, ESearchItem, ListExtendedItem, ListItem, NamespaceDescription, PLAIN_CODES,
    Response, ResponseCode, StatusItem, StatusKind, StatusResponse, Thread,
};

pub(crate) fn response(w: &mut Writer<'_>, response: &Response) {
    match response {
        Response::Status(status) => status_response(w, status),
        Response::Data(data) => {
            w.raw(b"* ");
            self::data(w, data);
            w.crlf();
        }
        Response::Continuation(continuation) => self::continuation(w, continuation),
    }
}

fn continuation(w: &mut Writer<'_>, continuation: &Continuation) {
    w.raw(b"+ ");
    resp_text(w, continuation.code.as_ref(), continuation.text.as_bytes());
    w.crlf();
}

fn status_response(w: &mut Writer<'_>, status: &StatusResponse) {
    match &status.tag {
        Some(tag) => w.raw(tag.as_bytes()),
        None => w.byte(b'*'),
    }
    w.sp();
    w.raw(match status.kind {
        StatusKind::Ok => b"OK",
        StatusKind::No => b"NO",
        StatusKind::Bad => b"BAD",
        StatusKind::PreAuth => b"PREAUTH",
        StatusKind::Bye => b"BYE",
    });
    w.sp();
    resp_text(w, status.code.as_ref(), status.text.as_bytes());
    w.crlf();
}

/// `["[" code "]" SP] text`; an empty text after a code keeps the SP (IMAP4rev2).
fn resp_text(w: &mut Writer<'_>, code: Option<&ResponseCode>, text: &[u8]) {
    if let Some(code) = code {
        w.byte(b'[');
        response_code(w, code);
        w.raw(b"] ");
    }
    w.raw(text);
}

fn response_code(w: &mut Writer<'_>, code: &ResponseCode) {
    match code {
        ResponseCode::BadCharset(charsets) => {
            w.raw(b"BADCHARSET");
            if !charsets.is_empty() {
                w.sp();
                w.list(charsets, |w, c| {
                    let bytes = c.as_bytes();
                    if !bytes.is_empty() && bytes.iter().all(|&b| crate::types::is_atom_char(b)) {
                        w.raw(bytes);
                    } else {
                        w.quoted(bytes);
                    }
                });
            }
        }
        ResponseCode::Capability(capabilities) => {
            w.raw(b"CAPABILITY ");
            w.sp_separated(capabilities, capability);
        }
        ResponseCode::PermanentFlags(flags) => {
            w.raw(b"PERMANENTFLAGS ");
            flag_list(w, flags);
        }
        ResponseCode::UidNext(n) => w.named_number(b"UIDNEXT ", u64::from(*n)),
        ResponseCode::UidValidity(n) => w.named_number(b"UIDVALIDITY ", u64::from(*n)),
        ResponseCode::Unseen(n) => w.named_number(b"UNSEEN ", u64::from(*n)),
        ResponseCode::HighestModSeq(n) => w.named_number(b"HIGHESTMODSEQ ", *n),
        ResponseCode::MetadataLongEntries(n) => w.named_number(b"METADATA LONGENTRIES ", *n),
        ResponseCode::MetadataMaxSize(n) => w.named_number(b"METADATA MAXSIZE ", *n),
        ResponseCode::MetadataTooMany => w.raw(b"METADATA TOOMANY"),
        ResponseCode::MetadataNoPrivate => w.raw(b"METADATA NOPRIVATE"),
        ResponseCode::AppendUid { uid_validity, uids } => {
            w.named_number(b"APPENDUID ", u64::from(*uid_validity));
            w.sp();
            sequence_set(w, uids);
        }
        ResponseCode::CopyUid {
            uid_validity,
            source,
            destination,
        } => {
            w.named_number(b"COPYUID ", u64::from(*uid_validity));
            w.sp();
            sequence_set(w, source);
            w.sp();
            sequence_set(w, destination);
        }
        ResponseCode::Modified(set) => {
            w.raw(b"MODIFIED ");
            sequence_set(w, set);
        }
        ResponseCode::MailboxId(id) => {
            w.raw(b"MAILBOXID (");
            w.raw(id);
            w.byte(b')');
        }
        ResponseCode::Referral(url) => {
            w.raw(b"REFERRAL ");
            w.raw(url);
        }
        ResponseCode::Other { name, data } => {
            w.raw(name.as_bytes());
            if let Some(data) = data {
                w.sp();
                w.raw(data);
            }
        }
        plain => {
            let name = PLAIN_CODES
                .iter()
                .find(|(_, c)| c == plain)
                .map_or(&b"ALERT"[..], |(name, _)| name);
            w.raw(name);
        }
    }
}

fn delimiter(w: &mut Writer<'_>, delimiter: Option<u8>) {
    match delimiter {
        Some(d) => w.quoted(&[d]),
        None => w.raw(b"NIL"),
    }
}

fn list_item(w: &mut Writer<'_>, item: &ListItem) {
    w.list(&item.attributes, |w, a| mailbox_attribute(w, a));
    w.sp();
    delimiter(w, item.delimiter);
    w.sp();
    w.mailbox(&item.mailbox);
    if !item.extended.is_empty() {
        w.sp();
        w.list(&item.extended, |w, ext| match ext {
            ListExtendedItem::ChildInfo(values) => {
                w.raw(b"CHILDINFO ");
                w.list(values, |w, v| w.string(v.as_bytes()));
            }
            ListExtendedItem::OldName(mailbox) => {
                w.raw(b"OLDNAME (");
                w.mailbox(mailbox);
                w.byte(b')');
            }
            ListExtendedItem::Other { tag, value } => {
                w.astring(tag.as_bytes());
                w.sp();
                w.raw(value);
            }
        });
    }
}

fn namespace(w: &mut Writer<'_>, descriptions: &[NamespaceDescription]) {
    if descriptions.is_empty() {
        w.raw(b"NIL");
        return;
    }
    w.byte(b'(');
    for description in descriptions {
        w.byte(b'(');
        w.string(description.prefix.as_bytes());
        w.sp();
        delimiter(w, description.delimiter);
        for (name, values) in &description.extensions {
            w.sp();
            w.string(name.as_bytes());
            w.sp();
            w.list(values, |w, v| w.string(v.as_bytes()));
        }
        w.byte(b')');
    }
    w.byte(b')');
}

fn thread(w: &mut Writer<'_>, node: &Thread) {
    w.byte(b'(');
    for (index, id) in node.messages.iter().enumerate() {
        if index > 0 {
            w.sp();
        }
        w.number(u64::from(*id));
    }
    if !node.messages.is_empty() && !node.children.is_empty() {
        w.sp();
    }
    for child in &node.children {
        thread(w, child);
    }
    w.byte(b')');
}

fn ids(w: &mut Writer<'_>, ids: &[u32], modseq: Option<u64>) {
    for id in ids {
        w.sp();
        w.number(u64::from(*id));
    }
    if let Some(modseq) = modseq {
        w.raw(b" (MODSEQ ");
        w.number(modseq);
        w.byte(b')');
    }
}

fn data(w: &mut Writer<'_>, data: &Data) {
    match data {
        Data::Capability(capabilities) => {
            w.raw(b"CAPABILITY ");
            w.sp_separated(capabilities, capability);
        }
        Data::Enabled(capabilities) => {
            w.raw(b"ENABLED");
            for c in capabilities {
                w.sp();
                capability(w, c);
            }
        }
        Data::List(item) => {
            w.raw(b"LIST ");
            list_item(w, item);
        }
        Data::Lsub(item) => {
            w.raw(b"LSUB ");
            list_item(w, item);
        }
        Data::Namespace {
            personal,
            other,
            shared,
        } => {
            w.raw(b"NAMESPACE ");
            namespace(w, personal);
            w.sp();
            namespace(w, other);
            w.sp();
            namespace(w, shared);
        }
        Data::Status { mailbox, items } => {
            w.raw(b"STATUS ");
            w.mailbox(mailbox);
            w.sp();
            w.list(items, |w, item| match item {
                StatusItem::Number(attribute, value) => {
                    status_attribute(w, attribute);
                    w.sp();
                    w.number(*value);
                }
                StatusItem::AppendLimitNone => w.raw(b"APPENDLIMIT NIL"),
                StatusItem::MailboxId(id) => {
                    w.raw(b"MAILBOXID (");
                    w.raw(id);
                    w.byte(b')');
                }
            });
        }
        Data::ESearch { tag, uid, items } => {
            w.raw(b"ESEARCH");
            if let Some(tag) = tag {
                w.raw(b" (TAG ");
                w.string(tag.as_bytes());
                w.byte(b')');
            }
            if *uid {
                w.raw(b" UID");
            }
            for item in items {
                w.sp();
                match item {
                    ESearchItem::Min(n) => w.named_number(b"MIN ", u64::from(*n)),
                    ESearchItem::Max(n) => w.named_number(b"MAX ", u64::from(*n)),
                    ESearchItem::Count(n) => w.named_number(b"COUNT ", u64::from(*n)),
                    ESearchItem::ModSeq(n) => w.named_number(b"MODSEQ ", *n),
                    ESearchItem::All(set) => {
                        w.raw(b"ALL ");
                        sequence_set(w, set);
                    }
                    ESearchItem::Partial { range, results } => {
                        w.raw(b"PARTIAL (");
                        partial_range(w, range);
                        w.sp();
                        match results {
                            Some(set) => sequence_set(w, set),
                            None => w.raw(b"NIL"),
                        }
                        w.byte(b')');
                    }
                    ESearchItem::Other { name, value } => {
                        w.raw(name.as_bytes());
                        w.sp();
                        w.raw(value);
                    }
                }
            }
        }
        Data::Search { ids: list, modseq } => {
            w.raw(b"SEARCH");
            ids(w, list, *modseq);
        }
        Data::Sort { ids: list, modseq } => {
            w.raw(b"SORT");
            ids(w, list, *modseq);
        }
        Data::Thread(threads) => {
            w.raw(b"THREAD");
            if !threads.is_empty() {
                w.sp();
                for node in threads {
                    thread(w, node);
                }
            }
        }
        Data::Flags(flags) => {
            w.raw(b"FLAGS ");
            w.list(flags, |w, f| flag(w, f));
        }
        Data::Exists(n) => {
            w.number(u64::from(*n));
            w.raw(b" EXISTS");
        }
        Data::Recent(n) => {
            w.number(u64::from(*n));
            w.raw(b" RECENT");
        }
        Data::Expunge(n) => {
            w.number(u64::from(*n));
            w.raw(b" EXPUNGE");
        }
        Data::Vanished { earlier, uids } => {
            w.raw(if *earlier {
                b"VANISHED (EARLIER) "
            } else {
                b"VANISHED "
            });
            sequence_set(w, uids);
        }
        Data::Fetch { seq, items } => {
            w.number(u64::from(*seq));
            w.raw(b" FETCH ");
            w.list(items, |w, item| fetch_item(w, item));
        }
        Data::Quota { root, resources } => {
            w.raw(b"QUOTA ");
            w.astring(root.as_bytes());
            w.sp();
            w.list(resources, |w, r| {
                w.atom(r.name.as_bytes());
                w.sp();
                w.number(r.usage);
                w.sp();
                w.number(r.limit);
            });
        }
        Data::QuotaRoot { mailbox, roots } => {
            w.raw(b"QUOTAROOT ");
            w.mailbox(mailbox);
            for root in roots {
                w.sp();
                w.astring(root.as_bytes());
            }
        }
        Data::Metadata { mailbox, entries } => {
            w.raw(b"METADATA ");
            w.mailbox(mailbox);
            w.sp();
            w.list(entries, |w, entry| {
                w.astring(entry.name.as_bytes());
                w.sp();
                match &entry.value {
                    Some(value) => w.binary_string(value.as_bytes()),
                    None => w.raw(b"NIL"),
                }
            });
        }
        Data::MetadataKeys { mailbox, entries } => {
            w.raw(b"METADATA ");
            w.mailbox(mailbox);
            w.sp();
            w.sp_separated(entries, |w, e| w.astring(e.as_bytes()));
        }
        Data::Id(params) => {
            w.raw(b"ID ");
            id_params(w, params.as_deref());
        }
        Data::Other { name, value } => {
            w.raw(name);
            if !value.is_empty() {
                w.sp();
                w.raw(value);
            }
        }
    }
}
