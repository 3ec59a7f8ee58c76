//! Tests of how owned events share the text `feed` validated at once.

use alloc::format;
use alloc::sync::Arc;
use alloc::vec::Vec;

use super::{OwnedEvent, Text};
use crate::{Decoded, Decoder};

/// The text an event shares, if it does.
fn shared(event: &OwnedEvent) -> Option<&Arc<str>> {
    match &event.text {
        Text::Shared { text, .. } => Some(text),
        Text::Own { .. } => None,
    }
}

/// Data-only events of 20 bytes, a few hundred to a stretch, every
/// fifth with its own type.
fn tokens(range: core::ops::Range<usize>) -> Vec<u8> {
    range
        .flat_map(|i| {
            let event_type = if i % 5 == 0 { "event: t\n" } else { "" };
            format!("{event_type}data: token {i:05}\n\n").into_bytes()
        })
        .collect()
}

/// Feeds `input` in `chunk`-byte pieces, making owned the events for
/// which `keep` holds.
fn feed(
    decoder: &mut Decoder,
    input: &[u8],
    chunk: usize,
    keep: impl Fn(usize) -> bool,
) -> Vec<(usize, OwnedEvent)> {
    let mut kept = Vec::new();
    let mut index = 0;
    for piece in input.chunks(chunk) {
        decoder.feed(piece, |item| {
            if let Decoded::Event(event) = item {
                if keep(index) {
                    kept.push((index, event.into_owned()));
                }
                index += 1;
            }
        });
    }
    kept
}

fn assert_token(index: usize, event: &OwnedEvent) {
    let event_type = if index % 5 == 0 { "t" } else { "message" };
    assert_eq!(
        (event.event_type(), event.data(), event.last_event_id()),
        (event_type, format!("token {index:05}").as_str(), ""),
        "event {index}"
    );
    assert_eq!(event.own_type(), index % 5 == 0);
}

/// Kept events share the text of each stretch after the first, one
/// allocation for the stretch, and read the same as copies, also once
/// the decoder and the input are gone.
#[test]
fn kept_events_share_the_stretches_after_the_first() {
    let input = tokens(0..2000);
    for chunk in [input.len(), 4096, 1000] {
        let mut decoder = Decoder::new();
        let kept = feed(&mut decoder, &input, chunk, |_| true);
        drop(decoder);
        assert_eq!(kept.len(), 2000);
        assert!(
            shared(&kept[0].1).is_none(),
            "{chunk}: the first stretch is copied"
        );
        let sharing = kept
            .iter()
            .filter(|(_, event)| shared(event).is_some())
            .count();
        assert!(sharing > 1500, "{chunk}: {sharing} of 2000 share");
        let stretches = kept
            .windows(2)
            .filter(|pair| match (shared(&pair[0].1), shared(&pair[1].1)) {
                (Some(a), Some(b)) => !Arc::ptr_eq(a, b),
                (a, b) => a.is_some() != b.is_some(),
            })
            .count();
        assert!(stretches < 2000 / 20, "{chunk}: {stretches} stretches");
        for (index, event) in &kept {
            assert_token(*index, event);
            assert_eq!(*event, OwnedEvent::from(event.as_event()));
        }
    }
    drop(input);
}

/// The decoder copies a stretch only while at least half the events of
/// the last one are kept: not for events read where they lie, nor for
/// a few kept among many; and never for an event with an ID.
#[test]
fn stretches_are_copied_only_while_most_events_are_kept() {
    let input = tokens(0..2000);
    let mut decoder = Decoder::new();
    let rare = feed(&mut decoder, &input, input.len(), |index| index % 3 == 0);
    assert!(rare.iter().all(|(_, event)| shared(event).is_none()));
    for (index, event) in &rare {
        assert_token(*index, event);
    }
    // Keeping every event from here on: sharing resumes after a stretch
    // (but for the event that crosses the end of each, validated alone).
    let all = feed(&mut decoder, &input, input.len(), |_| true);
    assert!(shared(&all[0].1).is_none());
    let sharing = all
        .iter()
        .filter(|(_, event)| shared(event).is_some())
        .count();
    assert!(sharing > 1500, "{sharing} of 2000 share");
    // And stops once events are read in place again.
    let _ = feed(&mut decoder, &input, input.len(), |_| false);
    let after = feed(&mut decoder, &input[..4096], 4096, |_| true);
    assert!(after.iter().all(|(_, event)| shared(event).is_none()));

    let with_ids: Vec<u8> = (0..2000)
        .flat_map(|i| format!("id: {i}\ndata: token {i:05}\n\n").into_bytes())
        .collect();
    let kept = feed(&mut Decoder::new(), &with_ids, with_ids.len(), |_| true);
    assert!(kept.iter().all(|(_, event)| shared(event).is_none()));
    assert_eq!(kept[1999].1.last_event_id(), "1999");
}
