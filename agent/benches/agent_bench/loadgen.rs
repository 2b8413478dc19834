//! The load generator: a few keep-alive connections, each sending pre-encoded OTLP/HTTP
//! requests one after another (the next as soon as the answer is in), so that the process
//! under test is kept busy while the generator itself only writes and reads bytes. Every
//! exchange is recorded: which request, when it ended, how long it took, and whether the
//! process accepted it.

use std::io::{BufReader, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::http1;

/// How long a connection waits after the process pushed back (429/503) before it sends
/// again, instead of its `Retry-After` (a second or more, far longer than the run's
/// resolution): the overload run wants the process kept under pressure.
const PUSHBACK_PAUSE: Duration = Duration::from_millis(20);

/// One request/answer on a connection.
pub struct Exchange {
    /// The index of the request sent.
    pub request: usize,
    pub ended: Instant,
    pub latency: Duration,
    /// 2xx; otherwise the process pushed back (429 or 503).
    pub accepted: bool,
}

pub struct LoadGenerator {
    stop: Arc<AtomicBool>,
    connections: Vec<JoinHandle<Result<Vec<Exchange>, String>>>,
}

impl LoadGenerator {
    /// Starts `connections` connections to `127.0.0.1:port`, each cycling through
    /// `requests` (complete HTTP requests) from its own starting point.
    pub fn start(port: u16, requests: Arc<Vec<Vec<u8>>>, connections: usize) -> LoadGenerator {
        let stop = Arc::new(AtomicBool::new(false));
        let connections = (0..connections)
            .map(|n| {
                let (stop, requests) = (Arc::clone(&stop), Arc::clone(&requests));
                let first = n * requests.len() / connections.max(1);
                std::thread::spawn(move || send(port, &requests, first, &stop))
            })
            .collect();
        LoadGenerator { stop, connections }
    }

    /// Stops sending; every connection's exchanges, or the first error.
    pub fn stop(self) -> Result<Vec<Exchange>, String> {
        self.stop.store(true, Ordering::SeqCst);
        let mut all = Vec::new();
        for connection in self.connections {
            all.extend(connection.join().map_err(|_| "a load generator thread panicked".to_string())??);
        }
        Ok(all)
    }
}

/// One connection's loop, until `stop`. An answer other than success or push-back ends it
/// with an error: the bench's requests are all valid.
fn send(port: u16, requests: &[Vec<u8>], first: usize, stop: &AtomicBool) -> Result<Vec<Exchange>, String> {
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("cannot connect to {port}: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    let mut body = Vec::new();
    let mut exchanges = Vec::new();
    for request in (first..).map(|n| n % requests.len()) {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let start = Instant::now();
        writer.write_all(&requests[request]).map_err(|e| format!("cannot send to {port}: {e}"))?;
        let head = http1::read_message(&mut reader, &mut body)
            .map_err(|e| format!("no answer from {port}: {e}"))?
            .ok_or_else(|| format!("{port} closed the connection"))?;
        let ended = Instant::now();
        let accepted = match head.status() {
            Some(200..=299) => true,
            Some(429 | 503) => false,
            _ => return Err(format!("{port} answered {}: {}", head.start_line, String::from_utf8_lossy(&body))),
        };
        exchanges.push(Exchange { request, ended, latency: ended - start, accepted });
        if !accepted {
            std::thread::sleep(PUSHBACK_PAUSE);
        }
    }
    Ok(exchanges)
}

/// A complete OTLP/HTTP request: `body` (protobuf) posted to `path`.
pub fn http_request(port: u16, path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-protobuf\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}
