//! The byte-scanning loop: finding line ends.
//!
//! Everything the decoder and encoder spend per byte is spent here, so this is
//! the one place to optimise. It knows nothing about fields or events.

/// Returns the index of the first CR or LF in `haystack`.
#[inline]
pub(crate) fn find_line_end(haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == b'\r' || b == b'\n')
}

/// Returns the index of the first `:` in `haystack`.
#[inline]
pub(crate) fn find_colon(haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_first_line_end() {
        assert_eq!(find_line_end(b""), None);
        assert_eq!(find_line_end(b"abc"), None);
        assert_eq!(find_line_end(b"a\rb\n"), Some(1));
        assert_eq!(find_line_end(b"ab\n\r"), Some(2));
    }

    #[test]
    fn finds_first_colon() {
        assert_eq!(find_colon(b"data"), None);
        assert_eq!(find_colon(b"data: a:b"), Some(4));
    }
}
