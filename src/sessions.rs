//! [`Session`] for every client and server of the protocol crates, so [`crate::driver`] can run
//! each of them. Each impl only forwards to the inherent methods of the same name.

use std::time::Instant;

use bytes::{Bytes, BytesMut};

use crate::driver::{ApiMisuseError, Session};

/// Forwards the shared contract. `$tls` adapts `handle_tls_established`, whose return type
/// differs between the crates (some return `Result<(), ApiMisuse>`); `owned` names the method
/// that takes input in a buffer the session keeps, where the session has one.
macro_rules! forward_session {
    ($ty:ty, $event:ty, |$s:ident, $now:ident| $tls:expr $(, owned = $owned:ident)?) => {
        impl Session for $ty {
            type Event = $event;
            fn handle_input(&mut self, now: Instant, data: &[u8]) {
                <$ty>::handle_input(self, now, data)
            }
            $(
                fn handle_input_owned(&mut self, now: Instant, data: BytesMut) {
                    <$ty>::$owned(self, now, data)
                }
            )?
            fn handle_timeout(&mut self, now: Instant) {
                <$ty>::handle_timeout(self, now)
            }
            fn handle_eof(&mut self, now: Instant) {
                <$ty>::handle_eof(self, now)
            }
            fn handle_tls_established(&mut self, now: Instant) -> Result<(), ApiMisuseError> {
                let ($s, $now) = (self, now);
                $tls
            }
            fn poll_transmit(&mut self) -> Option<Bytes> {
                <$ty>::poll_transmit(self)
            }
            fn poll_event(&mut self) -> Option<Self::Event> {
                <$ty>::poll_event(self)
            }
            fn poll_timeout(&self) -> Option<Instant> {
                <$ty>::poll_timeout(self)
            }
            fn is_closed(&self) -> bool {
                <$ty>::is_closed(self)
            }
            fn wants_input(&self) -> bool {
                <$ty>::wants_input(self)
            }
        }
    };
}

forward_session!(
    smtp_proto::server::Server,
    smtp_proto::server::Event,
    |s, now| s.handle_tls_established(now).map_err(Into::into)
);
forward_session!(
    pop3_proto::server::Server,
    pop3_proto::server::Event,
    |s, now| s.handle_tls_established(now).map_err(Into::into)
);
forward_session!(
    pop3_proto::client::Client,
    pop3_proto::client::Event,
    |s, now| s.handle_tls_established(now).map_err(Into::into),
    owned = handle_input_owned
);
forward_session!(
    smtp_proto::client::Client,
    smtp_proto::client::Event,
    |s, now| s.handle_tls_established(now).map_err(Into::into)
);
