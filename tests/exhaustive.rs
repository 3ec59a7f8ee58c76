//! Exhaustive and property comparisons of the decoder against the plain
//! reference decoder (`ssewire::testing::reference_decode`), and of the
//! encoder against the decoder.
//!
//! Every byte value in every position of small streams, BOMs, lone CRs and
//! invalid UTF-8 at every split, and all short streams over small alphabets:
//! the decoder, with [`Limits::unlimited`] and fed in any chunks, must give
//! exactly what the reference gives for the whole stream.

use proptest::prelude::*;
use ssewire::{Decoded, Decoder, EncodeError, Event, Finish, Limits, Message, OwnedDecoded};

use ssewire::testing::{Outcome, reference_decode};
use std::time::Duration;

// ---------------------------------------------------------------------------
// Running the decoder in the reference's shape
// ---------------------------------------------------------------------------

/// Decodes `chunks` in order with an unlimited decoder (no comments, so
/// that it reports what the reference reports: events and retries).
fn decode_chunks<'c>(chunks: impl IntoIterator<Item = &'c [u8]>) -> Outcome {
    let mut decoder = Decoder::builder().limits(Limits::unlimited()).build();
    ssewire::testing::decode_chunks(&mut decoder, chunks).0
}

/// How a stream is cut into chunks.
#[derive(Clone, Copy)]
enum Splits {
    /// Whole, then in chunks of 1, 2, 3 and 5 bytes.
    Sizes,
    /// As `Sizes`, plus cut in two at every position (the empty chunks at
    /// either end included).
    EveryCut,
    /// As `EveryCut`, plus cut in three at every pair of positions.
    EveryTwoCuts,
}

/// Compares the decoder with the reference on `input` cut every way `splits`
/// asks for, recording mismatches in `failures`.
fn check(input: &[u8], splits: Splits, failures: &mut Failures) {
    let expected = reference_decode(input);
    let mut compare = |how: &dyn Fn() -> String, got: Outcome| {
        failures.checked += 1;
        if got != expected {
            failures.record(format!(
                "input {:?} ({how}):\n  reference: {expected:?}\n  decoder:   {got:?}",
                String::from_utf8_lossy(input).escape_debug().to_string(),
                how = how(),
            ));
        }
    };
    compare(&|| "whole".into(), decode_chunks([input]));
    for size in [1, 2, 3, 5] {
        compare(
            &|| format!("chunks of {size}"),
            decode_chunks(input.chunks(size)),
        );
    }
    if matches!(splits, Splits::Sizes) {
        return;
    }
    for i in 0..=input.len() {
        compare(
            &|| format!("cut at {i}"),
            decode_chunks([&input[..i], &input[i..]]),
        );
        if matches!(splits, Splits::EveryTwoCuts) {
            for j in i..=input.len() {
                compare(
                    &|| format!("cut at {i} and {j}"),
                    decode_chunks([&input[..i], &input[i..j], &input[j..]]),
                );
            }
        }
    }
}

/// Mismatches found, the first few kept in full.
#[derive(Default)]
struct Failures {
    checked: usize,
    count: usize,
    shown: Vec<String>,
}

impl Failures {
    fn record(&mut self, message: String) {
        self.count += 1;
        if self.shown.len() < 20 {
            self.shown.push(message);
        }
    }

    fn assert_none(&self, what: &str) {
        assert!(self.checked > 0, "{what}: nothing was checked");
        assert!(
            self.count == 0,
            "{what}: {} of {} decodings differ from the reference; first ones:\n{}",
            self.count,
            self.checked,
            self.shown.join("\n")
        );
    }
}

/// `template` with its single `?` replaced by `fill`.
fn substitute(template: &[u8], fill: &[u8]) -> Vec<u8> {
    let at = template
        .iter()
        .position(|&b| b == b'?')
        .expect("a template has a ?");
    [&template[..at], fill, &template[at + 1..]].concat()
}

// ---------------------------------------------------------------------------
// Every byte value
// ---------------------------------------------------------------------------

