//! POP3 over tokio: downloading a maildrop ([`mod@fetch`]) and serving one ([`mod@serve`]).

pub mod fetch;
pub mod serve;

pub use fetch::{AuthMethod, FetchError, FetchOptions, FetchSummary, NoProgress, Progress, fetch};
