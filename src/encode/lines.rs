//! Finding the line breaks in the data the encoder writes.
//!
//! The encoder holds a value whole, unlike the decoder, which sees it cut into
//! chunks, so a long value is worth a leaner long-line loop than the shared
//! scanner's: 256-byte blocks tested with [`scan::may_hold_line_end`],
//! which can be wrong only one way, on a vertical tab or form feed (0x0B,
//! 0x0C): such a block is searched exactly and, holding no CR or LF,
//! skipped. Values up to [`LONG`] bytes, and the first [`HEAD`] bytes of
//! every search in a longer one, go through the shared scanner, whose small
//! blocks suit lines that end early.

use crate::scan;

/// Bytes left to the shared scanner at the start of a value: its small blocks
/// suit lines that end there.
const HEAD: usize = 128;
/// Bytes per block of the long-line loop.
const BLOCK: usize = 256;
/// Values up to this long are split by the shared scanner alone: a line
/// that ends before the first long block would only pay for the detour.
pub(super) const LONG: usize = HEAD + BLOCK;

/// Index of the first CR or LF in `text`.
#[inline]
pub(super) fn find_line_end(text: &[u8]) -> Option<usize> {
    match text.get(..HEAD) {
        Some(head) => match scan::find_line_end(head) {
            None => find_long(text),
            found => found,
        },
        None => scan::find_line_end(text),
    }
}

/// [`find_line_end`] past the head of a text longer than [`HEAD`] that
/// holds no CR or LF in its head.
#[inline(never)]
fn find_long(text: &[u8]) -> Option<usize> {
    let mut at = HEAD;
    while let Some(block) = text.get(at..at + BLOCK) {
        let block: &[u8; BLOCK] = block.try_into().ok()?;
        if scan::may_hold_line_end(block) {
            if let Some(end) = scan::find_line_end(block) {
                return Some(at + end);
            }
        }
        at += BLOCK;
    }
    scan::find_line_end(&text[at..]).map(|end| at + end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &[u8]) -> Option<usize> {
        text.iter().position(|&b| b == b'\r' || b == b'\n')
    }

    /// Agrees with a byte loop for every length up to several blocks past
    /// the head, every position of the first CR or LF, and fillers that the
    /// block test lets through (0x0B, 0x0C) or that trip bit tricks.
    #[test]
    fn equals_byte_loop() {
        const MAX: usize = LONG + BLOCK + 20;
        let fillers = [b'a', 0x0B, 0x0C, 0x0E, 0x09, 0x8D, 0x00];
        let mut buf = [0u8; MAX];
        for len in 0..MAX {
            for &filler in &fillers {
                for (i, byte) in buf.iter_mut().enumerate() {
                    *byte = if i % 3 == 0 { filler } else { b'x' };
                }
                let text = &mut buf[..len];
                assert_eq!(find_line_end(text), None, "len {len} filler {filler}");
                for first in 0..len {
                    for end in [b'\r', b'\n'] {
                        let saved = text[first];
                        text[first] = end;
                        assert_eq!(find_line_end(text), Some(first), "len {len} at {first}");
                        let from = 1.min(len);
                        assert_eq!(find_line_end(&text[from..]), plain(&text[from..]));
                        text[first] = saved;
                    }
                }
            }
        }
    }

    /// A block of nothing but vertical tabs and form feeds passes the block
    /// test and is skipped, so the line end after it is still found.
    #[test]
    fn skips_blocks_of_vertical_tabs() {
        let mut text = [0x0B; HEAD + 2 * BLOCK + 7];
        text[HEAD + 40] = 0x0C;
        let last = text.len() - 3;
        text[last] = b'\n';
        assert_eq!(find_line_end(&text), Some(last));
        assert_eq!(find_line_end(&text[..last]), None);
    }
}
