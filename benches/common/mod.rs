//! The decode and encode loops shared by the criterion benches and
//! `tests/alloc.rs`, so that what is timed and what is counted is the same
//! code. Included with `#[path]` next to the comparison crate's
//! `workloads.rs`, which the including crate must declare as `mod workloads`
//! at its root. A directory module, so that Cargo does not take it for a
//! bench target of its own.
#![allow(dead_code)]

use crate::workloads::GenEvent;
use ssewire::{Decoded, Decoder, Event, Message};

/// Decodes `chunks` in order with [`Decoder::decode`], each until the
/// decoder needs the next one, passing every event to `on_event`; returns
/// how many events there were. Other items are skipped.
pub fn decode_events(
    decoder: &mut Decoder,
    chunks: &[&[u8]],
    mut on_event: impl FnMut(Event<'_>),
) -> u64 {
    let mut events = 0;
    for chunk in chunks {
        let mut input: &[u8] = chunk;
        loop {
            let (item, used) = decoder.decode(input);
            input = &input[used..];
            match item {
                Some(Decoded::Event(event)) => {
                    on_event(event);
                    events += 1;
                }
                Some(_) => {}
                None => break,
            }
        }
    }
    events
}

/// The message that writes a generated event: its data, and its event type
/// and id when it has them.
pub fn message(event: &GenEvent) -> Message<'_> {
    let mut message = Message::new(&event.data);
    if let Some(event_type) = &event.event {
        message = message.event(event_type);
    }
    if let Some(id) = &event.id {
        message = message.id(id);
    }
    message
}
