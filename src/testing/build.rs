//! Drafting a scenario: the generator's choices, read from the source, become
//! lines that each know what they mean.

use alloc::string::String;
use alloc::vec::Vec;

use super::model::{Ending, Line, Meaning};
use super::rules::Rule;
use super::source::{NUL, Source, Value, value};
use crate::Limits;

/// What comes before the first line.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Prefix {
    None,
    /// One BOM, which the decode drops (R2).
    Bom,
    /// Bytes that are not one BOM: they start the first line, which is then
    /// an unknown field.
    Garbage(&'static [u8]),
}

impl Prefix {
    pub(super) fn bytes(self) -> &'static [u8] {
        match self {
            Prefix::None => b"",
            Prefix::Bom => b"\xEF\xBB\xBF",
            Prefix::Garbage(bytes) => bytes,
        }
    }
}

/// Everything chosen before the stream is laid out.
pub(super) struct Draft {
    pub(super) limits: Limits,
    pub(super) comments: bool,
    pub(super) prefix: Prefix,
    pub(super) lines: Vec<Line>,
    pub(super) rules: Vec<Rule>,
}

/// Names that are not one of the four fields (R9).
const UNKNOWN_NAMES: &[&str] = &[
    "Data",
    "DATA",
    "data ",
    "datax",
    "eventx",
    "Id",
    "ID",
    "retry2",
    "\u{feff}data",
    "x",
    "idd",
];

pub(super) fn draft(source: &mut Source<'_>) -> Draft {
    let limits = match source.below(8) {
        0..=4 => Limits::default(),
        5 => Limits::unlimited(),
        _ => Limits::default()
            .max_line_len(Some(6 + source.below(40)))
            .max_event_len((!source.chance(40)).then(|| source.below(64))),
    };
    let comments = source.chance(128);
    let prefix = match source.below(10) {
        0..=5 => Prefix::None,
        6 | 7 => Prefix::Bom,
        8 => Prefix::Garbage(b"\xEF\xBB\xBF\xEF\xBB\xBF"),
        _ => [
            Prefix::Garbage(b"\xEF\xBB"),
            Prefix::Garbage(b"\xEF"),
            Prefix::Garbage(b"\xBB\xBF"),
        ][source.below(3)],
    };
    let mut drafter = Drafter {
        source,
        limits,
        lines: Vec::new(),
        rules: Vec::new(),
        data_len: None,
        no_prefix: prefix == Prefix::None,
    };
    if let Prefix::Garbage(_) = prefix {
        // The prefix's bytes are the start of the first line's name.
        let name = UNKNOWN_NAMES[drafter.source.below(UNKNOWN_NAMES.len())];
        drafter.field(name, Meaning::Unknown, &Value::default());
        drafter.rules.push(Rule::R9);
    }
    drafter.blocks();
    let rules = drafter.rules;
    Draft {
        limits,
        comments,
        prefix,
        lines: drafter.lines,
        rules,
    }
}

struct Drafter<'s, 'b> {
    source: &'s mut Source<'b>,
    limits: Limits,
    lines: Vec<Line>,
    rules: Vec<Rule>,
    /// Length of the block's data so far, joined by LF, if it has any.
    data_len: Option<usize>,
    /// The stream has no prefix: a U+FEFF starting it would be a BOM.
    no_prefix: bool,
}

impl Drafter<'_, '_> {
    fn blocks(&mut self) {
        for _ in 0..48 {
            if self.source.below(12) == 0 {
                break;
            }
            let lines = self.source.below(7);
            for _ in 0..lines {
                self.line();
            }
            // A stream may stop inside its last block: the end discards it (R4).
            if self.source.below(40) == 39 {
                if self.source.chance(128) {
                    if let Some(last) = self.lines.last_mut() {
                        last.ending = None;
                    }
                }
                return;
            }
            self.blank();
            if self.source.below(10) == 0 {
                self.blank();
            }
        }
    }

    fn blank(&mut self) {
        self.data_len = None;
        self.push(Vec::new(), Meaning::Blank);
    }

