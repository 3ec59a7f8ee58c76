//! The stream adapter: items equal the core decoder's on every chunking,
//! events share the chunk they lie in, errors and the end come in order.

use std::convert::Infallible;
use std::time::Duration;

use bytes::Bytes;
use futures_executor::block_on;
use futures_util::{StreamExt, stream};
use ssewire::{DecodeError, Decoder, Finish, Limits, OwnedDecoded};
use ssewire_async::{Event, EventStreamExt, Events, Item, Str};

/// Streams with the corners where chunk boundaries matter: a BOM, CR LF and
/// lone CR line ends, multi-byte characters, ids that persist and reset,
/// `retry`, comments, a truncated end, and a limit error.
const STREAMS: &[&[u8]] = &[
    b"\xEF\xBB\xBFdata: bom\r\n\r\nevent: t\rid: 1\rdata: a\rdata: b\r\r",
    b"id: 7\ndata: one\n\ndata: two\n\nid\ndata: three\n\nevent: x\ndata: \xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\x89\n\n",
    b": hello\nretry: 1500\ndata:  lead\n\n:\nretry: x\ndata\n\ndata: cut off",
    b"data: \xFF\xC3\n\nid: n\0ul\ndata: bad id ignored\n\nevent: message\ndata: default\n\n",
    b"data: this line is far too long for the limit\n\ndata: ok\nid: 9\n\ndata: after\n\n",
];

fn limits() -> Limits {
    Limits::default().max_line_len(Some(24))
}

fn decoder(comments: bool) -> Decoder {
    Decoder::builder()
        .comments(comments)
        .limits(limits())
        .build()
}

/// What the core decoder yields for the whole stream, and how it ends.
fn reference(stream: &[u8], comments: bool) -> (Vec<OwnedDecoded>, Finish, String) {
    let mut decoder = decoder(comments);
    let mut items = Vec::new();
    decoder.feed(stream, |item| items.push(item.into_owned()));
    let finish = decoder.finish();
    (items, finish, decoder.last_event_id().to_owned())
}

/// The adapter's items in the core crate's owned form, for comparison.
fn as_core(item: &Item) -> OwnedDecoded {
    match item {
        Item::Event(event) => OwnedDecoded::Event(ssewire::OwnedEvent::from(event)),
        Item::Retry(time) => OwnedDecoded::Retry(*time),
        Item::Comment(text) => OwnedDecoded::Comment(text.to_string()),
        Item::Error(error) => OwnedDecoded::Error(*error),
        other => panic!("unexpected item {other:?}"),
    }
}

fn decode_chunks(chunks: Vec<Bytes>, comments: bool) -> (Vec<OwnedDecoded>, Finish, String) {
    let chunks = stream::iter(chunks.into_iter().map(Ok::<_, Infallible>));
    let mut events = chunks.sse_events_with(decoder(comments));
    let mut items = Vec::new();
    block_on(async {
        while let Some(item) = events.next().await {
            let Ok(item) = item;
            items.push(as_core(&item));
        }
    });
    let finish = events.finish().expect("finish is known at the end");
    (items, finish, events.decoder().last_event_id().to_owned())
}

fn split(stream: &[u8], cuts: &[usize]) -> Vec<Bytes> {
    let mut chunks = Vec::new();
    let mut from = 0;
    for &cut in cuts {
        chunks.push(Bytes::copy_from_slice(&stream[from..cut]));
        from = cut;
    }
    chunks.push(Bytes::copy_from_slice(&stream[from..]));
    chunks
}

#[test]
fn every_two_and_three_part_chunking_gives_the_core_decoders_items() {
    for comments in [false, true] {
        for stream in STREAMS {
            let expected = reference(stream, comments);
            assert!(!expected.0.is_empty());
            let n = stream.len();
            for a in 0..=n {
                assert_eq!(decode_chunks(split(stream, &[a]), comments), expected);
                for b in (a..=n).step_by(3) {
                    assert_eq!(decode_chunks(split(stream, &[a, b]), comments), expected);
                }
            }
            let bytes = (1..n).collect::<Vec<_>>();
            assert_eq!(decode_chunks(split(stream, &bytes), comments), expected);
        }
    }
}

