//! The transmit queue both sessions share: small lines are coalesced into one buffer, large
//! payload chunks (message bodies) are queued as they are, without copying.

use std::collections::VecDeque;

use bytes::{Bytes, BytesMut};

/// Chunks shorter than this are copied into the line buffer instead of queued on their own.
const COALESCE_BELOW: usize = 512;

#[derive(Debug, Default)]
pub(crate) struct Output {
    queue: VecDeque<Bytes>,
    lines: BytesMut,
    queued: usize,
}

impl Output {
    /// The buffer to append a line to (after everything queued so far).
    pub(crate) fn lines(&mut self) -> &mut BytesMut {
        &mut self.lines
    }

    /// Queues a payload chunk after everything queued so far.
    pub(crate) fn push(&mut self, chunk: Bytes) {
        if chunk.len() < COALESCE_BELOW {
            self.lines.extend_from_slice(&chunk);
            return;
        }
        if !self.lines.is_empty() {
            let lines = self.lines.split().freeze();
            self.queued += lines.len();
            self.queue.push_back(lines);
        }
        self.queued += chunk.len();
        self.queue.push_back(chunk);
    }

    /// The next bytes to write, in order.
    pub(crate) fn poll(&mut self) -> Option<Bytes> {
        if let Some(chunk) = self.queue.pop_front() {
            self.queued -= chunk.len();
            return Some(chunk);
        }
        (!self.lines.is_empty()).then(|| self.lines.split().freeze())
    }

    /// Octets waiting to be written.
    pub(crate) fn len(&self) -> usize {
        self.queued + self.lines.len()
    }
}
