//! `examples/sse_follow` against the scripted server on loopback: its
//! output lines, the headers it sends, and its exit status.

mod example_program;
mod support;

use std::process::{Command, Output};

use support::{Answer, Seen, serve};

/// The example program, as `cargo test` or `cargo build --example` built it.
fn sse_follow() -> Command {
    example_program::example("sse_follow", "reqwest", "--max-connections")
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
        &["--read-timeout", "soon", "http://127.0.0.1:1/"],
        &["--max-wait", "-1", "http://127.0.0.1:1/"],
        &["-H", "no colon", "http://127.0.0.1:1/"],
        &["-X", "B A D", "http://127.0.0.1:1/"],
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
    // A POST the server treats as a subscription: sent again on purpose.
    let policy = ssewire::client::Client::builder()
        .min_reconnection_time(std::time::Duration::ZERO)
        .reconnection_time(std::time::Duration::from_millis(10))
        .request("POST", true)
        .repeat_request(true)
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

#[test]
fn help_exits_0_and_lists_the_exit_statuses() {
    for flag in ["--help", "-h"] {
        let output = sse_follow().arg(flag).output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        let help = stdout(&output);
        for line in [
            "  0  the server answered 204",
            "  1  the server refused",
            "  2  usage error",
            "  3  --max-connections",
            "  4  the stream of a request that is not repeated",
            "  5  gave up",
        ] {
            assert!(help.contains(line), "{line:?} missing from:\n{help}");
        }
        for option in [
            "--read-timeout",
            "--max-wait",
            "-X METHOD",
            "-d BODY",
            "-H 'Name: value'",
        ] {
            assert!(help.contains(option), "{option}");
        }
    }
}

#[tokio::test]
async fn a_cut_post_exits_4_without_a_second_request() {
    let (output, seen) = run(
        vec![Answer::events("data: {\"t\":\"Hel\"}\n\ndata: {\"t\"")],
        &["-d", "{\"q\":1}", "-H", "Authorization: Bearer sk-test"],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert_eq!(
        stdout(&output),
        "{\"event\":\"message\",\"data\":\"{\\\"t\\\":\\\"Hel\\\"}\",\"id\":\"\"}\n"
    );
    assert!(stderr.contains("after 1 event(s)"), "{stderr}");
    assert!(stderr.contains("not sent again"), "{stderr}");
    assert_eq!(seen.len(), 1, "a second request was sent");
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].body, "{\"q\":1}");
    assert_eq!(seen[0].authorization.as_deref(), Some("Bearer sk-test"));
}

#[tokio::test]
async fn a_stall_reconnects_after_the_read_timeout() {
    let (output, seen) = run(
        vec![
            Answer::hang_after("retry: 100\nid: 1\ndata: a\n\n"),
            Answer::hang_after("data: b\n\n"),
        ],
        &["--read-timeout", "0.3", "--max-connections", "2"],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.matches("no bytes for 0.3 s").count(), 2, "{stderr}");
    let ids: Vec<_> = seen
        .iter()
        .map(|seen| seen.last_event_id.as_deref())
        .collect();
    assert_eq!(ids, [None, Some("1")]);
}

#[tokio::test]
async fn a_huge_retry_waits_no_longer_than_max_wait() {
    let (output, seen) = run(
        vec![Answer::events("retry: 99999999999\ndata: a\n\n")],
        &["--max-wait", "0.2"],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("reconnecting in 200 ms"), "{stderr}");
    assert_eq!(seen.len(), 2);
}

#[tokio::test]
async fn an_id_no_header_can_carry_is_reported_on_stderr() {
    let (output, seen) = run(
        vec![Answer::events("retry: 100\nid: a\u{1}b\ndata: x\n\n")],
        &[],
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr
            .contains("the last event ID \"a\\u{1}b\" holds a character no HTTP header can carry"),
        "{stderr}"
    );
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].last_event_id, None);
}

#[tokio::test]
async fn a_host_that_never_answers_is_given_up_on_with_the_cause() {
    // A port with nothing listening on it.
    let address = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let mut command = sse_follow();
    command
        .args(["--max-tries", "2"])
        .arg(format!("http://{address}/events"));
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert_eq!(stderr.matches("connection failed").count(), 2, "{stderr}");
    assert!(
        stderr.to_lowercase().contains("connection refused"),
        "{stderr}"
    );
    assert!(stderr.contains("gave up: 2 attempt(s)"), "{stderr}");
}

#[tokio::test]
async fn the_reqwest_client_does_not_send_a_post_twice() {
    use futures_util::StreamExt;
    use ssewire_async::client::Error;

    let (address, seen) = serve(vec![Answer::events("data: {\"t\":1}\n\ndata: {\"t")]).await;
    let http = reqwest::Client::new();
    let url = format!("http://{address}/events");
    // As a new user writes it: the policy learns from the request itself.
    let mut source = ssewire_async::client::reqwest(move || http.post(&url).body("{}"));
    let mut last = None;
    while let Some(update) = source.next().await {
        last = Some(update);
    }
    let Some(Err(Error::NotRepeated(received))) = last else {
        panic!("{last:?}")
    };
    assert_eq!(received.events, 1);
    assert_eq!(received.finish, ssewire::Finish::Truncated);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_saved_last_event_id_is_sent_on_the_first_request() {
    let (output, seen) = run(
        vec![Answer::events("data: x\n\n")],
        &["--last-event-id", "41"],
    )
    .await;
    assert_eq!(output.status.code(), Some(0));
    let ids: Vec<_> = seen
        .iter()
        .map(|seen| seen.last_event_id.as_deref())
        .collect();
    assert_eq!(ids, [Some("41"), Some("41")]);
}
