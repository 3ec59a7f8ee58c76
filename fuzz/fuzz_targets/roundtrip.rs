//! Invariant: every `Message` either encodes to bytes that decode back to
//! exactly its fields, or is refused with exactly the right `EncodeError`
//! and nothing written.
//!
//! Accepted: after a stream that set the last event ID to `prev`, the bytes
//! decode (comments on, no limits) to the comment's lines as comments, the
//! retry, and exactly one event (none when the message has no data) whose
//! data is the input data with CR LF and CR turned into LF, whose type is
//! the event type or `message` when it is absent or empty, and whose last
//! event ID is the id, or `prev` when there is none; the stream finishes
//! `Clean`. `encoded_len` is the number of bytes written, and
//! `write_to_vec`, `write_to_fmt` and `write_to_io` write the same bytes.
//!
//! Refused: `LineBreakInEventType` when the event type has CR or LF, else
//! `LineBreakInId` / `NulInId` when the id has CR or LF / NUL (either one when
//! it has both); `validate`, `encoded_len` and all three writers agree, and
//! none of them writes anything.
//!
//! Input layout: byte 0 flags (bit 0 event, bit 1 id, bit 2 retry, bit 3
//! comment, bit 4 no data), bytes 1-8 the retry (little-endian u64), then
//! `data 0xFF event 0xFF id 0xFF comment 0xFF prev` (missing parts are
//! empty; each part is read as UTF-8 with U+FFFD for invalid bytes; CR, LF
//! and NUL are dropped from `prev`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssewire::{Decoder, EncodeError, Event, Finish, Limits, Message, OwnedDecoded};
use ssewire_fuzz::decode_chunks;

/// `text`'s lines, split at CR LF, LF or CR, as the encoder writes them.
fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(end) = rest.find(['\r', '\n']) {
        out.push(&rest[..end]);
        let skip = if rest[end..].starts_with("\r\n") {
            2
        } else {
            1
        };
        rest = &rest[end + skip..];
    }
    out.push(rest);
    out
}

fn expected_error(event_type: Option<&str>, id: Option<&str>) -> Vec<EncodeError> {
    if event_type.is_some_and(|t| t.contains(['\r', '\n'])) {
        return vec![EncodeError::LineBreakInEventType];
    }
    let mut errors = Vec::new();
    if let Some(id) = id {
        if id.contains(['\r', '\n']) {
            errors.push(EncodeError::LineBreakInId);
        }
        if id.contains('\0') {
            errors.push(EncodeError::NulInId);
        }
    }
    errors
}

fuzz_target!(|input: &[u8]| {
    if input.len() < 9 {
        return;
    }
    let flags = input[0];
    let retry = u64::from_le_bytes(input[1..9].try_into().expect("8 bytes"));
    let mut parts = input[9..]
        .split(|&b| b == 0xFF)
        .map(String::from_utf8_lossy);
    let mut part = || parts.next().unwrap_or_default();
    let (data, event_type, id, comment, prev) = (part(), part(), part(), part(), part());
    let prev: String = prev
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n' | '\0'))
        .collect();

    let data = (flags & 16 == 0).then_some(&*data);
    let event_type = (flags & 1 != 0).then_some(&*event_type);
    let id = (flags & 2 != 0).then_some(&*id);
    let retry = (flags & 4 != 0).then_some(retry);
    let comment = (flags & 8 != 0).then_some(&*comment);

    let mut message = Message::default();
    if let Some(data) = data {
        message = message.data(data);
    }
    if let Some(event_type) = event_type {
        message = message.event(event_type);
    }
    if let Some(id) = id {
        message = message.id(id);
    }
    if let Some(retry) = retry {
        message = message.retry(std::time::Duration::from_millis(retry));
    }
    if let Some(comment) = comment {
        message = message.comment(comment);
    }

    let mut vec = b"before".to_vec();
    let vec_result = message.write_to_vec(&mut vec);
    let mut string = String::from("before");
    let fmt_result = message.write_to_fmt(&mut string);
    let mut io = b"before".to_vec();
    let io_result = message.write_to_io(&mut io);

    let errors = expected_error(event_type, id);
    if let Some(&first) = errors.first() {
        let error = message
            .validate()
            .expect_err("an invalid message validated");
        assert!(
            errors.contains(&error),
            "{message:?}: {error:?}, expected one of {errors:?}"
        );
        if errors.len() == 1 {
            assert_eq!(error, first, "{message:?}");
        }
        assert_eq!(message.encoded_len(), Err(error), "{message:?}");
        assert_eq!(vec_result, Err(error), "{message:?}");
        assert_eq!(fmt_result, Err(error), "{message:?}");
        let io_error = io_result.expect_err("write_to_io accepted an invalid message");
        assert_eq!(io_error.kind(), std::io::ErrorKind::InvalidInput);
        let inner = io_error
            .get_ref()
            .and_then(|e| e.downcast_ref::<EncodeError>())
            .copied();
        assert_eq!(inner, Some(error), "{message:?}");
        assert_eq!(vec, b"before", "write_to_vec wrote a refused message");
        assert_eq!(string, "before", "write_to_fmt wrote a refused message");
        assert_eq!(io, b"before", "write_to_io wrote a refused message");
        return;
    }

    assert_eq!(message.validate(), Ok(()), "{message:?}");
    assert_eq!(vec_result, Ok(()), "{message:?}");
    assert_eq!(fmt_result, Ok(()), "{message:?}");
    assert!(io_result.is_ok(), "{message:?}: {io_result:?}");
    let encoded = &vec[6..];
    assert_eq!(message.encoded_len(), Ok(encoded.len()), "{message:?}");
    assert_eq!(
        string.as_bytes(),
        &vec[..],
        "write_to_fmt and write_to_vec differ"
    );
    assert_eq!(io, vec, "write_to_io and write_to_vec differ");

    let mut expected = Vec::new();
    if let Some(comment) = comment {
        expected.extend(
            lines(comment)
                .into_iter()
                .map(|l| OwnedDecoded::Comment(l.to_owned())),
        );
    }
    if let Some(retry) = retry {
        expected.push(OwnedDecoded::Retry(std::time::Duration::from_millis(retry)));
    }
    let expected_id = id.unwrap_or(&prev);
    if let Some(data) = data {
        let (event_type, own_type) = match event_type {
            None | Some("") => ("message", false),
            Some(t) => (t, true),
        };
        let data = data.replace("\r\n", "\n").replace('\r', "\n");
        expected.push(OwnedDecoded::Event(
            Event::new(event_type, &data, expected_id)
                .with_own_fields(own_type, id.is_some())
                .into_owned(),
        ));
    }

    let mut decoder = Decoder::builder()
        .limits(Limits::unlimited())
        .comments(true)
        .build();
    let priming = format!("id: {prev}\n\n");
    decoder.feed(priming.as_bytes(), |item| panic!("priming gave {item:?}"));
    assert_eq!(decoder.last_event_id(), prev);
    let (items, last_event_id, finish) = decode_chunks(&mut decoder, &[encoded]);
    assert_eq!(
        items,
        expected,
        "{message:?} encoded as {:?}",
        String::from_utf8_lossy(encoded)
    );
    assert_eq!(last_event_id, expected_id, "{message:?}");
    assert_eq!(finish, Finish::Clean, "{message:?}");
    assert_eq!(
        decoder.retry(),
        retry.map(std::time::Duration::from_millis),
        "{message:?}"
    );
});
