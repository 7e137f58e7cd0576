//! [`UidSet`]: a compact set of UIDs kept as sorted, disjoint, non-adjacent ranges.

use std::fmt;

use crate::Uid;

/// A set of UIDs as sorted inclusive ranges, the shape of IMAP's `uid-set` and of QRESYNC's
/// VANISHED lists. Inserting keeps ranges merged, so `1:100000` stays one range.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct UidSet {
    ranges: Vec<(u32, u32)>,
}

impl UidSet {
    /// The empty set.
    #[must_use]
    pub const fn new() -> Self {
        Self { ranges: Vec::new() }
    }

    /// Every possible UID (`1:*`).
    #[must_use]
    pub fn all() -> Self {
        Self::range(Uid::MIN, Uid::MAX)
    }

    /// The UIDs `first..=last` (empty if `first > last`).
    #[must_use]
    pub fn range(first: Uid, last: Uid) -> Self {
        let mut set = Self::new();
        if first <= last {
            set.ranges.push((first.get(), last.get()));
        }
        set
    }

    /// Adds one UID.
    pub fn insert(&mut self, uid: Uid) {
        self.insert_range(uid, uid);
    }

    /// Adds `first..=last`.
    pub fn insert_range(&mut self, first: Uid, last: Uid) {
        let (a, b) = (first.get(), last.get());
        if a > b {
            return;
        }
        // Fast path: appending in ascending order, the common case.
        if let Some(tail) = self.ranges.last_mut() {
            if a > tail.1 {
                if a == tail.1 + 1 {
                    tail.1 = b;
                } else {
                    self.ranges.push((a, b));
                }
                return;
            }
        } else {
            self.ranges.push((a, b));
            return;
        }
        // General case: find every range touching [a-1, b+1] and merge them.
        let lo = self
            .ranges
            .partition_point(|&(_, end)| end.saturating_add(1) < a);
        let hi = self
            .ranges
            .partition_point(|&(start, _)| start <= b.saturating_add(1));
        if lo == hi {
            self.ranges.insert(lo, (a, b));
        } else {
            let start = a.min(self.ranges[lo].0);
            let end = b.max(self.ranges[hi - 1].1);
            self.ranges.splice(lo..hi, [(start, end)]);
        }
    }

    /// Whether `uid` is in the set.
    #[must_use]
    pub fn contains(&self, uid: Uid) -> bool {
        let n = uid.get();
        let i = self.ranges.partition_point(|&(_, end)| end < n);
        self.ranges.get(i).is_some_and(|&(start, _)| start <= n)
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// How many UIDs are in the set.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.ranges.iter().map(|&(a, b)| u64::from(b - a) + 1).sum()
    }

    /// The smallest UID.
    #[must_use]
    pub fn first(&self) -> Option<Uid> {
        self.ranges.first().and_then(|&(a, _)| Uid::new(a))
    }

    /// The largest UID.
    #[must_use]
    pub fn last(&self) -> Option<Uid> {
        self.ranges.last().and_then(|&(_, b)| Uid::new(b))
    }

    /// The ranges, ascending, as inclusive `(first, last)` pairs.
    pub fn ranges(&self) -> impl Iterator<Item = (Uid, Uid)> + '_ {
        self.ranges
            .iter()
            .filter_map(|&(a, b)| Some((Uid::new(a)?, Uid::new(b)?)))
    }

    /// The UIDs in both sets.
    #[must_use]
    pub fn intersection(&self, other: &Self) -> Self {
        let mut out = Self::new();
        let (mut i, mut j) = (0, 0);
        while let (Some(&(a1, b1)), Some(&(a2, b2))) = (self.ranges.get(i), other.ranges.get(j)) {
            let (lo, hi) = (a1.max(a2), b1.min(b2));
            if lo <= hi {
                out.ranges.push((lo, hi));
            }
            if b1 < b2 {
                i += 1;
            } else {
                j += 1;
            }
        }
        out
    }

    /// The UIDs in `self` but not in `other` (QRESYNC's fallback: known UIDs minus current
    /// ones are the vanished ones).
    #[must_use]
    pub fn difference(&self, other: &Self) -> Self {
        let mut out = Self::new();
        let mut j = 0;
        for &(a, b) in &self.ranges {
            let mut start = a;
            while j < other.ranges.len() && other.ranges[j].1 < start {
                j += 1;
            }
            let mut k = j;
            while start <= b {
                match other.ranges.get(k) {
                    Some(&(c, d)) if c <= b => {
                        if c > start {
                            out.ranges.push((start, c - 1));
                        }
                        if d >= b {
                            start = b.saturating_add(1);
                            if d == u32::MAX {
                                break;
                            }
                        } else {
                            start = d + 1;
                        }
                        k += 1;
                    }
                    _ => {
                        out.ranges.push((start, b));
                        break;
                    }
                }
                if start == 0 {
                    break;
                }
            }
        }
        out
    }

    /// Every UID, ascending. Beware of `1:*`: that is four billion UIDs; intersect with a
    /// mailbox's UIDs instead.
    pub fn iter(&self) -> impl Iterator<Item = Uid> + '_ {
        self.ranges
            .iter()
            .flat_map(|&(a, b)| (a..=b).filter_map(Uid::new))
    }
}

