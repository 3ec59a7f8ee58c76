//! The byte-scanning loop: finding line ends.
//!
//! Everything the decoder and encoder spend per byte is spent here, so this is
//! the one place to optimise. It knows nothing about fields or events.
//!
//! Safe code, no `core::arch`: blocks of bytes are tested with a branch-free
//! OR of byte comparisons, which LLVM compiles to `pcmpeqb`/`por`/`pmovmskb`
//! on x86-64 (SSE2, no runtime detection needed) and to the equivalent on
//! other targets; only a block that holds a line end is then searched, eight
//! bytes at a time as a `u64` with the classic "has a zero byte" bit trick
//! (SWAR), which finds the exact first CR or LF. Most lines of an event
//! stream are short, so the first 128 bytes go in 16-byte blocks, then
//! 128-byte ones, tested with a subtraction and a minimum per 16 bytes
//! ([`may_hold_line_end`]), and what is left after them in 16-byte blocks
//! again; a block that holds a line end is resolved on its own (two words per
//! 16 bytes), never by a loop over the haystack. docs/PERF-LOG.md
//! has the figures against a plain byte loop.

const LO: u64 = 0x0101_0101_0101_0101;
pub(crate) const HI: u64 = 0x8080_8080_8080_8080;
const CR: u64 = LO * b'\r' as u64;
const LF: u64 = LO * b'\n' as u64;

/// Bytes searched in small blocks before switching to large ones: most lines
/// end within them (128 rather than 64 for the 80-byte lines of `multiline`;
/// docs/PERF-LOG.md).
const SHORT: usize = 128;
/// Bytes per block in the long-line loop: 128 rather than 64 for 64 KiB lines
/// (`large`), not 256, which costs more on lines cut into 4 KiB chunks
/// (docs/PERF-LOG.md).
const BLOCK: usize = 128;
/// The long loop's block for a value held whole ([`find_line_end_whole`]).
const WHOLE_BLOCK: usize = 256;

/// Little-endian word at `at` (the caller checks `at + 8 <= bytes.len()`).
#[inline]
pub(crate) fn word(bytes: &[u8], at: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(w)
}

/// Marks (high bit of each byte) where `w` holds a CR or LF. The lowest mark is
/// exact; marks above it may be spurious, so only the lowest one is used.
#[inline]
fn line_end_marks(w: u64) -> u64 {
    let lf = w ^ LF;
    let cr = w ^ CR;
    ((lf.wrapping_sub(LO) & !lf) | (cr.wrapping_sub(LO) & !cr)) & HI
}

/// Index of the lowest marked byte.
#[inline]
fn first_marked(marks: u64) -> usize {
    (marks.trailing_zeros() / 8) as usize
}

#[inline]
fn is_line_end(byte: u8) -> bool {
    byte == b'\r' || byte == b'\n'
}

/// Whether `block` holds a CR or LF. No early exit, so that it vectorises.
#[inline]
fn block_has_line_end<const N: usize>(block: &[u8; N]) -> bool {
    let mut any = 0u8;
    for &b in block {
        any |= u8::from(b == b'\r') | u8::from(b == b'\n');
    }
    any != 0
}

/// The first CR or LF of `haystack[at..]`, word by word, then byte by byte.
#[inline]
fn find_from(haystack: &[u8], mut at: usize) -> Option<usize> {
    while at + 8 <= haystack.len() {
        let marks = line_end_marks(word(haystack, at));
        if marks != 0 {
            return Some(at + first_marked(marks));
        }
        at += 8;
    }
    haystack[at..]
        .iter()
        .position(|&b| is_line_end(b))
        .map(|i| at + i)
}

/// Index of the first CR or LF of a 16-byte block known to hold one: two
/// words, no loop and no bounds checks against the haystack.
#[inline]
fn first_in_block(block: &[u8; 16]) -> usize {
    let low = line_end_marks(word(block, 0));
    if low != 0 {
        first_marked(low)
    } else {
        8 + first_marked(line_end_marks(word(block, 8)))
    }
}

/// Returns the index of the first CR or LF in `haystack`.
#[inline]
pub(crate) fn find_line_end(haystack: &[u8]) -> Option<usize> {
    find_line_end_by::<BLOCK>(haystack)
}

