//! Streaming an event's data: bytes written through `core::fmt::Write` or
//! `std::io::Write` become `data:` lines as they arrive.
//!
//! Every CR, LF or CR LF in what is written ends the current `data:` line and
//! starts the next, including a CR at the end of one write followed by LF at
//! the start of the next (one line break, as receivers read it). Nothing the
//! caller writes can therefore end the event or start another field.

use core::fmt;

use super::{FmtSink, Message, Sink};
use crate::error::EncodeError;
use crate::scan;

/// Turns data bytes into the rest of `data:` lines: the line state between
/// writes is only whether the last byte was a CR.
#[derive(Debug, Clone, Copy, Default)]
struct DataLines {
    after_cr: bool,
}

impl DataLines {
    /// Starts the data after the message's other fields.
    fn start<S: Sink + ?Sized>(message: &Message<'_>, sink: &mut S) -> DataLines {
        message.emit_fields(sink);
        sink.put(b"data: ");
        let mut lines = DataLines::default();
        if let Some(data) = message.data {
            lines.write(data.as_bytes(), sink);
        }
        lines
    }

    fn write<S: Sink + ?Sized>(&mut self, mut input: &[u8], sink: &mut S) {
        if self.after_cr && !input.is_empty() {
            self.after_cr = false;
            if input[0] == b'\n' {
                // The LF of a CR LF split between writes: the line break
                // was written with the CR.
                input = &input[1..];
            }
        }
        while let Some(end) = scan::find_line_end(input) {
            put_nonempty(sink, &input[..end]);
            sink.put(b"\ndata: ");
            let after = &input[end + 1..];
            input = match (input[end], after.first()) {
                (b'\r', Some(b'\n')) => &after[1..],
                (b'\r', None) => {
                    self.after_cr = true;
                    after
                }
                _ => after,
            };
        }
        put_nonempty(sink, input);
    }

    /// Ends the last `data:` line and the event.
    fn end<S: Sink + ?Sized>(sink: &mut S) {
        sink.put(b"\n\n");
    }
}

fn put_nonempty<S: Sink + ?Sized>(sink: &mut S, bytes: &[u8]) {
    if !bytes.is_empty() {
        sink.put(bytes);
    }
}

impl Message<'_> {
    /// Starts writing the message to a [`core::fmt::Write`] destination with
    /// its data streamed: write the data through the returned
    /// [`FmtDataWriter`] (with `write!` or any [`fmt::Write`] user), then
    /// call [`FmtDataWriter::finish`]. The message's own data, if any, comes
    /// first. The bytes are exactly those of [`Message::write_to_fmt`] with
    /// all the data at once. On a validation error nothing is written.
    ///
    /// ```
    /// use std::fmt::Write;
    ///
    /// let mut page = String::new();
    /// let mut data = ssewire::Message::default().event("list").stream_to_fmt(&mut page)?;
    /// for item in ["one", "two"] {
    ///     writeln!(data, "{item}").map_err(|_| ssewire::EncodeError::Write)?;
    /// }
    /// write!(data, "end").map_err(|_| ssewire::EncodeError::Write)?;
    /// data.finish()?;
    /// assert_eq!(page, "event: list\ndata: one\ndata: two\ndata: end\n\n");
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    pub fn stream_to_fmt<'w, W: fmt::Write + ?Sized>(
        &self,
        out: &'w mut W,
    ) -> Result<FmtDataWriter<'w, W>, EncodeError> {
        self.validate()?;
        let mut sink = FmtSink { out, failed: false };
        let lines = DataLines::start(self, &mut sink);
        Ok(FmtDataWriter {
            sink,
            lines,
            finished: false,
        })
    }

    /// Starts writing the message to a [`std::io::Write`] destination with
    /// its data streamed: write the data through the returned
    /// [`IoDataWriter`] (with `serde_json::to_writer`, `write!` or any
    /// [`std::io::Write`] user), then call [`IoDataWriter::finish`]. The
    /// message's own data, if any, comes first. The bytes are exactly those
    /// of [`Message::write_to_io`] with all the data at once, and are
    /// gathered in a small buffer, so many tiny writes do not become many
    /// writes to `out`. A validation error is returned as
    /// [`std::io::ErrorKind::InvalidInput`], and nothing is written.
    ///
    /// ```
    /// let value = serde_json::json!({"price": 1, "note": "two\nlines"});
    /// let mut socket = Vec::new(); // stands in for a TcpStream
    /// let mut data = ssewire::Message::default().id("42").stream_to_io(&mut socket)?;
    /// serde_json::to_writer(&mut data, &value)?;
    /// data.finish()?;
    /// assert_eq!(socket, br#"id: 42
    /// data: {"note":"two\nlines","price":1}
    ///
    /// "#);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(feature = "std")]
    pub fn stream_to_io<'w, W: std::io::Write + ?Sized>(
        &self,
        out: &'w mut W,
    ) -> std::io::Result<IoDataWriter<'w, W>> {
        self.validate()?;
        let mut sink = super::IoSink {
            out,
            buf: [0; super::IO_BUF],
            len: 0,
            error: None,
        };
        let lines = DataLines::start(self, &mut sink);
        Ok(IoDataWriter {
            sink,
            lines,
            state: IoState::Open,
        })
    }
}

