//! [`BodyStream`]: a message body as a stream of `Bytes` chunks.

use std::fmt;
use std::ops::Range;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_lite::{Stream, StreamExt};

use crate::Result;

/// A message body (or a byte range of it) in CRLF form, as a stream of chunks, so RETR, TOP and
/// `BODY[]<o.n>` never need the whole message in memory.
pub struct BodyStream {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes>> + Send + 'static>>,
}

impl BodyStream {
    /// Wraps any stream of chunks.
    pub fn new(stream: impl Stream<Item = Result<Bytes>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(stream),
        }
    }

    /// A body already in memory, served as one chunk (cloning `Bytes` copies nothing).
    #[must_use]
    pub fn from_bytes(bytes: Bytes) -> Self {
        Self::new(futures_lite::stream::iter(
            (!bytes.is_empty()).then_some(Ok(bytes)),
        ))
    }

    /// Reads the whole stream into one buffer.
    ///
    /// # Errors
    /// The first error of the stream.
    pub async fn collect_bytes(mut self) -> Result<Bytes> {
        let mut first: Option<Bytes> = None;
        let mut buf = BytesMut::new();
        while let Some(chunk) = self.inner.next().await {
            let chunk = chunk?;
            match first.take() {
                None if buf.is_empty() => first = Some(chunk),
                None => buf.extend_from_slice(&chunk),
                Some(f) => {
                    buf.extend_from_slice(&f);
                    buf.extend_from_slice(&chunk);
                }
            }
        }
        Ok(first.unwrap_or_else(|| buf.freeze()))
    }
}

impl Stream for BodyStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for BodyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BodyStream")
    }
}

/// Clamps a requested byte range to a body of `size` octets (IMAP partial fetch semantics: a
/// start past the end gives nothing).
#[must_use]
pub fn clamp_range(range: Option<Range<u64>>, size: u64) -> Range<u64> {
    match range {
        None => 0..size,
        Some(r) => {
            let start = r.start.min(size);
            start..r.end.clamp(start, size)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_chunks_and_clamps() {
        let s = BodyStream::new(futures_lite::stream::iter([
            Ok(Bytes::from_static(b"ab")),
            Ok(Bytes::from_static(b"cd")),
        ]));
        let all = futures_lite::future::block_on(s.collect_bytes()).expect("no error");
        assert_eq!(all.as_ref(), b"abcd");
        assert_eq!(clamp_range(Some(3..100), 10), 3..10);
        assert_eq!(clamp_range(Some(20..30), 10), 10..10);
        assert_eq!(clamp_range(None, 10), 0..10);
    }
}
