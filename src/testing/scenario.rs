//! [`Scenario`]: a generated stream, its chunks, and what it must decode to.

use alloc::string::String;
use alloc::vec::Vec;

use super::Outcome;
use super::build::{Prefix, draft};
use super::layout::lay_out;
use super::model::{Ending, Interpreted, Settings, interpret};
use super::rules::{RULES, Rule};
use super::source::Source;
use crate::{Decoder, Finish, Limits, Message, OwnedDecoded};

/// A generated event stream that knows what it must decode to.
///
/// Built from any bytes by [`Scenario::from_bytes`]: a fuzzer's input, or
/// bytes from a seeded generator. The same bytes always give the same
/// scenario. The stream holds a BOM or bytes that only look like one, lines
/// ended by CR, LF and CR LF, comments, every form of `retry` (valid, too
/// large, not digits), ids with NUL, invalid UTF-8, unknown and near-miss
/// field names, values written with and without the space after the colon,
/// events ended by the end of the stream, and, with small limits, lines and
/// events one byte under, at and over the limits. The chunks cut it
/// anywhere: inside the BOM, between CR and LF, inside a character.
///
/// For tests and fuzzing only (feature `testing`).
///
/// ```
/// use ssewire::OwnedDecoded;
/// use ssewire::testing::{Scenario, decode_chunks};
///
/// for seed in 0..100u8 {
///     let scenario = Scenario::from_bytes(&[seed; 40]);
///     let (outcome, finish) = decode_chunks(&mut scenario.decoder(), scenario.chunks());
///     assert_eq!(&outcome, scenario.expected(), "{scenario:?}");
///     assert_eq!(finish, scenario.finish());
///     // The chunks are the stream, cut.
///     assert_eq!(scenario.chunks().concat(), scenario.stream());
/// }
/// ```
#[derive(Clone)]
pub struct Scenario {
    stream: Vec<u8>,
    cuts: Vec<usize>,
    limits: Limits,
    comments: bool,
    expected: Interpreted,
    unlimited: Outcome,
    /// Each event's data as the messages carry it.
    message_data: Vec<String>,
    rules: u64,
}

