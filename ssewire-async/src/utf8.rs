//! The one module of this crate allowed `unsafe`: bytes already proven to
//! be UTF-8 held as a string that is viewed as `str` without checking again.
//!
//! [`Utf8`] is the storage under [`Str`](crate::Str): text inline, or a
//! shared [`Bytes`] buffer. Every constructor takes a proof that the bytes
//! are UTF-8, and nothing mutates them after, so [`Utf8::as_str`] is O(1):
//! the checks happen once, where the text is made, not on every access.
//! The proofs (each `// SAFETY:` comment names one):
//!
//! - **copied from a `str`**: the bytes are those of a `&str` (or `String`),
//!   copied or moved;
//! - **a `str`'s own memory**: the bytes are a view of the memory of a
//!   `&str`, found inside a shared buffer;
//! - **validated**: `core::str::from_utf8` passed on exactly these bytes.
//!
//! The property tests at the end check each against `from_utf8` on
//! arbitrary bytes, and CI runs them under Miri (`.ci/miri.sh`).

use core::str::Utf8Error;

use bytes::Bytes;

/// The longest text kept inline, in bytes.
pub(crate) const INLINE: usize = 23;

/// UTF-8 text, inline when short, otherwise in a shared buffer. The bytes
/// are valid UTF-8: see the constructors, the only ways to make one.
#[derive(Clone)]
pub(crate) struct Utf8(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Shared(Bytes),
}

impl Utf8 {
    /// The empty string.
    pub(crate) const fn new() -> Utf8 {
        Utf8(Repr::Inline {
            len: 0,
            bytes: [0; INLINE],
        })
    }

    /// Static text, shared without a copy.
    pub(crate) const fn from_static(text: &'static str) -> Utf8 {
        Utf8(Repr::Shared(Bytes::from_static(text.as_bytes())))
    }

    /// `bytes`, if `from_utf8` passes on them; given back otherwise.
    pub(crate) fn from_utf8(bytes: Bytes) -> Result<Utf8, (Utf8Error, Bytes)> {
        match core::str::from_utf8(&bytes) {
            Ok(_) => Ok(Utf8(Repr::Shared(bytes))),
            Err(error) => Err((error, bytes)),
        }
    }

    /// `text` copied inline, if it is short enough.
    #[inline]
    pub(crate) fn inline(text: &str) -> Option<Utf8> {
        let mut bytes = [0; INLINE];
        bytes
            .get_mut(..text.len())?
            .copy_from_slice(text.as_bytes());
        let len = u8::try_from(text.len()).ok()?;
        Some(Utf8(Repr::Inline { len, bytes }))
    }

    /// `text` copied into a buffer of its own.
    pub(crate) fn copy(text: &str) -> Utf8 {
        Utf8(Repr::Shared(Bytes::copy_from_slice(text.as_bytes())))
    }

    /// `text`'s buffer, taken without a copy.
    pub(crate) fn from_string(text: String) -> Utf8 {
        Utf8(Repr::Shared(Bytes::from(text)))
    }

    /// `text` as a view of `buffer`, if it lies inside `buffer`'s memory.
    #[inline]
    pub(crate) fn view(text: &str, buffer: &Bytes) -> Option<Utf8> {
        offset_in(text, buffer)?;
        Some(Utf8(Repr::Shared(buffer.slice_ref(text.as_bytes()))))
    }

    /// The text, without checking it again.
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                let bytes = bytes.get(..usize::from(*len)).unwrap_or_default();
                // SAFETY: copied from a `str`: `inline` copied the `len`
                // bytes of a `&str` to the front of `bytes`, and `new` has
                // `len` 0; nothing writes them after.
                unsafe { core::str::from_utf8_unchecked(bytes) }
            }
            Repr::Shared(bytes) => {
                // SAFETY: by the constructor, these bytes were copied from a
                // `str` (`from_static`, `copy`, `from_string`), are a `str`'s
                // own memory (`view`: `slice_ref` of exactly the text's
                // bytes), or were validated (`from_utf8`). `Bytes` never
                // changes its bytes.
                unsafe { core::str::from_utf8_unchecked(bytes) }
            }
        }
    }

    /// The text's bytes as [`Bytes`]: the shared buffer, or a copy of inline
    /// text.
    pub(crate) fn into_bytes(self) -> Bytes {
        match self.0 {
            Repr::Shared(bytes) => bytes,
            Repr::Inline { .. } => Bytes::copy_from_slice(self.as_str().as_bytes()),
        }
    }

    /// Whether the text lives in a shared buffer rather than inline.
    #[inline]
    pub(crate) fn is_shared(&self) -> bool {
        matches!(self.0, Repr::Shared(_))
    }
}

