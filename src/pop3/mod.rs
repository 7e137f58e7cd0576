//! POP3 over tokio: downloading a maildrop ([`fetch`]) and serving one ([`serve`]).

pub mod fetch;
pub mod serve;

pub use fetch::{AuthMethod, FetchError, FetchOptions, FetchSummary, NoProgress, Progress, fetch};
