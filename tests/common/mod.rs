//! Helpers shared by the integration tests.
#![allow(dead_code)]

use ssewire::{Decoder, Limits};

/// Standard base64 (RFC 4648, with padding), for the corpus's inputs.
pub fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::new();
    for quad in text.as_bytes().chunks(4) {
        let digits: Vec<u8> = quad.iter().copied().filter(|&c| c != b'=').collect();
        let mut acc = 0u32;
        for &c in &digits {
            acc = acc << 6 | value(c);
        }
        acc <<= 6 * (4 - u32::try_from(digits.len()).expect("at most 4"));
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..digits.len()]);
    }
    out
}

/// Everything a decoder reports, owned, for comparing runs.
pub use ssewire::OwnedDecoded as Item;

/// The item without [`ssewire::Event::own_type`] and
/// [`ssewire::Event::own_id`], for comparing with [`ev`]; `tests/reencode.rs`
/// checks those two.
pub fn plain(item: Item) -> Item {
    match item {
        Item::Event(event) => ev(event.event_type(), event.data(), event.last_event_id()),
        other => other,
    }
}

/// An expected event.
pub fn ev(event_type: &str, data: &str, id: &str) -> Item {
    Item::Event(ssewire::OwnedEvent::new(event_type, data, id))
}

/// An expected `retry` item.
pub fn retry(millis: u64) -> Item {
    Item::Retry(std::time::Duration::from_millis(millis))
}

/// Decodes `input` split at the given lengths (cycled), then finishes, and
/// returns the items plus the final last event ID and whether the stream was
/// truncated.
pub fn decode_split(
    decoder: &mut Decoder,
    input: &[u8],
    sizes: &[usize],
) -> (Vec<Item>, String, ssewire::Finish) {
    decode_split_by(decoder, input, sizes, |decoder, chunk, items| {
        decoder.feed(chunk, |item| items.push(plain(item.into_owned())));
    })
}

/// [`decode_split`], with each chunk given to the decoder by `feed_chunk`,
/// which appends the chunk's items.
pub fn decode_split_by(
    decoder: &mut Decoder,
    input: &[u8],
    sizes: &[usize],
    mut feed_chunk: impl FnMut(&mut Decoder, &[u8], &mut Vec<Item>),
) -> (Vec<Item>, String, ssewire::Finish) {
    let mut items = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].clamp(1, rest.len());
        i += 1;
        feed_chunk(decoder, &rest[..n], &mut items);
        rest = &rest[n..];
    }
    let finish = decoder.finish();
    (items, decoder.last_event_id().to_owned(), finish)
}

/// Decodes `input` whole with default settings and returns just the events as
/// `(type, data, id)`.
pub fn events(input: &[u8]) -> Vec<(String, String, String)> {
    let mut decoder = Decoder::builder().limits(Limits::unlimited()).build();
    let (items, _, _) = decode_split(&mut decoder, input, &[usize::MAX]);
    items
        .into_iter()
        .filter_map(|item| match item {
            Item::Event(event) => Some((
                event.event_type().to_owned(),
                event.data().to_owned(),
                event.last_event_id().to_owned(),
            )),
            _ => None,
        })
        .collect()
}
