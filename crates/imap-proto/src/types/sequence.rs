//! Sequence sets and UIDs (RFC 9051 `sequence-set`, `uid-set`, SEARCHRES `$`).

use std::num::NonZeroU32;

use crate::error::ValidationError;

/// A unique identifier (RFC 9051 section 2.3.1.1), never zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uid(pub NonZeroU32);

impl TryFrom<u32> for Uid {
    type Error = ValidationError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        NonZeroU32::new(value)
            .map(Self)
            .ok_or(ValidationError::Zero)
    }
}

/// One end of a sequence range: a number, or `*` (the largest number in use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SeqNumber {
    /// A message sequence number or UID.
    Value(NonZeroU32),
    /// `*`.
    Largest,
}

/// One element of a sequence set: `n` or `a:b` (either order is legal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SeqItem {
    /// A single number.
    Single(SeqNumber),
    /// A range `a:b`, kept in the order written.
    Range(SeqNumber, SeqNumber),
}

/// A sequence set, or `$` (the saved search result, RFC 5182).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SequenceSet {
    /// At least one item.
    Items(Vec<SeqItem>),
    /// `$`: the result saved by `SEARCH RETURN (SAVE)`.
    Saved,
}

impl SequenceSet {
    /// A set of the given items.
    ///
    /// # Errors
    /// [`ValidationError::Empty`] when `items` is empty.
    pub fn new(items: Vec<SeqItem>) -> Result<Self, ValidationError> {
        if items.is_empty() {
            return Err(ValidationError::Empty);
        }
        Ok(Self::Items(items))
    }

    /// The range `start:end` of two non-zero numbers.
    ///
    /// # Errors
    /// [`ValidationError::Zero`] when either is zero.
    pub fn range(start: u32, end: u32) -> Result<Self, ValidationError> {
        let start = NonZeroU32::new(start).ok_or(ValidationError::Zero)?;
        let end = NonZeroU32::new(end).ok_or(ValidationError::Zero)?;
        Ok(Self::Items(vec![SeqItem::Range(
            SeqNumber::Value(start),
            SeqNumber::Value(end),
        )]))
    }

    /// The single number `n`.
    ///
    /// # Errors
    /// [`ValidationError::Zero`] when `n` is zero.
    pub fn single(n: u32) -> Result<Self, ValidationError> {
        let n = NonZeroU32::new(n).ok_or(ValidationError::Zero)?;
        Ok(Self::Items(vec![SeqItem::Single(SeqNumber::Value(n))]))
    }

    /// `1:*`, every message.
    pub fn all() -> Self {
        Self::Items(vec![SeqItem::Range(
            SeqNumber::Value(NonZeroU32::MIN),
            SeqNumber::Largest,
        )])
    }

    /// Whether `n` is in the set, given the largest number in use (for `*`).
    /// `$` contains nothing by itself.
    pub fn contains(&self, n: u32, largest: u32) -> bool {
        let Self::Items(items) = self else {
            return false;
        };
        let value = |number: &SeqNumber| match number {
            SeqNumber::Value(v) => v.get(),
            SeqNumber::Largest => largest,
        };
        items.iter().any(|item| match item {
            SeqItem::Single(number) => value(number) == n,
            SeqItem::Range(a, b) => {
                let (low, high) = (value(a).min(value(b)), value(a).max(value(b)));
                (low..=high).contains(&n)
            }
        })
    }
}
