//! [`tokio_util::codec`] framing (feature `codec`): read [`Item`]s from any
//! `AsyncRead` with `FramedRead`, write messages with `FramedWrite`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
//! use futures_util::{SinkExt, StreamExt};
//! use tokio_util::codec::{FramedRead, FramedWrite};
//! use ssewire::Message;
//! use ssewire_async::{Item, codec::SseCodec};
//!
//! let (client, server) = tokio::io::duplex(64);
//! let mut writer = FramedWrite::new(server, SseCodec::new());
//! writer.send(Message::new("hello").id("1")).await?;
//! drop(writer);
//! let mut reader = FramedRead::new(client, SseCodec::new());
//! let Some(Item::Event(event)) = reader.next().await.transpose()? else { panic!("an event") };
//! assert_eq!((&*event.data, &*event.last_event_id), ("hello", "1"));
//! assert!(reader.next().await.is_none());
//! assert_eq!(reader.decoder().finish(), Some(ssewire::Finish::Clean));
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::io;

use bytes::{BufMut, BytesMut};
use ssewire::{Decoder, Finish, Message};

use crate::Encoded;
use crate::event::{Item, Sharer};

/// A `tokio_util` [`Decoder`](tokio_util::codec::Decoder) of [`Item`]s and
/// [`Encoder`](tokio_util::codec::Encoder) of [`Message`]s and [`Encoded`]
/// messages.
///
/// Decoded events share the read buffer, as [`crate::Events`]' share their
/// chunks: each `decode` call takes what has been read so far, without
/// copying, and the decoder keeps only what a line or event left unfinished.
#[derive(Debug, Default)]
pub struct SseCodec {
    decoder: Decoder,
    sharer: Sharer,
    ready: VecDeque<Item>,
    finish: Option<Finish>,
}

impl SseCodec {
    /// A codec with a [`Decoder::new`].
    pub fn new() -> SseCodec {
        SseCodec::default()
    }

    /// A codec decoding with `decoder` (other limits, comments reported, or
    /// one carried over from an earlier connection).
    pub fn with_decoder(decoder: Decoder) -> SseCodec {
        SseCodec {
            decoder,
            ..SseCodec::default()
        }
    }

    /// The core decoder: the last event ID and the reconnection time.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// How the stream ended, once `FramedRead` has reached its end:
    /// [`Finish::Truncated`] if an incomplete event was discarded.
    pub fn finish(&self) -> Option<Finish> {
        self.finish
    }
}

impl tokio_util::codec::Decoder for SseCodec {
    type Item = Item;
    type Error = io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Item>> {
        if self.ready.is_empty() && !src.is_empty() {
            // The core decoder consumes all it is given, keeping what is
            // unfinished, so the whole buffer can be taken at once.
            let chunk = src.split().freeze();
            let (ready, sharer) = (&mut self.ready, &mut self.sharer);
            self.decoder
                .feed(&chunk, |item| ready.extend(sharer.convert(item, &chunk)));
            sharer.chunk_done();
        }
        Ok(self.ready.pop_front())
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Item>> {
        if let Some(item) = self.decode(src)? {
            return Ok(Some(item));
        }
        self.finish = Some(self.decoder.finish());
        Ok(None)
    }
}

impl tokio_util::codec::Encoder<Encoded> for SseCodec {
    type Error = io::Error;

    fn encode(&mut self, message: Encoded, dst: &mut BytesMut) -> io::Result<()> {
        dst.extend_from_slice(message.as_bytes());
        Ok(())
    }
}

/// A message the encoder refuses ([`Message::validate`]) is an
/// [`io::ErrorKind::InvalidInput`] error, and nothing is written.
impl tokio_util::codec::Encoder<Message<'_>> for SseCodec {
    type Error = io::Error;

    fn encode(&mut self, message: Message<'_>, dst: &mut BytesMut) -> io::Result<()> {
        let len = message
            .encoded_len()
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidInput, error))?;
        dst.reserve(len);
        message.write_to_io(&mut dst.writer())
    }
}
