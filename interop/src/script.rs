//! Scripted streams: messages for the encoder, connection drops, and the
//! events a receiver must see.
//!
//! The expectation is worked out from the messages' fields, following the
//! standard's rules, never by decoding the encoder's bytes, so that a bug
//! shared by ssewire's encoder and decoder cannot hide.

use ssewire::Message;

use crate::Record;

/// One message for the encoder, owning its fields (ssewire's [`Message`]
/// borrows them). `None` leaves a field out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Msg {
    /// The `data` field(s).
    pub data: Option<String>,
    /// The `event` field.
    pub event: Option<String>,
    /// The `id` field.
    pub id: Option<String>,
    /// The `retry` field.
    pub retry: Option<u64>,
    /// Comment line(s).
    pub comment: Option<String>,
}

impl Msg {
    /// A message with data.
    pub fn data(data: impl Into<String>) -> Msg {
        Msg {
            data: Some(data.into()),
            ..Msg::default()
        }
    }

    /// Sets the event type.
    #[must_use]
    pub fn event(mut self, event_type: impl Into<String>) -> Msg {
        self.event = Some(event_type.into());
        self
    }

    /// Sets the id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Msg {
        self.id = Some(id.into());
        self
    }

    /// Sets the reconnection time.
    #[must_use]
    pub fn retry(mut self, millis: u64) -> Msg {
        self.retry = Some(millis);
        self
    }

    /// Sets the comment.
    #[must_use]
    pub fn comment(mut self, text: impl Into<String>) -> Msg {
        self.comment = Some(text.into());
        self
    }

    /// The ssewire message for these fields.
    pub fn message(&self) -> Message<'_> {
        let mut message = Message::default();
        if let Some(data) = &self.data {
            message = message.data(data);
        }
        if let Some(event_type) = &self.event {
            message = message.event(event_type);
        }
        if let Some(id) = &self.id {
            message = message.id(id);
        }
        if let Some(millis) = self.retry {
            message = message.retry(std::time::Duration::from_millis(millis));
        }
        if let Some(comment) = &self.comment {
            message = message.comment(comment);
        }
        message
    }

    /// The encoded bytes.
    ///
    /// # Panics
    /// If the event type or id cannot be encoded (a line break, or NUL in
    /// the id): scripts are written by hand, so that is a bug in the script.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Err(error) = self.message().write_to_vec(&mut out) {
            panic!("script message {self:?} cannot be encoded: {error}");
        }
        out
    }
}

/// How the server ends a connection in the middle of a script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// The response body ends normally (clients reconnect all the same).
    End,
    /// The connection is aborted between two events.
    Abort,
    /// The first half of the next message is sent, then the connection is
    /// aborted: receivers must discard that incomplete event, and an `id`
    /// in its first half must not become their last event ID.
    AbortMidEvent,
}

/// One step of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Encode and send a message.
    Send(Msg),
    /// End the connection here, once: the client reconnects, sends the id of
    /// the message just before as `Last-Event-ID`, and the server resumes
    /// after it.
    Cut(Cut),
}

/// A scripted stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    steps: Vec<Step>,
}

/// What a receiver of a script must see, over all its connections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    /// Every event, once, in order.
    pub events: Vec<Record>,
    /// Every `retry` value, in order.
    pub retries: Vec<u64>,
    /// The `Last-Event-ID` header of each connection: `None` for the first
    /// one, then the last event ID at each cut (`None` when it is empty).
    pub resume_ids: Vec<Option<String>>,
    /// The cuts, in order.
    pub cuts: Vec<Cut>,
    /// The distinct event types, `message` first.
    pub event_types: Vec<String>,
}

