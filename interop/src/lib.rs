//! ssewire against real transports: a hyper server, a reqwest client, curl and
//! a headless Chromium, plus adapters to tokio-util, futures and `std::io`.
//!
//! The examples and the tests share this code:
//!
//! - [`script`]: scripted streams with the hard cases, and the events a
//!   receiver must see, worked out from what the encoder was asked to send.
//! - [`server`]: a hyper 1 server that streams a script as a response body,
//!   resumes after `Last-Event-ID` and drops connections on cue.
//! - [`client`]: a reqwest client that decodes `bytes_stream()` with ssewire
//!   and reconnects with `Last-Event-ID` after the `retry` delay.
//! - [`blocking`]: a blocking, std-only client on ureq, driven by
//!   `ssewire::client`: reconnection, `Last-Event-ID`, stall timeouts.
//! - [`adapters`]: the decoder as a `tokio_util::codec::Decoder`, a
//!   `futures::Stream` of events and a blocking iterator over `std::io::Read`.
//! - [`harness`]: running Chromium and the main crate's example binaries.

use std::fmt::Write as _;

pub mod adapters;
pub mod blocking;
pub mod client;
pub mod harness;
pub mod script;
pub mod server;

/// One dispatched event as a receiver saw it, owned and comparable, so that
/// what ssewire, curl and a browser received can be compared with what was
/// expected.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Record {
    /// The event type (`message` when the stream set none).
    pub event_type: String,
    /// The data, line breaks normalised to LF.
    pub data: String,
    /// The last event ID in force when the event was dispatched.
    pub last_event_id: String,
}

impl Record {
    /// A record from string slices.
    pub fn new(event_type: &str, data: &str, last_event_id: &str) -> Record {
        Record {
            event_type: event_type.to_owned(),
            data: data.to_owned(),
            last_event_id: last_event_id.to_owned(),
        }
    }
}

impl From<ssewire::Event<'_>> for Record {
    fn from(event: ssewire::Event<'_>) -> Record {
        Record::new(event.event_type, event.data, event.last_event_id)
    }
}

impl From<&ssewire::OwnedEvent> for Record {
    fn from(event: &ssewire::OwnedEvent) -> Record {
        Record::from(event.as_event())
    }
}

/// Asserts that `got` are exactly the events `want`, in order, naming the
/// first that differs (long data shortened, so a failure stays readable).
///
/// # Panics
/// When they differ.
#[track_caller]
pub fn assert_same_events(got: &[Record], want: &[Record]) {
    let short = |record: &Record| {
        let mut record = record.clone();
        if record.data.chars().count() > 120 {
            let head: String = record.data.chars().take(60).collect();
            let tail: String = record
                .data
                .chars()
                .rev()
                .take(40)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            record.data = format!("{head}[... {} bytes ...]{tail}", record.data.len());
        }
        record
    };
    for (i, (got, want)) in got.iter().zip(want).enumerate() {
        assert!(
            got == want,
            "event {i} differs:\n  got:  {:?}\n  want: {:?}",
            short(got),
            short(want)
        );
    }
    assert!(
        got.len() == want.len(),
        "{} events received, {} expected; the first extra or missing one: {:?}",
        got.len(),
        want.len(),
        got.get(want.len()).or(want.get(got.len())).map(short)
    );
}

/// Percent-encodes every byte of `text` except ASCII letters, digits and
/// `-_.~`, like JavaScript's `encodeURIComponent` (which also spares
/// `!'()*`). Used to carry arbitrary strings through HTML and back.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Reverses [`percent_encode`] and `encodeURIComponent`. Fails on a malformed
/// escape or on bytes that are not UTF-8.
pub fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .ok_or_else(|| format!("truncated escape in {text:?}"))?;
            let byte = u8::from_str_radix(hex, 16)
                .map_err(|_| format!("bad escape %{hex} in {text:?}"))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|error| format!("not UTF-8 after decoding {text:?}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_round_trips() {
        for text in ["", "plain", "a b\n\r\0%", "héllo ✓ 🎉", "'\"<>&"] {
            let encoded = percent_encode(text);
            assert!(
                encoded
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b))
            );
            assert_eq!(percent_decode(&encoded).unwrap(), text);
        }
        // What encodeURIComponent leaves alone decodes to itself.
        assert_eq!(percent_decode("it's(*)!").unwrap(), "it's(*)!");
        assert!(percent_decode("%4").is_err());
        assert!(percent_decode("%zz").is_err());
        assert!(percent_decode("%FF").is_err());
    }
}
