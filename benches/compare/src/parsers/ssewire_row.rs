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
use ssewire::{Decoded, Decoder};

pub struct SsewireBorrowed;
pub struct SsewireOwned;
pub struct SsewireFeed;
pub struct SsewireFeedOwned;

impl SseParser for SsewireBorrowed {
    fn name(&self) -> &'static str {
        "ssewire (borrowed)"
    }
    fn kind(&self) -> Kind {
        Kind::Ours
    }
    fn note(&self) -> Option<&'static str> {
        Some(
            "ssewire (borrowed): sans-IO `Decoder::new()` + `decode(chunk)` looped until `None` per chunk; reads the borrowed `Event` (`&str` fields from the chunk or the decoder); default limits (16 MiB event / 16 MiB + 6 B line)",
        )
    }

    fn parse(&self, chunks: &[&[u8]]) -> Counts {
        let mut dec = Decoder::new();
        let mut out = Counts::default();
        for chunk in chunks {
            let mut input: &[u8] = chunk;
            loop {
                let (item, used) = dec.decode(input);
                input = &input[used..];
                match item {
                    Some(Decoded::Event(ev)) => {
                        out.events += 1;
                        out.data_bytes += ev.data.len() as u64;
                        std::hint::black_box(&ev);
                    }
                    Some(_) => {}
                    None => break,
                }
            }
        }
        let _ = dec.finish();
        out
    }
}

impl SseParser for SsewireOwned {
    fn name(&self) -> &'static str {
        "ssewire (owned)"
    }
    fn kind(&self) -> Kind {
        Kind::Ours
    }
    fn note(&self) -> Option<&'static str> {
        Some(
            "ssewire (owned): as the borrowed row, then `Event::into_owned()` on every event (one allocation holding type, data and id), dropped after counting",
        )
    }

    fn parse(&self, chunks: &[&[u8]]) -> Counts {
        let mut dec = Decoder::new();
        let mut out = Counts::default();
        for chunk in chunks {
            let mut input: &[u8] = chunk;
            loop {
                let (item, used) = dec.decode(input);
                input = &input[used..];
                match item {
                    Some(Decoded::Event(ev)) => {
                        let owned = std::hint::black_box(ev.into_owned());
                        out.events += 1;
                        out.data_bytes += owned.data().len() as u64;
                    }
                    Some(_) => {}
                    None => break,
                }
            }
        }
        let _ = dec.finish();
        out
    }
}

impl SseParser for SsewireFeed {
    fn name(&self) -> &'static str {
        "ssewire (feed)"
    }
    fn kind(&self) -> Kind {
        Kind::Ours
    }
    fn note(&self) -> Option<&'static str> {
        Some(
            "ssewire (feed): `Decoder::feed(chunk, |item| ..)` per chunk, the README's API; reads the borrowed `Event` as the borrowed row does",
        )
    }

    fn parse(&self, chunks: &[&[u8]]) -> Counts {
        let mut dec = Decoder::new();
        let mut out = Counts::default();
        for chunk in chunks {
            dec.feed(chunk, |item| {
                if let Decoded::Event(ev) = item {
                    out.events += 1;
                    out.data_bytes += ev.data.len() as u64;
                    std::hint::black_box(&ev);
                }
            });
        }
        let _ = dec.finish();
        out
    }
}

impl SseParser for SsewireFeedOwned {
    fn name(&self) -> &'static str {
        "ssewire (feed, owned)"
    }
    fn kind(&self) -> Kind {
        Kind::Ours
    }
    fn note(&self) -> Option<&'static str> {
        Some(
            "ssewire (feed, owned): as the feed row, then `Event::into_owned()` on every event, dropped after counting, as the owned row does",
        )
    }

    fn parse(&self, chunks: &[&[u8]]) -> Counts {
        let mut dec = Decoder::new();
        let mut out = Counts::default();
        for chunk in chunks {
            dec.feed(chunk, |item| {
                if let Decoded::Event(ev) = item {
                    let owned = std::hint::black_box(ev.into_owned());
                    out.events += 1;
                    out.data_bytes += owned.data().len() as u64;
                }
            });
        }
        let _ = dec.finish();
        out
    }
}
