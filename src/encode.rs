//! Encoding: messages in, `text/event-stream` bytes out.
//!
//! The encoder writes what every receiver decodes back to the same fields:
//! `data` split into one line per line break, a space after every colon so a
//! value's own leading space survives, and a refusal, before anything is
//! written, of `event` and `id` values that would break out of their line.

use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use crate::error::EncodeError;
use crate::scan;
use sink::{Counter, FmtSink, Sink};
#[cfg(feature = "std")]
use sink::{IO_BUF, IoSink};

mod data;
mod sink;

pub use data::FmtDataWriter;
#[cfg(feature = "std")]
pub use data::IoDataWriter;

/// One block of an event stream to write: an event, a comment, a `retry`
/// field, or any mix of them.
///
/// Written in this order: comment lines, `event`, `id`, `retry`, `data`
/// lines, and a blank line that ends the block when it has data, an event
/// type or an id. A message with data is dispatched by receivers; one with an
/// `id` and no data only sets their last event ID; one with only a comment or
/// `retry` affects no event (a comment alone is the usual keep-alive).
///
/// ```
/// use ssewire::Message;
///
/// let mut out = Vec::new();
/// Message::new("line one\nline two").event("update").id("42").write_to_vec(&mut out)?;
/// Message::default().comment("keep-alive").write_to_vec(&mut out)?;
/// assert_eq!(
///     out,
///     b"event: update\nid: 42\ndata: line one\ndata: line two\n\n: keep-alive\n"
/// );
/// # Ok::<(), ssewire::EncodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[must_use]
pub struct Message<'a> {
    data: Option<&'a str>,
    event_type: Option<&'a str>,
    id: Option<&'a str>,
    retry: Option<Duration>,
    comment: Option<&'a str>,
}

