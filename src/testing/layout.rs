//! Laying a draft out as bytes, and choosing where to cut them.

use alloc::vec::Vec;

use super::build::{Draft, Prefix};
use super::model::Ending;
use super::rules::Rule;
use super::source::Source;

/// The stream and where it is cut.
pub(super) struct Laid {
    pub(super) stream: Vec<u8>,
    pub(super) cuts: Vec<usize>,
}

/// Writes the draft's lines after its prefix, then picks the cuts; notes in
/// `draft.rules` the rules the bytes and cuts reach.
pub(super) fn lay_out(draft: &mut Draft, source: &mut Source<'_>) -> Laid {
    let mut stream = Vec::from(draft.prefix.bytes());
    let mut inside = Vec::new();
    let mut near_limit = Vec::new();
    let mut crlf = Vec::new();
    for line in &draft.lines {
        inside.extend(line.inside_chars.iter().map(|i| stream.len() + i));
        if let Some(cap) = draft.limits.max_line_len {
            near_limit.push(stream.len() + cap.min(line.bytes.len()));
        }
        stream.extend_from_slice(&line.bytes);
        if let Some(ending) = line.ending {
            draft.rules.push(match ending {
                Ending::Lf => Rule::R3Lf,
                Ending::Cr => Rule::R3Cr,
                Ending::CrLf => {
                    crlf.push(stream.len() + 1);
                    Rule::R3CrLf
                }
            });
            stream.extend_from_slice(ending.bytes());
        }
    }
    let bom = draft.prefix == Prefix::Bom;
    let mut interesting = Vec::new();
    if bom {
        interesting.extend([1, 2]);
        draft.rules.push(Rule::R2);
    }
    if let Prefix::Garbage(_) = draft.prefix {
        draft.rules.push(Rule::R2NotABom);
    }
    interesting.extend_from_slice(&crlf);
    interesting.extend_from_slice(&inside);
    interesting.extend_from_slice(&near_limit);
    let cuts = cut(source, stream.len(), &interesting);
    // `crlf` and `inside` were filled in stream order: sorted.
    debug_assert!(crlf.is_sorted() && inside.is_sorted());
    let cut_in = |offsets: &[usize]| cuts.iter().any(|at| offsets.binary_search(at).is_ok());
    if cut_in(&crlf) {
        draft.rules.push(Rule::R3Split);
    }
    if bom && cut_in(&[1, 2]) {
        draft.rules.push(Rule::R2Split);
    }
    if cut_in(&inside) {
        draft.rules.push(Rule::R1Split);
    }
    Laid { stream, cuts }
}

/// Where to cut a stream of `len` bytes: nowhere, every `n` bytes, at
/// random sizes, or at the `interesting` offsets and some others.
fn cut(source: &mut Source<'_>, len: usize, interesting: &[usize]) -> Vec<usize> {
    let mut cuts = Vec::new();
    match source.below(6) {
        0 => {}
        1 => {
            let size = 1 + source.below(16);
            cuts.extend((size..len).step_by(size));
        }
        2 => {
            let mut at = 0;
            let mut empty = false;
            loop {
                // Now and then an empty chunk, never two in a row.
                let byte = source.byte();
                empty = byte == 255 && !empty;
                at += if empty { 0 } else { 1 + usize::from(byte) % 32 };
                if at >= len {
                    break;
                }
                cuts.push(at);
            }
        }
        5 => cuts.extend(1..len),
        _ => {
            cuts.extend(interesting.iter().copied().filter(|&at| at > 0 && at < len));
            let extra = source.below(8);
            for _ in 0..extra {
                let at =
                    (usize::from(source.byte()) << 8 | usize::from(source.byte())) % len.max(1);
                cuts.push(at);
            }
            cuts.sort_unstable();
        }
    }
    cuts
}
