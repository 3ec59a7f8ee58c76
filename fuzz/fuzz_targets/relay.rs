//! A fuzz target written as a user of ssewire would write one for their own
//! code: a small relay that reads an upstream event stream in chunks and
//! re-encodes its events for its own clients. It uses only ssewire's public
//! API (the `testing` feature for the harness), nothing from this
//! repository's fuzz helpers.
//!
//! Invariant: a client decoding what the relay wrote sees the upstream's
//! events (type, data, last event ID) and retries, in order, as the scenario
//! says the upstream stream holds them.
//!
//! The relay carries a planted bug, switched on by the environment variable
//! `SSEWIRE_PLANTED_BUG=1`: it writes each event with `Event::to_message`,
//! which omits an `id` the event did not set itself. After a block that sets
//! an ID and dispatches nothing (`id: 5` then an empty line), the client
//! keeps the old ID. `.ci/fuzz.sh` runs this target with the bug on and
//! expects a crash, and with it off and expects none; see fuzz/README.md for
//! the time it takes to catch it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ssewire::testing::{Scenario, decode_chunks};
use ssewire::{Decoded, Decoder, Limits, Message, OwnedDecoded};

/// The code under test: what a downstream crate would have.
mod relay {
    use super::{Decoded, Decoder, Message};

    pub struct Relay {
        decoder: Decoder,
        /// The last event ID the relay's clients have seen.
        forwarded: String,
        out: Vec<u8>,
        planted_bug: bool,
    }

    impl Relay {
        pub fn new(decoder: Decoder, planted_bug: bool) -> Relay {
            Relay {
                decoder,
                forwarded: String::new(),
                out: Vec::new(),
                planted_bug,
            }
        }

        /// Reads one chunk from upstream, writes what it completes.
        pub fn push(&mut self, chunk: &[u8]) {
            let Relay {
                decoder,
                forwarded,
                out,
                planted_bug,
            } = self;
            decoder.feed(chunk, |item| match item {
                Decoded::Event(event) => {
                    let message = if *planted_bug {
                        event.to_message()
                    } else {
                        event.to_message_after(forwarded)
                    };
                    message.write_to_vec(out).expect("decoded events encode");
                    event.last_event_id.clone_into(forwarded);
                }
                Decoded::Retry(time) => Message::default()
                    .retry(time)
                    .write_to_vec(out)
                    .expect("a retry encodes"),
                _ => {}
            });
        }

        pub fn output(&self) -> &[u8] {
            &self.out
        }
    }
}

/// Events as a client compares them: type, data, ID; and retries.
fn seen(items: &[OwnedDecoded]) -> Vec<(String, String, String)> {
    items
        .iter()
        .filter_map(|item| match item {
            OwnedDecoded::Event(e) => Some((
                e.event_type().to_owned(),
                e.data().to_owned(),
                e.last_event_id().to_owned(),
            )),
            OwnedDecoded::Retry(time) => Some(("retry".into(), format!("{time:?}"), String::new())),
            _ => None,
        })
        .collect()
}

fuzz_target!(|input: &[u8]| {
    let planted_bug = std::env::var_os("SSEWIRE_PLANTED_BUG").is_some_and(|v| v == "1");
    let scenario = Scenario::from_bytes(input);
    let mut relay = relay::Relay::new(scenario.decoder(), planted_bug);
    for chunk in scenario.chunks() {
        relay.push(chunk);
    }
    let mut client = Decoder::builder().limits(Limits::unlimited()).build();
    let (got, _) = decode_chunks(&mut client, [relay.output()]);
    assert_eq!(
        seen(&got.items),
        seen(&scenario.expected().items),
        "the relay's clients see other events than upstream sent: {scenario:#?}"
    );
});