impl<'a> Message<'a> {
    /// An event carrying `data`. Line breaks in it (LF, CR or CR LF) become
    /// separate `data` lines, which receivers join with LF. Empty data is
    /// still written as a `data` line, so the event is dispatched.
    ///
    /// ```
    /// use ssewire::Message;
    ///
    /// let mut out = Vec::new();
    /// Message::new("one\r\ntwo").write_to_vec(&mut out)?;
    /// Message::new("").write_to_vec(&mut out)?;
    /// assert_eq!(out, b"data: one\ndata: two\n\ndata: \n\n");
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    pub const fn new(data: &'a str) -> Message<'a> {
        Message {
            data: Some(data),
            event_type: None,
            id: None,
            retry: None,
            comment: None,
        }
    }

    /// Sets or replaces the data; see [`Message::new`].
    ///
    /// ```
    /// use ssewire::Message;
    ///
    /// let template = Message::default().event("tick");
    /// let mut out = Vec::new();
    /// for n in ["1", "2"] {
    ///     template.data(n).write_to_vec(&mut out)?;
    /// }
    /// assert_eq!(out, b"event: tick\ndata: 1\n\nevent: tick\ndata: 2\n\n");
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    pub const fn data(mut self, data: &'a str) -> Message<'a> {
        self.data = Some(data);
        self
    }

    /// Sets the event type (`event` field). Receivers use `message` when it is
    /// absent or empty. Must not contain CR or LF.
    ///
    /// ```
    /// use ssewire::{EncodeError, Message};
    ///
    /// let mut out = Vec::new();
    /// Message::new("{}").event("update").write_to_vec(&mut out)?;
    /// assert_eq!(out, b"event: update\ndata: {}\n\n");
    /// assert_eq!(Message::new("{}").event("a\rb").validate(), Err(EncodeError::LineBreakInEventType));
    /// # Ok::<(), EncodeError>(())
    /// ```
    pub const fn event(mut self, event_type: &'a str) -> Message<'a> {
        self.event_type = Some(event_type);
        self
    }

    /// Sets the `id` field, which becomes the receiver's last event ID (an
    /// empty id resets it). Must not contain CR, LF or NUL.
    ///
    /// ```
    /// use ssewire::Message;
    ///
    /// let mut out = Vec::new();
    /// Message::new("x").id("42").write_to_vec(&mut out)?;
    /// // An empty id resets the receiver's last event ID.
    /// Message::default().id("").write_to_vec(&mut out)?;
    /// assert_eq!(out, b"id: 42\ndata: x\n\nid: \n\n");
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    pub const fn id(mut self, id: &'a str) -> Message<'a> {
        self.id = Some(id);
        self
    }

    /// Sets the reconnection time, written in whole milliseconds (a
    /// fraction of a millisecond is dropped; a time past `u64::MAX`
    /// milliseconds is written as that, the largest a receiver reads).
    ///
    /// ```
    /// use std::time::Duration;
    /// use ssewire::Message;
    ///
    /// let mut out = Vec::new();
    /// Message::default().retry(Duration::from_secs(5)).write_to_vec(&mut out)?;
    /// assert_eq!(out, b"retry: 5000\n");
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    pub const fn retry(mut self, time: Duration) -> Message<'a> {
        self.retry = Some(time);
        self
    }

    /// Sets or replaces the comment, written as `: text` lines (one per line
    /// of `text`), before the other fields. A message holds one comment: a
    /// second call replaces the first (put several lines in one `text` for
    /// more). Receivers ignore it; proxies see traffic, so it keeps idle
    /// connections open.
    ///
    /// ```
    /// let mut out = Vec::new();
    /// ssewire::Message::default().comment("first").comment("second\nthird").write_to_vec(&mut out)?;
    /// assert_eq!(out, b": second\n: third\n");
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    pub const fn comment(mut self, text: &'a str) -> Message<'a> {
        self.comment = Some(text);
        self
    }

    /// Checks that the message can be written as it is. The event type is
    /// checked before the id, and within the id the first offending byte
    /// decides between [`EncodeError::LineBreakInId`] and
    /// [`EncodeError::NulInId`].
    ///
    /// ```
    /// use ssewire::{EncodeError, Message};
    ///
    /// assert_eq!(Message::new("x").id("1\r2").validate(), Err(EncodeError::LineBreakInId));
    /// assert_eq!(Message::new("x").id("1\u{0}2").validate(), Err(EncodeError::NulInId));
    /// assert_eq!(Message::new("multi\nline data is fine").validate(), Ok(()));
    /// ```
    pub fn validate(&self) -> Result<(), EncodeError> {
        if let Some(event_type) = self.event_type {
            if scan::find_line_end(event_type.as_bytes()).is_some() {
                return Err(EncodeError::LineBreakInEventType);
            }
        }
        if let Some(id) = self.id {
            for &byte in id.as_bytes() {
                match byte {
                    b'\r' | b'\n' => return Err(EncodeError::LineBreakInId),
                    0 => return Err(EncodeError::NulInId),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// The exact number of bytes the message encodes to.
    ///
    /// ```
    /// let message = ssewire::Message::new("a\nb").event("t");
    /// let mut out = Vec::new();
    /// message.write_to_vec(&mut out)?;
    /// assert_eq!(message.encoded_len()?, out.len());
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    pub fn encoded_len(&self) -> Result<usize, EncodeError> {
        self.validate()?;
        let mut counter = Counter(0);
        self.emit(&mut counter);
        Ok(counter.0)
    }

    /// Appends the encoded message to `out`. On error nothing is written.
    ///
    /// ```
    /// use ssewire::{EncodeError, Message};
    ///
    /// let mut body = b"retry: 1000\n".to_vec();
    /// Message::new("hi").event("greeting").write_to_vec(&mut body)?;
    /// assert_eq!(body, b"retry: 1000\nevent: greeting\ndata: hi\n\n");
    ///
    /// // Refused before anything is written: the body is unchanged.
    /// let refused = Message::new("x").id("1\nevent: forged").write_to_vec(&mut body);
    /// assert_eq!(refused, Err(EncodeError::LineBreakInId));
    /// assert_eq!(body, b"retry: 1000\nevent: greeting\ndata: hi\n\n");
    /// # Ok::<(), EncodeError>(())
    /// ```
    pub fn write_to_vec(&self, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.validate()?;
        self.emit(out);
        Ok(())
    }

    /// Writes the encoded message to a [`core::fmt::Write`] destination, such
    /// as a `String`. On a validation error nothing is written.
    ///
    /// ```
    /// let mut page = String::new();
    /// ssewire::Message::new("hi").write_to_fmt(&mut page)?;
    /// assert_eq!(page, "data: hi\n\n");
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    pub fn write_to_fmt<W: fmt::Write + ?Sized>(&self, out: &mut W) -> Result<(), EncodeError> {
        self.validate()?;
        let mut sink = FmtSink { out, failed: false };
        self.emit(&mut sink);
        if sink.failed {
            Err(EncodeError::Write)
        } else {
            Ok(())
        }
    }

    /// Writes the encoded message to a [`std::io::Write`] destination, in as
    /// few `write` calls as a small stack buffer allows. A validation error is
    /// returned as [`std::io::ErrorKind::InvalidInput`] wrapping the
    /// [`EncodeError`], and nothing is written.
    ///
    /// ```
    /// use std::io::Write;
    ///
    /// let mut socket = Vec::new(); // stands in for a TcpStream
    /// ssewire::Message::new("hi").id("1").write_to_io(&mut socket)?;
    /// socket.flush()?;
    /// assert_eq!(socket, b"id: 1\ndata: hi\n\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(feature = "std")]
    pub fn write_to_io<W: std::io::Write + ?Sized>(&self, out: &mut W) -> std::io::Result<()> {
        self.validate()?;
        let mut sink = IoSink {
            out,
            buf: [0; IO_BUF],
            len: 0,
            error: None,
        };
        self.emit(&mut sink);
        sink.flush();
        match sink.error {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Writes a validated message. Every output path goes through here, so
    /// [`Message::encoded_len`] cannot drift from what is written.
    fn emit<S: Sink + ?Sized>(&self, sink: &mut S) {
        self.emit_fields(sink);
        if let Some(data) = self.data {
            for_each_line(data, |line| {
                sink.put(b"data: ");
                sink.put(line);
                sink.put(b"\n");
            });
        }
        if self.data.is_some() || self.event_type.is_some() || self.id.is_some() {
            sink.put(b"\n");
        }
    }

    /// Writes the lines that come before the data: comment, `event`, `id`,
    /// `retry`.
    fn emit_fields<S: Sink + ?Sized>(&self, sink: &mut S) {
        if let Some(comment) = self.comment {
            for_each_line(comment, |line| {
                sink.put(b": ");
                sink.put(line);
                sink.put(b"\n");
            });
        }
        if let Some(event_type) = self.event_type {
            sink.put(b"event: ");
            sink.put(event_type.as_bytes());
            sink.put(b"\n");
        }
        if let Some(id) = self.id {
            sink.put(b"id: ");
            sink.put(id.as_bytes());
            sink.put(b"\n");
        }
        if let Some(time) = self.retry {
            let millis = u64::try_from(time.as_millis()).unwrap_or(u64::MAX);
            let mut digits = [0u8; 20];
            sink.put(b"retry: ");
            sink.put(format_u64(millis, &mut digits));
            sink.put(b"\n");
        }
    }
}

/// Calls `each` with every line of `text`, split at CR LF, LF or CR. Text
/// ending in a line break has an empty last line, so that `"a\n"` decodes
/// back as `"a\n"`.
fn for_each_line(text: &str, mut each: impl FnMut(&[u8])) {
    let mut rest = text.as_bytes();
    while let Some(end) = scan::find_line_end_whole(rest) {
        each(&rest[..end]);
        let skip = if rest[end] == b'\r' && rest.get(end + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        rest = &rest[end + skip..];
    }
    each(rest);
}

/// Writes `n` in decimal at the end of `digits`, returning those bytes.
fn format_u64(mut n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut at = digits.len();
    loop {
        at -= 1;
        #[allow(clippy::cast_possible_truncation)] // n % 10 < 10
        let digit = (n % 10) as u8;
        digits[at] = b'0' + digit;
        n /= 10;
        if n == 0 {
            return &digits[at..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn lines(text: &str) -> Vec<Vec<u8>> {
        let mut out = vec![];
        for_each_line(text, |line| out.push(line.to_vec()));
        out
    }

    #[test]
    fn splits_at_every_line_break() {
        assert_eq!(lines(""), [b"".to_vec()]);
        assert_eq!(lines("a"), [b"a".to_vec()]);
        assert_eq!(lines("a\r\nb\rc\nd"), [&b"a"[..], b"b", b"c", b"d"]);
        assert_eq!(lines("a\n"), [&b"a"[..], b""]);
        assert_eq!(lines("\r\r\n"), [&b""[..], b"", b""]);
    }

    /// Long values (past the scanner's short blocks and in its long-block
    /// loop) split exactly as a byte loop splits them, CR LF across a block
    /// boundary included.
    #[test]
    fn splits_long_values_like_a_byte_loop() {
        fn reference(text: &str) -> Vec<Vec<u8>> {
            let mut out = vec![];
            let mut line = vec![];
            let mut bytes = text.bytes().peekable();
            while let Some(b) = bytes.next() {
                if b == b'\r' || b == b'\n' {
                    if b == b'\r' && bytes.peek() == Some(&b'\n') {
                        bytes.next();
                    }
                    out.push(core::mem::take(&mut line));
                } else {
                    line.push(b);
                }
            }
            out.push(line);
            out
        }
        let breaks = ["\n", "\r", "\r\n", "\n\n", "\r\r\n"];
        for gap in [1, 15, 127, 128, 129, 255, 256, 383, 384, 385, 700, 2000] {
            for (i, brk) in breaks.iter().enumerate() {
                let mut text = alloc::string::String::new();
                while text.len() < 3000 {
                    text.extend(core::iter::repeat_n('\u{b}', gap % 7));
                    text.extend(core::iter::repeat_n('x', gap - gap % 7));
                    text.push_str(breaks[(i + text.len()) % breaks.len()]);
                    text.push_str(brk);
                }
                assert_eq!(lines(&text), reference(&text), "gap {gap}, break {brk:?}");
            }
        }
    }

    #[test]
    fn formats_numbers() {
        let mut digits = [0; 20];
        assert_eq!(format_u64(0, &mut digits), b"0");
        assert_eq!(format_u64(3000, &mut digits), b"3000");
        assert_eq!(format_u64(u64::MAX, &mut digits), b"18446744073709551615");
    }
}
