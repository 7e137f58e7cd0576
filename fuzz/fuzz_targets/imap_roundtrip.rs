//! Structure-aware round trip: the fuzz input seeds the proptest strategies of
//! `imap_proto::testing`; every generated command and response must satisfy
//! `parse(encode(x)) == x` under every encoder capability set.
#![no_main]

use imap_proto::encode::{Encoder, PeerCapabilities};
use imap_proto::parse::{self, ParseOptions, Status};
use imap_proto::testing;
use imap_proto::testing::proptest::strategy::{Strategy, ValueTree};
use imap_proto::testing::proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut seed = [0u8; 32];
    for (index, byte) in data.iter().enumerate() {
        seed[index % 32] ^= byte.rotate_left((index / 32) as u32);
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let mut caps = PeerCapabilities::default();
    caps.literal_plus = seed[0] & 1 == 1;
    caps.literal_minus = seed[0] & 2 == 2;
    caps.utf8 = seed[0] & 4 == 4;
    caps.binary = seed[0] & 8 == 8;
    let encoder = Encoder::new(caps);
    let options = ParseOptions::default();

    if let Ok(tree) = testing::command().new_tree(&mut runner) {
        let command = tree.current();
        let wire = encoder.command(&command).to_bytes();
        assert_eq!(
            parse::command(&wire, &options),
            Ok(Status::Complete {
                value: command,
                len: wire.len()
            })
        );
    }
    if let Ok(tree) = testing::response().new_tree(&mut runner) {
        let response = tree.current();
        let wire = encoder.response(&response).to_bytes();
        assert_eq!(
            parse::response(&wire, &options),
            Ok(Status::Complete {
                value: response,
                len: wire.len()
            })
        );
    }
});
