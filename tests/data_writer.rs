//! The streaming data writers (`Message::stream_to_fmt`,
//! `Message::stream_to_io`): any split of the writes gives the bytes of
//! `Message` with the whole data, the data decodes back as one event, and
//! `serde_json` can write straight into an event.

use std::fmt::Write as _;
#[cfg(feature = "std")]
use std::io::{self, Write as _};

use proptest::prelude::*;
use ssewire::{Decoded, Decoder, EncodeError, Message};

/// Text rich in line breaks of every kind, multi-byte characters and the
/// field syntax an injection would use.
fn data() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\r".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("data: ".to_owned()),
        Just("id: 1".to_owned()),
        Just(":".to_owned()),
        Just("\u{20AC}\u{1F600}".to_owned()),
        "[a-z ]{0,5}",
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|pieces| pieces.concat())
}

#[cfg(feature = "std")]
/// Cuts `text` at the given byte offsets (sorted, deduplicated, any byte).
fn cut_bytes<'t>(text: &'t [u8], cuts: &[usize]) -> Vec<&'t [u8]> {
    let mut points: Vec<usize> = cuts.iter().map(|cut| cut % (text.len() + 1)).collect();
    points.sort_unstable();
    points.dedup();
    let mut pieces = Vec::new();
    let mut from = 0;
    for point in points {
        pieces.push(&text[from..point]);
        from = point;
    }
    pieces.push(&text[from..]);
    pieces
}

/// Cuts `text` at the char boundaries nearest below the given offsets.
fn cut_str<'t>(text: &'t str, cuts: &[usize]) -> Vec<&'t str> {
    let mut points: Vec<usize> = cuts
        .iter()
        .map(|cut| {
            let mut at = cut % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        })
        .collect();
    points.sort_unstable();
    points.dedup();
    let mut pieces = Vec::new();
    let mut from = 0;
    for point in points {
        pieces.push(&text[from..point]);
        from = point;
    }
    pieces.push(&text[from..]);
    pieces
}

fn decode_all(bytes: &[u8]) -> Vec<String> {
    let mut decoder = Decoder::new();
    let mut data = Vec::new();
    decoder.feed(bytes, |item| {
        if let Decoded::Event(event) = item {
            data.push(event.data.to_owned());
        }
    });
    data
}

fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

proptest! {
    /// io: any split of the writes (mid-character, between CR and LF) gives
    /// exactly the bytes of `Message::new(whole)`.
    #[cfg(feature = "std")]
    #[test]
    fn io_any_split_equals_the_whole_message(whole in data(), cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
        let mut expected = Vec::new();
        Message::new(&whole).write_to_vec(&mut expected).expect("data never fails");
        let mut out = Vec::new();
        let mut writer = Message::default().stream_to_io(&mut out).expect("valid");
        for piece in cut_bytes(whole.as_bytes(), &cuts) {
            writer.write_all(piece).expect("a Vec never fails");
        }
        writer.finish().expect("a Vec never fails");
        prop_assert_eq!(&out, &expected);
        // One event, whose data is the whole text with line breaks as LF:
        // nothing written could end it early or add a field.
        prop_assert_eq!(decode_all(&out), vec![normalise(&whole)]);
    }

    /// fmt: the same for writes of `&str` pieces.
    #[test]
    fn fmt_any_split_equals_the_whole_message(whole in data(), cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
        let mut expected = String::new();
        Message::new(&whole).write_to_fmt(&mut expected).expect("data never fails");
        let mut out = String::new();
        let mut writer = Message::default().stream_to_fmt(&mut out).expect("valid");
        for piece in cut_str(&whole, &cuts) {
            writer.write_str(piece).expect("a String never fails");
        }
        writer.finish().expect("a String never fails");
        prop_assert_eq!(decode_all(out.as_bytes()), vec![normalise(&whole)]);
        prop_assert_eq!(out, expected);
    }

    /// With the other fields set and part of the data in the message, the
    /// streamed data continues it: the bytes are those of the message with
    /// the concatenated data.
    #[cfg(feature = "std")]
    #[test]
    fn fields_and_message_data_come_first(
        head in data(),
        tail in data(),
        cuts in proptest::collection::vec(any::<usize>(), 0..4),
        id in "[a-z0-9]{0,4}",
    ) {
        let whole = format!("{head}{tail}");
        let base = Message::default()
            .comment("c\nd")
            .event("update")
            .id(&id)
            .retry(std::time::Duration::from_millis(1500));
        let mut expected = Vec::new();
        base.data(&whole).write_to_vec(&mut expected).expect("valid");
        let mut out = Vec::new();
        let mut writer = base.data(&head).stream_to_io(&mut out).expect("valid");
        for piece in cut_bytes(tail.as_bytes(), &cuts) {
            writer.write_all(piece).expect("a Vec never fails");
        }
        writer.finish().expect("a Vec never fails");
        prop_assert_eq!(out, expected);
    }
}

