//! Blocking reading: an iterator of owned items over any [`std::io::Read`].

use alloc::boxed::Box;
use alloc::vec;
use core::iter::FusedIterator;
use std::io::{self, Read};

use crate::{Decoded, Decoder, Finish, OwnedDecoded};

/// How many bytes [`Reader`] asks its source for at a time.
const CHUNK: usize = 8 * 1024;

/// Decodes an event stream from a blocking [`std::io::Read`] (a file, stdin,
/// a `TcpStream`, a response body) as an iterator of [`OwnedDecoded`] items.
///
/// It reads up to 8 KiB at a time and yields each item as soon as the bytes
/// that complete it have been read, so a live stream's events come out as
/// they arrive. When the source reports end of stream (a read of 0 bytes),
/// the iterator ends and [`Reader::finish`] tells whether an incomplete
/// event was discarded. A read error is yielded as `Err` (an
/// [`io::ErrorKind::Interrupted`] read is retried instead); calling `next`
/// again reads on, so the caller decides whether an error ends the stream.
///
/// ```
/// use ssewire::{Finish, OwnedDecoded, Reader};
///
/// let body: &[u8] = b"id: 1\ndata: first\n\nretry: 2000\ndata: second\n\ndata: cut";
/// let mut reader = Reader::new(body);
/// let mut data = Vec::new();
/// for item in &mut reader {
///     if let OwnedDecoded::Event(event) = item? {
///         data.push(event.data().to_owned());
///     }
/// }
/// assert_eq!(data, ["first", "second"]);
/// assert_eq!(reader.finish(), Some(Finish::Truncated));
/// assert_eq!(reader.decoder().last_event_id(), "1");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Reader<R> {
    source: R,
    decoder: Decoder,
    buf: Box<[u8]>,
    /// The bytes of `buf` read but not yet decoded.
    start: usize,
    end: usize,
    finish: Option<Finish>,
}

impl<R: Read> Reader<R> {
    /// A reader with a [`Decoder::new`].
    ///
    /// ```
    /// let mut reader = ssewire::Reader::new(&b"data: x\n\n"[..]);
    /// assert!(reader.next().is_some());
    /// assert!(reader.next().is_none());
    /// ```
    pub fn new(source: R) -> Reader<R> {
        Reader::with_decoder(source, Decoder::new())
    }

    /// A reader using `decoder` (other limits, comments reported, or one
    /// that carries a last event ID from an earlier stream).
    ///
    /// ```
    /// use ssewire::{Decoder, OwnedDecoded, Reader};
    ///
    /// let decoder = Decoder::builder().comments(true).build();
    /// let mut reader = Reader::with_decoder(&b": ping\n"[..], decoder);
    /// assert!(matches!(reader.next(), Some(Ok(OwnedDecoded::Comment(text))) if text == "ping"));
    /// ```
    pub fn with_decoder(source: R, decoder: Decoder) -> Reader<R> {
        Reader {
            source,
            decoder,
            buf: vec![0; CHUNK].into_boxed_slice(),
            start: 0,
            end: 0,
            finish: None,
        }
    }
}

impl<R> Reader<R> {
    /// How the stream ended, once the iterator has ended: `None` while the
    /// source has not reported end of stream.
    ///
    /// ```
    /// use ssewire::{Finish, Reader};
    ///
    /// let mut reader = Reader::new(&b"data: x\n\n"[..]);
    /// assert_eq!(reader.finish(), None);
    /// assert_eq!(reader.by_ref().count(), 1);
    /// assert_eq!(reader.finish(), Some(Finish::Clean));
    /// ```
    pub fn finish(&self) -> Option<Finish> {
        self.finish
    }

    /// The decoder, for its last event ID and `retry` time.
    ///
    /// ```
    /// let mut reader = ssewire::Reader::new(&b"id: 7\ndata: x\n\n"[..]);
    /// let _ = reader.next();
    /// assert_eq!(reader.decoder().last_event_id(), "7");
    /// ```
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// The source.
    ///
    /// ```
    /// let reader = ssewire::Reader::new(&b""[..]);
    /// assert!(reader.get_ref().is_empty());
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.source
    }

    /// The source, mutably. Reading from it directly skips those bytes.
    ///
    /// ```
    /// let mut reader = ssewire::Reader::new(std::io::empty());
    /// let _source: &mut std::io::Empty = reader.get_mut();
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.source
    }

    /// The source and the decoder (with its last event ID and `retry` time,
    /// for a reconnection). Bytes read but not yet decoded are dropped.
    ///
    /// ```
    /// let mut reader = ssewire::Reader::new(&b"id: 3\ndata: x\n\n"[..]);
    /// let _ = reader.next();
    /// let (_source, decoder) = reader.into_parts();
    /// assert_eq!(decoder.last_event_id(), "3");
    /// ```
    pub fn into_parts(self) -> (R, Decoder) {
        (self.source, self.decoder)
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = io::Result<OwnedDecoded>;

    fn next(&mut self) -> Option<io::Result<OwnedDecoded>> {
        loop {
            if self.start < self.end {
                let (item, consumed) = self.decoder.decode(&self.buf[self.start..self.end]);
                let item = item.map(Decoded::into_owned);
                self.start += consumed;
                if let Some(item) = item {
                    return Some(Ok(item));
                }
            }
            if self.finish.is_some() {
                return None;
            }
            match self.source.read(&mut self.buf) {
                Ok(0) => {
                    self.finish = Some(self.decoder.finish());
                    return None;
                }
                Ok(read) => {
                    self.start = 0;
                    // A source that claims more than it was given is not
                    // trusted past the buffer.
                    self.end = read.min(self.buf.len());
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Some(Err(error)),
            }
        }
    }
}

/// After the end of stream it keeps returning `None`.
impl<R: Read> FusedIterator for Reader<R> {}

impl<R> core::fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Reader")
            .field("decoder", &self.decoder)
            .field("buffered", &(self.end - self.start))
            .field("finish", &self.finish)
            .finish_non_exhaustive()
    }
}
