//! The shared conformance corpus (web-platform-tests, eventsource-parser,
//! the eventsource polyfill, and our own corners), run through the decoder at
//! the checker's chunk sizes and whole.
//!
//! `tests/data/cases.json` is a copy of `shared/conformance/cases.json`; each
//! case is an input (base64) and the records `sse_to_json` must print for it.

use serde_json::{Value, json};
use ssewire::{Decoded, Decoder};

mod common;

/// Decodes `input` fed `chunk` bytes at a time into the checker's records.
fn records(input: &[u8], chunk: usize) -> Vec<Value> {
    let mut decoder = Decoder::new();
    let mut out = Vec::new();
    for piece in input.chunks(chunk) {
        decoder.feed(piece, |item| match item {
            Decoded::Event(event) => out.push(json!({
                "event": event.event_type,
                "data": event.data,
                "id": event.last_event_id,
            })),
            Decoded::Retry(time) => out.push(json!({ "retry": time.as_millis() })),
            other => panic!("unexpected item {other:?}"),
        });
    }
    let _ = decoder.finish();
    out.push(json!({ "last_event_id": decoder.last_event_id() }));
    out
}

#[test]
fn every_case_at_every_chunk_size() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("data/cases.json")).expect("cases.json parses");
    assert_eq!(cases.len(), 126, "the corpus lost or gained cases");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        let input = common::base64_decode(case["input_b64"].as_str().expect("input_b64"));
        let expected = case["expected"].as_array().expect("expected");
        for chunk in [1, 2, 3, 7, 64, 8192, input.len().max(1)] {
            let got = records(&input, chunk);
            if &got != expected {
                failures.push(format!(
                    "{name} [chunk {chunk}]: expected {expected:?}, got {got:?}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