/// Writes an event's data into a [`core::fmt::Write`] destination as
/// `data:` lines; from [`Message::stream_to_fmt`].
///
/// A line break in what is written (CR, LF or CR LF, even split between two
/// writes) starts a new `data:` line, so the data can never end the event or
/// add a field. [`FmtDataWriter::finish`] ends the event; dropping the
/// writer ends it too, ignoring errors, so that the stream stays well
/// formed.
///
/// ```
/// use std::fmt::Write;
///
/// let mut out = String::new();
/// let mut data = ssewire::Message::default().stream_to_fmt(&mut out)?;
/// data.write_str("a\r").map_err(|_| ssewire::EncodeError::Write)?;
/// data.write_str("\nb\ndata: forged?").map_err(|_| ssewire::EncodeError::Write)?;
/// data.finish()?;
/// assert_eq!(out, "data: a\ndata: b\ndata: data: forged?\n\n");
/// # Ok::<(), ssewire::EncodeError>(())
/// ```
#[must_use = "the event is ended by `finish`"]
pub struct FmtDataWriter<'w, W: fmt::Write + ?Sized> {
    sink: FmtSink<'w, W>,
    lines: DataLines,
    finished: bool,
}

impl<W: fmt::Write + ?Sized> FmtDataWriter<'_, W> {
    /// Ends the last `data:` line and the event (a blank line). Returns
    /// [`EncodeError::Write`] if the destination failed at any point.
    ///
    /// ```
    /// let mut out = String::new();
    /// ssewire::Message::new("only").stream_to_fmt(&mut out)?.finish()?;
    /// assert_eq!(out, "data: only\n\n");
    /// # Ok::<(), ssewire::EncodeError>(())
    /// ```
    pub fn finish(mut self) -> Result<(), EncodeError> {
        self.finished = true;
        DataLines::end(&mut self.sink);
        if self.sink.failed {
            Err(EncodeError::Write)
        } else {
            Ok(())
        }
    }
}

impl<W: fmt::Write + ?Sized> fmt::Write for FmtDataWriter<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.lines.write(text.as_bytes(), &mut self.sink);
        if self.sink.failed {
            Err(fmt::Error)
        } else {
            Ok(())
        }
    }
}

impl<W: fmt::Write + ?Sized> Drop for FmtDataWriter<'_, W> {
    fn drop(&mut self) {
        if !self.finished {
            DataLines::end(&mut self.sink);
        }
    }
}

impl<W: fmt::Write + ?Sized> fmt::Debug for FmtDataWriter<'_, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FmtDataWriter")
            .field("after_cr", &self.lines.after_cr)
            .field("failed", &self.sink.failed)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IoState {
    Open,
    Finished,
    /// A write to the destination failed: the event on the wire is
    /// incomplete, and every later call says so.
    Failed,
}

/// Writes an event's data into a [`std::io::Write`] destination as `data:`
/// lines; from [`Message::stream_to_io`].
///
/// A line break in what is written (CR, LF or CR LF, even split between two
/// writes) starts a new `data:` line, so the data can never end the event or
/// add a field. Bytes are gathered in a 512-byte buffer and passed to the
/// destination when it fills, on [`std::io::Write::flush`] and on
/// [`IoDataWriter::finish`], which ends the event. Dropping the writer ends
/// the event too, ignoring errors, so that the stream stays well formed.
/// After the destination fails once, every call fails.
///
/// ```
/// use std::io::Write;
///
/// let mut out = Vec::new();
/// let mut data = ssewire::Message::default().event("log").stream_to_io(&mut out)?;
/// data.write_all(b"line 1\r")?;
/// data.write_all(b"\nline 2\n")?;
/// data.finish()?;
/// assert_eq!(out, b"event: log\ndata: line 1\ndata: line 2\ndata: \n\n");
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(feature = "std")]
#[must_use = "the event is ended by `finish`"]
pub struct IoDataWriter<'w, W: std::io::Write + ?Sized> {
    sink: super::IoSink<'w, W>,
    lines: DataLines,
    state: IoState,
}

#[cfg(feature = "std")]
impl<W: std::io::Write + ?Sized> IoDataWriter<'_, W> {
    /// Ends the last `data:` line and the event (a blank line), and passes
    /// the buffered bytes to the destination (without flushing the
    /// destination itself: call its `flush` to push a `BufWriter` or socket
    /// buffer out).
    ///
    /// ```
    /// let mut out = Vec::new();
    /// ssewire::Message::new("").stream_to_io(&mut out)?.finish()?;
    /// assert_eq!(out, b"data: \n\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn finish(mut self) -> std::io::Result<()> {
        self.check()?;
        self.state = IoState::Finished;
        DataLines::end(&mut self.sink);
        self.sink.flush();
        self.take_error()
    }

    fn check(&self) -> std::io::Result<()> {
        match self.state {
            IoState::Failed => Err(std::io::Error::other(
                "an earlier write to the destination failed; the event is incomplete",
            )),
            IoState::Open | IoState::Finished => Ok(()),
        }
    }

    fn take_error(&mut self) -> std::io::Result<()> {
        match self.sink.error.take() {
            Some(error) => {
                self.state = IoState::Failed;
                Err(error)
            }
            None => Ok(()),
        }
    }
}

#[cfg(feature = "std")]
impl<W: std::io::Write + ?Sized> std::io::Write for IoDataWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.check()?;
        self.lines.write(buf, &mut self.sink);
        self.take_error()?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.check()?;
        self.sink.flush();
        self.take_error()?;
        self.sink.out.flush()
    }
}

#[cfg(feature = "std")]
impl<W: std::io::Write + ?Sized> Drop for IoDataWriter<'_, W> {
    fn drop(&mut self) {
        if self.state == IoState::Open {
            DataLines::end(&mut self.sink);
            self.sink.flush();
        }
    }
}

#[cfg(feature = "std")]
impl<W: std::io::Write + ?Sized> fmt::Debug for IoDataWriter<'_, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IoDataWriter")
            .field("after_cr", &self.lines.after_cr)
            .field("buffered", &self.sink.len)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}
