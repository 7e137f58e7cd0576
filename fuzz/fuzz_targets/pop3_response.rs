//! Arbitrary bytes into the server-line parsers: never a panic, and parsed values round-trip.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use pop3_proto::parse;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some((response, used))) = parse::response(data) {
        assert!(used <= data.len());
        let mut wire = BytesMut::new();
        response.encode(&mut wire);
        let again = parse::response(&wire)
            .expect("re-parse")
            .expect("complete")
            .0;
        // Text is sanitised on encode, so compare through a second round.
        let mut wire2 = BytesMut::new();
        again.encode(&mut wire2);
        assert_eq!(wire, wire2);
    }
    if let Ok(cap) = parse::capability(data) {
        let mut wire = BytesMut::new();
        cap.encode(&mut wire);
        let _ = parse::capability(&wire);
    }
    let _ = parse::scan_listing(data);
    let _ = parse::unique_id_listing(data);
    let _ = parse::language_listing(data);
});
