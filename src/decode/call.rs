//! What one call knows of its input: the values a block took from it, as
//! ranges not yet validated ([`InCall`]), what of it is known to be text
//! ([`Known`]: nothing more for a lone `decode` call, [`Ahead`] for
//! `try_feed`), and the values handed out as text ([`Texts`]).

use core::ops::Range;

use crate::event::SharedText;
use crate::proven::valid_prefix;

/// The fields a block took from the current call's input, as ranges into
/// it, not yet validated.
///
/// Validating each value as it is read costs more in calls than in bytes, so
/// the blank line that dispatches the event validates all of them in one
/// pass over the stretch of input that holds them ([`InCall::texts`]).
/// Before the call returns mid-event, the decoder copies them into its own
/// buffers (`Block::keep`).
pub(super) struct InCall<K> {
    pub(super) data: Option<Range<usize>>,
    pub(super) event_type: Option<Range<usize>>,
    pub(super) id: Option<Range<usize>>,
    /// Where the first recorded value starts and the last one ends: lines are
    /// read in order, so the input between holds every one.
    span: Option<Range<usize>>,
    /// What of the input is known to be text already.
    known: K,
}

/// Which field of a block a value is recorded for.
#[derive(Clone, Copy)]
pub(super) enum Field {
    Data,
    EventType,
    Id,
}

impl<K> InCall<K> {
    /// A block's values in a call, with what is known of its input.
    #[inline]
    pub(super) fn new(known: K) -> InCall<K> {
        InCall {
            data: None,
            event_type: None,
            id: None,
            span: None,
            known,
        }
    }

    /// Whether no value was recorded (a long line arriving in pieces, say).
    #[inline]
    pub(super) fn is_empty(&self) -> bool {
        self.span.is_none()
    }

    /// Records where `field`'s value lies in the input, replacing an earlier
    /// value of the same field.
    #[inline]
    pub(super) fn record(&mut self, field: Field, at: Range<usize>) {
        match &mut self.span {
            Some(span) => span.end = at.end,
            None => self.span = Some(at.clone()),
        }
        let slot = match field {
            Field::Data => &mut self.data,
            Field::EventType => &mut self.event_type,
            Field::Id => &mut self.id,
        };
        *slot = Some(at);
    }

    /// Forgets the recorded span, once its values have been taken.
    #[inline]
    pub(super) fn forget_span(&mut self) {
        self.span = None;
    }

    /// Validates the recorded span once; the result hands out each value as
    /// text, or `None` for a value that is not valid UTF-8. Forgets the span.
    #[inline(always)]
    pub(super) fn texts<'i>(&mut self, input: &'i [u8]) -> Texts<'i>
    where
        K: Known<'i>,
    {
        let known = &mut self.known;
        // A short event whose data lies in the input is likely followed by
        // more like it. Data joined in the buffer is validated there, and a
        // long event costs little per byte in calls.
        let further = self.data.is_some()
            && self
                .span
                .as_ref()
                .is_some_and(|span| span.len() <= AHEAD / 8);
        let span = self.span.take().and_then(|span| {
            let text = match known.text(&span, further) {
                Some(text) => text,
                None => crate::proven::text(input.get(span.clone())?)?,
            };
            Some((span.start, text))
        });
        Texts { input, span }
    }
}

/// What of a call's input is known to be text before its values are read.
pub(super) trait Known<'i> {
    /// The value at `span` of the call's input as text, if known or found
    /// valid along with what follows (if `further`); `None` leaves the value
    /// to be validated alone.
    fn text(&mut self, span: &Range<usize>, further: bool) -> Option<&'i str>;

    /// The first CR or LF of `haystack`: searched as suits the caller's loop
    /// (`try_feed`'s inlines the search).
    #[inline(always)]
    fn find_line_end(haystack: &[u8]) -> Option<usize> {
        crate::scan::find_line_end(haystack)
    }
}

/// A lone [`Decoder::decode`](super::Decoder::decode) call: nothing is
/// validated beyond the event it hands out.
pub(super) struct Unknown;

impl<'i> Known<'i> for Unknown {
    #[inline(always)]
    fn text(&mut self, _: &Range<usize>, _: bool) -> Option<&'i str> {
        None
    }
}

/// The input of [`Decoder::try_feed`](super::Decoder::try_feed), validated
/// ahead of the call that needs it: its events are each a few short values,
/// and a `from_utf8` call costs more per call than per byte, so one call
/// validates what many `decode` steps would each have validated.
pub(super) struct Ahead<'i> {
    whole: &'i [u8],
    /// Where the current step's input starts in `whole`.
    pub(super) base: usize,
    /// `text` is `whole[at..]` as far as it was found valid.
    at: usize,
    text: &'i str,
    /// `text`, with what the owned events in it may share.
    shared: Option<SharedText<'i>>,
    /// Whether events are being kept, so that the next stretch is worth
    /// copying for them to share: most of the last stretch's were, or
    /// (before the first) of the decoder's last call.
    keeping: bool,
}

