//! The `tokio_util` codec: decoding equals the core decoder's on every
//! chunking, and encoding writes what `ssewire::Message` writes.

use std::io;
use std::time::Duration;

use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt};
use ssewire::{Decoder, Finish, Message, OwnedDecoded};
use ssewire_async::codec::SseCodec;
use ssewire_async::{Encoded, Item};
use tokio::io::AsyncWriteExt;
use tokio_util::codec::{Decoder as _, Encoder as _, FramedRead, FramedWrite};

const STREAM: &[u8] = b"\xEF\xBB\xBFretry: 10\r\nid: 1\r\nevent: a\r\ndata: x\r\n\r\n: c\rdata: \xC3\xA9\r\rdata: y\n\ndata: cut";

fn as_core(item: &Item) -> OwnedDecoded {
    match item {
        Item::Event(event) => OwnedDecoded::Event(ssewire::OwnedEvent::from(event)),
        Item::Retry(time) => OwnedDecoded::Retry(*time),
        Item::Comment(text) => OwnedDecoded::Comment(text.to_string()),
        Item::Error(error) => OwnedDecoded::Error(*error),
        other => panic!("unexpected item {other:?}"),
    }
}

/// Drives the codec as `FramedRead` does: bytes appended to one buffer,
/// `decode` until it has nothing, `decode_eof` at the end.
fn decode_in_chunks(cuts: &[usize]) -> (Vec<OwnedDecoded>, Option<Finish>) {
    let mut codec = SseCodec::with_decoder(Decoder::builder().comments(true).build());
    let mut buffer = BytesMut::new();
    let mut items = Vec::new();
    let mut from = 0;
    for &to in cuts.iter().chain([&STREAM.len()]) {
        buffer.extend_from_slice(&STREAM[from..to]);
        from = to;
        while let Some(item) = codec.decode(&mut buffer).unwrap() {
            items.push(as_core(&item));
        }
    }
    while let Some(item) = codec.decode_eof(&mut buffer).unwrap() {
        items.push(as_core(&item));
    }
    (items, codec.finish())
}

#[test]
fn every_chunking_gives_the_core_decoders_items() {
    let mut decoder = Decoder::builder().comments(true).build();
    let mut expected = Vec::new();
    decoder.feed(STREAM, |item| expected.push(item.into_owned()));
    let expected = (expected, Some(decoder.finish()));
    assert_eq!(expected.1, Some(Finish::Truncated));
    assert_eq!(expected.0.len(), 5);
    for a in 0..=STREAM.len() {
        for b in a..=STREAM.len() {
            assert_eq!(decode_in_chunks(&[a, b]), expected, "cut at {a} and {b}");
        }
    }
}

#[tokio::test]
async fn framed_write_then_framed_read_round_trips() {
    let (client, server) = tokio::io::duplex(16);
    let writer = tokio::spawn(async move {
        let mut writer = FramedWrite::new(server, SseCodec::new());
        writer
            .send(Message::default().retry(Duration::from_secs(2)))
            .await?;
        writer
            .send(Message::new("a\nb").event("two").id("7"))
            .await?;
        writer.send(Encoded::data("pre-encoded")).await?;
        let refused = writer.send(Message::new("x").event("bad\nline")).await;
        assert_eq!(refused.unwrap_err().kind(), io::ErrorKind::InvalidInput);
        writer.get_mut().write_all(b"data: cut").await?;
        io::Result::Ok(())
    });
    let mut reader = FramedRead::new(client, SseCodec::new());
    let mut items = Vec::new();
    while let Some(item) = reader.next().await {
        items.push(item.unwrap());
    }
    writer.await.unwrap().unwrap();
    assert_eq!(
        items,
        [
            Item::Retry(Duration::from_secs(2)),
            Item::Event(ssewire_async::Event::new("two", "a\nb", "7").with_own_fields(true, true)),
            Item::Event(ssewire_async::Event::new("message", "pre-encoded", "7")),
        ]
    );
    assert_eq!(reader.decoder().finish(), Some(Finish::Truncated));
    assert_eq!(reader.decoder().decoder().last_event_id(), "7");
}

#[test]
fn a_refused_message_writes_nothing() {
    let mut codec = SseCodec::new();
    let mut out = BytesMut::from(&b"kept"[..]);
    let error = codec
        .encode(Message::new("x").id("a\0b"), &mut out)
        .unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(&out[..], b"kept");
    codec.encode(Message::new("x").id("ab"), &mut out).unwrap();
    assert_eq!(&out[..], b"keptid: ab\ndata: x\n\n");
}