/// Streams with one byte left open (`?`), in field names, values, line
/// endings and at the stream's start and end.
const BYTE_TEMPLATES: &[&[u8]] = &[
    b"data: a?b\n\n",
    b"?ata: x\n\n",
    b"d?ta: x\n\n",
    b"da?a: x\n\n",
    b"dat?: x\n\n",
    b"data?: x\n\n",
    b"data?x\n\n",
    b"data:?x\n\n",
    b"data:?\n\n",
    b"data: ?\n\n",
    b"data: x?\n\n",
    b"data: x\n?\n",
    b"data: x\n\n?",
    b"data?\n\n",
    b"?data: x\n\n",
    b"?\xBB\xBFdata: x\n\n",
    b"\xEF?\xBFdata: x\n\n",
    b"\xEF\xBB?data: x\n\n",
    b"\xEF\xBB\xBF?data: x\n\n",
    b"event: t?\ndata: x\n\n",
    b"event:?\ndata: x\n\n",
    b"?vent: t\ndata: x\n\n",
    b"even?: t\ndata: x\n\n",
    b"id: ?\ndata: x\n\n",
    b"id: 1?2\ndata: x\n\n",
    b"id:?\ndata: x\n\n",
    b"i?: 1\ndata: x\n\n",
    b"id?: 1\ndata: x\n\n",
    b"id: 1\n\nid?\ndata: x\n\n",
    b"retry: 1?\n\n",
    b"retry: ?\n\n",
    b"retry:?1\n\n",
    b"retry?: 1\n\n",
    b"?etry: 1\n\n",
    b"retry: 18446744073709551615?\n\n",
    b"?\n\n",
    b":?\n\n",
    b"?:\ndata: x\n\n",
    b"data: x\r?\n",
    b"data: x\r\n?\n",
    b"data: x\n\r?",
    b"\r?data: x\n\n",
    b"data: x\r?",
];

#[test]
fn every_byte_in_every_template() {
    let mut failures = Failures::default();
    for template in BYTE_TEMPLATES {
        for byte in 0..=255u8 {
            check(
                &substitute(template, &[byte]),
                Splits::EveryCut,
                &mut failures,
            );
        }
    }
    failures.assert_none("byte templates");
}

/// Complete streams in which every byte is replaced by, and has inserted
/// before it, every byte value.
const BASE_STREAMS: &[&[u8]] = &[
    b"event: t\nid: 1\nretry: 5\ndata: ab\n\n",
    b": c\r\ndata:x\r\n\r\ndata\r\r",
    b"\xEF\xBB\xBFid:\ndata: \xC3\xA9\n\n",
];

#[test]
fn every_byte_in_every_position() {
    let mut failures = Failures::default();
    for base in BASE_STREAMS {
        for at in 0..=base.len() {
            for byte in 0..=255u8 {
                let inserted = [&base[..at], &[byte], &base[at..]].concat();
                check(&inserted, Splits::Sizes, &mut failures);
                if at < base.len() {
                    let mut replaced = base.to_vec();
                    replaced[at] = byte;
                    check(&replaced, Splits::Sizes, &mut failures);
                }
            }
        }
    }
    failures.assert_none("every byte in every position");
}

// ---------------------------------------------------------------------------
// BOMs, lone CRs, invalid UTF-8, at every split
// ---------------------------------------------------------------------------

const BOM_STREAMS: &[&[u8]] = &[
    b"\xEF\xBB\xBFdata: a\n\n",
    b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n",
    b"\xEF\xBB\xBF",
    b"\xEF\xBB",
    b"\xEF",
    b"\xEF\xBB\xBF\n",
    b"\xEF\xBB\xBF\r\n\r\n",
    b"\xEF\xBB\xBF:comment\ndata: x\n\n",
    b"\xEF\xBB\xBFdata\n\n",
    b"\xEF\xBBdata: a\n\n",
    b"\xEFdata: a\n\n",
    b"\xEF\xBB\n\ndata: a\n\n",
    b"\xEF\xBB\xEF\xBB\xBFdata: a\n\n",
    b"\xEF\xEF\xBB\xBFdata: a\n\n",
    b"data: a\n\n\xEF\xBB\xBFdata: b\n\n",
    b"data: \xEF\xBB\xBFb\n\n",
    b"data:\xEF\xBB\xBF\n\n",
    b"\xEF\xBB\xBFdata: \xEF\xBB\xBF\n\n",
    b"event: \xEF\xBB\xBF\ndata: x\n\n",
    b"id: \xEF\xBB\xBF\ndata: x\n\n",
    b"\xEF\xBB\xBFretry: 5\n",
    b"\xEF\xBB\xBF\xEF\xBB",
];

#[test]
fn boms_at_every_split() {
    let mut failures = Failures::default();
    for stream in BOM_STREAMS {
        check(stream, Splits::EveryTwoCuts, &mut failures);
    }
    failures.assert_none("BOM streams");
}

