//! Limits that bound the decoder's memory, whatever a peer sends.

/// Bounds on what one decoder buffers.
///
/// The standard sets no limits: a line or an event may be any length. A
/// decoder facing an untrusted peer needs some, so the defaults are generous
/// for real streams (LLM token streams and dashboards send lines of a few
/// hundred bytes) and small enough that a hostile peer cannot exhaust memory.
/// [`Limits::unlimited`] gives the standard's behaviour exactly.
///
/// Going over a limit yields [`DecodeError`](crate::DecodeError) for that
/// event; the decoder discards the event, skips to the next blank line and
/// carries on.
///
/// What a decoder buffers is bounded by these limits: the line being read
/// (at most `max_line_len` bytes of the stream), the event's data (at most
/// `max_event_len` bytes of decoded text; buffers never grow past it), and
/// its event type and pending id (each from one line, so at most
/// `max_line_len` bytes of the stream, or three times that decoded when every
/// byte is invalid UTF-8 and becomes a 3-byte U+FFFD).
///
/// ```
/// use ssewire::Limits;
///
/// let limits = Limits::default().max_line_len(Some(64 * 1024)).max_event_len(None);
/// assert_eq!(limits.max_line_len, Some(64 * 1024));
/// assert_eq!(limits.max_event_len, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Limits {
    /// Longest line accepted, in bytes of the stream, not counting its line
    /// ending. Applies
    /// to every line: fields, comments and unknown fields alike. `None`: no
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
    /// Default for [`Limits::max_line_len`]: 1 MiB.
    pub const DEFAULT_MAX_LINE_LEN: usize = 1 << 20;
    /// Default for [`Limits::max_event_len`]: 4 MiB.
    pub const DEFAULT_MAX_EVENT_LEN: usize = 4 << 20;

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
    #[must_use]
    pub const fn max_line_len(mut self, limit: Option<usize>) -> Limits {
        self.max_line_len = limit;
        self
    }

    /// Sets [`Limits::max_event_len`].
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
    /// 1 MiB lines, 4 MiB event data.
    fn default() -> Limits {
        Limits {
            max_line_len: Some(Limits::DEFAULT_MAX_LINE_LEN),
            max_event_len: Some(Limits::DEFAULT_MAX_EVENT_LEN),
        }
    }
}
