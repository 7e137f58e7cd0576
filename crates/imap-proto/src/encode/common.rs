//! Shared pieces: sequence sets, partial ranges, flags, dates, status attributes,
//! capabilities.

use super::writer::Writer;
use crate::types::{
    Capability, Date, DateTime, Flag, GmailLabel, MONTHS, MailboxAttribute, PartialRange,
    STATUS_NAMES, SeqItem, SeqNumber, SequenceSet, StatusAttribute,
};

/// `partial-range` (RFC 9394): `n:m` or `-n:-m`.
pub(crate) fn partial_range(w: &mut Writer<'_>, range: &PartialRange) {
    let (minus, start, end): (&[u8], _, _) = match range {
        PartialRange::First(start, end) => (b"", start, end),
        PartialRange::Last(start, end) => (b"-", start, end),
    };
    w.raw(minus);
    w.number(u64::from(start.get()));
    w.byte(b':');
    w.raw(minus);
    w.number(u64::from(end.get()));
}

fn seq_number(w: &mut Writer<'_>, number: &SeqNumber) {
    match number {
        SeqNumber::Value(value) => w.number(u64::from(value.get())),
        SeqNumber::Largest => w.byte(b'*'),
    }
}

pub(crate) fn sequence_set(w: &mut Writer<'_>, set: &SequenceSet) {
    match set {
        SequenceSet::Saved => w.byte(b'$'),
        SequenceSet::Items(items) => {
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    w.byte(b',');
                }
                match item {
                    SeqItem::Single(number) => seq_number(w, number),
                    SeqItem::Range(a, b) => {
                        seq_number(w, a);
                        w.byte(b':');
                        seq_number(w, b);
                    }
                }
            }
        }
    }
}

pub(crate) fn flag(w: &mut Writer<'_>, flag: &Flag) {
    let (backslash, name) = flag.wire();
    if backslash {
        w.byte(b'\\');
    }
    w.raw(name);
}

/// One Gmail label: `\System` or an astring.
pub(crate) fn gmail_label(w: &mut Writer<'_>, label: &GmailLabel) {
    match label {
        GmailLabel::System(atom) => {
            w.byte(b'\\');
            w.raw(atom.as_bytes());
        }
        GmailLabel::User(name) => w.astring(name.as_bytes()),
    }
}

pub(crate) fn flag_list(w: &mut Writer<'_>, flags: &[Flag]) {
    w.list(flags, |w, f| flag(w, f));
}

pub(crate) fn mailbox_attribute(w: &mut Writer<'_>, attribute: &MailboxAttribute) {
    w.byte(b'\\');
    w.raw(attribute.wire());
}

fn two_digits(w: &mut Writer<'_>, value: u8) {
    w.byte(b'0' + value / 10);
    w.byte(b'0' + value % 10);
}

fn year(w: &mut Writer<'_>, year: u16) {
    let y = year as u32;
    for divisor in [1000, 100, 10, 1] {
        w.byte(b'0' + ((y / divisor) % 10) as u8);
    }
}

pub(crate) fn date(w: &mut Writer<'_>, date: &Date) {
    w.number(u64::from(date.day()));
    w.byte(b'-');
    w.raw(MONTHS[usize::from(date.month() - 1)]);
    w.byte(b'-');
    year(w, date.year());
}

pub(crate) fn date_time(w: &mut Writer<'_>, value: &DateTime) {
    let date = value.date();
    w.byte(b'"');
    two_digits(w, date.day());
    w.byte(b'-');
    w.raw(MONTHS[usize::from(date.month() - 1)]);
    w.byte(b'-');
    year(w, date.year());
    w.sp();
    let (hour, minute, second) = value.time();
    two_digits(w, hour);
    w.byte(b':');
    two_digits(w, minute);
    w.byte(b':');
    two_digits(w, second);
    w.sp();
    let zone = value.zone_minutes();
    w.byte(if zone < 0 { b'-' } else { b'+' });
    let zone = zone.unsigned_abs();
    two_digits(w, (zone / 60) as u8);
    two_digits(w, (zone % 60) as u8);
    w.byte(b'"');
}

pub(crate) fn status_attribute(w: &mut Writer<'_>, attribute: &StatusAttribute) {
    let name = STATUS_NAMES
        .iter()
        .find(|(_, a)| a == attribute)
        .map_or(&b"MESSAGES"[..], |(name, _)| name);
    w.raw(name);
}

pub(crate) fn capability(w: &mut Writer<'_>, capability: &Capability) {
    w.raw(capability.to_atom().as_bytes());
}
