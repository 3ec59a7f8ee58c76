//! ssewire's decoder behind three common interfaces, without ssewire
//! depending on any of them: a [`tokio_util::codec::Decoder`], a
//! [`futures_util::Stream`] of events from a stream of byte chunks, and a
//! blocking iterator over a [`std::io::Read`].
//!
//! ssewire's own events borrow from the decoder and its input; these adapters
//! hand out owned items ([`OwnedDecoded`], from [`Decoded::into_owned`]),
//! which is what those interfaces need.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, BytesMut};
use futures_util::{Stream, StreamExt};
use ssewire::{Decoded, Decoder, Finish, OwnedDecoded};

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
    type Item = OwnedDecoded;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<OwnedDecoded>> {
        let (item, consumed) = self.decoder.decode(src);
        // Owned before the buffer moves. The decoder keeps what it needs of a
        // partial line or event, so consumed bytes leave the buffer at once.
        let item = item.map(Decoded::into_owned);
        src.advance(consumed);
        Ok(item)
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<OwnedDecoded>> {
        if let Some(item) = self.decode(src)? {
            return Ok(Some(item));
        }
        // An event cut off by the end of the stream is discarded, as the
        // standard says; the decoder is then ready for a new connection.
        let _: Finish = self.decoder.finish();
        Ok(None)
    }
}

/// A [`Stream`] of [`OwnedDecoded`] items decoded from a stream of byte chunks, such as
/// reqwest's `bytes_stream()` or hyper's body data. Made by [`items`].
#[derive(Debug)]
pub struct Items<S> {
    chunks: S,
    decoder: Decoder,
    ready: VecDeque<OwnedDecoded>,
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
    type Item = Result<OwnedDecoded, E>;

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
                    this.ready.push_back(item.into_owned());
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

/// A blocking iterator over the [`OwnedDecoded`] items of a [`std::io::Read`]er: the
/// core crate's own [`ssewire::Reader`], kept under this name for these tests.
pub use ssewire::Reader as ReadItems;
