//! Invariant: for the scenario `ssewire::testing::Scenario::from_bytes`
//! makes of the input, the decoder (with the scenario's limits and comment
//! setting, fed its chunks through `Decoder::decode`) gives exactly the
//! expected items, last event ID, reconnection time and `Finish`, computed
//! by the scenario's model; the reference decoder agrees with the model
//! when there are no limits; and the scenario's messages, encoded, decode to
//! the expected items.
//!
//! Unlike the byte targets, every input is a well-formed stream with every
//! rule of docs/SPEC.md within reach, so the fuzzer spends its time on
//! combinations of rules rather than on finding the field names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssewire::testing::{
    Outcome, Scenario, encode_all, reference_decode, without_comments_and_errors,
};
use ssewire::{Decoder, Limits, OwnedDecoded};
use ssewire_fuzz::decode_chunks;

fuzz_target!(|input: &[u8]| {
    let scenario = Scenario::from_bytes(input);
    let mut decoder = scenario.decoder();
    let (items, last_event_id, finish) = decode_chunks(&mut decoder, &scenario.chunks());
    let outcome = Outcome {
        items,
        last_event_id,
        retry: decoder.retry(),
    };
    assert_eq!(&outcome, scenario.expected(), "{scenario:#?}");
    assert_eq!(finish, scenario.finish(), "{scenario:#?}");

    assert_eq!(
        reference_decode(scenario.stream()),
        without_comments_and_errors(scenario.expected_unlimited()),
        "reference and model differ: {scenario:#?}"
    );

    let bytes = encode_all(&scenario.messages());
    let mut decoder = Decoder::builder()
        .limits(Limits::unlimited())
        .comments(scenario.comments())
        .build();
    let (items, last_event_id, _) = decode_chunks(&mut decoder, &[&bytes[..]]);
    let mut expected = scenario.expected().clone();
    expected
        .items
        .retain(|item| !matches!(item, OwnedDecoded::Error(_)));
    assert_eq!(
        items,
        expected.items,
        "messages: {:?}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(last_event_id, expected.last_event_id);
});
