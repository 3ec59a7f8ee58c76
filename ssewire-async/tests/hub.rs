//! The hub as a data structure, without a server: publish, subscribe after
//! an id, bounded history and queues, and resume under concurrent
//! publishing, checked over many seeds.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_executor::block_on;
use futures_util::{FutureExt, StreamExt};
use ssewire::Message;
use ssewire_async::Encoded;
use ssewire_async::hub::{End, Hub, Start, Subscription, UnknownId};

/// The `id` and the data of an encoded message (one `data` line).
fn fields(message: &Encoded) -> (String, String) {
    let text = std::str::from_utf8(message.as_bytes()).unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .unwrap_or_default()
            .to_owned()
    };
    (field("id: "), field("data: "))
}

/// The data of every message ready now, without waiting.
fn ready_data(subscription: &mut Subscription) -> Vec<String> {
    let mut data = Vec::new();
    while let Some(Some(message)) = subscription.next().now_or_never() {
        data.push(fields(&message.unwrap()).1);
    }
    data
}

fn publish_all(hub: &Hub, data: &[&str]) {
    for data in data {
        hub.publish(Message::new(data)).unwrap();
    }
}

#[test]
fn a_new_subscriber_gets_live_events_only_each_encoded_once() {
    let hub = Hub::new();
    publish_all(&hub, &["before"]);
    let mut first = hub.subscribe(None);
    let mut second = hub.subscribe(None);
    assert_eq!(first.start(), Start::New);
    assert!(first.next().now_or_never().is_none(), "nothing yet");
    publish_all(&hub, &["a", "b"]);
    let a1 = block_on(first.next()).unwrap().unwrap();
    let a2 = block_on(second.next()).unwrap().unwrap();
    assert_eq!(a1.as_bytes(), "id: 2\ndata: a\n\n");
    // One encoding, shared.
    assert_eq!(a1.as_bytes().as_ptr(), a2.as_bytes().as_ptr());
    assert_eq!(ready_data(&mut first), ["b"]);
}

#[test]
fn a_subscriber_resumes_exactly_after_its_last_event_id() {
    let hub = Hub::new();
    publish_all(&hub, &["1", "2", "3"]);
    hub.publish_with_id("x-4", Message::new("4").event("named"))
        .unwrap();
    publish_all(&hub, &["5"]);
    let mut after_two = hub.subscribe(Some("2"));
    assert_eq!(after_two.start(), Start::Resumed);
    assert_eq!(ready_data(&mut after_two), ["3", "4", "5"]);
    let mut after_named = hub.subscribe(Some("x-4"));
    assert_eq!(ready_data(&mut after_named), ["5"]);
    let mut at_the_end = hub.subscribe(Some("5"));
    assert_eq!(at_the_end.start(), Start::Resumed);
    assert!(ready_data(&mut at_the_end).is_empty());
    publish_all(&hub, &["6"]);
    for subscription in [&mut after_two, &mut after_named, &mut at_the_end] {
        assert_eq!(ready_data(subscription), ["6"]);
    }
}

#[test]
fn a_subscriber_past_its_queue_bound_is_disconnected_and_resumes() {
    let hub = Hub::builder().history(100).queue(3).build();
    let mut slow = hub.subscribe(None);
    publish_all(&hub, &["1", "2", "3"]);
    // At the bound: still connected.
    assert_eq!(ready_data(&mut slow), ["1", "2", "3"]);
    publish_all(&hub, &["4", "5", "6", "7"]);
    // Past it: the stream ends, before sending anything more, and says why.
    assert_eq!(block_on(slow.next()).map(Result::unwrap), None);
    assert_eq!(slow.end(), Some(End::Lagged));
    assert!(slow.next().now_or_never().unwrap().is_none(), "fused");
    // Its client reconnects after event 3: a replay is not a lag.
    let mut resumed = hub.subscribe(Some("3"));
    assert_eq!(ready_data(&mut resumed), ["4", "5", "6", "7"]);
    assert_eq!(resumed.end(), None);
}

