//! The event being built: the standard's data buffer, event type buffer and
//! last event ID buffer, what each field line does to them, and dispatch at
//! the blank line (`docs/SPEC.md`, R10a to R10c and R11).
//!
//! Each rule is written once, over a [`Value`] that may lie in the input or
//! in the line buffer; `store.rs` decides where the bytes go.

use alloc::string::String;
use alloc::vec::Vec;

use super::Caps;
use super::call::{Field, InCall, Known};
use super::rules;
use super::store::{Data, Ids, Value};
use super::utf8::{max_decoded_len, push_lossy, set_lossy};
use crate::error::DecodeError;
use crate::event::Event;

/// The block's buffers, as they persist from one call to the next.
#[derive(Clone, Default)]
pub(super) struct Block {
    pub(super) data: Data,
    pub(super) event_type: String,
    pub(super) ids: Ids,
}

/// The dispatched event's values that lie in the input, validated (invalid
/// ones were decoded into the block's buffers instead).
#[derive(Clone, Copy)]
pub(super) struct Borrowed<'i> {
    data: Option<&'i str>,
    event_type: Option<&'i str>,
    /// The block had its own `id` (committed at its blank line).
    own_id: bool,
}

impl Block {
    /// `data`: appends the value, then a LF, to the data buffer (the last LF
    /// is dropped at dispatch). Past the event limit, the event is lost.
    #[inline]
    pub(super) fn data<K>(
        &mut self,
        call: &mut InCall<K>,
        input: &[u8],
        value: Value<'_>,
        caps: Caps,
    ) -> Result<(), DecodeError> {
        if self.append_data(call, input, value, caps) {
            Ok(())
        } else {
            Err(DecodeError::EventTooLarge { limit: caps.event })
        }
    }

    /// `event`: the value becomes the event type.
    #[inline]
    pub(super) fn event_type<K>(&mut self, call: &mut InCall<K>, value: Value<'_>) {
        match value {
            Value::Input(at) => call.record(Field::EventType, at),
            Value::Cut { line, at } => {
                call.event_type = None;
                set_lossy(&mut self.event_type, &line[at..]);
            }
        }
    }

    /// `id`: unless the value holds NUL, it becomes the last event ID, from
    /// the block's blank line on.
    #[inline]
    pub(super) fn id<K>(&mut self, call: &mut InCall<K>, input: &[u8], value: Value<'_>) {
        if !rules::id_is_valid(value.bytes(input)) {
            return;
        }
        match value {
            Value::Input(at) => call.record(Field::Id, at),
            Value::Cut { line, at } => {
                call.id = None;
                self.ids.set_pending(&line[at..]);
            }
        }
    }

