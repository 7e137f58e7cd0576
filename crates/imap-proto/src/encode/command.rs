//! Commands, SEARCH keys and SORT criteria.

use super::common::{
    date, date_time, flag, flag_list, gmail_label, mailbox_attribute, partial_range, sequence_set,
    status_attribute,
};
use super::fetch::fetch_attributes;
use super::writer::Writer;
use crate::parse::sort_key_name;
use crate::types::{
    AuthenticateData, Command, CommandBody, IString, ListReturn, ListSelect, SearchKey,
    SearchReturn, SelectParameters, StoreKind,
};
use base64::Engine;

pub(crate) fn command(w: &mut Writer<'_>, command: &Command) {
    w.raw(command.tag.as_bytes());
    w.sp();
    body(w, &command.body);
    w.crlf();
}

/// ` RETURN (options)` of SEARCH (RFC 4731) and SORT (RFC 5267).
fn search_returns(w: &mut Writer<'_>, returns: &[SearchReturn]) {
    w.raw(b" RETURN ");
    w.list(returns, |w, r| match r {
        SearchReturn::Min => w.raw(b"MIN"),
        SearchReturn::Max => w.raw(b"MAX"),
        SearchReturn::All => w.raw(b"ALL"),
        SearchReturn::Count => w.raw(b"COUNT"),
        SearchReturn::Save => w.raw(b"SAVE"),
        SearchReturn::Partial(range) => {
            w.raw(b"PARTIAL ");
            partial_range(w, range);
        }
        SearchReturn::Other(atom) => w.raw(atom.as_bytes()),
    });
}