#[test]
fn a_bom_is_stripped_again_after_finish() {
    // `finish` readies the decoder for a new stream, which may start with a
    // BOM again; the reference decodes each stream on its own.
    let first = b"data: a\n\n\xEF\xBB";
    let second = b"\xEF\xBB\xBFdata: b\n\n";
    for cut in 0..=second.len() {
        let mut decoder = Decoder::builder().limits(Limits::unlimited()).build();
        let mut data = Vec::new();
        let mut on_item = |item: Decoded<'_>| match item {
            Decoded::Event(event) => data.push(event.data.to_owned()),
            other => panic!("unexpected {other:?}"),
        };
        decoder.feed(first, &mut on_item);
        assert_eq!(decoder.finish(), Finish::Truncated);
        decoder.feed(&second[..cut], &mut on_item);
        decoder.feed(&second[cut..], &mut on_item);
        assert_eq!(decoder.finish(), Finish::Clean);
        assert_eq!(data, ["a", "b"], "second stream cut at {cut}");
    }
}

const CR_STREAMS: &[&[u8]] = &[
    b"data: a\r",
    b"data: a\r\r",
    b"data: a\r\n",
    b"data: a\r\n\r",
    b"data: a\r\n\r\n",
    b"data: a\r\r\n",
    b"data: a\r\r\ndata: b\r\r\n",
    b"data: a\r\rdata: b\r\r",
    b"data: a\rdata: b\r\r",
    b"data: a\r\ndata: b\n\r\n\r",
    b"\r\r\n\n",
    b"\r\n\r\n\r\r\n\n",
    b"data: a\r\r\r",
    b"data:\r\n\r\ndata: b\r\n\r",
    b"data\r\rdata\r\n\r\n",
    b"id: 1\r\r",
    b"id: 1\r\ndata: x\r\r\n",
    b"retry: 5\rdata: x\r\r",
    b"retry: 5\r",
    b"event: e\r\ndata: x\r\r",
    b": c\r\rdata: x\r\n\n",
    b"data: a\r\rx",
    b"data: a\r\r\xFF",
    b"data: a\r:\r\r",
    b"\r",
    b"\r\n",
    b"\n\r",
];

#[test]
fn lone_crs_at_every_split() {
    let mut failures = Failures::default();
    for stream in CR_STREAMS {
        check(stream, Splits::EveryTwoCuts, &mut failures);
    }
    failures.assert_none("CR streams");
}

/// Invalid UTF-8 of every kind, and a few valid sequences around it.
const UTF8_SEQUENCES: &[&[u8]] = &[
    b"\x80",
    b"\xBF",
    b"\x80\x80\x80",
    b"\xC0\xAF",
    b"\xC1\xBF",
    b"\xC2",
    b"\xC2\xC2\xA9",
    b"\xE0\x80\xAF",
    b"\xE0\x9F\xBF",
    b"\xED\xA0\x80",
    b"\xED\xBF\xBF",
    b"\xED\xA0\x80\xED\xB0\x80",
    b"\xF0\x80\x80\x80",
    b"\xF0\x8F\xBF\xBF",
    b"\xF4\x90\x80\x80",
    b"\xF5\x80\x80\x80",
    b"\xF8\x88\x80\x80\x80",
    b"\xFC\x84\x80\x80\x80\x80",
    b"\xFE",
    b"\xFF",
    b"\xE2",
    b"\xE2\x82",
    b"\xF0\x9F",
    b"\xF0\x9F\x98",
    b"\xE2\x82\xAC",
    b"\xF0\x9F\x98\x80",
    b"\xC3\xA9\xFF\xC3\xA9",
    b"\xEF\xBB",
    b"\xEF\xBB\xBF",
];

/// Where the sequences go: values, names, comments, `retry`, line ends,
/// stream start and end.
const UTF8_TEMPLATES: &[&[u8]] = &[
    b"data: ?\n\n",
    b"data: a?b\n\n",
    b"data:?\n\n",
    b"data: ?\ndata: ?\n\n",
    b"?: x\ndata: y\n\n",
    b"data?: x\n\n",
    b"event: ?\ndata: x\n\n",
    b"id: ?\ndata: x\n\n",
    b"id: ?\n\n",
    b": ?\ndata: x\n\n",
    b"retry: ?\n\n",
    b"retry: 1?\n\n",
    b"?data: x\n\n",
    b"\xEF\xBB\xBF?data: x\n\n",
    b"data: x\r?\r\r",
    b"data: ?\r\n\r\n",
    b"data: ?",
    b"data: x\n\n?",
];

