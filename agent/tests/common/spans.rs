//! A paced span sender: spans with random trace ids to the agent over OTLP/HTTP (protobuf),
//! at a rate the test sets and may change while it runs (a load step). A sampler's tests
//! need both: trace ids spread evenly over the id space, so that a ratio lets its share
//! through, and a known rate coming in, so that what comes out can be held to a budget.
//! The clients of [`super::load`] send logs as fast as the agent answers; this one keeps time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;

use super::try_request;

/// Spans per request: small enough that the pace is even at a few hundred spans a second.
const SPANS_PER_REQUEST: u64 = 50;
/// At most this much time's spans are sent at once after the sender fell behind (the machine
/// was busy): a stall is not made up with a burst that would look like a load step.
const MAX_CATCH_UP: Duration = Duration::from_millis(200);

/// A sender running until stopped.
pub struct SpanLoad {
    per_second: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<AtomicU64>,
    sender: JoinHandle<()>,
}

impl SpanLoad {
    /// Starts sending `per_second` spans a second to the OTLP/HTTP receiver on `port`.
    pub fn start(port: u16, per_second: u64) -> SpanLoad {
        let (rate, stop, acknowledged) =
            (Arc::new(AtomicU64::new(per_second)), Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
        let sender = {
            let (rate, stop, acknowledged) = (rate.clone(), stop.clone(), acknowledged.clone());
            std::thread::spawn(move || send(port, &rate, &stop, &acknowledged))
        };
        SpanLoad { per_second: rate, stop, acknowledged, sender }
    }

    /// From now on, `per_second` spans a second.
    pub fn set_rate(&self, per_second: u64) {
        self.per_second.store(per_second, Ordering::Relaxed);
    }

    /// Spans the agent acknowledged so far.
    pub fn acknowledged(&self) -> u64 {
        self.acknowledged.load(Ordering::Relaxed)
    }

    /// Stops after the request in progress; the spans the agent acknowledged.
    #[allow(clippy::unwrap_used, reason = "a sender thread that panicked fails the test")]
    pub fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.sender.join().unwrap();
        self.acknowledged.load(Ordering::Relaxed)
    }
}

/// Sends a request each time the rate has earned its spans since the last one.
fn send(port: u16, per_second: &AtomicU64, stop: &AtomicBool, acknowledged: &AtomicU64) {
    let mut ids = TraceIds::seeded();
    let mut owed = 0.0;
    let mut last = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let rate = per_second.load(Ordering::Relaxed) as f64;
        let now = Instant::now();
        owed = (owed + rate * now.duration_since(last).as_secs_f64()).min(rate * MAX_CATCH_UP.as_secs_f64());
        last = now;
        if owed < SPANS_PER_REQUEST as f64 {
            let wait = (SPANS_PER_REQUEST as f64 - owed) / rate.max(1.0);
            std::thread::sleep(Duration::from_secs_f64(wait.min(0.1)));
            continue;
        }
        owed -= SPANS_PER_REQUEST as f64;
        let body = request(&mut ids).encode_to_vec();
        if let Ok((200, _, _)) = try_request(port, "POST", "/v1/traces", &[("Content-Type", "application/x-protobuf")], &body) {
            acknowledged.fetch_add(SPANS_PER_REQUEST, Ordering::Relaxed);
        }
    }
}

/// One request of [`SPANS_PER_REQUEST`] spans, each of a trace of its own.
fn request(ids: &mut TraceIds) -> ExportTraceServiceRequest {
    let spans = (0..SPANS_PER_REQUEST)
        .map(|_| {
            let trace = ids.next_id();
            Span { trace_id: trace.to_vec(), span_id: trace[..8].to_vec(), name: "step".into(), ..Default::default() }
        })
        .collect();
    let scope = ScopeSpans { spans, ..Default::default() };
    ExportTraceServiceRequest { resource_spans: vec![ResourceSpans { scope_spans: vec![scope], ..Default::default() }] }
}

/// Uniformly distributed 16-byte trace ids (SplitMix64): sampling needs ids spread like a
/// tracer's random ones, not a counter's.
struct TraceIds(u64);

impl TraceIds {
    fn seeded() -> TraceIds {
        TraceIds(SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |since| since.as_nanos() as u64))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_id(&mut self) -> [u8; 16] {
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&self.next_u64().to_be_bytes());
        id[8..].copy_from_slice(&self.next_u64().to_be_bytes());
        id
    }
}
