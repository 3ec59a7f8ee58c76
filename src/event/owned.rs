//! Owned copies of what the decoder hands out, for keeping past the next
//! `decode` call or sending to another thread.

use alloc::string::String;
#[cfg(target_has_atomic = "ptr")]
use alloc::sync::Arc;
use core::fmt;
use core::hash::{Hash, Hasher};
#[cfg(target_has_atomic = "ptr")]
use core::sync::atomic::{AtomicUsize, Ordering};
use core::time::Duration;

use super::{Decoded, Event};
use crate::error::DecodeError;

/// An [`Event`] that owns its strings, for keeping past the next
/// [`Decoder::decode`](crate::Decoder::decode) call or sending to another thread.
///
/// The three strings share one allocation; the default type `message` is not
/// copied, and an event with only that type, empty data and no ID allocates
/// nothing.
///
/// An event from [`Decoder::feed`](crate::Decoder::feed) with no ID may
/// instead share, through an [`Arc`](alloc::sync::Arc), a copy of the
/// stretch of text `feed` validated at once (at most about 4.5 KiB) with
/// the other events in it: one allocation for them all, which the last of
/// them to be dropped frees. `feed` copies a stretch only while at least
/// half the events of the one before were made owned, so that events kept
/// now and then mostly take copies of their own rather than keep a stretch
/// alive. Either way the event reads the same.
#[derive(Clone)]
pub struct OwnedEvent {
    text: Text,
    /// The type is `message` and is not in `text`.
    message_type: bool,
    own_type: bool,
    own_id: bool,
}

/// Where an [`OwnedEvent`]'s strings are.
#[derive(Clone)]
enum Text {
    /// Type (unless `message_type`), data and ID, back to back.
    Own {
        text: String,
        type_end: usize,
        data_end: usize,
    },
    /// The type and data of an event with no ID, as ranges of text shared
    /// with other events (a few KiB: `u16` offsets).
    #[cfg(target_has_atomic = "ptr")]
    Shared {
        text: Arc<str>,
        event_type: Span,
        data: Span,
    },
}

/// A range of shared text.
#[cfg(target_has_atomic = "ptr")]
#[derive(Clone, Copy)]
struct Span {
    start: u16,
    end: u16,
}

#[cfg(target_has_atomic = "ptr")]
impl Span {
    /// Where `part` lies in `text`, if it does (an empty part lies anywhere).
    fn of(part: &str, text: &str) -> Option<Span> {
        if part.is_empty() {
            return Some(Span { start: 0, end: 0 });
        }
        let start = part.as_ptr().addr().checked_sub(text.as_ptr().addr())?;
        let end = start.checked_add(part.len())?;
        if end > text.len() {
            return None;
        }
        Some(Span {
            start: u16::try_from(start).ok()?,
            end: u16::try_from(end).ok()?,
        })
    }

    fn get(self, text: &str) -> &str {
        text.get(usize::from(self.start)..usize::from(self.end))
            .unwrap_or_default()
    }
}

// Kept to the size it had with the type always copied.
const _: () = assert!(core::mem::size_of::<OwnedEvent>() <= 48);

/// The default type, kept out of `text` since most events have it.
const MESSAGE: &str = "message";