impl Script {
    /// A script from steps.
    ///
    /// # Panics
    /// If a cut does not directly follow a message with a non-empty id that
    /// no other message has (resuming would then lose or repeat events), or
    /// an `AbortMidEvent` cut is not followed by a message with data.
    pub fn new(steps: Vec<Step>) -> Script {
        for (i, step) in steps.iter().enumerate() {
            let Step::Cut(cut) = step else { continue };
            let before = match i.checked_sub(1).map(|j| &steps[j]) {
                Some(Step::Send(Msg { id: Some(id), .. })) if !id.is_empty() => id,
                _ => panic!("cut {i} must directly follow a message with a non-empty id"),
            };
            let uses = steps
                .iter()
                .filter(|s| matches!(s, Step::Send(m) if m.id.as_ref() == Some(before)))
                .count();
            assert_eq!(uses, 1, "the id {before:?} before cut {i} must be unique");
            if *cut == Cut::AbortMidEvent {
                assert!(
                    matches!(
                        steps.get(i + 1),
                        Some(Step::Send(Msg { data: Some(_), .. }))
                    ),
                    "cut {i} (AbortMidEvent) must be followed by a message with data"
                );
            }
        }
        Script { steps }
    }

    /// The steps.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The step a client resumes at after sending `last_event_id`: just after
    /// the message with that id. A missing, empty or unknown id starts from
    /// the beginning.
    pub fn resume_at(&self, last_event_id: Option<&str>) -> usize {
        let Some(id) = last_event_id.filter(|id| !id.is_empty()) else {
            return 0;
        };
        self.steps
            .iter()
            .position(|step| matches!(step, Step::Send(m) if m.id.as_deref() == Some(id)))
            .map_or(0, |i| i + 1)
    }

    /// The same script without its cuts.
    #[must_use]
    pub fn without_cuts(&self) -> Script {
        let steps = self
            .steps
            .iter()
            .filter(|s| matches!(s, Step::Send(_)))
            .cloned()
            .collect();
        Script { steps }
    }

    /// The whole stream without cuts, as one connection would carry it.
    pub fn encode_all(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for step in &self.steps {
            if let Step::Send(message) = step {
                out.extend_from_slice(&message.encode());
            }
        }
        out
    }

    /// What a receiver must see, from the standard's rules applied to the
    /// fields the encoder was given: `data` line breaks (CR LF, LF, CR) become
    /// LF; an empty or missing type is `message`; the last event ID persists
    /// until an `id` field changes it (an empty one resets it) and is updated
    /// even by a block without data; a block without data dispatches nothing.
    ///
    /// The last event ID also carries over a reconnection, as Chromium and
    /// ssewire's `Decoder::finish` do. (Read literally, the standard gives
    /// each new stream an empty "last event ID buffer", which would make the
    /// first event after a reconnection that has no `id` field report an
    /// empty `lastEventId`.)
    pub fn expected(&self) -> Expected {
        let mut expected = Expected {
            resume_ids: vec![None],
            event_types: vec!["message".to_owned()],
            ..Expected::default()
        };
        let mut last_event_id = String::new();
        for step in &self.steps {
            match step {
                Step::Send(message) => {
                    expected.retries.extend(message.retry);
                    if let Some(id) = &message.id {
                        last_event_id.clone_from(id);
                    }
                    let Some(data) = &message.data else { continue };
                    let event_type = match message.event.as_deref() {
                        None | Some("") => "message",
                        Some(event_type) => event_type,
                    };
                    if !expected.event_types.iter().any(|t| t == event_type) {
                        expected.event_types.push(event_type.to_owned());
                    }
                    let data = data.replace("\r\n", "\n").replace('\r', "\n");
                    expected
                        .events
                        .push(Record::new(event_type, &data, &last_event_id));
                }
                Step::Cut(cut) => {
                    expected.cuts.push(*cut);
                    let id = Some(last_event_id.clone()).filter(|id| !id.is_empty());
                    expected.resume_ids.push(id);
                }
            }
        }
        expected
    }
}

/// The event type that tells receivers the script is over (the test page
/// then calls `es.close()`, the reqwest client stops).
pub const DONE: &str = "done";

