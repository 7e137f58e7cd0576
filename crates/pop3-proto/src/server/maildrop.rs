//! The message-number view over the maildrop snapshot a server session works on (RFC 1939 §5):
//! numbers never change during a session, deleted messages vanish from every answer until RSET.

use crate::types::{MaildropStat, MessageNumber, UniqueId};

/// One message of the snapshot the application hands over when it accepts a login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaildropEntry {
    /// The application's key for the message (a store UID or any opaque number); handed back in
    /// body requests and in the delete list at QUIT.
    pub key: u64,
    /// The exact size in octets with CRLF line endings, before dot-stuffing (what RETR sends).
    pub octets: u64,
    /// The unique-id (UIDL), stable across sessions.
    pub uid: UniqueId,
    /// The message has UTF-8 header fields (RFC 6532) and the application serves no ASCII
    /// downgrade of it (RFC 6857): until the client enables UTF-8 mode, LIST, TOP and RETR of
    /// it fail with `-ERR [UTF8]` (RFC 6856). It still counts in STAT and the listings, so
    /// message numbers do not depend on the mode.
    pub needs_utf8: bool,
}

/// Why DELE failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeleteError {
    NoSuchMessage,
    AlreadyDeleted,
}

#[derive(Debug, Default)]
pub(crate) struct Maildrop {
    entries: Vec<MaildropEntry>,
    deleted: Vec<bool>,
    live_count: u32,
    live_octets: u64,
    total_octets: u64,
}

impl Maildrop {
    /// Message numbers are `u32`: a snapshot larger than that is cut (no client could address
    /// the rest).
    pub(crate) fn new(mut entries: Vec<MaildropEntry>) -> Self {
        entries.truncate(u32::MAX as usize);
        let live_count = u32::try_from(entries.len()).unwrap_or(u32::MAX);
        let live_octets = entries
            .iter()
            .fold(0u64, |sum, e| sum.saturating_add(e.octets));
        Self {
            deleted: vec![false; entries.len()],
            entries,
            live_count,
            live_octets,
            total_octets: live_octets,
        }
    }

    fn index(&self, msg: MessageNumber) -> Option<usize> {
        let i = usize::try_from(msg.get() - 1).ok()?;
        (i < self.entries.len()).then_some(i)
    }

    /// The message, unless it does not exist or is marked deleted.
    pub(crate) fn get(&self, msg: MessageNumber) -> Option<&MaildropEntry> {
        let i = self.index(msg)?;
        (!self.deleted[i]).then(|| &self.entries[i])
    }

    pub(crate) fn delete(&mut self, msg: MessageNumber) -> Result<(), DeleteError> {
        let i = self.index(msg).ok_or(DeleteError::NoSuchMessage)?;
        if self.deleted[i] {
            return Err(DeleteError::AlreadyDeleted);
        }
        self.deleted[i] = true;
        self.live_count -= 1;
        self.live_octets = self.live_octets.saturating_sub(self.entries[i].octets);
        Ok(())
    }

    pub(crate) fn reset(&mut self) {
        self.deleted.fill(false);
        self.live_count = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        self.live_octets = self.total_octets;
    }

    pub(crate) const fn stat(&self) -> MaildropStat {
        MaildropStat {
            count: self.live_count,
            octets: self.live_octets,
        }
    }

    /// The messages not marked deleted, with their numbers.
    pub(crate) fn live(&self) -> impl Iterator<Item = (MessageNumber, &MaildropEntry)> {
        self.entries
            .iter()
            .zip(&self.deleted)
            .zip(1u32..)
            .filter_map(|((e, &d), n)| {
                if d {
                    None
                } else {
                    MessageNumber::new(n).map(|n| (n, e))
                }
            })
    }

    pub(crate) fn deleted_keys(&self) -> Vec<u64> {
        self.entries
            .iter()
            .zip(&self.deleted)
            .filter(|(_, d)| **d)
            .map(|(e, _)| e.key)
            .collect()
    }
}
