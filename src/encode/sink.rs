//! Where encoded bytes go: a `Vec`, a byte counter, a `core::fmt::Write` or a
//! buffered `std::io::Write`. Every output path of the encoder writes through
//! one of these, so the bytes counted are the bytes written.

use alloc::vec::Vec;
use core::fmt;

/// Where encoded bytes go. Writes cannot fail midway for `Vec`; sinks that
/// can fail remember the first error and ignore the rest.
pub(super) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

pub(super) struct Counter(pub(super) usize);

impl Sink for Counter {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

pub(super) struct FmtSink<'w, W: ?Sized> {
    pub(super) out: &'w mut W,
    pub(super) failed: bool,
}

impl<W: fmt::Write + ?Sized> Sink for FmtSink<'_, W> {
    fn put(&mut self, bytes: &[u8]) {
        // Every piece is a whole `&str` or one of its lines, which are cut at
        // ASCII bytes, so this never fails.
        let Ok(text) = core::str::from_utf8(bytes) else {
            self.failed = true;
            return;
        };
        if !self.failed && self.out.write_str(text).is_err() {
            self.failed = true;
        }
    }
}

#[cfg(feature = "std")]
pub(super) const IO_BUF: usize = 512;

#[cfg(feature = "std")]
pub(super) struct IoSink<'w, W: ?Sized> {
    pub(super) out: &'w mut W,
    pub(super) buf: [u8; IO_BUF],
    pub(super) len: usize,
    pub(super) error: Option<std::io::Error>,
}

#[cfg(feature = "std")]
impl<W: std::io::Write + ?Sized> IoSink<'_, W> {
    pub(super) fn flush(&mut self) {
        if self.error.is_none() && self.len > 0 {
            if let Err(error) = self.out.write_all(&self.buf[..self.len]) {
                self.error = Some(error);
            }
        }
        self.len = 0;
    }
}

#[cfg(feature = "std")]
impl<W: std::io::Write + ?Sized> Sink for IoSink<'_, W> {
    fn put(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > IO_BUF {
            self.flush();
        }
        if bytes.len() > IO_BUF {
            if self.error.is_none() {
                if let Err(error) = self.out.write_all(bytes) {
                    self.error = Some(error);
                }
            }
            return;
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }
}