#[test]
fn limit_errors_come_in_stream_order() {
    let (items, finish, id) = decode_chunks(split(STREAMS[4], &[10]), false);
    assert_eq!(
        items,
        [
            OwnedDecoded::Error(DecodeError::LineTooLong { limit: 24 }),
            OwnedDecoded::Event(ssewire::OwnedEvent::from(
                ssewire::Event::new("message", "ok", "9").with_own_fields(false, true)
            )),
            OwnedDecoded::Event(ssewire::OwnedEvent::new("message", "after", "9")),
        ]
    );
    assert_eq!((finish, id.as_str()), (Finish::Clean, "9"));
}

fn address_range(bytes: &Bytes) -> std::ops::Range<usize> {
    let start = bytes.as_ptr().addr();
    start..start + bytes.len()
}

fn lies_in(text: &str, chunk: &Bytes) -> bool {
    let range = address_range(chunk);
    range.contains(&text.as_ptr().addr()) && text.as_ptr().addr() + text.len() <= range.end
}

fn events_of(chunks: Vec<Bytes>) -> Vec<Event> {
    block_on(
        stream::iter(chunks.into_iter().map(Ok::<_, Infallible>))
            .sse_events()
            .filter_map(|item| async move { item.ok()?.into_event() })
            .collect(),
    )
}

/// Whether `text` is held inline, inside the `Str` value itself.
fn is_inline(text: &Str) -> bool {
    let start = std::ptr::from_ref(text).addr();
    (start..start + size_of::<Str>()).contains(&text.as_ptr().addr())
}

const LONG_TYPE: &str = "a-type-longer-than-the-inline-limit";
const LONG_ID: &str = "an-id-longer-than-the-inline-limit";

#[test]
fn an_event_inside_a_chunk_shares_it_and_one_across_chunks_is_copied() {
    let first = Bytes::from(format!(
        "event: {LONG_TYPE}\nid: 1\ndata: inside, and longer than the inline limit\n\ndata: acr"
    ));
    let second = Bytes::from_static(
        b"oss, and longer than the inline limit\n\nevent: down\ndata: after, and longer than the inline limit\n\ndata: short\n\n",
    );
    let events = events_of(vec![first.clone(), second.clone()]);
    let [inside, across, after, short] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(
        (&*inside.event_type, &*inside.data, &*inside.last_event_id),
        (LONG_TYPE, "inside, and longer than the inline limit", "1")
    );
    assert!(lies_in(&inside.data, &first));
    assert!(lies_in(&inside.event_type, &first));
    // The core decoder keeps the last event ID itself (it outlives events),
    // so the adapter copies it; a short one is inline.
    assert!(is_inline(&inside.last_event_id));

    assert_eq!(across.data, "across, and longer than the inline limit");
    assert!(!lies_in(&across.data, &first) && !lies_in(&across.data, &second));
    assert!(!is_inline(&across.data));

    assert_eq!(after.data, "after, and longer than the inline limit");
    assert!(lies_in(&after.data, &second));
    assert_eq!(after.event_type, "down");
    assert!(is_inline(&after.event_type));
    assert!(is_inline(&short.data) && short.data == "short");
}

#[test]
fn a_repeated_type_and_id_are_shared_with_the_previous_event() {
    // The second event's id comes from the decoder's state, not the chunk,
    // yet it is the same buffer as the first event's.
    let chunk = Bytes::from(format!(
        "event: {LONG_TYPE}\nid: {LONG_ID}\ndata: a\n\nevent: {LONG_TYPE}\ndata: b\n\ndata: c\n\n"
    ));
    let events = events_of(vec![chunk.clone()]);
    let [a, b, c] = &events[..] else { panic!() };
    assert_eq!((&*b.last_event_id, &*c.last_event_id), (LONG_ID, LONG_ID));
    assert!(!is_inline(&a.last_event_id));
    assert_eq!(a.last_event_id.as_ptr(), b.last_event_id.as_ptr());
    assert_eq!(a.last_event_id.as_ptr(), c.last_event_id.as_ptr());
    assert_eq!(c.event_type, "message");
    assert!(lies_in(&a.event_type, &chunk));
    assert_eq!(a.event_type.as_ptr(), b.event_type.as_ptr());
}

