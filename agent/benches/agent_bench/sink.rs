//! The downstream end: an OTLP/HTTP server (protobuf, no compression) that counts the log
//! records and spans the process under test exports, answers each request with an empty
//! success, and can be made slower than the load (a rate in records per second) for the
//! overload run. It counts by walking the protobuf wire format rather than decoding it, so
//! that it takes as little CPU as it can from the process under test.

use std::io::{BufReader, BufWriter, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::http1;

/// How often a throttled request checks whether the throttle was lifted.
const THROTTLE_POLL: Duration = Duration::from_millis(10);

pub struct Sink {
    port: u16,
    state: Arc<State>,
    acceptor: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct State {
    records: AtomicU64,
    stopping: AtomicBool,
    /// What went wrong on a connection (a request the sink could not read or count).
    errors: Mutex<Vec<String>>,
    throttle: Mutex<Option<Throttle>>,
    /// Every connection's stream, to close them when the sink stops.
    connections: Mutex<Vec<TcpStream>>,
}

/// A sink rate: each request's records take `1 / per_second` each, one request after another.
struct Throttle {
    per_second: f64,
    /// When the records accepted so far will have been "written".
    busy_until: Instant,
}

impl Sink {
    /// Listens on a free loopback port.
    pub fn start() -> Result<Sink, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("the sink cannot listen: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let state = Arc::new(State::default());
        let accepting = Arc::clone(&state);
        let acceptor = std::thread::spawn(move || accept(&listener, &accepting));
        Ok(Sink { port, state, acceptor: Some(acceptor) })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Records counted so far.
    pub fn records(&self) -> u64 {
        self.state.records.load(Ordering::SeqCst)
    }

    /// Takes at most `per_second` records per second from now on, delaying its answers;
    /// `None` lifts the limit, also for the requests waiting.
    pub fn throttle(&self, per_second: Option<f64>) {
        if let Ok(mut throttle) = self.state.throttle.lock() {
            *throttle = per_second.map(|per_second| Throttle { per_second, busy_until: Instant::now() });
        }
    }

    /// What went wrong on the sink's connections so far.
    pub fn errors(&self) -> Vec<String> {
        self.state.errors.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.state.stopping.store(true, Ordering::SeqCst);
        // Wakes the acceptor, which then sees that the sink stops.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        for connection in self.state.connections.lock().map(|mut c| std::mem::take(&mut *c)).unwrap_or_default() {
            let _ = connection.shutdown(Shutdown::Both);
        }
    }
}

fn accept(listener: &TcpListener, state: &Arc<State>) {
    for stream in listener.incoming() {
        if state.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        if let (Ok(copy), Ok(mut connections)) = (stream.try_clone(), state.connections.lock()) {
            connections.push(copy);
        }
        let state = Arc::clone(state);
        std::thread::spawn(move || {
            if let Err(error) = serve(stream, &state)
                && !state.stopping.load(Ordering::SeqCst)
                && let Ok(mut errors) = state.errors.lock()
            {
                errors.push(error);
            }
        });
    }
}

/// Answers the requests of one connection until the peer closes it.
fn serve(stream: TcpStream, state: &State) -> Result<(), String> {
    let mut reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
    let mut writer = BufWriter::new(stream);
    let mut body = Vec::new();
    while let Some(head) = http1::read_message(&mut reader, &mut body).map_err(|e| format!("sink: {e}"))? {
        if let Some(encoding) = head.header("content-encoding").filter(|e| *e != "identity") {
            return Err(format!("sink: a {encoding} body (the bench's configs export uncompressed)"));
        }
        let records = count_records(&body).map_err(|e| format!("sink: {} {e}", head.path().unwrap_or_default()))?;
        wait_for_throttle(state, records);
        state.records.fetch_add(records, Ordering::SeqCst);
        writer
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n")
            .and_then(|()| writer.flush())
            .map_err(|e| format!("sink: cannot answer: {e}"))?;
    }
    Ok(())
}

/// Holds a request of `records` for as long as the sink's rate says.
fn wait_for_throttle(state: &State, records: u64) {
    let until = {
        let Ok(mut throttle) = state.throttle.lock() else { return };
        let Some(throttle) = throttle.as_mut() else { return };
        let start = throttle.busy_until.max(Instant::now());
        throttle.busy_until = start + Duration::from_secs_f64(records as f64 / throttle.per_second);
        throttle.busy_until
    };
    while Instant::now() < until && state.throttle.lock().is_ok_and(|t| t.is_some()) {
        std::thread::sleep(THROTTLE_POLL.min(until.saturating_duration_since(Instant::now())));
    }
}

/// The log records or spans in an `ExportLogsServiceRequest` or `ExportTraceServiceRequest`
/// (the same shape: field 1 the resource groups, their field 2 the scope groups, theirs
/// field 2 the items).
pub fn count_records(message: &[u8]) -> Result<u64, String> {
    let mut count = 0;
    for resource in fields(message, 1) {
        for scope in fields(resource?, 2) {
            for item in fields(scope?, 2) {
                item?;
                count += 1;
            }
        }
    }
    Ok(count)
}

/// The length-delimited fields numbered `wanted` of a protobuf message, in order.
fn fields(message: &[u8], wanted: u64) -> impl Iterator<Item = Result<&[u8], String>> {
    let mut rest = message;
    std::iter::from_fn(move || {
        while !rest.is_empty() {
            match next_field(&mut rest) {
                Err(error) => {
                    rest = &[];
                    return Some(Err(error));
                }
                Ok((number, Some(bytes))) if number == wanted => return Some(Ok(bytes)),
                Ok(_) => {}
            }
        }
        None
    })
}

/// Reads one field off the front of `rest`: its number, and its bytes when it is
/// length-delimited.
fn next_field<'a>(rest: &mut &'a [u8]) -> Result<(u64, Option<&'a [u8]>), String> {
    let key = varint(rest)?;
    let skip = match key & 7 {
        0 => {
            varint(rest)?;
            0
        }
        1 => 8,
        5 => 4,
        2 => {
            let length = usize::try_from(varint(rest)?).map_err(|_| "a length beyond memory".to_string())?;
            let bytes = rest.get(..length).ok_or("a field longer than its message")?;
            *rest = &rest[length..];
            return Ok((key >> 3, Some(bytes)));
        }
        wire_type => return Err(format!("wire type {wire_type}, which OTLP does not use")),
    };
    *rest = rest.get(skip..).ok_or("a field longer than its message")?;
    Ok((key >> 3, None))
}

fn varint(rest: &mut &[u8]) -> Result<u64, String> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, tail) = rest.split_first().ok_or("a varint cut short")?;
        *rest = tail;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("a varint longer than 10 bytes".to_string())
}
