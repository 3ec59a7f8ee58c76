//! One driver per decoder row: feed the chunks the way the row's `parse`
//! does and report what the decoder's API hands an application, as the
//! records the corpus expects. Only mechanical translations are made, the
//! same for every peer (see `ADAPTATIONS`); what a peer's API cannot
//! express counts against it.

use super::{Driver, Outcome, Rec, Stopped};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use std::convert::Infallible;
use tokio_util::codec::Decoder as _;

pub const ADAPTATIONS: &str = "Translations applied to every peer alike: an absent or empty event type is `message` \
(the standard's default, which some APIs leave to the caller); where an API reports a block's own `id` as an `Option`, \
`None` keeps the previous ID (as an application would carry it), including blocks the peer yields without data; \
a `retry` reported as a field of an event becomes a `{retry}` record just before that event; the final last event ID \
is the decoder's own accessor where it has one (eventsource-stream, sse-core, sse-parse, sseer, ssewire), else the \
ID carried from the last block the peer yielded; data given as bytes is decoded as lossy UTF-8. A returned error \
ends the run (counted as `error`); a panic likewise (`panic`).";

/// The value, or the run stops with the records so far and the error.
macro_rules! or_stop {
    ($result:expr, $out:ident) => {
        match $result {
            Ok(v) => v,
            Err(e) => {
                return Err(Stopped {
                    records: $out,
                    why: format!("error: {e}"),
                })
            }
        }
    };
}

fn event_type(t: &str) -> String {
    if t.is_empty() {
        "message".to_string()
    } else {
        t.to_string()
    }
}

/// The last event ID as an application keeps it from per-block `Option` ids.
#[derive(Default)]
struct CarriedId(String);

