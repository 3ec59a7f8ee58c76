//! ssewire (this repository, path dependency): sans-IO `Decoder::decode` per
//! chunk, looped until it returns `None` (chunk used up). Two rows:
//! `borrowed` reads each event's `&str` fields where they are (the chunk, or
//! the decoder's buffer for events cut by a chunk boundary); `owned` turns
//! every event into an `OwnedEvent` with `Event::into_owned` (one allocation
//! per event) and drops it, as an application keeping events would. Default
//! limits (16 MiB of event data, lines of 16 MiB plus `data: `), above the
//! 64 KiB events. Two more rows do the same through `Decoder::feed`, the
//! README's API, which validates text ahead across short events.

use super::{Counts, Kind, SseParser};
use ssewire::{Decoded, Decoder, Event};

/// An ssewire row: through `feed` (`FEED`) or a `decode` loop, keeping each
/// event as an `OwnedEvent` (`OWNED`) or reading it where it lies.
pub struct Ssewire<const FEED: bool, const OWNED: bool>;

impl<const FEED: bool, const OWNED: bool> SseParser for Ssewire<FEED, OWNED> {
    fn name(&self) -> &'static str {
        match (FEED, OWNED) {
            (false, false) => "ssewire (borrowed)",
            (false, true) => "ssewire (owned)",
            (true, false) => "ssewire (feed)",
            (true, true) => "ssewire (feed, owned)",
        }
    }
    fn kind(&self) -> Kind {
        Kind::Ours
    }
    fn note(&self) -> Option<&'static str> {
        Some(match (FEED, OWNED) {
            (false, false) => {
                "ssewire (borrowed): sans-IO `Decoder::new()` + `decode(chunk)` looped until `None` per chunk; reads the borrowed `Event` (`&str` fields from the chunk or the decoder); default limits (16 MiB event / 16 MiB + 6 B line)"
            }
            (false, true) => {
                "ssewire (owned): as the borrowed row, then `Event::into_owned()` on every event (one allocation holding type, data and id), dropped after counting"
            }
            (true, false) => {
                "ssewire (feed): `Decoder::feed(chunk, |item| ..)` per chunk, the README's API; reads the borrowed `Event` as the borrowed row does"
            }
            (true, true) => {
                "ssewire (feed, owned): as the feed row, then `Event::into_owned()` on every event, dropped after counting, as the owned row does"
            }
        })
    }

    fn parse(&self, chunks: &[&[u8]]) -> Counts {
        let mut dec = Decoder::new();
        let mut out = Counts::default();
        for chunk in chunks {
            if FEED {
                dec.feed(chunk, |item| {
                    if let Decoded::Event(ev) = item {
                        count::<OWNED>(&mut out, ev);
                    }
                });
                continue;
            }
            let mut input: &[u8] = chunk;
            loop {
                let (item, used) = dec.decode(input);
                input = &input[used..];
                match item {
                    Some(Decoded::Event(ev)) => count::<OWNED>(&mut out, ev),
                    Some(_) => {}
                    None => break,
                }
            }
        }
        let _ = dec.finish();
        out
    }
}

/// Counts an event, turned into an `OwnedEvent` first if `OWNED`.
#[inline(always)]
fn count<const OWNED: bool>(out: &mut Counts, ev: Event<'_>) {
    out.events += 1;
    if OWNED {
        let owned = std::hint::black_box(ev.into_owned());
        out.data_bytes += owned.data().len() as u64;
    } else {
        out.data_bytes += ev.data.len() as u64;
        std::hint::black_box(&ev);
    }
}