#[test]
fn the_history_is_bounded_by_count_and_by_bytes() {
    let hub = Hub::builder().history(3).queue(1).build();
    publish_all(&hub, &["1", "2", "3", "4", "5"]);
    let stats = hub.stats();
    assert_eq!((stats.events, stats.oldest, stats.newest), (3, 3, 5));
    // The id just before the oldest kept still resumes exactly.
    assert_eq!(hub.subscribe(Some("2")).start(), Start::Resumed);
    assert_eq!(hub.subscribe(Some("1")).start(), Start::Unknown);

    // "id: N\ndata: NNNNNNNN\n\n" is 6 + 15 + 1 = 22 bytes: 50 bytes hold two.
    let hub = Hub::builder().history(100).history_bytes(50).build();
    publish_all(&hub, &["11111111", "22222222", "33333333"]);
    let stats = hub.stats();
    assert_eq!((stats.events, stats.bytes, stats.oldest), (2, 44, 2));
    let mut resumed = hub.subscribe(Some("1"));
    assert_eq!(ready_data(&mut resumed), ["22222222", "33333333"]);
    // The newest event is kept however large.
    publish_all(&hub, &[&"x".repeat(1000)]);
    assert_eq!(hub.stats().events, 1);
    assert_eq!(ready_data(&mut resumed), ["x".repeat(1000)]);
}

#[test]
fn an_unknown_id_starts_from_the_oldest_kept_or_live_as_configured() {
    for (policy, expected) in [
        (UnknownId::Oldest, vec!["3", "4", "5"]),
        (UnknownId::Live, vec![]),
    ] {
        let hub = Hub::builder()
            .history(3)
            .queue(1)
            .unknown_id(policy)
            .priming(Some(Duration::from_millis(1500)))
            .build();
        publish_all(&hub, &["1", "2", "3", "4", "5"]);
        for unknown in ["1", "99", "not an id", ""] {
            let mut subscription = hub.subscribe(Some(unknown));
            assert_eq!(subscription.start(), Start::Unknown, "{unknown:?}");
            // The priming event names where the subscriber starts.
            let priming = block_on(subscription.next()).unwrap().unwrap();
            let starts_after = if policy == UnknownId::Oldest { 2 } else { 5 };
            assert_eq!(
                priming.as_bytes(),
                &*format!("id: {starts_after}\nretry: 1500\ndata: \n\n")
            );
            assert_eq!(ready_data(&mut subscription), expected, "{policy:?}");
        }
    }
}

#[test]
fn disconnect_all_ends_every_subscription_and_drops_release_them() {
    let hub = Hub::new();
    let mut subscriptions: Vec<_> = (0..5).map(|_| hub.subscribe(None)).collect();
    assert_eq!(hub.stats().subscribers, 5);
    for subscription in &mut subscriptions {
        assert!(subscription.next().now_or_never().is_none());
    }
    hub.disconnect_all();
    for subscription in &mut subscriptions {
        assert!(block_on(subscription.next()).is_none());
        assert_eq!(subscription.end(), Some(End::Disconnected));
    }
    // A subscription made after it is not affected.
    let mut later = hub.subscribe(None);
    publish_all(&hub, &["x"]);
    assert_eq!(ready_data(&mut later), ["x"]);
    drop(subscriptions);
    assert_eq!(hub.stats().subscribers, 1);
    drop(later);
    assert_eq!(hub.stats().subscribers, 0);
}

/// A small deterministic generator (xorshift), so that a failing seed can
/// be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const PUBLISHERS: u64 = 2;
const PER_PUBLISHER: u64 = 150;
const CLIENTS: u64 = 3;

