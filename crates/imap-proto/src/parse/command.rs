//! Commands (RFC 9051 section 6 and the extensions).

use base64::Engine;
use bytes::Bytes;

use super::common::{
    astring_list, date_time, flag, flag_list, gmail_labels, list_mailbox, mailbox,
    mailbox_attribute, sequence_set, status_attribute,
};
use super::fetch::fetch_attributes;
use super::reader::{PResult, Reader};
use super::search::{search_keys, search_return, sort_criterion};
use crate::error::{ParseError, ParseErrorKind};
use crate::types::{
    AppendHead, AppendMessage, AppendPart, AuthenticateData, Command, CommandBody, ListReturn,
    ListSelect, MetadataEntry, MetadataOptions, QResyncParameters, Secret, SelectParameters,
    StoreKind, Tag,
};

pub(crate) fn tag(r: &mut Reader<'_>) -> PResult<Tag> {
    let start = r.pos;
    while let Some(b) = r.peek() {
        if crate::types::is_astring_char(b) && b != b'+' {
            r.pos += 1;
        } else {
            break;
        }
    }
    if r.pos == start {
        return Err(r.expected("tag"));
    }
    if r.is_end() {
        return Err(r.error(ParseErrorKind::Incomplete));
    }
    Ok(Tag::unchecked(r.slice(start, r.pos)))
}

pub(crate) fn command(r: &mut Reader<'_>) -> PResult<Command> {
    let tag = tag(r)?;
    r.sp()?;
    let body = command_body(r)?;
    r.crlf()?;
    Ok(Command { tag, body })
}

