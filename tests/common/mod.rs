//! Helpers shared by the integration tests.
#![allow(dead_code)]

use ssewire::{Decoded, Decoder, Limits};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Event {
        event_type: String,
        data: String,
        id: String,
    },
    Retry(u64),
    Comment(String),
    Error(ssewire::DecodeError),
}

/// Decodes `input` split at the given lengths (cycled), then finishes, and
/// returns the items plus the final last event ID and whether the stream was
/// truncated.
pub fn decode_split(
    decoder: &mut Decoder,
    input: &[u8],
    sizes: &[usize],
) -> (Vec<Item>, String, ssewire::Finish) {
    let mut items = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes[i % sizes.len()].clamp(1, rest.len());
        i += 1;
        decoder.feed(&rest[..n], |item| items.push(own(item)));
        rest = &rest[n..];
    }
    let finish = decoder.finish();
    (items, decoder.last_event_id().to_owned(), finish)
}

pub fn own(item: Decoded<'_>) -> Item {
    match item {
        Decoded::Event(e) => Item::Event {
            event_type: e.event_type.to_owned(),
            data: e.data.to_owned(),
            id: e.last_event_id.to_owned(),
        },
        Decoded::Retry(ms) => Item::Retry(ms),
        Decoded::Comment(c) => Item::Comment(c.to_owned()),
        Decoded::Error(e) => Item::Error(e),
        other => panic!("unknown item {other:?}"),
    }
}

/// Decodes `input` whole with default settings and returns just the events as
/// `(type, data, id)`.
pub fn events(input: &[u8]) -> Vec<(String, String, String)> {
    let mut decoder = Decoder::builder().limits(Limits::unlimited()).build();
    let (items, _, _) = decode_split(&mut decoder, input, &[usize::MAX]);
    items
        .into_iter()
        .filter_map(|item| match item {
            Item::Event {
                event_type,
                data,
                id,
            } => Some((event_type, data, id)),
            _ => None,
        })
        .collect()
}
