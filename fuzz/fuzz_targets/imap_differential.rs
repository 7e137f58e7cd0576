//! The same bytes to imap-proto and to imap-codec (2.0.0-alpha.10), as a command and
//! as a response.
//!
//! Commands (a server's parser, strict options on our side): a complete command that
//! imap-codec accepts, we accept too, with the same tag, the same command name and the
//! same length; and a complete command we accept, imap-codec accepts too, unless it
//! uses an extension or an IMAP4rev2 form imap-codec does not implement.
//!
//! Responses (a client's parser, lenient options on our side, imap-codec with its
//! default quirks): a complete response imap-codec accepts, we accept too, with the
//! same kind, tag and length. The other direction is not checked: imap-codec lacks
//! IMAP4rev2, ESEARCH, LIST-EXTENDED data, VANISHED, QUOTA/METADATA forms and more
//! (see /work/shared/reference/imap-anchors.md), so "we accept, it rejects" is the
//! normal case there, not a finding.
//!
//! Every known disagreement is listed in `command_allowed` / `response_allowed` with
//! the RFC text that decides it.
#![no_main]

use bytes::Bytes;
use imap_codec::decode::{CommandDecodeError, Decoder, ResponseDecodeError};
use imap_codec::{CommandCodec, ResponseCodec};
use imap_proto::parse::{self, ParseOptions, Status};
use imap_proto::types::{CommandBody, Response};
use libfuzzer_sys::fuzz_target;

/// What one parser made of the input.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// A whole message: tag (empty when untagged), name or kind, length.
    Complete(String, String, usize),
    /// The input ends early (for imap-codec also: a literal still to come).
    Incomplete,
    /// Not a message.
    Rejected,
}

fn ours_command(input: &Bytes) -> (Verdict, Option<imap_proto::Command>) {
    match parse::command(input, &ParseOptions::default()) {
        Ok(Status::Complete { value, len }) => {
            let tag = String::from_utf8_lossy(value.tag.as_bytes()).into_owned();
            // imap-codec names the UID forms without the prefix.
            let name = value.body.name().trim_start_matches("UID ").to_owned();
            (Verdict::Complete(tag, name, len), Some(value))
        }
        Ok(_) => (Verdict::Incomplete, None),
        Err(_) => (Verdict::Rejected, None),
    }
}

fn codec_command(input: &[u8]) -> Verdict {
    match CommandCodec::default().decode(input) {
        Ok((rest, command)) => Verdict::Complete(
            command.tag.inner().to_owned(),
            command.body.name().to_owned(),
            input.len() - rest.len(),
        ),
        Err(CommandDecodeError::Incomplete | CommandDecodeError::LiteralFound { .. }) => {
            Verdict::Incomplete
        }
        Err(CommandDecodeError::Failed) => Verdict::Rejected,
    }
}