fn command_body(r: &mut Reader<'_>) -> PResult<CommandBody> {
    let start = r.pos;
    let name = r.name()?;
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    if is(b"UID") {
        r.sp()?;
        let start = r.pos;
        let name = r.name()?;
        let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
        return if is(b"FETCH") {
            fetch(r, true)
        } else if is(b"SEARCH") {
            search(r, true)
        } else if is(b"STORE") {
            store(r, true)
        } else if is(b"COPY") || is(b"MOVE") {
            copy_move(r, true, is(b"MOVE"))
        } else if is(b"EXPUNGE") {
            r.sp()?;
            Ok(CommandBody::UidExpunge(sequence_set(r)?))
        } else if is(b"SORT") {
            sort(r, true)
        } else if is(b"THREAD") {
            thread(r, true)
        } else {
            Err(ParseError::new(ParseErrorKind::Unknown, start))
        };
    }
    Ok(match () {
        _ if is(b"FETCH") => return fetch(r, false),
        _ if is(b"SEARCH") => return search(r, false),
        _ if is(b"STORE") => return store(r, false),
        _ if is(b"COPY") => return copy_move(r, false, false),
        _ if is(b"MOVE") => return copy_move(r, false, true),
        _ if is(b"SORT") => return sort(r, false),
        _ if is(b"THREAD") => return thread(r, false),
        _ if is(b"NOOP") => CommandBody::Noop,
        _ if is(b"CAPABILITY") => CommandBody::Capability,
        _ if is(b"LOGOUT") => CommandBody::Logout,
        _ if is(b"STARTTLS") => CommandBody::StartTls,
        _ if is(b"NAMESPACE") => CommandBody::Namespace,
        _ if is(b"IDLE") => CommandBody::Idle,
        _ if is(b"CHECK") => CommandBody::Check,
        _ if is(b"CLOSE") => CommandBody::Close,
        _ if is(b"UNSELECT") => CommandBody::Unselect,
        _ if is(b"EXPUNGE") => CommandBody::Expunge,
        _ if is(b"UNAUTHENTICATE") => CommandBody::Unauthenticate,
        _ if is(b"LOGIN") => {
            r.sp()?;
            let username = r.astring()?;
            r.sp()?;
            CommandBody::Login {
                username,
                password: Secret::new(r.astring()?),
            }
        }
        _ if is(b"AUTHENTICATE") => {
            r.sp()?;
            let mechanism = r.atom()?;
            let initial_response = if r.peek() == Some(b' ') && !r.at_crlf() {
                r.pos += 1;
                Some(Secret::new(initial_response(r)?))
            } else {
                None
            };
            CommandBody::Authenticate {
                mechanism,
                initial_response,
            }
        }
        _ if is(b"ENABLE") => {
            r.sp()?;
            CommandBody::Enable(r.sp_list(Reader::atom)?)
        }
        _ if is(b"SELECT") || is(b"EXAMINE") => {
            r.sp()?;
            let mailbox = mailbox(r)?;
            let parameters = select_parameters(r)?;
            if is(b"SELECT") {
                CommandBody::Select {
                    mailbox,
                    parameters,
                }
            } else {
                CommandBody::Examine {
                    mailbox,
                    parameters,
                }
            }
        }
        _ if is(b"CREATE") => {
            r.sp()?;
            let mailbox = mailbox(r)?;
            let mut special_use = Vec::new();
            if r.peek() == Some(b' ') && !r.at_crlf() {
                r.pos += 1;
                r.byte(b'(', "(")?;
                r.expect_keyword(b"USE", "USE")?;
                r.sp()?;
                special_use = r.paren_list(false, mailbox_attribute)?;
                r.byte(b')', ")")?;
            }
            CommandBody::Create {
                mailbox,
                special_use,
            }
        }
        _ if is(b"DELETE") => arg_mailbox(r, CommandBody::Delete)?,
        _ if is(b"SUBSCRIBE") => arg_mailbox(r, CommandBody::Subscribe)?,
        _ if is(b"UNSUBSCRIBE") => arg_mailbox(r, CommandBody::Unsubscribe)?,
        _ if is(b"GETQUOTAROOT") => arg_mailbox(r, CommandBody::GetQuotaRoot)?,
        _ if is(b"RENAME") => {
            r.sp()?;
            let from = mailbox(r)?;
            r.sp()?;
            CommandBody::Rename {
                from,
                to: mailbox(r)?,
            }
        }
        _ if is(b"LIST") => list(r)?,
        _ if is(b"LSUB") => {
            r.sp()?;
            let reference = mailbox(r)?;
            r.sp()?;
            CommandBody::Lsub {
                reference,
                pattern: list_mailbox(r)?,
            }
        }
        _ if is(b"STATUS") => {
            r.sp()?;
            let mailbox = mailbox(r)?;
            r.sp()?;
            CommandBody::Status {
                mailbox,
                items: r.paren_list(false, status_attribute)?,
            }
        }
        _ if is(b"APPEND") => append(r)?,
        _ if is(b"GETQUOTA") => {
            r.sp()?;
            CommandBody::GetQuota(r.astring()?)
        }
        _ if is(b"SETQUOTA") => {
            r.sp()?;
            let root = r.astring()?;
            r.sp()?;
            let limits = r.paren_list(true, |r| {
                let name = r.atom()?;
                r.sp()?;
                Ok((name, r.number64()?))
            })?;
            CommandBody::SetQuota { root, limits }
        }
        _ if is(b"GETMETADATA") => get_metadata(r)?,
        _ if is(b"SETMETADATA") => {
            r.sp()?;
            let mailbox = mailbox(r)?;
            r.sp()?;
            let entries = r.paren_list(false, |r| {
                let name = r.astring()?;
                r.sp()?;
                let value = r.nstring_bytes(true)?.map(crate::types::IString::unchecked);
                Ok(MetadataEntry { name, value })
            })?;
            CommandBody::SetMetadata { mailbox, entries }
        }
        _ if is(b"COMPRESS") => {
            r.sp()?;
            CommandBody::Compress(r.atom()?)
        }
        _ if is(b"ID") => {
            r.sp()?;
            CommandBody::Id(id_params(r)?)
        }
        _ => return Err(ParseError::new(ParseErrorKind::Unknown, start)),
    })
}

fn arg_mailbox(
    r: &mut Reader<'_>,
    make: fn(crate::types::Mailbox) -> CommandBody,
) -> PResult<CommandBody> {
    r.sp()?;
    Ok(make(mailbox(r)?))
}

/// SASL-IR initial response: base64 or `=`.
fn initial_response(r: &mut Reader<'_>) -> PResult<Bytes> {
    if r.eat(b'=') {
        return Ok(Bytes::new());
    }
    base64_run(r)
}

fn base64_run(r: &mut Reader<'_>) -> PResult<Bytes> {
    let start = r.pos;
    while let Some(b) = r.peek() {
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') {
            r.pos += 1;
        } else {
            break;
        }
    }
    if r.pos == start {
        return Err(r.expected("base64"));
    }
    if r.is_end() {
        return Err(r.error(ParseErrorKind::Incomplete));
    }
    base64::engine::general_purpose::STANDARD
        .decode(&r.rest_from(start)[..r.pos - start])
        .map(Bytes::from)
        .map_err(|_| ParseError::new(ParseErrorKind::Base64, start))
}

