//! The sessions' use of the wire layer's encoders, in one place.

use bytes::BytesMut;

use crate::types::Reply;

/// Appends `reply` to `out`.
pub(crate) fn encode_reply(reply: &Reply, out: &mut BytesMut) {
    crate::encode::reply(reply, out);
}

/// Appends a `334` challenge line to `out`.
pub(crate) fn encode_auth_challenge(challenge: &[u8], out: &mut BytesMut) {
    crate::encode::auth_challenge(challenge, out);
}
