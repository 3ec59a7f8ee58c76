//! The blocking reader (`ssewire::Reader`): whatever sizes the source's
//! reads come in, and with interrupted reads between them, it yields the
//! items the decoder gives for the whole stream, then the same `Finish`.

#![cfg(feature = "std")]

use std::collections::VecDeque;
use std::io::{self, Read};

use proptest::prelude::*;
use ssewire::{Decoder, Finish, OwnedDecoded, Reader};

/// A source that returns the stream in the given read sizes, with an
/// `Interrupted` error before every read whose size is odd, and optionally
/// one hard error at a given read.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    sizes: VecDeque<usize>,
    interrupt_next: bool,
    fail_at_read: Option<usize>,
    reads: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        if self.fail_at_read == Some(self.reads) {
            return Err(io::Error::other("link down"));
        }
        let size = self.sizes.pop_front().unwrap_or(usize::MAX).max(1);
        if size % 2 == 1 && !self.interrupt_next {
            self.interrupt_next = true;
            self.sizes.push_front(size);
            return Err(io::ErrorKind::Interrupted.into());
        }
        self.interrupt_next = false;
        let n = size.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn trickle(data: &[u8], sizes: &[usize], fail_at_read: Option<usize>) -> Trickle {
    Trickle {
        data: data.to_vec(),
        at: 0,
        sizes: sizes.iter().copied().collect(),
        interrupt_next: false,
        fail_at_read,
        reads: 0,
    }
}

fn whole(data: &[u8]) -> (Vec<OwnedDecoded>, Finish, String) {
    let mut decoder = Decoder::new();
    let mut items = Vec::new();
    decoder.feed(data, |item| items.push(item.into_owned()));
    let finish = decoder.finish();
    (items, finish, decoder.last_event_id().to_owned())
}

fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"data: ".to_vec()),
        Just(b"id: 7".to_vec()),
        Just(b"retry: 10".to_vec()),
        Just(b"event: t".to_vec()),
        Just(b": c".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\r\n".to_vec()),
        Just("\u{20AC}".as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..5),
    ]
}

proptest! {
    #[test]
    fn any_read_sizes_give_the_whole_streams_items(
        pieces in proptest::collection::vec(piece(), 0..80),
        sizes in proptest::collection::vec(1usize..40_000, 0..40),
    ) {
        let data = pieces.concat();
        let (expected, expected_finish, expected_id) = whole(&data);
        let mut reader = Reader::new(trickle(&data, &sizes, None));
        let items: Vec<OwnedDecoded> =
            reader.by_ref().collect::<io::Result<_>>().expect("no hard errors");
        prop_assert_eq!(items, expected);
        prop_assert_eq!(reader.finish(), Some(expected_finish));
        prop_assert_eq!(reader.decoder().last_event_id(), expected_id.as_str());
        // Fused: it stays ended.
        prop_assert!(reader.next().is_none());
    }
}

/// A stream longer than the reader's buffer, in one source.
#[test]
fn streams_longer_than_the_buffer() {
    let event = "data: 0123456789abcdef\n\n";
    let data = event.repeat(10_000);
    let mut reader = Reader::new(data.as_bytes());
    let mut count = 0;
    for item in &mut reader {
        match item.expect("a slice never fails") {
            OwnedDecoded::Event(event) => {
                assert_eq!(event.data(), "0123456789abcdef");
                count += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(count, 10_000);
    assert_eq!(reader.finish(), Some(Finish::Clean));
}

/// A hard read error comes out as `Err`; reading on continues the stream
/// where it was, and nothing is lost or repeated.
#[test]
fn a_read_error_is_yielded_and_reading_can_go_on() {
    let data = b"data: a\n\ndata: b\n\ndata: c\n\n";
    let mut reader = Reader::new(trickle(data, &[10, 10, 10, 10], Some(3)));
    let mut seen = Vec::new();
    let mut errors = 0;
    for item in &mut reader {
        match item {
            Ok(OwnedDecoded::Event(event)) => seen.push(event.data().to_owned()),
            Ok(other) => panic!("unexpected {other:?}"),
            Err(error) => {
                assert_eq!(error.to_string(), "link down");
                errors += 1;
            }
        }
    }
    assert_eq!(errors, 1);
    assert_eq!(seen, ["a", "b", "c"]);
    assert_eq!(reader.finish(), Some(Finish::Clean));
}

/// An empty source ends at once, cleanly; a source cut inside an event ends
/// truncated, without the event.
#[test]
fn end_of_stream() {
    let mut reader = Reader::new(io::empty());
    assert!(reader.next().is_none());
    assert_eq!(reader.finish(), Some(Finish::Clean));

    let mut reader = Reader::new(&b"data: a\n\ndata: never"[..]);
    assert_eq!(reader.by_ref().count(), 1);
    assert_eq!(reader.finish(), Some(Finish::Truncated));
}
