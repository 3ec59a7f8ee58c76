//! The standard's algorithm, transcribed step by step: slow and obvious on
//! purpose, and sharing no code with the decoder it checks.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use super::Outcome;
use crate::{Event, OwnedDecoded};

/// Decodes a whole stream the way the WHATWG HTML standard's "parsing an
/// event stream" and "interpreting an event stream" describe it, with no
/// limits, no chunking and no shortcuts: the oracle for differential testing
/// of [`crate::Decoder`] or of any other SSE parser.
///
/// It reports events and `retry` values in order (comments are ignored, R6),
/// and the last event ID and reconnection time at the end. Where the
/// standard is silent it follows ssewire's documented choices: a `retry`
/// too large for `u64` is ignored (C1); [`crate::Event::own_type`] and
/// [`crate::Event::own_id`] are set as the decoder sets them.
///
/// For tests and fuzzing only (feature `testing`): it copies every line.
///
/// ```
/// use ssewire::{Event, OwnedDecoded};
/// use ssewire::testing::reference_decode;
///
/// let outcome = reference_decode(b"\xEF\xBB\xBFid: 1\r\ndata: a\r\rdata\n\ndata: cut");
/// let first = Event::new("message", "a", "1").with_own_fields(false, true).into_owned();
/// let second = Event::new("message", "", "1").into_owned();
/// assert_eq!(outcome.items, [OwnedDecoded::Event(first), OwnedDecoded::Event(second)]);
/// assert_eq!(outcome.last_event_id, "1");
/// ```
pub fn reference_decode(stream: &[u8]) -> Outcome {
    // "Streams must be decoded using the UTF-8 decode algorithm": one
    // leading BOM is dropped, invalid sequences become U+FFFD.
    let stream = stream.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(stream);
    let text = String::from_utf8_lossy(stream);

    let mut outcome = Outcome::default();
    // The buffers: "data", "event type", "last event ID".
    let mut data = String::new();
    let mut event_type = String::new();
    let mut last_event_id_buffer = String::new();
    // ssewire's addition: whether the block had its own valid `id` field.
    let mut own_id = false;

    for line in lines(&text) {
        // "If the line is empty (a blank line): Dispatch the event."
        if line.is_empty() {
            // 1. Set the last event ID string to the buffer's value.
            outcome.last_event_id.clone_from(&last_event_id_buffer);
            // 2. If the data buffer is empty, empty both buffers and return.
            if data.is_empty() {
                event_type.clear();
                own_id = false;
                continue;
            }
            // 3. If the data buffer's last character is LF, remove it.
            if data.ends_with('\n') {
                data.pop();
            }
            // 4-5. The event's type, `message` when the buffer is empty.
            let own_type = !event_type.is_empty();
            let kind = if own_type {
                event_type.as_str()
            } else {
                "message"
            };
            let event =
                Event::new(kind, &data, &outcome.last_event_id).with_own_fields(own_type, own_id);
            outcome.items.push(OwnedDecoded::Event(event.into_owned()));
            // 6. Empty the data and event type buffers.
            data.clear();
            event_type.clear();
            own_id = false;
            continue;
        }
        // "If the line starts with a U+003A COLON character: Ignore the line."
        if line.starts_with(':') {
            continue;
        }
        // "If the line contains a U+003A COLON character": split at the
        // first; "if value starts with a U+0020 SPACE character, remove it".
        // "Otherwise": the whole line is the name, the value is empty.
        let (field, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line, ""),
        };
        // "Process the field": names compared exactly.
        match field {
            "event" => value.clone_into(&mut event_type),
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            // "If the field value does not contain U+0000 NULL".
            "id" if !value.contains('\0') => {
                value.clone_into(&mut last_event_id_buffer);
                own_id = true;
            }
            // "If the field value consists of only ASCII digits"; C1: digits
            // beyond u64 are ignored.
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(millis) = value.parse::<u64>() {
                    let time = Duration::from_millis(millis);
                    outcome.retry = Some(time);
                    outcome.items.push(OwnedDecoded::Retry(time));
                }
            }
            _ => {}
        }
    }
    outcome
}

/// The stream's lines: `end-of-line = ( cr lf / cr / lf )`. Text after the
/// last line ending is not a line: the end of the stream discards it.
fn lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' => {
                lines.push(&text[start..i]);
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            b'\n' => {
                lines.push(&text[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::reference_decode;

    #[test]
    fn ends_only_at_line_endings() {
        let outcome = reference_decode(b"data: a\r\n\r\ndata: b\n\ndata: c");
        assert_eq!(outcome.items.len(), 2);
        let owned: alloc::vec::Vec<_> = outcome
            .items
            .iter()
            .map(|i| alloc::format!("{i:?}"))
            .collect();
        assert!(owned[1].contains("\"b\""), "{owned:?}");
    }

    #[test]
    fn keeps_the_id_buffer_across_events() {
        let outcome = reference_decode(b"id: 1\ndata: a\n\nid: 2\n\nid\x00x\n\n");
        assert_eq!(outcome.last_event_id, "2");
        assert_eq!(outcome.items.len(), 1);
    }
}