#[test]
fn invalid_utf8_at_every_split() {
    let mut failures = Failures::default();
    for template in UTF8_TEMPLATES {
        for sequence in UTF8_SEQUENCES {
            check(
                &substitute(template, sequence),
                Splits::EveryTwoCuts,
                &mut failures,
            );
        }
    }
    failures.assert_none("UTF-8 streams");
}

// ---------------------------------------------------------------------------
// All short sequences over small alphabets
// ---------------------------------------------------------------------------

/// Calls `each` with every sequence of 1 to `max_len` symbols from
/// `alphabet`, concatenated.
fn for_each_sequence(alphabet: &[&[u8]], max_len: usize, mut each: impl FnMut(&[u8], usize)) {
    let mut indices = Vec::new();
    let mut buf = Vec::new();
    for len in 1..=max_len {
        indices.clear();
        indices.resize(len, 0);
        loop {
            buf.clear();
            for &i in &indices {
                buf.extend_from_slice(alphabet[i]);
            }
            each(&buf, len);
            // Next sequence, like an odometer.
            let mut pos = len;
            loop {
                if pos == 0 {
                    break;
                }
                pos -= 1;
                indices[pos] += 1;
                if indices[pos] < alphabet.len() {
                    break;
                }
                indices[pos] = 0;
            }
            if indices.iter().all(|&i| i == 0) {
                break;
            }
        }
    }
}

#[test]
fn all_byte_sequences_up_to_3_inside_a_data_line() {
    const ALPHABET: &[&[u8]] = &[
        b"\r", b"\n", b":", b" ", b"d", b"a", b"\xEF", b"\xBB", b"\xBF", b"\x80",
    ];
    let mut failures = Failures::default();
    let mut sequences = 0;
    for_each_sequence(ALPHABET, 3, |sequence, _| {
        sequences += 1;
        let stream = [&b"data: x"[..], sequence, b"\n\n"].concat();
        check(&stream, Splits::EveryCut, &mut failures);
        let stream = [sequence, &b"data: x\n\n"[..]].concat();
        check(&stream, Splits::EveryCut, &mut failures);
    });
    assert_eq!(sequences, 10 + 100 + 1000);
    failures.assert_none("byte sequences");
}

#[test]
fn all_token_streams_up_to_5() {
    // Whole streams: everything they do comes from these tokens alone.
    const FIELDS: &[&[u8]] = &[
        b"\r",
        b"\n",
        b":",
        b" ",
        b"data",
        b"id",
        b"x",
        b"\xEF\xBB",
        b"\xBF",
        b"\0",
    ];
    const RETRY_AND_EVENT: &[&[u8]] = &[
        b"\r\n", b"\n", b":", b" ", b"retry", b"event", b"1", b"data", b"\xFF",
    ];
    let mut failures = Failures::default();
    for alphabet in [FIELDS, RETRY_AND_EVENT] {
        for_each_sequence(alphabet, 5, |stream, len| {
            let splits = if len <= 4 {
                Splits::EveryCut
            } else {
                Splits::Sizes
            };
            check(stream, splits, &mut failures);
        });
    }
    failures.assert_none("token streams");
}

// ---------------------------------------------------------------------------
// Encoder: whatever it is given, it writes what decodes back, or refuses
// ---------------------------------------------------------------------------

/// Strings rich in what could break the format: line breaks, colons, spaces,
/// NUL, field names, a BOM.
fn tricky_string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            "\r", "\n", "\r\n", ":", " ", "\0", "data:", "\u{FEFF}", "id: ", "event",
            "retry: 1", "\n\n", "x", "é", "\u{1F600}",
        ])
        .prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
        1 => "[a-z0-9 ]{0,4}",
    ];
    prop::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

/// A message's fields, owned, for the strategy.
#[derive(Debug, Clone)]
struct Fields {
    data: Option<String>,
    event: Option<String>,
    id: Option<String>,
    comment: Option<String>,
    retry: Option<u64>,
}

