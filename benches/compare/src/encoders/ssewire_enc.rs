//! ssewire (this repository): `Message::new(data).event(t).id(i)` built from
//! the set's `&str`s, then `Message::write_to_vec` into one reused `Vec<u8>`,
//! drained every 64 KiB. The encoder's checks stay on: `write_to_vec`
//! validates `event` (no CR/LF) and `id` (no CR/LF/NUL) and splits data at
//! CR, LF and CR LF.

use super::{FLUSH_AT, Prepared, Sink, SseEncoder};
use crate::parsers::Kind;
use crate::workloads::GenEvent;
use ssewire::Message;

pub struct SsewireEnc;

impl SseEncoder for SsewireEnc {
    fn name(&self) -> &'static str {
        "ssewire"
    }
    fn kind(&self) -> Kind {
        Kind::Ours
    }
    fn note(&self) -> &'static str {
        "ssewire: `Message::new(&data).event(&t).id(&i)` from the set's `&str`s, `write_to_vec` into one reused `Vec<u8>` (drained every 64 KiB); validates `event`/`id` (CR/LF/NUL refused) and splits data at CR/LF/CRLF"
    }

    fn encode(&self, set: &[GenEvent], _: &mut Prepared, sink: &mut Sink) {
        let mut buf: Vec<u8> = Vec::with_capacity(2 * FLUSH_AT);
        for ev in set {
            let mut msg = Message::new(&ev.data);
            if let Some(t) = &ev.event {
                msg = msg.event(t);
            }
            if let Some(id) = &ev.id {
                msg = msg.id(id);
            }
            msg.write_to_vec(&mut buf).expect("valid message");
            if buf.len() >= FLUSH_AT {
                sink.put(&buf);
                buf.clear();
            }
        }
        sink.put(&buf);
    }
}
