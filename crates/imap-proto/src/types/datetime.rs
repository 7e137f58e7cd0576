//! Dates (`date`, SEARCH) and date-times (`date-time`, INTERNALDATE, APPEND).

use crate::error::ValidationError;

/// Month names as IMAP writes them.
pub(crate) const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// A calendar date (`dd-Mon-yyyy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Validates a date (year 0..=9999, month 1..=12, day 1..=31).
    ///
    /// # Errors
    /// [`ValidationError::OutOfRange`] otherwise.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, ValidationError> {
        if year > 9999 || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return Err(ValidationError::OutOfRange);
        }
        Ok(Self { year, month, day })
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(&self) -> u8 {
        self.day
    }
}

/// A date-time with a numeric zone (`"dd-Mon-yyyy hh:mm:ss +zzzz"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    date: Date,
    hour: u8,
    minute: u8,
    second: u8,
    /// Offset from UTC in minutes.
    zone: i16,
}

impl DateTime {
    /// Validates a date-time; `zone` is the offset from UTC in minutes (-5999..=5999,
    /// as four digits `hhmm` allow, minutes below 60).
    ///
    /// # Errors
    /// [`ValidationError::OutOfRange`] for an impossible time or zone.
    pub fn new(
        date: Date,
        hour: u8,
        minute: u8,
        second: u8,
        zone: i16,
    ) -> Result<Self, ValidationError> {
        if hour > 23 || minute > 59 || second > 60 || zone.unsigned_abs() > 99 * 60 + 59 {
            return Err(ValidationError::OutOfRange);
        }
        Ok(Self {
            date,
            hour,
            minute,
            second,
            zone,
        })
    }

    /// The date part.
    pub fn date(&self) -> Date {
        self.date
    }

    /// Hour, minute, second.
    pub fn time(&self) -> (u8, u8, u8) {
        (self.hour, self.minute, self.second)
    }

    /// Offset from UTC in minutes.
    pub fn zone_minutes(&self) -> i16 {
        self.zone
    }
}
