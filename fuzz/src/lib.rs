//! Helpers shared by the fuzz targets: the input header, chunking, and
//! owning items (as [`OwnedDecoded`]).
//!
//! # Input layout of the byte targets (`decode`, `chunking`, `differential`)
//!
//! ```text
//! byte 0     flags: bit 0 = report comments; bit 1 = tiny limits (chunking
//!            only); bit 2 = clone and shrink the decoder between chunks
//!            (chunking only)
//! byte 1     max_line_len for tiny limits (255 = no limit)
//! byte 2     max_event_len for tiny limits (255 = no limit)
//! byte 3     largest chunk, 1..=255 bytes (0 = the whole stream in one chunk)
//! bytes 4-7  seed (little-endian u32) of the generator that picks chunk sizes
//! byte 8..   the stream
//! ```
//!
//! A plain byte layout, rather than `arbitrary`, keeps the seed corpus
//! readable and lets `seed.py` write real streams after an 8-byte header.

use ssewire::{Decoded, Decoder, Finish, Limits, OwnedDecoded};

/// Length of the header in front of the stream.
pub const HEADER_LEN: usize = 8;

/// The settings read from the first bytes of a fuzz input.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    pub comments: bool,
    pub tiny_limits: bool,
    pub clone_between_chunks: bool,
    pub max_line_len: Option<usize>,
    pub max_event_len: Option<usize>,
    pub max_chunk: usize,
    pub seed: u32,
}

impl Header {
    /// Splits `input` into its header and stream; `None` if it is too short.
    pub fn parse(input: &[u8]) -> Option<(Header, &[u8])> {
        if input.len() < HEADER_LEN {
            return None;
        }
        let (head, stream) = input.split_at(HEADER_LEN);
        let limit = |byte: u8| (byte != 255).then_some(usize::from(byte));
        let header = Header {
            comments: head[0] & 1 != 0,
            tiny_limits: head[0] & 2 != 0,
            clone_between_chunks: head[0] & 4 != 0,
            max_line_len: limit(head[1]),
            max_event_len: limit(head[2]),
            max_chunk: usize::from(head[3]),
            seed: u32::from_le_bytes([head[4], head[5], head[6], head[7]]),
        };
        Some((header, stream))
    }

    /// The small limits of bytes 1 and 2.
    pub fn tiny(&self) -> Limits {
        Limits::default()
            .max_line_len(self.max_line_len)
            .max_event_len(self.max_event_len)
    }

    /// The chunk sizes this header asks for.
    pub fn chunks(&self) -> Chunks {
        Chunks {
            max: self.max_chunk,
            state: self.seed | 1,
        }
    }
}

/// Chunk sizes from a xorshift generator: each in `0..=max` (an empty chunk
/// now and then, which must change nothing), or everything when `max` is 0.
#[derive(Debug, Clone)]
pub struct Chunks {
    max: usize,
    state: u32,
}

impl Chunks {
    /// Feeds everything in one chunk.
    pub fn whole() -> Chunks {
        Chunks { max: 0, state: 1 }
    }

    fn next_size(&mut self, left: usize) -> usize {
        if self.max == 0 {
            return left;
        }
        self.state ^= self.state << 13;
        self.state ^= self.state >> 17;
        self.state ^= self.state << 5;
        let modulus = u32::try_from(self.max + 1).expect("max <= 255");
        usize::try_from(self.state % modulus)
            .expect("small")
            .min(left)
    }

    /// Cuts `input` into chunks (some possibly empty) that join back to it.
    pub fn split<'a>(&mut self, input: &'a [u8]) -> Vec<&'a [u8]> {
        let mut chunks = Vec::new();
        let mut rest = input;
        let mut empty_in_a_row = 0;
        while !rest.is_empty() {
            let mut n = self.next_size(rest.len());
            if n == 0 {
                empty_in_a_row += 1;
                if empty_in_a_row > 2 {
                    n = 1;
                }
            }
            if n > 0 {
                empty_in_a_row = 0;
            }
            chunks.push(&rest[..n]);
            rest = &rest[n..];
        }
        chunks
    }
}

/// Owns a decoded item with [`Decoded::into_owned`], checking on the way
/// that an event comes out intact.
pub fn own(item: Decoded<'_>) -> OwnedDecoded {
    let owned = item.into_owned();
    if let Decoded::Event(event) = item {
        match &owned {
            OwnedDecoded::Event(copy) => {
                assert_eq!(copy.as_event(), event, "into_owned changed the event");
            }
            other => panic!("into_owned turned {item:?} into {other:?}"),
        }
    }
    owned
}

/// Decodes one chunk with [`Decoder::decode`] (not `feed`), checking that
/// every call makes progress: an item consumes at least one byte and at most
/// the rest of the chunk, and `None` means all of it was consumed. The loop
/// ends only on `None`, so an item reported for an empty rest is not missed.
/// `at_end` sees the decoder once the whole chunk is consumed.
pub fn decode_chunk(
    decoder: &mut Decoder,
    chunk: &[u8],
    items: &mut Vec<OwnedDecoded>,
    mut at_end: impl FnMut(&Decoder),
) {
    let mut input = chunk;
    loop {
        let (item, consumed) = decoder.decode(input);
        let item = item.map(own);
        let Some(item) = item else {
            assert_eq!(
                consumed,
                input.len(),
                "decode returned None without consuming its whole input"
            );
            at_end(decoder);
            return;
        };
        assert!(
            consumed >= 1 && consumed <= input.len(),
            "decode returned {item:?} after consuming {consumed} of {} bytes",
            input.len()
        );
        items.push(item);
        input = &input[consumed..];
    }
}

/// Decodes `chunks` in order, then finishes the stream.
pub fn decode_chunks(
    decoder: &mut Decoder,
    chunks: &[&[u8]],
) -> (Vec<OwnedDecoded>, String, Finish) {
    let mut items = Vec::new();
    for chunk in chunks {
        decode_chunk(decoder, chunk, &mut items, |_| {});
    }
    let finish = decoder.finish();
    (items, decoder.last_event_id().to_owned(), finish)
}

/// A lower bound on how many stream bytes produced `text`: the decoder
/// replaces each invalid UTF-8 sequence (1 to 3 bytes) with U+FFFD (3 bytes),
/// so every U+FFFD stands for at least one byte.
pub fn wire_len_lower_bound(text: &str) -> usize {
    text.len()
        - 2 * text
            .chars()
            .filter(|&c| c == char::REPLACEMENT_CHARACTER)
            .count()
}
