//! `sse_to_json` as a user meets it: the built binary, run with arguments,
//! stdin and pipes.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn sse_to_json() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sse_to_json"))
}

/// Runs with `args`, `stdin` as input; returns the output.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = sse_to_json()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sse_to_json");
    let mut input = child.stdin.take().expect("piped");
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().expect("wait for sse_to_json");
    writer.join().expect("writer thread");
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A file of its own in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &[u8]) -> TempFile {
        let path = std::env::temp_dir().join(format!("sse_to_json-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).expect("write a temporary file");
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temporary path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn version_names_the_program() {
    let output = run(&["--version"], b"");
    assert!(output.status.success());
    assert_eq!(
        text(&output.stdout),
        format!("sse_to_json {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_dash_reads_stdin() {
    let output = run(&["-"], b"id: 1\ndata: a\n\n");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "{\"event\":\"message\",\"data\":\"a\",\"id\":\"1\"}\n{\"last_event_id\":\"1\"}\n"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let input = b"data: some event data, long enough to fill pipes quickly\n\n".repeat(200_000);
    let mut child = sse_to_json()
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sse_to_json");
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    // As `| head -n 1` does: read one line, then close the pipe.
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut first)
        .expect("read a line");
    assert!(first.starts_with("{\"event\""), "{first}");
    let output = child.wait_with_output().expect("wait");
    writer.join().expect("writer thread");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(text(&output.stderr), "", "a closed pipe is not an error");
}

#[test]
fn read_errors_name_the_path() {
    let directory = std::env::temp_dir();
    let directory = directory.to_str().expect("UTF-8");
    let output = run(&[directory], b"");
    assert_eq!(output.status.code(), Some(3));
    let stderr = text(&output.stderr);
    assert!(stderr.contains(directory), "{stderr}");

    let missing = "no/such/file.sse";
    let output = run(&[missing], b"");
    assert_eq!(output.status.code(), Some(3));
    assert!(text(&output.stderr).contains(missing));
}

#[test]
fn limit_errors_name_the_option_to_raise() {
    let output = run(
        &["--max-line-len", "8", "-"],
        b"data: far too long\n\ndata: ok\n\n",
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("--max-line-len"), "{stderr}");
    assert!(!stderr.contains("Limits::"), "{stderr}");
    assert!(text(&output.stdout).contains("\"data\":\"ok\""));

    let output = run(&["--max-event-len", "3"], b"data: abcd\n\n");
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("--max-event-len"));
}

#[test]
fn usage_errors_print_a_short_usage_and_help_lists_exit_statuses() {
    let output = run(&["--bogus"], b"");
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("--bogus") && stderr.contains("usage: sse_to_json"),
        "{stderr}"
    );
    assert!(
        stderr.lines().count() <= 5,
        "the whole help was printed:\n{stderr}"
    );

    let output = run(&["--help"], b"");
    assert!(output.status.success());
    let help = text(&output.stdout);
    assert!(help.contains("exit status"), "{help}");
}

#[test]
fn html_and_json_input_get_a_hint() {
    let output = run(
        &[],
        b"<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n",
    );
    assert!(output.status.success());
    assert!(
        text(&output.stderr).contains("looks like HTML"),
        "{}",
        text(&output.stderr)
    );

    let output = run(&[], b"{\"error\": \"unauthorized\"}\n");
    assert!(
        text(&output.stderr).contains("looks like JSON"),
        "{}",
        text(&output.stderr)
    );

    let output = run(&[], b"data: {\"a\": 1}\n\n");
    assert_eq!(text(&output.stderr), "");
}

#[test]
fn bench_prints_both_paths_at_each_chunk_size_and_progress() {
    let file = TempFile::new(
        "bench.sse",
        &b"event: tick\ndata: {\"n\": 1}\n\n".repeat(100),
    );
    let output = sse_to_json()
        .args(["--bench", file.path(), "--chunk", "7", "--chunk", "4096"])
        .env("SSE_TO_JSON_PROGRESS_AFTER_MS", "0")
        .output()
        .expect("run sse_to_json");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("100 events"), "{stdout}");
    assert!(stdout.contains("machine:"), "{stdout}");
    assert!(
        stdout.contains("MiB/s") && stdout.contains("events/s"),
        "{stdout}"
    );
    assert!(stdout.contains("spread"), "{stdout}");
    for path in ["borrowed", "owned"] {
        for chunk in ["7", "4096"] {
            let row = stdout
                .lines()
                .find(|line| {
                    let mut words = line.split_whitespace();
                    words.next() == Some(path) && words.next() == Some(chunk)
                })
                .unwrap_or_else(|| panic!("no row for {path} at {chunk}:\n{stdout}"));
            let mib_per_s: f64 = row
                .split_whitespace()
                .nth(2)
                .expect("MiB/s")
                .parse()
                .expect("a number");
            assert!(mib_per_s > 0.0, "{row}");
        }
    }
    let progress = text(&output.stderr);
    assert_eq!(
        progress.lines().filter(|l| l.contains("bench")).count(),
        4 * 5,
        "{progress}"
    );
}
