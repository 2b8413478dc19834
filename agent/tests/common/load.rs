//! Clients that send log records with unique ids to the agent as fast as they can, over
//! OTLP/HTTP (protobuf) or OTLP/gRPC, and keep a ledger of what the agent answered for
//! each record: acknowledged, refused, or no answer. The ledger and the sink's arrivals
//! then give the exact accounting: every acknowledged record arrived exactly once, no
//! refused record arrived, a record without an answer at most once.
//!
//! Clients never retry: a refused request's records are simply never acknowledged.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::logs::v1::{ExportLogsServiceRequest, ExportLogsServiceResponse};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use prost::Message;

use super::sink::Arrivals;
use super::{NoAnswer, try_request};

/// How a client reaches the agent.
#[derive(Clone, Copy, Debug)]
pub enum Protocol {
    Http(u16),
    Grpc(u16),
}

/// What each client sends: requests of `records` log records, each with `padding` bytes
/// of attribute, one after the other with `pause` between them (zero: as fast as the agent
/// answers).
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub records: usize,
    pub padding: usize,
    pub pause: Duration,
}

/// A string attribute.
fn attribute(key: &str, value: String) -> KeyValue {
    KeyValue { key: key.into(), value: Some(AnyValue { value: Some(Value::StringValue(value)) }), ..Default::default() }
}

/// A request whose records have the bodies `ids`, an empty `gen` attribute (for rules that
/// stamp it), and `padding` bytes of `pad` attribute.
pub fn request_of(ids: &[String], padding: usize) -> ExportLogsServiceRequest {
    let records = ids
        .iter()
        .map(|id| {
            let mut attributes = vec![attribute("gen", String::new())];
            if padding > 0 {
                attributes.push(attribute("pad", "x".repeat(padding)));
            }
            LogRecord { body: Some(AnyValue { value: Some(Value::StringValue(id.clone())) }), attributes, ..Default::default() }
        })
        .collect();
    let scope = ScopeLogs { log_records: records, ..Default::default() };
    ExportLogsServiceRequest { resource_logs: vec![ResourceLogs { scope_logs: vec![scope], ..Default::default() }] }
}

/// What the agent answered one request.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Success: the records are the agent's to deliver.
    Acknowledged,
    /// Pushed back (HTTP 503/429, gRPC UNAVAILABLE/RESOURCE_EXHAUSTED); `hint`: whether the
    /// answer said when to retry (HTTP `Retry-After`, gRPC `RetryInfo`).
    Refused { hint: bool },
    /// The connection was refused: nothing was sent.
    NotSent,
    /// No (whole) answer: the records may or may not have been taken.
    NoAnswer,
    /// Any other answer, described.
    Unexpected(String),
}

/// Sends one request over HTTP (protobuf) and reads the agent's answer.
pub fn send_http(port: u16, request: &ExportLogsServiceRequest) -> Outcome {
    let body = request.encode_to_vec();
    match try_request(port, "POST", "/v1/logs", &[("Content-Type", "application/x-protobuf")], &body) {
        Ok((200, _, body)) => match ExportLogsServiceResponse::decode(body.as_slice()) {
            Ok(response) if response.partial_success.as_ref().is_none_or(|p| p.rejected_log_records == 0) => {
                Outcome::Acknowledged
            }
            Ok(response) => Outcome::Unexpected(format!("partial success: {:?}", response.partial_success)),
            Err(error) => Outcome::Unexpected(format!("200 with an undecodable body: {error}")),
        },
        Ok((status @ (429 | 503), headers, _)) => {
            Outcome::Refused { hint: status == 429 || headers.iter().any(|(name, _)| name == "retry-after") }
        }
        Ok((status, _, body)) => Outcome::Unexpected(format!("HTTP {status}: {}", String::from_utf8_lossy(&body))),
        Err(NoAnswer::NotConnected) => Outcome::NotSent,
        Err(NoAnswer::Lost(_)) => Outcome::NoAnswer,
    }
}