#[test]
fn nothing_but_the_items_handed_out_keeps_a_chunk_alive() {
    let chunk = Bytes::from(format!("event: {LONG_TYPE}\ndata: {LONG_ID}\n\n"));
    let mut events = stream::iter([
        Ok::<_, Infallible>(chunk.clone()),
        Ok(Bytes::from_static(b"data: y\n\n")),
    ])
    .sse_events();
    let first = block_on(events.next())
        .and_then(Result::ok)
        .and_then(Item::into_event)
        .unwrap();
    assert!(lies_in(&first.data, &chunk) && lies_in(&first.event_type, &chunk));
    assert!(!chunk.is_unique());
    drop(first);
    // The adapter keeps the type it may share with later events, but as a
    // copy once the chunk is done.
    assert!(chunk.is_unique());
    let second = block_on(events.next())
        .and_then(Result::ok)
        .and_then(Item::into_event)
        .unwrap();
    assert_eq!(&*second.data, "y");
}

#[test]
fn short_text_is_inline_and_keeps_no_chunk_alive() {
    let chunk = Bytes::from(b"event: up\nid: 7\ndata: tiny\n\n".to_vec());
    let events = events_of(vec![chunk.clone()]);
    assert_eq!(
        events,
        [Event::new("up", "tiny", "7").with_own_fields(true, true)]
    );
    let event = &events[0];
    assert!(
        is_inline(&event.event_type) && is_inline(&event.data) && is_inline(&event.last_event_id)
    );
    assert!(chunk.is_unique());
}

#[test]
fn transport_errors_pass_through_in_order_and_decoding_goes_on() {
    let chunks = stream::iter([
        Ok(Bytes::from_static(b"data: a\n\ndata: cu")),
        Err("reset"),
        Ok(Bytes::from_static(b"t\n\n")),
    ]);
    let items: Vec<Result<String, &str>> = block_on(
        chunks
            .sse_events()
            .map(|item| item.map(|item| item.into_event().unwrap().data.to_string()))
            .collect(),
    );
    // The error does not reset the decoder: it is the chunk stream's to
    // decide whether more bytes of the same stream follow.
    assert_eq!(
        items,
        [Ok("a".to_owned()), Err("reset"), Ok("cut".to_owned())]
    );
}

#[test]
fn the_end_says_whether_an_event_was_discarded() {
    for (stream, expected) in [
        (&b"data: a\n\n"[..], Finish::Clean),
        (b"data: a\n\ndata: b\n", Finish::Truncated),
        (b"data: a\n\nda", Finish::Truncated),
    ] {
        let mut events =
            stream::iter([Ok::<_, Infallible>(Bytes::from_static(stream))]).sse_events();
        assert_eq!(events.finish(), None);
        let count = block_on((&mut events).count());
        assert_eq!(count, 1);
        assert_eq!(events.finish(), Some(expected));
        assert!(futures_util::stream::FusedStream::is_terminated(&events));
        assert!(block_on(events.next()).is_none());
    }
}

#[test]
fn chunks_may_be_vecs_strings_or_static_slices() {
    let from_vecs = stream::iter([Ok::<_, Infallible>(b"data: v\n\n".to_vec())]).sse_events();
    let from_strings =
        stream::iter([Ok::<_, Infallible>(String::from("data: s\n\n"))]).sse_events();
    let from_slices = stream::iter([Ok::<_, Infallible>(&b"retry: 5\n"[..])]).sse_events();
    assert_eq!(block_on(from_vecs.count()), 1);
    assert_eq!(block_on(from_strings.count()), 1);
    let items: Vec<_> = block_on(from_slices.collect());
    assert!(matches!(items[..], [Ok(Item::Retry(time))] if time == Duration::from_millis(5)));
}

#[test]
fn a_decoder_carried_over_keeps_the_last_event_id() {
    let first = Events::new(stream::iter([Ok::<_, Infallible>(
        "id: 3\ndata: a\n\ndata: half",
    )]));
    let mut first = first;
    assert_eq!(block_on((&mut first).count()), 1);
    let (_, mut decoder) = first.into_parts();
    assert_eq!(decoder.last_event_id(), "3");
    let _: Finish = decoder.finish();
    let second = Events::with_decoder(stream::iter([Ok::<_, Infallible>("data: b\n\n")]), decoder);
    let events: Vec<_> = block_on(
        second
            .filter_map(|item| async { item.ok()?.into_event() })
            .collect(),
    );
    assert_eq!(events, [Event::new("message", "b", "3")]);
}
