//! Decoding: bytes in, events out, following the WHATWG "interpreting an
//! event stream" algorithm.
//!
//! The decoder is a push state machine. Bytes are split into lines (CR LF, LF
//! or CR), lines into fields, and fields are interpreted as the standard says.
//! Lines that lie inside the chunk being decoded are read in place; only a
//! line cut by the end of a chunk, or an event that outlives one
//! [`Decoder::decode`] call, is copied into the decoder's own buffers.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Range;
use core::time::Duration;

use crate::error::DecodeError;
use crate::limits::Limits;
use crate::scan;

/// An event dispatched by the decoder.
///
/// Its strings borrow from the chunk passed to [`Decoder::decode`] when the
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
/// [`Decoder::decode`] call or sending to another thread.
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
    /// [`DecoderBuilder::comments`] is on; comments never affect events.
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

/// How a stream ended, from [`Decoder::finish`].
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

/// Builds a [`Decoder`] with non-default settings.
///
/// ```
/// use ssewire::{Decoded, Decoder, Limits};
///
/// let mut decoder = Decoder::builder()
///     .comments(true)
///     .limits(Limits::default().max_event_len(Some(64 * 1024)))
///     .build();
/// let (item, _) = decoder.decode(b": keep-alive\n");
/// assert_eq!(item, Some(Decoded::Comment("keep-alive")));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[must_use]
pub struct DecoderBuilder {
    limits: Limits,
    comments: bool,
}

impl DecoderBuilder {
    /// Sets the limits; default [`Limits::default`].
    pub fn limits(mut self, limits: Limits) -> DecoderBuilder {
        self.limits = limits;
        self
    }

    /// Reports comment lines as [`Decoded::Comment`] (for keep-alive
    /// detection); default off, which skips them as the standard's
    /// interpretation does.
    pub fn comments(mut self, yes: bool) -> DecoderBuilder {
        self.comments = yes;
        self
    }

    /// Builds the decoder. It holds no heap memory until it needs to.
    pub fn build(self) -> Decoder {
        Decoder {
            line: Vec::new(),
            data: Vec::new(),
            event_type: String::new(),
            ids: String::new(),
            id_len: 0,
            retry: None,
            line_cap: self.limits.line_cap(),
            event_cap: self.limits.event_cap(),
            bom: Bom::Pending(0),
            skip: Skip::Off,
            after_cr: false,
            has_data: false,
            has_pending_id: false,
            comments: self.comments,
            dispatched: false,
            line_is_stale: false,
            data_from: 0,
        }
    }
}

/// What a [`Decoder`] holds for the line and event in progress, in bytes,
/// from [`Decoder::buffered`]: for monitoring memory per connection, and for
/// tests and fuzz targets that check the limits hold.
///
/// Each part is bounded by the decoder's [`Limits`]: `line` by
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

/// Incremental `text/event-stream` decoder.
///
/// Feed it the stream's bytes in chunks of any size, split anywhere; it
/// yields exactly the events the whole stream holds. See the
/// [crate documentation](crate) for the format and a complete example.
///
/// Memory: a new decoder holds no heap memory. It keeps the last event ID,
/// and buffers only what spans a chunk boundary (a cut line, an event whose
/// lines arrived in several chunks, or data of several lines), bounded by its
/// [`Limits`]. Buffers keep their capacity for reuse;
/// [`Decoder::shrink_to_fit`] gives it back.
#[derive(Clone)]
pub struct Decoder {
    /// The start of a line that the previous chunk ended inside.
    line: Vec<u8>,
    /// The data buffer, once it could no longer be borrowed from the input:
    /// the values joined by LF as they came, validated as UTF-8 once, at
    /// dispatch, while the limit cannot be reached (see
    /// [`Decoder::push_data_line`]); decoded value by value past that.
    data: Vec<u8>,
    /// The event type buffer, likewise.
    event_type: String,
    /// The last event ID string, followed by the pending `id` value of the
    /// current block when [`Decoder::has_pending_id`] is set.
    ids: String,
    /// Length of the last event ID string at the front of `ids`.
    id_len: usize,
    retry: Option<u64>,
    line_cap: usize,
    event_cap: usize,
    bom: Bom,
    skip: Skip,
    /// The last byte decoded was a CR, so an LF that starts the next chunk
    /// belongs to the same line ending.
    after_cr: bool,
    /// The current block has had a `data` line, held in `data`.
    has_data: bool,
    has_pending_id: bool,
    comments: bool,
    /// The previous call dispatched an event borrowing `data` and
    /// `event_type`; they are cleared at the start of the next call.
    dispatched: bool,
    /// `line` holds a comment that was handed out, not a partial line.
    line_is_stale: bool,
    /// Bytes at the front of `data` that are not data: the field name of a
    /// long `data` line cut by a chunk boundary, whose buffer became the data
    /// buffer instead of being copied into it (see [`ADOPT_MIN`]).
    data_from: u8,
}

