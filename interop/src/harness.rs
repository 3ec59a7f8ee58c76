//! Running the outside programs the tests talk to: headless Chromium, curl,
//! and the main crate's example binaries.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::{Record, percent_decode};

/// Set (to anything but `0` or empty) to make a missing browser or curl fail
/// the tests instead of skipping them. CI sets it.
pub const REQUIRE_ENV: &str = "SSEWIRE_REQUIRE_BROWSER";

/// Where Chromium is looked for, unless `SSEWIRE_CHROMIUM` names another.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Whether [`REQUIRE_ENV`] is set.
pub fn tools_required() -> bool {
    std::env::var(REQUIRE_ENV).is_ok_and(|value| !value.is_empty() && value != "0")
}

/// Says, past the test harness's output capture, that a test is skipped.
pub fn announce_skip(test: &str, why: &str) {
    // One write, straight to stderr: the test harness captures `eprintln!`
    // of passing tests, and a skip must not pass unseen.
    let message =
        format!("\n*** SKIPPED {test}: {why}. Set {REQUIRE_ENV}=1 to make this a failure. ***\n");
    let _ = io::stderr().write_all(message.as_bytes());
}

/// The Chromium binary: `Ok(None)` when it is missing and not required (the
/// caller skips), an error when it is missing and required.
pub fn chromium() -> Result<Option<PathBuf>, String> {
    let path =
        std::env::var_os("SSEWIRE_CHROMIUM").map_or_else(|| PathBuf::from(CHROMIUM), PathBuf::from);
    if path.is_file() {
        Ok(Some(path))
    } else if tools_required() {
        Err(format!(
            "{} not found and {REQUIRE_ENV} is set",
            path.display()
        ))
    } else {
        Ok(None)
    }
}

