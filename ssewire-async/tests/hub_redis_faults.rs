//! The hub on Redis when Redis fails (feature `redis`): unreachable at
//! start, and restarting under live subscribers, with and without
//! persistence. The restarts run redis-server processes of the tests' own
//! (tests/support/redis.rs), killed with SIGKILL.
//!
//! Real sockets and a real server: the real clock, each wait bounded far
//! above what it needs.

#[path = "support/redis.rs"]
mod redis_server;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use redis_server::RedisServer;
use ssewire::Message;
use ssewire_async::hub::{End, Hub, RedisHub, RedisHubBuilder, RedisHubError, Start, Subscription};

async fn next(subscription: &mut Subscription) -> Option<String> {
    let sent = tokio::time::timeout(Duration::from_secs(15), subscription.next())
        .await
        .expect("an event or the end within 15 s")?
        .unwrap();
    Some(String::from_utf8(sent.as_bytes().to_vec()).unwrap())
}

/// Publishes `data`, retrying while the hub reconnects (the first attempt
/// after a restart finds its connection broken), for at most 15 s.
async fn publish(hub: &RedisHub, data: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match hub.publish(Message::new(data)).await {
            Ok(id) => return id.to_string(),
            Err(error) => assert!(Instant::now() < deadline, "publishing: {error}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Connects `builder` to `server` and subscribes; the subscription has seen
/// one event, `data: before`, whose id is returned.
async fn watching(
    builder: RedisHubBuilder,
    server: &RedisServer,
) -> (RedisHub, Subscription, String) {
    let hub = builder.connect(&server.url()).await.unwrap();
    let mut subscription = hub.subscribe(None).await.unwrap();
    let before = publish(&hub, "before").await;
    assert!(next(&mut subscription).await.unwrap().contains(&before));
    (hub, subscription, before)
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !done() {
        assert!(Instant::now() < deadline, "not within 15 s: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_redis_is_a_clear_error_within_the_timeout() {
    // Nothing listens on the port: refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = Hub::builder()
        .redis("s")
        .connect(&format!("redis://127.0.0.1:{port}/"))
        .await;
    assert!(
        matches!(refused, Err(RedisHubError::Redis(_))),
        "{refused:?}"
    );
    // Something accepts connections and never answers: the timeout ends
    // the wait.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = silent.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut sockets = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            sockets.push(socket);
        }
    });
    let start = Instant::now();
    let timeout = Duration::from_millis(300);
    let silent = Hub::builder()
        .redis("s")
        .timeout(timeout)
        .connect(&format!("redis://{address}/"))
        .await;
    let error = silent.expect_err("no answer is an error");
    assert!(
        matches!(&error, RedisHubError::Redis(e) if e.is_timeout()),
        "{error}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    println!("silent server: {error} after {:?}", start.elapsed());
    held.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_that_kept_the_stream_subscribers_go_on() {
    let dir = std::env::temp_dir().join(format!("ssewire-redis-aof-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let Some(server) = RedisServer::start(Some(dir.clone())) else {
        return;
    };
    let (hub, mut subscription, before) = watching(Hub::builder().redis("kept"), &server).await;
    let server = server.restart();
    let after = publish(&hub, "after").await;
    // The same stream goes on: the event published after the restart, and
    // no end.
    let sent = next(&mut subscription).await.unwrap();
    assert_eq!(sent, format!("id: {after}\ndata: after\n\n"));
    let stats = hub.stats();
    assert!(stats.reconnects >= 1, "{stats:?}");
    assert_eq!(stats.history_lost, 0, "{stats:?}");
    // Redis kept the history: a client resumes from before the restart.
    let mut resumed = hub.subscribe(Some(&before)).await.unwrap();
    assert_eq!(resumed.start(), Start::Resumed);
    assert_eq!(next(&mut resumed).await, Some(sent));
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_that_lost_the_stream_subscribers_are_told_to_resume() {
    let Some(server) = RedisServer::start(None) else {
        return;
    };
    let (hub, mut subscription, before) = watching(Hub::builder().redis("lost"), &server).await;
    let server = server.restart();
    // The stream ends, so that the client reconnects with its
    // Last-Event-ID.
    assert_eq!(next(&mut subscription).await, None);
    assert_eq!(subscription.end(), Some(End::Disconnected));
    until("the reader noticed", || hub.stats().history_lost == 1).await;
    // Redis lost `before`; this server still has it in memory and resumes
    // the client from there, with what is published now.
    let mut resumed = hub.subscribe(Some(&before)).await.unwrap();
    let after = publish(&hub, "after").await;
    assert_eq!(resumed.start(), Start::Resumed);
    assert_eq!(
        next(&mut resumed).await.unwrap(),
        format!("id: {after}\ndata: after\n\n")
    );
    // Another server, which never had it, applies the unknown-id policy
    // (Oldest: what Redis has now).
    let other = Hub::builder()
        .redis("lost")
        .connect(&server.url())
        .await
        .unwrap();
    let mut elsewhere = other.subscribe(Some(&before)).await.unwrap();
    assert_eq!(elsewhere.start(), Start::Unknown);
    assert_eq!(
        next(&mut elsewhere).await.unwrap(),
        format!("id: {after}\ndata: after\n\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_redis_is_down_publishing_fails_within_the_timeout_and_live_streams_stay() {
    let Some(server) = RedisServer::start(None) else {
        return;
    };
    let timeout = Duration::from_millis(500);
    let builder = Hub::builder().redis("down").timeout(timeout);
    let (hub, mut subscription, before) = watching(builder, &server).await;
    let (port, dir) = server.kill();
    // Each attempt is an error, none a hang; the live stream stays open.
    for _ in 0..3 {
        let start = Instant::now();
        let refused = hub.publish(Message::new("lost")).await;
        assert!(
            matches!(refused, Err(RedisHubError::Redis(_))),
            "{refused:?}"
        );
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "took {:?}",
            start.elapsed()
        );
    }
    let resuming = hub.subscribe(Some("1-0")).await;
    assert!(
        matches!(resuming, Err(RedisHubError::Redis(_))),
        "{resuming:?}"
    );
    let _server = RedisServer::start_on(port, dir).unwrap();
    let after = publish(&hub, "after").await;
    // Redis came back empty: the stream ends, for the client to resume.
    assert_eq!(next(&mut subscription).await, None);
    assert_eq!(subscription.end(), Some(End::Disconnected));
    let mut resumed = hub.subscribe(Some(&before)).await.unwrap();
    assert_eq!(
        next(&mut resumed).await.unwrap(),
        format!("id: {after}\ndata: after\n\n")
    );
}
