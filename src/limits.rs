//! Limits that bound the decoder's memory, whatever a peer sends.

/// The longest prefix of a `data` value on its line: the field name, the
/// colon and the one space the decoder drops.
const DATA_PREFIX: &str = "data: ";

/// Bounds on what one decoder buffers.
///
/// The standard sets no limits: a line or an event may be any length. A
/// decoder facing an untrusted peer needs some, so the defaults are generous
/// for real streams and still bound what a hostile peer can make a decoder
/// hold. [`Limits::unlimited`] gives the standard's behaviour exactly.
///
/// Going over a limit yields [`DecodeError`](crate::DecodeError) for that
/// event; the decoder discards the event, skips to the next blank line and
/// carries on.
///
/// # The defaults
///
/// 16 MiB of event data, and lines of 16 MiB plus the 6 bytes of `data: `.
/// Real streams send far less (LLM token streams and dashboards send lines of
/// a few hundred bytes), but some send a whole image or document as one
/// base64 `data` line of several MiB. The line limit is set from the event
/// limit so that it is never what rejects such an event: a `data` line's
/// value is at most as long in the stream as it is decoded (an invalid byte
/// becomes a 3-byte U+FFFD, never less), so any one-line event within
/// [`Limits::max_event_len`] is a line within [`Limits::max_line_len`]. When
/// you raise the event limit, raise the line limit with it:
///
/// ```
/// use ssewire::Limits;
///
/// let event_limit = 64 << 20;
/// let limits = Limits::default()
///     .max_event_len(Some(event_limit))
///     .max_line_len(Some(event_limit + "data: ".len()));
/// assert_eq!(limits.max_line_len, Some(64 * 1024 * 1024 + 6));
/// // The defaults keep the same relation.
/// assert_eq!(
///     Limits::DEFAULT_MAX_LINE_LEN,
///     Limits::DEFAULT_MAX_EVENT_LEN + "data: ".len()
/// );
/// ```
///
/// # Memory
///
/// What one decoder buffers is bounded by these limits:
///
/// - the line being read, when a chunk ends inside it: at most
///   `max_line_len` bytes of the stream;
/// - the event's data: at most `max_event_len` bytes of decoded text;
/// - the event type, the last event ID and the pending `id` of the current
///   block: each from one line, so at most `max_line_len` bytes of the
///   stream, which decode to at most three times that when every byte is
///   invalid UTF-8 and becomes a 3-byte U+FFFD.
///
/// That is at most `max_event_len + 10 × max_line_len` bytes of content,
/// about 176 MiB under the defaults, reached only by a peer that crafts it
/// (three 16 MiB lines of invalid UTF-8, a 16 MiB event and a 16 MiB line
/// that never ends). With comments reported, the line buffer may hold a
/// decoded comment line instead of a partial line, so add `2 × max_line_len`.
/// Buffers grow by doubling, as `Vec` and `String` do, and keep their
/// capacity between events, so the heap they take is at most twice their
/// content: about 352 MiB under the defaults.
/// [`Decoder::shrink_to_fit`](crate::Decoder::shrink_to_fit) returns what
/// the current event does not need.
///
/// The defaults suit a client reading a few streams from servers it chose.
/// A server that holds many connections from peers it does not trust
/// multiplies that bound by the number of connections: size the limits to
/// what its clients really send, for example:
///
/// ```
/// use ssewire::{Decoder, Limits};
///
/// // Small events from many untrusted peers: at most 704 KiB of content each.
/// let limits = Limits::default()
///     .max_line_len(Some(64 << 10))
///     .max_event_len(Some(64 << 10));
/// let decoder = Decoder::builder().limits(limits).build();
/// assert_eq!(decoder.limits(), limits);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Limits {
    /// Longest line accepted, in bytes of the stream, not counting its line
    /// ending. Applies to every line: fields, comments and unknown fields
    /// alike. `None`: no
    /// limit. Default: [`Limits::DEFAULT_MAX_LINE_LEN`].
    pub max_line_len: Option<usize>,
    /// Largest event data accepted, in bytes of decoded text (UTF-8, with
    /// U+FFFD for invalid sequences): the `data` values of one event joined
    /// by LF. Counting decoded text makes the decision the same however the
    /// stream is chunked. `None`: no limit. Default:
    /// [`Limits::DEFAULT_MAX_EVENT_LEN`].
    pub max_event_len: Option<usize>,
}

