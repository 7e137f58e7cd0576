//! [`Clock`]: where the backends get "now" for INTERNALDATE, SAVEDATE and UIDVALIDITY.

use std::fmt::Debug;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use crate::UnixTime;

/// A source of the current time, injectable so tests run on a virtual clock.
pub trait Clock: Debug + Send + Sync + 'static {
    /// Now.
    fn now(&self) -> UnixTime;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    // The one place the store reads the wall clock; everything else asks a `Clock`.
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> UnixTime {
        UnixTime::from_system(std::time::SystemTime::now())
    }
}

/// A clock that only moves when told to, for tests.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock showing `start`.
    #[must_use]
    pub fn new(start: UnixTime) -> Self {
        Self(Arc::new(AtomicI64::new(start.0)))
    }

    /// Moves the clock by `seconds`.
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::Relaxed);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> UnixTime {
        UnixTime(self.0.load(Ordering::Relaxed))
    }
}
