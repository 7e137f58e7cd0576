//! Parsers (work in progress: the wire-layer engineer is filling this in).

use crate::types::{Domain, Mailbox, XText};
use crate::{ParseError, ParseErrorKind};

/// Runtime lenience options (strict by default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Accept any word as the HELO/EHLO/LHLO argument.
    pub lenient_helo: bool,
}

pub(crate) fn domain_str(_s: &str, _smtputf8: bool) -> Result<Domain, ParseError> {
    Err(ParseError::new(ParseErrorKind::Syntax, 0))
}

pub(crate) fn mailbox_str(_s: &str, _smtputf8: bool) -> Result<Mailbox, ParseError> {
    Err(ParseError::new(ParseErrorKind::Syntax, 0))
}

pub(crate) fn xtext_str(_s: &str, _utf8: bool) -> Result<XText, ParseError> {
    Err(ParseError::new(ParseErrorKind::Syntax, 0))
}
