//! Names on disk: modified UTF-7 folder names (RFC 3501 §5.1.3, Dovecot's default for
//! Maildir++), `.`-joined folder directories, and unique message file names with `S=`/`W=`.

use crate::{HIERARCHY_DELIMITER, INBOX, Result, StoreError};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// Encodes one UTF-8 name level in modified UTF-7.
pub(crate) fn mutf7_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        out.push('&');
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        let mut bits = 0u32;
        let mut n = 0;
        for b in bytes {
            bits = (bits << 8) | u32::from(b);
            n += 8;
            while n >= 6 {
                n -= 6;
                out.push(char::from(B64[((bits >> n) & 63) as usize]));
            }
        }
        if n > 0 {
            out.push(char::from(B64[((bits << (6 - n)) & 63) as usize]));
        }
        out.push('-');
        pending.clear();
    };
    for c in s.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Decodes one modified UTF-7 level; `None` if malformed.
pub(crate) fn mutf7_decode(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find('-')?;
        let chunk = &after[..end];
        if chunk.is_empty() {
            out.push('&');
        } else {
            let mut bits = 0u32;
            let mut n = 0;
            let mut units = Vec::new();
            let mut bytes = Vec::new();
            for c in chunk.bytes() {
                let v = B64.iter().position(|&b| b == c)? as u32;
                bits = (bits << 6) | v;
                n += 6;
                if n >= 8 {
                    n -= 8;
                    bytes.push(((bits >> n) & 0xff) as u8);
                }
            }
            for pair in bytes.chunks(2) {
                if pair.len() == 2 {
                    units.push(u16::from_be_bytes([pair[0], pair[1]]));
                }
            }
            out.push_str(&String::from_utf16(&units).ok()?);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The directory name (`.A.B`) of a mailbox name (`A/B`); `None` for INBOX, which is the
/// Maildir root.
pub(crate) fn folder_dir(name: &str) -> Result<Option<String>> {
    if name == INBOX {
        return Ok(None);
    }
    let mut dir = String::new();
    for level in name.split(HIERARCHY_DELIMITER) {
        if level.contains('.') || level.starts_with('~') {
            return Err(StoreError::invalid(format!(
                "mailbox name level {level:?} cannot contain '.' in a Maildir++ layout"
            )));
        }
        dir.push('.');
        dir.push_str(&mutf7_encode(level));
    }
    Ok(Some(dir))
}

/// The mailbox name of a folder directory (`.A.B` → `A/B`).
pub(crate) fn folder_name(dir: &str) -> Option<String> {
    let body = dir.strip_prefix('.')?;
    if body.is_empty() || body == "." {
        return None;
    }
    let levels: Option<Vec<String>> = body.split('.').map(mutf7_decode).collect();
    let levels = levels?;
    if levels.iter().any(String::is_empty) {
        return None;
    }
    let name = levels.join(&HIERARCHY_DELIMITER.to_string());
    crate::normalize_mailbox_name(&name).ok()
}

/// Splits a Maildir file name into its unique base and its info (after `:2,`).
pub(crate) fn split_info(file: &str) -> (&str, Option<&str>) {
    match file.split_once(":2,") {
        Some((base, info)) => (base, Some(info)),
        None => (file.split_once(':').map_or(file, |(b, _)| b), None),
    }
}

/// The value of a `,X=<n>` field in a base name.
pub(crate) fn size_field(base: &str, key: char) -> Option<u64> {
    base.split(',').skip(1).find_map(|f| {
        let v = f.strip_prefix(key)?.strip_prefix('=')?;
        v.parse().ok()
    })
}

/// The host part of unique names, with `/` and `:` escaped as Maildir asks.
pub(crate) fn sanitize_host(host: &str) -> String {
    host.chars()
        .map(|c| match c {
            '/' => "\\057".to_owned(),
            ':' => "\\072".to_owned(),
            ',' => "\\054".to_owned(),
            c if c.is_ascii_graphic() => c.to_string(),
            _ => "_".to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_utf7_matches_rfc3501_examples() {
        assert_eq!(
            mutf7_encode("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
        assert_eq!(mutf7_decode("&U,BTFw-").as_deref(), Some("台北"));
        assert_eq!(mutf7_encode("Entwürfe"), "Entw&APw-rfe");
        assert_eq!(mutf7_decode("Entw&APw-rfe").as_deref(), Some("Entwürfe"));
        assert_eq!(mutf7_encode("A&B"), "A&-B");
        assert_eq!(mutf7_decode("A&-B").as_deref(), Some("A&B"));
        assert_eq!(mutf7_decode("&Jmk-").as_deref(), Some("♩"));
        for s in ["✉ mail", "𝄞 clef", "plain", "Ünïcödé & more"] {
            assert_eq!(mutf7_decode(&mutf7_encode(s)).as_deref(), Some(s));
        }
        assert_eq!(mutf7_decode("&bad"), None);
    }

    #[test]
    fn folder_names_round_trip() {
        assert_eq!(folder_dir("INBOX").expect("valid"), None);
        assert_eq!(
            folder_dir("A/Brief").expect("valid").as_deref(),
            Some(".A.Brief")
        );
        assert_eq!(
            folder_name(".A.Entw&APw-rfe").as_deref(),
            Some("A/Entwürfe")
        );
        assert!(folder_dir("a.b").is_err());
        assert_eq!(folder_name(".."), None);
    }

    #[test]
    fn file_names_are_parsed() {
        let f = "1700000000.M1P2Q3.host,S=120,W=124:2,FSa";
        let (base, info) = split_info(f);
        assert_eq!(info, Some("FSa"));
        assert_eq!(size_field(base, 'S'), Some(120));
        assert_eq!(size_field(base, 'W'), Some(124));
        assert_eq!(split_info("123.x.host"), ("123.x.host", None));
        assert_eq!(sanitize_host("a/b:c"), "a\\057b\\072c");
    }
}
