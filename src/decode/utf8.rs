//! Lossy UTF-8 decoding, the standard's "UTF-8 decode": every invalid
//! sequence becomes U+FFFD (`docs/SPEC.md`, R1).
//!
//! Field boundaries (colon, space, CR, LF) are ASCII bytes, which never occur
//! inside a UTF-8 sequence, so decoding field by field gives the same text as
//! decoding the whole stream first: that is what lets the decoder validate
//! values where they lie, and only when it needs them as text.

use alloc::string::String;
use alloc::vec::Vec;

/// U+FFFD as the three bytes it takes in UTF-8.
const REPLACEMENT_LEN: usize = char::REPLACEMENT_CHARACTER.len_utf8();

/// A buffer that decoded text is appended to: the decoder keeps the event
/// type and IDs in `String`s and the data in a `Vec<u8>`, whose bytes may
/// not all be validated yet (see `Data` in `store.rs`).
pub(super) trait TextBuf {
    fn push_text(&mut self, text: &str);
    fn reserve_exact(&mut self, additional: usize);
}

impl TextBuf for String {
    #[inline]
    fn push_text(&mut self, text: &str) {
        self.push_str(text);
    }

    fn reserve_exact(&mut self, additional: usize) {
        String::reserve_exact(self, additional);
    }
}

impl TextBuf for Vec<u8> {
    #[inline]
    fn push_text(&mut self, text: &str) {
        self.extend_from_slice(text.as_bytes());
    }

    fn reserve_exact(&mut self, additional: usize) {
        Vec::reserve_exact(self, additional);
    }
}

/// Appends `bytes` decoded lossily.
pub(super) fn push_lossy<B: TextBuf + ?Sized>(out: &mut B, bytes: &[u8]) {
    // Nearly every value is valid: one check, one copy.
    if let Some(text) = crate::proven::text(bytes) {
        out.push_text(text);
        return;
    }
    // Decoded piece by piece, the buffer would grow by doubling: reserve what
    // it needs, so that a buffer bounded by a limit holds no more.
    out.reserve_exact(decoded_len(bytes));
    for chunk in bytes.utf8_chunks() {
        out.push_text(chunk.valid());
        if !chunk.invalid().is_empty() {
            out.push_text("\u{FFFD}");
        }
    }
}

/// Replaces the text of `out` with `bytes` decoded lossily, keeping its
/// allocation.
pub(super) fn set_lossy(out: &mut String, bytes: &[u8]) {
    out.clear();
    push_lossy(out, bytes);
}

/// `bytes` decoded lossily, as a new buffer.
pub(super) fn lossy_vec(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    push_lossy(&mut out, bytes);
    out
}

/// The length of `bytes` decoded lossily, without decoding them.
pub(super) fn decoded_len(bytes: &[u8]) -> usize {
    if crate::proven::text(bytes).is_some() {
        return bytes.len();
    }
    bytes
        .utf8_chunks()
        .map(|chunk| {
            let replacement = if chunk.invalid().is_empty() {
                0
            } else {
                REPLACEMENT_LEN
            };
            chunk.valid().len() + replacement
        })
        .sum()
}

/// The most a value of `len` stream bytes can take decoded: every byte
/// invalid on its own, each becoming U+FFFD.
#[inline]
pub(super) const fn max_decoded_len(len: usize) -> usize {
    len.saturating_mul(REPLACEMENT_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lossy_decoding_agrees_with_std() {
        let cases: [&[u8]; 6] = [
            b"plain",
            b"a\xFFb",
            b"\xE2\x82",
            b"\xF0\x9F\x99\x82ok",
            b"\xC3",
            b"\xED\xA0\x80",
        ];
        for bytes in cases {
            let expected = String::from_utf8_lossy(bytes);
            let mut text = String::new();
            push_lossy(&mut text, bytes);
            assert_eq!(text, expected);
            assert_eq!(lossy_vec(bytes), expected.as_bytes());
            let mut replaced = String::from("an earlier value, longer");
            set_lossy(&mut replaced, bytes);
            assert_eq!(replaced, expected);
            assert_eq!(decoded_len(bytes), expected.len());
            assert!(decoded_len(bytes) <= max_decoded_len(bytes.len()));
        }
    }
}
