//! [`Str`]: UTF-8 text that shares a [`Bytes`] buffer, so a decoded event can
//! point into the chunk it arrived in instead of copying out of it.
//!
//! This module holds the crate's only `unsafe` code: `as_str` skips a second
//! UTF-8 check. Every constructor either validates the bytes or takes them
//! from a `&str`, so the check would always pass; making it would cost a pass
//! over the text on every access, which is what sharing the chunk saves.
#![allow(unsafe_code)]

use core::borrow::Borrow;
use core::fmt;
use core::hash::{Hash, Hasher};
use core::ops::Deref;
use core::str::Utf8Error;

use bytes::Bytes;

/// An immutable, cheaply cloned UTF-8 string backed by [`Bytes`].
///
/// Decoded events hold their type, data and last event ID as `Str`s. When a
/// field lay inside one received chunk, its `Str` shares that chunk's buffer;
/// cloning one only bumps a reference count. It dereferences to [`str`].
///
/// ```
/// use ssewire_async::Str;
///
/// let text = Str::from("héllo");
/// assert_eq!(text, "héllo");
/// assert_eq!(text.len(), 6);
/// assert!(text.starts_with("hé"));
/// let copy = text.clone(); // no copy of the text
/// assert_eq!(copy.as_bytes().as_ptr(), text.as_bytes().as_ptr());
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Str {
    /// Always valid UTF-8: see the constructors.
    bytes: Bytes,
}

impl Str {
    /// The empty string; allocates nothing.
    ///
    /// ```
    /// assert!(ssewire_async::Str::new().is_empty());
    /// ```
    pub const fn new() -> Str {
        Str {
            bytes: Bytes::new(),
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
            bytes: Bytes::from_static(text.as_bytes()),
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
            Ok(_) => Ok(Str { bytes }),
            Err(error) => Err((error, bytes)),
        }
    }

    /// The part of `self` that `subset` is, sharing the buffer; `None` when
    /// `subset` does not lie inside `self`'s memory (a copy, say).
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
        share(subset, &self.bytes)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // SAFETY: `bytes` is valid UTF-8. Every constructor ensures it:
        // `from_utf8` checks; `from_static`, `From<String>`, `From<&str>` and
        // `share` take the bytes of a `str` (`share` slices exactly the
        // memory of a `&str`, so the slice is that `str`'s bytes); `new` and
        // `Default` are empty. Nothing mutates `bytes` afterwards (`Bytes` is
        // immutable and the field is private).
        unsafe { core::str::from_utf8_unchecked(&self.bytes) }
    }

    /// The underlying bytes (UTF-8), for handing to an I/O layer.
    pub fn as_bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The underlying bytes, without copying.
    ///
    /// ```
    /// let bytes = ssewire_async::Str::from("x").into_bytes();
    /// assert_eq!(&bytes[..], b"x");
    /// ```
    pub fn into_bytes(self) -> Bytes {
        self.bytes
    }
}

/// `text` as a `Str` sharing `chunk`, if `text` lies inside `chunk`'s memory.
pub(crate) fn share(text: &str, chunk: &Bytes) -> Option<Str> {
    if text.is_empty() {
        return Some(Str::new());
    }
    let offset = text.as_ptr().addr().checked_sub(chunk.as_ptr().addr())?;
    let inside = offset <= chunk.len() && text.len() <= chunk.len() - offset;
    inside.then(|| Str {
        bytes: chunk.slice_ref(text.as_bytes()),
    })
}

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
        &self.bytes
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

/// Takes the string's buffer without copying.
impl From<String> for Str {
    fn from(text: String) -> Str {
        Str {
            bytes: Bytes::from(text),
        }
    }
}

/// Copies the text.
impl From<&str> for Str {
    fn from(text: &str) -> Str {
        Str {
            bytes: Bytes::copy_from_slice(text.as_bytes()),
        }
    }
}

impl From<Str> for Bytes {
    fn from(text: Str) -> Bytes {
        text.bytes
    }
}

impl From<Str> for String {
    fn from(text: Str) -> String {
        String::from(text.as_str())
    }
}