/// How far past an event [`Ahead`] validates: far enough that the call
/// costs little per event, near enough that little is validated for nothing
/// when the events change shape.
const AHEAD: usize = 4096;

/// A stretch at least this long may be copied for the owned events in it
/// to share ([`SharedText`]); a shorter one holds few events, and a copy of
/// their own costs about as much.
const SHARE_MIN: usize = 256;

impl<'i> Ahead<'i> {
    /// Validates `whole` ahead; `keeping` if the decoder's last call had
    /// events kept.
    pub(super) fn new(whole: &'i [u8], keeping: bool) -> Ahead<'i> {
        Ahead {
            whole,
            base: 0,
            at: 0,
            text: "",
            shared: None,
            keeping,
        }
    }

    /// The last stretch, for the owned events that lie in it.
    #[inline]
    pub(super) fn shared(&self) -> Option<&SharedText<'i>> {
        self.shared.as_ref()
    }

    /// Whether events are being kept, for the decoder's next call.
    #[inline]
    pub(super) fn keeping(&self) -> bool {
        self.shared
            .as_ref()
            .map_or(self.keeping, SharedText::mostly_kept)
    }
}

impl<'i> Known<'i> for &mut Ahead<'i> {
    /// A value in the last stretch is taken from it. One past it starts the
    /// next stretch, the value and [`AHEAD`] bytes more, if `further` and at
    /// least [`SHARE_MIN`] bytes are left; otherwise, or across an invalid
    /// sequence, `None`.
    #[inline]
    fn text(&mut self, span: &Range<usize>, further: bool) -> Option<&'i str> {
        let (start, end) = (self.base + span.start, self.base + span.end);
        // Values come in input order, so each stretch is validated once: a
        // new one starts past the end of the last.
        if start >= self.at + self.text.len() {
            if !further {
                return None;
            }
            let rest = self.whole.get(start..)?;
            // Little input left (a small chunk, or a chunk's end): a value
            // validated alone costs less than a stretch that holds few.
            if rest.len() < SHARE_MIN {
                return None;
            }
            let stretch = rest.get(..span.len() + AHEAD).unwrap_or(rest);
            self.at = start;
            // A stretch cut inside a char ends before it, as before an
            // invalid byte.
            self.text = valid_prefix(stretch);
            let keeping = self.keeping();
            self.keeping = keeping;
            self.shared =
                (self.text.len() >= SHARE_MIN).then(|| SharedText::new(self.text, keeping));
        }
        let text = self.text.get(start.checked_sub(self.at)?..end - self.at)?;
        if let Some(shared) = &mut self.shared {
            shared.note_served();
        }
        Some(text)
    }

    #[inline(always)]
    fn find_line_end(haystack: &[u8]) -> Option<usize> {
        crate::scan::find_line_end_inlined(haystack)
    }
}

/// Field values of the input as text, from [`InCall::texts`].
pub(super) struct Texts<'i> {
    input: &'i [u8],
    /// The validated span and where it starts, if it was all valid.
    span: Option<(usize, &'i str)>,
}

impl<'i> Texts<'i> {
    /// The value at `at` as text, if it is valid UTF-8.
    #[inline]
    pub(super) fn get(&self, at: &Range<usize>) -> Option<&'i str> {
        // Values start after a colon or its space and end before a line
        // break, all ASCII: in valid text those are char boundaries.
        match self.span {
            Some((from, text)) => text.get(at.start - from..at.end - from),
            None => crate::proven::text(self.input.get(at.clone())?),
        }
    }

    /// The value's raw bytes.
    #[inline]
    pub(super) fn bytes(&self, at: &Range<usize>) -> &'i [u8] {
        &self.input[at.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::{Ahead, Known};

    /// Values are handed out from one validated stretch while they lie in
    /// it, by their place in the step's input; one across an invalid byte
    /// is left to the caller.
    #[test]
    fn ahead_hands_out_values_from_one_stretch() {
        let events = b"data: a\n\ndata: b\n\ndata: c\xFF\n\ndata: d\n\n";
        // A comment after them, so that a stretch is worth validating.
        let mut input = events.to_vec();
        input.extend_from_slice(&[b':'; super::SHARE_MIN]);
        // With too little input left, nothing is validated ahead.
        assert_eq!((&mut Ahead::new(events, false)).text(&(6..7), true), None);
        let mut ahead = Ahead::new(&input, false);
        let mut known = &mut ahead;
        assert_eq!(known.text(&(6..7), true), Some("a"));
        // Valid from the value up to the byte 0xFF, at 25.
        assert_eq!((known.at, known.text.len()), (6, 25 - 6));
        known.base = 9;
        assert_eq!(known.text(&(6..7), true), Some("b"));
        assert_eq!(known.at, 6);
        known.base = 18;
        assert_eq!(known.text(&(6..8), true), None);
        // Past the stretch and not to validate further: left to the caller.
        known.base = 28;
        assert_eq!(known.text(&(6..7), false), None);
        assert_eq!(known.at, 6);
        assert_eq!(known.text(&(6..7), true), Some("d"));
        assert_eq!(known.at, 34);
    }
}
