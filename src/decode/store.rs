//! Where the bytes of field values are: the storage layer under the rules.
//!
//! A value lies either in the input of the current call ([`Value::Input`],
//! recorded as a range and never copied while the call lasts) or in the line
//! buffer ([`Value::Cut`], a line whose start came in an earlier chunk).
//! What outlives a call is held in the buffers here: [`Data`], with its two
//! fast paths, and [`Ids`]. The rules in `block.rs` never ask which.

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use super::Caps;
use super::utf8::{decoded_len, lossy_vec, max_decoded_len, push_lossy};

/// A field value, by where its bytes are.
pub(super) enum Value<'l> {
    /// In the current call's input, at this range.
    Input(Range<usize>),
    /// In the line buffer, from `at` on: the line was cut by a chunk
    /// boundary and completed in the decoder.
    Cut { line: &'l mut Vec<u8>, at: usize },
}

impl Value<'_> {
    /// The value's bytes, given the current call's input.
    #[inline]
    pub(super) fn bytes<'v>(&'v self, input: &'v [u8]) -> &'v [u8] {
        match self {
            Value::Input(at) => &input[at.clone()],
            Value::Cut { line, at } => &line[*at..],
        }
    }
}

/// A `data` value at least this long, cut by a chunk boundary and first in
/// its block, is not copied from the line buffer into the data buffer: the
/// two buffers trade places ([`Data::adopt`]). Copying a short line costs
/// next to nothing, and the bound keeps the field name in front (at most 6
/// bytes) well under any event limit that allows adoption.
const ADOPT_MIN: usize = 256;

/// The data of the block being built: its `data` values joined by LF.
///
/// Validating buffered data line by line would cost a call per line, so
/// values are appended as they come and validated once, at dispatch, while
/// the whole could not pass the event limit even decoded ([`Form::Raw`]).
/// Past that point the limit must be checked on decoded text, the same for
/// every chunking, so the buffer is decoded and each further value decoded as
/// it comes ([`Form::Text`]). Both give the same text: a line feed never lies
/// inside a UTF-8 sequence, so decoding the joined bytes equals joining the
/// decoded values.
#[derive(Clone, Default)]
pub(super) struct Data {
    bytes: Vec<u8>,
    form: Form,
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Form {
    /// No `data` line in the block yet; the buffer is empty.
    #[default]
    None,
    /// Values joined as they came, not validated, after `skip` bytes that are
    /// not data: the field name of an adopted line.
    Raw { skip: u8 },
    /// Decoded text.
    Text,
}

impl Data {
    /// Whether the block has had a `data` line (possibly empty).
    #[inline]
    pub(super) fn has_lines(&self) -> bool {
        self.form != Form::None
    }

    /// The data bytes, after an adopted line's field name.
    #[inline]
    fn data(&self) -> &[u8] {
        let skip = match self.form {
            Form::Raw { skip } => usize::from(skip),
            Form::None | Form::Text => 0,
        };
        self.bytes.get(skip..).unwrap_or_default()
    }

    /// Bytes of data held.
    pub(super) fn len(&self) -> usize {
        self.data().len()
    }

    pub(super) fn clear(&mut self) {
        self.bytes.clear();
        self.form = Form::None;
    }

    pub(super) fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }

    /// Appends one value, after a LF if the block has data already.
    ///
    /// Returns `false`, appending nothing, when the value would take the data
    /// past the event limit `cap`: the check comes first, and the buffer
    /// grows no further than the limit, so a hostile event cannot make it
    /// hold more.
    #[must_use]
    #[inline]
    pub(super) fn push(&mut self, value: &[u8], cap: usize) -> bool {
        let (separator, raw_len) = match self.form {
            Form::None => (0, Some(0)),
            Form::Raw { skip } => (1, Some(self.bytes.len() - usize::from(skip))),
            Form::Text => (1, None),
        };
        let deferred =
            raw_len.is_some_and(|len| max_decoded_len(len + separator + value.len()) <= cap);
        if !deferred {
            return self.push_decoded(value, separator, cap);
        }
        reserve_within(&mut self.bytes, separator + value.len(), cap);
        if separator == 1 {
            self.bytes.push(b'\n');
        } else {
            self.form = Form::Raw { skip: 0 };
        }
        self.bytes.extend_from_slice(value);
        true
    }

