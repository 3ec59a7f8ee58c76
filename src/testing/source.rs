//! The bytes that steer the generator, and the pieces values are made of,
//! each with the text it decodes to.

use alloc::string::String;
use alloc::vec::Vec;

/// Reads choices from the caller's bytes; past their end every choice is 0,
/// which the generator reads as "stop" or "the plainest option", so a short
/// input gives a short scenario and every input gives one.
pub(super) struct Source<'a> {
    bytes: &'a [u8],
}

impl<'a> Source<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Source<'a> {
        Source { bytes }
    }

    pub(super) fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((&first, rest)) => {
                self.bytes = rest;
                first
            }
            None => 0,
        }
    }

    /// A choice in `0..n` (`n` at most 256).
    pub(super) fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    /// True with probability about `numerator / 256`.
    pub(super) fn chance(&mut self, numerator: u8) -> bool {
        self.byte() < numerator
    }
}

/// Bytes on the wire and the text the UTF-8 decode makes of them (R1).
#[derive(Clone, Copy)]
pub(super) struct Piece {
    pub(super) bytes: &'static [u8],
    pub(super) text: &'static str,
    /// Whether the bytes are not valid UTF-8.
    pub(super) invalid: bool,
}

const fn valid(text: &'static str) -> Piece {
    Piece {
        bytes: text.as_bytes(),
        text,
        invalid: false,
    }
}

const fn invalid(bytes: &'static [u8], text: &'static str) -> Piece {
    Piece {
        bytes,
        text,
        invalid: true,
    }
}

/// U+0000 NULL, which makes an `id` line ignored (R10c).
pub(super) const NUL: Piece = valid("\0");

/// What values are made of. No piece holds CR or LF, and none starts with a
/// UTF-8 continuation byte, so a truncated sequence at the end of one piece
/// is never completed by the next: each piece decodes on its own, and a
/// value's text is its pieces' texts joined. Each invalid piece is one or
/// more maximal subparts, each becoming one U+FFFD.
pub(super) const PIECES: &[Piece] = &[
    valid("a"),
    valid("tok"),
    valid("42"),
    valid("{\"k\":1}"),
    valid(" "),
    valid("  "),
    valid("\t"),
    valid(":"),
    valid("\u{e9}"),
    valid("\u{4e2d}"),
    valid("\u{1f600}"),
    valid("\u{feff}"),
    NUL,
    invalid(b"\xFF", "\u{fffd}"),
    invalid(b"\xC0", "\u{fffd}"),
    invalid(b"\xE2\x82", "\u{fffd}"),
    invalid(b"\xF0\x9F\x98", "\u{fffd}"),
    invalid(b"\xED\xA0\x80", "\u{fffd}\u{fffd}\u{fffd}"),
];

/// A value: its wire bytes and decoded text.
#[derive(Clone, Default)]
pub(super) struct Value {
    pub(super) bytes: Vec<u8>,
    pub(super) text: String,
    pub(super) invalid: bool,
    /// Offsets into `bytes` that lie inside a multi-byte sequence.
    pub(super) inside_chars: Vec<usize>,
}

impl Value {
    pub(super) fn push(&mut self, piece: Piece) {
        if piece.bytes.len() > 1 && !piece.invalid && piece.text.chars().count() == 1 {
            let at = self.bytes.len();
            self.inside_chars
                .extend((1..piece.bytes.len()).map(|i| at + i));
        }
        self.bytes.extend_from_slice(piece.bytes);
        self.text.push_str(piece.text);
        self.invalid |= piece.invalid;
    }

    pub(super) fn ascii(text: &str) -> Value {
        Value {
            bytes: text.as_bytes().to_vec(),
            text: String::from(text),
            ..Value::default()
        }
    }

    /// Pads with `x` up to `len` wire bytes (never shortens).
    pub(super) fn pad_to(&mut self, len: usize) {
        while self.bytes.len() < len {
            self.bytes.push(b'x');
            self.text.push('x');
        }
    }

    /// Drops one leading U+0020 SPACE, as R7 does after the colon.
    pub(super) fn strip_one_space(&self) -> Value {
        if self.bytes.first() != Some(&b' ') {
            return self.clone();
        }
        Value {
            bytes: self.bytes[1..].to_vec(),
            text: String::from(&self.text[1..]),
            invalid: self.invalid,
            inside_chars: self.inside_chars.iter().map(|i| i - 1).collect(),
        }
    }
}

/// A value of up to `max` pieces. `no_nul` keeps NUL out (for ids meant to
/// be accepted).
pub(super) fn value(source: &mut Source<'_>, max: usize, no_nul: bool) -> Value {
    let mut value = Value::default();
    let count = source.below(max + 1);
    for _ in 0..count {
        let piece = PIECES[source.below(PIECES.len())];
        if no_nul && piece.bytes.contains(&0) {
            value.push(PIECES[0]);
        } else {
            value.push(piece);
        }
    }
    value
}
