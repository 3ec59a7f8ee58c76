//! Bytes into lines, across chunk boundaries (`docs/SPEC.md`, R2 and R3): the BOM at the start of a stream, CR LF, LF and CR line
//! endings (a CR at the end of one chunk and an LF at the start of the next
//! are one ending), a line cut by the end of a chunk, and skipping lines to
//! the end of a block after a limit error (C2).

use alloc::vec::Vec;
use core::ops::Range;

use super::call::Known;
use super::store::reserve_within;
use super::utf8::lossy_vec;
use crate::error::DecodeError;

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// The line splitter's state between calls. Small fields only, so that it
/// packs beside the decoder's others.
#[derive(Clone, Copy, Default)]
pub(super) struct Lines {
    start: Start,
    skip: Skip,
}

/// The line buffer: the start of a line that the previous chunk ended
/// inside; or, while it is lent out, a comment or the decoded copy of an
/// event's data (see `Data::text`).
#[derive(Clone, Default)]
pub(super) struct LineBuf {
    bytes: Vec<u8>,
}

/// What the first bytes of the next chunk may complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    /// The start of the stream, with this many bytes of a possible BOM seen
    /// and held back.
    Bom(u8),
    /// The previous chunk ended with a CR: an LF first is the same ending.
    AfterCr,
    /// Nothing: a new line starts.
    Line,
}

impl Default for Start {
    fn default() -> Start {
        Start::Bom(0)
    }
}

/// Discarding lines up to the next blank one, after a limit error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Skip {
    #[default]
    Off,
    /// At a line start.
    Block,
    /// Inside a line that is not blank.
    Line,
}

impl Lines {
    /// Consumes what the previous chunk left open at the input's start: the
    /// rest of a BOM, or the LF of a CR LF. Returns where lines start, or
    /// `None` when all of the input may still be the start of a BOM, held
    /// back.
    #[inline]
    pub(super) fn begin(&mut self, input: &[u8], line: &mut LineBuf) -> Option<usize> {
        match self.start {
            Start::Line => Some(0),
            Start::AfterCr => {
                let Some(&first) = input.first() else {
                    return Some(0);
                };
                self.start = Start::Line;
                Some(usize::from(first == b'\n'))
            }
            Start::Bom(seen) => self.begin_stream(input, seen, line),
        }
    }

    /// One BOM at the very start of the stream is dropped, however the
    /// chunks split it; any other EF BB BF is text.
    fn begin_stream(&mut self, input: &[u8], seen: u8, line: &mut LineBuf) -> Option<usize> {
        let mut seen = usize::from(seen);
        let mut pos = 0;
        while seen < BOM.len() && pos < input.len() && input[pos] == BOM[seen] {
            seen += 1;
            pos += 1;
        }
        if seen < BOM.len() {
            if pos == input.len() {
                #[allow(clippy::cast_possible_truncation)] // seen < 3
                let held = seen as u8;
                self.start = Start::Bom(held);
                return None;
            }
            // Not a BOM: what was held back is the start of the first line.
            line.bytes
                .extend_from_slice(BOM.get(..seen).unwrap_or_default());
        }
        self.start = Start::Line;
        Some(pos)
    }

    /// The next complete line of `input` from `pos`, without its line
    /// ending, and where the line after it starts.
    #[inline(always)]
    pub(super) fn next_line<'i, K: Known<'i>>(
        &mut self,
        input: &[u8],
        pos: usize,
    ) -> Option<(Range<usize>, usize)> {
        let rest = input.get(pos..)?;
        // A blank line, one in every event, ends at its first byte: no scan.
        let len = match rest.first()? {
            b'\n' | b'\r' => 0,
            _ => K::find_line_end(rest)?,
        };
        let end = pos + len;
        let mut next = end + 1;
        if input[end] == b'\r' {
            match input.get(next) {
                Some(b'\n') => next += 1,
                Some(_) => {}
                // The LF of a CR LF may start the next chunk.
                None => self.start = Start::AfterCr,
            }
        }
        Some((pos..end, next))
    }

