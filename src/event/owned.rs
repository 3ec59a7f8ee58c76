//! Owned copies of what the decoder hands out, for keeping past the next
//! `decode` call or sending to another thread.

use alloc::string::String;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::time::Duration;

use super::{Decoded, Event};
use crate::error::DecodeError;

/// An [`Event`] that owns its strings, for keeping past the next
/// [`Decoder::decode`](crate::Decoder::decode) call or sending to another thread.
///
/// The three strings share one allocation; the default type `message` is not
/// copied, and an event with only that type, empty data and no ID allocates
/// nothing.
#[derive(Clone)]
pub struct OwnedEvent {
    /// Type (unless `message_type`), data and ID, back to back.
    text: String,
    type_end: usize,
    data_end: usize,
    /// The type is `message` and is not in `text`.
    message_type: bool,
    own_type: bool,
    own_id: bool,
}

// Kept to the size it had with the type always copied.
const _: () = assert!(core::mem::size_of::<OwnedEvent>() <= 48);

/// The default type, kept out of `text` since most events have it.
const MESSAGE: &str = "message";

impl OwnedEvent {
    /// An owned event with these fields, in one allocation; see
    /// [`Event::new`].
    ///
    /// ```
    /// use ssewire::{Decoder, Decoded, OwnedEvent};
    ///
    /// let mut decoder = Decoder::new();
    /// let (item, _) = decoder.decode(b"id: 7\ndata: 1\n\ndata: 2\n\n");
    /// let Some(Decoded::Event(event)) = item else { panic!("an event") };
    /// // The block's `id` is its own: `OwnedEvent::new` leaves that unset.
    /// assert_ne!(event.into_owned(), OwnedEvent::new("message", "1", "7"));
    /// let (item, _) = decoder.decode(b"data: 2\n\n");
    /// let Some(Decoded::Event(event)) = item else { panic!("an event") };
    /// assert_eq!(event.into_owned(), OwnedEvent::new("message", "2", "7"));
    /// ```
    pub fn new(event_type: &str, data: &str, last_event_id: &str) -> OwnedEvent {
        Event::new(event_type, data, last_event_id).into_owned()
    }

    /// The event type; see [`Event::event_type`].
    ///
    /// ```
    /// let event = ssewire::OwnedEvent::new("add", "1", "7");
    /// assert_eq!(
    ///     (event.event_type(), event.data(), event.last_event_id()),
    ///     ("add", "1", "7")
    /// );
    /// assert!(!event.own_type() && !event.own_id());
    /// ```
    #[must_use]
    pub fn event_type(&self) -> &str {
        if self.message_type {
            MESSAGE
        } else {
            &self.text[..self.type_end]
        }
    }

    /// The data; see [`Event::data`].
    ///
    /// ```
    /// let event = ssewire::OwnedEvent::new("add", "1", "7");
    /// assert_eq!(
    ///     (event.event_type(), event.data(), event.last_event_id()),
    ///     ("add", "1", "7")
    /// );
    /// assert!(!event.own_type() && !event.own_id());
    /// ```
    #[must_use]
    pub fn data(&self) -> &str {
        &self.text[self.type_end..self.data_end]
    }

    /// The last event ID in force; see [`Event::last_event_id`].
    ///
    /// ```
    /// let event = ssewire::OwnedEvent::new("add", "1", "7");
    /// assert_eq!(
    ///     (event.event_type(), event.data(), event.last_event_id()),
    ///     ("add", "1", "7")
    /// );
    /// assert!(!event.own_type() && !event.own_id());
    /// ```
    #[must_use]
    pub fn last_event_id(&self) -> &str {
        &self.text[self.data_end..]
    }

    /// Whether the block named its own type; see [`Event::own_type`].
    ///
    /// ```
    /// let event = ssewire::OwnedEvent::new("add", "1", "7");
    /// assert_eq!(
    ///     (event.event_type(), event.data(), event.last_event_id()),
    ///     ("add", "1", "7")
    /// );
    /// assert!(!event.own_type() && !event.own_id());
    /// ```
    #[must_use]
    pub fn own_type(&self) -> bool {
        self.own_type
    }

    /// Whether the block had its own `id` field; see [`Event::own_id`].
    ///
    /// ```
    /// let event = ssewire::OwnedEvent::new("add", "1", "7");
    /// assert_eq!(
    ///     (event.event_type(), event.data(), event.last_event_id()),
    ///     ("add", "1", "7")
    /// );
    /// assert!(!event.own_type() && !event.own_id());
    /// ```
    #[must_use]
    pub fn own_id(&self) -> bool {
        self.own_id
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
            own_type: self.own_type,
            own_id: self.own_id,
        }
    }
}

// By field values, whatever the layout of `text`.
impl PartialEq for OwnedEvent {
    fn eq(&self, other: &OwnedEvent) -> bool {
        self.as_event() == other.as_event()
    }
}

impl Eq for OwnedEvent {}

impl Hash for OwnedEvent {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_event().hash(state);
    }
}

impl fmt::Debug for OwnedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedEvent")
            .field("event_type", &self.event_type())
            .field("data", &self.data())
            .field("last_event_id", &self.last_event_id())
            .field("own_type", &self.own_type())
            .field("own_id", &self.own_id())
            .finish()
    }
}

impl From<Event<'_>> for OwnedEvent {
    /// See [`Event::into_owned`].
    fn from(event: Event<'_>) -> OwnedEvent {
        let message_type = event.event_type == MESSAGE;
        let event_type = if message_type { "" } else { event.event_type };
        let type_end = event_type.len();
        let data_end = type_end + event.data.len();
        // The usual event (default type, no ID) is its data: one exact copy.
        let text = if event_type.is_empty() && event.last_event_id.is_empty() {
            String::from(event.data)
        } else {
            let mut text = String::with_capacity(data_end + event.last_event_id.len());
            text.push_str(event_type);
            text.push_str(event.data);
            text.push_str(event.last_event_id);
            text
        };
        OwnedEvent {
            text,
            type_end,
            data_end,
            message_type,
            own_type: event.own_type,
            own_id: event.own_id,
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
