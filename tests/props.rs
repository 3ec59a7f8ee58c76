//! Property tests: the invariants the crate promises, on generated input.
//!
//! - any chunking of any input gives the same output as feeding it whole;
//! - the decoder equals the reference transcription of the standard;
//! - `feed`, which validates text ahead across events, gives the items a
//!   loop of `decode` calls gives, which validates each event alone;
//! - the encoder refuses every event type or id that would inject lines, with
//!   exactly the error for the first offending byte.
//!
//! Encode then decode (the message comes back, line breaks normalised) is
//! checked in `tests/exhaustive.rs`, with refusals and every writer.

mod common;

use common::{Item, decode_split, decode_split_by, plain};
use proptest::prelude::*;
use ssewire::testing::{decode_chunks, reference_decode};
use ssewire::{Decoder, EncodeError, Limits, Message};

/// Pieces that make interesting streams: field names, separators, line
/// endings, BOMs, NUL, invalid and multi-byte UTF-8.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => Just(b"data".to_vec()),
        2 => Just(b"event".to_vec()),
        2 => Just(b"id".to_vec()),
        2 => Just(b"retry".to_vec()),
        4 => Just(b":".to_vec()),
        4 => Just(b" ".to_vec()),
        6 => Just(b"\n".to_vec()),
        3 => Just(b"\r".to_vec()),
        3 => Just(b"\r\n".to_vec()),
        1 => Just(b"\xEF\xBB\xBF".to_vec()),
        1 => Just(b"\0".to_vec()),
        1 => Just(b"\xFF".to_vec()),
        1 => Just(b"\xE2\x82".to_vec()),
        1 => Just("\u{20AC}\u{1F600}".as_bytes().to_vec()),
        2 => Just(b"123".to_vec()),
        3 => proptest::collection::vec(any::<u8>(), 0..6),
        3 => "[a-z ]{0,6}".prop_map(String::into_bytes),
    ]
}

fn stream() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(piece(), 0..60).prop_map(|pieces| pieces.concat())
}

fn splits() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(1usize..20, 1..8)
}

/// Streams of many events, long enough that `feed` validates ahead in more
/// than one stretch: short values (some multi-byte, some not UTF-8) as token
/// streams send, and now and then a long value or a multi-line event.
fn event_stream() -> impl Strategy<Value = Vec<u8>> {
    events(true)
}

/// [`event_stream`] with no `id` lines, as token streams send: the events
/// that `feed` hands out made owned share the text of each stretch.
fn event_stream_without_ids() -> impl Strategy<Value = Vec<u8>> {
    events(false)
}

fn events(ids: bool) -> impl Strategy<Value = Vec<u8>> {
    let text = prop_oneof![
        8 => "[a-z{}\":,]{0,24}".prop_map(String::into_bytes),
        2 => "[a-z\u{E9}\u{4E2D}\u{1F600}]{0,12}".prop_map(String::into_bytes),
        1 => Just(b"a\xFFb".to_vec()),
        1 => Just(b"\xE2\x82".to_vec()),
        1 => (600usize..5000).prop_map(|n| "\u{4E2D}x".repeat(n / 4).into_bytes()),
    ];
    let line = prop_oneof![
        8 => text.clone().prop_map(|v| [&b"data: "[..], &v, b"\n"].concat()),
        2 => text.clone().prop_map(|v| [&b"event: "[..], &v, b"\n"].concat()),
        if ids { 2 } else { 0 } => text.prop_map(|v| [&b"id:"[..], &v, b"\n"].concat()),
        1 => Just(b": ping\n".to_vec()),
        1 => Just(b"data\r\n".to_vec()),
    ];
    let event = proptest::collection::vec(line, 1..4)
        .prop_map(|lines| [lines.concat(), b"\n".to_vec()].concat());
    proptest::collection::vec(event, 0..400).prop_map(|events| events.concat())
}

fn long_splits() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        Just(vec![usize::MAX]),
        proptest::collection::vec(1usize..3000, 1..6),
    ]
}

/// [`decode_split`], through a loop of `decode` calls instead of `feed`.
fn decode_loop_split(
    decoder: &mut Decoder,
    input: &[u8],
    sizes: &[usize],
) -> (Vec<Item>, String, ssewire::Finish) {
    decode_split_by(decoder, input, sizes, |decoder, mut chunk, items| {
        loop {
            let (item, consumed) = decoder.decode(chunk);
            chunk = &chunk[consumed..];
            match item {
                Some(item) => items.push(plain(item.into_owned())),
                None => break,
            }
        }
    })
}

