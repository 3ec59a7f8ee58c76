//! ssewire's decoder behind three common interfaces, without ssewire
//! depending on any of them: a [`tokio_util::codec::Decoder`], a
//! [`futures_util::Stream`] of events from a stream of byte chunks, and a
//! blocking iterator over a [`std::io::Read`].
//!
//! ssewire's own events borrow from the decoder and its input; these adapters
//! hand out owned [`Item`]s, which is what those interfaces need.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, BytesMut};
use futures_util::{Stream, StreamExt};
use ssewire::{DecodeError, Decoded, Decoder, Finish, OwnedEvent};

/// An owned [`Decoded`] item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// An event.
    Event(OwnedEvent),
    /// A `retry` field, in milliseconds.
    Retry(u64),
    /// A comment (only from a decoder built with `.comments(true)`).
    Comment(String),
    /// A limit was exceeded; the decoder skipped that event and goes on.
    Error(DecodeError),
}

impl Item {
    /// The owned form of `item`; `None` for kinds added to ssewire later.
    pub fn from_decoded(item: Decoded<'_>) -> Option<Item> {
        Some(match item {
            Decoded::Event(event) => Item::Event(event.into_owned()),
            Decoded::Retry(time) => {
                Item::Retry(u64::try_from(time.as_millis()).unwrap_or(u64::MAX))
            }
            Decoded::Comment(text) => Item::Comment(text.to_owned()),
            Decoded::Error(error) => Item::Error(error),
            _ => return None,
        })
    }
}

/// The decoder as a [`tokio_util::codec::Decoder`], for
/// `FramedRead::new(socket, SseCodec::default())`.
#[derive(Clone, Debug, Default)]
pub struct SseCodec {
    decoder: Decoder,
}

impl SseCodec {
    /// A codec around `decoder` (for other limits, or comments).
    pub fn new(decoder: Decoder) -> SseCodec {
        SseCodec { decoder }
    }

    /// The decoder, for its last event ID and reconnection time.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }
}

impl tokio_util::codec::Decoder for SseCodec {
    type Item = Item;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Item>> {
        loop {
            let (item, consumed) = self.decoder.decode(src);
            let item = item.map(Item::from_decoded);
            // The decoder keeps what it needs of a partial line or event, so
            // consumed bytes leave the buffer at once.
            src.advance(consumed);
            match item {
                None => return Ok(None),
                Some(Some(item)) => return Ok(Some(item)),
                Some(None) => {}
            }
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Item>> {
        if let Some(item) = self.decode(src)? {
            return Ok(Some(item));
        }
        // An event cut off by the end of the stream is discarded, as the
        // standard says; the decoder is then ready for a new connection.
        let _: Finish = self.decoder.finish();
        Ok(None)
    }
}

/// A [`Stream`] of [`Item`]s decoded from a stream of byte chunks, such as
/// reqwest's `bytes_stream()` or hyper's body data. Made by [`items`].
#[derive(Debug)]
pub struct Items<S> {
    chunks: S,
    decoder: Decoder,
    ready: VecDeque<Item>,
    ended: bool,
}

/// Decodes a stream of byte chunks. Errors from `chunks` are passed on; the
/// stream goes on after one if `chunks` does. Pin a stream that is not
/// `Unpin` first, with `Box::pin`.
pub fn items<S, B, E>(chunks: S) -> Items<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    Items {
        chunks,
        decoder: Decoder::new(),
        ready: VecDeque::new(),
        ended: false,
    }
}

impl<S> Items<S> {
    /// The decoder, for its last event ID and reconnection time.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }
}

impl<S, B, E> Stream for Items<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    type Item = Result<Item, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.ready.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match ready!(this.chunks.poll_next_unpin(cx)) {
                Some(Ok(chunk)) => this.decoder.feed(chunk.as_ref(), |item| {
                    this.ready.extend(Item::from_decoded(item));
                }),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => {
                    this.ended = true;
                    let _: Finish = this.decoder.finish();
                }
            }
        }
    }
}

/// A blocking iterator over the [`Item`]s of a [`Read`]er: a `TcpStream`, a
/// file, a child process's stdout. Reads 8 KiB at a time and decodes in place.
#[derive(Debug)]
pub struct ReadItems<R> {
    reader: R,
    decoder: Decoder,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    ended: bool,
}

impl<R: Read> ReadItems<R> {
    /// Decodes what `reader` reads.
    pub fn new(reader: R) -> ReadItems<R> {
        ReadItems {
            reader,
            decoder: Decoder::new(),
            buf: vec![0; 8192].into_boxed_slice(),
            start: 0,
            end: 0,
            ended: false,
        }
    }

    /// The decoder, for its last event ID and reconnection time.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }
}

impl<R: Read> Iterator for ReadItems<R> {
    type Item = io::Result<Item>;

    fn next(&mut self) -> Option<io::Result<Item>> {
        loop {
            if self.start < self.end {
                let (item, consumed) = self.decoder.decode(&self.buf[self.start..self.end]);
                let item = item.map(Item::from_decoded);
                self.start += consumed;
                if let Some(Some(item)) = item {
                    return Some(Ok(item));
                }
                continue;
            }
            if self.ended {
                return None;
            }
            match self.reader.read(&mut self.buf) {
                Ok(0) => {
                    self.ended = true;
                    let _: Finish = self.decoder.finish();
                }
                Ok(n) => (self.start, self.end) = (0, n),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Some(Err(error)),
            }
        }
    }
}
