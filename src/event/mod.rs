//! What the decoder hands out: events, the other items of a stream, and how
//! a stream ended.

mod owned;

pub(crate) use owned::SharedText;
pub use owned::{OwnedDecoded, OwnedEvent};

use alloc::string::String;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::time::Duration;

use crate::encode::Message;
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
#[derive(Clone, Copy)]
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
    /// Whether the block named its own type: `event_type` came from a
    /// non-empty `event` field, not the default `message`.
    pub own_type: bool,
    /// Whether the block had its own `id` field, so that `last_event_id` was
    /// set by it rather than carried over from an earlier block.
    pub own_id: bool,
    /// The text [`Decoder::feed`](crate::Decoder::feed) validated at once,
    /// if the event was read from it: [`Event::into_owned`] shares it.
    pub(crate) shared: Option<&'a SharedText<'a>>,
}

// What the decoder hands out may be held across an `.await` in a `Send`
// future or sent to another thread: the reference to shared text must keep
// it so.
const _: () = {
    const fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<Event<'static>>();
    send_and_sync::<Decoded<'static>>();
    send_and_sync::<OwnedEvent>();
    send_and_sync::<OwnedDecoded>();
};

// By field values, wherever the strings lie.
impl PartialEq for Event<'_> {
    fn eq(&self, other: &Event<'_>) -> bool {
        self.fields() == other.fields()
    }
}

impl Eq for Event<'_> {}

impl Hash for Event<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.fields().hash(state);
    }
}

impl fmt::Debug for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("event_type", &self.event_type)
            .field("data", &self.data)
            .field("last_event_id", &self.last_event_id)
            .field("own_type", &self.own_type)
            .field("own_id", &self.own_id)
            .finish()
    }
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
            own_type: false,
            own_id: false,
            shared: None,
        }
    }

    /// The fields that make the event, for comparing and hashing.
    fn fields(&self) -> (&str, &str, &str, bool, bool) {
        (
            self.event_type,
            self.data,
            self.last_event_id,
            self.own_type,
            self.own_id,
        )
    }

    /// Sets [`Event::own_type`] and [`Event::own_id`], which [`Event::new`]
    /// leaves `false`.
    ///
    /// ```
    /// use ssewire::{Decoded, Decoder, Event};
    ///
    /// let mut decoder = Decoder::new();
    /// let (item, _) = decoder.decode(b"id: 7\ndata: 1\n\n");
    /// let expected = Event::new("message", "1", "7").with_own_fields(false, true);
    /// assert_eq!(item, Some(Decoded::Event(expected)));
    /// ```
    #[must_use]
    pub const fn with_own_fields(mut self, own_type: bool, own_id: bool) -> Event<'a> {
        self.own_type = own_type;
        self.own_id = own_id;
        self
    }

    /// The message that writes this event's block again as it came: its
    /// data, and `event` and `id` lines only where the block had its own.
    /// A proxy that decodes and re-encodes a stream adds no line that was
    /// never sent. Decoded values never hold what the encoder refuses, so
    /// writing the message cannot fail for them.
    ///
    /// The ID an event carries over may have been set by a block with no
    /// data, which dispatched nothing; to pass it on, see
    /// [`Event::to_message_after`].
    ///
    /// ```
    /// use ssewire::{Decoded, Decoder};
    ///
    /// let mut decoder = Decoder::new();
    /// let mut out = Vec::new();
    /// decoder.feed(b"id: 1\ndata: a\n\nevent: tick\ndata: b\n\n", |item| {
    ///     if let Decoded::Event(event) = item {
    ///         event.to_message().write_to_vec(&mut out).expect("decoded values encode");
    ///     }
    /// });
    /// assert_eq!(out, b"id: 1\ndata: a\n\nevent: tick\ndata: b\n\n");
    /// ```
    pub fn to_message(&self) -> Message<'a> {
        let mut message = Message::new(self.data);
        if self.own_type {
            message = message.event(self.event_type);
        }
        if self.own_id {
            message = message.id(self.last_event_id);
        }
        message
    }

    /// As [`Event::to_message`], for a receiver whose last event ID is
    /// `receivers_id` (the last one forwarded to it): the `id` line is also
    /// written when the event's ID differs from it, so the receiver ends up
    /// with the same last event ID as the sender.
    ///
    /// ```
    /// use ssewire::{Decoded, Decoder};
    ///
    /// let mut decoder = Decoder::new();
    /// let mut out = Vec::new();
    /// let mut forwarded = String::new();
    /// // The first block sets an ID and dispatches nothing.
    /// decoder.feed(b"id: 5\n\ndata: a\n\ndata: b\n\n", |item| {
    ///     if let Decoded::Event(event) = item {
    ///         let message = event.to_message_after(&forwarded);
    ///         message.write_to_vec(&mut out).expect("decoded values encode");
    ///         forwarded = event.last_event_id.to_owned();
    ///     }
    /// });
    /// assert_eq!(out, b"id: 5\ndata: a\n\ndata: b\n\n");
    /// ```
    pub fn to_message_after(&self, receivers_id: &str) -> Message<'a> {
        let message = self.to_message();
        if !self.own_id && self.last_event_id != receivers_id {
            return message.id(self.last_event_id);
        }
        message
    }
    /// Copies the event into an [`OwnedEvent`], in one allocation; or, for
    /// an event with no ID that [`Decoder::feed`](crate::Decoder::feed)
    /// read while most events are being made owned, shares one copy of the
    /// text it lies in with the events around it (see [`OwnedEvent`]).
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
        OwnedEvent::from(self)
    }
}

impl<'a> From<Event<'a>> for Message<'a> {
    /// See [`Event::to_message`].
    fn from(event: Event<'a>) -> Message<'a> {
        event.to_message()
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
    /// next call or send to another thread. An event takes at most one
    /// allocation (see [`Event::into_owned`]), a comment one; the other
    /// items none.
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
