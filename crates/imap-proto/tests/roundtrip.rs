//! proptest round trips: `parse(encode(x)) == x` for every type, under every encoder
//! capability set, and framing invariance under arbitrary chunking.

mod support;

use imap_proto::framing::{Direction, Framer, Limits, Progress};
use imap_proto::testing;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn commands_round_trip(command in testing::command()) {
        support::command_round_trip(&command);
    }

    #[test]
    fn responses_round_trip(response in testing::response()) {
        support::response_round_trip(&response);
    }

    #[test]
    fn fetch_data_round_trips(data in testing::data()) {
        support::response_round_trip(&imap_proto::types::Response::Data(data));
    }

    /// Any split of an encoded command stream frames into the same messages, and the
    /// framer asks for a continuation exactly at the encoder's synchronisation points.
    #[test]
    fn command_stream_chunking_invariance(
        commands in proptest::collection::vec(testing::command(), 1..6),
        cuts in proptest::collection::vec(1usize..64, 1..20),
    ) {
        let encoder = imap_proto::encode::Encoder::default();
        let mut stream = Vec::new();
        let mut expected = Vec::new();
        let mut expected_continuations = 0;
        for command in &commands {
            let encoded = encoder.command(command);
            expected_continuations += encoded.sync_points().len();
            expected.push(encoded.to_bytes().to_vec());
            stream.extend_from_slice(&encoded.to_bytes());
        }
        let (messages, continuations) = frame(&stream, &cuts, Direction::ClientToServer);
        prop_assert_eq!(messages, expected);
        prop_assert_eq!(continuations, expected_continuations);
    }

    #[test]
    fn response_stream_chunking_invariance(
        responses in proptest::collection::vec(testing::response(), 1..6),
        cuts in proptest::collection::vec(1usize..64, 1..20),
    ) {
        let encoder = imap_proto::encode::Encoder::default();
        let mut stream = Vec::new();
        let mut expected = Vec::new();
        for response in &responses {
            let bytes = encoder.response(response).to_bytes();
            expected.push(bytes.to_vec());
            stream.extend_from_slice(&bytes);
        }
        let (messages, continuations) = frame(&stream, &cuts, Direction::ServerToClient);
        prop_assert_eq!(messages, expected);
        prop_assert_eq!(continuations, 0);
    }

    /// Arbitrary bytes never panic the framer or the parsers, and framing accounts for
    /// every byte exactly once.
    #[test]
    fn arbitrary_bytes_are_safe(stream in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut limits = Limits::default();
        limits.max_line = 64;
        limits.max_literal = 32;
        let mut total = 0;
        for item in imap_proto::framing::split_stream(&stream, Direction::ClientToServer, limits) {
            match item {
                imap_proto::framing::StreamItem::Message { bytes, .. } => {
                    total += bytes.len();
                    let message = bytes::Bytes::copy_from_slice(bytes);
                    let _ = imap_proto::parse::command(&message, &Default::default());
                    let _ = imap_proto::parse::response(&message, &imap_proto::parse::ParseOptions::lenient());
                }
                imap_proto::framing::StreamItem::Discarded { bytes, .. }
                | imap_proto::framing::StreamItem::Truncated { bytes, .. } => total += bytes.len(),
                _ => {}
            }
        }
        prop_assert_eq!(total, stream.len());
    }
}

/// Feeds `stream` to a framer in pieces whose sizes cycle through `cuts`, once keeping
/// literals in the buffer and once streaming every literal over 8 bytes; both must
/// give the same messages (streamed pieces reassembled).
fn frame(stream: &[u8], cuts: &[usize], direction: Direction) -> (Vec<Vec<u8>>, usize) {
    let whole = frame_with(stream, cuts, direction, u64::MAX);
    let streamed = frame_with(stream, cuts, direction, 8);
    assert_eq!(whole, streamed);
    whole
}

fn frame_with(
    stream: &[u8],
    cuts: &[usize],
    direction: Direction,
    stream_over: u64,
) -> (Vec<Vec<u8>>, usize) {
    let mut limits = Limits::client();
    limits.stream_literals_over = stream_over;
    let mut framer = Framer::new(direction, limits);
    let mut buffer = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut messages = Vec::new();
    let mut continuations = 0;
    let mut offset = 0;
    let mut cut = cuts.iter().cycle();
    while offset < stream.len() {
        let size = (*cut.next().unwrap_or(&1)).min(stream.len() - offset);
        buffer.extend_from_slice(&stream[offset..offset + size]);
        offset += size;
        loop {
            match framer.advance(&buffer) {
                Progress::Incomplete => break,
                Progress::ContinuationNeeded { .. } => continuations += 1,
                Progress::Message { len } => {
                    current.extend(buffer.drain(..len));
                    messages.push(std::mem::take(&mut current));
                }
                Progress::LiteralStarted { head, .. } => current.extend(buffer.drain(..head)),
                Progress::LiteralData { len, .. } => current.extend(buffer.drain(..len)),
                Progress::Discard { len, error } => panic!("discarded {len}: {error:?}"),
                _ => panic!("unknown progress"),
            }
        }
    }
    assert!(buffer.is_empty(), "left over {buffer:?}");
    (messages, continuations)
}

proptest! {
    /// Modified UTF-7 (RFC 3501 section 5.1.3): any Unicode name survives
    /// encode/decode, and the encoding is printable ASCII only.
    #[test]
    fn modified_utf7_round_trips(name in "\\PC{0,24}") {
        let wire = imap_proto::types::encode_modified_utf7(&name);
        prop_assert!(wire.bytes().all(|b| (0x20..=0x7e).contains(&b)));
        prop_assert_eq!(imap_proto::types::decode_modified_utf7(wire.as_bytes()).unwrap(), name);
    }

    /// The context-aware client parser reads any encoded command back.
    #[test]
    fn client_stream_parser_reads_commands(command in testing::command()) {
        let wire = imap_proto::encode::Encoder::default().command(&command).to_bytes();
        let mut parser = imap_proto::parse::ClientStreamParser::new(Default::default());
        let parsed = parser.parse(&wire).unwrap();
        prop_assert_eq!(
            parsed,
            imap_proto::parse::Status::Complete {
                value: imap_proto::parse::ClientMessage::Command(command),
                len: wire.len()
            }
        );
    }
}
