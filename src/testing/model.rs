//! The scenario's model: lines that know what they mean, and the outcome of
//! the standard's dispatch rules applied to those meanings (R5, R10, R11),
//! with ssewire's limits (C2) and end-of-stream report (C5).
//!
//! Nothing here reads the stream's bytes to find out what a line is: the
//! generator decided that when it wrote the line. Only line lengths, for the
//! line limit, are measured on the bytes.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use super::Outcome;
use super::rules::Rule;
use crate::{DecodeError, Event, Finish, OwnedDecoded};

/// How a line ends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Ending {
    Lf,
    Cr,
    CrLf,
}

impl Ending {
    pub(super) fn bytes(self) -> &'static [u8] {
        match self {
            Ending::Lf => b"\n",
            Ending::Cr => b"\r",
            Ending::CrLf => b"\r\n",
        }
    }
}

/// What a line means to a receiver, decided when it was generated.
#[derive(Clone, Debug)]
pub(super) enum Meaning {
    /// An empty line: dispatch (R5, R11).
    Blank,
    /// `data` with this value, as read (R10b).
    Data(String),
    /// `event` with this value (R10a).
    Event(String),
    /// `id`: `Some(value)` sets the buffer, `None` is ignored for its NUL
    /// (R10c).
    Id(Option<String>),
    /// `retry`: `Some(ms)` sets the reconnection time, `None` is ignored
    /// (R10d, C1).
    Retry(Option<u64>),
    /// A comment with this text, as reported on request (R6, C4).
    Comment(String),
    /// A field with an unknown name (R9).
    Unknown,
}

/// One generated line.
#[derive(Clone, Debug)]
pub(super) struct Line {
    /// The line without its ending.
    pub(super) bytes: Vec<u8>,
    /// `None` for a last line cut off by the end of the stream.
    pub(super) ending: Option<Ending>,
    pub(super) meaning: Meaning,
    /// Offsets in `bytes` inside a multi-byte character.
    pub(super) inside_chars: Vec<usize>,
}

/// Settings the outcome depends on.
#[derive(Clone, Copy)]
pub(super) struct Settings {
    pub(super) max_line: usize,
    pub(super) max_event: usize,
    pub(super) comments: bool,
    /// Bytes of the first line that precede it on the wire and count in its
    /// length (a prefix that is not one BOM).
    pub(super) first_line_extra: usize,
}

/// The interpretation's result: the outcome, the end-of-stream report, the
/// data lines of each dispatched event with the endings they had (for
/// [`super::Scenario::messages`]), and rules reached.
#[derive(Clone)]
pub(super) struct Interpreted {
    pub(super) outcome: Outcome,
    pub(super) finish: Finish,
    pub(super) data_lines: Vec<Vec<(String, Ending)>>,
    pub(super) rules: Vec<Rule>,
}

/// The block being built: the standard's buffers plus whether its `id`
/// was its own.
#[derive(Default)]
struct Block {
    data: Option<String>,
    lines: Vec<(String, Ending)>,
    event_type: String,
    pending_id: Option<String>,
}

pub(super) fn interpret(lines: &[Line], settings: Settings) -> Interpreted {
    let mut reader = Reader {
        settings,
        out: Interpreted {
            outcome: Outcome::default(),
            finish: Finish::Clean,
            data_lines: Vec::new(),
            rules: Vec::new(),
        },
        block: Block::default(),
        skipping: false,
    };
    let mut cut_line = false;
    for (index, line) in lines.iter().enumerate() {
        let extra = if index == 0 {
            settings.first_line_extra
        } else {
            0
        };
        let len = line.bytes.len() + extra;
        let Some(ending) = line.ending else {
            // The end of the stream cut this line: it is no line (R4), but
            // a line already over the limit is reported (C2).
            if len > 0 {
                cut_line = true;
                reader.out.rules.push(Rule::R4);
                if !reader.skipping && len > settings.max_line {
                    reader.fail(DecodeError::LineTooLong {
                        limit: settings.max_line,
                    });
                }
            }
            break;
        };
        if reader.skipping {
            // C2: the rest of a block with a limit error is skipped, up to
            // and including its empty line.
            reader.skipping = !matches!(line.meaning, Meaning::Blank);
        } else if len > settings.max_line {
            reader.fail(DecodeError::LineTooLong {
                limit: settings.max_line,
            });
        } else {
            reader.line(&line.meaning, ending);
        }
    }
    let Reader {
        mut out,
        block,
        skipping,
        ..
    } = reader;
    let in_event =
        block.data.is_some() || block.pending_id.is_some() || !block.event_type.is_empty();
    if in_event {
        out.rules.push(Rule::R4);
    }
    if cut_line || skipping || in_event {
        out.rules.push(Rule::C5);
        out.finish = Finish::Truncated;
    }
    out
}

