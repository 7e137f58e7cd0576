//! Change hints for IDLE: runtime-free, lossy by design, never the source of truth.
//!
//! A [`Watcher`] yields [`Hint`]s; a session that gets one calls
//! [`Account::changes_since`](crate::Account::changes_since) for the facts. A watcher that falls
//! behind gets one [`Hint::Lagged`] instead of the hints it missed, so a slow session costs
//! memory to nobody.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future as _;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use event_listener::{Event, EventListener};
use futures_lite::Stream;
use parking_lot::Mutex;

use crate::{MailboxId, ModSeq};

/// How many hints a notifier remembers for watchers that are behind.
const RETAINED: usize = 1024;

/// "Something changed": look with `changes_since`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// This mailbox reached at least this MODSEQ (a new mailbox, a rename or a delete also
    /// produce a hint).
    Changed {
        /// The mailbox.
        mailbox: MailboxId,
        /// Its HIGHESTMODSEQ after the change.
        modseq: ModSeq,
    },
    /// Hints were lost: any mailbox may have changed.
    Lagged,
}

#[derive(Default)]
struct Log {
    last: u64,
    entries: VecDeque<(u64, Hint)>,
}

#[derive(Default)]
struct Shared {
    log: Mutex<Log>,
    event: Event,
    watchers: std::sync::atomic::AtomicUsize,
}

/// The sending side, one per account; backends call [`Notifier::notify`] after each change.
#[derive(Clone, Default)]
pub struct Notifier {
    shared: Arc<Shared>,
}

impl Notifier {
    /// A notifier with no watchers.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Publishes that `mailbox` reached `modseq`, waking every watcher.
    pub fn notify(&self, mailbox: MailboxId, modseq: ModSeq) {
        {
            let mut log = self.shared.log.lock();
            log.last += 1;
            let seq = log.last;
            if log.entries.len() == RETAINED {
                log.entries.pop_front();
            }
            log.entries
                .push_back((seq, Hint::Changed { mailbox, modseq }));
        }
        self.shared.event.notify(usize::MAX);
    }

    /// A watcher that sees the hints published from now on.
    #[must_use]
    pub fn watch(&self) -> Watcher {
        let seen = self.shared.log.lock().last;
        self.shared
            .watchers
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        Watcher {
            shared: Arc::clone(&self.shared),
            seen,
            listener: None,
        }
    }
}

impl Notifier {
    /// Whether any [`Watcher`] is alive (a backend that polls for outside changes stops when
    /// nobody listens).
    #[must_use]
    pub fn has_watchers(&self) -> bool {
        self.shared
            .watchers
            .load(std::sync::atomic::Ordering::Acquire)
            > 0
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.shared
            .watchers
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

impl fmt::Debug for Notifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifier")
            .field("published", &self.shared.log.lock().last)
            .finish()
    }
}

/// The receiving side: a [`Stream`] of [`Hint`]s that never ends (use `StreamExt::next`).
pub struct Watcher {
    shared: Arc<Shared>,
    seen: u64,
    listener: Option<EventListener>,
}

impl Watcher {
    /// The next hint if one is waiting, without waiting.
    pub fn try_next(&mut self) -> Option<Hint> {
        let log = self.shared.log.lock();
        if log.last == self.seen {
            return None;
        }
        let oldest = log.entries.front().map_or(log.last, |&(seq, _)| seq);
        if self.seen + 1 < oldest {
            self.seen = log.last;
            return Some(Hint::Lagged);
        }
        let idx = usize::try_from(self.seen + 1 - oldest).unwrap_or(usize::MAX);
        let (seq, hint) = *log.entries.get(idx)?;
        self.seen = seq;
        Some(hint)
    }
}

impl Stream for Watcher {
    type Item = Hint;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Hint>> {
        loop {
            if let Some(hint) = self.try_next() {
                self.listener = None;
                return Poll::Ready(Some(hint));
            }
            match self.listener.as_mut() {
                Some(listener) => match Pin::new(listener).poll(cx) {
                    Poll::Ready(()) => self.listener = None,
                    Poll::Pending => return Poll::Pending,
                },
                // Register first, then look again: a hint published in between is not lost.
                None => self.listener = Some(self.shared.event.listen()),
            }
        }
    }
}

impl fmt::Debug for Watcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watcher").field("seen", &self.seen).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_lite::StreamExt;

    fn id(n: u128) -> MailboxId {
        MailboxId::from_u128(n)
    }

    #[test]
    fn watcher_sees_later_hints_in_order() {
        let n = Notifier::new();
        n.notify(id(1), ModSeq::MIN);
        let mut w = n.watch();
        assert_eq!(w.try_next(), None);
        n.notify(id(2), ModSeq::MIN.next());
        n.notify(id(3), ModSeq::MIN);
        let got = futures_lite::future::block_on(w.next());
        assert_eq!(
            got,
            Some(Hint::Changed {
                mailbox: id(2),
                modseq: ModSeq::MIN.next()
            })
        );
        assert!(matches!(w.try_next(), Some(Hint::Changed { mailbox, .. }) if mailbox == id(3)));
        assert_eq!(w.try_next(), None);
    }

    #[test]
    fn counts_live_watchers() {
        let n = Notifier::new();
        assert!(!n.has_watchers());
        let w = n.watch();
        assert!(n.has_watchers());
        drop(w);
        assert!(!n.has_watchers());
    }

    #[test]
    fn slow_watcher_gets_lagged_once() {
        let n = Notifier::new();
        let mut w = n.watch();
        for _ in 0..RETAINED + 5 {
            n.notify(id(1), ModSeq::MIN);
        }
        assert_eq!(w.try_next(), Some(Hint::Lagged));
        assert_eq!(w.try_next(), None);
    }

    #[test]
    fn wakes_a_waiting_watcher_from_another_thread() {
        let n = Notifier::new();
        let mut w = n.watch();
        let n2 = n.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            n2.notify(id(9), ModSeq::MIN);
        });
        let got = futures_lite::future::block_on(w.next());
        t.join().expect("thread");
        assert!(matches!(got, Some(Hint::Changed { mailbox, .. }) if mailbox == id(9)));
    }
}
