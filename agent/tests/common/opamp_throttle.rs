//! An OpAMP server on loopback that turns the agent away first: its first connections are
//! answered with an HTTP status (503 or 429) and `Retry-After`, whether they are polls or
//! WebSocket upgrades. It notes when each connection arrived, so that a test can tell
//! whether the agent waited as asked; afterwards it serves the agent one offer, over
//! either transport, and keeps the statuses reported for it. Each poll's encoding is
//! noted, and its answer is gzip-compressed when the poll takes gzip, as opamp-go's
//! server and ottl-fleet answer.

#![allow(clippy::unwrap_used, reason = "test server: one that cannot start or be read fails the test")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ottl_opamp::framing;
use ottl_opamp::http::{CONTENT_TYPE, GZIP, accepts_gzip, decode_body, encode_body};
use ottl_opamp::proto::{AgentToServer, RemoteConfigStatus, RemoteConfigStatuses, ServerToAgent};
use tokio_tungstenite::tungstenite::{self, Message};

/// The largest report taken from the agent.
const MAX_REPORT: usize = 16 << 20;

/// How the first connections are turned away.
#[derive(Clone, Copy)]
pub struct Refusal {
    /// 503 or 429.
    pub status: u16,
    /// The `Retry-After` sent, in seconds.
    pub retry_after_secs: u64,
    /// How many connections are refused before the server serves.
    pub times: usize,
}

/// How one poll came: its `Content-Encoding`, whether it took a gzip answer, and the
/// size of its body as sent.
#[derive(Clone, Debug)]
pub struct Poll {
    pub content_encoding: Option<String>,
    pub accepts_gzip: bool,
    pub body_bytes: usize,
}

/// What the server saw, shared with its threads.
#[derive(Default)]
struct Seen {
    arrivals: Vec<Instant>,
    statuses: Vec<RemoteConfigStatus>,
    polls: Vec<Poll>,
}

/// A running server; its threads end with the test process.
pub struct ThrottlingServer {
    pub port: u16,
    seen: Arc<Mutex<Seen>>,
}

impl ThrottlingServer {
    /// Listens on a free loopback port: refuses as `refusal` says, then answers every
    /// poll, or the first message of every WebSocket, with `offer`.
    pub fn start(refusal: Refusal, offer: ServerToAgent) -> ThrottlingServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let shared = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let arrival = {
                    let mut seen = shared.lock().unwrap();
                    seen.arrivals.push(Instant::now());
                    seen.arrivals.len()
                };
                let (seen, offer) = (shared.clone(), offer.clone());
                std::thread::spawn(move || {
                    if arrival <= refusal.times {
                        refuse(stream, refusal);
                    } else {
                        serve(stream, &offer, &seen);
                    }
                });
            }
        });
        ThrottlingServer { port, seen }
    }

    /// When each connection arrived, in order.
    pub fn arrivals(&self) -> Vec<Instant> {
        self.seen.lock().unwrap().arrivals.clone()
    }

    /// How each poll came, in order.
    pub fn polls(&self) -> Vec<Poll> {
        self.seen.lock().unwrap().polls.clone()
    }

    /// Whether the agent reported `status` for the offer `hash`.
    pub fn reported(&self, hash: &[u8], status: RemoteConfigStatuses) -> bool {
        self.seen.lock().unwrap().statuses.iter().any(|s| s.last_remote_config_hash == hash && s.status == status as i32)
    }
}

/// Reads the request's head and answers it with the refusal; the connection closes.
fn refuse(stream: TcpStream, refusal: Refusal) {
    let mut reader = BufReader::new(stream);
    read_head(&mut reader);
    let Refusal { status, retry_after_secs, .. } = refusal;
    let answer =
        format!("HTTP/1.1 {status} Go Away\r\nRetry-After: {retry_after_secs}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    let _ = reader.get_mut().write_all(answer.as_bytes());
}

/// Serves one connection: a WebSocket if the request asks for an upgrade, else one poll.
fn serve(stream: TcpStream, offer: &ServerToAgent, seen: &Mutex<Seen>) {
    let mut first = [0u8; 1024];
    let peeked = stream.peek(&mut first).unwrap_or(0);
    if String::from_utf8_lossy(&first[..peeked]).to_ascii_lowercase().contains("upgrade: websocket") {
        converse(stream, offer, seen);
    } else {
        answer_poll(stream, offer, seen);
    }
}

/// A WebSocket: the offer at once, then every report's status kept until it closes.
fn converse(stream: TcpStream, offer: &ServerToAgent, seen: &Mutex<Seen>) {
    let Ok(mut socket) = tungstenite::accept(stream) else { return };
    if socket.send(Message::Binary(framing::encode(offer).into())).is_err() {
        return;
    }
    while let Ok(message) = socket.read() {
        if let Message::Binary(bytes) = message {
            keep_status(framing::decode::<AgentToServer>(&bytes, MAX_REPORT).ok(), seen);
        }
    }
}

/// One HTTP poll: the report's status kept, the offer as the answer.
fn answer_poll(stream: TcpStream, offer: &ServerToAgent, seen: &Mutex<Seen>) {
    let mut reader = BufReader::new(stream);
    let head = read_head(&mut reader);
    let header = |name: &str| {
        head.iter().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    };
    let length = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let content_encoding = header("content-encoding");
    let gzip = header("accept-encoding").is_some_and(|accept| accepts_gzip(&accept));
    keep_status(decode_body::<AgentToServer>(&body, content_encoding.as_deref(), MAX_REPORT).ok(), seen);
    seen.lock().unwrap().polls.push(Poll { content_encoding, accepts_gzip: gzip, body_bytes: length });
    let body = encode_body(offer, gzip).unwrap();
    let encoding = if gzip { format!("Content-Encoding: {GZIP}\r\n") } else { String::new() };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {CONTENT_TYPE}\r\n{encoding}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let stream = reader.get_mut();
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body));
}

fn keep_status(report: Option<AgentToServer>, seen: &Mutex<Seen>) {
    if let Some(status) = report.and_then(|r| r.remote_config_status) {
        seen.lock().unwrap().statuses.push(status);
    }
}

/// The request line and headers, up to the blank line.
fn read_head(reader: &mut BufReader<TcpStream>) -> Vec<String> {
    reader.lines().map_while(Result::ok).take_while(|line| !line.is_empty()).collect()
}
