//! The framer fed arbitrary bytes in arbitrary chunks: never panics, accounts for every
//! byte exactly once, and gives the same messages whatever the chunking.
#![no_main]

use imap_proto::framing::{Direction, Limits, StreamItem, split_stream};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&control, stream)) = data.split_first() else {
        return;
    };
    let direction = if control & 1 == 0 {
        Direction::ClientToServer
    } else {
        Direction::ServerToClient
    };
    let mut limits = Limits::default();
    limits.max_line = 64 + usize::from(control >> 2);
    limits.max_literal = u64::from(control);
    limits.max_non_sync_literal = u64::from(control) / 2;
    limits.max_message = 1024;
    limits.max_literals = 8;
    if control & 2 == 2 {
        limits.stream_literals_over = 8;
    }
    let chunk = usize::from(control % 13) + 1;

    let whole: Vec<(bool, Vec<u8>)> = split_stream(stream, direction, limits)
        .filter_map(|item| match item {
            StreamItem::Message { bytes, .. } => Some((true, bytes.to_vec())),
            StreamItem::Discarded { bytes, .. } => Some((false, bytes.to_vec())),
            StreamItem::Truncated { bytes, .. } => Some((false, bytes.to_vec())),
            _ => None,
        })
        .collect();
    let total: usize = whole.iter().map(|(_, b)| b.len()).sum();
    assert_eq!(total, stream.len());

    let messages = imap_proto::testing::frame_in_pieces(direction, limits, stream, chunk);
    // Streamed or not, the same messages come out (a refused message is dropped whole).
    let expected: Vec<Vec<u8>> = whole
        .into_iter()
        .filter(|(ok, _)| *ok)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(messages, expected);
});