/// Where `text` starts in `memory`, if it lies inside it.
#[inline]
pub(crate) fn offset_in(text: &str, memory: &[u8]) -> Option<usize> {
    if text.is_empty() {
        return Some(0);
    }
    let offset = text.as_ptr().addr().checked_sub(memory.as_ptr().addr())?;
    (offset <= memory.len() && text.len() <= memory.len() - offset).then_some(offset)
}

#[cfg(test)]
mod tests {
    use super::{INLINE, Utf8};
    use bytes::Bytes;

    /// A small deterministic generator (no dependency), enough for bytes
    /// that are often UTF-8, often ASCII and often neither.
    struct Bytes8(u64);

    impl Bytes8 {
        fn next(&mut self) -> u8 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0.to_le_bytes()[3]
        }

        fn sample(&mut self) -> Vec<u8> {
            let len = usize::from(self.next() % 48);
            let alphabet: [&[u8]; 6] = [
                b"a",
                b"\n",
                "\u{e9}".as_bytes(),
                "\u{1F600}".as_bytes(),
                b"\xFF",
                b"\xE2\x82",
            ];
            let mut out = Vec::new();
            while out.len() < len {
                let pick = self.next();
                if pick < 128 {
                    out.push(pick);
                } else {
                    out.extend_from_slice(alphabet[usize::from(pick) % alphabet.len()]);
                }
            }
            out
        }
    }

    fn cases() -> impl Iterator<Item = Vec<u8>> {
        let count = std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256);
        let mut generator = Bytes8(0x9E37_79B9_7F4A_7C15);
        (0..count).map(move |_| generator.sample())
    }

    /// Proof "validated": `from_utf8` accepts exactly what `core` does, and
    /// the text read back is those bytes.
    #[test]
    fn validated_bytes_read_back_as_from_utf8_gives_them() {
        for sample in cases() {
            let expected = core::str::from_utf8(&sample).ok();
            let made = Utf8::from_utf8(Bytes::from(sample.clone()));
            assert_eq!(made.as_ref().ok().map(Utf8::as_str), expected);
            if let Err((error, bytes)) = made {
                assert_eq!(Some(error), core::str::from_utf8(&sample).err());
                assert_eq!(bytes, sample);
            }
        }
    }

    /// Proofs "copied from a `str`" and "a `str`'s own memory": whatever
    /// valid text arbitrary bytes hold, each way of making a `Utf8` from it
    /// reads back that text, and the read-back passes `from_utf8`.
    #[test]
    fn text_from_a_str_reads_back_unchanged() {
        for sample in cases() {
            let text = String::from_utf8_lossy(&sample).into_owned();
            let buffer = Bytes::from(format!("<{text}>"));
            let inner = core::str::from_utf8(&buffer[1..buffer.len() - 1]).unwrap();
            let mut made = vec![Utf8::copy(&text), Utf8::from_string(text.clone())];
            made.extend(Utf8::inline(&text));
            assert_eq!(Utf8::inline(&text).is_some(), text.len() <= INLINE);
            made.push(Utf8::view(inner, &buffer).unwrap());
            for utf8 in made {
                assert_eq!(utf8.as_str(), text);
                assert!(core::str::from_utf8(utf8.as_str().as_bytes()).is_ok());
                assert_eq!(utf8.clone().into_bytes(), text.as_bytes());
            }
            // Text outside the buffer's memory is refused, not viewed.
            assert!(Utf8::view(&text, &buffer).is_none() || text.is_empty());
        }
        assert_eq!(Utf8::new().as_str(), "");
        assert_eq!(Utf8::from_static("message").as_str(), "message");
    }
}