impl CarriedId {
    fn update(&mut self, id: Option<&str>) -> String {
        if let Some(id) = id {
            self.0 = id.to_string();
        }
        self.0.clone()
    }
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

pub fn all() -> Vec<(&'static str, Driver)> {
    vec![
        ("eventsource-stream 0.2.3", eventsource_stream),
        ("sse-stream 0.3.0", sse_stream),
        ("sse-codec 0.3.3", sse_codec),
        ("async-sse 5.1.0", async_sse),
        ("sse-core 0.2.3", sse_core),
        ("sse-parse 0.1.0", sse_parse),
        ("sseer 0.3.1", sseer),
        ("russe 0.3.1", russe),
        ("ssewire (borrowed)", ssewire_borrowed),
        ("ssewire (owned)", ssewire_owned),
        ("ssewire-async (stream)", ssewire_async_stream),
        ("ssewire (feed)", ssewire_feed),
    ]
}

fn ssewire_borrowed(chunks: &[&[u8]]) -> Outcome {
    let mut dec = ssewire::Decoder::new();
    let mut out = Vec::new();
    for chunk in chunks {
        let mut input: &[u8] = chunk;
        loop {
            let (item, used) = dec.decode(input);
            input = &input[used..];
            match item {
                Some(ssewire::Decoded::Event(ev)) => out.push(Rec::Event {
                    event: ev.event_type.to_string(),
                    data: ev.data.to_string(),
                    id: ev.last_event_id.to_string(),
                }),
                Some(ssewire::Decoded::Retry(time)) => {
                    out.push(Rec::Retry(
                        u64::try_from(time.as_millis()).unwrap_or(u64::MAX),
                    ));
                }
                Some(_) => {}
                None => break,
            }
        }
    }
    let _ = dec.finish();
    out.push(Rec::LastId(dec.last_event_id().to_string()));
    Ok(out)
}

fn ssewire_feed(chunks: &[&[u8]]) -> Outcome {
    let mut dec = ssewire::Decoder::new();
    let mut out = Vec::new();
    for chunk in chunks {
        dec.feed(chunk, |item| match item {
            ssewire::Decoded::Event(ev) => out.push(Rec::Event {
                event: ev.event_type.to_string(),
                data: ev.data.to_string(),
                id: ev.last_event_id.to_string(),
            }),
            ssewire::Decoded::Retry(time) => {
                out.push(Rec::Retry(
                    u64::try_from(time.as_millis()).unwrap_or(u64::MAX),
                ));
            }
            _ => {}
        });
    }
    let _ = dec.finish();
    out.push(Rec::LastId(dec.last_event_id().to_string()));
    Ok(out)
}

fn ssewire_owned(chunks: &[&[u8]]) -> Outcome {
    let mut dec = ssewire::Decoder::new();
    let mut out = Vec::new();
    for chunk in chunks {
        let mut input: &[u8] = chunk;
        loop {
            let (item, used) = dec.decode(input);
            input = &input[used..];
            match item {
                Some(ssewire::Decoded::Event(ev)) => {
                    let ev = ev.into_owned();
                    out.push(Rec::Event {
                        event: ev.event_type().to_string(),
                        data: ev.data().to_string(),
                        id: ev.last_event_id().to_string(),
                    });
                }
                Some(ssewire::Decoded::Retry(time)) => {
                    out.push(Rec::Retry(
                        u64::try_from(time.as_millis()).unwrap_or(u64::MAX),
                    ));
                }
                Some(_) => {}
                None => break,
            }
        }
    }
    let _ = dec.finish();
    out.push(Rec::LastId(dec.last_event_id().to_string()));
    Ok(out)
}

fn ssewire_async_stream(chunks: &[&[u8]]) -> Outcome {
    use ssewire_async::{EventStreamExt, Item};
    // Owned copies, as the sseer driver: the conformance inputs are small.
    let owned: Vec<Bytes> = chunks.iter().map(|c| Bytes::copy_from_slice(c)).collect();
    futures::executor::block_on(async {
        let input = futures::stream::iter(owned.into_iter().map(Ok::<Bytes, Infallible>));
        let mut items = std::pin::pin!(input.sse_events());
        let mut out = Vec::new();
        while let Some(item) = items.next().await {
            match or_stop!(item, out) {
                Item::Event(ev) => out.push(Rec::Event {
                    event: ev.event_type.to_string(),
                    data: ev.data.to_string(),
                    id: ev.last_event_id.to_string(),
                }),
                Item::Retry(time) => out.push(Rec::Retry(millis(time))),
                _ => {}
            }
        }
        out.push(Rec::LastId(
            items
                .as_ref()
                .get_ref()
                .decoder()
                .last_event_id()
                .to_string(),
        ));
        Ok(out)
    })
}

fn eventsource_stream(chunks: &[&[u8]]) -> Outcome {
    use eventsource_stream::Eventsource;
    futures::executor::block_on(async {
        let input = futures::stream::iter(chunks.iter().map(|c| Ok::<&[u8], Infallible>(c)));
        let mut events = std::pin::pin!(input.eventsource());
        let mut out = Vec::new();
        while let Some(ev) = events.next().await {
            let ev = or_stop!(ev, out);
            if let Some(r) = ev.retry {
                out.push(Rec::Retry(millis(r)));
            }
            out.push(Rec::Event {
                event: event_type(&ev.event),
                data: ev.data,
                id: ev.id,
            });
        }
        out.push(Rec::LastId(
            events.as_ref().get_ref().last_event_id().to_string(),
        ));
        Ok(out)
    })
}

fn sse_stream(chunks: &[&[u8]]) -> Outcome {
    futures::executor::block_on(async {
        let input = futures::stream::iter(chunks.iter().map(|c| Ok::<&[u8], Infallible>(c)));
        let mut events = std::pin::pin!(sse_stream::SseByteStream::new(input));
        let mut out = Vec::new();
        let mut ids = CarriedId::default();
        while let Some(ev) = events.next().await {
            let ev = or_stop!(ev, out);
            let id = ids.update(ev.id.as_deref());
            if let Some(r) = ev.retry {
                out.push(Rec::Retry(r));
            }
            if let Some(data) = ev.data {
                out.push(Rec::Event {
                    event: event_type(ev.event.as_deref().unwrap_or("")),
                    data,
                    id,
                });
            }
        }
        out.push(Rec::LastId(ids.0));
        Ok(out)
    })
}

fn sse_codec(chunks: &[&[u8]]) -> Outcome {
    futures::executor::block_on(async {
        let mut events = sse_codec::decode_stream(crate::parsers::ChunkReader::new(chunks));
        let mut out = Vec::new();
        let mut ids = CarriedId::default();
        while let Some(ev) = events.next().await {
            match or_stop!(ev, out) {
                sse_codec::Event::Message { id, event, data } => {
                    let id = ids.update(id.as_deref());
                    out.push(Rec::Event {
                        event: event_type(&event),
                        data,
                        id,
                    });
                }
                sse_codec::Event::Retry { retry } => out.push(Rec::Retry(retry)),
            }
        }
        out.push(Rec::LastId(ids.0));
        Ok(out)
    })
}

fn async_sse(chunks: &[&[u8]]) -> Outcome {
    futures::executor::block_on(async {
        let mut events =
            std::pin::pin!(async_sse::decode(crate::parsers::ChunkReader::new(chunks)));
        let mut out = Vec::new();
        let mut ids = CarriedId::default();
        while let Some(ev) = events.next().await {
            match or_stop!(ev, out) {
                async_sse::Event::Message(m) => {
                    let id = ids.update(m.id().as_deref());
                    let data = String::from_utf8_lossy(m.data()).into_owned();
                    out.push(Rec::Event {
                        event: event_type(m.name()),
                        data,
                        id,
                    });
                }
                async_sse::Event::Retry(r) => out.push(Rec::Retry(millis(r))),
            }
        }
        out.push(Rec::LastId(ids.0));
        Ok(out)
    })
}

fn sse_core(chunks: &[&[u8]]) -> Outcome {
    let mut dec = sse_core::SseDecoder::new();
    let mut out = Vec::new();
    for chunk in chunks {
        let mut buf: &[u8] = chunk;
        while let Some(ev) = dec.next(&mut buf) {
            match or_stop!(ev, out) {
                sse_core::SseEvent::Message(m) => out.push(Rec::Event {
                    event: event_type(&m.event),
                    data: m.data,
                    id: m.last_event_id.as_deref().unwrap_or("").to_string(),
                }),
                sse_core::SseEvent::Retry(r) => out.push(Rec::Retry(u64::from(r))),
            }
        }
    }
    out.push(Rec::LastId(
        dec.last_event_id().map_or(String::new(), |s| s.to_string()),
    ));
    Ok(out)
}

fn sse_parse(chunks: &[&[u8]]) -> Outcome {
    let mut p = sse_parse::SseParser::new();
    let mut out = Vec::new();
    let drain = |p: &mut sse_parse::SseParser, out: &mut Vec<Rec>| {
        while let Some(ev) = p.next_event() {
            if let Some(r) = ev.retry {
                out.push(Rec::Retry(millis(r)));
            }
            out.push(Rec::Event {
                event: event_type(&ev.event),
                data: ev.data,
                id: ev.id,
            });
        }
    };
    for chunk in chunks {
        p.feed(chunk);
        drain(&mut p, &mut out);
    }
    p.finish();
    drain(&mut p, &mut out);
    out.push(Rec::LastId(p.last_event_id().to_string()));
    Ok(out)
}

fn sseer(chunks: &[&[u8]]) -> Outcome {
    // Owned copies: the conformance inputs are small, and this keeps the
    // driver free of the lifetime extension the speed row uses.
    let owned: Vec<Bytes> = chunks.iter().map(|c| Bytes::copy_from_slice(c)).collect();
    futures::executor::block_on(async {
        let input = futures::stream::iter(owned.into_iter().map(Ok::<Bytes, Infallible>));
        let mut events = std::pin::pin!(sseer::EventStream::new(input));
        let mut out = Vec::new();
        while let Some(ev) = events.next().await {
            let ev = or_stop!(ev, out);
            if let Some(r) = ev.retry {
                out.push(Rec::Retry(millis(r)));
            }
            out.push(Rec::Event {
                event: event_type(&ev.event),
                data: ev.data.to_string(),
                id: ev.id.to_string(),
            });
        }
        out.push(Rec::LastId(
            events.as_ref().get_ref().last_event_id().to_string(),
        ));
        Ok(out)
    })
}

fn russe(chunks: &[&[u8]]) -> Outcome {
    let mut dec = russe::Decoder::default();
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut ids = CarriedId::default();
    let mut take = |ev: russe::Event, out: &mut Vec<Rec>| match ev {
        russe::Event::Message(m) => {
            let id = ids.update(m.id.as_deref());
            if let Some(r) = m.retry {
                out.push(Rec::Retry(millis(r)));
            }
            out.push(Rec::Event {
                event: event_type(m.event.as_deref().unwrap_or("")),
                data: m.data.to_string(),
                id,
            });
        }
        russe::Event::Retry(r) => out.push(Rec::Retry(millis(r))),
        russe::Event::Comment(_) => {}
    };
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        while let Some(ev) = or_stop!(dec.decode(&mut buf), out) {
            take(ev, &mut out);
        }
    }
    while let Some(ev) = or_stop!(dec.decode_eof(&mut buf), out) {
        take(ev, &mut out);
    }
    out.push(Rec::LastId(ids.0));
    Ok(out)
}
