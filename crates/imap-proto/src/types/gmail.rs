//! Gmail's X-GM-EXT-1 vocabulary (<https://developers.google.com/gmail/imap/imap-extensions>):
//! labels as X-GM-LABELS carries them. Message and thread ids are plain `u64`s.

use super::core::{AString, Atom};

/// One label of `X-GM-LABELS`. Gmail writes its system labels like flags
/// (`\Inbox`, `\Sent`, `\Important`, `\Drafts`) and user labels as astrings
/// (`Important`, `"Muy Importante"`), and both kinds appear in one list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GmailLabel {
    /// A system label; the atom excludes the backslash.
    System(Atom),
    /// A user label.
    User(AString),
}