fn select_parameters(r: &mut Reader<'_>) -> PResult<SelectParameters> {
    let mut parameters = SelectParameters::default();
    if r.peek() != Some(b' ') || r.at_crlf() {
        return Ok(parameters);
    }
    r.pos += 1;
    r.paren_list(false, |r| {
        let start = r.pos;
        if r.keyword(b"CONDSTORE") {
            parameters.condstore = true;
            return Ok(());
        }
        if r.keyword(b"QRESYNC") {
            r.sp()?;
            r.byte(b'(', "(")?;
            let uid_validity = r.nz_number()?.get();
            r.sp()?;
            let modseq = r.number64()?;
            let mut known_uids = None;
            let mut seq_match = None;
            if r.eat(b' ') {
                if r.peek() != Some(b'(') {
                    known_uids = Some(sequence_set(r)?);
                    if r.eat(b' ') {
                        seq_match = Some(seq_match_data(r)?);
                    }
                } else {
                    seq_match = Some(seq_match_data(r)?);
                }
            }
            r.byte(b')', ")")?;
            parameters.qresync = Some(QResyncParameters {
                uid_validity,
                modseq,
                known_uids,
                seq_match,
            });
            return Ok(());
        }
        Err(ParseError::new(
            ParseErrorKind::Expected("select parameter"),
            start,
        ))
    })?;
    Ok(parameters)
}

fn seq_match_data(
    r: &mut Reader<'_>,
) -> PResult<(crate::types::SequenceSet, crate::types::SequenceSet)> {
    r.byte(b'(', "(")?;
    let numbers = sequence_set(r)?;
    r.sp()?;
    let uids = sequence_set(r)?;
    r.byte(b')', ")")?;
    Ok((numbers, uids))
}

fn list(r: &mut Reader<'_>) -> PResult<CommandBody> {
    r.sp()?;
    let mut selection = Vec::new();
    if r.peek() == Some(b'(') {
        selection = r.paren_list(true, |r| {
            let atom = r.atom()?;
            let is = |n: &str| atom.eq_ignore_case(n);
            Ok(if is("SUBSCRIBED") {
                ListSelect::Subscribed
            } else if is("REMOTE") {
                ListSelect::Remote
            } else if is("RECURSIVEMATCH") {
                ListSelect::RecursiveMatch
            } else if is("SPECIAL-USE") {
                ListSelect::SpecialUse
            } else {
                ListSelect::Other(atom)
            })
        })?;
        r.sp()?;
    }
    let reference = mailbox(r)?;
    r.sp()?;
    let patterns = if r.peek() == Some(b'(') {
        r.paren_list(false, list_mailbox)?
    } else {
        vec![list_mailbox(r)?]
    };
    let mut returns = Vec::new();
    if r.peek() == Some(b' ') && !r.at_crlf() {
        r.pos += 1;
        r.expect_keyword(b"RETURN", "RETURN")?;
        r.sp()?;
        returns = r.paren_list(true, |r| {
            let atom = r.atom()?;
            let is = |n: &str| atom.eq_ignore_case(n);
            Ok(if is("SUBSCRIBED") {
                ListReturn::Subscribed
            } else if is("CHILDREN") {
                ListReturn::Children
            } else if is("SPECIAL-USE") {
                ListReturn::SpecialUse
            } else if is("STATUS") {
                r.sp()?;
                ListReturn::Status(r.paren_list(false, status_attribute)?)
            } else {
                ListReturn::Other(atom)
            })
        })?;
    }
    Ok(CommandBody::List {
        selection,
        reference,
        patterns,
        returns,
    })
}

fn append(r: &mut Reader<'_>) -> PResult<CommandBody> {
    r.sp()?;
    let mailbox = mailbox(r)?;
    let mut messages = Vec::new();
    while r.peek() == Some(b' ') && !r.at_crlf() {
        r.pos += 1;
        let (flags, date, utf8) = append_part_options(r)?;
        let binary = r.peek() == Some(b'~');
        if utf8 && !binary {
            return Err(r.expected("literal8"));
        }
        let data = r.literal(true)?;
        if utf8 {
            r.byte(b')', ")")?;
        }
        messages.push(AppendMessage {
            flags,
            date,
            data,
            binary,
            utf8,
        });
    }
    if messages.is_empty() {
        return Err(r.expected("message literal"));
    }
    Ok(CommandBody::Append { mailbox, messages })
}

