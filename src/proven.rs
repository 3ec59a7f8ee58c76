//! The one module of this crate allowed `unsafe`: bytes proven to be UTF-8
//! become `str` here without being validated a second time.
//!
//! The proof, the same in each `unsafe` block: a start of the bytes is
//! ASCII (tested a word, then a block, at a time: `ascii_len`), and
//! `core::str::from_utf8` passed on what follows it; an ASCII byte ends any
//! char before it, so the two join to UTF-8. Most field values are short
//! ASCII text, and `from_utf8` walks a short or unaligned span byte by byte
//! before its word loop starts.
//!
//! Every test build checks the result against `from_utf8` in a
//! `debug_assert!`; the property test at the end does so on arbitrary
//! bytes, and CI runs this module's tests under Miri (`.ci/miri.sh`).
#![allow(unsafe_code)]

use crate::scan::{HI, word};

/// `bytes` as text, if they are UTF-8: [`core::str::from_utf8`], at less
/// cost for ASCII.
///
/// Out of line: `Decoder::try_feed`'s loop, which seldom calls it, is
/// slower with it inlined.
#[inline(never)]
pub(crate) fn text(bytes: &[u8]) -> Option<&str> {
    let ascii = ascii_len(bytes);
    if let Some(rest) = bytes.get(ascii..).filter(|rest| !rest.is_empty()) {
        core::str::from_utf8(rest).ok()?;
    }
    debug_assert!(core::str::from_utf8(bytes).is_ok());
    // SAFETY: the proof of the module documentation: `bytes[..ascii]` is
    // ASCII (`ascii_len`) and `from_utf8` passed on the rest.
    Some(unsafe { core::str::from_utf8_unchecked(bytes) })
}

/// The longest start of `bytes` that is UTF-8.
pub(crate) fn valid_prefix(bytes: &[u8]) -> &str {
    let ascii = ascii_len(bytes);
    let valid = match bytes.get(ascii..).map(core::str::from_utf8) {
        Some(Err(error)) => ascii + error.valid_up_to(),
        Some(Ok(_)) | None => bytes.len(),
    };
    let prefix = bytes.get(..valid).unwrap_or_default();
    debug_assert!(core::str::from_utf8(prefix).is_ok());
    // SAFETY: `bytes[..ascii]` is ASCII (`ascii_len`) and `from_utf8` found
    // the next `valid - ascii` bytes valid; an ASCII byte ends any char, so
    // the two join to UTF-8.
    unsafe { core::str::from_utf8_unchecked(prefix) }
}

/// Bytes per block in the loop for long text.
const BLOCK: usize = 128;

/// Whether `block` is all ASCII. No early exit, so that it vectorises.
#[inline]
fn block_is_ascii(block: &[u8]) -> bool {
    let mut high = 0u8;
    for &b in block {
        high |= u8::from(b >= 0x80);
    }
    high == 0
}

/// Bytes tested a word at a time before the loop of blocks: most values
/// end within them, and where text is not ASCII, its first such byte is
/// often near the start.
const HEAD: usize = 32;