/// The decoder, fed `input` in pieces of `sizes` (cycled), gives the
/// reference's items, last event ID and reconnection time.
fn matches_reference(input: &[u8], sizes: &[usize]) -> Result<(), TestCaseError> {
    let mut chunks = Vec::new();
    let mut rest = input;
    for size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at((*size).clamp(1, rest.len()));
        chunks.push(chunk);
        rest = tail;
    }
    let mut decoder = Decoder::builder().limits(Limits::unlimited()).build();
    let (outcome, _) = decode_chunks(&mut decoder, chunks);
    prop_assert_eq!(outcome, reference_decode(input));
    Ok(())
}

/// `feed` and a `decode` loop give the same items, last event ID and finish.
fn feed_matches_decode_loop(
    input: &[u8],
    sizes: &[usize],
    comments: bool,
) -> Result<(), TestCaseError> {
    let build = || Decoder::builder().comments(comments).build();
    let fed = decode_split(&mut build(), input, sizes);
    let looped = decode_loop_split(&mut build(), input, sizes);
    prop_assert_eq!(fed, looped);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_chunking_gives_the_same_output(input in stream(), sizes in splits(), comments in any::<bool>()) {
        let build = || Decoder::builder().comments(comments).build();
        let whole = decode_split(&mut build(), &input, &[usize::MAX]);
        let split = decode_split(&mut build(), &input, &sizes);
        prop_assert_eq!(split, whole);
    }

    #[test]
    fn any_chunking_gives_the_same_output_with_tight_limits(
        input in stream(),
        sizes in splits(),
        line in 0usize..12,
        event in 0usize..12,
    ) {
        let limits = Limits::default().max_line_len(Some(line)).max_event_len(Some(event));
        let build = || Decoder::builder().limits(limits).comments(true).build();
        let whole = decode_split(&mut build(), &input, &[usize::MAX]);
        let split = decode_split(&mut build(), &input, &sizes);
        prop_assert_eq!(split, whole);
    }

    #[test]
    fn decoder_equals_the_reference(input in stream(), sizes in splits()) {
        matches_reference(&input, &sizes)?;
    }

    #[test]
    fn decoder_equals_the_reference_on_arbitrary_bytes(input in proptest::collection::vec(any::<u8>(), 0..200), sizes in splits()) {
        matches_reference(&input, &sizes)?;
    }

    #[test]
    fn feed_equals_the_decode_loop(input in stream(), sizes in splits(), comments in any::<bool>()) {
        feed_matches_decode_loop(&input, &sizes, comments)?;
    }

    #[test]
    fn encoder_refuses_event_types_with_line_breaks(before in ".{0,5}", brk in prop_oneof![Just("\r"), Just("\n")], after in ".{0,5}") {
        let event = format!("{before}{brk}{after}");
        let mut out = Vec::new();
        prop_assert_eq!(Message::new("x").event(&event).write_to_vec(&mut out), Err(EncodeError::LineBreakInEventType));
        prop_assert_eq!(Message::new("x").event(&event).encoded_len(), Err(EncodeError::LineBreakInEventType));
        prop_assert!(out.is_empty());
    }

    #[test]
    fn encoder_refuses_ids_with_line_breaks_or_nul(before in "[^\0]{0,5}", bad in prop_oneof![Just("\r"), Just("\n"), Just("\0")], after in ".{0,5}") {
        let id = format!("{before}{bad}{after}");
        let mut out = Vec::new();
        let result = Message::new("x").id(&id).write_to_vec(&mut out);
        prop_assert!(out.is_empty());
        let first_bad = id.bytes().find(|b| matches!(b, b'\r' | b'\n' | 0)).expect("has one");
        let expected = if first_bad == 0 { EncodeError::NulInId } else { EncodeError::LineBreakInId };
        prop_assert_eq!(result, Err(expected));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn feed_equals_the_decode_loop_over_many_events(input in event_stream(), sizes in long_splits(), comments in any::<bool>()) {
        feed_matches_decode_loop(&input, &sizes, comments)?;
    }

    #[test]
    fn decoder_equals_the_reference_over_many_events(input in event_stream(), sizes in long_splits()) {
        matches_reference(&input, &sizes)?;
    }

    #[test]
    fn owned_events_sharing_text_equal_copies(input in event_stream_without_ids(), sizes in long_splits(), comments in any::<bool>()) {
        feed_matches_decode_loop(&input, &sizes, comments)?;
        matches_reference(&input, &sizes)?;
    }
}