/// The standard's interpretation of one line after another.
struct Reader {
    settings: Settings,
    out: Interpreted,
    block: Block,
    /// After a limit error, up to the next empty line (C2).
    skipping: bool,
}

impl Reader {
    /// C2: the error is reported, the block discarded and skipped.
    fn fail(&mut self, error: DecodeError) {
        self.out.outcome.items.push(OwnedDecoded::Error(error));
        self.out.rules.push(Rule::C2);
        self.skipping = true;
        self.block = Block::default();
    }

    fn line(&mut self, meaning: &Meaning, ending: Ending) {
        let out = &mut self.out;
        match meaning {
            Meaning::Blank => dispatch(&mut self.block, out),
            Meaning::Data(value) => {
                let block = &mut self.block;
                let len = block
                    .data
                    .as_ref()
                    .map_or(value.len(), |data| data.len() + 1 + value.len());
                if len > self.settings.max_event {
                    self.fail(DecodeError::EventTooLarge {
                        limit: self.settings.max_event,
                    });
                    return;
                }
                out.rules.push(Rule::R10b);
                match &mut block.data {
                    Some(data) => {
                        data.push('\n');
                        data.push_str(value);
                    }
                    None => block.data = Some(value.clone()),
                }
                block.lines.push((value.clone(), ending));
            }
            Meaning::Event(value) => {
                out.rules.push(Rule::R10a);
                self.block.event_type.clone_from(value);
            }
            Meaning::Id(Some(value)) => {
                out.rules.push(Rule::R10c);
                self.block.pending_id = Some(value.clone());
            }
            Meaning::Retry(Some(millis)) => {
                // R10d: at once, not at dispatch.
                let time = Duration::from_millis(*millis);
                out.outcome.retry = Some(time);
                out.outcome.items.push(OwnedDecoded::Retry(time));
            }
            Meaning::Comment(text) if self.settings.comments => {
                out.rules.push(Rule::C4);
                out.outcome.items.push(OwnedDecoded::Comment(text.clone()));
            }
            Meaning::Id(None) | Meaning::Unknown | Meaning::Retry(None) | Meaning::Comment(_) => {}
        }
    }
}

/// R11 on an empty line.
fn dispatch(block: &mut Block, out: &mut Interpreted) {
    let taken = core::mem::take(block);
    // R11a: the last event ID becomes the buffer, event or not.
    let own_id = taken.pending_id.is_some();
    if let Some(id) = taken.pending_id {
        out.outcome.last_event_id = id;
    }
    out.rules.push(Rule::R11a);
    // R11b: no data, no event; the type is forgotten.
    let Some(data) = taken.data else {
        if !taken.event_type.is_empty() || own_id {
            out.rules.push(Rule::R11b);
        }
        out.rules.push(Rule::R5);
        return;
    };
    // R11c: `data` was kept without its last LF. R11d: the default type.
    let own_type = !taken.event_type.is_empty();
    let event_type = if own_type {
        taken.event_type.as_str()
    } else {
        out.rules.push(Rule::R11d);
        "message"
    };
    if taken.lines.len() > 1 || data.is_empty() {
        out.rules.push(Rule::R11c);
    }
    out.rules.push(Rule::R11e);
    let last_event_id = &out.outcome.last_event_id;
    let event = Event::new(event_type, &data, last_event_id).with_own_fields(own_type, own_id);
    out.outcome
        .items
        .push(OwnedDecoded::Event(event.into_owned()));
    out.data_lines.push(taken.lines);
}
