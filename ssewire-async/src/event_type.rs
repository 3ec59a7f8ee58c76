//! Event types checked once, so that messages built from them encode
//! without a `Result`.

use std::borrow::Cow;

use ssewire::{EncodeError, Message};

use crate::Encoded;

/// An event type checked once, at construction, to hold no line break: what
/// [`Encoded::event`] takes to encode without a `Result`.
///
/// ```
/// use ssewire_async::EventType;
///
/// const UPDATE: EventType = EventType::from_static("update");
/// assert_eq!(UPDATE.as_str(), "update");
/// assert!(EventType::new("price\ndata: forged".to_owned()).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EventType(Cow<'static, str>);

impl EventType {
    /// A known event type.
    ///
    /// # Panics
    ///
    /// On a line break in `event_type`: at compile time when the result is a
    /// `const`, as it should be.
    ///
    /// ```should_panic
    /// ssewire_async::EventType::from_static("two\nlines");
    /// ```
    pub const fn from_static(event_type: &'static str) -> EventType {
        let bytes = event_type.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            assert!(
                bytes[at] != b'\n' && bytes[at] != b'\r',
                "an event type cannot hold a line break"
            );
            at += 1;
        }
        EventType(Cow::Borrowed(event_type))
    }

    /// An event type from elsewhere; fails with
    /// [`EncodeError::LineBreakInEventType`] on a line break.
    pub fn new(event_type: String) -> Result<EventType, EncodeError> {
        Message::default().event(&event_type).validate()?;
        Ok(EventType(Cow::Owned(event_type)))
    }

    /// The event type.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Encoded {
    /// An event of a type checked beforehand, with a numeric id if any; it
    /// cannot fail, since neither can hold a line break.
    ///
    /// ```
    /// use ssewire_async::{Encoded, EventType};
    ///
    /// const UPDATE: EventType = EventType::from_static("update");
    /// let update = Encoded::event(&UPDATE, Some(7), "{\"price\":1}");
    /// assert_eq!(update.as_bytes(), "event: update\nid: 7\ndata: {\"price\":1}\n\n");
    /// assert_eq!(Encoded::event(&UPDATE, None, "x").as_bytes(), "event: update\ndata: x\n\n");
    /// ```
    pub fn event(event_type: &EventType, id: Option<u64>, data: &str) -> Encoded {
        let id = id.map(|id| id.to_string());
        let message = Message::new(data).event(event_type.as_str());
        Encoded::infallible(&match &id {
            Some(id) => message.id(id),
            None => message,
        })
    }
}
