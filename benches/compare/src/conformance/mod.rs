//! Conformance scoreboard (`--conformance`): every decoder row over the
//! repository's conformance corpus (`tests/data/cases.json`, read in place
//! so it cannot drift from the one the crate's tests use) at chunk sizes 1,
//! 2, 3, 7, 64 and the whole input. A case passes strictly when the row's
//! records equal `expected` (or one of its `alternatives`) at all six sizes.
//! A fast decoder that drops or alters events is not fast; this table sits
//! beside the speed tables to say which rows decode the standard.

mod drivers;

use serde_json::Value;
use std::fmt::Write as _;

/// What an application learns from a decoder, in the corpus's record form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rec {
    Event {
        event: String,
        data: String,
        id: String,
    },
    Retry(u64),
    LastId(String),
}

/// A run that stopped early: the records until then, and why (a returned
/// error, a panic).
#[derive(Debug)]
pub struct Stopped {
    pub records: Vec<Rec>,
    pub why: String,
}

/// A run's records, the final last event ID last.
pub type Outcome = Result<Vec<Rec>, Stopped>;

/// Feeds the chunks, in order, to one fresh decoder of a row.
pub type Driver = fn(&[&[u8]]) -> Outcome;

pub struct Case {
    pub name: String,
    pub input: Vec<u8>,
    /// `expected` first, then every accepted alternative.
    pub accepted: Vec<Vec<Rec>>,
}

pub const CHUNK_SIZES: [Option<usize>; 6] = [Some(1), Some(2), Some(3), Some(7), Some(64), None];

const CASES_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/data/cases.json"
));

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => u32::from(c - b'A'),
        b'a'..=b'z' => u32::from(c - b'a') + 26,
        b'0'..=b'9' => u32::from(c - b'0') + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u32> = text
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for group in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in group.iter().enumerate() {
            n |= d << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..group.len()]);
    }
    out
}

fn records(list: &Value) -> Vec<Rec> {
    let text = |v: &Value| v.as_str().expect("string field").to_string();
    list.as_array()
        .expect("record list")
        .iter()
        .map(|r| {
            if let Some(ms) = r.get("retry") {
                Rec::Retry(ms.as_u64().expect("retry fits u64"))
            } else if let Some(id) = r.get("last_event_id") {
                Rec::LastId(text(id))
            } else {
                Rec::Event {
                    event: text(&r["event"]),
                    data: text(&r["data"]),
                    id: text(&r["id"]),
                }
            }
        })
        .collect()
}

pub fn cases() -> Vec<Case> {
    let all: Value = serde_json::from_str(CASES_JSON).expect("cases.json parses");
    all.as_array()
        .expect("a list of cases")
        .iter()
        .map(|c| {
            let mut accepted = vec![records(&c["expected"])];
            if let Some(alts) = c.get("alternatives").and_then(Value::as_array) {
                accepted.extend(alts.iter().map(records));
            }
            Case {
                name: c["name"].as_str().expect("name").to_string(),
                input: base64_decode(c["input_b64"].as_str().expect("input_b64")),
                accepted,
            }
        })
        .collect()
}

pub fn split(input: &[u8], size: Option<usize>) -> Vec<&[u8]> {
    match size {
        Some(n) => input.chunks(n).collect(),
        None => vec![input],
    }
}

/// Run a driver, turning a panic into an outcome.
pub fn run_guarded(driver: Driver, chunks: &[&[u8]]) -> Outcome {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| driver(chunks))).unwrap_or_else(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_default();
        Err(Stopped {
            records: Vec::new(),
            why: format!("panic: {msg}"),
        })
    })
}

/// The case's topic, from its name: what part of the standard it exercises.
pub fn topic(name: &str) -> &'static str {
    let n = name;
    let has = |k: &str| n.contains(k);
    if has("bom") {
        "BOM"
    } else if has("nul") || has("null") {
        "NUL in id"
    } else if has("retry") {
        "retry"
    } else if has("utf") || has("multibyte") || has("unicode") {
        "UTF-8 (invalid or split)"
    } else if has("long") || has("20k") || has("huge") {
        "long lines"
    } else if has("-cr")
        || has("crlf")
        || has("newlines")
        || has("line-feeds")
        || has("carriage")
        || has("lf-")
    {
        "line endings (CR, LF, CRLF)"
    } else if has("unterminated")
        || has("eof")
        || has("no-trailing")
        || has("without-blank")
        || has("final")
    {
        "end of stream"
    } else if has("id") {
        "id / last event ID"
    } else if has("comment") || has("heartbeat") {
        "comments"
    } else if has("event") && !has("events") {
        "event type"
    } else {
        "fields and data"
    }
}