impl Fields {
    fn message(&self) -> Message<'_> {
        let mut message = Message::default();
        if let Some(data) = &self.data {
            message = message.data(data);
        }
        if let Some(event) = &self.event {
            message = message.event(event);
        }
        if let Some(id) = &self.id {
            message = message.id(id);
        }
        if let Some(comment) = &self.comment {
            message = message.comment(comment);
        }
        if let Some(millis) = self.retry {
            message = message.retry(Duration::from_millis(millis));
        }
        message
    }

    /// The errors the encoder may rightly give; empty if it must succeed.
    fn refusals(&self) -> Vec<EncodeError> {
        let mut errors = Vec::new();
        if self
            .event
            .as_deref()
            .is_some_and(|t| t.contains(['\r', '\n']))
        {
            errors.push(EncodeError::LineBreakInEventType);
        }
        if let Some(id) = &self.id {
            if id.contains(['\r', '\n']) {
                errors.push(EncodeError::LineBreakInId);
            }
            if id.contains('\0') {
                errors.push(EncodeError::NulInId);
            }
        }
        errors
    }
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        prop::option::of(tricky_string()),
        prop::option::of(tricky_string()),
        prop::option::of(tricky_string()),
        prop::option::of(tricky_string()),
        prop::option::of(prop_oneof![Just(0u64), Just(u64::MAX), any::<u64>()]),
    )
        .prop_map(|(data, event, id, comment, retry)| Fields {
            data,
            event,
            id,
            comment,
            retry,
        })
}

/// Line breaks (CR LF, CR, LF) normalised to LF.
fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Decodes `bytes` after a block that sets the last event ID to `prev`, then
/// a sentinel event; returns what was seen between the two, the sentinel's
/// id and how the stream ended. `bytes` is fed in pieces of `sizes` bytes
/// (cycled), so that every line may be cut anywhere; with `comments` off the
/// decoder must skip comment lines.
fn decode_message(
    bytes: &[u8],
    sizes: &[usize],
    comments: bool,
) -> (Vec<OwnedDecoded>, String, Finish) {
    let mut decoder = Decoder::builder()
        .limits(Limits::unlimited())
        .comments(comments)
        .build();
    decoder.feed(b"id: prev\n\n", |item| panic!("unexpected {item:?}"));
    let mut seen = Vec::new();
    let mut on_item = |item: Decoded<'_>| {
        assert!(
            comments || !matches!(item, Decoded::Comment(_)),
            "comment reported while off: {item:?}"
        );
        assert!(!matches!(item, Decoded::Error(_)), "unexpected {item:?}");
        seen.push(item.into_owned());
    };
    let mut rest = bytes;
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, after) = rest.split_at(size.clamp(1, rest.len()));
        decoder.feed(piece, &mut on_item);
        rest = after;
    }
    decoder.feed(b"data: sentinel\n\n", &mut on_item);
    let finish = decoder.finish();
    let Some(OwnedDecoded::Event(sentinel)) = seen.pop() else {
        panic!("the sentinel event is missing: {seen:?}");
    };
    assert_eq!(
        (sentinel.event_type(), sentinel.data()),
        ("message", "sentinel")
    );
    (seen, sentinel.last_event_id().to_owned(), finish)
}