#[cfg(feature = "std")]
/// `serde_json::to_writer` writes straight into an event, with no
/// intermediate `String`; pretty output spans lines, which become `data:`
/// lines and decode back to the same JSON.
#[test]
fn serde_json_writes_into_an_event() {
    let value = serde_json::json!({
        "name": "line\nbreak\r\nin a string",
        "list": [1, 2, 3],
        "nested": {"ok": true},
    });
    let mut body = Vec::new();
    let mut writer = Message::default()
        .event("json")
        .stream_to_io(&mut body)
        .expect("valid");
    serde_json::to_writer_pretty(&mut writer, &value).expect("a Vec never fails");
    writer.finish().expect("a Vec never fails");
    writer_compact(&mut body, &value);

    let text = String::from_utf8(body.clone()).expect("UTF-8");
    assert!(
        text.starts_with("event: json\ndata: {\ndata:   \"list\": [\n"),
        "{text}"
    );
    let events = decode_all(&body);
    assert_eq!(events.len(), 2);
    for data in events {
        let back: serde_json::Value = serde_json::from_str(&data).expect("valid JSON");
        assert_eq!(back, value);
    }
}

#[cfg(feature = "std")]
fn writer_compact(body: &mut Vec<u8>, value: &serde_json::Value) {
    let mut writer = Message::default().stream_to_io(body).expect("valid");
    serde_json::to_writer(&mut writer, value).expect("a Vec never fails");
    writer.finish().expect("a Vec never fails");
}

#[cfg(feature = "std")]
/// An `event` or `id` that would inject lines is refused before anything is
/// written, as by `write_to_io`, and `?` turns it into an `io::Error`.
#[test]
fn refused_fields_write_nothing() {
    let mut out = Vec::new();
    let error = Message::default()
        .id("1\n2")
        .stream_to_io(&mut out)
        .expect_err("refused");
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(
        error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<EncodeError>()),
        Some(&EncodeError::LineBreakInId)
    );
    let mut text = String::new();
    assert_eq!(
        Message::default()
            .event("a\rb")
            .stream_to_fmt(&mut text)
            .err(),
        Some(EncodeError::LineBreakInEventType)
    );
    assert!(out.is_empty() && text.is_empty());
}

#[cfg(feature = "std")]
/// Dropping a writer without `finish` still ends the event, so the next
/// message cannot run into it.
#[test]
fn drop_ends_the_event() {
    let mut out = Vec::new();
    {
        let mut writer = Message::default().stream_to_io(&mut out).expect("valid");
        writer.write_all(b"partial\r").expect("a Vec never fails");
    }
    Message::new("next").write_to_vec(&mut out).expect("valid");
    assert_eq!(out, b"data: partial\ndata: \n\ndata: next\n\n");

    let mut text = String::new();
    {
        let mut writer = Message::default().stream_to_fmt(&mut text).expect("valid");
        writer.write_str("partial").expect("a String never fails");
    }
    assert_eq!(text, "data: partial\n\n");
}

#[cfg(feature = "std")]
/// A destination that fails after some bytes: the error is returned, and
/// every later call fails too instead of writing the rest of a broken event.
#[test]
fn a_failing_destination_poisons_the_writer() {
    struct Failing {
        accepted: usize,
        limit: usize,
    }
    impl io::Write for Failing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.accepted + buf.len() > self.limit {
                return Err(io::Error::other("full"));
            }
            self.accepted += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut out = Failing {
        accepted: 0,
        limit: 600,
    };
    let mut writer = Message::default().stream_to_io(&mut out).expect("valid");
    let big = vec![b'x'; 2000];
    let error = writer.write_all(&big).expect_err("the destination fills");
    assert_eq!(error.to_string(), "full");
    assert!(writer.write_all(b"more").is_err());
    assert!(writer.flush().is_err());
    assert!(writer.finish().is_err());
}

/// A failing `fmt::Write` destination is reported as `EncodeError::Write`.
#[test]
fn a_failing_fmt_destination_is_reported() {
    struct Refuses;
    impl std::fmt::Write for Refuses {
        fn write_str(&mut self, _: &str) -> std::fmt::Result {
            Err(std::fmt::Error)
        }
    }
    let mut out = Refuses;
    let mut writer = Message::default().stream_to_fmt(&mut out).expect("valid");
    assert!(writer.write_str("x").is_err());
    assert_eq!(writer.finish(), Err(EncodeError::Write));
}

#[cfg(feature = "std")]
/// Many tiny writes are gathered: the destination sees few `write` calls.
#[test]
fn tiny_writes_are_buffered() {
    struct Counting {
        calls: usize,
        bytes: Vec<u8>,
    }
    impl io::Write for Counting {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.calls += 1;
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut out = Counting {
        calls: 0,
        bytes: Vec::new(),
    };
    let mut writer = Message::default().stream_to_io(&mut out).expect("valid");
    for _ in 0..100 {
        writer.write_all(b"ab\n").expect("never fails");
    }
    writer.finish().expect("never fails");
    let expected_len = "data: ".len() + 100 * "ab\ndata: ".len() + 2;
    assert_eq!(out.bytes.len(), expected_len);
    // Buffered in 512-byte blocks, not one call per write.
    assert!(
        out.calls <= expected_len.div_ceil(512) + 1,
        "{} calls",
        out.calls
    );
}

/// `Message::comment` replaces, as its documentation says.
#[test]
fn comment_replaces() {
    let mut out = Vec::new();
    Message::new("x")
        .comment("first")
        .comment("second")
        .write_to_vec(&mut out)
        .expect("valid");
    assert_eq!(out, b": second\ndata: x\n\n");
}
