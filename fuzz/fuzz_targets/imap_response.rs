//! Arbitrary bytes as an IMAP response: never panics; whatever parses re-encodes to
//! bytes that parse to the same value (strictly, even when read leniently).
#![no_main]

use bytes::Bytes;
use imap_proto::encode::Encoder;
use imap_proto::parse::{self, ParseOptions, Status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Bytes::copy_from_slice(data);
    for options in [ParseOptions::default(), ParseOptions::lenient()] {
        if let Ok(Status::Complete { value, .. }) = parse::response(&input, &options) {
            let encoded = Encoder::default().response(&value).to_bytes();
            let again = parse::response(&encoded, &options);
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
        // The streamed-literal entry points never panic either.
        let _ = parse::fetch_head(&input, &options);
        let _ = parse::fetch_next(&input, &options);
        let _ = parse::fetch_end(&input, &options);
        let _ = parse::greeting(&input, &options);
    }
});
