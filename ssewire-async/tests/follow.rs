//! `examples/sse_follow` against the scripted server on loopback: its
//! output lines, the headers it sends, and its exit status.

mod support;

use std::process::{Command, Output};

use support::{Answer, Seen, serve};

/// The example binary. `cargo build --example sse_follow` puts it in
/// `target/debug/examples` under its own name; `cargo test` (the README's
/// test command) builds it there under a hashed name, `sse_follow-<hash>`,
/// and `cargo test --all-targets` builds it as a test harness under another
/// such name. The newest of them that is the program (its `--help` names
/// `--max-connections`) is taken.
fn sse_follow() -> Command {
    let mut path = std::env::current_exe().unwrap();
    path.pop();
    if path.ends_with("deps") {
        path.pop();
    }
    let examples = path.join("examples");
    let mut candidates: Vec<_> = std::fs::read_dir(&examples)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name == "sse_follow" || (name.starts_with("sse_follow-") && !name.contains('.'))
        })
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .collect();
    candidates.sort();
    let program = candidates
        .into_iter()
        .rev()
        .map(|(_, path)| path)
        .find(|path| {
            Command::new(path)
                .arg("--help")
                .output()
                .is_ok_and(|output| {
                    let text = [output.stdout, output.stderr].concat();
                    String::from_utf8_lossy(&text).contains("--max-connections")
                })
        });
    let program = program.unwrap_or_else(|| {
        panic!(
            "no sse_follow program in {}: build it with `cargo build -p ssewire-async --features reqwest --example sse_follow`",
            examples.display()
        )
    });
    Command::new(program)
}

/// The `sse_to_json` binary of the `ssewire-cli` package, in the same
/// target directory: `cargo test --workspace` builds it for the CLI's own
/// tests, `cargo build -p ssewire-cli` otherwise.
fn sse_to_json() -> Command {
    let mut path = std::env::current_exe().unwrap();
    path.pop();
    if path.ends_with("deps") {
        path.pop();
    }
    let binary = path.join("sse_to_json");
    assert!(
        binary.exists(),
        "{} is missing: build it with `cargo build -p ssewire-cli`",
        binary.display()
    );
    Command::new(binary)
}