/// A command we accept and imap-codec rejects, for a documented reason.
fn command_allowed(command: &imap_proto::Command, input: &[u8]) -> Option<&'static str> {
    let upper = input.to_ascii_uppercase();
    let has = |needle: &[u8]| upper.windows(needle.len()).any(|w| w == needle);
    // RFC 9051 section 9: `QUOTED-CHAR = ... / UTF8-2 / UTF8-3 / UTF8-4`; IMAP4rev2
    // takes UTF-8 in quoted strings, imap-codec (IMAP4rev1) does not.
    if input.iter().any(|&b| b >= 0x80) {
        return Some("UTF-8 in a quoted string (IMAP4rev2)");
    }
    Some(match &command.body {
        // RFC 4731 / RFC 9051 6.4.4: ESEARCH return options; imap-codec #379.
        CommandBody::Search {
            returns: Some(_), ..
        } => "SEARCH RETURN (ESEARCH)",
        // RFC 5258 / 5819: LIST-EXTENDED selection and return options, several patterns.
        // An empty selection `()`, an empty `RETURN ()` and one pattern in
        // parentheses are LIST-EXTENDED too: base LIST has no ` (` anywhere.
        CommandBody::List {
            selection,
            patterns,
            returns,
            ..
        } if !selection.is_empty() || patterns.len() > 1 || !returns.is_empty() || has(b" (") => {
            "LIST-EXTENDED"
        }
        // RFC 6154: CREATE-SPECIAL-USE; imap-codec #198.
        CommandBody::Create { special_use, .. } if !special_use.is_empty() => "CREATE (USE (...))",
        // RFC 8437.
        CommandBody::Unauthenticate => "UNAUTHENTICATE",
        // Gmail X-GM-EXT-1 label stores.
        CommandBody::StoreGmailLabels { .. } => "STORE X-GM-LABELS",
        // RFC 4978 section 3: `algorithm` is an extension point; an algorithm the
        // server lacks is answered by the session (tagged BAD), so we keep the atom.
        // imap-codec parses DEFLATE only.
        CommandBody::Compress(algorithm) if !algorithm.eq_ignore_case("DEFLATE") => {
            "COMPRESS with another algorithm"
        }
        // RFC 3502: MULTIAPPEND (imap-codec parses one message per APPEND).
        CommandBody::Append { messages, .. } if messages.len() > 1 => "MULTIAPPEND",
        // RFC 5256 / 5957: SORT=DISPLAY keys and extension algorithms.
        CommandBody::Sort { .. } | CommandBody::Thread { .. } => "SORT/THREAD extensions",
        // RFC 5032 WITHIN, RFC 8514 SAVEDATE, RFC 8474 OBJECTID, RFC 7162 MODSEQ search
        // keys and RFC 5182 `$`: search keys imap-codec has no type for.
        CommandBody::Search { .. }
            if [
                "OLDER", "YOUNGER", "SAVED", "EMAILID", "THREADID", "MODSEQ", "$", "X-GM-",
            ]
            .iter()
            .any(|key| has(key.as_bytes())) =>
        {
            "search key of an extension"
        }
        // RFC 5182 SEARCHRES: `$` as a sequence set.
        CommandBody::Fetch { .. }
        | CommandBody::Store { .. }
        | CommandBody::Copy { .. }
        | CommandBody::Move { .. }
            if has(b"$") =>
        {
            "SEARCHRES $"
        }
        // RFC 9394 section 4: the PARTIAL fetch modifier.
        CommandBody::Fetch {
            partial: Some(_), ..
        } => "FETCH (PARTIAL range)",
        // RFC 8474 / 8514 / 8970 fetch attributes, RFC 2971 ID with NIL values.
        CommandBody::Fetch { .. }
            if ["EMAILID", "THREADID", "SAVEDATE", "PREVIEW", "X-GM-"]
                .iter()
                .any(|key| has(key.as_bytes())) =>
        {
            "fetch attribute of an extension"
        }
        // RFC 8438 STATUS=SIZE, RFC 8474 MAILBOXID, RFC 9051 DELETED, RFC 7889
        // APPENDLIMIT status items.
        CommandBody::Status { .. } => "status item of an extension",
        // RFC 3516 literal8 in APPEND; RFC 6855 `UTF8 (~{n}...)`.
        CommandBody::Append { .. } if has(b"~{") || has(b"UTF8") => "APPEND literal8",
        _ => return None,
    })
}

/// A command imap-codec accepts and we refuse, for a documented reason.
fn codec_only_allowed(input: &[u8], codec: &Verdict) -> Option<&'static str> {
    let has = |needle: &[u8]| input.windows(needle.len()).any(|w| w == needle);
    let Verdict::Complete(_, name, _) = codec else {
        return None;
    };
    // RFC 2971: `id_params_list ::= "(" #(string SPACE nstring) ")" / nil`; no space
    // before `)`. imap-codec's default `quirk_trailing_space_id` takes ` )` (meant
    // for server responses, applied to the command too).
    if name == "ID" && has(b" )") {
        return Some("ID with a space before )");
    }
    // RFC 9051 section 9 asks for at least one item in `status = "STATUS" SP mailbox
    // SP "(" status-att *(SP status-att) ")"` and in FETCH's
    // `"(" fetch-att *(SP fetch-att) ")"`; imap-codec takes `()` in both.
    if matches!(name.as_str(), "STATUS" | "FETCH") && has(b"()") {
        return Some("empty STATUS or FETCH item list");
    }
    // `authenticate = "AUTHENTICATE" SP auth-type [SP initial-resp]` with an empty
    // `base64` after the SP: the ABNF lets base64 be empty, but RFC 4959 sends an empty
    // initial response as `=`, so `AUTHENTICATE PLAIN ` means neither "none" nor "empty"
    // for sure; imap-codec takes it, we answer BAD rather than guess.
    let first_line = input.split(|&b| b == b'\n').next().unwrap_or_default();
    if name == "AUTHENTICATE"
        && first_line
            .strip_suffix(b"\r")
            .unwrap_or(first_line)
            .ends_with(b" ")
    {
        return Some("AUTHENTICATE with an empty initial response after SP");
    }
    None
}