// A decoder per connection must stay small: five words for the three strings
// and a vector would be 96 bytes alone. Keep it within three cache lines.
const _: () = assert!(core::mem::size_of::<Decoder>() <= 160);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bom {
    /// At the start of the stream, with this many bytes of a possible BOM
    /// (EF BB BF) seen and held back.
    Pending(u8),
    /// Past the start: any further EF BB BF is ordinary text.
    Done,
}

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Skip {
    Off,
    /// Discarding lines until a blank one, at a line start.
    Block,
    /// Discarding lines until a blank one, inside a non-empty line.
    Line,
}

/// Field values found in the current input during one `decode` call, as
/// ranges into it, not yet validated: the blank line that dispatches the
/// event validates them as UTF-8 in one pass ([`Decoder::settle`]), since a
/// call per field costs more than the bytes it checks. They take precedence
/// over the decoder's own buffers and are copied there (lossily decoded)
/// before the call returns mid-event.
#[derive(Default)]
struct Raw {
    data: Option<Range<usize>>,
    event_type: Option<Range<usize>>,
    id: Option<Range<usize>>,
    /// Where the first of them starts and the last one ends: lines are read
    /// in order, so the input between holds every one.
    from: Option<usize>,
    to: usize,
}

/// A `data` line at least this long that a chunk boundary cut is not copied
/// from the line buffer into the data buffer: the two buffers trade places.
/// Measured on `large` (64 KiB lines) in 4 KiB chunks: one 64 KiB copy less
/// per event, about half the instructions. Short lines are still copied:
/// adopting them saved next to nothing (measured), and this way adoption
/// needs an event limit of at least 3 x this, so the field name of at most
/// 6 bytes kept in front never takes the buffer past the limit.
const ADOPT_MIN: usize = 256;

/// The dispatched event's values that lie in the input, validated as UTF-8
/// (invalid ones were decoded lossily into the decoder's buffers instead).
struct Borrowed<'i> {
    data: Option<&'i str>,
    event_type: Option<&'i str>,
}

/// What a `decode` call hands back, decided before the borrows are built.
enum Emit<'i> {
    Nothing,
    Event(Borrowed<'i>),
    Retry(u64),
    CommentInInput(&'i str),
    /// A comment held in `line`, from this offset.
    CommentInLine(usize),
    Error(DecodeError),
}

/// What a line is, with the offset at which its value starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Blank,
    Comment,
    Data,
    Event,
    Id,
    Retry,
    Other,
}

fn classify(line: &[u8]) -> (LineKind, usize) {
    let Some(&first) = line.first() else {
        return (LineKind::Blank, 0);
    };
    if first == b':' {
        return (LineKind::Comment, value_start(line, 0));
    }
    // Fast path for the four field names followed by their colon, which is
    // nearly every line of a real stream: compare the prefix, skip the search.
    let known = match first {
        b'd' if line.starts_with(b"data:") => Some((LineKind::Data, 4)),
        b'e' if line.starts_with(b"event:") => Some((LineKind::Event, 5)),
        b'i' if line.starts_with(b"id:") => Some((LineKind::Id, 2)),
        b'r' if line.starts_with(b"retry:") => Some((LineKind::Retry, 5)),
        _ => None,
    };
    if let Some((kind, colon)) = known {
        return (kind, value_start(line, colon));
    }
    let Some(colon) = scan::find_colon(line) else {
        return (field_kind(line), line.len());
    };
    (field_kind(&line[..colon]), value_start(line, colon))
}

/// Whether an `id` value holds a NUL (such an `id` field is ignored). Ids are
/// short: a byte loop over them costs less than `memchr`'s setup (measured:
/// 14 fewer instructions per event on the `small` workload); long ones still
/// go to `contains`.
#[allow(clippy::manual_contains)] // deliberately not `memchr` below 32 bytes
fn has_nul(value: &[u8]) -> bool {
    if value.len() < 32 {
        value.iter().any(|&b| b == 0)
    } else {
        value.contains(&0)
    }
}

/// Skips the colon and at most one U+0020 SPACE after it.
fn value_start(line: &[u8], colon: usize) -> usize {
    if line.get(colon + 1) == Some(&b' ') {
        colon + 2
    } else {
        colon + 1
    }
}

fn field_kind(name: &[u8]) -> LineKind {
    match name {
        b"data" => LineKind::Data,
        b"event" => LineKind::Event,
        b"id" => LineKind::Id,
        b"retry" => LineKind::Retry,
        _ => LineKind::Other,
    }
}

/// The `retry` value: ASCII digits only. A value too large for `u64` is
/// ignored, like any other value that is not a valid reconnection time.
fn parse_retry(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    value.iter().try_fold(0u64, |n, &digit| {
        n.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
    })
}

/// Appends `bytes` decoded as UTF-8, each invalid sequence replaced by
/// U+FFFD. Field boundaries are ASCII bytes, which never occur inside a UTF-8
/// sequence, so decoding field by field equals decoding the whole stream.
pub(crate) fn push_lossy(out: &mut String, bytes: &[u8]) {
    if let Ok(text) = core::str::from_utf8(bytes) {
        out.push_str(text);
        return;
    }
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
}

