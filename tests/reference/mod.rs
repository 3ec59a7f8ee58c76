//! A plain reference decoder: the WHATWG "parsing an event stream" and
//! "interpreting an event stream" steps transcribed as directly as possible.
//!
//! It shares no code with `src/`, takes the whole stream at once, has no
//! limits, and is slow and obvious on purpose: it is the oracle the real
//! decoder is compared against (tests and the `differential` fuzz target
//! include this file with `#[path]`).
#![allow(dead_code, clippy::pedantic, clippy::collapsible_match)]

/// What the standard says a stream produces, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefItem {
    /// A dispatched event: type, data, last event ID.
    Event {
        event_type: String,
        data: String,
        id: String,
    },
    /// A `retry` field set the reconnection time.
    Retry(u64),
}

/// The items of a whole stream and the last event ID string at its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefOutput {
    pub items: Vec<RefItem>,
    pub last_event_id: String,
}

pub fn reference_decode(stream: &[u8]) -> RefOutput {
    // "Streams must be decoded using the UTF-8 decode algorithm", which drops
    // one leading BOM and replaces invalid sequences with U+FFFD.
    let stream = stream.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(stream);
    let text = String::from_utf8_lossy(stream);

    // end-of-line = ( cr lf / cr / lf ); a final line without one is not a
    // line ("any pending data must be discarded").
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lines.push(std::mem::take(&mut current));
            }
            '\n' => lines.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }

    let mut items = Vec::new();
    let mut data = String::new();
    let mut event_type = String::new();
    let mut last_event_id_buffer = String::new();
    let mut last_event_id = String::new();
    for line in lines {
        if line.is_empty() {
            // Dispatch the event.
            last_event_id = last_event_id_buffer.clone();
            if data.is_empty() {
                data.clear();
                event_type.clear();
                continue;
            }
            if data.ends_with('\n') {
                data.pop();
            }
            items.push(RefItem::Event {
                event_type: if event_type.is_empty() {
                    "message".to_owned()
                } else {
                    event_type.clone()
                },
                data: data.clone(),
                id: last_event_id.clone(),
            });
            data.clear();
            event_type.clear();
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line.as_str(), ""),
        };
        match field {
            "event" => event_type = value.to_owned(),
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            "id" => {
                if !value.contains('\0') {
                    last_event_id_buffer = value.to_owned();
                }
            }
            "retry" => {
                if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                    // Digits that do not fit in u64 are ignored (our documented choice).
                    if let Ok(millis) = value.parse::<u64>() {
                        items.push(RefItem::Retry(millis));
                    }
                }
            }
            _ => {}
        }
    }
    RefOutput {
        items,
        last_event_id,
    }
}