fn ours_response(input: &Bytes) -> Verdict {
    match parse::response(input, &ParseOptions::lenient()) {
        Ok(Status::Complete { value, len }) => {
            let (tag, kind) = match &value {
                Response::Status(status) => (
                    status
                        .tag
                        .as_ref()
                        .map(|tag| String::from_utf8_lossy(tag.as_bytes()).into_owned())
                        .unwrap_or_default(),
                    "status",
                ),
                Response::Data(_) => (String::new(), "data"),
                Response::Continuation(_) => (String::new(), "continuation"),
                _ => (String::new(), "other"),
            };
            Verdict::Complete(tag, kind.to_owned(), len)
        }
        Ok(_) => Verdict::Incomplete,
        Err(_) => Verdict::Rejected,
    }
}

fn codec_response(input: &[u8]) -> Verdict {
    use imap_types::response::{Response as R, Status as S};
    match ResponseCodec::default().decode(input) {
        Ok((rest, response)) => {
            let (tag, kind) = match &response {
                R::Status(S::Tagged(tagged)) => (tagged.tag.inner().to_owned(), "status"),
                R::Status(_) => (String::new(), "status"),
                R::Data(_) => (String::new(), "data"),
                R::CommandContinuationRequest(_) => (String::new(), "continuation"),
            };
            Verdict::Complete(tag, kind.to_owned(), input.len() - rest.len())
        }
        Err(ResponseDecodeError::Incomplete | ResponseDecodeError::LiteralFound { .. }) => {
            Verdict::Incomplete
        }
        Err(ResponseDecodeError::Failed) => Verdict::Rejected,
    }
}

/// A response imap-codec accepts and we refuse (or read differently), for a
/// documented reason.
fn response_allowed(input: &[u8], ours: &Verdict, _codec: &Verdict) -> Option<&'static str> {
    let rejected = *ours == Verdict::Rejected;
    // RFC 9051 section 9: `TEXT-CHAR = <any CHAR except CR and LF>` and
    // `CHAR = %x01-7F`; NUL is allowed nowhere but in literal8. imap-codec's `text`
    // takes NUL.
    if rejected && input.contains(&0) {
        return Some("NUL in response text");
    }
    // RFC 9051 section 7.5.2: "A body type of type TEXT contains, immediately after
    // the basic fields, the size of the body in text lines." imap-codec reads a
    // `"TEXT"` part without its line count as `body-type-basic` (the ABNF's
    // `media-basic = ... / string` allows it); we follow the prose. Coarse: any
    // rejected FETCH with a TEXT body part.
    let upper = input.to_ascii_uppercase();
    let has = |needle: &[u8]| upper.windows(needle.len()).any(|w| w == needle);
    if rejected && has(b" FETCH ") && has(b"BODY") && has(b"\"TEXT\" ") {
        return Some("TEXT body part without a line count");
    }
    None
}

fuzz_target!(|data: &[u8]| {
    let input = Bytes::copy_from_slice(data);

    let (ours, value) = ours_command(&input);
    let codec = codec_command(data);
    match (&ours, &codec) {
        (Verdict::Complete(..), Verdict::Complete(..)) => {
            assert_eq!(ours, codec, "{:?}", String::from_utf8_lossy(data));
        }
        (Verdict::Complete(..), _) => {
            let value = value.expect("complete");
            assert!(
                command_allowed(&value, data).is_some(),
                "we accept, imap-codec says {codec:?}: {:?}",
                String::from_utf8_lossy(data)
            );
        }
        (_, Verdict::Complete(..)) => assert!(
            codec_only_allowed(data, &codec).is_some(),
            "imap-codec accepts, we say {ours:?}: {:?}",
            String::from_utf8_lossy(data)
        ),
        _ => {}
    }

    let ours = ours_response(&input);
    let codec = codec_response(data);
    if let Verdict::Complete(..) = codec {
        assert!(
            ours == codec || response_allowed(data, &ours, &codec).is_some(),
            "imap-codec reads {codec:?}, we read {ours:?}: {:?}",
            String::from_utf8_lossy(data)
        );
    }
});
