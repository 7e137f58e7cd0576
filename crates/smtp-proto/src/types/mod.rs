//! The SMTP vocabulary: commands, paths, mailboxes, parameters, replies and capabilities.
//!
//! Every type here is owned and cheap to clone: text is kept in [`Text`], which holds short
//! strings inline and shares the received line's [`bytes::Bytes`] buffer for long ones, so
//! parsing a command neither allocates nor touches a shared reference count in the common case
//! (see [`crate::parse`]). Every type can be encoded back to the wire
//! ([`crate::encode`]) and `parse(encode(x)) == x` holds.
//!
//! Names follow RFC 5321 (`ReversePath`, `ForwardPath`, `Mailbox`, `ReplyCode`, ...).

mod address;
mod auth;
mod command;
mod compact;
mod ehlo;
mod params;
mod reply;
mod text;

pub(crate) use address::HostKind;
pub use address::{
    AddressLiteral, Domain, ForwardPath, GeneralLiteral, Host, Mailbox, ReversePath,
};
pub use auth::{AuthMechanism, SaslResponse, Secret};
pub use command::Command;
pub(crate) use compact::Compact;
pub use ehlo::{Capabilities, Capability, CapabilityLines, EhloResponse};
pub(crate) use ehlo::{Flag, Offer, Offered};
pub use params::{
    Body, DeliverBy, DeliverByMode, DsnReturn, FutureRelease, MailAuth, MailParameters, Notify,
    OriginalRecipient, Parameter, ParameterSet, Parameters, RcptParameters, Rrvs, RrvsMode, XText,
};
pub(crate) use reply::next_wire_line;
pub use reply::{EnhancedStatusCode, Reply, ReplyCode, ReplyLine, ReplyLineRef, ReplyLines};
pub use text::Text;
