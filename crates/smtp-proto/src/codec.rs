//! tokio-util codecs (work in progress).
