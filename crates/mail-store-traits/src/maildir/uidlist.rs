//! `dovecot-uidlist`: the file that gives Maildir messages their UIDs, and the folder its
//! UIDVALIDITY and GUID. Version 3 only (Dovecot 1.0 and later write it):
//!
//! ```text
//! 3 V<uidvalidity> N<next uid> G<mailbox guid, 32 hex digits>
//! <uid> [<key><value> ...] :<last known file name>
//! ```
//!
//! Writers hold `dovecot-uidlist.lock`; they may append lines or replace the file by rename.

use std::fmt::Write as _;

/// One message line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UidEntry {
    pub uid: u32,
    /// The extension fields as written (`W1234 S1200`), kept so a rewrite loses nothing.
    pub fields: String,
    /// The file name when the line was written (flags may have changed it since).
    pub name: String,
}

/// The parsed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Uidlist {
    pub uidvalidity: u32,
    pub next_uid: u32,
    pub guid: u128,
    /// Header fields other than V, N and G, kept verbatim.
    pub extra_header: String,
    pub entries: Vec<UidEntry>,
    /// False when the file did not end with a newline or had a line we could not read: the
    /// next write must replace the file instead of appending to it.
    pub clean: bool,
}

impl Uidlist {
    pub(crate) fn new(uidvalidity: u32, guid: u128) -> Self {
        Self {
            uidvalidity,
            next_uid: 1,
            guid,
            extra_header: String::new(),
            entries: Vec::new(),
            clean: true,
        }
    }

    /// Parses the file; `None` when the header is not version 3 (the caller then starts a
    /// new UIDVALIDITY, as Dovecot does with a file it cannot read).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let mut lines = text.split('\n');
        let header = lines.next()?;
        let mut fields = header.split(' ');
        if fields.next()? != "3" {
            return None;
        }
        let (mut v, mut n, mut g) = (None, None, 0u128);
        let mut extra = String::new();
        for f in fields {
            match f.split_at_checked(1) {
                Some(("V", x)) => v = x.parse().ok(),
                Some(("N", x)) => n = x.parse().ok(),
                Some(("G", x)) => g = u128::from_str_radix(x, 16).unwrap_or(0),
                Some(_) if !f.is_empty() => {
                    extra.push(' ');
                    extra.push_str(f);
                }
                _ => {}
            }
        }
        let mut list = Self {
            uidvalidity: v.filter(|&v| v != 0)?,
            next_uid: n.unwrap_or(1).max(1),
            guid: g,
            extra_header: extra,
            entries: Vec::new(),
            clean: text.ends_with('\n'),
        };
        let body: Vec<&str> = lines.collect();
        let complete = body.len().saturating_sub(1); // the part after the last '\n'
        for (i, line) in body.iter().enumerate() {
            if line.is_empty() {
                continue;
            }
            if i >= complete {
                // An unterminated last line: a writer died mid-append. Ignore it.
                list.clean = false;
                continue;
            }
            match Self::parse_line(line) {
                Some(e) if list.entries.last().is_none_or(|p| p.uid < e.uid) => {
                    list.next_uid = list.next_uid.max(e.uid.saturating_add(1));
                    list.entries.push(e);
                }
                _ => list.clean = false,
            }
        }
        Some(list)
    }

    fn parse_line(line: &str) -> Option<UidEntry> {
        let (uid, rest) = line.split_once(' ')?;
        let uid: u32 = uid.parse().ok().filter(|&u| u != 0)?;
        let (fields, name) = if let Some(name) = rest.strip_prefix(':') {
            ("", name)
        } else {
            rest.split_once(" :")?
        };
        if name.is_empty() {
            return None;
        }
        Some(UidEntry {
            uid,
            fields: fields.to_owned(),
            name: name.to_owned(),
        })
    }

    pub(crate) fn header(&self) -> String {
        format!(
            "3 V{} N{} G{:032x}{}\n",
            self.uidvalidity, self.next_uid, self.guid, self.extra_header
        )
    }

    pub(crate) fn line(entry: &UidEntry) -> String {
        if entry.fields.is_empty() {
            format!("{} :{}\n", entry.uid, entry.name)
        } else {
            format!("{} {} :{}\n", entry.uid, entry.fields, entry.name)
        }
    }

    /// The whole file.
    pub(crate) fn render(&self) -> String {
        let mut s = self.header();
        for e in &self.entries {
            let _ = write!(s, "{}", Self::line(e));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dovecot_files_and_survives_torn_appends() {
        let text = "3 V1700000000 N3 G0123456789abcdef0123456789abcdef\n1 :a.host,S=10:2,S\n2 W12 S10 :b.host\n5 :c.host\n";
        let l = Uidlist::parse(text).expect("valid");
        assert_eq!((l.uidvalidity, l.next_uid), (1_700_000_000, 6));
        assert_eq!(l.guid, 0x0123456789abcdef0123456789abcdef);
        assert_eq!(l.entries.len(), 3);
        assert_eq!(l.entries[1].fields, "W12 S10");
        assert_eq!(l.entries[1].name, "b.host");
        assert!(l.clean);
        assert_eq!(
            Uidlist::parse(&l.render()).expect("round trip").entries,
            l.entries
        );

        let torn = "3 V7 N2 G00000000000000000000000000000001\n1 :a\n2 :b.ho";
        let l = Uidlist::parse(torn).expect("valid header");
        assert_eq!(l.entries.len(), 1);
        assert!(!l.clean);
        assert!(Uidlist::parse("1 7 2\n").is_none());
        assert!(Uidlist::parse("3 N2\n").is_none());
    }
}