    /// Whether lines are being skipped, after a limit error, up to and
    /// including the next blank line.
    #[inline]
    pub(super) fn skipping(self) -> bool {
        self.skip != Skip::Off
    }

    /// Skips one line; a blank one ends the skipped block.
    #[inline]
    pub(super) fn skip_line(&mut self, blank: bool) {
        self.skip = if self.skip == Skip::Block && blank {
            Skip::Off
        } else {
            Skip::Block
        };
    }

    /// After a limit error: the rest of the block is skipped.
    pub(super) fn skip_block(&mut self, line: &mut LineBuf) {
        line.bytes.clear();
        self.skip = Skip::Block;
    }

    /// The input ended inside a line: its start `rest` is kept for the next
    /// call, unless it is skipped. Past the line limit `cap` the line is lost
    /// and skipped to its end; the caller discards the block.
    #[inline]
    pub(super) fn keep_partial(
        &mut self,
        line: &mut LineBuf,
        rest: &[u8],
        cap: usize,
    ) -> Result<(), DecodeError> {
        if self.skip != Skip::Off {
            self.skip = Skip::Line;
            return Ok(());
        }
        if line.bytes.len() + rest.len() > cap {
            line.bytes.clear();
            self.skip = Skip::Line;
            return Err(DecodeError::LineTooLong { limit: cap });
        }
        reserve_within(&mut line.bytes, rest.len(), cap);
        line.bytes.extend_from_slice(rest);
        Ok(())
    }

    /// Whether the stream would end inside a line or a skipped block.
    pub(super) fn mid_line(self, line: &LineBuf) -> bool {
        line.is_cut() || self.skip != Skip::Off || matches!(self.start, Start::Bom(1..))
    }

    /// Ready for a new stream: a BOM is dropped again at its start.
    pub(super) fn restart(&mut self, line: &mut LineBuf) {
        line.bytes.clear();
        self.skip = Skip::Off;
        self.start = Start::Bom(0);
    }
}

impl LineBuf {
    /// Whether a line's start is held from an earlier chunk.
    #[inline]
    pub(super) fn is_cut(&self) -> bool {
        !self.bytes.is_empty()
    }

    /// Completes a cut line with `tail` and takes it out, to be given back
    /// with [`LineBuf::give_back`]. Past the line limit `cap`, an error.
    #[inline]
    pub(super) fn complete(&mut self, tail: &[u8], cap: usize) -> Result<Vec<u8>, DecodeError> {
        if self.bytes.len() + tail.len() > cap {
            return Err(DecodeError::LineTooLong { limit: cap });
        }
        reserve_within(&mut self.bytes, tail.len(), cap);
        self.bytes.extend_from_slice(tail);
        Ok(core::mem::take(&mut self.bytes))
    }

    /// Gives back the buffer of a line taken out by [`LineBuf::complete`],
    /// emptied unless `lent` (a comment handed out from it).
    #[inline]
    pub(super) fn give_back(&mut self, mut line: Vec<u8>, lent: bool) {
        if !lent {
            line.clear();
        }
        self.bytes = line;
    }

    /// Lends the buffer, empty between lines, for decoded text.
    pub(super) fn scratch(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    /// Holds `bytes`, decoded, as a comment to lend out.
    pub(super) fn lend_decoded(&mut self, bytes: &[u8]) {
        self.bytes = lossy_vec(bytes);
    }

    /// The comment lent from the buffer, from `at` on, as text.
    pub(super) fn lent_comment(&mut self, at: usize) -> &str {
        let comment = self.bytes.get(at..).unwrap_or_default();
        if core::str::from_utf8(comment).is_err() {
            self.bytes = lossy_vec(comment);
        } else {
            self.bytes.drain(..at);
        }
        core::str::from_utf8(&self.bytes).unwrap_or_default()
    }

    /// Clears what was lent out from the buffer.
    pub(super) fn release(&mut self) {
        self.bytes.clear();
    }

    /// Bytes of a cut line held.
    pub(super) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The held bytes, for `Debug`.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub(super) fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }
}