/// How many bytes at the start of `bytes` are surely ASCII: all of them, or
/// a start that ends less than a word before the first byte that is not.
#[inline]
fn ascii_len(bytes: &[u8]) -> usize {
    let len = bytes.len();
    if len < 8 {
        return if bytes.iter().fold(0, |any, &b| any | b) < 0x80 {
            len
        } else {
            0
        };
    }
    let mut at = 0;
    while at + 8 <= len.min(HEAD) {
        if word(bytes, at) & HI != 0 {
            return at;
        }
        at += 8;
    }
    while let Some(block) = bytes.get(at..at + BLOCK) {
        if !block_is_ascii(block) {
            break;
        }
        at += BLOCK;
    }
    while at + 8 <= len {
        if word(bytes, at) & HI != 0 {
            return at;
        }
        at += 8;
    }
    // The last word again, overlapping the one before: the tail. Up to
    // `at` all was ASCII, so a byte that is not lies past it.
    if word(bytes, len - 8) & HI == 0 {
        len
    } else {
        at
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    /// Deterministic byte strings: ASCII, valid multi-byte sequences and
    /// invalid bytes mixed, at every length up to a few words and beyond.
    fn samples() -> impl Iterator<Item = Vec<u8>> {
        let count = option_env!("PROPTEST_CASES")
            .and_then(|n| n.parse().ok())
            .unwrap_or(2048usize);
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        (0..count).map(move |_| {
            let mut next = || {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[2]
            };
            let len = usize::from(next() % 80) + usize::from(next() % 4) * 100;
            let mut out = Vec::new();
            while out.len() < len {
                match next() {
                    0..=2 => out.extend_from_slice("\u{e9}".as_bytes()),
                    3 => out.extend_from_slice("\u{20AC}".as_bytes()),
                    4 => out.extend_from_slice("\u{1F600}".as_bytes()),
                    5 => out.push(0xFF),
                    6 => out.push(0x80),
                    7 => out.push(0xE2),
                    8..=11 => out.push(b'\n'),
                    12 => out.push(b'\r'),
                    other => out.push(other % 0x80),
                }
            }
            out
        })
    }

    /// A stretch cut inside a char (as `Decoder::feed` cuts the text it
    /// validates ahead) ends before that char; a complete one is kept.
    #[test]
    fn a_valid_prefix_ends_before_a_cut_char() {
        let cases: [(&[u8], &str); 6] = [
            (b"", ""),
            ("a\u{e9}".as_bytes(), "a\u{e9}"),
            (&"a\u{20AC}".as_bytes()[..3], "a"),
            (&"a\u{1F600}".as_bytes()[..4], "a"),
            (b"data: x\n\xE2", "data: x\n"),
            (b"a\xFFb", "a"),
        ];
        for (bytes, prefix) in cases {
            assert_eq!(super::valid_prefix(bytes), prefix, "{bytes:?}");
        }
    }

    /// The proofs, checked on arbitrary bytes: [`super::text`] gives exactly
    /// what `from_utf8` gives, on every sample and on every start and end
    /// of a short one (so every alignment and tail length is taken).
    #[test]
    fn text_agrees_with_from_utf8() {
        for sample in samples() {
            assert_eq!(super::text(&sample), core::str::from_utf8(&sample).ok());
            let valid = match core::str::from_utf8(&sample) {
                Ok(_) => sample.len(),
                Err(error) => error.valid_up_to(),
            };
            assert_eq!(super::valid_prefix(&sample).as_bytes(), &sample[..valid]);
            if sample.len() <= 40 {
                for start in 0..sample.len() {
                    for end in start..=sample.len() {
                        let span = &sample[start..end];
                        assert_eq!(super::text(span), core::str::from_utf8(span).ok());
                    }
                }
            }
        }
    }

    /// The decoder over the same bytes, whole and in pieces, through the
    /// `decode` loop and `feed`: every proof it takes on the way is checked
    /// by the `debug_assert!`s above (and, under Miri, every `str` it makes),
    /// and every chunking gives the same items.
    #[test]
    fn the_decoder_takes_only_true_proofs_at_every_chunking() {
        use alloc::format;
        use alloc::string::String;

        let run = |bytes: &[u8], size: usize, feed: bool| {
            let mut decoder = crate::Decoder::builder().comments(true).build();
            let mut items: Vec<String> = Vec::new();
            for chunk in bytes.chunks(size.max(1)) {
                if feed {
                    decoder.feed(chunk, |item| items.push(format!("{item:?}")));
                    continue;
                }
                let mut rest = chunk;
                loop {
                    let (item, used) = decoder.decode(rest);
                    rest = &rest[used..];
                    match item {
                        Some(item) => items.push(format!("{item:?}")),
                        None => break,
                    }
                }
            }
            items.push(format!("{:?}", decoder.finish()));
            items
        };
        for sample in samples() {
            let mut stream = Vec::from(&b"data: "[..]);
            stream.extend_from_slice(&sample);
            stream.extend_from_slice(b"\n\nid: 1\nevent: t\ndata: x\n\n");
            let whole = run(&stream, stream.len(), false);
            for size in [1, 3, 7, 64] {
                assert_eq!(
                    run(&stream, size, false),
                    whole,
                    "decode, {size}-byte chunks"
                );
                assert_eq!(run(&stream, size, true), whole, "feed, {size}-byte chunks");
            }
            // The block after the sample is read whatever the sample held.
            let last = r#"event_type: "t", data: "x", last_event_id: "1""#;
            assert!(whole.iter().any(|item| item.contains(last)), "{whole:?}");
        }
    }
}
