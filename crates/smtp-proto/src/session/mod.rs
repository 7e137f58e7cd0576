//! Pieces shared by [`client`](crate::client) and [`server`](crate::server): request ids, the
//! caller-misuse error and the monotonic clock guard.

use std::time::Instant;

pub(crate) mod wire;

/// Identifies one request of a session: a command sent by a [`Client`](crate::client::Client),
/// or a command (or reply slot) received by a [`Server`](crate::server::Server).
///
/// Ids are handed out monotonically from 1 by each session, are never reused within a session and
/// are never random, so they can be compared across logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(u64);

impl RequestId {
    /// Returns the numeric value of this id.
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Hands out [`RequestId`]s in increasing order.
#[derive(Debug, Default)]
pub(crate) struct IdAllocator {
    last: u64,
}

impl IdAllocator {
    /// Returns the next id.
    pub(crate) fn next_id(&mut self) -> RequestId {
        self.last = self.last.saturating_add(1);
        RequestId(self.last)
    }
}

/// The caller broke the session contract.
///
/// Returned synchronously by command and decision methods. It is never caused by bytes from the
/// peer: a session that only ever gets `handle_*` calls and answers the ids it was given in its
/// events never sees one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiMisuse {
    /// The session has ended (see the `Closed` event); no further commands or decisions are taken.
    #[error("the session is closed")]
    Closed,
    /// The id was never handed out by this session, or its request was already answered.
    #[error("request {0} is unknown or already answered")]
    UnknownRequest(RequestId),
    /// The request exists but takes a different kind of answer (for example a challenge for a
    /// request that is not an AUTH exchange).
    #[error("request {id} cannot be answered this way: {expected}")]
    WrongAnswer {
        /// The request.
        id: RequestId,
        /// What the request expects.
        expected: &'static str,
    },
    /// The reply given does not fit the request (for example a positive reply where the session
    /// needs a negative one, or a reply code outside 200..=599).
    #[error("reply not allowed here: {0}")]
    InvalidReply(&'static str),
    /// The method cannot be called in the current state of the session.
    #[error("not allowed in the current state: {0}")]
    WrongState(&'static str),
    /// The server does not offer the extension the call needs.
    #[error("the server does not offer {0}")]
    NotOffered(&'static str),
    /// The message is larger than the `SIZE` the server announced (RFC 1870).
    #[error("message of {size} octets exceeds the server's SIZE limit of {limit}")]
    MessageTooLarge {
        /// The size the caller declared.
        size: u64,
        /// The limit the server announced.
        limit: u64,
    },
    /// An argument cannot be put on the wire (for example a CR or LF inside a domain).
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
}

/// Clamps caller-supplied instants so that time never runs backwards inside a session.
#[derive(Debug)]
pub(crate) struct Clock {
    last: Instant,
}

impl Clock {
    pub(crate) fn new(now: Instant) -> Self {
        Self { last: now }
    }

    /// Records `now` and returns `max(now, last seen)`.
    pub(crate) fn observe(&mut self, now: Instant) -> Instant {
        if now > self.last {
            self.last = now;
        }
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ids_increase() {
        let mut ids = IdAllocator::default();
        let a = ids.next_id();
        let b = ids.next_id();
        assert!(b > a);
        assert_eq!(a.get(), 1);
        assert_eq!(b.to_string(), "#2");
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // a test needs some instant to start from
    fn clock_never_goes_back() {
        let t0 = Instant::now();
        let mut c = Clock::new(t0 + Duration::from_secs(5));
        assert_eq!(c.observe(t0), t0 + Duration::from_secs(5));
        assert_eq!(
            c.observe(t0 + Duration::from_secs(9)),
            t0 + Duration::from_secs(9)
        );
    }
}
