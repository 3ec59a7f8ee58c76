//! One test per rule of docs/SPEC.md, named after its id (`rule_10c_...`
//! tests R10c, `choice_2_...` tests C2), each with its own small input.
//!
//! Every `decodes!` case runs the input whole, byte by byte, and at split sizes
//! 2, 3, 5 and 7, and must give the same items and final last event ID each
//! time.

mod common;

use common::{Item, decode_split, ev, retry};
use ssewire::{DecodeError, Decoder, EncodeError, Finish, Limits, Message};
use std::time::Duration;

/// Decodes at every split size, asserts they agree, and returns the result.
fn decode_all_ways(input: &[u8]) -> (Vec<Item>, String, Finish) {
    let whole = decode_split(&mut Decoder::new(), input, &[usize::MAX]);
    for sizes in [&[1][..], &[2], &[3], &[5], &[7], &[1, 4, 2]] {
        let split = decode_split(&mut Decoder::new(), input, sizes);
        assert_eq!(
            split, whole,
            "split {sizes:?} differs from whole for {input:?}"
        );
    }
    whole
}

macro_rules! decodes {
    ($input:expr, [$($item:expr),* $(,)?], $last_id:expr) => {{
        let (items, last_id, _) = decode_all_ways($input);
        assert_eq!(items, vec![$($item),*], "items of {:?}", $input);
        assert_eq!(last_id, $last_id, "last event id of {:?}", $input);
    }};
}

// --- Bytes to lines (docs/SPEC.md R1 to R4) ---

#[test]
fn rule_01_invalid_utf8_becomes_replacement_characters() {
    decodes!(b"data: a\xFFb\n\n", [ev("message", "a\u{FFFD}b", "")], "");
    // A code point split across chunks is one code point (decode_all_ways splits it).
    decodes!(
        "data: \u{1F600}\u{20AC}\n\n".as_bytes(),
        [ev("message", "\u{1F600}\u{20AC}", "")],
        ""
    );
    // Same result as from_utf8_lossy on the whole stream: maximal subparts.
    decodes!(
        b"data: \xF0\x9F\x98\n\n",
        [ev("message", "\u{FFFD}", "")],
        ""
    );
    decodes!(
        b"event: \xC0\xAF\ndata: x\n\n",
        [ev("\u{FFFD}\u{FFFD}", "x", "")],
        ""
    );
    decodes!(
        b"id: \xED\xA0\x80\ndata: x\n\n",
        [ev("message", "x", "\u{FFFD}\u{FFFD}\u{FFFD}")],
        "\u{FFFD}\u{FFFD}\u{FFFD}"
    );
}

