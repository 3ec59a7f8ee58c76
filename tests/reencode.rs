//! Decode, re-encode, decode again: what a proxy does. Over every case of the
//! conformance corpus (`tests/data/cases.json`) at the checker's chunk sizes,
//! the re-encoded stream decodes to the same events, `retry` items and final
//! last event ID, and each block is written again with only the `event` and
//! `id` lines it had ([`Event::own_type`], [`Event::own_id`]).

use serde_json::Value;
use ssewire::{Decoded, Decoder, Event, Limits, Message, OwnedDecoded};

mod common;

/// Decodes `input` in chunks of `chunk` bytes, and re-encodes each item the
/// way a proxy would: each event with [`Event::to_message_after`] the last
/// ID forwarded, each `retry` as is, and at the end an `id`-only block if the
/// last event ID moved after the last event.
fn relay(input: &[u8], chunk: usize) -> (Vec<OwnedDecoded>, String, Vec<u8>) {
    let mut decoder = Decoder::builder().limits(Limits::unlimited()).build();
    let mut items = Vec::new();
    let mut wire = Vec::new();
    let mut forwarded = String::new();
    for piece in input.chunks(chunk.max(1)) {
        decoder.feed(piece, |item| {
            let message = match item {
                Decoded::Event(event) => {
                    let message = event.to_message_after(&forwarded);
                    event.last_event_id.clone_into(&mut forwarded);
                    message
                }
                Decoded::Retry(time) => Message::default().retry(time),
                other => panic!("an unlimited decoder without comments gave {other:?}"),
            };
            message
                .write_to_vec(&mut wire)
                .expect("decoded values always encode");
            items.push(item.into_owned());
        });
    }
    let _ = decoder.finish();
    let last_event_id = decoder.last_event_id().to_owned();
    if last_event_id != forwarded {
        Message::default()
            .id(&last_event_id)
            .write_to_vec(&mut wire)
            .expect("decoded ids always encode");
    }
    (items, last_event_id, wire)
}

/// Items without the own-field flags, which a relayed ID may change.
fn plain(items: Vec<OwnedDecoded>) -> Vec<OwnedDecoded> {
    items.into_iter().map(common::plain).collect()
}

fn cases() -> Vec<(String, Vec<u8>)> {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("data/cases.json")).expect("cases.json parses");
    assert_eq!(cases.len(), 126, "the corpus lost or gained cases");
    cases
        .iter()
        .map(|case| {
            let name = case["name"].as_str().expect("name").to_owned();
            let input = common::base64_decode(case["input_b64"].as_str().expect("input_b64"));
            (name, input)
        })
        .collect()
}

#[test]
fn relayed_corpus_decodes_to_the_same_items_and_last_event_id() {
    let mut checked_events = 0;
    for (name, input) in cases() {
        for chunk in [1, 2, 3, 7, 64, 8192, input.len()] {
            let (items, last_event_id, wire) = relay(&input, chunk);
            let (again, again_id, _) = relay(&wire, usize::MAX);
            assert_eq!(
                plain(again),
                plain(items.clone()),
                "{name} [chunk {chunk}]: re-encoded as {:?}",
                String::from_utf8_lossy(&wire)
            );
            assert_eq!(again_id, last_event_id, "{name} [chunk {chunk}]");
            checked_events += items
                .iter()
                .filter(|item| matches!(item, OwnedDecoded::Event(_)))
                .count();
        }
    }
    // The corpus is mostly about events: a relay that lost them all would
    // pass the comparisons above vacuously.
    assert!(checked_events > 500, "only {checked_events} events checked");
}

/// Each block on its own: `to_message` writes exactly the fields it had, so
/// decoding the message after the same last event ID gives the same event,
/// own-field flags included.
#[test]
fn each_event_re_encodes_with_exactly_its_own_fields() {
    let mut with_own_type = 0;
    let mut with_own_id = 0;
    for (name, input) in cases() {
        let mut decoder = Decoder::builder().limits(Limits::unlimited()).build();
        let mut events = Vec::new();
        decoder.feed(&input, |item| {
            if let Decoded::Event(event) = item {
                events.push(event.into_owned());
            }
        });
        for event in &events {
            let event = event.as_event();
            with_own_type += usize::from(event.own_type);
            with_own_id += usize::from(event.own_id);
            // The receiver already holds the ID the block carries over.
            let mut wire = Vec::new();
            if !event.own_id && !event.last_event_id.is_empty() {
                Message::default()
                    .id(event.last_event_id)
                    .write_to_vec(&mut wire)
                    .expect("id");
            }
            event
                .to_message()
                .write_to_vec(&mut wire)
                .expect("decoded values encode");
            let mut again = Decoder::builder().limits(Limits::unlimited()).build();
            let mut seen = Vec::new();
            again.feed(&wire, |item| seen.push(item.into_owned()));
            assert_eq!(
                seen,
                [OwnedDecoded::Event(event.into_owned())],
                "{name}: {:?}",
                String::from_utf8_lossy(&wire)
            );
        }
    }
    assert!(
        with_own_type > 10 && with_own_id > 10,
        "{with_own_type} / {with_own_id}"
    );
}

#[test]
fn own_fields_follow_the_block() {
    let mut decoder = Decoder::new();
    let mut events = Vec::new();
    decoder.feed(
        b"event: a\nid: 1\ndata: x\n\ndata: y\n\nevent:\nid\ndata: z\n\nid: 2\n\nevent: message\ndata: w\n\n",
        |item| {
            if let Decoded::Event(event) = item {
                events.push(event.into_owned());
            }
        },
    );
    let expected = [
        Event::new("a", "x", "1").with_own_fields(true, true),
        Event::new("message", "y", "1"),
        // An empty `event` leaves the default type; an empty `id` is the
        // block's own, and resets the ID.
        Event::new("message", "z", "").with_own_fields(false, true),
        // `id: 2` came in a block without data: carried over, not own.
        Event::new("message", "w", "2").with_own_fields(true, false),
    ];
    let events: Vec<Event<'_>> = events.iter().map(ssewire::OwnedEvent::as_event).collect();
    assert_eq!(events, expected);
}
