//! Errors: limits exceeded while decoding, and encoder input that cannot be
//! represented on the wire.
//!
//! "Need more input" is never an error: it is the normal end of a
//! [`Decoder::decode`](crate::Decoder::decode) loop.

use core::fmt;

/// A limit from [`Limits`](crate::Limits) was exceeded while decoding.
///
/// The decoder has already recovered when you see this: it discards the event
/// being built, skips to the next blank line, and decodes the events after it
/// normally. Events dispatched before the error are not affected.
///
/// ```
/// use ssewire::{Decoded, DecodeError, Decoder, Limits};
///
/// let mut decoder = Decoder::builder()
///     .limits(Limits::default().max_line_len(Some(8)))
///     .build();
/// let mut seen = Vec::new();
/// decoder.feed(b"data: far too long\n\ndata: ok\n\n", |item| match item {
///     Decoded::Event(event) => seen.push(Ok(event.data.to_owned())),
///     Decoded::Error(error) => seen.push(Err(error)),
///     _ => {}
/// });
/// assert_eq!(seen, [Err(DecodeError::LineTooLong { limit: 8 }), Ok("ok".to_owned())]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeError {
    /// A line (without its line ending) was longer than
    /// [`Limits::max_line_len`](crate::Limits::max_line_len) bytes. The
    /// decoder stops reading such a line as soon as it passes the limit, so
    /// how long it would have been is not known.
    LineTooLong {
        /// The limit in force, in bytes: the line had more.
        limit: usize,
    },
    /// An event's data (its `data` values joined by LF) grew past
    /// [`Limits::max_event_len`](crate::Limits::max_event_len) bytes. The
    /// decoder stops at the first `data` line that takes it past the limit.
    EventTooLarge {
        /// The limit in force, in bytes: the data would have had more.
        limit: usize,
    },
}

impl fmt::Display for DecodeError {
    /// Says which limit was exceeded, its size and the [`Limits`] field to
    /// raise to accept such an event.
    ///
    /// ```
    /// use ssewire::DecodeError;
    ///
    /// let error = DecodeError::EventTooLarge { limit: 16 << 20 };
    /// assert_eq!(
    ///     error.to_string(),
    ///     "event data over the limit of 16777216 bytes (raise Limits::max_event_len to accept it); \
    ///      the event was discarded and decoding resumes after the next blank line"
    /// );
    /// ```
    ///
    /// [`Limits`]: crate::Limits
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (what, limit, field) = match *self {
            DecodeError::LineTooLong { limit } => ("line", limit, "max_line_len"),
            DecodeError::EventTooLarge { limit } => ("event data", limit, "max_event_len"),
        };
        write!(
            f,
            "{what} over the limit of {limit} bytes (raise Limits::{field} to accept it); \
             the event was discarded and decoding resumes after the next blank line"
        )
    }
}

impl core::error::Error for DecodeError {}

/// Encoder input that cannot be written without changing its meaning.
///
/// A line break inside an `event` or `id` value would end the field early and
/// let the rest of the value be read as new fields, so the encoder refuses it
/// and writes nothing. `data` and comments never fail: their line breaks become
/// several lines.
///
/// ```
/// use ssewire::{EncodeError, Message};
///
/// let mut out = Vec::new();
/// let injected = Message::new("hi").event("x\ndata: forged");
/// assert_eq!(injected.write_to_vec(&mut out), Err(EncodeError::LineBreakInEventType));
/// assert!(out.is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EncodeError {
    /// The event type contains CR or LF.
    LineBreakInEventType,
    /// The id contains CR or LF.
    LineBreakInId,
    /// The id contains U+0000 NULL, which makes receivers ignore the whole
    /// `id` field.
    NulInId,
    /// The [`core::fmt::Write`] destination returned an error (a `String`
    /// never does). Part of the message may have been written.
    Write,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EncodeError::LineBreakInEventType => {
                "event type contains a line break (CR or LF) and cannot be encoded"
            }
            EncodeError::LineBreakInId => {
                "id contains a line break (CR or LF) and cannot be encoded"
            }
            EncodeError::NulInId => "id contains U+0000 NULL, which receivers ignore",
            EncodeError::Write => "the fmt::Write destination failed",
        })
    }
}

impl core::error::Error for EncodeError {}

/// An encoder refusal as an [`std::io::Error`] of kind
/// [`InvalidInput`](std::io::ErrorKind::InvalidInput) wrapping the
/// [`EncodeError`], so `?` works in functions that return `io::Result`.
///
/// ```
/// use ssewire::{EncodeError, Message};
///
/// fn send(out: &mut Vec<u8>, id: &str) -> std::io::Result<()> {
///     Message::new("x").id(id).write_to_vec(out)?;
///     Ok(())
/// }
/// let error = send(&mut Vec::new(), "a\nb").unwrap_err();
/// assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
/// assert_eq!(error.get_ref().and_then(|inner| inner.downcast_ref()), Some(&EncodeError::LineBreakInId));
/// ```
#[cfg(feature = "std")]
impl From<EncodeError> for std::io::Error {
    fn from(error: EncodeError) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, error)
    }
}
