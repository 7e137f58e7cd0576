//! Arbitrary bytes as an IMAP command: never panics; whatever parses re-encodes to
//! bytes that parse (with the same options) to the same value.
#![no_main]

use bytes::Bytes;
use imap_proto::encode::{Encoder, PeerCapabilities};
use imap_proto::parse::{self, ParseOptions, Status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Bytes::copy_from_slice(data);
    for options in [ParseOptions::default(), ParseOptions::lenient()] {
        if let Ok(Status::Complete { value, .. }) = parse::command(&input, &options) {
            let mut caps = PeerCapabilities::default();
            caps.literal_plus = data.first().is_some_and(|b| b & 1 == 1);
            let encoded = Encoder::new(caps).command(&value).to_bytes();
            // Read back with the same options: a lenient parse keeps what only a
            // lenient parser reads (NUL inside a `{n}` literal under
            // `nul_in_literal`), and the encoder writes the value as it is.
            let again = parse::command(&encoded, &options);
            assert_eq!(
                again,
                Ok(Status::Complete {
                    value,
                    len: encoded.len()
                }),
                "{:?}",
                String::from_utf8_lossy(&encoded)
            );
        }
        let _ = parse::authenticate_data(&input, &options);
        let _ = parse::idle_done(&input, &options);
        let _ = parse::append_head(&input, &options);
        let _ = parse::append_next(&input, data.len() % 2 == 0, &options);
        let _ = parse::append_end(&input, data.len() % 2 == 0, &options);
        let _ = parse::ClientStreamParser::new(options).parse(&input);
    }
});
