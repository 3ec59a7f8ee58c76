//! The loop that drives the pipeline: one `decode` call, from bytes to the
//! item it hands out (see the guide in `mod.rs`).

use core::time::Duration;

use super::Decoder;
use super::block::Borrowed;
use super::call::{InCall, Known};
use super::rules::{self, LineKind};
use super::store::Value;
use crate::error::DecodeError;
use crate::event::{Decoded, Event, SharedText};

/// What the previous call handed out, borrowed from the decoder's buffers:
/// they are cleared at the start of the next call, not before.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Lent {
    Nothing,
    /// An event, from the block's buffers and the line buffer.
    Event,
    /// A comment, from the line buffer.
    Comment,
}

/// What a `decode` call found, decided before any borrow is handed out.
#[derive(Clone, Copy)]
pub(super) enum Emit<'i> {
    Nothing,
    Event(Borrowed<'i>),
    Retry(u64),
    CommentInInput(&'i str),
    /// A comment held in the line buffer, from this offset.
    CommentInLine(usize),
    Error(DecodeError),
}

impl Decoder {
    /// Clears what the previous call lent out.
    #[inline]
    pub(super) fn release_previous(&mut self) {
        match core::mem::replace(&mut self.lent, Lent::Nothing) {
            Lent::Nothing => {}
            Lent::Event => {
                self.block.clear_event();
                self.line.release();
            }
            Lent::Comment => self.line.release(),
        }
    }

    /// Runs the pipeline over `input` until there is something to report or
    /// the input is used up. All mutation happens here, so that
    /// [`Decoder::assemble`] can lend out borrows.
    ///
    /// `known` is what of `input` is known to be text: more than nothing
    /// when this is one of many calls over one input ([`Decoder::try_feed`]).
    // Inlined into both callers: out of line, each event pays for the call.
    #[inline(always)]
    pub(super) fn step<'i, K: Known<'i>>(
        &mut self,
        input: &'i [u8],
        known: K,
    ) -> (Emit<'i>, usize) {
        let Some(mut pos) = self.lines.begin(input, &mut self.line) else {
            return (Emit::Nothing, input.len());
        };
        let mut call = InCall::new(known);
        loop {
            let Some((line, next)) = self.lines.next_line::<K>(input, pos) else {
                return (self.end_of_input(&mut call, input, pos), input.len());
            };
            pos = next;
            if self.lines.skipping() {
                self.lines.skip_line(line.is_empty());
                continue;
            }
            let emit = if self.line.is_cut() {
                self.interpret_cut_line(&mut call, input, &input[line])
            } else if line.len() > self.caps.line {
                Emit::Error(DecodeError::LineTooLong {
                    limit: self.caps.line,
                })
            } else {
                // A blank line, one in every event, needs no classifying.
                let (kind, at) = if line.is_empty() {
                    (LineKind::Blank, 0)
                } else {
                    rules::classify(&input[line.clone()])
                };
                self.interpret(
                    &mut call,
                    input,
                    kind,
                    Value::Input(line.start + at..line.end),
                )
            };
            match emit {
                Emit::Nothing => {}
                Emit::Error(_) => {
                    self.block.discard();
                    self.lines.skip_block(&mut self.line);
                    return (emit, pos);
                }
                Emit::Retry(_) | Emit::CommentInInput(_) | Emit::CommentInLine(_) => {
                    self.block.keep(&mut call, input, self.caps);
                    return (emit, pos);
                }
                Emit::Event(_) => return (emit, pos),
            }
        }
    }

    /// What one line means: the rule for its kind, applied to its value.
    #[inline(always)]
    fn interpret<'i, K: Known<'i>>(
        &mut self,
        call: &mut InCall<K>,
        input: &'i [u8],
        kind: LineKind,
        value: Value<'_>,
    ) -> Emit<'i> {
        match kind {
            LineKind::Blank => match self.block.dispatch(call, input, self.caps) {
                Some(borrowed) => {
                    self.lent = Lent::Event;
                    Emit::Event(borrowed)
                }
                None => Emit::Nothing,
            },
            LineKind::Data => match self.block.data(call, input, value, self.caps) {
                Ok(()) => Emit::Nothing,
                Err(error) => Emit::Error(error),
            },
            LineKind::Event => {
                self.block.event_type(call, value);
                Emit::Nothing
            }
            LineKind::Id => {
                self.block.id(call, input, value);
                Emit::Nothing
            }
            // R10d: `retry` takes effect at once, not at dispatch.
            LineKind::Retry => match rules::retry_millis(value.bytes(input)) {
                Some(millis) => {
                    self.retry = Some(millis);
                    Emit::Retry(millis)
                }
                None => Emit::Nothing,
            },
            LineKind::Comment if self.comments => {
                let emit = match value {
                    Value::Input(at) => match crate::proven::text(&input[at.clone()]) {
                        Some(text) => return Emit::CommentInInput(text),
                        None => {
                            self.line.lend_decoded(&input[at]);
                            Emit::CommentInLine(0)
                        }
                    },
                    Value::Cut { at, .. } => Emit::CommentInLine(at),
                };
                self.lent = Lent::Comment;
                emit
            }
            LineKind::Comment | LineKind::Other => Emit::Nothing,
        }
    }

    /// A line whose start was kept from an earlier chunk, ended by `tail`.
    fn interpret_cut_line<'i, K: Known<'i>>(
        &mut self,
        call: &mut InCall<K>,
        input: &'i [u8],
        tail: &[u8],
    ) -> Emit<'i> {
        let mut line = match self.line.complete(tail, self.caps.line) {
            Ok(line) => line,
            Err(error) => return Emit::Error(error),
        };
        let (kind, at) = rules::classify(&line);
        let emit = self.interpret(
            call,
            input,
            kind,
            Value::Cut {
                line: &mut line,
                at,
            },
        );
        self.line.give_back(line, self.lent == Lent::Comment);
        emit
    }

    /// The input ended: keep the values found so far and the start of a
    /// cut line for the next call.
    #[inline]
    fn end_of_input<'i, K>(&mut self, call: &mut InCall<K>, input: &[u8], pos: usize) -> Emit<'i> {
        let rest = &input[pos..];
        if rest.is_empty() {
            self.block.keep(call, input, self.caps);
            return Emit::Nothing;
        }
        match self
            .lines
            .keep_partial(&mut self.line, rest, self.caps.line)
        {
            Ok(()) => {
                self.block.keep(call, input, self.caps);
                Emit::Nothing
            }
            Err(error) => {
                self.block.discard();
                Emit::Error(error)
            }
        }
    }

    /// Turns what [`Decoder::step`] decided into borrowed output.
    #[inline(always)]
    pub(super) fn assemble<'a>(
        &'a mut self,
        emit: Emit<'a>,
        shared: Option<&'a SharedText<'a>>,
    ) -> Option<Decoded<'a>> {
        match emit {
            Emit::Nothing => None,
            Emit::Retry(millis) => Some(Decoded::Retry(Duration::from_millis(millis))),
            Emit::Error(error) => Some(Decoded::Error(error)),
            Emit::CommentInInput(comment) => Some(Decoded::Comment(comment)),
            Emit::CommentInLine(at) => Some(Decoded::Comment(self.line.lent_comment(at))),
            Emit::Event(borrowed) => {
                let Decoder { block, line, .. } = self;
                let mut event: Event<'a> = block.event(borrowed, line.scratch());
                event.shared = shared;
                Some(Decoded::Event(event))
            }
        }
    }
}
