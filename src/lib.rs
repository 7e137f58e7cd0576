//! mailwire: tokio glue over the sans-IO protocol crates, and the reference servers.
