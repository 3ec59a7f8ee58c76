//! Invariant: with no limits, the decoder agrees with the reference decoder
//! transcribed from the standard (`tests/reference/mod.rs`): the same events
//! (type, data, last event ID) and retries in the same order, and the same
//! last event ID at the end, however the stream is chunked and whether or not
//! comments are reported (comments never affect anything else). With no
//! limits there is never an error.
#![no_main]

#[path = "../../tests/reference/mod.rs"]
mod reference;

use libfuzzer_sys::fuzz_target;
use reference::{RefItem, reference_decode};
use ssewire::{Decoder, Limits, OwnedDecoded};
use ssewire_fuzz::{Header, decode_chunks};

fuzz_target!(|input: &[u8]| {
    let Some((header, stream)) = Header::parse(input) else {
        return;
    };
    let mut decoder = Decoder::builder()
        .limits(Limits::unlimited())
        .comments(header.comments)
        .build();
    let chunks = header.chunks().split(stream);
    let (items, last_event_id, _finish) = decode_chunks(&mut decoder, &chunks);

    let mut ours = Vec::new();
    for item in items {
        match item {
            OwnedDecoded::Event(event) => ours.push(RefItem::Event {
                event_type: event.event_type().to_owned(),
                data: event.data().to_owned(),
                id: event.last_event_id().to_owned(),
            }),
            OwnedDecoded::Retry(time) => ours.push(RefItem::Retry(
                u64::try_from(time.as_millis()).expect("read from a u64"),
            )),
            OwnedDecoded::Comment(_) => assert!(header.comments, "comment reported while off"),
            OwnedDecoded::Error(error) => panic!("error with no limits: {error:?}"),
            other => panic!("an item the fuzz target does not know: {other:?}"),
        }
    }

    let expected = reference_decode(stream);
    assert_eq!(
        ours, expected.items,
        "items differ from the reference; chunks: {chunks:?}"
    );
    assert_eq!(
        last_event_id, expected.last_event_id,
        "last event ID differs from the reference; chunks: {chunks:?}"
    );
});
