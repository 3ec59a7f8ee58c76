//! The standard's rules for one line, as pure functions of its bytes: what
//! kind of line it is, where its value starts, and which values a field
//! accepts (`docs/SPEC.md`, R5 to R9, R10c and R10d). Nothing here knows about
//! chunks, buffers or events.

use crate::scan;

/// What a line is. Field names are case-sensitive; any other name is
/// ignored, as is a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineKind {
    /// An empty line: dispatch the event.
    Blank,
    /// A line starting with `:`.
    Comment,
    Data,
    Event,
    Id,
    Retry,
    /// A field with any other name.
    Other,
}

/// The line's kind and the offset at which its value starts.
///
/// A line with a colon is split at the first one, and a single U+0020 SPACE
/// after it is not part of the value; a line without a colon is a field
/// name with an empty value.
#[inline(always)]
pub(super) fn classify(line: &[u8]) -> (LineKind, usize) {
    let Some(&first) = line.first() else {
        return (LineKind::Blank, 0);
    };
    if first == b':' {
        return (LineKind::Comment, value_start(line, 0));
    }
    // Nearly every line of a real stream is one of the four fields followed
    // by its colon: comparing the prefix skips the search for the colon.
    let known = match first {
        b'd' if line.starts_with(b"data:") => Some((LineKind::Data, 4)),
        b'e' if line.starts_with(b"event:") => Some((LineKind::Event, 5)),
        b'i' if line.starts_with(b"id:") => Some((LineKind::Id, 2)),
        b'r' if line.starts_with(b"retry:") => Some((LineKind::Retry, 5)),
        _ => None,
    };
    if let Some((kind, colon)) = known {
        return (kind, value_start(line, colon));
    }
    let Some(colon) = scan::find_colon(line) else {
        return (field_kind(line), line.len());
    };
    (field_kind(&line[..colon]), value_start(line, colon))
}

/// Skips the colon and at most one U+0020 SPACE after it.
#[inline]
fn value_start(line: &[u8], colon: usize) -> usize {
    if line.get(colon + 1) == Some(&b' ') {
        colon + 2
    } else {
        colon + 1
    }
}

fn field_kind(name: &[u8]) -> LineKind {
    match name {
        b"data" => LineKind::Data,
        b"event" => LineKind::Event,
        b"id" => LineKind::Id,
        b"retry" => LineKind::Retry,
        _ => LineKind::Other,
    }
}

/// The `retry` value as milliseconds: ASCII digits only, else the field is
/// ignored. Digits too large for `u64` are ignored too (the standard is
/// silent; `docs/SPEC.md`, C1).
pub(super) fn retry_millis(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    value.iter().try_fold(0u64, |n, &digit| {
        n.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
    })
}

/// Whether an `id` value is accepted: one holding NUL is ignored.
#[inline]
#[allow(clippy::manual_contains)] // a byte loop, deliberately, below 32 bytes
pub(super) fn id_is_valid(value: &[u8]) -> bool {
    // Ids are short, and for them a byte loop costs less than the setup of
    // the `memchr` behind `contains` (docs/PERF-LOG.md, `small`).
    if value.len() < 32 {
        !value.iter().any(|&b| b == 0)
    } else {
        !value.contains(&0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_values() {
        assert_eq!(retry_millis(b"0"), Some(0));
        assert_eq!(retry_millis(b"02000"), Some(2000));
        assert_eq!(retry_millis(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(retry_millis(b"18446744073709551616"), None);
        assert_eq!(retry_millis(b""), None);
        assert_eq!(retry_millis(b" 1"), None);
        assert_eq!(retry_millis(b"1e3"), None);
    }

    #[test]
    fn id_values() {
        assert!(id_is_valid(b""));
        assert!(id_is_valid(b"42"));
        assert!(!id_is_valid(b"4\x002"));
        let mut long = [b'a'; 40];
        assert!(id_is_valid(&long));
        long[39] = 0;
        assert!(!id_is_valid(&long));
    }

    #[test]
    fn classifies_lines() {
        assert_eq!(classify(b""), (LineKind::Blank, 0));
        assert_eq!(classify(b": x"), (LineKind::Comment, 2));
        assert_eq!(classify(b"data"), (LineKind::Data, 4));
        assert_eq!(classify(b"data:x"), (LineKind::Data, 5));
        assert_eq!(classify(b"data:  x"), (LineKind::Data, 6));
        assert_eq!(classify(b"data :x"), (LineKind::Other, 6));
        assert_eq!(classify(b"id:"), (LineKind::Id, 3));
        assert_eq!(classify(b"id"), (LineKind::Id, 2));
        assert_eq!(classify(b"event: a:b"), (LineKind::Event, 7));
        assert_eq!(classify(b"event"), (LineKind::Event, 5));
        assert_eq!(classify(b"retry:1"), (LineKind::Retry, 6));
        assert_eq!(classify(b"datum: x"), (LineKind::Other, 7));
        assert_eq!(classify(b"dat: x"), (LineKind::Other, 5));
        assert_eq!(classify(b"identity: x"), (LineKind::Other, 10));
        assert_eq!(classify(b"eventsource: x"), (LineKind::Other, 13));
        assert_eq!(classify(b"d"), (LineKind::Other, 1));
    }
}
