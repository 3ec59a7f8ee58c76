//! [`Str`]: UTF-8 text, inline when short, otherwise sharing a [`Bytes`]
//! buffer, so a decoded event can point into the chunk it arrived in instead
//! of copying out of it.
//!
//! No `unsafe`: safe Rust has no way to view bytes as `str` without checking
//! them, so [`Str::as_str`] checks them each time. Every constructor makes
//! sure the check passes; it costs a pass over the text per access, the floor
//! of a `str` over a shared buffer in safe code.

use core::borrow::Borrow;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::Deref;
use core::str::Utf8Error;

use bytes::Bytes;

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
    /// Always valid UTF-8: see the constructors.
    repr: Repr,
}

#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; Str::INLINE] },
    Shared(Bytes),
}

// Inline text costs no space over a `Bytes`.
const _: () = assert!(size_of::<Str>() == size_of::<Bytes>());

impl Str {
    /// The longest text kept inline, in bytes.
    pub const INLINE: usize = 23;

    /// The empty string; allocates nothing.
    ///
    /// ```
    /// assert!(ssewire_async::Str::new().is_empty());
    /// ```
    pub const fn new() -> Str {
        Str {
            repr: Repr::Inline {
                len: 0,
                bytes: [0; Str::INLINE],
            },
        }
    }

    /// A string over static text; allocates nothing.
    ///
    /// ```
    /// const MESSAGE: ssewire_async::Str = ssewire_async::Str::from_static("message");
    /// assert_eq!(MESSAGE, "message");
    /// ```
    pub const fn from_static(text: &'static str) -> Str {
        Str {
            repr: Repr::Shared(Bytes::from_static(text.as_bytes())),
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
        match core::str::from_utf8(&bytes) {
            Ok(_) => Ok(Str {
                repr: Repr::Shared(bytes),
            }),
            Err(error) => Err((error, bytes)),
        }
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
        match &self.repr {
            Repr::Shared(bytes) => share(subset, bytes),
            Repr::Inline { .. } => {
                offset_in(subset, self.as_str().as_bytes())?;
                Some(Str::from(subset))
            }
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        let bytes = match &self.repr {
            Repr::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            Repr::Shared(bytes) => bytes,
        };
        // Every constructor ensures the bytes are valid UTF-8: `from_utf8`
        // checks; `from_static`, `From<String>`, `From<&str>`, `inline` and
        // `share` take the bytes of a `str`; `new` is empty; nothing mutates
        // them afterwards. So this never gives the empty fallback.
        core::str::from_utf8(bytes).unwrap_or_default()
    }

    /// The text's bytes as [`Bytes`]: the shared buffer, or a copy of inline
    /// text.
    ///
    /// ```
    /// let bytes = ssewire_async::Str::from("x").into_bytes();
    /// assert_eq!(&bytes[..], b"x");
    /// ```
    pub fn into_bytes(self) -> Bytes {
        match self.repr {
            Repr::Shared(bytes) => bytes,
            Repr::Inline { .. } => Bytes::copy_from_slice(self.as_str().as_bytes()),
        }
    }

    /// Whether the text lives in a shared buffer (a received chunk, say)
    /// rather than inline.
    pub(crate) fn is_shared(&self) -> bool {
        matches!(self.repr, Repr::Shared(_))
    }

    /// `text`, inline, if it is short enough.
    fn inline(text: &str) -> Option<Str> {
        let mut bytes = [0; Str::INLINE];
        bytes
            .get_mut(..text.len())?
            .copy_from_slice(text.as_bytes());
        let len = u8::try_from(text.len()).ok()?;
        Some(Str {
            repr: Repr::Inline { len, bytes },
        })
    }
}

/// `text` as a `Str` sharing `chunk`, if it lies inside `chunk`'s memory:
/// inline when short, a slice of `chunk` otherwise.
pub(crate) fn share(text: &str, chunk: &Bytes) -> Option<Str> {
    offset_in(text, chunk)?;
    Some(Str::inline(text).unwrap_or_else(|| Str {
        repr: Repr::Shared(chunk.slice_ref(text.as_bytes())),
    }))
}

/// Where `text` starts in `memory`, if it lies inside it.
fn offset_in(text: &str, memory: &[u8]) -> Option<usize> {
    if text.is_empty() {
        return Some(0);
    }
    let offset = text.as_ptr().addr().checked_sub(memory.as_ptr().addr())?;
    (offset <= memory.len() && text.len() <= memory.len() - offset).then_some(offset)
}

impl Default for Str {
    fn default() -> Str {
        Str::new()
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl Deref for Str {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<[u8]> for Str {
    fn as_ref(&self) -> &[u8] {
        self.as_str().as_bytes()
    }
}

impl Borrow<str> for Str {
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
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Str> for &str {
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
            repr: Repr::Shared(Bytes::from(text)),
        })
    }
}

/// Copies the text.
impl From<&str> for Str {
    fn from(text: &str) -> Str {
        Str::inline(text).unwrap_or_else(|| Str {
            repr: Repr::Shared(Bytes::copy_from_slice(text.as_bytes())),
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