    /// The blank line: the block's id becomes the last event ID, and an
    /// event is dispatched if the block had data. Either way the next block
    /// starts with empty buffers; a dispatched event's are cleared once it
    /// has been handed out ([`Block::clear_event`]).
    #[inline]
    pub(super) fn dispatch<'i, K: Known<'i>>(
        &mut self,
        call: &mut InCall<K>,
        input: &'i [u8],
        caps: Caps,
    ) -> Option<Borrowed<'i>> {
        if call.data.is_none() && !self.data.has_lines() {
            call.event_type = None;
            self.event_type.clear();
            let _ = self.settle(call, input, caps);
            return None;
        }
        Some(self.settle(call, input, caps))
    }

    /// The event to hand out, from what [`Block::dispatch`] found in the
    /// input and what the buffers hold. `scratch` receives the data decoded
    /// when the buffered data is not valid UTF-8.
    #[inline(always)]
    pub(super) fn event<'a>(
        &'a self,
        borrowed: Borrowed<'a>,
        scratch: &'a mut Vec<u8>,
    ) -> Event<'a> {
        let data = match borrowed.data {
            Some(data) => data,
            None => self.data.text(scratch),
        };
        let event_type = borrowed.event_type.unwrap_or(&self.event_type);
        let own_type = !event_type.is_empty();
        Event::new(
            if own_type { event_type } else { "message" },
            data,
            self.ids.last(),
        )
        .with_own_fields(own_type, borrowed.own_id)
    }

    /// Copies the values still in the input into the buffers, before the
    /// call returns mid-event and the input is gone.
    #[inline]
    pub(super) fn keep<K>(&mut self, call: &mut InCall<K>, input: &[u8], caps: Caps) {
        if !call.is_empty() {
            self.keep_values(call, input, caps);
        }
    }

    /// Whether the block has set anything: the stream must not end here.
    pub(super) fn in_progress(&self) -> bool {
        self.data.has_lines() || self.ids.has_pending() || !self.event_type.is_empty()
    }

    /// Forgets the block (not the last event ID): an error, or the end of
    /// the stream.
    pub(super) fn discard(&mut self) {
        self.clear_event();
        self.ids.discard_pending();
    }

    /// Clears the buffers of an event that was handed out.
    pub(super) fn clear_event(&mut self) {
        self.data.clear();
        self.event_type.clear();
    }

    /// The storage side of [`Block::data`]: whether the value fit.
    ///
    /// A value in the input is only recorded while it is the block's one
    /// value there and cannot pass the limit; so the common event, one
    /// `data` line inside the chunk, is handed out without a copy.
    #[inline(always)]
    fn append_data<K>(
        &mut self,
        call: &mut InCall<K>,
        input: &[u8],
        value: Value<'_>,
        caps: Caps,
    ) -> bool {
        let at = match value {
            Value::Input(at) => at,
            Value::Cut { line, at } => {
                return self.data.adopt(line, at, caps) || self.data.push(&line[at..], caps.event);
            }
        };
        let bytes = &input[at.clone()];
        if let Some(first) = call.data.take() {
            // It was checked against the limit when it was read.
            let fits = self.data.push(&input[first], caps.event);
            debug_assert!(fits);
            return self.data.push(bytes, caps.event);
        }
        if self.data.has_lines() {
            return self.data.push(bytes, caps.event);
        }
        // Decoded, a value grows at most threefold, so one this short is
        // within the limit whatever it holds; a longer one is, if valid.
        let fits = max_decoded_len(bytes.len()) <= caps.event
            || (crate::proven::text(bytes).is_some() && bytes.len() <= caps.event);
        if fits {
            call.record(Field::Data, at);
            return true;
        }
        // Too long to be within the limit for sure: decoded now.
        self.data.push(bytes, caps.event)
    }

    #[inline(never)]
    fn keep_values<K>(&mut self, call: &mut InCall<K>, input: &[u8], caps: Caps) {
        call.forget_span();
        if let Some(at) = call.data.take() {
            self.data.clear();
            // It was checked against the limit when it was read.
            let fits = self.data.push(&input[at], caps.event);
            debug_assert!(fits);
        }
        if let Some(at) = call.event_type.take() {
            set_lossy(&mut self.event_type, &input[at]);
        }
        if let Some(at) = call.id.take() {
            self.ids.set_pending(&input[at]);
        }
    }

    /// At the blank line: validates the values in the input in one pass and
    /// commits the id. Values that are not valid UTF-8 are decoded into the
    /// buffers.
    #[inline]
    fn settle<'i, K: Known<'i>>(
        &mut self,
        call: &mut InCall<K>,
        input: &'i [u8],
        caps: Caps,
    ) -> Borrowed<'i> {
        let texts = call.texts(input);
        let own_id = match call.id.take() {
            Some(at) => {
                match texts.get(&at) {
                    Some(text) => self.ids.commit_text(text),
                    None => self.ids.commit_lossy(texts.bytes(&at)),
                }
                true
            }
            None => self.ids.commit(),
        };
        let mut borrowed = Borrowed {
            data: None,
            event_type: None,
            own_id,
        };
        if let Some(at) = call.data.take() {
            borrowed.data = texts.get(&at);
            if borrowed.data.is_none() {
                // Decoded when the event is handed out.
                self.data.clear();
                let fits = self.data.push(texts.bytes(&at), caps.event);
                debug_assert!(fits);
            }
        }
        if let Some(at) = call.event_type.take() {
            borrowed.event_type = texts.get(&at);
            if borrowed.event_type.is_none() {
                self.event_type.clear();
                push_lossy(&mut self.event_type, texts.bytes(&at));
            }
        }
        borrowed
    }
}

#[cfg(test)]
mod tests {
    /// Buffered data is appended raw while the limit cannot be reached and
    /// decoded line by line past that: at every limit and every chunk size,
    /// the items are those of the whole input, and the text is the lossy
    /// decoding of the joined lines.
    #[test]
    fn deferred_validation_agrees_at_every_limit_and_chunking() {
        use alloc::format;
        use alloc::vec;

        let input: &[u8] = b"data: a\xFFb\ndata: \xE2\x82\ndata:\xACok\xF0\x9F\x99\x82\n\n\
            event: t\xC3\ndata: plain\ndata: text\n\ndata: \xC3\xA9\xC3\n\n";
        let expected = [
            "a\u{FFFD}b\n\u{FFFD}\n\u{FFFD}ok\u{1F642}",
            "plain\ntext",
            "\u{E9}\u{FFFD}",
        ];
        for cap in 0..48 {
            let run = |sizes: usize| {
                let mut decoder = crate::Decoder::builder()
                    .limits(crate::Limits::default().max_event_len(Some(cap)))
                    .build();
                let mut items = vec![];
                for chunk in input.chunks(sizes) {
                    decoder.feed(chunk, |item| items.push(format!("{item:?}")));
                }
                items
            };
            let whole = run(input.len());
            for size in 1..input.len() {
                assert_eq!(run(size), whole, "cap {cap}, chunks of {size}");
            }
            if cap >= 40 {
                assert_eq!(whole.len(), 3, "cap {cap}: {whole:?}");
                for (item, data) in whole.iter().zip(expected) {
                    assert!(item.contains(&format!("{data:?}")), "{item} lacks {data:?}");
                }
            }
        }
    }
}
