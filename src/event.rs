//! What the decoder hands out: events, the other items of a stream, and how
//! a stream ended.

use alloc::string::String;
use core::fmt;
use core::time::Duration;

use crate::error::DecodeError;

/// An event dispatched by the decoder.
///
/// Its strings borrow from the chunk passed to [`Decoder::decode`](crate::Decoder::decode) when the
/// event lay inside it, and from the decoder otherwise; either way nothing is
/// allocated for it. Call [`Event::into_owned`] to keep it past the next call.
///
/// ```
/// use ssewire::{Decoded, Decoder};
///
/// let mut decoder = Decoder::new();
/// let (item, _) = decoder.decode(b"event: add\nid: 7\ndata: 1\ndata: 2\n\n");
/// let Some(Decoded::Event(event)) = item else { panic!("an event") };
/// assert_eq!(event.event_type, "add");
/// assert_eq!(event.data, "1\n2");
/// assert_eq!(event.last_event_id, "7");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Event<'a> {
    /// The `event` field's value, or `"message"` when it was unset or empty.
    pub event_type: &'a str,
    /// The `data` field values joined by LF (no trailing LF). May be empty:
    /// a bare `data` line dispatches an event with empty data.
    pub data: &'a str,
    /// The last event ID in force when the event was dispatched. It persists
    /// from event to event until an `id` field changes it, and is empty when
    /// no `id` was ever set (or an empty one reset it).
    pub last_event_id: &'a str,
}

impl<'a> Event<'a> {
    /// An event with these fields, for testing code that handles events.
    /// The decoder gives `"message"` for an unset type; this takes the type
    /// as it is.
    ///
    /// ```
    /// use ssewire::Event;
    ///
    /// fn describe(event: &Event<'_>) -> String {
    ///     format!("{}: {}", event.event_type, event.data)
    /// }
    /// assert_eq!(describe(&Event::new("add", "1", "7")), "add: 1");
    /// ```
    pub const fn new(event_type: &'a str, data: &'a str, last_event_id: &'a str) -> Event<'a> {
        Event {
            event_type,
            data,
            last_event_id,
        }
    }

    /// Copies the event into an [`OwnedEvent`], in one allocation.
    ///
    /// ```
    /// # use ssewire::{Decoded, Decoder};
    /// let mut decoder = Decoder::new();
    /// let mut events = Vec::new();
    /// decoder.feed(b"data: a\n\ndata: b\n\n", |item| {
    ///     if let Decoded::Event(event) = item {
    ///         events.push(event.into_owned());
    ///     }
    /// });
    /// assert_eq!(events[1].data(), "b");
    /// ```
    pub fn into_owned(self) -> OwnedEvent {
        let mut text = String::with_capacity(
            self.event_type.len() + self.data.len() + self.last_event_id.len(),
        );
        text.push_str(self.event_type);
        text.push_str(self.data);
        text.push_str(self.last_event_id);
        OwnedEvent {
            text,
            type_end: self.event_type.len(),
            data_end: self.event_type.len() + self.data.len(),
        }
    }
}

/// An [`Event`] that owns its strings, for keeping past the next
/// [`Decoder::decode`](crate::Decoder::decode) call or sending to another thread.
///
/// The three strings share one allocation.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OwnedEvent {
    text: String,
    type_end: usize,
    data_end: usize,
}

impl OwnedEvent {
    /// An owned event with these fields, in one allocation; see
    /// [`Event::new`].
    ///
    /// ```
    /// use ssewire::{Decoder, Decoded, OwnedEvent};
    ///
    /// let mut decoder = Decoder::new();
    /// let (item, _) = decoder.decode(b"event: add\nid: 7\ndata: 1\n\n");
    /// let Some(Decoded::Event(event)) = item else { panic!("an event") };
    /// assert_eq!(event.into_owned(), OwnedEvent::new("add", "1", "7"));
    /// ```
    pub fn new(event_type: &str, data: &str, last_event_id: &str) -> OwnedEvent {
        Event::new(event_type, data, last_event_id).into_owned()
    }

    /// The event type; see [`Event::event_type`].
    pub fn event_type(&self) -> &str {
        &self.text[..self.type_end]
    }

    /// The data; see [`Event::data`].
    pub fn data(&self) -> &str {
        &self.text[self.type_end..self.data_end]
    }

    /// The last event ID in force; see [`Event::last_event_id`].
    pub fn last_event_id(&self) -> &str {
        &self.text[self.data_end..]
    }

    /// Borrows the event back as an [`Event`].
    ///
    /// ```
    /// # use ssewire::{Decoded, Decoder};
    /// let mut decoder = Decoder::new();
    /// let (item, _) = decoder.decode(b"data: x\n\n");
    /// let Some(Decoded::Event(event)) = item else { panic!() };
    /// let owned = event.into_owned();
    /// assert_eq!(owned.as_event(), event);
    /// ```
    pub fn as_event(&self) -> Event<'_> {
        Event {
            event_type: self.event_type(),
            data: self.data(),
            last_event_id: self.last_event_id(),
        }
    }
}