/// `[flag-list SP] [date-time SP] ["UTF8" SP "("]` before an APPEND literal.
fn append_part_options(
    r: &mut Reader<'_>,
) -> PResult<(
    Vec<crate::types::Flag>,
    Option<crate::types::DateTime>,
    bool,
)> {
    let flags = if r.peek() == Some(b'(') {
        let flags = r.paren_list(true, |r| flag(r, false))?;
        r.sp()?;
        flags
    } else {
        Vec::new()
    };
    let date = if r.peek() == Some(b'"') {
        let date = date_time(r)?;
        r.sp()?;
        Some(date)
    } else {
        None
    };
    let utf8 = r.keyword(b"UTF8");
    if utf8 {
        r.sp()?;
        r.byte(b'(', "(")?;
    }
    Ok((flags, date, utf8))
}

/// The options and announcement of one APPEND message, ending the head.
fn append_part(r: &mut Reader<'_>) -> PResult<AppendPart> {
    let (flags, date, utf8) = append_part_options(r)?;
    let (length, binary) = r.literal_announcement()?;
    if utf8 && !binary {
        return Err(r.expected("literal8"));
    }
    Ok(AppendPart {
        flags,
        date,
        binary,
        utf8,
        length,
    })
}

/// `tag SP "APPEND" SP mailbox SP part-options literal-announcement`
pub(crate) fn append_head(r: &mut Reader<'_>) -> PResult<AppendHead> {
    let tag = tag(r)?;
    r.sp()?;
    r.expect_keyword(b"APPEND", "APPEND")?;
    r.sp()?;
    let mailbox = mailbox(r)?;
    r.sp()?;
    let part = append_part(r)?;
    Ok(AppendHead { tag, mailbox, part })
}

/// `[")"] SP part-options literal-announcement` of a further MULTIAPPEND message.
pub(crate) fn append_next(r: &mut Reader<'_>, after_utf8: bool) -> PResult<AppendPart> {
    if after_utf8 {
        r.byte(b')', ")")?;
    }
    r.sp()?;
    append_part(r)
}

/// `[")"] CRLF` ending a streamed APPEND.
pub(crate) fn append_end(r: &mut Reader<'_>, after_utf8: bool) -> PResult<()> {
    if after_utf8 {
        r.byte(b')', ")")?;
    }
    r.crlf()
}

fn fetch(r: &mut Reader<'_>, uid: bool) -> PResult<CommandBody> {
    r.sp()?;
    let set = sequence_set(r)?;
    r.sp()?;
    let attributes = fetch_attributes(r)?;
    let mut changed_since = None;
    let mut vanished = false;
    let mut partial = None;
    if r.peek() == Some(b' ') && !r.at_crlf() {
        r.pos += 1;
        r.paren_list(false, |r| {
            if r.keyword(b"CHANGEDSINCE") {
                r.sp()?;
                changed_since = Some(r.number64()?);
                Ok(())
            } else if r.keyword(b"VANISHED") {
                vanished = true;
                Ok(())
            } else if r.keyword(b"PARTIAL") {
                r.sp()?;
                partial = Some(super::search::partial_range(r)?);
                Ok(())
            } else {
                Err(r.expected("fetch modifier"))
            }
        })?;
    }
    Ok(CommandBody::Fetch {
        uid,
        set,
        attributes,
        changed_since,
        vanished,
        partial,
    })
}

fn store(r: &mut Reader<'_>, uid: bool) -> PResult<CommandBody> {
    r.sp()?;
    let set = sequence_set(r)?;
    r.sp()?;
    let mut unchanged_since = None;
    if r.peek() == Some(b'(') {
        r.paren_list(false, |r| {
            r.expect_keyword(b"UNCHANGEDSINCE", "UNCHANGEDSINCE")?;
            r.sp()?;
            unchanged_since = Some(r.number64()?);
            Ok(())
        })?;
        r.sp()?;
    }
    let kind = if r.eat(b'+') {
        StoreKind::Add
    } else if r.eat(b'-') {
        StoreKind::Remove
    } else {
        StoreKind::Replace
    };
    let start = r.pos;
    let name = r.name()?;
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    // Gmail documents label stores without CONDSTORE's UNCHANGEDSINCE.
    if (is(b"X-GM-LABELS") || is(b"X-GM-LABELS.SILENT")) && unchanged_since.is_none() {
        r.sp()?;
        return Ok(CommandBody::StoreGmailLabels {
            uid,
            set,
            kind,
            silent: is(b"X-GM-LABELS.SILENT"),
            labels: gmail_labels(r)?,
        });
    }
    let silent = if is(b"FLAGS") {
        false
    } else if is(b"FLAGS.SILENT") {
        true
    } else {
        return Err(ParseError::new(ParseErrorKind::Expected("FLAGS"), start));
    };
    r.sp()?;
    let flags = if r.peek() == Some(b'(') {
        flag_list(r, false)?
    } else {
        r.sp_list(|r| flag(r, false))?
    };
    Ok(CommandBody::Store {
        uid,
        set,
        unchanged_since,
        kind,
        silent,
        flags,
    })
}

