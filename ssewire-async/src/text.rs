//! [`Str`]: UTF-8 text, inline when short, otherwise sharing a [`Bytes`]
//! buffer, so a decoded event can point into the chunk it arrived in instead
//! of copying out of it.
//!
//! The text is proven UTF-8 once, where a `Str` is made (`utf8.rs`, the
//! crate's one module allowed `unsafe`), so [`Str::as_str`] and the deref
//! are O(1).

use core::borrow::Borrow;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::Deref;
use core::str::Utf8Error;

use bytes::Bytes;

use crate::utf8::{Utf8, offset_in};

/// An immutable, cheaply cloned UTF-8 string: short text inline, longer
/// text in a shared [`Bytes`] buffer.
///
/// Decoded events hold their type, data and last event ID as `Str`s. Text of
/// up to [`Str::INLINE`] bytes is kept inline: no allocation, and no received
/// chunk kept alive for it. Longer text that lay inside one received chunk
/// shares that chunk's buffer, and cloning it only bumps a reference count.
/// It dereferences to [`str`].
///
/// ```
/// use ssewire_async::Str;
///
/// let text = Str::from("héllo");
/// assert_eq!(text, "héllo");
/// assert_eq!(text.len(), 6);
/// assert!(text.starts_with("hé"));
/// let long = Str::from("a longer text, kept in a shared buffer");
/// let copy = long.clone(); // no copy of the text
/// assert_eq!(copy.as_ptr(), long.as_ptr());
/// ```
#[derive(Clone)]
pub struct Str {
    text: Utf8,
}

// Inline text costs no space over a `Bytes`.
const _: () = assert!(size_of::<Str>() == size_of::<Bytes>());

impl Str {
    /// The longest text kept inline, in bytes.
    pub const INLINE: usize = crate::utf8::INLINE;

    /// The empty string; allocates nothing.
    ///
    /// ```
    /// assert!(ssewire_async::Str::new().is_empty());
    /// ```
    pub const fn new() -> Str {
        Str { text: Utf8::new() }
    }

    /// A string over static text; allocates nothing.
    ///
    /// ```
    /// const MESSAGE: ssewire_async::Str = ssewire_async::Str::from_static("message");
    /// assert_eq!(MESSAGE, "message");
    /// ```
    pub const fn from_static(text: &'static str) -> Str {
        Str {
            text: Utf8::from_static(text),
        }
    }

    /// Checks that `bytes` are UTF-8 and wraps them without copying; gives
    /// them back with the error otherwise.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use ssewire_async::Str;
    ///
    /// assert_eq!(Str::from_utf8(Bytes::from_static(b"ok")).unwrap(), "ok");
    /// assert!(Str::from_utf8(Bytes::from_static(b"\xff")).is_err());
    /// ```
    pub fn from_utf8(bytes: Bytes) -> Result<Str, (Utf8Error, Bytes)> {
        Utf8::from_utf8(bytes).map(|text| Str { text })
    }

    /// The part of `self` that `subset` is, sharing the buffer (or inline,
    /// when short); `None` when `subset` does not lie inside `self`'s memory
    /// (a copy, say).
    ///
    /// ```
    /// use ssewire_async::Str;
    ///
    /// let line = Str::from("key: value");
    /// let value = line.slice_ref(&line[5..]).unwrap();
    /// assert_eq!(value, "value");
    /// assert!(line.slice_ref("value").is_none());
    /// ```
    pub fn slice_ref(&self, subset: &str) -> Option<Str> {
        offset_in(subset, self.as_str().as_bytes())?;
        Some(Str::inline(subset).unwrap_or_else(|| {
            Str {
                text: Utf8::view(subset, &self.text.clone().into_bytes())
                    .unwrap_or_else(|| Utf8::copy(subset)),
            }
        }))
    }

    /// The text; O(1), as the deref: it was proven UTF-8 when the `Str` was
    /// made.
    ///
    /// ```
    /// let text = ssewire_async::Str::from("caf\u{e9}");
    /// assert_eq!(text.as_str(), "caf\u{e9}");
    /// ```
    #[inline]
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }

    /// The text's bytes as [`Bytes`]: the shared buffer, or a copy of inline
    /// text.
    ///
    /// ```
    /// let bytes = ssewire_async::Str::from("x").into_bytes();
    /// assert_eq!(&bytes[..], b"x");
    /// ```
    pub fn into_bytes(self) -> Bytes {
        self.text.into_bytes()
    }

    /// Whether the text lives in a shared buffer (a received chunk, say)
    /// rather than inline.
    #[inline]
    pub(crate) fn is_shared(&self) -> bool {
        self.text.is_shared()
    }

    /// `text`, inline, if it is short enough.
    #[inline]
    fn inline(text: &str) -> Option<Str> {
        Utf8::inline(text).map(|text| Str { text })
    }
}

/// `text` as a `Str` sharing `chunk`, if it lies inside `chunk`'s memory:
/// inline when short, a slice of `chunk` otherwise.
#[inline]
pub(crate) fn share(text: &str, chunk: &Bytes) -> Option<Str> {
    match Str::inline(text) {
        Some(inline) => {
            offset_in(text, chunk)?;
            Some(inline)
        }
        None => Utf8::view(text, chunk).map(|text| Str { text }),
    }
}

impl Default for Str {
    fn default() -> Str {
        Str::new()
    }
}

impl PartialEq for Str {
    #[inline]
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl Deref for Str {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    #[inline]
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Str {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

impl Borrow<str> for Str {
    #[inline]
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

// By the text, as `str` hashes, so that `Borrow<str>` look-ups in hash maps
// agree (`Bytes` hashes differently from `str`).
impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> core::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialEq<str> for Str {
    #[inline]
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    #[inline]
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Str {
    #[inline]
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Str> for str {
    #[inline]
    fn eq(&self, other: &Str) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Str> for &str {
    #[inline]
    fn eq(&self, other: &Str) -> bool {
        *self == other.as_str()
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

/// Takes the string's buffer without copying (short text is copied inline
/// and the buffer freed).
impl From<String> for Str {
    fn from(text: String) -> Str {
        Str::inline(&text).unwrap_or_else(|| Str {
            text: Utf8::from_string(text),
        })
    }
}

/// Copies the text.
impl From<&str> for Str {
    fn from(text: &str) -> Str {
        Str::inline(text).unwrap_or_else(|| Str {
            text: Utf8::copy(text),
        })
    }
}

impl From<Str> for Bytes {
    fn from(text: Str) -> Bytes {
        text.into_bytes()
    }
}

impl From<Str> for String {
    fn from(text: Str) -> String {
        String::from(text.as_str())
    }
}