impl fmt::Debug for OwnedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedEvent")
            .field("event_type", &self.event_type())
            .field("data", &self.data())
            .field("last_event_id", &self.last_event_id())
            .finish()
    }
}

impl From<Event<'_>> for OwnedEvent {
    fn from(event: Event<'_>) -> OwnedEvent {
        event.into_owned()
    }
}

/// One thing the decoder found in the stream, in stream order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Decoded<'a> {
    /// A blank line dispatched an event.
    Event(Event<'a>),
    /// A `retry` field set the reconnection time (the field is in
    /// milliseconds). It takes effect when the line is read, not at
    /// dispatch, and is reported each time, even when the value does not
    /// change.
    Retry(Duration),
    /// A comment line (`:` first), with the text after the colon and one
    /// leading space removed. Reported only when
    /// [`DecoderBuilder::comments`](crate::DecoderBuilder::comments) is on; comments never affect events.
    Comment(&'a str),
    /// A limit was exceeded. The event being built is discarded and the
    /// decoder skips to the next blank line; it needs nothing from you to
    /// carry on.
    Error(DecodeError),
}

impl Decoded<'_> {
    /// Copies the item into an [`OwnedDecoded`], to keep past the decoder's
    /// next call or send to another thread. An event takes one allocation,
    /// a comment one; the other items none.
    ///
    /// ```
    /// use ssewire::{Decoder, OwnedDecoded};
    ///
    /// let mut decoder = Decoder::new();
    /// let mut items = Vec::new();
    /// decoder.feed(b"retry: 10\ndata: a\n\n", |item| items.push(item.into_owned()));
    /// assert!(matches!(&items[1], OwnedDecoded::Event(event) if event.data() == "a"));
    /// ```
    pub fn into_owned(self) -> OwnedDecoded {
        match self {
            Decoded::Event(event) => OwnedDecoded::Event(event.into_owned()),
            Decoded::Retry(time) => OwnedDecoded::Retry(time),
            Decoded::Comment(text) => OwnedDecoded::Comment(String::from(text)),
            Decoded::Error(error) => OwnedDecoded::Error(error),
        }
    }
}

/// A [`Decoded`] item that owns its strings, from [`Decoded::into_owned`].
///
/// ```
/// use std::time::Duration;
/// use ssewire::{Decoder, OwnedDecoded};
///
/// let mut decoder = Decoder::new();
/// let (item, _) = decoder.decode(b"retry: 1500\n");
/// assert_eq!(item.map(|item| item.into_owned()), Some(OwnedDecoded::Retry(Duration::from_millis(1500))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OwnedDecoded {
    /// See [`Decoded::Event`].
    Event(OwnedEvent),
    /// See [`Decoded::Retry`].
    Retry(Duration),
    /// See [`Decoded::Comment`].
    Comment(String),
    /// See [`Decoded::Error`].
    Error(DecodeError),
}

impl From<Decoded<'_>> for OwnedDecoded {
    fn from(item: Decoded<'_>) -> OwnedDecoded {
        item.into_owned()
    }
}

/// How a stream ended, from [`Decoder::finish`](crate::Decoder::finish).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "a truncated stream is usually worth logging"]
pub enum Finish {
    /// The stream ended at an event boundary: nothing was discarded.
    Clean,
    /// The stream did not end at an event boundary: it ended inside a line,
    /// inside an event (after a field line with no blank line since), or
    /// inside a block being skipped after a [`Decoded::Error`]. As the
    /// standard requires, an incomplete event is discarded, never dispatched.
    Truncated,
}

/// What a [`Decoder`](crate::Decoder) holds for the line and event in progress, in bytes,
/// from [`Decoder::buffered`](crate::Decoder::buffered): for monitoring memory per connection, and for
/// tests and fuzz targets that check the limits hold.
///
/// Each part is bounded by the decoder's [`Limits`](crate::Limits): `line` by
/// `max_line_len`, `data` by `max_event_len`, and `event_type` and `id`, each
/// decoded from one line, by three times `max_line_len` (an invalid byte
/// decodes to the three bytes of U+FFFD). The last event ID, which persists
/// across events, is not counted.
///
/// ```
/// let mut decoder = ssewire::Decoder::new();
/// decoder.feed(b"data: cut", |_| {});
/// assert_eq!(decoder.buffered().line, 9);
/// assert_eq!(decoder.buffered().total(), 9);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Buffered {
    /// Stream bytes of a line that a chunk boundary cut, kept until its end
    /// arrives.
    pub line: usize,
    /// The event's data so far: its `data` values joined by LF, in bytes.
    pub data: usize,
    /// The event's type so far (its last `event` value), in bytes of text.
    pub event_type: usize,
    /// The event's pending `id` value, committed at its blank line, in bytes
    /// of text.
    pub id: usize,
}

impl Buffered {
    /// All parts added up.
    ///
    /// ```
    /// let mut decoder = ssewire::Decoder::new();
    /// decoder.feed(b"event: x\nid: 12\n", |_| {});
    /// assert_eq!(decoder.buffered().total(), 3);
    /// ```
    #[must_use]
    pub fn total(&self) -> usize {
        self.line + self.data + self.event_type + self.id
    }
}
