//! Reading a raw HTTP/1.1 connection, for the tests that check the bytes a
//! server sends.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// Reads into `got` until it holds `needle`; fails if the server is silent
/// for 10 s or closes first.
pub async fn read_until(socket: &mut TcpStream, got: &mut Vec<u8>, needle: &str) {
    let mut buffer = [0; 4096];
    while !String::from_utf8_lossy(got).contains(needle) {
        let n = tokio::time::timeout(Duration::from_secs(10), socket.read(&mut buffer))
            .await
            .expect("the server answers within 10 s")
            .unwrap();
        assert!(
            n > 0,
            "closed before {needle:?}: {}",
            String::from_utf8_lossy(got)
        );
        got.extend_from_slice(&buffer[..n]);
    }
}
