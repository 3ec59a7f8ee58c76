//! Invariant: with no limits, the decoder agrees with the reference decoder
//! transcribed from the standard (`ssewire::testing::reference_decode`): the
//! same events (type, data, last event ID, own type and id) and retries in
//! the same order, and the same last event ID and reconnection time at the
//! end, however the stream is chunked and whether or not comments are
//! reported (comments never affect anything else). With no limits there is
//! never an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssewire::testing::{Outcome, reference_decode};
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
            OwnedDecoded::Event(_) | OwnedDecoded::Retry(_) => ours.push(item),
            OwnedDecoded::Comment(_) => assert!(header.comments, "comment reported while off"),
            OwnedDecoded::Error(error) => panic!("error with no limits: {error:?}"),
            other => panic!("an item the fuzz target does not know: {other:?}"),
        }
    }
    let ours = Outcome {
        items: ours,
        last_event_id,
        retry: decoder.retry(),
    };
    assert_eq!(
        ours,
        reference_decode(stream),
        "decoder and reference differ; chunks: {chunks:?}"
    );
});
