//! Encoders (work in progress).