    fn line(&mut self) {
        let small = self.limits.max_line_len.is_some_and(|cap| cap < 64);
        match self.source.below(20) {
            0..=5 => {
                let value = value(self.source, 4, false);
                self.data(&value);
            }
            6 if small => self.near_line_limit(),
            7 if small => self.near_event_limit(),
            6..=8 => {
                let value = value(self.source, 3, false);
                self.field_value("event", &value, Meaning::Event);
            }
            9 | 10 => {
                let value = value(self.source, 3, true);
                self.field_value("id", &value, |v| Meaning::Id(Some(v)));
            }
            11 => {
                let mut id = value(self.source, 2, true);
                id.push(NUL);
                let tail = value(self.source, 2, false);
                id.bytes.extend_from_slice(&tail.bytes);
                self.rules.push(Rule::R10cNul);
                self.field_value("id", &id, |_| Meaning::Id(None));
            }
            12 | 13 => self.retry(),
            14 | 15 => {
                let value = value(self.source, 3, false);
                let spaced = self.source.chance(128);
                let mut bytes = Vec::from(&b":"[..]);
                if spaced {
                    bytes.push(b' ');
                }
                bytes.extend_from_slice(&value.bytes);
                let text = if spaced {
                    value
                } else {
                    value.strip_one_space()
                };
                self.rules.push(Rule::R6);
                self.push(bytes, Meaning::Comment(text.text));
            }
            _ => {
                let mut name = UNKNOWN_NAMES[self.source.below(UNKNOWN_NAMES.len())];
                if self.no_prefix && self.lines.is_empty() && name.starts_with('\u{feff}') {
                    name = "Data";
                }
                let value = value(self.source, 2, false);
                self.rules.push(Rule::R9);
                self.field(name, Meaning::Unknown, &value);
            }
        }
    }

    fn data(&mut self, value: &Value) {
        let before = self.lines.len();
        self.field_value("data", value, Meaning::Data);
        if let Some(Line {
            meaning: Meaning::Data(text),
            ..
        }) = self.lines.get(before)
        {
            let len = text.len();
            self.data_len = Some(self.data_len.map_or(len, |held| held + 1 + len));
        }
    }

    /// A field whose meaning depends on its value, written in one of the
    /// ways R7 and R8 allow; `meaning` gets the value as the receiver reads it.
    fn field_value(&mut self, name: &str, value: &Value, meaning: impl FnOnce(String) -> Meaning) {
        let read = self.spell(value);
        let text = match read {
            Spelling::Space => value.text.clone(),
            Spelling::NoSpace => value.strip_one_space().text,
            Spelling::Bare => String::new(),
        };
        self.field_spelled(name, value, read, meaning(text));
    }

    /// A field whose meaning does not depend on its value.
    fn field(&mut self, name: &str, meaning: Meaning, value: &Value) {
        let read = self.spell(value);
        self.field_spelled(name, value, read, meaning);
    }

    fn spell(&mut self, value: &Value) -> Spelling {
        match self.source.below(4) {
            0 | 1 => Spelling::Space,
            2 => Spelling::NoSpace,
            _ if value.bytes.is_empty() => Spelling::Bare,
            _ => Spelling::NoSpace,
        }
    }

    fn field_spelled(&mut self, name: &str, value: &Value, spelling: Spelling, meaning: Meaning) {
        let mut bytes = Vec::from(name.as_bytes());
        let at = match spelling {
            Spelling::Space => {
                bytes.extend_from_slice(b": ");
                self.rules.push(Rule::R7);
                Some(bytes.len())
            }
            Spelling::NoSpace => {
                bytes.push(b':');
                self.rules.push(if value.bytes.first() == Some(&b' ') {
                    Rule::R7NoSpaceValueWithSpace
                } else {
                    Rule::R7
                });
                Some(bytes.len())
            }
            Spelling::Bare => {
                self.rules.push(Rule::R8);
                None
            }
        };
        if value.invalid {
            self.rules.push(Rule::R1);
        }
        let mut inside = Vec::new();
        if let Some(at) = at {
            bytes.extend_from_slice(&value.bytes);
            inside.extend(value.inside_chars.iter().map(|i| at + i));
        }
        self.push(bytes, meaning);
        if let Some(line) = self.lines.last_mut() {
            line.inside_chars = inside;
        }
    }