impl Limits {
    /// Default for [`Limits::max_event_len`]: 16 MiB.
    ///
    /// ```
    /// assert_eq!(ssewire::Limits::DEFAULT_MAX_EVENT_LEN, 16 * 1024 * 1024);
    /// ```
    pub const DEFAULT_MAX_EVENT_LEN: usize = 16 << 20;
    /// Default for [`Limits::max_line_len`]: the event limit plus the 6
    /// bytes of `data: `, the longest prefix of a `data` value, so that a
    /// one-line event within the event limit is always within the line limit
    /// too.
    ///
    /// ```
    /// assert_eq!(ssewire::Limits::DEFAULT_MAX_LINE_LEN, 16 * 1024 * 1024 + 6);
    /// ```
    pub const DEFAULT_MAX_LINE_LEN: usize = Limits::DEFAULT_MAX_EVENT_LEN + DATA_PREFIX.len();

    /// No limits at all: exactly the standard's behaviour, and memory grows
    /// with whatever the peer sends. Use only with trusted peers.
    ///
    /// ```
    /// assert_eq!(ssewire::Limits::unlimited().max_line_len, None);
    /// ```
    pub const fn unlimited() -> Limits {
        Limits {
            max_line_len: None,
            max_event_len: None,
        }
    }

    /// Sets [`Limits::max_line_len`].
    ///
    /// ```
    /// use ssewire::Limits;
    ///
    /// let limits = Limits::default().max_line_len(Some(4096));
    /// assert_eq!(limits.max_line_len, Some(4096));
    /// assert_eq!(limits.max_event_len, Some(Limits::DEFAULT_MAX_EVENT_LEN));
    /// ```
    #[must_use]
    pub const fn max_line_len(mut self, limit: Option<usize>) -> Limits {
        self.max_line_len = limit;
        self
    }

    /// Sets [`Limits::max_event_len`]. Raising it past the line limit less
    /// 6 bytes makes one-line events of that size fail as
    /// [`DecodeError::LineTooLong`](crate::DecodeError::LineTooLong): see
    /// [the defaults](Limits#the-defaults).
    ///
    /// ```
    /// use ssewire::Limits;
    ///
    /// let limits = Limits::default().max_event_len(None);
    /// assert_eq!(limits.max_event_len, None);
    /// assert_eq!(limits.max_line_len, Some(Limits::DEFAULT_MAX_LINE_LEN));
    /// ```
    #[must_use]
    pub const fn max_event_len(mut self, limit: Option<usize>) -> Limits {
        self.max_event_len = limit;
        self
    }

    /// The line limit with "none" as `usize::MAX`, which no buffer can reach.
    pub(crate) const fn line_cap(self) -> usize {
        match self.max_line_len {
            Some(n) => n,
            None => usize::MAX,
        }
    }

    /// The event limit with "none" as `usize::MAX`, which no buffer can reach.
    pub(crate) const fn event_cap(self) -> usize {
        match self.max_event_len {
            Some(n) => n,
            None => usize::MAX,
        }
    }
}

impl Default for Limits {
    /// 16 MiB of event data, lines of 16 MiB plus 6 bytes: see
    /// [the defaults](Limits#the-defaults).
    ///
    /// ```
    /// use ssewire::Limits;
    ///
    /// assert_eq!(Limits::default().max_event_len, Some(Limits::DEFAULT_MAX_EVENT_LEN));
    /// assert_eq!(Limits::default().max_line_len, Some(Limits::DEFAULT_MAX_LINE_LEN));
    /// ```
    fn default() -> Limits {
        Limits {
            max_line_len: Some(Limits::DEFAULT_MAX_LINE_LEN),
            max_event_len: Some(Limits::DEFAULT_MAX_EVENT_LEN),
        }
    }
}