/// Encodes `fields` with every writer and checks the result: refused with an
/// allowed error and nothing written, or written identically by all of them
/// and decoded (in pieces of `sizes`, with comments reported and without)
/// back to the fields.
fn check_message(fields: &Fields, sizes: &[usize]) -> Result<(), TestCaseError> {
    let message = fields.message();
    let refusals = fields.refusals();
    let prefix = b"already here".to_vec();
    let mut out = prefix.clone();
    let written = message.write_to_vec(&mut out);
    prop_assert_eq!(message.validate(), written);
    let mut text = String::from("already here");
    prop_assert_eq!(message.write_to_fmt(&mut text), written);
    // `write_to_io` exists with the `std` feature (CI also runs the tests
    // without it).
    #[cfg(feature = "std")]
    let io_written = {
        let mut io = prefix.clone();
        let result = message.write_to_io(&mut io);
        Some((io, result))
    };
    #[cfg(not(feature = "std"))]
    let io_written: Option<(Vec<u8>, std::io::Result<()>)> = None;

    if let Err(error) = written {
        prop_assert!(
            refusals.contains(&error),
            "refused with {:?}, allowed {:?}",
            error,
            refusals
        );
        prop_assert_eq!(&out, &prefix, "wrote something before refusing");
        prop_assert_eq!(text.as_bytes(), &prefix[..]);
        if let Some((io, io_result)) = &io_written {
            let io_error = io_result.as_ref().expect_err("write_to_io must refuse too");
            prop_assert_eq!(io_error.kind(), std::io::ErrorKind::InvalidInput);
            prop_assert_eq!(io, &prefix);
        }
        prop_assert_eq!(message.encoded_len(), Err(error));
        return Ok(());
    }
    prop_assert!(refusals.is_empty(), "accepted despite {:?}", refusals);
    let bytes = &out[prefix.len()..];
    prop_assert_eq!(text.as_bytes(), &out[..]);
    if let Some((io, io_result)) = &io_written {
        prop_assert!(io_result.is_ok());
        prop_assert_eq!(io, &out);
    }
    prop_assert_eq!(message.encoded_len(), Ok(bytes.len()));

    let id = fields.id.clone().unwrap_or_else(|| "prev".to_owned());
    let mut expected = Vec::new();
    if let Some(comment) = &fields.comment {
        expected.extend(
            normalise(comment)
                .split('\n')
                .map(|line| OwnedDecoded::Comment(line.to_owned())),
        );
    }
    if let Some(millis) = fields.retry {
        expected.push(OwnedDecoded::Retry(Duration::from_millis(millis)));
    }
    if let Some(data) = &fields.data {
        let event_type = match fields.event.as_deref() {
            None | Some("") => "message".to_owned(),
            Some(event_type) => event_type.to_owned(),
        };
        // The block names its own type when it sends a non-empty one, and has
        // its own id whenever it sends one.
        let own_type = !matches!(fields.event.as_deref(), None | Some(""));
        expected.push(OwnedDecoded::Event(
            Event::new(&event_type, &normalise(data), &id)
                .with_own_fields(own_type, fields.id.is_some())
                .into_owned(),
        ));
    }
    for comments in [true, false] {
        let (seen, id_after, finish) = decode_message(bytes, sizes, comments);
        if !comments {
            expected.retain(|item| !matches!(item, OwnedDecoded::Comment(_)));
        }
        prop_assert_eq!(finish, Finish::Clean);
        prop_assert_eq!(
            &seen,
            &expected,
            "bytes {:?}, pieces {:?}, comments {}",
            String::from_utf8_lossy(bytes),
            sizes,
            comments
        );
        prop_assert_eq!(&id_after, &id);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4_000))]

    #[test]
    fn encoded_messages_decode_to_their_fields_or_are_refused(
        fields in fields(),
        comment in tricky_string(),
        millis in any::<u64>(),
        sizes in prop::collection::vec(1usize..20, 1..8),
    ) {
        check_message(&fields, &sizes)?;
        // A comment or a retry alone (a keep-alive, a new reconnection time)
        // must decode to exactly that and dispatch no event.
        let nothing = Fields { data: None, event: None, id: None, comment: None, retry: None };
        check_message(&Fields { comment: Some(comment), ..nothing.clone() }, &sizes)?;
        check_message(&Fields { retry: Some(millis), ..nothing }, &sizes)?;
    }
}

#[test]
fn messages_back_to_back_decode_in_order() {
    // The same property for a run of messages in one stream, deterministic
    // over a fixed set of awkward values.
    let values = [
        "", " ", "a\r\nb", "\r", "\n\n", ":x", "\u{FEFF}", "data: y", "é\0",
    ];
    let mut stream = Vec::new();
    let mut expected = Vec::new();
    let mut last_id = "prev".to_owned();
    for (i, data) in values.iter().enumerate() {
        for (j, other) in values.iter().enumerate() {
            let mut message = Message::new(data).comment(other);
            let own_id = j % 2 == 0 && !other.contains(['\r', '\n', '\0']);
            if own_id {
                message = message.id(other);
                last_id = (*other).to_owned();
            }
            if i % 3 == 0 && !other.contains(['\r', '\n']) {
                message = message.event(other);
            }
            message.write_to_vec(&mut stream).expect("valid message");
            expected.extend(
                normalise(other)
                    .split('\n')
                    .map(|l| OwnedDecoded::Comment(l.to_owned())),
            );
            let event_type = if i % 3 == 0 && !other.is_empty() && !other.contains(['\r', '\n']) {
                (*other).to_owned()
            } else {
                "message".to_owned()
            };
            let own_type = i % 3 == 0 && !other.is_empty() && !other.contains(['\r', '\n']);
            expected.push(OwnedDecoded::Event(
                Event::new(&event_type, &normalise(data), &last_id)
                    .with_own_fields(own_type, own_id)
                    .into_owned(),
            ));
        }
    }
    let third = (stream.len() / 3).max(1);
    let (seen, id, finish) = decode_message(&stream, &[third, usize::MAX], true);
    assert_eq!(finish, Finish::Clean);
    assert_eq!(seen, expected);
    assert_eq!(id, last_id);
}