    /// [`Data::push`] past the deferral bound: decoded from here on.
    #[must_use]
    #[inline(never)]
    fn push_decoded(&mut self, value: &[u8], separator: usize, cap: usize) -> bool {
        self.decode_raw();
        let decoded = decoded_len(value);
        if self.bytes.len() + separator + decoded > cap {
            return false;
        }
        reserve_within(&mut self.bytes, separator + decoded, cap);
        if separator == 1 {
            self.bytes.push(b'\n');
        }
        push_lossy(&mut self.bytes, value);
        self.form = Form::Text;
        true
    }

    /// From [`Form::Raw`] to [`Form::Text`]: drops an adopted field name and
    /// decodes what is held.
    fn decode_raw(&mut self) {
        if let Form::Raw { skip } = self.form {
            if skip > 0 {
                self.bytes.drain(..usize::from(skip));
            }
            if core::str::from_utf8(&self.bytes).is_err() {
                self.bytes = lossy_vec(&self.bytes);
            }
            self.form = Form::Text;
        }
    }

    /// Makes a cut `data` line, the block's first, the data buffer as it is,
    /// giving the line buffer the empty data buffer in exchange: one copy of
    /// a long line less. Only when neither buffer then holds more than its
    /// own limit allows, and the value is one [`Data::push`] would defer.
    /// Returns whether it did.
    #[inline]
    pub(super) fn adopt(&mut self, line: &mut Vec<u8>, at: usize, caps: Caps) -> bool {
        let value_len = line.len() - at;
        let Ok(skip) = u8::try_from(at) else {
            return false;
        };
        let fits = self.form == Form::None
            && value_len >= ADOPT_MIN
            && max_decoded_len(value_len) <= caps.event
            && line.capacity() <= caps.event
            && self.bytes.capacity() <= caps.line;
        if fits {
            core::mem::swap(&mut self.bytes, line);
            self.form = Form::Raw { skip };
        }
        fits
    }

    /// The data as text, at dispatch: the one validation of buffered data.
    /// Invalid bytes are decoded into `scratch`, which then holds the text.
    pub(super) fn text<'a>(&'a self, scratch: &'a mut Vec<u8>) -> &'a str {
        match crate::proven::text(self.data()) {
            Some(text) => text,
            None => {
                *scratch = lossy_vec(self.data());
                core::str::from_utf8(scratch).unwrap_or_default()
            }
        }
    }

    /// The data for `Debug`.
    pub(super) fn lossy(&self) -> alloc::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.data())
    }
}

/// The last event ID, and the `id` the block being built has set.
///
/// The block's `id` takes effect only at its blank line (an event cut off by
/// the end of the stream must not change it), so both are kept, in one
/// string: the block's id, if it has set one, then the last event ID. The
/// pending id comes first so that the blank line commits it by truncating,
/// with no bytes moved. An empty pending id (which will reset the last event
/// ID) is held as a NUL, so that it is told apart from none: an accepted id
/// never holds NUL.
#[derive(Clone, Default)]
pub(super) struct Ids {
    text: String,
    /// Where the last event ID starts: 0 when the block has set no id.
    last_start: usize,
}

/// What an empty pending id is held as.
const EMPTY_PENDING: &str = "\0";

impl Ids {
    /// The last event ID.
    #[inline]
    pub(super) fn last(&self) -> &str {
        self.text.get(self.last_start..).unwrap_or_default()
    }

    /// Whether the block has set an id.
    #[inline]
    pub(super) fn has_pending(&self) -> bool {
        self.last_start > 0
    }

    /// Bytes of the block's id.
    #[inline]
    pub(super) fn pending_len(&self) -> usize {
        if self.text.starts_with(EMPTY_PENDING) {
            0
        } else {
            self.last_start
        }
    }

    /// The block's id is `value`, decoded.
    pub(super) fn set_pending(&mut self, value: &[u8]) {
        self.discard_pending();
        let last_len = self.text.len();
        match crate::proven::text(value) {
            Some("") => self.text.insert_str(0, EMPTY_PENDING),
            Some(text) => self.text.insert_str(0, text),
            None => {
                let mut decoded = String::new();
                push_lossy(&mut decoded, value);
                self.text.insert_str(0, &decoded);
            }
        }
        self.last_start = self.text.len() - last_len;
    }