fn copy_move(r: &mut Reader<'_>, uid: bool, is_move: bool) -> PResult<CommandBody> {
    r.sp()?;
    let set = sequence_set(r)?;
    r.sp()?;
    let mailbox = mailbox(r)?;
    Ok(if is_move {
        CommandBody::Move { uid, set, mailbox }
    } else {
        CommandBody::Copy { uid, set, mailbox }
    })
}

fn search(r: &mut Reader<'_>, uid: bool) -> PResult<CommandBody> {
    r.sp()?;
    let mut returns = None;
    if r.keyword(b"RETURN") {
        r.sp()?;
        returns = Some(r.paren_list(true, search_return)?);
        r.sp()?;
    }
    let mut charset = None;
    if r.keyword(b"CHARSET") {
        r.sp()?;
        charset = Some(r.astring()?);
        r.sp()?;
    }
    Ok(CommandBody::Search {
        uid,
        returns,
        charset,
        criteria: search_keys(r)?,
    })
}

fn sort(r: &mut Reader<'_>, uid: bool) -> PResult<CommandBody> {
    r.sp()?;
    let mut returns = None;
    if r.keyword(b"RETURN") {
        r.sp()?;
        returns = Some(r.paren_list(true, search_return)?);
        r.sp()?;
    }
    let criteria = r.paren_list(false, sort_criterion)?;
    r.sp()?;
    let charset = r.astring()?;
    r.sp()?;
    Ok(CommandBody::Sort {
        uid,
        returns,
        criteria,
        charset,
        search: search_keys(r)?,
    })
}

fn thread(r: &mut Reader<'_>, uid: bool) -> PResult<CommandBody> {
    r.sp()?;
    let algorithm = r.atom()?;
    r.sp()?;
    let charset = r.astring()?;
    r.sp()?;
    Ok(CommandBody::Thread {
        uid,
        algorithm,
        charset,
        search: search_keys(r)?,
    })
}

fn get_metadata(r: &mut Reader<'_>) -> PResult<CommandBody> {
    r.sp()?;
    let mut options = MetadataOptions::default();
    if r.peek() == Some(b'(') {
        r.paren_list(false, |r| {
            if r.keyword(b"MAXSIZE") {
                r.sp()?;
                options.max_size = Some(r.number64()?);
                Ok(())
            } else if r.keyword(b"DEPTH") {
                r.sp()?;
                options.depth = Some(if r.keyword(b"infinity") {
                    None
                } else {
                    Some(r.number()?)
                });
                Ok(())
            } else {
                Err(r.expected("metadata option"))
            }
        })?;
        r.sp()?;
    }
    let mailbox = mailbox(r)?;
    r.sp()?;
    let entries = if r.peek() == Some(b'(') {
        astring_list(r)?
    } else {
        vec![r.astring()?]
    };
    Ok(CommandBody::GetMetadata {
        options,
        mailbox,
        entries,
    })
}

/// ID parameters: NIL, or field/value pairs.
pub(crate) type IdList = Option<Vec<(crate::types::IString, Option<crate::types::IString>)>>;

/// `"(" string SP nstring *(SP string SP nstring) ")" / nil`
pub(crate) fn id_params(r: &mut Reader<'_>) -> PResult<IdList> {
    if r.nil() {
        return Ok(None);
    }
    r.paren_list(true, |r| {
        let key = r.string()?;
        r.sp()?;
        Ok((key, r.nstring()?))
    })
    .map(Some)
}

/// An AUTHENTICATE continuation line: base64 or `*`, then CRLF.
pub(crate) fn authenticate_data(r: &mut Reader<'_>) -> PResult<AuthenticateData> {
    if r.eat(b'*') {
        r.crlf()?;
        return Ok(AuthenticateData::Cancel);
    }
    let data = if r.at_crlf() {
        Bytes::new()
    } else {
        base64_run(r)?
    };
    r.crlf()?;
    Ok(AuthenticateData::Response(Secret::new(data)))
}

/// `DONE CRLF`
pub(crate) fn idle_done(r: &mut Reader<'_>) -> PResult<()> {
    r.expect_keyword(b"DONE", "DONE")?;
    r.crlf()
}