impl FromIterator<Uid> for UidSet {
    fn from_iter<I: IntoIterator<Item = Uid>>(iter: I) -> Self {
        let mut set = Self::new();
        for uid in iter {
            set.insert(uid);
        }
        set
    }
}

impl Extend<Uid> for UidSet {
    fn extend<I: IntoIterator<Item = Uid>>(&mut self, iter: I) {
        for uid in iter {
            self.insert(uid);
        }
    }
}

impl fmt::Display for UidSet {
    /// The IMAP form: `1:3,7,9:12`; the empty set prints nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(a, b)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if a == b {
                write!(f, "{a}")?;
            } else {
                write!(f, "{a}:{b}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn uid(n: u32) -> Uid {
        Uid::new(n).expect("test uids are non-zero")
    }

    #[test]
    fn merges_adjacent_and_overlapping_ranges() {
        let mut s = UidSet::new();
        for n in [5, 1, 2, 3, 9, 4, 10] {
            s.insert(uid(n));
        }
        assert_eq!(s.to_string(), "1:5,9:10");
        s.insert_range(uid(6), uid(8));
        assert_eq!(s.to_string(), "1:10");
        assert_eq!(s.len(), 10);
        assert!(s.contains(uid(7)));
        assert!(!s.contains(uid(11)));
        assert_eq!(UidSet::all().len(), u64::from(u32::MAX));
        assert_eq!(
            UidSet::all().difference(&s).to_string(),
            format!("11:{}", u32::MAX)
        );
        assert_eq!(s.difference(&UidSet::all()), UidSet::new());
        assert_eq!(UidSet::all().intersection(&s), s);
    }

    proptest! {
        #[test]
        fn behaves_like_a_btreeset(values in proptest::collection::vec(1u32..200, 0..80)) {
            let set: UidSet = values.iter().map(|&n| uid(n)).collect();
            let reference: std::collections::BTreeSet<u32> = values.iter().copied().collect();
            let got: Vec<u32> = set.iter().map(Uid::get).collect();
            let want: Vec<u32> = reference.iter().copied().collect();
            prop_assert_eq!(got, want);
            prop_assert_eq!(set.len(), reference.len() as u64);
            for n in 1..200 {
                prop_assert_eq!(set.contains(uid(n)), reference.contains(&n));
            }
            // Set algebra agrees with BTreeSet's.
            let other_vals: std::collections::BTreeSet<u32> = values.iter().map(|v| (v * 7) % 200).filter(|&v| v > 0).collect();
            let other: UidSet = other_vals.iter().map(|&n| uid(n)).collect();
            let inter: Vec<u32> = set.intersection(&other).iter().map(Uid::get).collect();
            prop_assert_eq!(inter, reference.intersection(&other_vals).copied().collect::<Vec<_>>());
            let diff: Vec<u32> = set.difference(&other).iter().map(Uid::get).collect();
            prop_assert_eq!(diff, reference.difference(&other_vals).copied().collect::<Vec<_>>());
            // Ranges are disjoint and non-adjacent.
            let r: Vec<(u32, u32)> = set.ranges().map(|(a, b)| (a.get(), b.get())).collect();
            for w in r.windows(2) {
                prop_assert!(w[0].1 + 1 < w[1].0);
            }
        }
    }
}
