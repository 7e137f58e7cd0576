//! Helpers shared by the integration tests (included with `mod support;`).

#![allow(dead_code)]

use bytes::Bytes;
use imap_proto::encode::{Encoder, PeerCapabilities};
use imap_proto::parse::{self, ParseOptions, Status};
use imap_proto::types::{Command, Response};

/// Encoders with every combination of literal and UTF-8 capabilities that matters.
pub fn encoders() -> Vec<Encoder> {
    let plain = PeerCapabilities::default();
    let mut plus = plain;
    plus.literal_plus = true;
    let mut minus = plain;
    minus.literal_minus = true;
    let mut utf8 = plain;
    utf8.utf8 = true;
    utf8.binary = true;
    vec![
        Encoder::new(plain),
        Encoder::new(plus),
        Encoder::new(minus),
        Encoder::new(utf8),
    ]
}

/// Parses `wire` with `parse`, asserting a complete value that used every byte.
fn whole<T: std::fmt::Debug, E: std::fmt::Debug>(
    wire: &[u8],
    options: &ParseOptions,
    parse: fn(&Bytes, &ParseOptions) -> Result<Status<T>, E>,
) -> T {
    let bytes = Bytes::copy_from_slice(wire);
    match parse(&bytes, options) {
        Ok(Status::Complete { value, len }) => {
            assert_eq!(
                len,
                wire.len(),
                "left over: {:?}",
                String::from_utf8_lossy(&wire[len..])
            );
            value
        }
        other => panic!("{:?} -> {other:?}", String::from_utf8_lossy(wire)),
    }
}

/// Parses a whole command, asserting it used every byte.
pub fn command(wire: &[u8]) -> Command {
    whole(wire, &ParseOptions::default(), parse::command)
}

/// Parses a whole response, asserting it used every byte.
pub fn response_with(wire: &[u8], options: &ParseOptions) -> Response {
    whole(wire, options, parse::response)
}

/// Parses a whole response with strict options.
pub fn response(wire: &[u8]) -> Response {
    response_with(wire, &ParseOptions::default())
}

/// Asserts `parse(encode(x)) == x` for every encoder.
pub fn command_round_trip(value: &Command) {
    for encoder in encoders() {
        let encoded = encoder.command(value);
        let again = command(&encoded.to_bytes());
        assert_eq!(
            &again,
            value,
            "{:?}",
            String::from_utf8_lossy(&encoded.to_bytes())
        );
    }
}

/// Asserts `parse(encode(x)) == x` for every encoder.
pub fn response_round_trip(value: &Response) {
    for encoder in encoders() {
        let encoded = encoder.response(value);
        let again = response(&encoded.to_bytes());
        assert_eq!(
            &again,
            value,
            "{:?}",
            String::from_utf8_lossy(&encoded.to_bytes())
        );
    }
}

/// Every strict prefix of a message is incomplete, never an error.
pub fn prefixes_are_incomplete_command(wire: &[u8]) {
    for cut in 0..wire.len() {
        let bytes = Bytes::copy_from_slice(&wire[..cut]);
        let status = parse::command(&bytes, &ParseOptions::default());
        assert_eq!(
            status,
            Ok(Status::Incomplete),
            "prefix {:?}",
            String::from_utf8_lossy(&wire[..cut])
        );
    }
}

/// Every strict prefix of a message is incomplete, never an error.
pub fn prefixes_are_incomplete_response(wire: &[u8]) {
    for cut in 0..wire.len() {
        let bytes = Bytes::copy_from_slice(&wire[..cut]);
        let status = parse::response(&bytes, &ParseOptions::default());
        assert_eq!(
            status,
            Ok(Status::Incomplete),
            "prefix {:?}",
            String::from_utf8_lossy(&wire[..cut])
        );
    }
}

/// The untagged data of `response` (a test expecting data).
pub fn data(response: &Response) -> &imap_proto::types::Data {
    match response {
        Response::Data(data) => data,
        other => panic!("expected untagged data, got {other:?}"),
    }
}

/// The status response `response` is (a test expecting one).
pub fn status(response: &Response) -> &imap_proto::types::StatusResponse {
    match response {
        Response::Status(status) => status,
        other => panic!("expected a status response, got {other:?}"),
    }
}

/// The items of the FETCH response `response`, checking its sequence number.
pub fn fetch_items(response: &Response, seq: u32) -> &[imap_proto::types::FetchItem] {
    match data(response) {
        imap_proto::types::Data::Fetch { seq: got, items } => {
            assert_eq!(*got, seq, "sequence number");
            items
        }
        other => panic!("expected FETCH, got {other:?}"),
    }
}
