//! Settings: the builder, and the limits as the decoder uses them.

use super::Decoder;
use super::block::Block;
use super::lines::{LineBuf, Lines};
use super::machine::Lent;
use crate::limits::Limits;

/// Builds a [`Decoder`] with non-default settings.
///
/// ```
/// use ssewire::{Decoded, Decoder, Limits};
///
/// let mut decoder = Decoder::builder()
///     .comments(true)
///     .limits(Limits::default().max_event_len(Some(64 * 1024)))
///     .build();
/// let (item, _) = decoder.decode(b": keep-alive\n");
/// assert_eq!(item, Some(Decoded::Comment("keep-alive")));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[must_use]
pub struct DecoderBuilder {
    limits: Limits,
    comments: bool,
}

impl DecoderBuilder {
    /// Sets the limits; default [`Limits::default`].
    ///
    /// ```
    /// use ssewire::{Decoder, Limits};
    ///
    /// let decoder = Decoder::builder().limits(Limits::unlimited()).build();
    /// assert_eq!(decoder.limits(), Limits::unlimited());
    /// ```
    pub fn limits(mut self, limits: Limits) -> DecoderBuilder {
        self.limits = limits;
        self
    }

    /// Reports comment lines as [`Decoded::Comment`](crate::Decoded::Comment) (for keep-alive
    /// detection); default off, which skips them as the standard's
    /// interpretation does.
    ///
    /// ```
    /// use ssewire::{Decoded, Decoder};
    ///
    /// let mut comments = Vec::new();
    /// let mut decoder = Decoder::builder().comments(true).build();
    /// decoder.feed(b": ping\n:\n", |item| {
    ///     if let Decoded::Comment(text) = item {
    ///         comments.push(text.to_owned());
    ///     }
    /// });
    /// assert_eq!(comments, ["ping", ""]);
    /// ```
    pub fn comments(mut self, yes: bool) -> DecoderBuilder {
        self.comments = yes;
        self
    }

    /// Builds the decoder. It holds no heap memory until it needs to.
    ///
    /// ```
    /// let decoder = ssewire::Decoder::builder().build();
    /// assert_eq!(decoder.buffered().total(), 0);
    /// ```
    pub fn build(self) -> Decoder {
        Decoder {
            line: LineBuf::default(),
            lines: Lines::default(),
            block: Block::default(),
            retry: None,
            caps: Caps::from(self.limits),
            comments: self.comments,
            lent: Lent::Nothing,
            keeping: false,
        }
    }
}

/// The limits with "none" as `usize::MAX`, which no buffer can reach.
#[derive(Clone, Copy)]
pub(super) struct Caps {
    pub(super) line: usize,
    pub(super) event: usize,
}

impl From<Limits> for Caps {
    fn from(limits: Limits) -> Caps {
        Caps {
            line: limits.line_cap(),
            event: limits.event_cap(),
        }
    }
}
