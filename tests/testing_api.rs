//! The `testing` feature, used as a downstream crate would use it: only its
//! public API (`ssewire::testing`), no helper of this repository.
//!
//! - On 100,000 generated scenarios the decoder, fed the scenario's chunks,
//!   gives exactly the scenario's expected items, last event ID, reconnection
//!   time and `Finish`; and `reference_decode` agrees with the decoder (no
//!   limits, the whole stream at once) and with the scenario's model.
//! - Over a few thousand seeds, the scenarios reach every rule id listed in
//!   `RULES` (which names the `docs/SPEC.md` rules the generator covers).
//! - The scenario's messages, encoded, decode to its expected items.
#![cfg(feature = "testing")]

use ssewire::testing::{
    RULES, Scenario, decode_chunks, encode_all, reference_decode, without_comments_and_errors,
};
use ssewire::{Decoder, Limits, OwnedDecoded};

/// The input bytes of scenario `seed`: a xorshift stream of a length that
/// varies with the seed (0 to 1,023 bytes), as a fuzzer would hand over.
fn input(seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let len = usize::try_from(next() % 1024).expect("small");
    (0..len).map(|_| next().to_le_bytes()[3]).collect()
}

fn check(seed: u64) {
    let scenario = Scenario::from_bytes(&input(seed));
    let (outcome, finish) = decode_chunks(&mut scenario.decoder(), scenario.chunks());
    assert_eq!(&outcome, scenario.expected(), "seed {seed}: {scenario:#?}");
    assert_eq!(finish, scenario.finish(), "seed {seed}: {scenario:#?}");

    let reference = reference_decode(scenario.stream());
    assert_eq!(
        reference,
        without_comments_and_errors(scenario.expected_unlimited()),
        "seed {seed}: reference and model differ: {scenario:#?}"
    );
    let mut unlimited = Decoder::builder().limits(Limits::unlimited()).build();
    let (whole, _) = decode_chunks(&mut unlimited, [scenario.stream()]);
    assert_eq!(
        whole, reference,
        "seed {seed}: decoder and reference differ"
    );
}

#[test]
fn decoder_gives_the_expected_items_on_100_000_scenarios() {
    for seed in 0..100_000 {
        check(seed);
    }
}

#[test]
fn scenarios_reach_every_rule() {
    let mut reached = vec![0u32; RULES.len()];
    for seed in 0..3_000 {
        let scenario = Scenario::from_bytes(&input(seed));
        for id in scenario.rules() {
            let index = RULES.iter().position(|r| *r == id).expect("listed");
            reached[index] += 1;
        }
    }
    let missed: Vec<&str> = RULES
        .iter()
        .zip(&reached)
        .filter(|(_, n)| **n == 0)
        .map(|(id, _)| *id)
        .collect();
    assert!(
        missed.is_empty(),
        "rules never reached in 3,000 scenarios: {missed:?}"
    );
    for (id, n) in RULES.iter().zip(&reached) {
        println!("{id:>12} reached by {n:>5} of 3000 scenarios");
    }
}

#[test]
fn messages_encode_to_the_expected_items() {
    for seed in 0..20_000 {
        let scenario = Scenario::from_bytes(&input(seed));
        let bytes = encode_all(&scenario.messages());
        let mut decoder = Decoder::builder()
            .limits(Limits::unlimited())
            .comments(scenario.comments())
            .build();
        let (outcome, _) = decode_chunks(&mut decoder, [&bytes[..]]);
        let mut expected = scenario.expected().clone();
        expected
            .items
            .retain(|item| !matches!(item, OwnedDecoded::Error(_)));
        assert_eq!(
            outcome,
            expected,
            "seed {seed}: {:?}",
            String::from_utf8_lossy(&bytes)
        );
    }
}