/// Whether `event_type` is the default, and the type to keep: none for it.
#[inline]
fn type_to_keep(event_type: &str) -> (bool, &str) {
    let message_type = event_type == MESSAGE;
    (message_type, if message_type { "" } else { event_type })
}

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
    #[inline]
    pub fn event_type(&self) -> &str {
        if self.message_type {
            return MESSAGE;
        }
        match &self.text {
            Text::Own { text, type_end, .. } => &text[..*type_end],
            #[cfg(target_has_atomic = "ptr")]
            Text::Shared {
                text, event_type, ..
            } => event_type.get(text),
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
    #[inline]
    pub fn data(&self) -> &str {
        match &self.text {
            Text::Own {
                text,
                type_end,
                data_end,
            } => &text[*type_end..*data_end],
            #[cfg(target_has_atomic = "ptr")]
            Text::Shared { text, data, .. } => data.get(text),
        }
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
    #[inline]
    pub fn last_event_id(&self) -> &str {
        match &self.text {
            Text::Own { text, data_end, .. } => &text[*data_end..],
            // Only an event with no ID shares its text.
            #[cfg(target_has_atomic = "ptr")]
            Text::Shared { .. } => "",
        }
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
            shared: None,
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
        if let Some(owned) = event.shared.and_then(|shared| shared.share(&event)) {
            return owned;
        }
        let (message_type, event_type) = type_to_keep(event.event_type);
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
            text: Text::Own {
                text,
                type_end,
                data_end,
            },
            message_type,
            own_type: event.own_type,
            own_id: event.own_id,
        }
    }
}

/// Text of the input that [`Decoder::feed`](crate::Decoder::feed) validated
/// at once, and what the owned events lying in it may share.
///
/// Copying the text costs about as much as copying the events in it, and
/// an owned event sharing the copy keeps all of it alive; so the decoder
/// copies a stretch only while most events of the last one were kept.
pub(crate) struct SharedText<'i> {
    /// The text, where it lies in the input.
    text: &'i str,
    #[cfg(target_has_atomic = "ptr")]
    copy: Option<Arc<str>>,
    /// Events handed out from the text.
    served: usize,
    /// Of those, events that could share the text and were made owned.
    #[cfg(target_has_atomic = "ptr")]
    kept: AtomicUsize,
}

impl<'i> SharedText<'i> {
    /// `text`, copied if `copy`.
    #[inline]
    pub(crate) fn new(text: &'i str, copy: bool) -> SharedText<'i> {
        #[cfg(not(target_has_atomic = "ptr"))]
        let _ = copy;
        SharedText {
            text,
            #[cfg(target_has_atomic = "ptr")]
            copy: copy.then(|| Arc::from(text)),
            served: 0,
            #[cfg(target_has_atomic = "ptr")]
            kept: AtomicUsize::new(0),
        }
    }

    /// One more event was handed out from the text.
    #[inline]
    pub(crate) fn note_served(&mut self) {
        self.served += 1;
    }

    /// Whether the stretch after this one is worth copying: at least half
    /// the events handed out from this one were kept.
    #[inline]
    pub(crate) fn mostly_kept(&self) -> bool {
        #[cfg(target_has_atomic = "ptr")]
        let kept = self.kept.load(Ordering::Relaxed);
        #[cfg(not(target_has_atomic = "ptr"))]
        let kept = 0_usize;
        // An `Event` is `Copy`, so one event may be counted more than once.
        self.served > 0 && kept.saturating_mul(2) >= self.served
    }

    /// `event` as an [`OwnedEvent`] sharing the copy, if its strings lie in
    /// the text (the default type `message` and an empty ID need not) and
    /// the text was copied. Notes that an event that could share was kept.
    #[inline]
    fn share(&self, event: &Event<'_>) -> Option<OwnedEvent> {
        #[cfg(target_has_atomic = "ptr")]
        {
            // The decoder holds the last event ID, out of the input.
            if !event.last_event_id.is_empty() {
                return None;
            }
            let data = Span::of(event.data, self.text)?;
            self.kept.fetch_add(1, Ordering::Relaxed);
            let (message_type, event_type) = type_to_keep(event.event_type);
            let event_type = Span::of(event_type, self.text)?;
            Some(OwnedEvent {
                text: Text::Shared {
                    text: Arc::clone(self.copy.as_ref()?),
                    event_type,
                    data,
                },
                message_type,
                own_type: event.own_type,
                own_id: event.own_id,
            })
        }
        #[cfg(not(target_has_atomic = "ptr"))]
        {
            let _ = (event, self.text);
            None
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

#[cfg(all(test, target_has_atomic = "ptr"))]
mod tests;
