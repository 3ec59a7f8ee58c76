//! A real browser through `examples/sse_hub`: headless Chromium's
//! `EventSource` receives events, is cut off, reconnects with
//! `Last-Event-ID`, and receives what was published meanwhile, each event
//! once. The page drives it all (publishing with `fetch`), and records
//! every event into the DOM, which Chromium prints when it is done.
//!
//! Without `/usr/bin/chromium` (or `SSEWIRE_CHROMIUM`) the test prints one
//! `SKIP:` line and passes, unless `SSEWIRE_REQUIRE_BROWSER` is set (CI sets
//! it), in which case it fails. The README's test command builds the example.

mod example_program;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The test page, served by `sse_hub` (`--page`) so that the `EventSource`
/// is same-origin. Each event becomes `data-record="TYPE DATA ID"`, each
/// field percent-encoded.
const PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>hub</title>
<div id="status" data-state="open" data-opens="0" data-errors="0"></div><ul id="records"></ul>
<script>
const status = document.getElementById("status");
const records = document.getElementById("records");
const post = (path, body) => fetch(path, { method: "POST", body });
const record = (e) => {
  const item = document.createElement("li");
  const fields = [e.type, e.data, e.lastEventId].map(encodeURIComponent);
  item.setAttribute("data-record", fields.join(" "));
  records.append(item);
};
let opens = 0, errors = 0;
const source = new EventSource("/events");
source.onopen = () => {
  status.dataset.opens = ++opens;
  if (opens === 1) post("/publish?event=tick", "one").then(() => post("/publish?event=tick", "two\nlines"));
};
source.onmessage = record; // the priming events: an id and empty data
source.addEventListener("tick", (e) => {
  record(e);
  if (e.data === "two\nlines") post("/disconnect");
});
source.addEventListener("done", (e) => {
  record(e);
  source.close();
  status.dataset.state = "done";
});
source.onerror = () => {
  status.dataset.errors = ++errors;
  if (errors === 1) post("/publish?event=tick", "three").then(() => post("/publish?event=done", "bye"));
};
</script>"#;

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("SSEWIRE_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if path.is_file() {
        return Some(path);
    }
    let required =
        std::env::var("SSEWIRE_REQUIRE_BROWSER").is_ok_and(|v| !v.is_empty() && v != "0");
    assert!(
        !required,
        "{} not found and SSEWIRE_REQUIRE_BROWSER is set",
        path.display()
    );
    None
}

/// `examples/sse_hub`, as `cargo test` or `cargo build --example` built it.
fn sse_hub() -> Command {
    example_program::example("sse_hub", "axum", "--history")
}

/// The server, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn percent_decode(text: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' && tail.len() >= 2 {
            let hex = std::str::from_utf8(&tail[..2]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).unwrap()
}

/// The value of attribute `name` after `at` in `dom`.
fn attribute<'a>(dom: &'a str, at: usize, name: &str) -> &'a str {
    let start = dom[at..].find(&format!("{name}=\"")).unwrap() + at + name.len() + 2;
    let end = dom[start..].find('"').unwrap() + start;
    &dom[start..end]
}

/// Loads `url` in headless Chromium and returns its output, the DOM once
/// the page has settled: `--virtual-time-budget` runs the page's timers
/// (the reconnection delay) in virtual time, and `timeout` kills Chromium
/// if the page never closes its `EventSource`.
fn dump_dom(chromium: &Path, url: &str) -> Output {
    let profile = std::env::temp_dir().join(format!("ssewire-hub-chromium-{}", std::process::id()));
    let output = Command::new("timeout")
        .args(["-k", "5", "90"])
        .arg(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--virtual-time-budget=30000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    output
}

#[test]
fn chromium_resumes_through_sse_hub() {
    let Some(chromium) = chromium() else {
        // Straight to stderr: the test harness captures `eprintln!`.
        let _ = std::io::stderr().write_all(
            b"SKIP: chromium_resumes_through_sse_hub: Chromium is not installed (apt-get install chromium)\n",
        );
        return;
    };
    let page = std::env::temp_dir().join(format!("ssewire-hub-page-{}.html", std::process::id()));
    std::fs::write(&page, PAGE).unwrap();
    let mut child = sse_hub()
        .args([
            "--listen",
            "127.0.0.1:0",
            "--priming-retry",
            "500",
            "--page",
        ])
        .arg(&page)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let mut server = Server(child);
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("sse_hub's first line")
        .to_owned();

    let output = dump_dom(&chromium, &format!("{url}/"));
    let _ = std::fs::remove_file(&page);
    let _ = server.0.kill();
    let _ = server.0.wait();
    let mut log = String::new();
    server
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let dom = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "chromium: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );

    let records: Vec<(String, String, String)> = dom
        .match_indices("data-record=\"")
        .map(|(at, _)| {
            let fields: Vec<String> = attribute(&dom, at, "data-record")
                .split(' ')
                .map(percent_decode)
                .collect();
            (fields[0].clone(), fields[1].clone(), fields[2].clone())
        })
        .collect();
    let expected: Vec<(String, String, String)> = [
        ("message", "", "0"), // priming: nothing published yet
        ("tick", "one", "1"),
        ("tick", "two\nlines", "2"),
        ("message", "", "2"), // priming of the resumed stream
        ("tick", "three", "3"),
        ("done", "bye", "4"),
    ]
    .iter()
    .map(|(t, d, i)| ((*t).to_owned(), (*d).to_owned(), (*i).to_owned()))
    .collect();
    assert_eq!(records, expected, "DOM:\n{dom}\nserver log:\n{log}");
    let status = dom.find("id=\"status\"").expect("the page's status");
    assert_eq!(attribute(&dom, status, "data-state"), "done");
    assert_eq!(attribute(&dom, status, "data-opens"), "2");
    assert_eq!(attribute(&dom, status, "data-errors"), "1");
    let streams: Vec<&str> = log
        .lines()
        .filter(|line| line.starts_with("GET /events"))
        .collect();
    assert_eq!(
        streams,
        [
            "GET /events, Last-Event-ID: None, New",
            "GET /events, Last-Event-ID: Some(\"2\"), Resumed"
        ],
        "{log}"
    );
}