/// Whether a program runs (`program --version` succeeds).
pub fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Loads `url` in headless Chromium and returns the DOM once the page is
/// settled.
///
/// `--virtual-time-budget` makes Chromium wait for network activity and run
/// timers (the `retry` delays) in virtual time; the DOM is dumped when the
/// budget is spent with nothing in flight. An event stream that stays open
/// holds it back, so the page must close its `EventSource` and the server
/// must end the stream; `timeout` kills Chromium (and its child processes,
/// which share its process group) after `limit` otherwise.
pub fn dump_dom(
    chromium: &Path,
    url: &str,
    budget: Duration,
    limit: Duration,
) -> Result<String, String> {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let profile = std::env::temp_dir().join(format!(
        "ssewire-chromium-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&profile)
        .map_err(|e| format!("cannot create {}: {e}", profile.display()))?;
    let output = Command::new("timeout")
        .args(["-k", "5", &limit.as_secs().to_string()])
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
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--virtual-time-budget={}", budget.as_millis()))
        .args(["--dump-dom", url])
        .stdin(Stdio::null())
        .output();
    let _ = std::fs::remove_dir_all(&profile);
    let output = output.map_err(|e| format!("cannot run timeout/chromium: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => {
            String::from_utf8(output.stdout).map_err(|e| format!("the DOM is not UTF-8: {e}"))
        }
        Some(124 | 137) => Err(format!(
            "chromium did not finish within {limit:?} (the page never closed its EventSource?)\nstderr:\n{stderr}"
        )),
        _ => Err(format!(
            "chromium failed: {}\nstderr:\n{stderr}",
            output.status
        )),
    }
}

/// What a test page recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page {
    /// Every event received, in order.
    pub records: Vec<Record>,
    /// The page's last state: `done` once it received the `done` event.
    pub state: String,
    /// How many times the `EventSource` opened a connection.
    pub opens: usize,
    /// How many `error` events it fired (one per lost connection).
    pub errors: usize,
}

/// Reads what a test page (the main crate's `examples/server.rs` page or
/// [`crate::server::page`]) recorded, from Chromium's `--dump-dom` output:
/// `data-record="TYPE DATA ID"` attributes, each field percent-encoded, and
/// `data-state`, `data-opens` and `data-errors` on `#status`.
pub fn read_page(dom: &str) -> Result<Page, String> {
    let mut page = Page::default();
    for (at, _) in dom.match_indices("data-record=\"") {
        let value = attribute_at(dom, at)?;
        let fields: Vec<&str> = value.split(' ').collect();
        let [event_type, data, id] = fields[..] else {
            return Err(format!("a record without three fields: {value:?}"));
        };
        page.records.push(Record {
            event_type: percent_decode(event_type)?,
            data: percent_decode(data)?,
            last_event_id: percent_decode(id)?,
        });
    }
    let status = dom
        .find("id=\"status\"")
        .and_then(|at| dom[at..].find('>').map(|end| &dom[at..at + end]))
        .ok_or("no #status element")?;
    let number = |name: &str| -> Result<usize, String> {
        let at = status
            .find(&format!("{name}=\""))
            .ok_or(format!("no {name}"))?;
        attribute_at(status, at)?
            .parse()
            .map_err(|e| format!("{name}: {e}"))
    };
    let state_at = status.find("data-state=\"").ok_or("no data-state")?;
    attribute_at(status, state_at)?.clone_into(&mut page.state);
    page.opens = number("data-opens")?;
    page.errors = number("data-errors")?;
    Ok(page)
}

/// The value of the attribute whose name starts at `at`.
fn attribute_at(text: &str, at: usize) -> Result<&str, String> {
    let start = text[at..]
        .find('"')
        .map(|i| at + i + 1)
        .ok_or("unterminated attribute")?;
    let end = text[start..]
        .find('"')
        .map(|i| start + i)
        .ok_or("unterminated attribute")?;
    Ok(&text[start..end])
}

/// A running example server binary (the main crate's `examples/server.rs`),
/// killed when dropped.
#[derive(Debug)]
pub struct StdServer {
    child: Child,
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
}

impl StdServer {
    /// Starts `binary` on a free port with `args`, and waits for its
    /// `listening on` line.
    pub fn start(binary: &Path, args: &[&str]) -> io::Result<StdServer> {
        let mut child = Command::new(binary)
            .arg("0")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        let read = BufReader::new(stdout).read_line(&mut line);
        let base_url = line
            .trim()
            .strip_prefix("listening on ")
            .map(|url| url.trim_end_matches('/').to_owned());
        match (read, base_url) {
            (Ok(_), Some(base_url)) => Ok(StdServer { child, base_url }),
            (read, _) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(io::Error::other(format!(
                    "the server printed {line:?} ({read:?})"
                )))
            }
        }
    }

    /// Stops the server and returns what it logged on stderr.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut log = String::new();
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut log);
        }
        log
    }

    /// The server's stderr, to read while it runs.
    pub fn take_stderr(&mut self) -> Option<ChildStderr> {
        self.child.stderr.take()
    }
}

impl Drop for StdServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `Last-Event-ID` values the example server logged, one per
/// `GET /events` (its log lines are `GET /events, Last-Event-ID: {:?}`).
pub fn logged_last_event_ids(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|line| line.strip_prefix("GET /events, Last-Event-ID: "))
        .map(str::to_owned)
        .collect()
}

/// What the example server's `--script` stream dispatches, written out by
/// hand from its `SCRIPT` table (see `examples/server.rs`). Each connection
/// also starts with `retry: 500`.
pub fn example_script_events() -> Vec<Record> {
    [
        ("message", "hello", "1"),
        ("multiline", "LF\nCR LF\nCR\nend", "2"),
        ("message", "  two leading spaces, two trailing  ", "3"),
        (
            "multiline",
            "no id field: the last event ID is still 3\n",
            "3",
        ),
        ("empty", "", "4"),
        ("ünïcødé", "héllo wörld ✓ 日本語 🎉", "5"),
        ("message", "data: not a field\n\nid: 99", "6"),
        ("message", "an empty id resets the last event ID", ""),
        ("update", "the id is back", "7"),
        ("done", "bye", "8"),
    ]
    .into_iter()
    .map(|(event_type, data, id)| Record::new(event_type, data, id))
    .collect()
}

/// The reconnection time the example server sends, in milliseconds.
pub const EXAMPLE_RETRY_MS: u64 = 500;