/// [`find_line_end`], inlined wherever it is called: for
/// `Decoder::try_feed`'s loop, which LLVM compiles apart from `decode`'s and
/// where it leaves the search out of line, at a call per line.
#[allow(clippy::inline_always)]
#[inline(always)]
pub(crate) fn find_line_end_inlined(haystack: &[u8]) -> Option<usize> {
    search_inlined::<BLOCK>(haystack)
}

/// [`find_line_end`] for a value held whole, as the encoder holds one: past
/// [`SHORT`], blocks of [`WHOLE_BLOCK`] bytes. The decoder keeps the smaller
/// [`BLOCK`]: its lines are cut by chunk boundaries, and a long block left
/// over at the end of a chunk is searched 16 bytes at a time.
#[inline]
pub(crate) fn find_line_end_whole(haystack: &[u8]) -> Option<usize> {
    find_line_end_by::<WHOLE_BLOCK>(haystack)
}

/// The search of [`find_line_end`], [`find_line_end_inlined`] and
/// [`find_line_end_whole`], in two functions that differ only in how they
/// are inlined: `find_line_end_by` where LLVM sees fit, `search_inlined`
/// everywhere. Forcing either on every caller costs some of them
/// (docs/PERF-LOG.md).
macro_rules! line_end_search {
    ($(#[$inline:meta])* $vis:vis fn $name:ident) => {
        $(#[$inline])*
        $vis fn $name<const LONG: usize>(haystack: &[u8]) -> Option<usize> {
            let mut at = 0;
            while let Some(block) = haystack.get(at..at + 16) {
                let block: &[u8; 16] = block.try_into().ok()?;
                if block_has_line_end(block) {
                    return Some(at + first_in_block(block));
                }
                at += 16;
                if at >= SHORT {
                    return find_line_end_long::<LONG>(haystack, at);
                }
            }
            find_from(haystack, at)
        }
    };
}

line_end_search!(#[inline] fn find_line_end_by);
line_end_search!(
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn search_inlined
);

/// Whether `block` may hold a CR or LF: true for every block that holds one,
/// and for some that hold only a vertical tab or form feed. Cheaper than
/// [`block_has_line_end`] on long blocks: a subtraction and an unsigned
/// minimum per 16 bytes (`psubb`/`pminub` on x86-64) instead of two
/// comparisons and two ORs, since only the bytes 0x0A to 0x0D come out of
/// the subtraction below 4. No early exit, so that it vectorises.
#[inline]
fn may_hold_line_end<const N: usize>(block: &[u8; N]) -> bool {
    let mut low = [u8::MAX; 16];
    for part in block.chunks_exact(16) {
        for (low, &byte) in low.iter_mut().zip(part) {
            *low = (*low).min(byte.wrapping_sub(b'\n'));
        }
    }
    let mut any = 0u8;
    for low in low {
        any |= u8::from(low <= b'\r' - b'\n');
    }
    any != 0
}

/// The long-line part of [`find_line_end`] and [`find_line_end_whole`],
/// from `at` on, in blocks of `LONG` bytes.
#[inline(never)]
fn find_line_end_long<const LONG: usize>(haystack: &[u8], mut at: usize) -> Option<usize> {
    while let Some(block) = haystack.get(at..at + LONG) {
        let block: &[u8; LONG] = block.try_into().ok()?;
        // A block let through by a vertical tab or form feed alone holds
        // no 16 bytes with a line end, and the loop goes on.
        if may_hold_line_end(block) {
            // Which 16 bytes: a vector test each, then two words (measured
            // cheaper than a word loop from the block's start).
            for (i, part) in block.chunks_exact(16).enumerate() {
                let part: &[u8; 16] = part.try_into().ok()?;
                if block_has_line_end(part) {
                    return Some(at + 16 * i + first_in_block(part));
                }
            }
        }
        at += LONG;
    }
    // Fewer than a block left: 16 bytes at a time, then words.
    while let Some(part) = haystack.get(at..at + 16) {
        let part: &[u8; 16] = part.try_into().ok()?;
        if block_has_line_end(part) {
            return Some(at + first_in_block(part));
        }
        at += 16;
    }
    find_from(haystack, at)
}

/// Returns the index of the first `:` in `haystack`.
#[inline]
pub(crate) fn find_colon(haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line-end finder under test.
    type Finder = fn(&[u8]) -> Option<usize>;

    fn plain(haystack: &[u8]) -> Option<usize> {
        haystack.iter().position(|&b| b == b'\r' || b == b'\n')
    }

    #[test]
    fn finds_first_line_end() {
        assert_eq!(find_line_end(b""), None);
        assert_eq!(find_line_end(b"abc"), None);
        assert_eq!(find_line_end(b"a\rb\n"), Some(1));
        assert_eq!(find_line_end(b"ab\n\r"), Some(2));
    }

    /// The block and word paths agree with a plain byte loop for every length
    /// up to several long blocks, every position of the first CR or LF, and
    /// bytes that trip naive bit tricks (0x0B, 0x0C, 0x0E, 0x8A, 0x8D, 0xFF,
    /// 0x00), at two alignments.
    #[test]
    fn fast_scan_equals_byte_loop() {
        let fillers = [b'a', 0x0B, 0x0C, 0x0E, 0x8A, 0x8D, 0xFF, 0x00, 0x09];
        agrees_with_byte_loop(find_line_end, SHORT + 3 * BLOCK + 20, 1, &fillers);
    }

    /// The same for the encoder's larger long block, on every third length
    /// (every length would take minutes unoptimised) and the fillers that
    /// pass the block tests.
    #[test]
    fn whole_value_scan_equals_byte_loop() {
        let fillers = [b'a', 0x0B, 0x0C, 0x0E, 0x8A, 0x8D];
        agrees_with_byte_loop(
            find_line_end_whole,
            SHORT + 3 * WHOLE_BLOCK + 20,
            3,
            &fillers,
        );
    }

    fn agrees_with_byte_loop(find: Finder, max: usize, len_step: usize, fillers: &[u8]) {
        let mut buf = [0u8; SHORT + 3 * WHOLE_BLOCK + 20];
        let buf = &mut buf[..max];
        for len in (0..max).step_by(len_step) {
            for &filler in fillers {
                for (i, byte) in buf.iter_mut().enumerate() {
                    *byte = if i % 3 == 0 { filler } else { b'x' };
                }
                let hay = &mut buf[..len];
                assert_eq!(find(hay), None, "len {len}");
                for first in 0..len {
                    for end in [b'\r', b'\n'] {
                        let saved = hay[first];
                        hay[first] = end;
                        // A later line end must not win.
                        let later = (first + 5 < len).then(|| {
                            let s = hay[first + 5];
                            hay[first + 5] = b'\n';
                            s
                        });
                        assert_eq!(find(hay), Some(first), "len {len} at {first}");
                        assert_eq!(find(&hay[1.min(len)..]), plain(&hay[1.min(len)..]));
                        hay[first] = saved;
                        if let Some(s) = later {
                            hay[first + 5] = s;
                        }
                    }
                }
            }
        }
    }

    /// A long block of nothing but vertical tabs and form feeds passes the
    /// long loop's block test and is skipped, so the line end after it is
    /// still found.
    #[test]
    fn skips_long_blocks_of_vertical_tabs() {
        let finders: [(Finder, usize); 2] =
            [(find_line_end, BLOCK), (find_line_end_whole, WHOLE_BLOCK)];
        for (find, block) in finders {
            let mut buf = [0x0B; SHORT + 2 * WHOLE_BLOCK + 7];
            let hay = &mut buf[..SHORT + 2 * block + 7];
            hay[SHORT + 40] = 0x0C;
            let last = hay.len() - 3;
            hay[last] = b'\n';
            assert_eq!(find(hay), Some(last), "block {block}");
            assert_eq!(find(&hay[..last]), None, "block {block}");
        }
    }

    #[test]
    fn finds_first_colon() {
        assert_eq!(find_colon(b"data"), None);
        assert_eq!(find_colon(b"data: a:b"), Some(4));
    }
}