/// The length of `bytes` decoded as UTF-8 with U+FFFD (three bytes) for each
/// invalid sequence, without decoding them.
fn decoded_len(bytes: &[u8]) -> usize {
    if core::str::from_utf8(bytes).is_ok() {
        return bytes.len();
    }
    bytes
        .utf8_chunks()
        .map(|chunk| {
            let replacement = if chunk.invalid().is_empty() { 0 } else { 3 };
            chunk.valid().len() + replacement
        })
        .sum()
}

/// The data in the data buffer: after the adopted field name, if any.
fn data_text(data: &[u8], from: u8) -> &[u8] {
    data.get(usize::from(from)..).unwrap_or_default()
}

/// Makes room for `additional` more bytes, doubling as `Vec` does but never
/// past `limit` unless the bytes themselves need it, so that a buffer bounded
/// by a limit holds at most that much memory.
fn reserve_within(buf: &mut Vec<u8>, additional: usize, limit: usize) {
    let needed = buf.len().saturating_add(additional);
    if needed > buf.capacity() {
        let target = buf.capacity().saturating_mul(2).min(limit).max(needed);
        buf.reserve_exact(target - buf.len());
    }
}

/// [`push_lossy`] into a byte buffer.
fn push_lossy_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    if core::str::from_utf8(bytes).is_ok() {
        out.extend_from_slice(bytes);
        return;
    }
    for chunk in bytes.utf8_chunks() {
        out.extend_from_slice(chunk.valid().as_bytes());
        if !chunk.invalid().is_empty() {
            out.extend_from_slice("\u{FFFD}".as_bytes());
        }
    }
}

impl Default for Decoder {
    fn default() -> Decoder {
        Decoder::new()
    }
}

impl Decoder {
    /// A decoder with [`Limits::default`] that skips comments.
    pub fn new() -> Decoder {
        DecoderBuilder::default().build()
    }

    /// Starts building a decoder with other limits or with comments reported.
    pub fn builder() -> DecoderBuilder {
        DecoderBuilder::default()
    }

    /// The limits this decoder enforces.
    pub fn limits(&self) -> Limits {
        let cap = |n: usize| (n != usize::MAX).then_some(n);
        Limits::default()
            .max_line_len(cap(self.line_cap))
            .max_event_len(cap(self.event_cap))
    }

    /// The last event ID string: the ID committed by the most recent blank
    /// line. A reconnecting client sends it as the `Last-Event-ID` header.
    ///
    /// ```
    /// let mut decoder = ssewire::Decoder::new();
    /// decoder.feed(b"id: 41\n\nid: 42\n", |_| {});
    /// // `id: 42` has no blank line after it yet.
    /// assert_eq!(decoder.last_event_id(), "41");
    /// ```
    pub fn last_event_id(&self) -> &str {
        self.ids.get(..self.id_len).unwrap_or_default()
    }

    /// The reconnection time set by the last valid `retry` field, or `None`
    /// if there was none.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let mut decoder = ssewire::Decoder::new();
    /// decoder.feed(b"retry: 2500\n", |_| {});
    /// assert_eq!(decoder.retry(), Some(Duration::from_millis(2500)));
    /// ```
    #[must_use]
    pub fn retry(&self) -> Option<Duration> {
        self.retry.map(Duration::from_millis)
    }

    /// How much the decoder holds for the line and the event in progress, as
    /// the next call will see it (an event or comment already handed out is
    /// not counted). Each part stays within the decoder's [`Limits`]; see
    /// [`Buffered`].
    ///
    /// ```
    /// let mut decoder = ssewire::Decoder::new();
    /// decoder.feed(b"event: add\nid: 7\ndata: 1\ndata: 2\n\ndata: 3\nda", |_| {});
    /// let held = decoder.buffered();
    /// assert_eq!((held.line, held.data, held.event_type, held.id), (2, 1, 0, 0));
    /// ```
    #[must_use]
    pub fn buffered(&self) -> Buffered {
        let lent_event = self.dispatched;
        Buffered {
            line: if self.line_is_stale {
                0
            } else {
                self.line.len()
            },
            data: if lent_event {
                0
            } else {
                data_text(&self.data, self.data_from).len()
            },
            event_type: if lent_event { 0 } else { self.event_type.len() },
            id: if self.has_pending_id {
                self.ids.len() - self.id_len
            } else {
                0
            },
        }
    }

