//! Owned decoded items whose text shares the received chunks: [`Event`] and
//! [`Item`], and the conversion from the core decoder's borrowed items.

use core::time::Duration;

use bytes::Bytes;
use ssewire::{DecodeError, Decoded};

use crate::text::{Str, share};

/// An event, owning its text, which shares the received chunk when the
/// event lay inside it.
///
/// The fields mean what [`ssewire::Event`]'s do: the type (`"message"` when
/// unset), the data lines joined by LF, and the last event ID in force.
///
/// ```
/// use ssewire_async::Event;
///
/// let event = Event::new("add", "1", "7");
/// assert_eq!((&*event.event_type, &*event.data, &*event.last_event_id), ("add", "1", "7"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Event {
    /// The `event` field's value, or `"message"` when it was unset or empty.
    pub event_type: Str,
    /// The `data` values joined by LF, without a final LF.
    pub data: Str,
    /// The last event ID when the event was dispatched; it persists from
    /// event to event until an `id` field changes it.
    pub last_event_id: Str,
    /// Whether the block named its own type; see
    /// [`ssewire::Event::own_type`].
    pub own_type: bool,
    /// Whether the block had its own `id` field; see
    /// [`ssewire::Event::own_id`].
    pub own_id: bool,
}

impl Event {
    /// An event with these fields, for tests and for building events by
    /// hand. The type is taken as it is (the decoder gives `"message"` for
    /// an unset one); `own_type` and `own_id` are `false`, as
    /// [`ssewire::Event::new`] leaves them.
    ///
    /// ```
    /// let event = ssewire_async::Event::new("message", String::from("hi"), "");
    /// assert_eq!(event.data, "hi");
    /// ```
    pub fn new(
        event_type: impl Into<Str>,
        data: impl Into<Str>,
        last_event_id: impl Into<Str>,
    ) -> Event {
        Event {
            event_type: event_type.into(),
            data: data.into(),
            last_event_id: last_event_id.into(),
            own_type: false,
            own_id: false,
        }
    }

    /// Sets [`Event::own_type`] and [`Event::own_id`], which [`Event::new`]
    /// leaves `false`.
    ///
    /// ```
    /// let event = ssewire_async::Event::new("add", "1", "7").with_own_fields(true, true);
    /// assert!(event.own_type && event.own_id);
    /// ```
    #[must_use]
    pub fn with_own_fields(mut self, own_type: bool, own_id: bool) -> Event {
        self.own_type = own_type;
        self.own_id = own_id;
        self
    }

    /// Borrows the event as the core crate's [`ssewire::Event`].
    ///
    /// ```
    /// let event = ssewire_async::Event::new("add", "1", "7");
    /// assert_eq!(event.as_event(), ssewire::Event::new("add", "1", "7"));
    /// ```
    pub fn as_event(&self) -> ssewire::Event<'_> {
        ssewire::Event::new(&self.event_type, &self.data, &self.last_event_id)
            .with_own_fields(self.own_type, self.own_id)
    }
}

/// Copies the three strings into one allocation.
impl From<&Event> for ssewire::OwnedEvent {
    fn from(event: &Event) -> ssewire::OwnedEvent {
        event.as_event().into_owned()
    }
}

/// Copies the text once, into one buffer the three fields share.
///
/// ```
/// let owned = ssewire::OwnedEvent::new("add", "1", "7");
/// let event = ssewire_async::Event::from(&owned);
/// assert_eq!(event, ssewire_async::Event::new("add", "1", "7"));
/// ```
impl From<&ssewire::OwnedEvent> for Event {
    fn from(event: &ssewire::OwnedEvent) -> Event {
        let parts = [event.event_type(), event.data(), event.last_event_id()];
        let text = Str::from(parts.concat());
        let mut at = 0;
        let [event_type, data, last_event_id] = parts.map(|part| {
            let piece = text
                .get(at..at + part.len())
                .and_then(|piece| text.slice_ref(piece));
            at += part.len();
            piece.unwrap_or_default()
        });
        Event {
            event_type,
            data,
            last_event_id,
            own_type: event.own_type(),
            own_id: event.own_id(),
        }
    }
}

impl From<ssewire::OwnedEvent> for Event {
    fn from(event: ssewire::OwnedEvent) -> Event {
        Event::from(&event)
    }
}

impl From<ssewire::Event<'_>> for Event {
    fn from(event: ssewire::Event<'_>) -> Event {
        Event {
            own_type: event.own_type,
            own_id: event.own_id,
            ..Event::new(event.event_type, event.data, event.last_event_id)
        }
    }
}