    fn retry(&mut self) {
        let digits = |source: &mut Source<'_>, n: usize| -> String {
            (0..n)
                .map(|_| char::from(b'0' + u8::try_from(source.below(10)).unwrap_or(0)))
                .collect()
        };
        let (text, meaning) = match self.source.below(10) {
            0 | 1 => {
                let count = 1 + self.source.below(5);
                let text = digits(self.source, count);
                let millis = text.parse().ok();
                (text, millis)
            }
            2 => (String::from("007"), Some(7)),
            3 => (String::from("18446744073709551615"), Some(u64::MAX)),
            4 => (String::from("18446744073709551616"), None),
            5 => (digits(self.source, 25), None),
            6 => (String::from(" 10"), None),
            7 => (String::from("-1"), None),
            8 => (String::from("1e3"), None),
            _ => (
                String::from(["10ms", "+5", "1 0", ""][self.source.below(4)]),
                None,
            ),
        };
        let value = Value::ascii(&text);
        let before = self.lines.len();
        self.field_value("retry", &value, |read| {
            // The spelling may have taken a leading space off: read again.
            Meaning::Retry(retry_value(&read))
        });
        let rule = match self.lines.get(before).map(|line| &line.meaning) {
            Some(Meaning::Retry(Some(_))) => Rule::R10d,
            _ if meaning.is_none()
                && text.len() >= 20
                && text.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Rule::C1
            }
            _ => Rule::R10dIgnored,
        };
        self.rules.push(rule);
    }

    /// A `data` line one byte under, at, or over the line limit.
    fn near_line_limit(&mut self) {
        let cap = self.limits.max_line_len.unwrap_or(usize::MAX);
        let target = (cap + self.source.below(3)).saturating_sub(1);
        let mut value = value(self.source, 2, false);
        value.pad_to(target.saturating_sub(6));
        self.rules.push(Rule::C2Line);
        let line = [&b"data: "[..], &value.bytes].concat();
        let len = value.text.len();
        self.data_len = Some(self.data_len.map_or(len, |held| held + 1 + len));
        self.push(line, Meaning::Data(value.text));
    }

    /// A `data` line that brings the event's data one byte under, to, or
    /// over the event limit.
    fn near_event_limit(&mut self) {
        let Some(cap) = self.limits.max_event_len else {
            return self.near_line_limit();
        };
        let held = self.data_len.map_or(0, |len| len + 1);
        let target = (cap + self.source.below(3))
            .saturating_sub(1)
            .saturating_sub(held);
        let mut value = Value::ascii("");
        value.pad_to(target);
        self.rules.push(Rule::C2Event);
        self.data(&value);
    }

    fn push(&mut self, bytes: Vec<u8>, meaning: Meaning) {
        let ending = match self.source.below(4) {
            0 | 1 => Ending::Lf,
            2 => Ending::Cr,
            _ => Ending::CrLf,
        };
        // A blank line ended by LF right after a CR would make one CR LF
        // ending with it, and lose the blank line.
        let after_cr = self
            .lines
            .last()
            .is_some_and(|l| l.ending == Some(Ending::Cr));
        let ending = if after_cr && bytes.is_empty() && ending == Ending::Lf {
            Ending::CrLf
        } else {
            ending
        };
        self.lines.push(Line {
            bytes,
            ending: Some(ending),
            meaning,
            inside_chars: Vec::new(),
        });
    }
}

#[derive(Clone, Copy)]
enum Spelling {
    /// `name: value`
    Space,
    /// `name:value`, which loses the value's own leading space, if any.
    NoSpace,
    /// `name`, for an empty value.
    Bare,
}

/// R10d: ASCII digits only, read as a base-ten integer; too large for `u64`
/// is ignored (C1).
fn retry_value(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}