    /// Decodes from `input` up to and including the next thing to report.
    ///
    /// Returns what was found and how many bytes of `input` were consumed.
    /// Call again with the rest of `input` (`&input[consumed..]`) until it
    /// returns `None`, which means all of `input` was consumed and the decoder
    /// needs the next chunk. Bytes of an unfinished line or event are kept by
    /// the decoder, so never pass consumed bytes again.
    ///
    /// ```
    /// use ssewire::{Decoded, Decoder};
    ///
    /// let mut decoder = Decoder::new();
    /// let mut types = Vec::new();
    /// for chunk in [&b"event: a\ndata: 1\n\nda"[..], b"ta: 2\n\n"] {
    ///     let mut input = chunk;
    ///     loop {
    ///         let (item, consumed) = decoder.decode(input);
    ///         input = &input[consumed..];
    ///         match item {
    ///             Some(Decoded::Event(event)) => types.push(event.event_type.to_owned()),
    ///             Some(_) => {}
    ///             None => break,
    ///         }
    ///     }
    /// }
    /// assert_eq!(types, ["a", "message"]);
    /// ```
    #[must_use = "the decoder may have consumed only part of the input"]
    pub fn decode<'a>(&'a mut self, input: &'a [u8]) -> (Option<Decoded<'a>>, usize) {
        self.release_previous();
        let (emit, consumed) = self.step(input);
        (self.assemble(emit), consumed)
    }

    /// Decodes all of `input`, calling `on_item` for each thing found.
    ///
    /// ```
    /// use ssewire::{Decoded, Decoder};
    ///
    /// let mut decoder = Decoder::new();
    /// let mut data = Vec::new();
    /// decoder.feed(b"data: hello\n\ndata: wor", |item| {
    ///     if let Decoded::Event(event) = item {
    ///         data.push(event.data.to_owned());
    ///     }
    /// });
    /// decoder.feed(b"ld\n\n", |item| {
    ///     if let Decoded::Event(event) = item {
    ///         data.push(event.data.to_owned());
    ///     }
    /// });
    /// assert_eq!(data, ["hello", "world"]);
    /// ```
    pub fn feed<F>(&mut self, mut input: &[u8], mut on_item: F)
    where
        F: FnMut(Decoded<'_>),
    {
        loop {
            let (item, consumed) = self.decode(input);
            input = &input[consumed..];
            match item {
                Some(item) => on_item(item),
                None => return,
            }
        }
    }

    /// Ends the stream: discards an incomplete event, as the standard
    /// requires, and says whether there was one.
    ///
    /// The decoder is then ready for a new stream (a reconnection): a BOM is
    /// stripped again at its start. The last event ID and the reconnection
    /// time are kept, since a reconnecting client needs both.
    ///
    /// ```
    /// use ssewire::{Decoder, Finish};
    ///
    /// let mut decoder = Decoder::new();
    /// decoder.feed(b"id: 1\ndata: a\n\ndata: cut off", |_| {});
    /// assert_eq!(decoder.finish(), Finish::Truncated);
    /// assert_eq!(decoder.last_event_id(), "1");
    /// ```
    pub fn finish(&mut self) -> Finish {
        self.release_previous();
        let truncated = !self.line.is_empty()
            || self.has_data
            || self.has_pending_id
            || !self.event_type.is_empty()
            || self.skip != Skip::Off
            || matches!(self.bom, Bom::Pending(1..));
        self.discard_block();
        self.skip = Skip::Off;
        self.after_cr = false;
        self.bom = Bom::Pending(0);
        if truncated {
            Finish::Truncated
        } else {
            Finish::Clean
        }
    }

    /// Returns the decoder to its freshly built state, forgetting the last
    /// event ID and reconnection time too, but keeping its settings and
    /// buffer capacity (for reuse from a pool).
    pub fn reset(&mut self) {
        let _ = self.finish();
        self.ids.clear();
        self.id_len = 0;
        self.retry = None;
    }

    /// Frees buffer capacity not needed for the current state.
    pub fn shrink_to_fit(&mut self) {
        self.release_previous();
        self.line.shrink_to_fit();
        self.data.shrink_to_fit();
        self.event_type.shrink_to_fit();
        self.ids.shrink_to_fit();
    }

    /// Clears what the previous call lent out.
    fn release_previous(&mut self) {
        if self.dispatched {
            self.dispatched = false;
            self.clear_data();
            self.event_type.clear();
            self.has_data = false;
        }
        if self.line_is_stale {
            self.line_is_stale = false;
            self.line.clear();
        }
    }

    /// Forgets the event being built (not the last event ID string).
    fn discard_block(&mut self) {
        self.line.clear();
        self.clear_data();
        self.has_data = false;
        self.event_type.clear();
        self.ids.truncate(self.id_len);
        self.has_pending_id = false;
    }

    /// Runs the state machine over `input` until there is something to report
    /// or the input is used up. All mutation happens here, so that
    /// [`Decoder::assemble`] can lend out borrows.
    fn step<'i>(&mut self, input: &'i [u8]) -> (Emit<'i>, usize) {
        let mut pos = 0;
        if let Bom::Pending(seen) = self.bom {
            let mut seen = usize::from(seen);
            while seen < BOM.len() && pos < input.len() && input[pos] == BOM[seen] {
                seen += 1;
                pos += 1;
            }
            if seen == BOM.len() {
                self.bom = Bom::Done;
            } else if pos == input.len() {
                // Still could be a BOM: hold the bytes back.
                #[allow(clippy::cast_possible_truncation)] // seen < 3
                let held = seen as u8;
                self.bom = Bom::Pending(held);
                return (Emit::Nothing, pos);
            } else {
                // Not a BOM: what was held back is the start of the first line.
                self.line.extend_from_slice(&BOM[..seen]);
                self.bom = Bom::Done;
            }
        }
        if self.after_cr && pos < input.len() {
            self.after_cr = false;
            if input[pos] == b'\n' {
                pos += 1;
            }
        }

        let mut raw = Raw::default();
        loop {
            let rest = &input[pos..];
            let Some(len) = scan::find_line_end(rest) else {
                return (self.stash_partial_line(input, pos, &mut raw), input.len());
            };
            let start = pos;
            let end = pos + len;
            pos = end + 1;
            if input[end] == b'\r' {
                match input.get(pos) {
                    Some(b'\n') => pos += 1,
                    Some(_) => {}
                    // The LF of a CR LF may start the next chunk.
                    None => self.after_cr = true,
                }
            }

            if self.skip != Skip::Off {
                self.skip = if self.skip == Skip::Block && start == end {
                    Skip::Off
                } else {
                    Skip::Block
                };
                continue;
            }

            let emit = if self.line.is_empty() {
                self.interpret_input_line(input, start..end, &mut raw)
            } else {
                self.interpret_cut_line(&input[start..end])
            };
            match emit {
                Emit::Nothing => {}
                Emit::Error(_) => {
                    self.discard_block();
                    self.skip = Skip::Block;
                    return (emit, pos);
                }
                Emit::Retry(_) | Emit::CommentInInput(_) | Emit::CommentInLine(_) => {
                    self.keep(input, &mut raw);
                    return (emit, pos);
                }
                Emit::Event(_) => return (emit, pos),
            }
        }
    }

    /// The input ended inside a line: keep the fields found so far and the
    /// start of the line for the next call.
    fn stash_partial_line<'i>(&mut self, input: &'i [u8], pos: usize, raw: &mut Raw) -> Emit<'i> {
        let rest = &input[pos..];
        if rest.is_empty() {
            self.keep(input, raw);
            return Emit::Nothing;
        }
        if self.skip != Skip::Off {
            self.skip = Skip::Line;
            return Emit::Nothing;
        }
        if self.line.len() + rest.len() > self.line_cap {
            self.discard_block();
            self.skip = Skip::Line;
            return Emit::Error(DecodeError::LineTooLong {
                limit: self.line_cap,
            });
        }
        self.keep(input, raw);
        reserve_within(&mut self.line, rest.len(), self.line_cap);
        self.line.extend_from_slice(rest);
        Emit::Nothing
    }

    /// Copies field values still borrowed from the input into the decoder.
    #[inline]
    fn keep(&mut self, input: &[u8], raw: &mut Raw) {
        // Nothing recorded in this call (a long line arriving in pieces).
        if raw.from.is_none() {
            return;
        }
        self.keep_fields(input, raw);
    }

    #[inline(never)]
    fn keep_fields(&mut self, input: &[u8], raw: &mut Raw) {
        if let Some(data) = raw.data.take() {
            self.clear_data();
            // It was checked against the limit when it was read.
            let fits = self.push_data_line(&input[data]);
            debug_assert!(fits);
        }
        if let Some(event_type) = raw.event_type.take() {
            self.event_type.clear();
            push_lossy(&mut self.event_type, &input[event_type]);
        }
        if let Some(id) = raw.id.take() {
            self.set_pending_id(&input[id]);
        }
        raw.from = None;
    }

    /// At the blank line: validates the raw field values of the event in one
    /// pass over the input that holds them and commits the id. Values that
    /// are not valid UTF-8 are decoded lossily into the decoder's buffers.
    fn settle<'i>(&mut self, input: &'i [u8], raw: &mut Raw) -> Borrowed<'i> {
        let end = raw.to;
        // Field values start after a colon (or its space) and end before a
        // line break: ASCII bytes, so in valid text they are char boundaries.
        let span = raw.from.take().and_then(|lo| {
            core::str::from_utf8(input.get(lo..end)?)
                .ok()
                .map(|t| (lo, t))
        });
        let text = |r: &Range<usize>| -> Option<&'i str> {
            match span {
                Some((lo, text)) => text.get(r.start - lo..r.end - lo),
                None => core::str::from_utf8(&input[r.clone()]).ok(),
            }
        };
        if let Some(id) = raw.id.take() {
            self.ids.clear();
            match text(&id) {
                Some(id) => self.ids.push_str(id),
                None => push_lossy(&mut self.ids, &input[id]),
            }
            self.id_len = self.ids.len();
            self.has_pending_id = false;
        } else {
            self.commit_pending_id();
        }
        let mut borrowed = Borrowed {
            data: None,
            event_type: None,
        };
        if let Some(data) = raw.data.take() {
            borrowed.data = text(&data);
            if borrowed.data.is_none() {
                // Decoded lossily when the event is handed out.
                self.clear_data();
                let fits = self.push_data_line(&input[data]);
                debug_assert!(fits);
            }
        }
        if let Some(event_type) = raw.event_type.take() {
            borrowed.event_type = text(&event_type);
            if borrowed.event_type.is_none() {
                self.event_type.clear();
                push_lossy(&mut self.event_type, &input[event_type]);
            }
        }
        borrowed
    }

    fn clear_data(&mut self) {
        self.data.clear();
        self.data_from = 0;
    }

    /// Whether a cut `data` line, the block's first, can become the data
    /// buffer as it is (see [`ADOPT_MIN`]). Only if neither buffer then holds
    /// more than its own limit allows, and the value is deferred as
    /// [`Decoder::push_data_line`] would defer it.
    #[allow(clippy::ptr_arg)] // its capacity matters
    fn can_adopt(&self, line: &Vec<u8>, value_at: usize) -> bool {
        let value_len = line.len() - value_at;
        debug_assert!(self.has_data || self.data.is_empty());
        !self.has_data
            && value_len >= ADOPT_MIN
            && value_len.saturating_mul(3) <= self.event_cap
            && u8::try_from(value_at).is_ok()
            && line.capacity() <= self.event_cap
            && self.data.capacity() <= self.line_cap
    }

    /// The line's buffer becomes the data buffer, its field name skipped;
    /// returns the empty data buffer to take the line's place. Out of line:
    /// it runs at most once per long line, far from the per-line loop.
    #[inline(never)]
    fn adopt(&mut self, line: Vec<u8>, value_at: usize) -> Vec<u8> {
        #[allow(clippy::cast_possible_truncation)] // checked by can_adopt
        let from = value_at as u8;
        self.data_from = from;
        self.has_data = true;
        core::mem::replace(&mut self.data, line)
    }

    fn set_pending_id(&mut self, value: &[u8]) {
        self.ids.truncate(self.id_len);
        push_lossy(&mut self.ids, value);
        self.has_pending_id = true;
    }

    /// Interprets a complete line that lies inside `input`.
    fn interpret_input_line<'i>(
        &mut self,
        input: &'i [u8],
        line: Range<usize>,
        raw: &mut Raw,
    ) -> Emit<'i> {
        let bytes = &input[line.clone()];
        if bytes.len() > self.line_cap {
            return Emit::Error(DecodeError::LineTooLong {
                limit: self.line_cap,
            });
        }
        let (kind, value_at) = classify(bytes);
        let value = &bytes[value_at..];
        let range = line.start + value_at..line.end;
        match kind {
            LineKind::Blank => {
                if raw.data.is_none() && !self.has_data {
                    raw.event_type = None;
                    self.event_type.clear();
                    // Only the id matters.
                    let _ = self.settle(input, raw);
                    return Emit::Nothing;
                }
                let borrowed = self.settle(input, raw);
                self.dispatched = true;
                Emit::Event(borrowed)
            }
            LineKind::Data => {
                if let Some(first) = raw.data.take() {
                    // It was checked against the limit when it was read.
                    let fits = self.push_data_line(&input[first]);
                    debug_assert!(fits);
                    if !self.push_data_line(value) {
                        return self.event_too_large();
                    }
                } else if self.has_data {
                    if !self.push_data_line(value) {
                        return self.event_too_large();
                    }
                } else if value.len().saturating_mul(3) <= self.event_cap {
                    // Decoded, a value grows at most threefold (a 3-byte
                    // U+FFFD per invalid byte), so it is within the limit
                    // whatever it holds: it is validated at dispatch.
                    raw.from.get_or_insert(range.start);
                    raw.to = range.end;
                    raw.data = Some(range);
                    return Emit::Nothing;
                } else if core::str::from_utf8(value).is_ok() {
                    // Valid text: its decoded length is its length.
                    if value.len() > self.event_cap {
                        return self.event_too_large();
                    }
                    raw.from.get_or_insert(range.start);
                    raw.to = range.end;
                    raw.data = Some(range);
                } else if !self.push_data_line(value) {
                    return self.event_too_large();
                }
                Emit::Nothing
            }
            LineKind::Event => {
                raw.from.get_or_insert(range.start);
                raw.to = range.end;
                raw.event_type = Some(range);
                Emit::Nothing
            }
            LineKind::Id => {
                if !has_nul(value) {
                    raw.from.get_or_insert(range.start);
                    raw.to = range.end;
                    raw.id = Some(range);
                }
                Emit::Nothing
            }
            LineKind::Retry => self.set_retry(value),
            LineKind::Comment if self.comments => match core::str::from_utf8(value) {
                Ok(text) => Emit::CommentInInput(text),
                Err(_) => {
                    // `line` is empty: the line was not cut.
                    let mut fixed = String::new();
                    push_lossy(&mut fixed, value);
                    self.line = fixed.into_bytes();
                    self.line_is_stale = true;
                    Emit::CommentInLine(0)
                }
            },
            LineKind::Comment | LineKind::Other => Emit::Nothing,
        }
    }

    /// Interprets a line whose start was kept from an earlier chunk and whose
    /// end is `tail`.
    fn interpret_cut_line(&mut self, tail: &[u8]) -> Emit<'static> {
        if self.line.len() + tail.len() > self.line_cap {
            return Emit::Error(DecodeError::LineTooLong {
                limit: self.line_cap,
            });
        }
        reserve_within(&mut self.line, tail.len(), self.line_cap);
        self.line.extend_from_slice(tail);
        let mut line = core::mem::take(&mut self.line);
        let (kind, value_at) = classify(&line);
        let value = &line[value_at..];
        let emit = match kind {
            // A kept line is never empty, but interpret it as the standard would.
            LineKind::Blank | LineKind::Comment | LineKind::Other => Emit::Nothing,
            LineKind::Data if self.can_adopt(&line, value_at) => {
                line = self.adopt(line, value_at);
                Emit::Nothing
            }
            LineKind::Data => {
                if self.push_data_line(value) {
                    Emit::Nothing
                } else {
                    self.event_too_large()
                }
            }
            LineKind::Event => {
                self.event_type.clear();
                push_lossy(&mut self.event_type, value);
                Emit::Nothing
            }
            LineKind::Id => {
                if !has_nul(value) {
                    self.set_pending_id(value);
                }
                Emit::Nothing
            }
            LineKind::Retry => self.set_retry(value),
        };
        self.line = line;
        if kind == LineKind::Comment && self.comments {
            self.line_is_stale = true;
            return Emit::CommentInLine(value_at);
        }
        self.line.clear();
        emit
    }

    /// Appends one `data` value to the owned data buffer.
    ///
    /// While the buffer, decoded, could not exceed the event limit (decoding
    /// at most triples a length: a 3-byte U+FFFD per invalid byte), values
    /// are appended as they are and validated once, at dispatch: one pass
    /// instead of one call per line. Past that, each value is decoded as it
    /// comes, so that the limit is checked on decoded text, the same for
    /// every chunking. Both give the same text: a line feed never lies inside
    /// a UTF-8 sequence, so decoding the joined bytes equals joining the
    /// decoded values.
    ///
    /// Returns `false`, appending nothing, when the value would take the data
    /// past the event limit; the check comes first, and the buffer grows no
    /// further than the limit, so a hostile event cannot make it hold more.
    #[must_use]
    fn push_data_line(&mut self, value: &[u8]) -> bool {
        let sep = usize::from(self.has_data);
        let deferred = |len: usize| len.saturating_mul(3) <= self.event_cap;
        let len = self.data.len() - usize::from(self.data_from);
        if deferred(len + sep + value.len()) {
            reserve_within(&mut self.data, sep + value.len(), self.event_cap);
            if self.has_data {
                self.data.push(b'\n');
            }
            self.data.extend_from_slice(value);
        } else {
            if self.data_from > 0 {
                // Decoded from here on: drop the adopted field name first.
                self.data.drain(..usize::from(self.data_from));
                self.data_from = 0;
            }
            if deferred(self.data.len()) && core::str::from_utf8(&self.data).is_err() {
                self.data = String::from_utf8_lossy(&self.data)
                    .into_owned()
                    .into_bytes();
            }
            let decoded = decoded_len(value);
            if self.data.len() + sep + decoded > self.event_cap {
                return false;
            }
            reserve_within(&mut self.data, sep + decoded, self.event_cap);
            if self.has_data {
                self.data.push(b'\n');
            }
            push_lossy_bytes(&mut self.data, value);
        }
        self.has_data = true;
        true
    }

    fn event_too_large(&self) -> Emit<'static> {
        Emit::Error(DecodeError::EventTooLarge {
            limit: self.event_cap,
        })
    }

    fn set_retry(&mut self, value: &[u8]) -> Emit<'static> {
        match parse_retry(value) {
            Some(millis) => {
                self.retry = Some(millis);
                Emit::Retry(millis)
            }
            None => Emit::Nothing,
        }
    }

    /// The blank line makes the pending `id` value the last event ID string.
    fn commit_pending_id(&mut self) {
        if self.has_pending_id {
            self.ids.drain(..self.id_len);
            self.id_len = self.ids.len();
            self.has_pending_id = false;
        }
    }

    /// Turns what [`Decoder::step`] decided into borrowed output.
    fn assemble<'a>(&'a mut self, emit: Emit<'a>) -> Option<Decoded<'a>> {
        match emit {
            Emit::Nothing => None,
            Emit::Retry(millis) => Some(Decoded::Retry(Duration::from_millis(millis))),
            Emit::Error(error) => Some(Decoded::Error(error)),
            Emit::CommentInInput(comment) => Some(Decoded::Comment(comment)),
            Emit::CommentInLine(at) => {
                if core::str::from_utf8(&self.line[at..]).is_err() {
                    let mut fixed = String::new();
                    push_lossy(&mut fixed, &self.line[at..]);
                    self.line = fixed.into_bytes();
                } else {
                    self.line.drain(..at);
                }
                Some(Decoded::Comment(
                    core::str::from_utf8(&self.line).unwrap_or_default(),
                ))
            }
            Emit::Event(borrowed) => {
                let Decoder {
                    data,
                    data_from,
                    event_type,
                    ids,
                    id_len,
                    line,
                    line_is_stale,
                    ..
                } = self;
                let data: &'a str = match borrowed.data {
                    Some(data) => data,
                    // The one validation of buffered data. `line` is empty
                    // at dispatch (the blank line was not cut), so it can
                    // hold a lossy copy until the next call.
                    None => match core::str::from_utf8(data_text(data, *data_from)) {
                        Ok(text) => text,
                        Err(_) => {
                            *line = String::from_utf8_lossy(data_text(data, *data_from))
                                .into_owned()
                                .into_bytes();
                            *line_is_stale = true;
                            core::str::from_utf8(line).unwrap_or_default()
                        }
                    },
                };
                let event_type = borrowed.event_type.unwrap_or(event_type);
                Some(Decoded::Event(Event {
                    event_type: if event_type.is_empty() {
                        "message"
                    } else {
                        event_type
                    },
                    data,
                    last_event_id: ids.get(..*id_len).unwrap_or_default(),
                }))
            }
        }
    }
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("last_event_id", &self.last_event_id())
            .field("retry", &self.retry)
            .field("limits", &self.limits())
            .field("comments", &self.comments)
            .field("partial_line", &String::from_utf8_lossy(&self.line))
            .field(
                "data",
                &String::from_utf8_lossy(data_text(&self.data, self.data_from)),
            )
            .field("event_type", &self.event_type)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_values() {
        assert_eq!(parse_retry(b"0"), Some(0));
        assert_eq!(parse_retry(b"02000"), Some(2000));
        assert_eq!(parse_retry(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_retry(b"18446744073709551616"), None);
        assert_eq!(parse_retry(b""), None);
        assert_eq!(parse_retry(b" 1"), None);
        assert_eq!(parse_retry(b"1e3"), None);
    }

    /// Buffered data is appended raw while the limit cannot be reached and
    /// decoded line by line past that: at every limit and every chunk size,
    /// the items are those of the whole input, and the text is the lossy
    /// decoding of the joined lines.
    #[test]
    fn deferred_validation_agrees_at_every_limit_and_chunking() {
        use alloc::format;
        use alloc::vec;

        let input: &[u8] = b"data: a\xFFb\ndata: \xE2\x82\ndata:\xACok\xF0\x9F\x99\x82\n\n\
            event: t\xC3\ndata: plain\ndata: text\n\ndata: \xC3\xA9\xC3\n\n";
        let expected = [
            "a\u{FFFD}b\n\u{FFFD}\n\u{FFFD}ok\u{1F642}",
            "plain\ntext",
            "\u{E9}\u{FFFD}",
        ];
        for cap in 0..48 {
            let run = |sizes: usize| {
                let mut decoder = Decoder::builder()
                    .limits(Limits::default().max_event_len(Some(cap)))
                    .build();
                let mut items = vec![];
                for chunk in input.chunks(sizes) {
                    decoder.feed(chunk, |item| items.push(format!("{item:?}")));
                }
                items
            };
            let whole = run(input.len());
            for size in 1..input.len() {
                assert_eq!(run(size), whole, "cap {cap}, chunks of {size}");
            }
            if cap >= 40 {
                assert_eq!(whole.len(), 3, "cap {cap}: {whole:?}");
                for (item, data) in whole.iter().zip(expected) {
                    assert!(item.contains(&format!("{data:?}")), "{item} lacks {data:?}");
                }
            }
        }
    }

    #[test]
    fn classifies_lines() {
        assert!(classify(b"") == (LineKind::Blank, 0));
        assert!(classify(b": x") == (LineKind::Comment, 2));
        assert!(classify(b"data") == (LineKind::Data, 4));
        assert!(classify(b"data:x") == (LineKind::Data, 5));
        assert!(classify(b"data:  x") == (LineKind::Data, 6));
        assert!(classify(b"data :x") == (LineKind::Other, 6));
        assert!(classify(b"id:") == (LineKind::Id, 3));
        assert!(classify(b"id") == (LineKind::Id, 2));
        assert!(classify(b"event: a:b") == (LineKind::Event, 7));
        assert!(classify(b"event") == (LineKind::Event, 5));
        assert!(classify(b"retry:1") == (LineKind::Retry, 6));
        assert!(classify(b"datum: x") == (LineKind::Other, 7));
        assert!(classify(b"dat: x") == (LineKind::Other, 5));
        assert!(classify(b"identity: x") == (LineKind::Other, 10));
        assert!(classify(b"eventsource: x") == (LineKind::Other, 13));
        assert!(classify(b"d") == (LineKind::Other, 1));
    }
}