/// One thing found in the stream, in stream order: the owned form of
/// [`ssewire::Decoded`].
///
/// ```
/// use std::time::Duration;
/// use ssewire_async::{Event, Item};
///
/// let item = Item::Retry(Duration::from_millis(1500));
/// assert!(matches!(item, Item::Retry(time) if time.as_millis() == 1500));
/// assert_eq!(Item::Event(Event::new("a", "b", "")).event().map(|e| &*e.data), Some("b"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Item {
    /// A blank line dispatched an event.
    Event(Event),
    /// A `retry` field set the reconnection time.
    Retry(Duration),
    /// A comment line, reported only by a decoder built with
    /// [`ssewire::DecoderBuilder::comments`].
    Comment(Str),
    /// A limit was exceeded: that event was skipped and decoding goes on.
    Error(DecodeError),
}

impl Item {
    /// The event, if this is one.
    pub fn event(&self) -> Option<&Event> {
        match self {
            Item::Event(event) => Some(event),
            _ => None,
        }
    }

    /// The event, if this is one, by value.
    ///
    /// ```
    /// let item = ssewire_async::Item::Event(ssewire_async::Event::new("a", "b", ""));
    /// assert_eq!(item.into_event().unwrap().data, "b");
    /// ```
    pub fn into_event(self) -> Option<Event> {
        match self {
            Item::Event(event) => Some(event),
            _ => None,
        }
    }
}

/// The default event type, shared rather than copied for each event.
const MESSAGE: Str = Str::from_static("message");

/// Turns the core decoder's borrowed items into owned ones that share the
/// chunk they were decoded from.
///
/// The event type and last event ID usually repeat from event to event, so
/// the last of each is kept and shared again when the next is equal. A kept
/// one that shares a chunk is copied when that chunk is done with, so that a
/// long-lived ID does not keep a whole chunk alive.
#[derive(Debug, Default, Clone)]
pub(crate) struct Sharer {
    last_id: Kept,
    last_type: Kept,
}

#[derive(Debug, Default, Clone)]
struct Kept {
    text: Str,
    shares_chunk: bool,
}

impl Kept {
    /// `text`, sharing the kept string when equal to it.
    #[inline]
    fn get(&mut self, text: &str, chunk: &Bytes) -> Str {
        if !same_text(&self.text, text) {
            match share(text, chunk) {
                Some(shared) => {
                    self.shares_chunk = shared.is_shared();
                    self.text = shared;
                }
                None => (self.text, self.shares_chunk) = (Str::from(text), false),
            }
        }
        self.text.clone()
    }

    fn chunk_done(&mut self) {
        if self.shares_chunk {
            self.text = Str::from(&*self.text);
            self.shares_chunk = false;
        }
    }
}

/// Whether `kept` holds `text`. Not `==`, which calls the C library's
/// vectorised `memcmp`: for these short strings, often empty, its setup cost
/// more than the rest of the conversion (measured; docs/PERF-LOG.md).
#[inline]
fn same_text(kept: &str, text: &str) -> bool {
    kept.len() == text.len() && kept.bytes().zip(text.bytes()).all(|(a, b)| a == b)
}

impl Sharer {
    /// Copies what the kept strings share of the chunk just finished.
    pub(crate) fn chunk_done(&mut self) {
        self.last_id.chunk_done();
        self.last_type.chunk_done();
    }

    /// The owned form of `item`, which was decoded from (part of) `chunk`;
    /// `None` for kinds of item this crate does not know yet.
    pub(crate) fn convert(&mut self, item: Decoded<'_>, chunk: &Bytes) -> Option<Item> {
        Some(match item {
            Decoded::Event(event) => Item::Event(Event {
                // The decoder gives the default type unless the block named
                // its own, so the flag spares comparing the text.
                event_type: if !event.own_type || same_text(event.event_type, "message") {
                    MESSAGE
                } else {
                    self.last_type.get(event.event_type, chunk)
                },
                data: share_or_copy(event.data, chunk),
                // No ID is the common case (token streams): nothing to share.
                last_event_id: if event.last_event_id.is_empty() {
                    Str::new()
                } else {
                    self.last_id.get(event.last_event_id, chunk)
                },
                own_type: event.own_type,
                own_id: event.own_id,
            }),
            Decoded::Retry(time) => Item::Retry(time),
            Decoded::Comment(text) => Item::Comment(share_or_copy(text, chunk)),
            Decoded::Error(error) => Item::Error(error),
            _ => return None,
        })
    }
}

/// `text` sharing `chunk` if it lies inside it, copied otherwise.
#[inline]
fn share_or_copy(text: &str, chunk: &Bytes) -> Str {
    share(text, chunk).unwrap_or_else(|| Str::from(text))
}