/// Sends one request over gRPC on `client` and reads the agent's answer. Only the agent's
/// own refusals (its message) count as refused; a transport failure is no answer.
pub async fn send_grpc(client: &mut LogsServiceClient<tonic::transport::Channel>, request: ExportLogsServiceRequest) -> Outcome {
    match tokio::time::timeout(Duration::from_secs(60), client.export(request)).await {
        Err(_) => Outcome::NoAnswer,
        Ok(Ok(response)) => match response.into_inner().partial_success {
            Some(partial) if partial.rejected_log_records > 0 => Outcome::Unexpected(format!("partial success: {partial:?}")),
            _ => Outcome::Acknowledged,
        },
        Ok(Err(status)) => match status.code() {
            tonic::Code::ResourceExhausted | tonic::Code::Unavailable if status.message().starts_with("ottl-agent") => {
                Outcome::Refused { hint: retry_info(&status) }
            }
            tonic::Code::Unavailable | tonic::Code::Unknown | tonic::Code::Cancelled => Outcome::NoAnswer,
            code => Outcome::Unexpected(format!("gRPC {code:?}: {}", status.message())),
        },
    }
}

/// Whether a gRPC status carries a `google.rpc.RetryInfo` detail: when to retry.
fn retry_info(status: &tonic::Status) -> bool {
    let details = status.details();
    details.windows(RETRY_INFO.len()).any(|window| window == RETRY_INFO)
}

/// The type URL's name of the retry detail, as it appears in an encoded `google.rpc.Status`.
const RETRY_INFO: &[u8] = b"google.rpc.RetryInfo";

/// What the agent answered for every record a client sent.
#[derive(Debug, Default)]
pub struct Ledger {
    pub acknowledged: Vec<String>,
    pub refused: Vec<String>,
    /// Records of requests that got no answer.
    pub unanswered: Vec<String>,
    /// Refusals (requests) with and without a retry hint.
    pub refusals: usize,
    pub refusals_without_hint: usize,
    /// Requests the agent answered in a way no client expects, described.
    pub unexpected: Vec<String>,
    /// Encoded bytes of every request sent (answered or not).
    pub bytes_sent: usize,
}

impl Ledger {
    /// Enters one request's records under its outcome.
    pub fn enter(&mut self, ids: Vec<String>, outcome: Outcome, bytes: usize) {
        if outcome != Outcome::NotSent {
            self.bytes_sent += bytes;
        }
        match outcome {
            Outcome::Acknowledged => self.acknowledged.extend(ids),
            Outcome::Refused { hint } => {
                self.refusals += 1;
                self.refusals_without_hint += usize::from(!hint);
                self.refused.extend(ids);
            }
            Outcome::NotSent => {}
            Outcome::NoAnswer => self.unanswered.extend(ids),
            Outcome::Unexpected(what) => {
                self.unexpected.push(what);
                self.unanswered.extend(ids);
            }
        }
    }

    fn merge(&mut self, other: Ledger) {
        self.acknowledged.extend(other.acknowledged);
        self.refused.extend(other.refused);
        self.unanswered.extend(other.unanswered);
        self.refusals += other.refusals;
        self.refusals_without_hint += other.refusals_without_hint;
        self.unexpected.extend(other.unexpected);
        self.bytes_sent += other.bytes_sent;
    }

    /// The exact accounting against what arrived: every acknowledged record exactly once,
    /// no refused record, an unanswered one at most once, and nothing that was not sent.
    /// The error lists what is wrong (a few ids of each kind).
    pub fn check(&self, arrived: &Arrivals) -> Result<(), String> {
        self.check_with_drops(arrived, |_| false)
    }

