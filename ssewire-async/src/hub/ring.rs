//! The hub's one buffer: the newest events in publication order, bounded by
//! count and bytes. It is the replay history and every subscriber's live
//! queue at once: a subscriber is a position (a sequence number) in it, so
//! subscribing after an id is a single lookup, and the history slice and the
//! live tail cannot disagree.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::Encoded;

use super::EventId;

/// A published event as kept.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The publisher's id; `None` when the hub numbered the event, whose id
    /// is then its sequence number.
    pub(crate) id: Option<Arc<str>>,
    pub(crate) message: Encoded,
}

/// Where a subscriber starts, found from its `Last-Event-ID`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// The event with this sequence number was the client's last; every
    /// later one is still kept.
    After(u64),
    /// Not an id of a kept event, nor the one just before the oldest kept.
    Unknown,
}

#[derive(Debug)]
pub(crate) struct Ring {
    entries: VecDeque<Entry>,
    /// The sequence number of `entries[0]`; sequence numbers start at 1, so
    /// 0 is the position before the first event ever published.
    first: u64,
    bytes: usize,
    max_len: usize,
    max_bytes: usize,
}

impl Ring {
    pub(crate) fn new(max_len: usize, max_bytes: usize) -> Ring {
        Ring {
            entries: VecDeque::new(),
            first: 1,
            bytes: 0,
            max_len: max_len.max(1),
            max_bytes,
        }
    }

    /// The sequence number the next event will get.
    pub(crate) fn next(&self) -> u64 {
        self.first + self.entries.len() as u64
    }

    /// The sequence number of the oldest event kept (`next()` when none is).
    pub(crate) fn first(&self) -> u64 {
        self.first
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Appends an event and evicts the oldest ones past the bounds. The
    /// newest event is always kept, however large, so that live subscribers
    /// get it.
    pub(crate) fn push(&mut self, entry: Entry) -> u64 {
        let seq = self.next();
        self.bytes += entry.message.as_bytes().len();
        self.entries.push_back(entry);
        while self.entries.len() > self.max_len
            || (self.bytes > self.max_bytes && self.entries.len() > 1)
        {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.message.as_bytes().len();
                self.first += 1;
            }
        }
        seq
    }

    pub(crate) fn get(&self, seq: u64) -> Option<&Entry> {
        let index = usize::try_from(seq.checked_sub(self.first)?).ok()?;
        self.entries.get(index)
    }

    /// The id of the event at `seq` as a client would hold it, for the
    /// priming event. Positions outside the ring are hub-numbered ids.
    pub(crate) fn id_at(&self, seq: u64) -> EventId {
        match self.get(seq).and_then(|entry| entry.id.clone()) {
            Some(text) => EventId::text(text),
            None => EventId::seq(seq),
        }
    }

    /// Finds the event a client last received. Hub-numbered ids are found
    /// by arithmetic; the publisher's ids by a scan from the newest.
    pub(crate) fn find(&self, last_event_id: &str) -> Found {
        if let Ok(seq) = last_event_id.parse::<u64>() {
            // The event just before the oldest kept counts as known: every
            // event after it is still here, so the resume is exact.
            let numbered = seq.checked_add(1) == Some(self.first)
                || self.get(seq).is_some_and(|entry| entry.id.is_none());
            if numbered && seq.to_string() == last_event_id {
                return Found::After(seq);
            }
        }
        self.entries
            .iter()
            .rposition(|entry| entry.id.as_deref() == Some(last_event_id))
            .map_or(Found::Unknown, |index| {
                Found::After(self.first + index as u64)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(data: &str) -> Entry {
        Entry {
            id: None,
            message: Encoded::data(data),
        }
    }

    #[test]
    fn evicts_by_count_and_by_bytes_keeping_the_newest() {
        let mut ring = Ring::new(3, 1000);
        for n in 0..5 {
            ring.push(numbered(&n.to_string()));
        }
        assert_eq!((ring.first(), ring.next(), ring.len()), (3, 6, 3));
        // "data: 0\n\n" is 9 bytes: 20 bytes hold two.
        let mut ring = Ring::new(100, 20);
        for n in 0..5 {
            ring.push(numbered(&n.to_string()));
        }
        assert_eq!((ring.first(), ring.len(), ring.bytes()), (4, 2, 18));
        ring.push(numbered(&"x".repeat(100)));
        assert_eq!((ring.first(), ring.len()), (6, 1));
    }

    #[test]
    fn finds_numbered_and_publisher_ids() {
        let mut ring = Ring::new(3, 1000);
        for n in 0..5 {
            ring.push(numbered(&n.to_string()));
        }
        ring.push(Entry {
            id: Some("a".into()),
            message: Encoded::data("a"),
        });
        // Kept: 4, 5, "a" (6).
        assert_eq!(ring.find("5"), Found::After(5));
        assert_eq!(ring.find("3"), Found::After(3), "just before the oldest");
        assert_eq!(ring.find("2"), Found::Unknown, "evicted");
        assert_eq!(ring.find("6"), Found::Unknown, "6 is named \"a\"");
        assert_eq!(ring.find("a"), Found::After(6));
        assert_eq!(ring.find("05"), Found::Unknown, "not how the hub writes 5");
        assert_eq!(ring.find("9"), Found::Unknown, "not yet published");
        assert_eq!(ring.id_at(6).to_string(), "a");
        assert_eq!(ring.id_at(4).to_string(), "4");
    }
}