/// How a failing run first differs from `expected`.
pub fn first_difference(got: &Outcome, want: &[Rec]) -> String {
    let got = match got {
        Ok(g) => g,
        Err(st) if st.why.starts_with("panic") => return "panic".into(),
        Err(st) => {
            let before_end: Vec<&Rec> = want
                .iter()
                .filter(|r| !matches!(r, Rec::LastId(_)))
                .collect();
            return if st.records.iter().collect::<Vec<_>>() == before_end {
                "error returned after every expected record".into()
            } else {
                "error returned".into()
            };
        }
    };
    let events = |r: &[Rec]| r.iter().filter(|x| matches!(x, Rec::Event { .. })).count();
    match events(got).cmp(&events(want)) {
        std::cmp::Ordering::Greater => return "extra event".into(),
        std::cmp::Ordering::Less => return "missing event".into(),
        std::cmp::Ordering::Equal => {}
    }
    for (g, w) in got.iter().zip(want) {
        if g == w {
            continue;
        }
        return match (g, w) {
            (
                Rec::Event {
                    event: ge,
                    data: gd,
                    id: gi,
                },
                Rec::Event {
                    event: we,
                    data: wd,
                    id: wi,
                },
            ) => {
                if gd != wd {
                    "data differs".into()
                } else if ge != we {
                    "event type differs".into()
                } else {
                    debug_assert_ne!(gi, wi);
                    "id differs".into()
                }
            }
            (Rec::Retry(_), Rec::Retry(_)) => "retry value differs".into(),
            (Rec::LastId(_), Rec::LastId(_)) => "final last event ID differs".into(),
            _ => "retry record missing, extra or misplaced".into(),
        };
    }
    "retry record missing, extra or misplaced".into()
}

pub struct RowScore {
    pub name: &'static str,
    /// Cases right at every chunk size.
    pub strict: usize,
    /// Cases right when fed whole.
    pub whole: usize,
    /// (case, chunk size, first difference) of every case that failed strictly
    /// (its first failing chunk size).
    pub failures: Vec<(String, Option<usize>, String)>,
}

pub fn score(name: &'static str, driver: Driver, cases: &[Case]) -> RowScore {
    let mut s = RowScore {
        name,
        strict: 0,
        whole: 0,
        failures: Vec::new(),
    };
    for case in cases {
        let mut first_fail: Option<(Option<usize>, String)> = None;
        for size in CHUNK_SIZES {
            let chunks = split(&case.input, size);
            let got = run_guarded(driver, &chunks);
            let ok = got
                .as_ref()
                .is_ok_and(|g| case.accepted.iter().any(|a| a == g));
            if ok && size.is_none() {
                s.whole += 1;
            }
            if !ok && first_fail.is_none() {
                first_fail = Some((size, first_difference(&got, &case.accepted[0])));
            }
        }
        match first_fail {
            None => s.strict += 1,
            Some((size, why)) => s.failures.push((case.name.clone(), size, why)),
        }
    }
    s
}

pub fn drivers() -> Vec<(&'static str, Driver)> {
    drivers::all()
}

