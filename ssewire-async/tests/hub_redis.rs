//! The hub on a real Redis (feature `redis`): servers sharing a stream,
//! resume across servers without gap or duplicate under concurrent
//! publishing, the unknown-id policy, and a slow server. See
//! tests/support/redis.rs for where the server comes from (or the `SKIP:`).
//!
//! These wait on a real server and sockets, so they use the real clock,
//! each wait bounded (10 s) far above what it needs.

#[path = "support/redis.rs"]
mod redis_server;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use ssewire::Message;
use ssewire_async::hub::{End, Hub, RedisHub, Start, Subscription, UnknownId};

/// A stream name no other test uses, on a shared server too.
fn stream(name: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The id and data of the next event, within 10 s.
async fn next(subscription: &mut Subscription) -> Option<(String, String)> {
    let sent = tokio::time::timeout(Duration::from_secs(10), subscription.next())
        .await
        .expect("an event or the end within 10 s")?
        .unwrap();
    let text = std::str::from_utf8(sent.as_bytes()).unwrap().to_owned();
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .unwrap_or_default()
            .to_owned()
    };
    Some((field("id: "), field("data: ")))
}

async fn node(url: &str, stream: &str, builder: ssewire_async::hub::HubBuilder) -> RedisHub {
    builder
        .redis(stream)
        .connect(url)
        .await
        .expect("redis answers")
}

