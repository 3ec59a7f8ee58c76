//! Redis stream ids, and stream entries as the hub stores them.
//!
//! An entry holds one field, `sse`: the event encoded with an empty `id`
//! line (`id: \n`), so that `redis-cli XRANGE` shows the event as it goes
//! out. Redis gives the entry its id when it is appended; each server splices
//! that id into the `id` line as it reads the entry, so the event is encoded
//! once, by its publisher, and never parsed again.

use core::fmt;
use std::sync::Arc;

use ::redis::Value;
use bytes::{BufMut, BytesMut};

use crate::Encoded;

/// The one field of an entry.
pub(super) const FIELD: &str = "sse";

/// The empty `id` line every stored event has.
const ID_LINE: &[u8] = b"id: \n";

/// A stream entry's id, `<milliseconds>-<sequence>`, ordered as Redis
/// orders them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct StreamId {
    millis: u64,
    sequence: u64,
}

impl StreamId {
    /// `0-0`, before every entry.
    pub(super) const ZERO: StreamId = StreamId {
        millis: 0,
        sequence: 0,
    };

    /// Parses an id exactly as Redis writes it: two decimal numbers without
    /// sign or leading zero. Anything else (`5`, `05-0`, `abc`) is `None`,
    /// so that each event has one spelling and `Last-Event-ID` is compared
    /// as the client received it.
    pub(super) fn parse(text: &str) -> Option<StreamId> {
        let (millis, sequence) = text.split_once('-')?;
        let number = |part: &str| {
            let canonical = part.bytes().all(|byte| byte.is_ascii_digit())
                && (part == "0" || !part.starts_with('0'));
            canonical.then(|| part.parse::<u64>().ok()).flatten()
        };
        Some(StreamId {
            millis: number(millis)?,
            sequence: number(sequence)?,
        })
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.millis, self.sequence)
    }
}

/// An entry read from the stream.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) id: StreamId,
    pub(super) text: Arc<str>,
    /// The event with its id spliced in; `None` for an entry the hub did
    /// not write, which is skipped.
    pub(super) message: Option<Encoded>,
}

/// The event's stored form: `message` with an empty `id` line.
pub(super) fn stored(message: ssewire::Message<'_>) -> Result<Vec<u8>, ssewire::EncodeError> {
    let message = message.id("");
    let mut out = Vec::with_capacity(message.encoded_len()?);
    message.write_to_vec(&mut out)?;
    Ok(out)
}

/// The stored event with `id` in its `id` line. Comment, `event` and `data`
/// lines start otherwise, so the first line that is exactly `id: ` is the
/// one the publisher left empty. An entry that is not one event as the
/// encoder writes it (text, LF line ends only, one blank line, at the end)
/// is refused: whoever else writes to the stream cannot make one entry
/// into several events.
fn splice(stored: &[u8], id: &str) -> Option<Encoded> {
    core::str::from_utf8(stored).ok()?;
    let one_event = stored.ends_with(b"\n\n")
        && !stored.contains(&b'\r')
        && stored.windows(2).filter(|pair| pair == b"\n\n").count() == 1;
    if !one_event {
        return None;
    }
    let at = if stored.starts_with(ID_LINE) {
        0
    } else {
        stored
            .windows(ID_LINE.len() + 1)
            .position(|w| w[0] == b'\n' && &w[1..] == ID_LINE)?
            + 1
    };
    let mut out = BytesMut::with_capacity(stored.len() + id.len());
    out.put_slice(&stored[..at + 4]);
    out.put_slice(id.as_bytes());
    out.put_slice(&stored[at + 4..]);
    Some(Encoded::from_trusted(out.freeze()))
}

/// The entries of an `XRANGE` or `XREVRANGE` reply, in the reply's order.
pub(super) fn range(reply: &Value) -> Vec<Entry> {
    match reply {
        Value::Array(items) => items.iter().filter_map(entry).collect(),
        _ => Vec::new(),
    }
}

/// The entries of an `XREAD` reply for one stream (`Nil` when `BLOCK`
/// timed out), in RESP2's array form or RESP3's map form.
pub(super) fn read(reply: &Value) -> Vec<Entry> {
    match reply {
        Value::Array(streams) => streams
            .iter()
            .filter_map(|stream| match stream {
                Value::Array(pair) => pair.get(1),
                _ => None,
            })
            .flat_map(range)
            .collect(),
        Value::Map(streams) => streams
            .iter()
            .flat_map(|(_, entries)| range(entries))
            .collect(),
        _ => Vec::new(),
    }
}

fn entry(value: &Value) -> Option<Entry> {
    let Value::Array(pair) = value else {
        return None;
    };
    let text = text(pair.first()?)?;
    let id = StreamId::parse(&text)?;
    let stored = match pair.get(1) {
        Some(Value::Array(fields)) => fields
            .chunks(2)
            .find(|field| matches!(&field[0], Value::BulkString(name) if name == FIELD.as_bytes()))
            .and_then(|field| field.get(1)),
        _ => None,
    };
    let message = match stored {
        Some(Value::BulkString(bytes)) => splice(bytes, &text),
        _ => None,
    };
    Some(Entry {
        id,
        text: Arc::from(text),
        message,
    })
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::BulkString(bytes) => String::from_utf8(bytes.clone()).ok(),
        Value::SimpleString(text) => Some(text.clone()),
        _ => None,
    }
}

/// An `XADD` reply: the new entry's id.
pub(super) fn added(reply: &Value) -> Option<String> {
    text(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_ids_parse_only_as_redis_writes_them_and_order_as_redis_does() {
        let id = StreamId::parse("1700000000000-12").unwrap();
        assert_eq!(id.to_string(), "1700000000000-12");
        assert!(StreamId::parse("1700000000000-2").unwrap() < id);
        assert!(StreamId::parse("1700000000001-0").unwrap() > id);
        assert_eq!(StreamId::parse("0-0"), Some(StreamId::ZERO));
        for bad in [
            "5", "05-0", "1-01", "-1-0", "1-", "-", "a-b", "1-2-3", "+1-0", "",
        ] {
            assert_eq!(StreamId::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_stream_id_goes_into_the_empty_id_line() {
        let message = ssewire::Message::new("a\nid: \nb").event("e").comment("c");
        let kept = stored(message).unwrap();
        let sent = splice(&kept, "1-0").unwrap();
        assert_eq!(
            sent.as_bytes(),
            ": c\nevent: e\nid: 1-0\ndata: a\ndata: id: \ndata: b\n\n"
        );
        let sent = splice(&stored(ssewire::Message::new("x")).unwrap(), "2-5").unwrap();
        assert_eq!(sent.as_bytes(), "id: 2-5\ndata: x\n\n");
        assert!(
            splice(b"data: x\n\n", "1-0").is_none(),
            "not written by a hub"
        );
    }
}
