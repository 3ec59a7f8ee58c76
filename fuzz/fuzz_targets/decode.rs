//! Invariant: whatever the bytes, chunking and limits (tiny ones included),
//! the decoder stays within its `Limits` and always recovers.
//!
//! Checked concretely, with the limits from the input's header:
//! - every `decode` call makes progress (see `decode_chunk`);
//! - after every chunk, what `Decoder::buffered` reports stays within the
//!   limits: the cut line at most `max_line_len` stream bytes, the data at
//!   most `max_event_len` bytes of text, the event type and the pending id at
//!   most `max_line_len` bytes of text when the stream is valid UTF-8 (three
//!   times that otherwise: an invalid byte decodes to the three bytes of
//!   U+FFFD); and the last event ID at most `max_line_len` stream bytes (a
//!   U+FFFD counts as one, as it may stand for a single invalid byte);
//! - every event's data is at most `max_event_len` bytes long, and its type
//!   and ID at most `max_line_len` stream bytes; comments appear only when
//!   asked for, and are at most `max_line_len` stream bytes;
//! - an error names the limit in force, and `LineTooLong` only happens when
//!   the stream really has a line longer than the limit;
//! - appending "\n\ndata: ok\n\n" to any stream yields at most three more
//!   items, the last being the event `ok` (with limits too small for that
//!   line: the event `""` from "data", or `LineTooLong` when even "data" is
//!   too long), and the stream then finishes `Clean`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssewire::{DecodeError, Decoder, Finish, OwnedDecoded, OwnedEvent};

use ssewire_fuzz::{Header, decode_chunk, wire_len_lower_bound};

/// Longest line of `stream` in bytes (after a leading BOM), counting an
/// unterminated last line, with CR, LF and CR LF as line ends.
fn longest_line(stream: &[u8]) -> usize {
    let stream = stream.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(stream);
    stream
        .split(|&b| b == b'\r' || b == b'\n')
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

struct Caps {
    line: usize,
    event: usize,
    /// The bound on text decoded from one line: `line` for a valid UTF-8
    /// stream, where text and stream bytes are the same, else three times it.
    line_text: usize,
    comments: bool,
    longest_line: usize,
}

impl Caps {
    /// Checks what the decoder holds between calls against the limits.
    fn check_buffers(&self, decoder: &Decoder) {
        let held = decoder.buffered();
        // Reading the last event ID costs its length: skipped when no limit
        // applies to it.
        let last_id = if self.line == usize::MAX {
            0
        } else {
            wire_len_lower_bound(decoder.last_event_id())
        };
        let parts = [
            ("cut line", held.line, self.line),
            ("data", held.data, self.event),
            ("event type", held.event_type, self.line_text),
            ("pending id", held.id, self.line_text),
            ("last event ID", last_id, self.line),
        ];
        for (name, len, cap) in parts {
            assert!(
                len <= cap,
                "decoder holds {len} bytes of {name}, over its limit {cap}: {held:?}"
            );
        }
    }

    fn check_item(&self, item: &OwnedDecoded) {
        match item {
            OwnedDecoded::Event(event) => {
                let (event_type, data, id) =
                    (event.event_type(), event.data(), event.last_event_id());
                assert!(
                    data.len() <= self.event,
                    "event data of {} bytes over max_event_len {}: {item:?}",
                    data.len(),
                    self.event
                );
                // "message" may be the default, which no line carried.
                assert!(
                    event_type == "message" || wire_len_lower_bound(event_type) <= self.line,
                    "event type longer than max_line_len {}: {item:?}",
                    self.line
                );
                assert!(
                    wire_len_lower_bound(id) <= self.line,
                    "last event ID longer than max_line_len {}: {item:?}",
                    self.line
                );
            }
            OwnedDecoded::Comment(text) => {
                assert!(
                    self.comments,
                    "comment reported while comments are off: {item:?}"
                );
                assert!(
                    wire_len_lower_bound(text) <= self.line,
                    "comment longer than max_line_len {}: {item:?}",
                    self.line
                );
            }
            OwnedDecoded::Error(DecodeError::LineTooLong { limit }) => {
                assert_eq!(*limit, self.line, "LineTooLong names the wrong limit");
                assert!(
                    self.longest_line > *limit,
                    "LineTooLong {{ limit: {limit} }} but the longest line is {} bytes",
                    self.longest_line
                );
            }
            OwnedDecoded::Error(DecodeError::EventTooLarge { limit }) => {
                assert_eq!(*limit, self.event, "EventTooLarge names the wrong limit");
                assert!(*limit != usize::MAX, "EventTooLarge without an event limit");
            }
            OwnedDecoded::Error(other) => panic!("unknown DecodeError {other:?}"),
            OwnedDecoded::Retry(_) => {}
            other => panic!("an item the fuzz target does not know: {other:?}"),
        }
    }
}

const SUFFIX: &[u8] = b"\n\ndata: ok\n\n";
const SUFFIX_SHORT: &[u8] = b"\n\ndata\n\n";

fuzz_target!(|input: &[u8]| {
    let Some((header, stream)) = Header::parse(input) else {
        return;
    };
    let limits = header.tiny();
    let mut decoder = Decoder::builder()
        .limits(limits)
        .comments(header.comments)
        .build();
    assert_eq!(decoder.limits(), limits);

    let line = header.max_line_len.unwrap_or(usize::MAX);
    let event = header.max_event_len.unwrap_or(usize::MAX);
    let suffix = if line >= 8 && event >= 2 {
        SUFFIX
    } else {
        SUFFIX_SHORT
    };
    let mut whole = stream.to_vec();
    whole.extend_from_slice(suffix);
    let line_text = if std::str::from_utf8(&whole).is_ok() {
        line
    } else {
        line.saturating_mul(3)
    };
    let caps = Caps {
        line,
        event,
        line_text,
        comments: header.comments,
        longest_line: longest_line(&whole),
    };
    let check = |d: &Decoder| caps.check_buffers(d);
    let mut items = Vec::new();
    for chunk in header.chunks().split(stream) {
        decode_chunk(&mut decoder, chunk, &mut items, check);
    }
    for item in &items {
        caps.check_item(item);
    }

    let mut tail = Vec::new();
    decode_chunk(&mut decoder, suffix, &mut tail, check);
    for item in &tail {
        caps.check_item(item);
    }
    assert!(
        tail.len() <= 3,
        "the recovery suffix gave {} items: {tail:?}",
        tail.len()
    );
    let expected = if suffix == SUFFIX {
        OwnedDecoded::Event(OwnedEvent::new("message", "ok", decoder.last_event_id()))
    } else if line >= 4 {
        OwnedDecoded::Event(OwnedEvent::new("message", "", decoder.last_event_id()))
    } else {
        OwnedDecoded::Error(DecodeError::LineTooLong { limit: line })
    };
    assert_eq!(
        tail.last(),
        Some(&expected),
        "no recovery after {items:?}; the suffix gave {tail:?}"
    );
    assert_eq!(
        decoder.finish(),
        Finish::Clean,
        "not clean after the suffix"
    );
});