fn body(w: &mut Writer<'_>, body: &CommandBody) {
    w.raw(body.name().as_bytes());
    match body {
        CommandBody::Capability
        | CommandBody::Noop
        | CommandBody::Logout
        | CommandBody::StartTls
        | CommandBody::Namespace
        | CommandBody::Idle
        | CommandBody::Check
        | CommandBody::Close
        | CommandBody::Unselect
        | CommandBody::Expunge
        | CommandBody::Unauthenticate => {}
        CommandBody::Authenticate {
            mechanism,
            initial_response,
        } => {
            w.sp();
            w.atom(mechanism.as_bytes());
            if let Some(response) = initial_response {
                w.sp();
                let response = response.expose();
                if response.is_empty() {
                    w.byte(b'=');
                } else {
                    let encoded = base64::engine::general_purpose::STANDARD.encode(response);
                    w.raw(encoded.as_bytes());
                }
            }
        }
        CommandBody::Login { username, password } => {
            w.sp();
            w.astring(username.as_bytes());
            w.sp();
            w.astring(password.expose().as_bytes());
        }
        CommandBody::Enable(capabilities) => {
            for capability in capabilities {
                w.sp();
                w.atom(capability.as_bytes());
            }
        }
        CommandBody::Select {
            mailbox,
            parameters,
        }
        | CommandBody::Examine {
            mailbox,
            parameters,
        } => {
            w.sp();
            w.mailbox(mailbox);
            select_parameters(w, parameters);
        }
        CommandBody::Create {
            mailbox,
            special_use,
        } => {
            w.sp();
            w.mailbox(mailbox);
            if !special_use.is_empty() {
                w.raw(b" (USE ");
                w.list(special_use, |w, a| mailbox_attribute(w, a));
                w.byte(b')');
            }
        }
        CommandBody::Delete(mailbox)
        | CommandBody::Subscribe(mailbox)
        | CommandBody::Unsubscribe(mailbox)
        | CommandBody::GetQuotaRoot(mailbox) => {
            w.sp();
            w.mailbox(mailbox);
        }
        CommandBody::Rename { from, to } => {
            w.sp();
            w.mailbox(from);
            w.sp();
            w.mailbox(to);
        }
        CommandBody::List {
            selection,
            reference,
            patterns,
            returns,
        } => {
            w.sp();
            if !selection.is_empty() {
                w.list(selection, |w, s| {
                    w.raw(match s {
                        ListSelect::Subscribed => b"SUBSCRIBED",
                        ListSelect::Remote => b"REMOTE",
                        ListSelect::RecursiveMatch => b"RECURSIVEMATCH",
                        ListSelect::SpecialUse => b"SPECIAL-USE",
                        ListSelect::Other(atom) => atom.as_bytes(),
                    })
                });
                w.sp();
            }
            w.mailbox(reference);
            w.sp();
            if patterns.len() == 1 {
                w.list_mailbox(patterns[0].as_bytes());
            } else {
                w.list(patterns, |w, p| w.list_mailbox(p.as_bytes()));
            }
            if !returns.is_empty() {
                w.raw(b" RETURN ");
                w.list(returns, |w, option| match option {
                    ListReturn::Subscribed => w.raw(b"SUBSCRIBED"),
                    ListReturn::Children => w.raw(b"CHILDREN"),
                    ListReturn::SpecialUse => w.raw(b"SPECIAL-USE"),
                    ListReturn::Status(items) => {
                        w.raw(b"STATUS ");
                        w.list(items, |w, a| status_attribute(w, a));
                    }
                    ListReturn::Other(atom) => w.raw(atom.as_bytes()),
                });
            }
        }
        CommandBody::Lsub { reference, pattern } => {
            w.sp();
            w.mailbox(reference);
            w.sp();
            w.list_mailbox(pattern.as_bytes());
        }
        CommandBody::Status { mailbox, items } => {
            w.sp();
            w.mailbox(mailbox);
            w.sp();
            w.list(items, |w, a| status_attribute(w, a));
        }
        CommandBody::Append { mailbox, messages } => {
            w.sp();
            w.mailbox(mailbox);
            for message in messages {
                w.sp();
                if !message.flags.is_empty() {
                    flag_list(w, &message.flags);
                    w.sp();
                }
                if let Some(value) = &message.date {
                    date_time(w, value);
                    w.sp();
                }
                if message.utf8 {
                    w.raw(b"UTF8 (");
                    w.literal(&message.data, true);
                    w.byte(b')');
                } else {
                    let binary = message.binary
                        || (w.peer().binary && memchr::memchr(0, &message.data).is_some());
                    w.literal(&message.data, binary);
                }
            }
        }
        CommandBody::UidExpunge(set) => {
            w.sp();
            sequence_set(w, set);
        }
        CommandBody::Search {
            returns,
            charset,
            criteria,
            ..
        } => {
            if let Some(returns) = returns {
                search_returns(w, returns);
            }
            if let Some(charset) = charset {
                w.raw(b" CHARSET ");
                w.astring(charset.as_bytes());
            }
            w.sp();
            w.sp_separated(criteria, search_key);
        }
        CommandBody::Fetch {
            set,
            attributes,
            changed_since,
            vanished,
            partial,
            ..
        } => {
            w.sp();
            sequence_set(w, set);
            w.sp();
            fetch_attributes(w, attributes);
            if changed_since.is_some() || *vanished || partial.is_some() {
                // Modifiers separated by single spaces, in a fixed order.
                let mut sep: &[u8] = b" (";
                if let Some(modseq) = changed_since {
                    w.raw(sep);
                    w.raw(b"CHANGEDSINCE ");
                    w.number(*modseq);
                    sep = b" ";
                }
                if *vanished {
                    w.raw(sep);
                    w.raw(b"VANISHED");
                    sep = b" ";
                }
                if let Some(range) = partial {
                    w.raw(sep);
                    w.raw(b"PARTIAL ");
                    partial_range(w, range);
                }
                w.byte(b')');
            }
        }
        CommandBody::Store {
            set,
            unchanged_since,
            kind,
            silent,
            flags,
            ..
        } => {
            w.sp();
            sequence_set(w, set);
            w.sp();
            if let Some(modseq) = unchanged_since {
                w.raw(b"(UNCHANGEDSINCE ");
                w.number(*modseq);
                w.raw(b") ");
            }
            store_kind(w, *kind);
            w.raw(if *silent { b"FLAGS.SILENT " } else { b"FLAGS " });
            w.list(flags, |w, f| flag(w, f));
        }
        CommandBody::StoreGmailLabels {
            set,
            kind,
            silent,
            labels,
            ..
        } => {
            w.sp();
            sequence_set(w, set);
            w.sp();
            store_kind(w, *kind);
            w.raw(if *silent {
                b"X-GM-LABELS.SILENT "
            } else {
                b"X-GM-LABELS "
            });
            w.list(labels, gmail_label);
        }
        CommandBody::Copy { set, mailbox, .. } | CommandBody::Move { set, mailbox, .. } => {
            w.sp();
            sequence_set(w, set);
            w.sp();
            w.mailbox(mailbox);
        }
        CommandBody::Sort {
            returns,
            criteria,
            charset,
            search,
            ..
        } => {
            if let Some(returns) = returns {
                search_returns(w, returns);
            }
            w.sp();
            w.list(criteria, |w, c| {
                if c.reverse {
                    w.raw(b"REVERSE ");
                }
                w.raw(sort_key_name(c.key));
            });
            w.sp();
            w.astring(charset.as_bytes());
            w.sp();
            w.sp_separated(search, search_key);
        }
        CommandBody::Thread {
            algorithm,
            charset,
            search,
            ..
        } => {
            w.sp();
            w.atom(algorithm.as_bytes());
            w.sp();
            w.astring(charset.as_bytes());
            w.sp();
            w.sp_separated(search, search_key);
        }
        CommandBody::GetQuota(root) => {
            w.sp();
            w.astring(root.as_bytes());
        }
        CommandBody::SetQuota { root, limits } => {
            w.sp();
            w.astring(root.as_bytes());
            w.sp();
            w.list(limits, |w, (name, limit)| {
                w.atom(name.as_bytes());
                w.sp();
                w.number(*limit);
            });
        }
        CommandBody::GetMetadata {
            options,
            mailbox,
            entries,
        } => {
            w.sp();
            if options.max_size.is_some() || options.depth.is_some() {
                w.byte(b'(');
                if let Some(max) = options.max_size {
                    w.raw(b"MAXSIZE ");
                    w.number(max);
                    if options.depth.is_some() {
                        w.sp();
                    }
                }
                if let Some(depth) = options.depth {
                    w.raw(b"DEPTH ");
                    match depth {
                        Some(depth) => w.number(u64::from(depth)),
                        None => w.raw(b"infinity"),
                    }
                }
                w.raw(b") ");
            }
            w.mailbox(mailbox);
            w.sp();
            w.list(entries, |w, e| w.astring(e.as_bytes()));
        }
        CommandBody::SetMetadata { mailbox, entries } => {
            w.sp();
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
        CommandBody::Compress(algorithm) => {
            w.sp();
            w.atom(algorithm.as_bytes());
        }
        CommandBody::Id(params) => {
            w.sp();
            id_params(w, params.as_deref());
        }
    }
}

pub(crate) fn id_params(w: &mut Writer<'_>, params: Option<&[(IString, Option<IString>)]>) {
    match params {
        None => w.raw(b"NIL"),
        Some(params) => w.list(params, |w, (key, value)| {
            w.string(key.as_bytes());
            w.sp();
            w.nstring(value.as_ref().map(IString::as_bytes));
        }),
    }
}

fn select_parameters(w: &mut Writer<'_>, parameters: &SelectParameters) {
    if !parameters.condstore && parameters.qresync.is_none() {
        return;
    }
    w.raw(b" (");
    if parameters.condstore {
        w.raw(b"CONDSTORE");
        if parameters.qresync.is_some() {
            w.sp();
        }
    }
    if let Some(q) = &parameters.qresync {
        w.raw(b"QRESYNC (");
        w.number(u64::from(q.uid_validity));
        w.sp();
        w.number(q.modseq);
        if let Some(known) = &q.known_uids {
            w.sp();
            sequence_set(w, known);
        }
        if let Some((numbers, uids)) = &q.seq_match {
            w.raw(b" (");
            sequence_set(w, numbers);
            w.sp();
            sequence_set(w, uids);
            w.byte(b')');
        }
        w.byte(b')');
    }
    w.byte(b')');
}

/// `+`, `-` or nothing before the STORE item name.
fn store_kind(w: &mut Writer<'_>, kind: StoreKind) {
    match kind {
        StoreKind::Add => w.byte(b'+'),
        StoreKind::Remove => w.byte(b'-'),
        StoreKind::Replace => {}
    }
}

pub(crate) fn search_key(w: &mut Writer<'_>, key: &SearchKey) {
    macro_rules! with {
        ($name:literal, $value:expr, astring) => {{
            w.raw($name);
            w.sp();
            w.astring($value.as_bytes());
        }};
        ($name:literal, $value:expr, date) => {{
            w.raw($name);
            w.sp();
            date(w, $value);
        }};
        ($name:literal, $value:expr, number) => {{
            w.raw($name);
            w.sp();
            w.number(u64::from(*$value));
        }};
        ($name:literal, $value:expr, raw) => {{
            w.raw($name);
            w.sp();
            w.raw($value);
        }};
    }
    match key {
        SearchKey::All => w.raw(b"ALL"),
        SearchKey::Answered => w.raw(b"ANSWERED"),
        SearchKey::Deleted => w.raw(b"DELETED"),
        SearchKey::Draft => w.raw(b"DRAFT"),
        SearchKey::Flagged => w.raw(b"FLAGGED"),
        SearchKey::New => w.raw(b"NEW"),
        SearchKey::Old => w.raw(b"OLD"),
        SearchKey::Recent => w.raw(b"RECENT"),
        SearchKey::Seen => w.raw(b"SEEN"),
        SearchKey::Unanswered => w.raw(b"UNANSWERED"),
        SearchKey::Undeleted => w.raw(b"UNDELETED"),
        SearchKey::Undraft => w.raw(b"UNDRAFT"),
        SearchKey::Unflagged => w.raw(b"UNFLAGGED"),
        SearchKey::Unseen => w.raw(b"UNSEEN"),
        SearchKey::SaveDateSupported => w.raw(b"SAVEDATESUPPORTED"),
        SearchKey::Bcc(v) => with!(b"BCC", v, astring),
        SearchKey::Body(v) => with!(b"BODY", v, astring),
        SearchKey::Cc(v) => with!(b"CC", v, astring),
        SearchKey::From(v) => with!(b"FROM", v, astring),
        SearchKey::Subject(v) => with!(b"SUBJECT", v, astring),
        SearchKey::Text(v) => with!(b"TEXT", v, astring),
        SearchKey::To(v) => with!(b"TO", v, astring),
        SearchKey::Keyword(v) => with!(b"KEYWORD", v, astring),
        SearchKey::Unkeyword(v) => with!(b"UNKEYWORD", v, astring),
        SearchKey::Before(d) => with!(b"BEFORE", d, date),
        SearchKey::On(d) => with!(b"ON", d, date),
        SearchKey::Since(d) => with!(b"SINCE", d, date),
        SearchKey::SentBefore(d) => with!(b"SENTBEFORE", d, date),
        SearchKey::SentOn(d) => with!(b"SENTON", d, date),
        SearchKey::SentSince(d) => with!(b"SENTSINCE", d, date),
        SearchKey::SavedBefore(d) => with!(b"SAVEDBEFORE", d, date),
        SearchKey::SavedOn(d) => with!(b"SAVEDON", d, date),
        SearchKey::SavedSince(d) => with!(b"SAVEDSINCE", d, date),
        SearchKey::Larger(n) => {
            w.raw(b"LARGER ");
            w.number(*n);
        }
        SearchKey::Smaller(n) => {
            w.raw(b"SMALLER ");
            w.number(*n);
        }
        SearchKey::Older(n) => with!(b"OLDER", n, number),
        SearchKey::Younger(n) => with!(b"YOUNGER", n, number),
        SearchKey::EmailId(id) => with!(b"EMAILID", id, raw),
        SearchKey::ThreadId(id) => with!(b"THREADID", id, raw),
        SearchKey::XGmRaw(query) => with!(b"X-GM-RAW", query, astring),
        SearchKey::XGmMsgId(id) => with!(b"X-GM-MSGID", id, number),
        SearchKey::XGmThrId(id) => with!(b"X-GM-THRID", id, number),
        SearchKey::XGmLabels(label) => {
            w.raw(b"X-GM-LABELS ");
            gmail_label(w, label);
        }
        SearchKey::Uid(set) => {
            w.raw(b"UID ");
            sequence_set(w, set);
        }
        SearchKey::SequenceSet(set) => sequence_set(w, set),
        SearchKey::Not(inner) => {
            w.raw(b"NOT ");
            search_key(w, inner);
        }
        SearchKey::Or(a, b) => {
            w.raw(b"OR ");
            search_key(w, a);
            w.sp();
            search_key(w, b);
        }
        SearchKey::Header(field, value) => {
            w.raw(b"HEADER ");
            w.astring(field.as_bytes());
            w.sp();
            w.astring(value.as_bytes());
        }
        SearchKey::And(keys) => w.list(keys, search_key),
        SearchKey::ModSeq { entry, modseq } => {
            w.raw(b"MODSEQ ");
            if let Some((name, kind)) = entry {
                w.string(name.as_bytes());
                w.sp();
                w.atom(kind.as_bytes());
                w.sp();
            }
            w.number(*modseq);
        }
    }
}

/// An AUTHENTICATE continuation line.
pub(crate) fn authenticate_data(w: &mut Writer<'_>, data: &AuthenticateData) {
    match data {
        AuthenticateData::Cancel => w.byte(b'*'),
        AuthenticateData::Response(response) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(response.expose());
            w.raw(encoded.as_bytes());
        }
    }
    w.crlf();
}
