//! Invariant: where the stream is cut into chunks changes nothing. Feeding
//! it in chunks of arbitrary sizes (empty ones included, cut anywhere: inside
//! a BOM, between CR and LF, inside a UTF-8 sequence) gives exactly the same
//! items (events, retries, comments, errors), the same last event ID, the
//! same reconnection time and the same `Finish` as feeding it whole, with the
//! default limits and with tiny ones; also when the decoder is cloned and the
//! clone shrunk (`shrink_to_fit`) between chunks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssewire::{Decoder, Limits};
use ssewire_fuzz::{Chunks, Header, decode_chunk, decode_chunks};

fuzz_target!(|input: &[u8]| {
    let Some((header, stream)) = Header::parse(input) else {
        return;
    };
    let limits = if header.tiny_limits {
        header.tiny()
    } else {
        Limits::default()
    };
    let build = || {
        Decoder::builder()
            .limits(limits)
            .comments(header.comments)
            .build()
    };

    let mut whole_decoder = build();
    let whole = decode_chunks(&mut whole_decoder, &Chunks::whole().split(stream));

    let chunks = header.chunks().split(stream);
    let mut chunked_decoder = build();
    let chunked = if header.clone_between_chunks {
        let mut items = Vec::new();
        for chunk in &chunks {
            decode_chunk(&mut chunked_decoder, chunk, &mut items, |_| {});
            chunked_decoder = chunked_decoder.clone();
            chunked_decoder.shrink_to_fit();
        }
        let finish = chunked_decoder.finish();
        (items, chunked_decoder.last_event_id().to_owned(), finish)
    } else {
        decode_chunks(&mut chunked_decoder, &chunks)
    };

    assert_eq!(
        whole, chunked,
        "whole and chunked decoding differ ({limits:?}, comments {}, clones {}); chunks: {chunks:?}",
        header.comments, header.clone_between_chunks
    );
    assert_eq!(whole_decoder.retry(), chunked_decoder.retry());
});