#[test]
fn rule_02_only_a_leading_bom_is_dropped() {
    decodes!(b"\xEF\xBB\xBFdata: a\n\n", [ev("message", "a", "")], "");
    // Later, U+FEFF is an ordinary character: here part of the field name.
    decodes!(
        b"data: a\n\n\xEF\xBB\xBFdata: b\n\n",
        [ev("message", "a", "")],
        ""
    );
    decodes!(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\n", [], "");
    // A partial BOM is not a BOM.
    decodes!(
        b"\xEF\xBBdata: a\n\ndata: b\n\n",
        [ev("message", "b", "")],
        ""
    );
    // The BOM may arrive a byte at a time (decode_all_ways does that), and
    // finish() starts a new stream, whose BOM is dropped again.
    let mut decoder = Decoder::new();
    for stream in [&b"\xEF\xBB\xBFdata: 1\n\n"[..], b"\xEF\xBB\xBFdata: 2\n\n"] {
        let (items, _, finish) = decode_split(&mut decoder, stream, &[1]);
        assert_eq!(items.len(), 1);
        assert_eq!(finish, Finish::Clean);
    }
}

#[test]
fn rule_03_line_endings_cr_lf_crlf_and_split_crlf() {
    decodes!(
        b"data: a\r\ndata: b\rdata: c\n\r\n",
        [ev("message", "a\nb\nc", "")],
        ""
    );
    // CR at the end of a chunk then LF: one line ending, not a blank line.
    let mut decoder = Decoder::new();
    let (items, _, _) = decode_split(&mut decoder, b"data: a\r\ndata: b\r\n\r\n", &[8]);
    assert_eq!(items, [ev("message", "a\nb", "")]);
    // CR CR LF: a line ending, then a blank line.
    decodes!(
        b"data: a\r\r\ndata: b\r\r\n",
        [ev("message", "a", ""), ev("message", "b", "")],
        ""
    );
    // A lone CR at the very end of the stream still ends the line.
    decodes!(b"data: a\r\r", [ev("message", "a", "")], "");
}

#[test]
fn rule_04_end_of_stream_discards_the_unfinished_event() {
    decodes!(b"data: a\n", [], "");
    decodes!(b"data: a", [], "");
    decodes!(b"data: a\n\ndata: b", [ev("message", "a", "")], "");
    let (_, _, finish) = decode_all_ways(b"data: a\n\ndata: b\n");
    assert_eq!(finish, Finish::Truncated);
    let (_, _, finish) = decode_all_ways(b"data: a\n\n");
    assert_eq!(finish, Finish::Clean);
}

// --- Lines to fields (R5 to R9) ---

#[test]
fn rule_05_blank_line_dispatches() {
    decodes!(
        b"data: a\n\n\n\ndata: b\n\n",
        [ev("message", "a", ""), ev("message", "b", "")],
        ""
    );
}

#[test]
fn rule_06_comments_are_ignored_or_surfaced_on_request() {
    decodes!(b": hi\ndata: a\n:\n\n", [ev("message", "a", "")], "");
    let mut decoder = Decoder::builder().comments(true).build();
    let (items, _, _) = decode_split(&mut decoder, b": keep-alive\n:x\n::\n\n", &[3]);
    assert_eq!(
        items,
        [
            Item::Comment("keep-alive".into()),
            Item::Comment("x".into()),
            Item::Comment(":".into())
        ]
    );
}

#[test]
fn rule_07_one_leading_space_is_stripped_from_the_value() {
    decodes!(b"data:a\n\n", [ev("message", "a", "")], "");
    decodes!(b"data: a\n\n", [ev("message", "a", "")], "");
    decodes!(b"data:  a\n\n", [ev("message", " a", "")], "");
    decodes!(b"data:\ta\n\n", [ev("message", "\ta", "")], "");
    decodes!(b"data: a: b\n\n", [ev("message", "a: b", "")], "");
}

#[test]
fn rule_08_line_without_colon_is_a_field_with_empty_value() {
    decodes!(b"data\n\n", [ev("message", "", "")], "");
    decodes!(
        b"data: a\ndata\ndata: b\n\n",
        [ev("message", "a\n\nb", "")],
        ""
    );
}

#[test]
fn rule_09_field_names_are_exact_and_case_sensitive() {
    decodes!(b"Data: a\ndata : b\ndatax: c\nDATA: d\n\n", [], "");
    decodes!(
        b"Event: t\nID: 1\nRetry: 5\ndata: x\n\n",
        [ev("message", "x", "")],
        ""
    );
}

// --- Fields (R10) ---

#[test]
fn rule_10a_event_sets_the_type() {
    decodes!(b"event: a\nevent: b\ndata: x\n\n", [ev("b", "x", "")], "");
    decodes!(b"event:\ndata: x\n\n", [ev("message", "x", "")], "");
}

#[test]
fn rule_10b_data_appends_value_and_lf() {
    decodes!(b"data: a\ndata: b\n\n", [ev("message", "a\nb", "")], "");
    decodes!(b"data:\ndata:\n\n", [ev("message", "\n", "")], "");
}

#[test]
fn rule_10c_id_sets_the_buffer_unless_it_has_nul() {
    decodes!(b"id: 1\ndata: a\n\n", [ev("message", "a", "1")], "1");
    decodes!(
        b"id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n",
        [ev("message", "a", "1"), ev("message", "b", "1")],
        "1"
    );
    decodes!(
        b"id: 1\ndata: a\n\nid\ndata: b\n\n",
        [ev("message", "a", "1"), ev("message", "b", "")],
        ""
    );
    decodes!(b"id:  x \ndata: a\n\n", [ev("message", "a", " x ")], " x ");
}

#[test]
fn rule_10d_retry_takes_only_ascii_digits_and_applies_at_once() {
    decodes!(b"retry: 1500\n", [retry(1500)], "");
    decodes!(
        b"retry: 10\nretry: 1e3\nretry:  7\nretry: -1\nretry: 10ms\nretry:\nretry\nretry: 07\n\n",
        [retry(10), retry(7)],
        ""
    );
    decodes!(b"retry: 18446744073709551615\n", [retry(u64::MAX)], "");
}

// --- Dispatch (R11) ---

#[test]
fn rule_11a_id_commits_at_the_blank_line_even_without_data() {
    decodes!(b"id: 7\n\n", [], "7");
    decodes!(b"id: 7\n\ndata: x\n\n", [ev("message", "x", "7")], "7");
    // Not committed without a blank line.
    decodes!(
        b"id: 1\ndata: a\n\nid: 2\ndata: b\n",
        [ev("message", "a", "1")],
        "1"
    );
}

#[test]
fn rule_11b_no_data_dispatches_nothing_and_resets_the_type() {
    decodes!(b"event: x\n\ndata: y\n\n", [ev("message", "y", "")], "");
}

#[test]
fn rule_11c_one_trailing_lf_is_removed() {
    decodes!(b"data: a\ndata:\n\n", [ev("message", "a\n", "")], "");
}

#[test]
fn rule_11d_type_defaults_to_message() {
    decodes!(b"data: a\n\n", [ev("message", "a", "")], "");
}

#[test]
fn rule_11e_buffers_clear_after_dispatch_but_the_id_persists() {
    decodes!(
        b"id: 1\nevent: t\ndata: a\n\ndata: b\n\n",
        [ev("t", "a", "1"), ev("message", "b", "1")],
        "1"
    );
}

#[test]
fn consequences_listed_in_the_spec() {
    decodes!(b"data\n\n", [ev("message", "", "")], "");
    decodes!(b"data:\ndata:\n\n", [ev("message", "\n", "")], "");
    decodes!(b"event: x\n\n", [], "");
    decodes!(
        b"id: 1\ndata: a\n\ndata: b\n\n",
        [ev("message", "a", "1"), ev("message", "b", "1")],
        "1"
    );
    decodes!(b"id: 1\n\nid\n\n", [], "");
    decodes!(b"id: a\0b\n\n", [], "");
    decodes!(b"data: x", [], "");
    decodes!(b"data: x\n", [], "");
}

// --- Writing events (R12 to R17) ---

fn encode(message: Message<'_>) -> Result<String, EncodeError> {
    let mut out = Vec::new();
    let result = message.write_to_vec(&mut out);
    if result.is_err() {
        assert!(out.is_empty(), "nothing may be written on error");
    }
    result.map(|()| String::from_utf8(out).expect("encoder writes UTF-8"))
}

#[test]
fn rule_12_data_line_breaks_become_data_lines() {
    assert_eq!(
        encode(Message::new("a\nb\r\nc\rd")).unwrap(),
        "data: a\ndata: b\ndata: c\ndata: d\n\n"
    );
    let wire = encode(Message::new("a\r\nb\n")).unwrap();
    assert_eq!(
        common::events(wire.as_bytes()),
        [("message".into(), "a\nb\n".into(), String::new())]
    );
}

#[test]
fn rule_13_a_space_after_every_colon_keeps_leading_spaces() {
    let wire = encode(Message::new("  two spaces").event(" t").id(" i")).unwrap();
    assert_eq!(wire, "event:  t\nid:  i\ndata:   two spaces\n\n");
    assert_eq!(
        common::events(wire.as_bytes()),
        [(" t".into(), "  two spaces".into(), " i".into())]
    );
}

#[test]
fn rule_14_empty_data_still_dispatches() {
    let wire = encode(Message::new("")).unwrap();
    assert_eq!(wire, "data: \n\n");
    assert_eq!(
        common::events(wire.as_bytes()),
        [("message".into(), String::new(), String::new())]
    );
}

#[test]
fn rule_15_event_and_id_that_would_inject_fields_are_refused() {
    assert_eq!(
        encode(Message::new("x").event("a\nb")),
        Err(EncodeError::LineBreakInEventType)
    );
    assert_eq!(
        encode(Message::new("x").event("a\rb")),
        Err(EncodeError::LineBreakInEventType)
    );
    assert_eq!(
        encode(Message::new("x").id("1\n\ndata: y")),
        Err(EncodeError::LineBreakInId)
    );
    assert_eq!(
        encode(Message::new("x").id("1\r")),
        Err(EncodeError::LineBreakInId)
    );
    assert_eq!(
        encode(Message::new("x").id("1\u{0}2")),
        Err(EncodeError::NulInId)
    );
    let mut sink = String::new();
    assert_eq!(
        Message::new("x").id("\n").write_to_fmt(&mut sink),
        Err(EncodeError::LineBreakInId)
    );
    assert!(sink.is_empty());
}

#[cfg(feature = "std")]
#[test]
fn rule_15_io_writer_refuses_too() {
    let mut io_sink = Vec::new();
    let error = Message::new("x")
        .event("\r")
        .write_to_io(&mut io_sink)
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(io_sink.is_empty());
}

#[test]
fn rule_16_comments_and_retry_lines() {
    assert_eq!(
        encode(Message::default().comment("a\nb")).unwrap(),
        ": a\n: b\n"
    );
    assert_eq!(
        encode(Message::default().retry(Duration::from_secs(3))).unwrap(),
        "retry: 3000\n"
    );
    let wire = encode(
        Message::new("x")
            .comment("ping")
            .retry(Duration::from_millis(5)),
    )
    .unwrap();
    let mut decoder = Decoder::builder().comments(true).build();
    let (items, _, _) = decode_split(&mut decoder, wire.as_bytes(), &[usize::MAX]);
    assert_eq!(
        items,
        [
            Item::Comment("ping".into()),
            retry(5),
            ev("message", "x", "")
        ]
    );
}

#[test]
fn rule_17_events_end_with_a_blank_line_and_lf_endings() {
    let wire = encode(
        Message::new("a")
            .event("t")
            .id("1")
            .retry(Duration::from_millis(9)),
    )
    .unwrap();
    assert_eq!(wire, "event: t\nid: 1\nretry: 9\ndata: a\n\n");
    assert!(!wire.contains('\r'));
}

#[test]
fn encoded_len_matches_every_writer() {
    let message = Message::new("a\r\nb\rc")
        .event("t")
        .id("9")
        .retry(Duration::from_millis(1))
        .comment("c\nd");
    let mut vec = Vec::new();
    message.write_to_vec(&mut vec).unwrap();
    let mut string = String::new();
    message.write_to_fmt(&mut string).unwrap();
    assert_eq!(message.encoded_len(), Ok(vec.len()));
    assert_eq!(string.as_bytes(), vec);
}

#[cfg(feature = "std")]
#[test]
fn io_writer_matches_vec_writer() {
    let message = Message::new("a\r\nb\rc")
        .event("t")
        .id("9")
        .retry(Duration::from_millis(1))
        .comment("c\nd");
    let mut vec = Vec::new();
    message.write_to_vec(&mut vec).unwrap();
    let mut io = Vec::new();
    message.write_to_io(&mut io).unwrap();
    assert_eq!(io, vec);
    // Long data goes through the io path's buffer in several writes.
    let long = "x".repeat(5000) + "\n" + &"y".repeat(700);
    let mut io = Vec::new();
    Message::new(&long).write_to_io(&mut io).unwrap();
    assert_eq!(Message::new(&long).encoded_len(), Ok(io.len()));
    assert_eq!(common::events(&io)[0].1, long);
}

// --- Documented choices where the standard is silent (C1 to C5) ---

#[test]
fn choice_1_retry_too_large_for_u64_is_ignored_not_saturated() {
    // One past u64::MAX: no item, the time set before stays, and the event
    // after it is unaffected.
    decodes!(
        b"retry: 5\nretry: 18446744073709551616\ndata: x\n\n",
        [retry(5), ev("message", "x", "")],
        ""
    );
    let huge = format!("retry: 7\nretry: {}\n", "9".repeat(400));
    decodes!(huge.as_bytes(), [retry(7)], "");
    for (input, before) in [
        (&b"retry: 5\nretry: 99999999999999999999999\n"[..], Some(5)),
        (huge.as_bytes(), Some(7)),
        (b"retry: 18446744073709551616\n", None),
    ] {
        let mut decoder = Decoder::new();
        let (items, _, _) = decode_split(&mut decoder, input, &[usize::MAX]);
        assert_eq!(items, before.into_iter().map(retry).collect::<Vec<_>>());
        assert_eq!(decoder.retry(), before.map(Duration::from_millis));
    }
}

#[test]
fn choice_2_line_limit_discards_the_event_and_recovers() {
    let limits = Limits::default().max_line_len(Some(10));
    let input = b"data: a\n\nid: 5\ndata: this line is too long\ndata: more\n\ndata: b\n\n";
    let expected = vec![
        ev("message", "a", ""),
        Item::Error(DecodeError::LineTooLong { limit: 10 }),
        ev("message", "b", ""),
    ];
    for size in 1..=input.len() {
        let mut decoder = Decoder::builder().limits(limits).build();
        let (items, last_id, _) = decode_split(&mut decoder, input, &[size]);
        assert_eq!(items, expected, "split {size}");
        // The discarded block's id is discarded with it.
        assert_eq!(last_id, "");
    }
}

#[test]
fn choice_2_event_limit_discards_the_event_and_recovers() {
    let limits = Limits::default().max_event_len(Some(8));
    // "1234\n5678" is 9 bytes: over. "123\n4567" is exactly 8: allowed, then
    // "\n8" takes it over. A retry before the error keeps its effect.
    let input = b"data: 1234\ndata: 5678\n\ndata: 123\ndata: 4567\n\nretry: 3\ndata: 123\ndata: 4567\ndata: 8\n\ndata: ok\n\n";
    let expected = vec![
        Item::Error(DecodeError::EventTooLarge { limit: 8 }),
        ev("message", "123\n4567", ""),
        retry(3),
        Item::Error(DecodeError::EventTooLarge { limit: 8 }),
        ev("message", "ok", ""),
    ];
    for size in 1..=input.len() {
        let mut decoder = Decoder::builder().limits(limits).build();
        let (items, _, _) = decode_split(&mut decoder, input, &[size]);
        assert_eq!(items, expected, "split {size}");
        assert_eq!(decoder.retry(), Some(Duration::from_millis(3)));
    }
}

#[test]
fn choice_3_finish_keeps_the_last_event_id_and_retry_reset_forgets_them() {
    let mut decoder = Decoder::new();
    let (items, last_id, finish) =
        decode_split(&mut decoder, b"retry: 5\nid: 1\ndata: a\n\n", &[usize::MAX]);
    assert_eq!(items, [retry(5), ev("message", "a", "1")]);
    assert_eq!((last_id.as_str(), finish), ("1", Finish::Clean));
    // The next stream, as after a reconnection: an event without an `id`
    // still reports the previous one.
    let (items, _, _) = decode_split(&mut decoder, b"data: b\n\n", &[1]);
    assert_eq!(items, [ev("message", "b", "1")]);
    assert_eq!(decoder.retry(), Some(Duration::from_millis(5)));
    decoder.reset();
    assert_eq!(decoder.last_event_id(), "");
    assert_eq!(decoder.retry(), None);
}

#[test]
fn decoder_state_is_small_and_starts_without_heap() {
    let size = std::mem::size_of::<Decoder>();
    println!("size_of::<Decoder>() = {size} bytes");
    // Four buffers (24 bytes each) plus a few words of state: see the
    // compile-time bound next to the `Decoder` struct.
    assert!(size <= 160, "Decoder grew to {size} bytes");
}

#[test]
fn choice_2_event_limit_counts_decoded_text_at_every_split() {
    // Each invalid byte decodes to U+FFFD, three bytes: the limit applies to
    // the decoded data, whether the event was borrowed or buffered.
    let limits = Limits::default().max_event_len(Some(8));
    let input = b"data: \xFF\xFF\xFF\ndata: x\n\ndata: \xFF\xFF\n\n";
    let expected = vec![
        Item::Error(DecodeError::EventTooLarge { limit: 8 }),
        ev("message", "\u{FFFD}\u{FFFD}", ""),
    ];
    for size in 1..=input.len() {
        let mut decoder = Decoder::builder().limits(limits).build();
        let (items, _, _) = decode_split(&mut decoder, input, &[size]);
        assert_eq!(items, expected, "split {size}");
    }
}

#[test]
fn choice_5_finish_reports_a_stream_that_ends_inside_a_skipped_block() {
    let limits = Limits::default().max_line_len(Some(8));
    for input in [
        &b"id: 1\n\nevent: far-too-long\n"[..],
        b"id: 1\n\nevent: far-too-long",
    ] {
        for size in 1..=input.len() {
            let mut decoder = Decoder::builder().limits(limits).build();
            let (items, last_id, finish) = decode_split(&mut decoder, input, &[size]);
            assert_eq!(items, [Item::Error(DecodeError::LineTooLong { limit: 8 })]);
            assert_eq!(
                (last_id.as_str(), finish),
                ("1", Finish::Truncated),
                "split {size}"
            );
        }
    }
}
