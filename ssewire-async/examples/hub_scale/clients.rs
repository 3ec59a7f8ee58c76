//! The subscribers: hyper clients that read and count.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;

use crate::{commands, number, reply, runtime};

/// `hub_scale clients ADDRESS N`: N subscribers that read and count; then
/// answers `count` (events, comments) and `wait EVENTS`.
pub fn clients(address: &str, n: usize) {
    let address: std::net::SocketAddr = address.parse().unwrap();
    runtime().block_on(async move {
        let events = Arc::new(AtomicU64::new(0));
        let comments = Arc::new(AtomicU64::new(0));
        let connecting = Arc::new(tokio::sync::Semaphore::new(256));
        let (opened, mut open) = tokio::sync::mpsc::unbounded_channel();
        for _ in 0..n {
            let (events, comments, opened) = (events.clone(), comments.clone(), opened.clone());
            let permit = connecting.clone().acquire_owned().await.unwrap();
            tokio::spawn(async move {
                let socket = tokio::net::TcpStream::connect(address).await.unwrap();
                let (mut sender, connection) =
                    hyper::client::conn::http1::handshake(TokioIo::new(socket))
                        .await
                        .unwrap();
                tokio::spawn(connection);
                let request = http::Request::get("/events")
                    .header("host", "hub")
                    .body(Empty::<Bytes>::new())
                    .unwrap();
                let mut body = sender.send_request(request).await.unwrap().into_body();
                drop(permit);
                let _ = opened.send(());
                let mut line_start = true;
                while let Some(Ok(frame)) = body.frame().await {
                    let Some(data) = frame.data_ref() else {
                        continue;
                    };
                    let (mut e, mut c) = (0, 0);
                    for &byte in data {
                        if line_start {
                            e += u64::from(byte == b'd');
                            c += u64::from(byte == b':');
                        }
                        line_start = byte == b'\n';
                    }
                    events.fetch_add(e, Ordering::Relaxed);
                    comments.fetch_add(c, Ordering::Relaxed);
                }
            });
        }
        for _ in 0..n {
            open.recv().await;
        }
        reply(&format!("connected {n}"));
        let mut commands = commands();
        while let Some(command) = commands.recv().await {
            let words: Vec<&str> = command.split_whitespace().collect();
            match words[..] {
                ["count"] => reply(&format!(
                    "{} {}",
                    events.load(Ordering::Relaxed),
                    comments.load(Ordering::Relaxed)
                )),
                ["wait", target] => {
                    let deadline = Instant::now() + Duration::from_secs(120);
                    while events.load(Ordering::Relaxed) < number(target) as u64
                        && Instant::now() < deadline
                    {
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                    reply(&format!("reached {}", events.load(Ordering::Relaxed)));
                }
                _ => return,
            }
        }
    });
}
