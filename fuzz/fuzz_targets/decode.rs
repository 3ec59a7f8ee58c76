//! Invariant: whatever the bytes, chunking and limits (tiny ones included),
//! the decoder stays within its `Limits` and always recovers.
//!
//! Checked concretely, with the limits from the input's header:
//! - every `decode` call makes progress (see `decode_chunk`);
//! - after every chunk (when both limits are set), the buffers visible in the
//!   decoder's `Debug` output hold no more than the limits allow: the data
//!   at most `max_event_len` bytes of text; the partial line, event type and
//!   last event ID at most `max_line_len` stream bytes (a U+FFFD counts as
//!   one, as it may stand for a single invalid byte);
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
use std::fmt::Write as _;

use ssewire_fuzz::{Header, debug_string_lens, decode_chunk, wire_len_lower_bound};

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
    comments: bool,
    longest_line: usize,
    /// Length of the `Debug` output of this decoder when new.
    empty_debug_len: usize,
}

impl Caps {
    /// Checks the buffers shown by `Debug`; `scratch` is reused to keep
    /// this cheap, since it runs after every chunk.
    fn check_buffers(&self, decoder: &Decoder, scratch: &mut String) {
        scratch.clear();
        write!(scratch, "{decoder:?}").expect("formatting into a String");
        // The strings' contents take at most `scratch.len() - empty_debug_len`
        // bytes (a set retry only adds text), so short output needs no parse.
        if scratch.len() - self.empty_debug_len <= self.line.min(self.event) {
            return;
        }
        let mut seen = 0;
        debug_string_lens(scratch, |name, len, wire_len| {
            let (expected, cap) = match seen {
                0 => ("last_event_id", self.line),
                1 => ("partial_line", self.line),
                2 => ("data", self.event),
                3 => ("event_type", self.line),
                _ => ("(none)", 0),
            };
            assert_eq!(
                name, expected,
                "the Decoder's Debug output changed: {scratch}"
            );
            // Event data is limited as text; lines and what comes from one
            // line (type, ID) in stream bytes.
            let len = if name == "data" { len } else { wire_len };
            assert!(
                len <= cap,
                "decoder buffer {name} holds {len} bytes, over its limit {cap}"
            );
            seen += 1;
        });
        assert_eq!(seen, 4, "the Decoder's Debug output changed");
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
    let caps = Caps {
        line,
        event,
        comments: header.comments,
        longest_line: longest_line(&whole),
        empty_debug_len: format!("{decoder:?}").len(),
    };

    // The buffers are checked only when both limits are set: with no limit
    // there is nothing to check, and formatting unbounded buffers after
    // every call would make runs quadratic.
    let bounded = header.max_line_len.is_some() && header.max_event_len.is_some();
    let mut scratch = String::new();
    let mut check = |d: &Decoder| {
        if bounded {
            caps.check_buffers(d, &mut scratch);
        }
    };
    let mut items = Vec::new();
    for chunk in header.chunks().split(stream) {
        decode_chunk(&mut decoder, chunk, &mut items, &mut check);
    }
    for item in &items {
        caps.check_item(item);
    }

    let mut tail = Vec::new();
    decode_chunk(&mut decoder, suffix, &mut tail, &mut check);
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