async fn publish(hub: &RedisHub, data: &str) -> String {
    hub.publish(Message::new(data)).await.unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_resumes_on_another_server_with_exactly_what_it_missed() {
    let Some((url, _server)) = redis_server::url() else {
        return;
    };
    let name = stream("resume");
    let a = node(&url, &name, Hub::builder()).await;
    let b = node(&url, &name, Hub::builder()).await;
    let mut events = Vec::new();
    for n in 1..=5 {
        events.push((publish(&a, &n.to_string()).await, n.to_string()));
    }
    // C starts after the events: it has none in memory, and reads them
    // from Redis. B read them as they came.
    let c = node(&url, &name, Hub::builder()).await;
    for server in [&b, &c] {
        let mut resumed = server.subscribe(Some(&events[1].0)).await.unwrap();
        assert_eq!(resumed.start(), Start::Resumed);
        for event in &events[2..] {
            assert_eq!(next(&mut resumed).await.as_ref(), Some(event));
        }
        let live = (publish(&a, "live").await, "live".to_owned());
        assert_eq!(next(&mut resumed).await.as_ref(), Some(&live));
        events.push(live);
    }
    assert!(
        events.windows(2).all(|pair| pair[0].0 < pair[1].0),
        "ids are the stream's, increasing"
    );
    assert!(events[0].0.contains('-'), "a stream id: {}", events[0].0);
}

/// A small deterministic generator for the schedule.
fn lcg(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    *seed >> 33
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_under_concurrent_publishing_has_no_gap_and_no_duplicate() {
    let Some((url, _server)) = redis_server::url() else {
        return;
    };
    for seed in [29, 30, 31, 32] {
        concurrent(&url, seed).await;
    }
}

/// One schedule: 300 events published on A while clients resume on A, on
/// B and on servers started meanwhile, from ids drawn with `seed`.
async fn concurrent(url: &str, mut seed: u64) {
    let name = stream("concurrent");
    let total = 300;
    let builder = || Hub::builder().history(1000).queue(1000);
    let a = node(url, &name, builder()).await;
    let b = node(url, &name, builder()).await;
    let ids = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let publisher = {
        let (a, ids) = (a.clone(), ids.clone());
        tokio::spawn(async move {
            for n in 0..total {
                let id = publish(&a, &n.to_string()).await;
                ids.lock().unwrap().push(id);
                tokio::task::yield_now().await;
            }
        })
    };
    let mut checks = Vec::new();
    let mut fresh = None;
    while !publisher.is_finished() {
        let known = ids.lock().unwrap().clone();
        if known.is_empty() {
            tokio::task::yield_now().await;
            continue;
        }
        let from = usize::try_from(lcg(&mut seed)).unwrap_or(0) % known.len();
        // Every third subscription is on a server started just now, whose
        // memory holds nothing older: the seam between Redis and memory.
        let server = match lcg(&mut seed) % 3 {
            0 => {
                fresh = Some(node(url, &name, builder()).await);
                fresh.clone().unwrap()
            }
            1 => a.clone(),
            _ => b.clone(),
        };
        let subscription = server.subscribe(Some(&known[from])).await.unwrap();
        assert_eq!(subscription.start(), Start::Resumed);
        checks.push((from, subscription, server));
        tokio::time::sleep(Duration::from_millis(lcg(&mut seed) % 5)).await;
    }
    publisher.await.unwrap();
    let ids = ids.lock().unwrap().clone();
    assert!(checks.len() >= 10, "only {} subscriptions", checks.len());
    for (from, mut subscription, _server) in checks {
        for (n, id) in ids.iter().enumerate().skip(from + 1) {
            assert_eq!(
                next(&mut subscription).await,
                Some((id.clone(), n.to_string()))
            );
        }
    }
    drop(fresh);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ids_follow_the_policy() {
    let Some((url, _server)) = redis_server::url() else {
        return;
    };
    let name = stream("unknown");
    let trimmed = |policy| {
        Hub::builder()
            .history(5)
            .unknown_id(policy)
            .redis(&name)
            .exact_trim(true)
    };
    let oldest = trimmed(UnknownId::Oldest).connect(&url).await.unwrap();
    let mut kept = Vec::new();
    for n in 1..=10 {
        kept.push((publish(&oldest, &n.to_string()).await, n.to_string()));
    }
    let trimmed_away = kept.remove(0).0;
    kept.drain(..4);
    // Servers started after the trimming: the event trimmed away is in
    // no server's memory (the first one still has it, and would resume
    // from it exactly).
    let oldest = trimmed(UnknownId::Oldest).connect(&url).await.unwrap();
    let live = trimmed(UnknownId::Live).connect(&url).await.unwrap();
    // Not stream ids as Redis writes them, and an id Redis trimmed away.
    for last in ["not-an-id", "5", "05-0", &trimmed_away] {
        let mut subscription = oldest.subscribe(Some(last)).await.unwrap();
        assert_eq!(subscription.start(), Start::Unknown, "{last}");
        for event in &kept {
            assert_eq!(
                next(&mut subscription).await.as_ref(),
                Some(event),
                "{last}"
            );
        }
        let mut subscription = live.subscribe(Some(last)).await.unwrap();
        assert_eq!(subscription.start(), Start::Unknown, "{last}");
        let id = publish(&live, "after").await;
        let event = (id, "after".to_owned());
        assert_eq!(next(&mut subscription).await.as_ref(), Some(&event));
        kept.push(event);
        kept.remove(0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_server_holds_back_neither_redis_nor_the_others() {
    let Some((url, _server)) = redis_server::url() else {
        return;
    };
    let name = stream("slow");
    let a = node(&url, &name, Hub::builder().history(1000).queue(1000)).await;
    let b = node(&url, &name, Hub::builder().history(1000).queue(16)).await;
    let mut reading = a.subscribe(None).await.unwrap();
    // Never polled while the events go out: its server's reader must not
    // wait for it.
    let mut stalled = b.subscribe(None).await.unwrap();
    let mut ids = Vec::new();
    for n in 0..300 {
        ids.push(publish(&a, &n.to_string()).await);
    }
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(next(&mut reading).await, Some((id.clone(), n.to_string())));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while b.stats().position != ids[299] {
        assert!(
            tokio::time::Instant::now() < deadline,
            "B's reader stopped at {}",
            b.stats().position
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(next(&mut stalled).await, None);
    assert_eq!(stalled.end(), Some(End::Lagged));
    // Its client resumes, on the same slow server, from where it was.
    let mut resumed = b.subscribe(Some(&ids[0])).await.unwrap();
    assert_eq!(resumed.start(), Start::Resumed);
    for (n, id) in ids.iter().enumerate().skip(1) {
        assert_eq!(next(&mut resumed).await, Some((id.clone(), n.to_string())));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_no_hub_wrote_are_skipped() {
    let Some((url, _server)) = redis_server::url() else {
        return;
    };
    let name = stream("foreign");
    let hub = node(&url, &name, Hub::builder()).await;
    let mut subscription = hub.subscribe(None).await.unwrap();
    let first = publish(&hub, "first").await;
    // Two events in one entry, and an entry without the hub's field.
    let forged: [&[&[u8]]; 2] = [
        &[
            b"XADD",
            name.as_bytes(),
            b"*",
            b"sse",
            b"id: \ndata: a\n\ndata: b\n\n",
        ],
        &[b"XADD", name.as_bytes(), b"*", b"data", b"c"],
    ];
    for command in forged {
        assert!(
            redis_server::command(&url, command).starts_with('$'),
            "XADD answers an id"
        );
    }
    let last = publish(&hub, "last").await;
    assert_eq!(
        next(&mut subscription).await,
        Some((first, "first".to_owned()))
    );
    assert_eq!(
        next(&mut subscription).await,
        Some((last, "last".to_owned()))
    );
    assert_eq!(hub.stats().skipped, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_hub_ends_its_subscriptions() {
    let Some((url, _server)) = redis_server::url() else {
        return;
    };
    let hub = node(&url, &stream("dropped"), Hub::builder()).await;
    let mut subscription = hub.subscribe(None).await.unwrap();
    drop(hub);
    assert_eq!(next(&mut subscription).await, None);
    assert_eq!(subscription.end(), Some(End::Disconnected));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_from_redis_is_bounded_by_the_history_as_in_memory() {
    let Some((url, _server)) = redis_server::url() else {
        return;
    };
    let name = stream("bounded");
    // `MAXLEN ~ 5` keeps more than 5 entries in Redis (whole nodes of
    // about 100); a server still sends at most the history's 5 events, or
    // its bytes.
    let a = node(&url, &name, Hub::builder().history(5)).await;
    let mut events = Vec::new();
    for n in 0..20 {
        events.push((publish(&a, &n.to_string()).await, n.to_string()));
    }
    let fresh = node(&url, &name, Hub::builder().history(5)).await;
    let mut behind = fresh.subscribe(Some(&events[9].0)).await.unwrap();
    assert_eq!(behind.start(), Start::Unknown, "10 behind, 5 kept");
    for event in &events[15..] {
        assert_eq!(next(&mut behind).await.as_ref(), Some(event));
    }
    let mut resumed = fresh.subscribe(Some(&events[14].0)).await.unwrap();
    assert_eq!(resumed.start(), Start::Resumed, "5 behind");
    for event in &events[15..] {
        assert_eq!(next(&mut resumed).await.as_ref(), Some(event));
    }
    // Each event is about 30 bytes: 50 bytes hold one.
    let small = node(&url, &name, Hub::builder().history(5).history_bytes(50)).await;
    let mut resumed = small.subscribe(Some(&events[18].0)).await.unwrap();
    assert_eq!(
        resumed.start(),
        Start::Resumed,
        "1 behind, within the bytes"
    );
    assert_eq!(next(&mut resumed).await.as_ref(), Some(&events[19]));
    let mut behind = small.subscribe(Some(&events[16].0)).await.unwrap();
    assert_eq!(behind.start(), Start::Unknown, "3 behind, past the bytes");
    assert_eq!(next(&mut behind).await.as_ref(), Some(&events[19]));
}