/// Publishers and clients on threads. Each client subscribes, reads a few
/// events, drops its subscription (or is disconnected for lagging) and
/// resumes with the last id it had, several times, while the publishers go
/// on. The priming event gives a client its starting id before any event,
/// as it gives a browser's `EventSource`. Everything one client read,
/// across its connections, must be the events after its first starting
/// point, in order, each once, with the data published under each id.
fn resume_while_publishing(seed: u64, queue: usize) -> usize {
    let total = PUBLISHERS * PER_PUBLISHER;
    let hub = Hub::builder()
        .history(usize::try_from(total).unwrap())
        .queue(queue)
        .priming(Some(Duration::from_secs(1)))
        .build();
    let published = Arc::new(Mutex::new(HashMap::new()));
    let lags = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for publisher in 0..PUBLISHERS {
            let (hub, published) = (&hub, &published);
            scope.spawn(move || {
                let mut rng = Rng(seed * 31 + publisher + 1);
                for n in 0..PER_PUBLISHER {
                    let data = format!("{publisher}-{n}");
                    let id = hub.publish(Message::new(&data)).unwrap();
                    published.lock().unwrap().insert(id.to_string(), data);
                    if rng.below(4) == 0 {
                        std::thread::yield_now();
                    }
                }
            });
        }
        for client in 0..CLIENTS {
            let (hub, published, lags) = (&hub, &published, &lags);
            scope.spawn(move || {
                let mut rng = Rng(seed * 131 + client + 7);
                let mut subscription = hub.subscribe(None);
                let mut first: Option<u64> = None;
                let mut last_id: Option<String> = None;
                let mut read: Vec<(u64, String)> = Vec::new();
                while last_id.as_deref() != Some(&total.to_string()) {
                    for _ in 0..=rng.below(40) {
                        let Some(message) = block_on(subscription.next()) else {
                            assert_eq!(subscription.end(), Some(End::Lagged));
                            lags.fetch_add(1, Ordering::Relaxed);
                            break;
                        };
                        let message = message.unwrap();
                        let (id, data) = fields(&message);
                        let priming = message.as_bytes().ends_with(b"retry: 1000\ndata: \n\n");
                        first.get_or_insert_with(|| id.parse().unwrap());
                        if !priming {
                            read.push((id.parse().unwrap(), data));
                        }
                        last_id = Some(id);
                        if last_id.as_deref() == Some(&total.to_string()) {
                            break;
                        }
                    }
                    drop(subscription);
                    if rng.below(2) == 0 {
                        std::thread::yield_now();
                    }
                    subscription = hub.subscribe(last_id.as_deref());
                    if last_id.is_some() {
                        assert_eq!(subscription.start(), Start::Resumed, "seed {seed}");
                    }
                }
                let ids: Vec<u64> = read.iter().map(|(id, _)| *id).collect();
                let expected: Vec<u64> = (first.unwrap() + 1..=total).collect();
                assert_eq!(
                    ids, expected,
                    "seed {seed} client {client}: a gap or a duplicate"
                );
                let published = published.lock().unwrap();
                for (id, data) in &read {
                    // A publisher records an id after publishing it.
                    if let Some(sent) = published.get(&id.to_string()) {
                        assert_eq!(sent, data, "seed {seed}: id {id}");
                    }
                }
            });
        }
    });
    let published = published.lock().unwrap();
    assert_eq!(published.len() as u64, total);
    lags.into_inner()
}

#[test]
fn resume_under_concurrent_publishing_is_gap_free_and_duplicate_free() {
    for seed in 1..=150 {
        assert_eq!(resume_while_publishing(seed, 10_000), 0);
    }
}

/// The same with a queue of 2: clients also lag, are disconnected, and
/// resume from the history.
#[test]
fn lagging_clients_resume_gap_free_and_duplicate_free() {
    let lags: usize = (1..=150).map(|seed| resume_while_publishing(seed, 2)).sum();
    eprintln!("{lags} disconnections for lagging");
    assert!(lags > 0, "no client lagged: the test tested nothing more");
}
