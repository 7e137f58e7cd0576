//! The IMAP type model: one set of types for IMAP4rev2 and IMAP4rev1 with every
//! extension this crate supports always compiled in.
//!
//! Values are owned and `'static`: short strings are stored inline, long strings and
//! literal data share the buffer the message came from ([`bytes::Bytes`]), so nothing
//! long is copied and nothing short costs a reference count. Constructors validate;
//! the encoder chooses wire forms.

mod body;
mod capability;
mod chunk;
mod code;
mod command;
mod core;
mod datetime;
mod fetch;
mod flag;
mod gmail;
mod mailbox;
mod mailbox_data;
mod response;
mod search;
mod sequence;

pub use body::{
    Address, BodyExtension, BodyFields, BodyStructure, Disposition, Envelope, SinglePartKind,
};
pub use capability::Capability;
pub use code::ResponseCode;
pub use command::{
    AppendHead, AppendMessage, AppendPart, AuthenticateData, Command, CommandBody, MetadataOptions,
    QResyncParameters, SelectParameters, StoreKind,
};
pub use core::{AString, Atom, IString, Quoted, Secret, Tag, Text};
pub use datetime::{Date, DateTime};
pub use fetch::{
    FetchAttribute, FetchAttributes, FetchHead, FetchItem, Partial, Section, SectionText,
    StreamedItem,
};
pub use flag::{Flag, MailboxAttribute};
pub use gmail::GmailLabel;
pub use mailbox::{Mailbox, MailboxName, NameEncoding, decode_modified_utf7, encode_modified_utf7};
pub use mailbox_data::{
    ListExtendedItem, ListItem, ListReturn, ListSelect, MetadataEntry, NamespaceDescription,
    QuotaResource, StatusAttribute, StatusItem,
};
pub use response::{Continuation, Data, Response, StatusKind, StatusResponse};
pub use search::{
    ESearchItem, PartialRange, SearchKey, SearchReturn, SortCriterion, SortKey, Thread,
};
pub use sequence::{SeqItem, SeqNumber, SequenceSet, Uid};

#[cfg(feature = "testing")]
pub(crate) use capability::{MORE_SIMPLE, SIMPLE};
pub(crate) use chunk::Chunk;
pub(crate) use code::PLAIN_CODES;
pub(crate) use core::{is_astring_char, is_atom_char};
pub(crate) use datetime::MONTHS;
#[cfg(feature = "testing")]
pub(crate) use flag::ATTRIBUTES;
pub(crate) use mailbox_data::STATUS_NAMES;