impl Scenario {
    /// The scenario these bytes describe. Every input gives one (an empty
    /// input gives an empty stream); a longer input gives a longer stream,
    /// at most a few tens of kilobytes.
    ///
    /// ```
    /// let scenario = ssewire::testing::Scenario::from_bytes(b"");
    /// assert!(scenario.stream().is_empty());
    /// assert!(scenario.expected().items.is_empty());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Scenario {
        let mut source = Source::new(bytes);
        let mut draft = draft(&mut source);
        let laid = lay_out(&mut draft, &mut source);
        let first_line_extra = match draft.prefix {
            // A leading BOM is dropped even when another follows it.
            Prefix::Garbage(bytes) => bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes).len(),
            _ => 0,
        };
        let settings = Settings {
            max_line: draft.limits.max_line_len.unwrap_or(usize::MAX),
            max_event: draft.limits.max_event_len.unwrap_or(usize::MAX),
            comments: draft.comments,
            first_line_extra,
        };
        let expected = interpret(&draft.lines, settings);
        let unlimited = interpret(
            &draft.lines,
            Settings {
                max_line: usize::MAX,
                max_event: usize::MAX,
                ..settings
            },
        );
        let mut rules = 0u64;
        for rule in draft.rules.iter().chain(&expected.rules) {
            rules |= 1 << (*rule as u32);
        }
        let message_data = expected
            .data_lines
            .iter()
            .map(|lines| joined_data(lines))
            .collect();
        let mut scenario = Scenario {
            message_data,
            stream: laid.stream,
            cuts: laid.cuts,
            limits: draft.limits,
            comments: draft.comments,
            expected,
            unlimited: unlimited.outcome,
            rules,
        };
        for rule in scenario.message_rules() {
            scenario.rules |= 1 << (rule as u32);
        }
        // A facet reached is its rule reached.
        for (i, id) in RULES.iter().enumerate() {
            if let Some((parent, _)) = id.split_once('/') {
                if scenario.rules & (1 << i) != 0 {
                    let index = RULES.iter().position(|r| *r == parent).unwrap_or(i);
                    scenario.rules |= 1 << index;
                }
            }
        }
        scenario
    }

    /// The whole stream.
    ///
    /// ```
    /// use ssewire::testing::{Scenario, reference_decode};
    ///
    /// let scenario = Scenario::from_bytes(&[200; 30]);
    /// // Any SSE parser can be handed the bytes; here, the reference decoder.
    /// let outcome = reference_decode(scenario.stream());
    /// assert_eq!(outcome.last_event_id, scenario.expected_unlimited().last_event_id);
    /// ```
    pub fn stream(&self) -> &[u8] {
        &self.stream
    }

    /// The stream cut where the scenario delivers it: joined, the chunks are
    /// [`Scenario::stream`]. Some may be empty, which must change nothing.
    ///
    /// ```
    /// let scenario = ssewire::testing::Scenario::from_bytes(&[3; 32]);
    /// assert_eq!(scenario.chunks().concat(), scenario.stream());
    /// ```
    pub fn chunks(&self) -> Vec<&[u8]> {
        let mut chunks = Vec::with_capacity(self.cuts.len() + 1);
        let mut start = 0;
        for &end in &self.cuts {
            chunks.push(&self.stream[start..end]);
            start = end;
        }
        chunks.push(&self.stream[start..]);
        chunks
    }

    /// The limits to decode the stream with: usually the defaults or none;
    /// small ones when the scenario tests them (C2).
    ///
    /// ```
    /// let scenario = ssewire::testing::Scenario::from_bytes(&[4; 16]);
    /// assert_eq!(scenario.decoder().limits(), scenario.limits());
    /// ```
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Whether comments are to be reported ([`crate::DecoderBuilder::comments`], C4).
    ///
    /// ```
    /// use ssewire::OwnedDecoded;
    ///
    /// let scenario = ssewire::testing::Scenario::from_bytes(&[0, 0, 0]);
    /// let comments = scenario.expected().items.iter().filter(|i| matches!(i, OwnedDecoded::Comment(_)));
    /// assert!(scenario.comments() || comments.count() == 0);
    /// ```
    pub fn comments(&self) -> bool {
        self.comments
    }

    /// A decoder with [`Scenario::limits`] and [`Scenario::comments`].
    ///
    /// ```
    /// use ssewire::testing::{Scenario, decode_chunks};
    ///
    /// let scenario = Scenario::from_bytes(&[77; 90]);
    /// let (outcome, _) = decode_chunks(&mut scenario.decoder(), scenario.chunks());
    /// assert_eq!(&outcome, scenario.expected());
    /// ```
    pub fn decoder(&self) -> Decoder {
        Decoder::builder()
            .limits(self.limits)
            .comments(self.comments)
            .build()
    }

    /// What a decoder built by [`Scenario::decoder`] must give for the
    /// stream, however it is chunked: every item, the final last event ID
    /// and the final reconnection time.
    ///
    /// ```
    /// use ssewire::testing::Scenario;
    ///
    /// let scenario = Scenario::from_bytes(&[9; 50]);
    /// let mut items = Vec::new();
    /// let mut decoder = scenario.decoder();
    /// decoder.feed(scenario.stream(), |item| items.push(item.into_owned()));
    /// assert_eq!(items, scenario.expected().items);
    /// ```
    pub fn expected(&self) -> &Outcome {
        &self.expected.outcome
    }

    /// What a decoder with [`Limits::unlimited`] (and the same comment
    /// setting) must give: [`Scenario::expected`] without limit errors.
    ///
    /// ```
    /// use ssewire::{Decoder, Limits};
    /// use ssewire::testing::{Scenario, decode_chunks};
    ///
    /// let scenario = Scenario::from_bytes(&[250; 70]);
    /// let mut decoder = Decoder::builder().limits(Limits::unlimited()).comments(scenario.comments()).build();
    /// let (outcome, _) = decode_chunks(&mut decoder, scenario.chunks());
    /// assert_eq!(&outcome, scenario.expected_unlimited());
    /// ```
    pub fn expected_unlimited(&self) -> &Outcome {
        &self.unlimited
    }

    /// What [`Decoder::finish`] must return at the end of the stream (C5).
    ///
    /// ```
    /// let scenario = ssewire::testing::Scenario::from_bytes(&[31; 60]);
    /// let mut decoder = scenario.decoder();
    /// for chunk in scenario.chunks() {
    ///     decoder.feed(chunk, |_| {});
    /// }
    /// assert_eq!(decoder.finish(), scenario.finish());
    /// ```
    pub fn finish(&self) -> Finish {
        self.expected.finish
    }

    /// The ids of [`RULES`] this scenario reaches.
    ///
    /// ```
    /// let scenario = ssewire::testing::Scenario::from_bytes(&[1; 200]);
    /// for id in scenario.rules() {
    ///     assert!(ssewire::testing::RULES.contains(&id));
    /// }
    /// ```
    pub fn rules(&self) -> impl Iterator<Item = &'static str> + '_ {
        RULES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.rules & (1 << i) != 0)
            .map(|(_, id)| *id)
    }

    /// The expected events, retries and comments as messages to encode, for
    /// harnesses of an encoder or of code that writes streams. Each event's
    /// data joins its `data` lines with the line endings the stream used
    /// (so the encoder must split at CR, LF and CR LF alike, R12); an `id`
    /// is carried by a message of its own before an event that does not
    /// set it. Written with [`super::encode_all`] and decoded with
    /// [`Limits::unlimited`] and [`Scenario::comments`], they give
    /// [`Scenario::expected`] without its errors, and the same last event
    /// ID and reconnection time.
    ///
    /// ```
    /// use ssewire::{Decoder, Limits};
    /// use ssewire::testing::{Scenario, decode_chunks, encode_all};
    ///
    /// let scenario = Scenario::from_bytes(&[5; 80]);
    /// let bytes = encode_all(&scenario.messages());
    /// let mut decoder = Decoder::builder().limits(Limits::unlimited()).comments(scenario.comments()).build();
    /// let (outcome, _) = decode_chunks(&mut decoder, [&bytes[..]]);
    /// let mut expected = scenario.expected().clone();
    /// expected.items.retain(|item| !matches!(item, ssewire::OwnedDecoded::Error(_)));
    /// assert_eq!(outcome, expected);
    /// ```
    pub fn messages(&self) -> Vec<Message<'_>> {
        let mut messages = Vec::new();
        let mut forwarded = "";
        let mut data = self.message_data.iter();
        for item in &self.expected.outcome.items {
            match item {
                OwnedDecoded::Event(event) => {
                    let text = data.next().map_or(event.data(), String::as_str);
                    let mut message = Message::new(text);
                    if event.own_type() {
                        message = message.event(event.event_type());
                    }
                    if event.own_id() {
                        message = message.id(event.last_event_id());
                    } else if event.last_event_id() != forwarded {
                        messages.push(Message::default().id(event.last_event_id()));
                    }
                    forwarded = event.last_event_id();
                    messages.push(message);
                }
                OwnedDecoded::Retry(time) => messages.push(Message::default().retry(*time)),
                OwnedDecoded::Comment(text) => messages.push(Message::default().comment(text)),
                _ => {}
            }
        }
        let last = &self.expected.outcome.last_event_id;
        if last != forwarded {
            messages.push(Message::default().id(last));
        }
        messages
    }

    /// Rules the messages reach (R12 to R17).
    fn message_rules(&self) -> Vec<Rule> {
        let mut rules = Vec::new();
        for (lines, item) in self.expected.data_lines.iter().zip(
            self.expected
                .outcome
                .items
                .iter()
                .filter(|i| matches!(i, OwnedDecoded::Event(_))),
        ) {
            rules.push(Rule::R17);
            if lines.len() > 1 && lines.iter().any(|(_, e)| *e != Ending::Lf) {
                rules.push(Rule::R12);
            }
            if let OwnedDecoded::Event(event) = item {
                if event.data().is_empty() {
                    rules.push(Rule::R14);
                }
                let starts_with_space = |s: &str| s.starts_with(' ');
                if starts_with_space(event.data())
                    || (event.own_type() && starts_with_space(event.event_type()))
                {
                    rules.push(Rule::R13);
                }
            }
        }
        if self
            .expected
            .outcome
            .items
            .iter()
            .any(|i| matches!(i, OwnedDecoded::Retry(_) | OwnedDecoded::Comment(_)))
        {
            rules.push(Rule::R16);
        }
        rules
    }
}

/// The data of an event as the stream's lines had it: joined by the line
/// ending each `data` line had, except that a CR before an empty line
/// becomes CR LF (a CR, then the LF of the next, would be one break).
fn joined_data(lines: &[(String, Ending)]) -> String {
    let mut joined = String::new();
    for (i, (value, _)) in lines.iter().enumerate() {
        if i > 0 {
            let next_empty = value.is_empty();
            let previous = lines[i - 1].1;
            joined.push_str(match previous {
                Ending::Cr if next_empty => "\r\n",
                Ending::Cr => "\r",
                Ending::Lf => "\n",
                Ending::CrLf => "\r\n",
            });
        }
        joined.push_str(value);
    }
    joined
}

impl core::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Scenario")
            .field("stream", &String::from_utf8_lossy(&self.stream))
            .field("cuts", &self.cuts)
            .field("limits", &self.limits)
            .field("comments", &self.comments)
            .field("expected", &self.expected.outcome)
            .field("finish", &self.expected.finish)
            .finish_non_exhaustive()
    }
}
