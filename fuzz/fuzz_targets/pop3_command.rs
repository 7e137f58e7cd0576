//! Arbitrary bytes into the command parser: never a panic, and whatever parses encodes back to
//! bytes that parse to the same command.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pop3_proto::parse;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some((command, used))) = parse::command(data) {
        assert!(used <= data.len());
        let wire = command.to_bytes();
        assert_eq!(parse::command(&wire), Ok(Some((command, wire.len()))));
    }
    let _ = parse::sasl_response_line(data);
});
