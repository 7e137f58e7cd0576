//! Framing (work in progress).