    /// [`Ledger::check`] for rules that drop records: an acknowledged record for which
    /// `dropped_by_rule` holds must not arrive, every other one exactly once.
    pub fn check_with_drops(&self, arrived: &Arrivals, dropped_by_rule: impl Fn(&str) -> bool) -> Result<(), String> {
        let count = |id: &String| arrived.get(id).map_or(0, Vec::len);
        let sample = |ids: Vec<&String>| {
            let shown: Vec<&String> = ids.iter().take(5).copied().collect();
            format!("{} (e.g. {shown:?})", ids.len())
        };
        let mut problems = Vec::new();
        let (dropped, kept): (Vec<&String>, Vec<&String>) = self.acknowledged.iter().partition(|id| dropped_by_rule(id));
        let lost: Vec<&String> = kept.into_iter().filter(|id| count(id) == 0).collect();
        let undropped: Vec<&String> = dropped.into_iter().filter(|id| count(id) > 0).collect();
        let duplicated: Vec<&String> = self.acknowledged.iter().chain(&self.unanswered).filter(|id| count(id) > 1).collect();
        let leaked: Vec<&String> = self.refused.iter().filter(|id| count(id) > 0).collect();
        let sent: HashSet<&String> = self.acknowledged.iter().chain(&self.refused).chain(&self.unanswered).collect();
        let unknown: Vec<&String> = arrived.keys().filter(|id| !sent.contains(id)).collect();
        for (what, ids) in [
            ("acknowledged but lost", lost),
            ("dropped by rule but delivered", undropped),
            ("delivered more than once", duplicated),
            ("refused but delivered", leaked),
            ("delivered but never sent", unknown),
        ] {
            if !ids.is_empty() {
                problems.push(format!("{what}: {}", sample(ids)));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} acknowledged, {} refused, {} unanswered; {}",
                self.acknowledged.len(),
                self.refused.len(),
                self.unanswered.len(),
                problems.join("; ")
            ))
        }
    }
}

/// Clients sending until stopped.
pub struct Load {
    stop: Arc<AtomicBool>,
    clients: Vec<JoinHandle<Ledger>>,
}

impl Load {
    /// Starts one client per entry of `protocols`, each sending requests of `shape`. Ids
    /// are `<label><client>-<request>-<i>`.
    pub fn start(label: &str, protocols: &[Protocol], shape: Shape) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let clients = protocols
            .iter()
            .enumerate()
            .map(|(n, protocol)| {
                let (stop, protocol, prefix) = (stop.clone(), *protocol, format!("{label}{n}"));
                std::thread::spawn(move || match protocol {
                    Protocol::Http(port) => http_client(port, &prefix, shape, &stop),
                    Protocol::Grpc(port) => grpc_client(port, &prefix, shape, &stop),
                })
            })
            .collect();
        Load { stop, clients }
    }

    /// Stops every client after its request in progress; their ledgers, merged.
    #[allow(clippy::unwrap_used, reason = "a client thread that panicked fails the test")]
    pub fn stop(self) -> Ledger {
        self.stop.store(true, Ordering::Relaxed);
        let mut ledger = Ledger::default();
        for client in self.clients {
            ledger.merge(client.join().unwrap());
        }
        ledger
    }
}

/// The ids of request `n` of a client.
fn ids(prefix: &str, n: usize, shape: Shape) -> Vec<String> {
    (0..shape.records).map(|i| format!("{prefix}-{n}-{i}")).collect()
}

/// How long a client waits before trying again when the agent does not listen.
const RECONNECT_PAUSE: Duration = Duration::from_millis(20);

fn http_client(port: u16, prefix: &str, shape: Shape, stop: &AtomicBool) -> Ledger {
    let mut ledger = Ledger::default();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let ids = ids(prefix, n, shape);
        let request = request_of(&ids, shape.padding);
        let outcome = send_http(port, &request);
        std::thread::sleep(if outcome == Outcome::NotSent { RECONNECT_PAUSE } else { shape.pause });
        ledger.enter(ids, outcome, request.encoded_len());
        n += 1;
    }
    ledger
}

#[allow(clippy::unwrap_used, reason = "a client that cannot build its runtime fails the test")]
fn grpc_client(port: u16, prefix: &str, shape: Shape, stop: &AtomicBool) -> Ledger {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut ledger = Ledger::default();
        let mut client = None;
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            if client.is_none() {
                client = LogsServiceClient::connect(format!("http://127.0.0.1:{port}"))
                    .await
                    .ok()
                    .map(|client| client.max_encoding_message_size(usize::MAX));
            }
            let Some(connected) = client.as_mut() else {
                tokio::time::sleep(RECONNECT_PAUSE).await;
                continue;
            };
            let ids = ids(prefix, n, shape);
            let request = request_of(&ids, shape.padding);
            let bytes = request.encoded_len();
            let outcome = send_grpc(connected, request).await;
            if outcome == Outcome::NoAnswer {
                // The connection may be gone (the agent stopping): connect again.
                client = None;
            }
            ledger.enter(ids, outcome, bytes);
            n += 1;
            tokio::time::sleep(shape.pause).await;
        }
        ledger
    })
}