fn tally<'a>(items: impl Iterator<Item = &'a str>) -> Vec<(&'a str, usize)> {
    let mut out: Vec<(&str, usize)> = Vec::new();
    for it in items {
        match out.iter_mut().find(|(k, _)| *k == it) {
            Some((_, n)) => *n += 1,
            None => out.push((it, 1)),
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    out
}

fn size_label(size: Option<usize>) -> String {
    size.map_or("whole".to_string(), |n| n.to_string())
}

pub fn render(scores: &[RowScore], cases: &[Case], wall: f64) -> String {
    let mut md = String::new();
    let date =
        crate::cmd_out("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "unknown".into());
    let _ = writeln!(
        md,
        "# Rust SSE decoders: conformance scoreboard (peers-bench --conformance)\n"
    );
    let _ = writeln!(
        md,
        "- Date: {date}. Corpus: the repository's `tests/data/cases.json`, {} cases (web-platform-tests `eventsource/` \
         format tests, the `eventsource-parser` suite, the `eventsource` polyfill server, and spec corners; format in \
         `../shared/conformance/README.md`). Expected output follows the WHATWG HTML standard, \"Interpreting an event stream\".",
        cases.len()
    );
    let _ = writeln!(
        md,
        "- Method: each case fed at chunk sizes 1, 2, 3, 7, 64 and whole, each to a fresh decoder, driven as the speed rows \
         drive it. **Strict pass** = the records (every event's type, data and last event ID; `retry` records in stream \
         order; the final last event ID) equal `expected` or an accepted alternative at all six sizes. Command: \
         `cd benches/compare && cargo run --release -- --conformance` ({wall:.0} s)."
    );
    let _ = writeln!(md, "- {}\n", drivers::ADAPTATIONS);
    let _ = writeln!(
        md,
        "| decoder | strict passes | passes fed whole | main failure topics (cases) | how they first differ (cases) |\n|---|---:|---:|---|---|"
    );
    for s in scores {
        let topics = tally(s.failures.iter().map(|(c, _, _)| topic(c)));
        let whys = tally(s.failures.iter().map(|(_, _, w)| w.as_str()));
        let fmt = |v: &[(&str, usize)]| {
            if v.is_empty() {
                "–".to_string()
            } else {
                v.iter()
                    .take(4)
                    .map(|(k, n)| format!("{k} ({n})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let _ = writeln!(
            md,
            "| {} | {}/{} | {}/{} | {} | {} |",
            s.name,
            s.strict,
            cases.len(),
            s.whole,
            cases.len(),
            fmt(&topics),
            fmt(&whys)
        );
    }
    let _ = writeln!(
        md,
        "\n## Failing cases per decoder (first failing chunk size: first difference)\n"
    );
    for s in scores {
        if s.failures.is_empty() {
            let _ = writeln!(md, "- **{}**: none", s.name);
            continue;
        }
        let list = s
            .failures
            .iter()
            .map(|(c, size, why)| format!("`{c}` ({}: {why})", size_label(*size)))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            md,
            "- **{}** ({} failing): {list}",
            s.name,
            s.failures.len()
        );
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_every_padding() {
        assert_eq!(base64_decode("ZGF0YToxCgo="), b"data:1\n\n");
        assert_eq!(base64_decode("YQ=="), b"a");
        assert_eq!(base64_decode("YWI="), b"ab");
        assert_eq!(base64_decode("YWJj"), b"abc");
        assert_eq!(base64_decode(""), b"");
    }

    /// Every ssewire row (the core rows, `decode` and `feed`, and the
    /// ssewire-async stream row)
    /// decodes the whole corpus at every chunk size.
    #[test]
    fn ssewire_rows_pass_the_corpus_strictly() {
        let cases = cases();
        assert!(cases.len() >= 100);
        for (name, driver) in drivers() {
            if name.starts_with("ssewire") {
                let s = score(name, driver, &cases);
                assert!(s.failures.is_empty(), "{name}: {:?}", s.failures);
                assert_eq!(s.strict, cases.len());
            }
        }
    }

    /// The scorer can fail a row: a driver that drops the last event, or
    /// alters one byte of data, loses exactly the cases with events.
    #[test]
    fn scorer_rejects_wrong_records() {
        fn drop_last_event(chunks: &[&[u8]]) -> Outcome {
            let mut r = drivers::all()[8].1(chunks)?;
            if let Some(i) = r.iter().rposition(|x| matches!(x, Rec::Event { .. })) {
                r.remove(i);
            }
            Ok(r)
        }
        fn alter_data(chunks: &[&[u8]]) -> Outcome {
            let mut r = drivers::all()[8].1(chunks)?;
            for x in &mut r {
                if let Rec::Event { data, .. } = x {
                    data.push('!');
                }
            }
            Ok(r)
        }
        assert_eq!(drivers::all()[8].0, "ssewire (borrowed)");
        let cases = cases();
        let with_events = cases
            .iter()
            .filter(|c| c.accepted[0].iter().any(|r| matches!(r, Rec::Event { .. })))
            .count();
        assert!(with_events > 50 && with_events < cases.len());
        for (driver, why) in [
            (drop_last_event as Driver, "missing event"),
            (alter_data, "data differs"),
        ] {
            let s = score("mutated", driver, &cases);
            assert_eq!(s.failures.len(), with_events);
            assert_eq!(s.strict, cases.len() - with_events);
            assert!(
                s.failures
                    .iter()
                    .all(|(_, size, w)| *size == Some(1) && w == why),
                "{:?}",
                s.failures
            );
        }
    }
}