    /// The blank line makes the block's id, if any, the last event ID.
    /// Returns whether there was one.
    #[inline]
    pub(super) fn commit(&mut self) -> bool {
        let pending = self.has_pending();
        if pending {
            self.commit_pending();
        }
        pending
    }

    // Out of line: only events cut by a chunk boundary take this path.
    #[inline(never)]
    fn commit_pending(&mut self) {
        self.text.truncate(self.pending_len());
        self.last_start = 0;
    }

    /// The blank line makes `id`, read from the input as valid text, the
    /// last event ID.
    #[inline]
    pub(super) fn commit_text(&mut self, id: &str) {
        self.text.clear();
        self.text.push_str(id);
        self.last_start = 0;
    }

    /// [`Ids::commit_text`] for an `id` that is not valid UTF-8.
    pub(super) fn commit_lossy(&mut self, id: &[u8]) {
        self.text.clear();
        push_lossy(&mut self.text, id);
        self.last_start = 0;
    }

    /// Forgets the block's id.
    pub(super) fn discard_pending(&mut self) {
        if self.has_pending() {
            self.text.drain(..self.last_start);
            self.last_start = 0;
        }
    }

    /// Forgets the last event ID too.
    pub(super) fn forget(&mut self) {
        self.text.clear();
        self.last_start = 0;
    }

    pub(super) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
    }
}

/// Makes room for `additional` more bytes, doubling as `Vec` does but never
/// past `limit` unless the bytes themselves need it, so that a buffer bounded
/// by a limit holds at most that much memory.
///
/// The check is inlined, as `Vec`'s own is: it runs for every line copied,
/// and the buffer mostly has room.
#[inline]
pub(super) fn reserve_within(buf: &mut Vec<u8>, additional: usize, limit: usize) {
    if additional > buf.capacity() - buf.len() {
        grow_within(buf, additional, limit);
    }
}

/// [`reserve_within`] when the buffer lacks room.
#[cold]
#[inline(never)]
fn grow_within(buf: &mut Vec<u8>, additional: usize, limit: usize) {
    let needed = buf.len().saturating_add(additional);
    let target = buf.capacity().saturating_mul(2).min(limit).max(needed);
    buf.reserve_exact(target - buf.len());
}

#[cfg(test)]
mod tests {
    use super::Ids;

    /// The pending id sits in front of the last event ID: setting, replacing,
    /// committing and discarding it must each leave the two as the standard
    /// has them.
    #[test]
    fn ids_keep_the_pending_id_apart_from_the_last() {
        let mut ids = Ids::default();
        assert!(!ids.commit());
        assert_eq!((ids.last(), ids.has_pending()), ("", false));

        ids.set_pending(b"7");
        assert_eq!((ids.last(), ids.pending_len()), ("", 1));
        assert!(ids.commit());
        assert_eq!((ids.last(), ids.has_pending()), ("7", false));

        ids.set_pending(b"first");
        ids.set_pending(b"a\xFFb");
        assert_eq!((ids.last(), ids.pending_len()), ("7", 5));
        assert!(ids.commit());
        assert_eq!(ids.last(), "a\u{FFFD}b");

        ids.set_pending(b"lost");
        ids.discard_pending();
        assert_eq!((ids.last(), ids.has_pending()), ("a\u{FFFD}b", false));

        ids.set_pending(b"");
        assert_eq!((ids.last(), ids.has_pending()), ("a\u{FFFD}b", true));
        assert_eq!(ids.pending_len(), 0);
        ids.discard_pending();
        assert_eq!((ids.last(), ids.has_pending()), ("a\u{FFFD}b", false));
        ids.set_pending(b"");
        ids.set_pending(b"x");
        assert_eq!((ids.last(), ids.pending_len()), ("a\u{FFFD}b", 1));
        ids.set_pending(b"");
        assert!(ids.commit());
        assert_eq!(ids.last(), "");

        ids.commit_text("9");
        ids.set_pending(b"10");
        ids.forget();
        assert_eq!((ids.last(), ids.has_pending()), ("", false));
    }
}