/// The hard cases, with one cut of each kind.
pub fn hard_cases() -> Script {
    use Step::{Cut as C, Send as S};
    Script::new(vec![
        S(Msg::default()
            .retry(100)
            .comment("ssewire interop: hard cases")),
        S(Msg::data("plain").id("1")),
        S(Msg::data("LF\nbetween").event("breaks").id("2")),
        S(Msg::data("CR\rbetween").event("breaks")),
        S(Msg::data("CR LF\r\nbetween, and at the end\r\n")
            .event("breaks")
            .id("3")),
        S(Msg::data("mixed\r\n\n\r\r\nend\r").event("breaks").id("4")),
        C(Cut::End),
        // First event of a new connection, without an id field.
        S(Msg::data(" one leading space").event("spaces")),
        S(
            Msg::data("  two leading spaces\n\ttab\n   three, and trailing  ")
                .event("spaces")
                .id("5"),
        ),
        S(Msg::data("").event("empty").id("6")),
        S(Msg::data("\n").event("empty")),
        S(Msg::data("\r\n\r\n").event("empty")),
        S(Msg::default().comment("keep-alive")),
        S(Msg::default().comment("a comment\nof two lines")),
        S(
            Msg::data("héllo wörld ✓ 日本語 🎉 \u{2028} \u{feff}not a BOM here")
                .event("ünïcødé")
                .id("é-7"),
        ),
        C(Cut::Abort),
        S(Msg::data("nul \0 and del \u{7f} inside").id("8")),
        S(Msg::data("data: not a field\n\nid: 99\nevent: forged\nretry: 1").id("9")),
        S(Msg::data("type named message explicitly").event("message")),
        S(Msg::data("an empty type means message").event("")),
        S(Msg::data("a type with a leading space").event(" spaced")),
        // A block with only a type dispatches nothing and resets the type.
        S(Msg::default().event("never-dispatched")),
        S(Msg::data("the type was reset").id("10")),
        // A block with only an id sets the last event ID all the same.
        S(Msg::default().id("11")),
        S(Msg::data("last event id from an id-only block")),
        S(Msg::data("retry inside an event").retry(150).id("12")),
        C(Cut::AbortMidEvent),
        S(Msg::data(big_data()).event("big").id("13")),
        S(Msg::data("an empty id resets the last event ID").id("")),
        S(Msg::data("still reset")),
        S(Msg::data("the id is back").id("14")),
        S(Msg::data("bye").event(DONE).id("15")),
    ])
}

/// About 100 KiB of data with lines of many lengths, mixed line breaks and
/// multi-byte characters, so that transports split it at awkward places.
pub fn big_data() -> String {
    let mut data = String::new();
    let breaks = ["\n", "\r\n", "\r"];
    let mut n = 0usize;
    while data.len() < 100 * 1024 {
        let len = (n * 7919) % 3000;
        for i in 0..len {
            data.push(if (i + n).is_multiple_of(97) {
                'é'
            } else {
                char::from(b'a' + u8::try_from((i + n) % 26).unwrap())
            });
        }
        data.push_str(breaks[n % 3]);
        n += 1;
    }
    data.push_str("end 🎉");
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hard_cases_expectation() {
        let script = hard_cases();
        let expected = script.expected();
        assert_eq!(
            expected.resume_ids,
            [
                None,
                Some("4".into()),
                Some("é-7".into()),
                Some("12".into())
            ]
        );
        assert_eq!(expected.cuts, [Cut::End, Cut::Abort, Cut::AbortMidEvent]);
        assert_eq!(expected.retries, [100, 150]);
        let find = |data: &str| expected.events.iter().find(|e| e.data == data).unwrap();
        assert_eq!(find(" one leading space").last_event_id, "4");
        assert_eq!(find("\n\n").event_type, "empty");
        assert_eq!(find("mixed\n\n\n\nend\n").event_type, "breaks");
        assert_eq!(find("the type was reset").event_type, "message");
        assert_eq!(
            find("last event id from an id-only block").last_event_id,
            "11"
        );
        assert_eq!(find("still reset").last_event_id, "");
        assert_eq!(find("a type with a leading space").event_type, " spaced");
        assert!(
            !expected
                .events
                .iter()
                .any(|e| e.event_type == "never-dispatched")
        );
        assert_eq!(expected.events.last().unwrap().event_type, DONE);
        assert_eq!(script.resume_at(Some("é-7")), 15);
        assert_eq!(script.resume_at(Some("unknown")), 0);
        assert_eq!(script.resume_at(None), 0);
    }

    #[test]
    #[should_panic(expected = "must directly follow")]
    fn a_cut_needs_an_id_before_it() {
        let _ = Script::new(vec![Step::Send(Msg::data("x")), Step::Cut(Cut::End)]);
    }
}
