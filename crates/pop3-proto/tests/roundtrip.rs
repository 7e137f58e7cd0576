//! proptest: `parse(encode(x)) == x` for every wire type, and every strict prefix of an encoded
//! line is incomplete, never an error.

use bytes::BytesMut;
use pop3_proto::{parse, testing};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn commands(command in testing::command()) {
        let wire = command.to_bytes();
        prop_assert_eq!(parse::command(&wire), Ok(Some((command.clone(), wire.len()))));
        for i in 0..wire.len() {
            prop_assert_eq!(parse::command(&wire[..i]), Ok(None));
        }
    }

    #[test]
    fn responses(response in testing::response()) {
        let mut wire = BytesMut::new();
        response.encode(&mut wire);
        prop_assert_eq!(parse::response(&wire), Ok(Some((response.clone(), wire.len()))));
        for i in 0..wire.len() {
            prop_assert_eq!(parse::response(&wire[..i]), Ok(None));
        }
    }

    #[test]
    fn sasl_responses(line in testing::sasl_response()) {
        let mut wire = BytesMut::new();
        line.encode(&mut wire);
        prop_assert_eq!(parse::sasl_response_line(&wire[..wire.len() - 2]), Ok(line));
    }

    #[test]
    fn capabilities(cap in testing::capability()) {
        let mut wire = BytesMut::new();
        cap.encode(&mut wire);
        prop_assert_eq!(parse::capability(&wire), Ok(cap));
    }

    #[test]
    fn listings(
        scan in testing::scan_listing(),
        uid in testing::unique_id_listing(),
        lang in testing::language_listing(),
    ) {
        let mut wire = BytesMut::new();
        scan.encode(&mut wire);
        prop_assert_eq!(parse::scan_listing(&wire), Ok(scan));
        let mut wire = BytesMut::new();
        uid.encode(&mut wire);
        prop_assert_eq!(parse::unique_id_listing(&wire), Ok(uid));
        let mut wire = BytesMut::new();
        lang.encode(&mut wire);
        prop_assert_eq!(parse::language_listing(&wire), Ok(lang));
    }

    #[test]
    fn parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse::command(&bytes);
        let _ = parse::response(&bytes);
        let _ = parse::capability(&bytes);
        let _ = parse::scan_listing(&bytes);
        let _ = parse::unique_id_listing(&bytes);
        let _ = parse::language_listing(&bytes);
        let _ = parse::sasl_response_line(&bytes);
    }
}
