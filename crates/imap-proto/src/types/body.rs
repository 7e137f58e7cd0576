//! ENVELOPE and BODYSTRUCTURE (RFC 9051 section 7.5.2).

use bytes::Bytes;

use super::core::IString;

/// An address in an envelope (`address`). A group is written with a NIL host.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    /// Display name.
    pub name: Option<IString>,
    /// Source route (obsolete).
    pub adl: Option<IString>,
    /// Local part, or the group name.
    pub mailbox: Option<IString>,
    /// Domain; NIL marks a group start or end.
    pub host: Option<IString>,
}

/// The envelope of a message. Address lists that were NIL are empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope {
    /// Date header.
    pub date: Option<IString>,
    /// Subject header.
    pub subject: Option<IString>,
    /// From.
    pub from: Vec<Address>,
    /// Sender.
    pub sender: Vec<Address>,
    /// Reply-To.
    pub reply_to: Vec<Address>,
    /// To.
    pub to: Vec<Address>,
    /// Cc.
    pub cc: Vec<Address>,
    /// Bcc.
    pub bcc: Vec<Address>,
    /// In-Reply-To.
    pub in_reply_to: Option<IString>,
    /// Message-ID.
    pub message_id: Option<IString>,
}

/// `body-fld-dsp`: a Content-Disposition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposition {
    /// The disposition type (`inline`, `attachment`).
    pub kind: IString,
    /// Its parameters.
    pub params: Vec<(IString, IString)>,
}

/// Extension data of a body part (`body-ext-1part` / `body-ext-mpart`): sent in
/// BODYSTRUCTURE, and by some servers in BODY too (the grammar allows it there). Absent
/// trailing fields read as NIL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BodyExtension {
    /// `body-fld-md5` (single parts) or `body-fld-param` (multiparts; see
    /// [`BodyStructure::Multipart`]); for a single part this is the MD5.
    pub md5: Option<IString>,
    /// Content-Disposition.
    pub disposition: Option<Disposition>,
    /// Content-Language (NIL = empty).
    pub language: Vec<IString>,
    /// Content-Location.
    pub location: Option<IString>,
    /// Any further extension values, raw, without the leading space.
    pub extra: Option<Bytes>,
}

/// The fields common to every single part (`body-fields`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyFields {
    /// Content-Type parameters (NIL = empty).
    pub params: Vec<(IString, IString)>,
    /// Content-ID.
    pub id: Option<IString>,
    /// Content-Description.
    pub description: Option<IString>,
    /// Content-Transfer-Encoding.
    pub encoding: IString,
    /// Size in octets.
    pub size: u32,
}

/// What kind of single part this is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SinglePartKind {
    /// Any type other than text and message/rfc822 (`body-type-basic`); also a
    /// message/rfc822 part sent without envelope, body and lines, accepted under
    /// [`Lenience::message_as_basic`](crate::parse::Lenience::message_as_basic).
    Basic {
        /// Media type.
        media_type: IString,
        /// Media subtype.
        subtype: IString,
    },
    /// `text/*` with its line count.
    Text {
        /// Media subtype.
        subtype: IString,
        /// Lines.
        lines: u32,
    },
    /// `message/rfc822` (or `message/global`) with the inner envelope and body.
    Message {
        /// Media subtype (`RFC822` or `GLOBAL`).
        subtype: IString,
        /// The encapsulated message's envelope.
        envelope: Box<Envelope>,
        /// The encapsulated message's structure.
        body: Box<BodyStructure>,
        /// Lines.
        lines: u32,
    },
}

/// A BODY or BODYSTRUCTURE value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyStructure {
    /// A single part.
    Single {
        /// Type-specific fields.
        kind: SinglePartKind,
        /// Common fields.
        fields: BodyFields,
        /// Extension data (BODYSTRUCTURE only; BODY is the non-extensible form).
        extension: Option<Box<BodyExtension>>,
    },
    /// A multipart.
    Multipart {
        /// The parts: at least one, except after a lenient parse of a server's
        /// part-less multipart
        /// ([`Lenience::partless_multipart`](crate::parse::Lenience::partless_multipart)),
        /// where it is empty.
        parts: Vec<BodyStructure>,
        /// Multipart subtype (`MIXED`, `ALTERNATIVE`, ...).
        subtype: IString,
        /// Content-Type parameters (extension data, as below; NIL = empty).
        params: Vec<(IString, IString)>,
        /// Further extension data (BODYSTRUCTURE only); `md5` is unused.
        extension: Option<Box<BodyExtension>>,
    },
}

impl BodyStructure {
    /// Drops the extension data, throughout: the non-extensible form that BODY carries
    /// (RFC 9051 §7.5.2). The parser applies it to a BODY whose server sent extension data
    /// anyway (the grammar allows it there; some servers do), so a BODY value never holds
    /// any and is written back as the RFC's form.
    pub(crate) fn drop_extension(&mut self) {
        match self {
            BodyStructure::Single {
                kind, extension, ..
            } => {
                *extension = None;
                if let SinglePartKind::Message { body, .. } = kind {
                    body.drop_extension();
                }
            }
            BodyStructure::Multipart {
                parts,
                params,
                extension,
                ..
            } => {
                parts.iter_mut().for_each(BodyStructure::drop_extension);
                params.clear();
                *extension = None;
            }
        }
    }
}