/// Runs `sse_follow ARGS http://ADDRESS/events` against `script`.
async fn run(script: Vec<Answer>, args: &[&str]) -> (Output, Vec<Seen>) {
    let (address, seen) = serve(script).await;
    let mut command = sse_follow();
    command.args(args).arg(format!("http://{address}/events"));
    let started = std::time::Instant::now();
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    eprintln!("sse_follow ran for {:?}", started.elapsed());
    let seen = seen.lock().unwrap().clone();
    (output, seen)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[tokio::test]
async fn it_prints_json_lines_reconnects_with_the_last_event_id_and_exits_0_after_204() {
    let started = std::time::Instant::now();
    let (output, seen) = run(
        vec![
            Answer::events("retry: 10\nid: 1\ndata: a\n\ndata: cut"),
            Answer::events("event: x\ndata: \"q\"\\\ndata: é\t\u{1}\n\n"),
        ],
        &[],
    )
    .await;
    assert_eq!(
        stdout(&output),
        concat!(
            "{\"retry\":10}\n",
            "{\"event\":\"message\",\"data\":\"a\",\"id\":\"1\"}\n",
            "{\"event\":\"x\",\"data\":\"\\\"q\\\"\\\\\\né\\t\\u0001\",\"id\":\"1\"}\n",
        )
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Two reconnections, each after the reconnection time: `retry: 10`,
    // raised to the policy's floor.
    let floor = ssewire::client::DEFAULT_MIN_RECONNECTION_TIME;
    assert!(started.elapsed() >= 2 * floor, "{:?}", started.elapsed());
    let ids: Vec<_> = seen
        .iter()
        .map(|seen| seen.last_event_id.as_deref())
        .collect();
    assert_eq!(ids, [None, Some("1"), Some("1")]);
    assert!(
        seen.iter()
            .all(|seen| seen.accept.as_deref() == Some("text/event-stream"))
    );
}

#[tokio::test]
async fn a_status_other_than_200_or_a_wrong_media_type_exits_1_without_reconnecting() {
    for answer in [
        Answer::status(404, "text/plain", "not found"),
        Answer::status(500, "text/event-stream", ""),
        Answer::status(200, "text/html", "<p>hi</p>"),
    ] {
        let (output, seen) =
            run(vec![Answer::events("data: first\n\n"), answer.clone()], &[]).await;
        assert_eq!(output.status.code(), Some(1), "{answer:?}");
        assert_eq!(seen.len(), 2, "{answer:?}");
        assert_eq!(
            stdout(&output),
            "{\"event\":\"message\",\"data\":\"first\",\"id\":\"\"}\n"
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&answer.status.to_string()) || stderr.contains("text/html"),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn it_exits_3_once_max_connections_have_ended() {
    let endless = vec![Answer::events("id: 1\ndata: a\n\n"); 10];
    let (output, seen) = run(endless, &["--max-connections", "2"]).await;
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(seen.len(), 2);
    assert_eq!(stdout(&output).lines().count(), 2);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["--max-connections"],
        &["--max-connections", "x", "http://127.0.0.1:1/"],
        &["not a url"],
        &["http://a/", "http://b/"],
    ] {
        let output = sse_follow().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("usage: sse_follow"));
    }
}

#[tokio::test]
async fn the_reqwest_client_posts_the_callers_body_and_reads_the_refused_response() {
    use futures_util::StreamExt;
    use ssewire_async::Item;
    use ssewire_async::client::{Error, Update};

    let (address, seen) = serve(vec![
        Answer::events("id: 9\ndata: {\"token\":1}\n\n"),
        Answer::status(503, "application/json", "{\"error\":\"busy\"}"),
    ])
    .await;
    let http = reqwest::Client::new();
    let url = format!("http://{address}/events");
    let policy = ssewire::client::Client::builder()
        .min_reconnection_time(std::time::Duration::ZERO)
        .reconnection_time(std::time::Duration::from_millis(10))
        .build();
    let mut source = ssewire_async::client::reqwest_with(
        move || http.post(&url).body("{\"prompt\":\"hi\"}"),
        policy,
    );
    let mut data = Vec::new();
    let error = loop {
        match source.next().await.expect("an error ends the stream") {
            Ok(Update::Item(Item::Event(event))) => data.push(event.data.to_string()),
            Ok(_) => {}
            Err(error) => break error,
        }
    };
    assert_eq!(data, ["{\"token\":1}"]);
    assert_eq!(error.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    let Error::Status(response) = error else {
        panic!("a status error")
    };
    let body = reqwest::Response::from(response).text().await.unwrap();
    assert_eq!(body, "{\"error\":\"busy\"}");
    assert!(source.next().await.is_none());
    let seen = seen.lock().unwrap();
    let requests: Vec<_> = seen
        .iter()
        .map(|seen| {
            (
                seen.method.as_str(),
                seen.body.as_str(),
                seen.last_event_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        requests,
        [
            ("POST", "{\"prompt\":\"hi\"}", None),
            ("POST", "{\"prompt\":\"hi\"}", Some("9"))
        ]
    );
}

#[tokio::test]
async fn its_lines_are_sse_to_jsons_lines() {
    // Connections that each end at an event boundary: together they decode
    // as the one stream they add up to, which is what sse_to_json reads.
    let bodies = [
        "\u{FEFF}retry: 25\r\nid: a\"b\\c\r\ndata: line 1\r\ndata:  line 2\r\n\r\n",
        ": comment\revent: ünïcødé\rdata: \t\u{7}\u{1f}\u{7f} 日本 🎉\r\r",
        "data\n\nid\ndata: id reset\n\nretry: 40\nevent: done\ndata: {\"k\":[1,2]}\n\n",
    ];
    let (output, _) = run(
        bodies.iter().map(|body| Answer::events(body)).collect(),
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0));

    let mut reference = sse_to_json()
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = reference.stdin.take().unwrap();
    // Only the first connection's BOM is at the start of the whole stream.
    let whole = bodies.concat();
    std::io::Write::write_all(&mut stdin, whole.as_bytes()).unwrap();
    drop(stdin);
    let reference = reference.wait_with_output().unwrap();
    assert!(reference.status.success());
    let reference = String::from_utf8(reference.stdout).unwrap();
    // sse_to_json ends with the last event ID, which a follower never
    // reaches the end of.
    let (events, last) = reference.trim_end().rsplit_once('\n').unwrap();
    assert_eq!(last, "{\"last_event_id\":\"\"}");
    assert_eq!(stdout(&output), format!("{events}\n"));
    assert_eq!(stdout(&output).lines().count(), 7);
}
