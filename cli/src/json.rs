//! Decoding a stream into JSON lines.

use std::fmt::Write as _;
use std::io::{self, Read, Write};

use ssewire::{DecodeError, Decoded, Decoder, Finish, Limits};

/// How a decoding run ended, when it read its input to the end.
#[derive(Debug, Default)]
pub struct Report {
    pub events: usize,
    /// Events skipped for each limit: lines too long, events too large.
    pub long_lines: usize,
    pub large_events: usize,
    /// The limit in force when one was exceeded.
    pub limits: Limits,
    pub truncated: bool,
    /// The input's first bytes, to tell an HTML page or JSON from a stream.
    pub head: Vec<u8>,
}

/// Why a run stopped before the end of its input.
#[derive(Debug)]
pub enum Failure {
    Read(io::Error),
    Write(io::Error),
}

/// Decodes everything from `source` into `out`, one JSON object per line.
pub fn run(
    source: &mut dyn Read,
    out: &mut impl Write,
    chunk: usize,
    limits: Limits,
) -> Result<Report, Failure> {
    let mut decoder = Decoder::builder().limits(limits).build();
    let mut buf = vec![0; chunk];
    let mut line = String::new();
    let mut report = Report {
        limits,
        ..Report::default()
    };
    loop {
        let n = match source.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(Failure::Read(error)),
        };
        if report.head.len() < 64 {
            let take = n.min(64 - report.head.len());
            report.head.extend_from_slice(&buf[..take]);
        }
        let mut write_result = Ok(());
        decoder.feed(&buf[..n], |item| {
            line.clear();
            match item {
                Decoded::Event(event) => {
                    report.events += 1;
                    line.push_str("{\"event\":");
                    push_json_string(&mut line, event.event_type);
                    line.push_str(",\"data\":");
                    push_json_string(&mut line, event.data);
                    line.push_str(",\"id\":");
                    push_json_string(&mut line, event.last_event_id);
                    line.push_str("}\n");
                }
                Decoded::Retry(time) => {
                    let _ = writeln!(line, "{{\"retry\":{}}}", time.as_millis());
                }
                Decoded::Error(DecodeError::LineTooLong { .. }) => report.long_lines += 1,
                Decoded::Error(_) => report.large_events += 1,
                _ => {}
            }
            if write_result.is_ok() {
                write_result = out.write_all(line.as_bytes());
            }
        });
        write_result.map_err(Failure::Write)?;
        // Print events as they arrive, for `curl -N ... | sse_to_json`.
        out.flush().map_err(Failure::Write)?;
    }
    report.truncated = decoder.finish() == Finish::Truncated;
    line.clear();
    line.push_str("{\"last_event_id\":");
    push_json_string(&mut line, decoder.last_event_id());
    line.push_str("}\n");
    out.write_all(line.as_bytes()).map_err(Failure::Write)?;
    out.flush().map_err(Failure::Write)?;
    Ok(report)
}

impl Report {
    /// What to tell the user on stderr: skipped events with the option that
    /// raises the limit, a cut-off event, and a hint when the input is not
    /// an event stream at all.
    pub fn messages(&self) -> Vec<String> {
        let mut messages = Vec::new();
        if self.long_lines > 0 {
            messages.push(format!(
                "{} event(s) skipped: a line longer than {} bytes; pass --max-line-len N \
                 with a larger N (or --unlimited) to accept them",
                self.long_lines,
                show(self.limits.max_line_len),
            ));
        }
        if self.large_events > 0 {
            messages.push(format!(
                "{} event(s) skipped: data larger than {} bytes; pass --max-event-len N \
                 with a larger N (or --unlimited) to accept them",
                self.large_events,
                show(self.limits.max_event_len),
            ));
        }
        if self.truncated {
            messages.push("the input ended inside an event, which was discarded".into());
        }
        if self.events == 0 {
            if let Some(hint) = hint(&self.head) {
                messages.push(hint.into());
            }
        }
        messages
    }

    /// Whether an event was lost to a limit.
    pub fn skipped(&self) -> bool {
        self.long_lines + self.large_events > 0
    }
}

fn show(limit: Option<usize>) -> String {
    limit.map_or_else(|| "the limit".into(), |n| n.to_string())
}

/// A hint when `head`, the input's first bytes, looks like HTML or JSON
/// rather than an event stream.
pub fn hint(head: &[u8]) -> Option<&'static str> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &head[start..];
    // `<!DOCTYPE html>`, `<html>`, `<?xml ...?>`: no event stream starts with `<`
    // in practice (it would be an unknown field).
    if head.starts_with(b"<") {
        return Some(
            "hint: the input looks like HTML or XML, not an event stream (lines such as \
             `data: ...`, each event ended by a blank line); an error page or a login page?",
        );
    }
    if head.starts_with(b"{") || head.starts_with(b"[") {
        return Some(
            "hint: the input looks like JSON, not an event stream; in an event stream JSON \
             travels in `data: {...}` lines, each event ended by a blank line",
        );
    }
    None
}

/// Appends `text` as a JSON string literal (RFC 8259), leaving non-ASCII as
/// UTF-8.
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::{Limits, hint, run};

    #[test]
    fn limits_given_are_the_limits_used() {
        let input = b"data: 12345678\n\ndata: ok\n\n";
        let mut out = Vec::new();
        let report = run(
            &mut &input[..],
            &mut out,
            3,
            Limits::default().max_event_len(Some(4)),
        )
        .expect("writing to a Vec");
        assert_eq!((report.large_events, report.events), (1, 1));
        assert_eq!(
            String::from_utf8(out).expect("JSON is UTF-8"),
            "{\"event\":\"message\",\"data\":\"ok\",\"id\":\"\"}\n{\"last_event_id\":\"\"}\n"
        );
        let messages = report.messages();
        assert!(messages[0].contains("--max-event-len"), "{messages:?}");
        assert!(!messages[0].contains("Limits::"), "{messages:?}");
    }

    #[test]
    fn hints_at_html_and_json_only() {
        assert!(hint(b"\n  <!DOCTYPE html><html>").is_some_and(|h| h.contains("HTML")));
        assert!(hint(b"<HTML>").is_some_and(|h| h.contains("HTML")));
        assert!(hint(b"{\"error\": \"nope\"}").is_some_and(|h| h.contains("JSON")));
        assert!(hint(b"[1, 2]").is_some_and(|h| h.contains("JSON")));
        assert_eq!(hint(b"data: {\"a\": 1}\n\n"), None);
        assert_eq!(hint(b": comment\n"), None);
        assert_eq!(hint(b""), None);
    }
}
