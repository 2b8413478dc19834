//! An OTLP/gRPC logs backend in the test process: it takes `delay` over each request (a
//! slow backend) and records every log record that arrives by its id (its body), with the
//! generation stamp (`gen` attribute) it carries, so that tests count arrivals exactly. It
//! can go away and come back on the same port ([`Sink::restart`]), keeping what arrived.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{LogsService, LogsServiceServer};
use opentelemetry_proto::tonic::collector::logs::v1::{ExportLogsServiceRequest, ExportLogsServiceResponse};
use opentelemetry_proto::tonic::common::v1::AnyValue;
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use tonic::codec::CompressionEncoding;

/// Every arrival of each record id: the `gen` attribute it carried ("" without one).
pub type Arrivals = HashMap<String, Vec<String>>;

/// What has arrived: every record by id, and running counts that tests poll cheaply
/// while the load goes on.
#[derive(Default)]
struct Received {
    arrivals: Arrivals,
    records: usize,
    /// Records by the `gen` stamp they carried.
    stamps: HashMap<String, usize>,
}

/// A running sink, stopped with its runtime when dropped.
pub struct Sink {
    pub port: u16,
    backend: Backend,
    /// The server now serving: its shutdown signal and its task.
    serving: Mutex<Option<Serving>>,
    runtime: tokio::runtime::Runtime,
}

struct Serving {
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

/// How long a restarting sink waits for its connections to close.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
struct Backend {
    delay: Duration,
    received: Arc<Mutex<Received>>,
}

#[tonic::async_trait]
impl LogsService for Backend {
    async fn export(
        &self,
        request: tonic::Request<ExportLogsServiceRequest>,
    ) -> Result<tonic::Response<ExportLogsServiceResponse>, tonic::Status> {
        tokio::time::sleep(self.delay).await;
        let records = request.into_inner().resource_logs.into_iter().flat_map(|r| r.scope_logs).flat_map(|s| s.log_records);
        let mut received = self.received.lock().map_err(|_| tonic::Status::internal("a test thread panicked"))?;
        for record in records {
            let stamp = record.attributes.iter().find(|kv| kv.key == "gen").map(|kv| text(kv.value.as_ref())).unwrap_or_default();
            received.records += 1;
            *received.stamps.entry(stamp.clone()).or_default() += 1;
            received.arrivals.entry(text(record.body.as_ref())).or_default().push(stamp);
        }
        Ok(tonic::Response::new(ExportLogsServiceResponse::default()))
    }
}

/// A string value's text; "" for anything else.
fn text(value: Option<&AnyValue>) -> String {
    match value.and_then(|v| v.value.as_ref()) {
        Some(Value::StringValue(text)) => text.clone(),
        _ => String::new(),
    }
}

#[allow(clippy::unwrap_used, reason = "test server: one that cannot start or be read fails the test")]
impl Sink {
    /// Starts a sink on a free loopback port that answers each request after `delay`.
    pub fn start(delay: Duration) -> Sink {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let backend = Backend { delay, received: Arc::default() };
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let port = listener.local_addr().unwrap().port();
        let serving = Mutex::new(Some(serve(&runtime, listener, backend.clone())));
        Sink { port, backend, serving, runtime }
    }

    /// Goes away as a backend stopping for maintenance does, and comes back on the same port
    /// after `down`. The server shuts down gracefully: it stops accepting, answers the
    /// requests it has begun, then closes its connections. (A backend killed mid-request may
    /// have stored records whose answer never left; their retry is a duplicate that no
    /// exporter can avoid, so that is not the fault this simulates.)
    pub fn restart(&self, down: Duration) {
        let mut serving = self.serving.lock().unwrap();
        let Serving { shutdown, task } = serving.take().unwrap();
        let _ = shutdown.send(());
        // The server's future (and its listener) ends once its connections have closed.
        let closed = self.runtime.block_on(async { tokio::time::timeout(CLOSE_TIMEOUT, task).await });
        let Ok(ended) = closed else { panic!("the sink's connections did not close within {CLOSE_TIMEOUT:?} of its shutdown") };
        ended.unwrap();
        std::thread::sleep(down);
        let listener = self.runtime.block_on(tokio::net::TcpListener::bind(("127.0.0.1", self.port))).unwrap();
        *serving = Some(serve(&self.runtime, listener, self.backend.clone()));
    }

    /// What has arrived so far.
    pub fn arrivals(&self) -> Arrivals {
        self.backend.received.lock().unwrap().arrivals.clone()
    }

    /// How many records have arrived (each arrival counted).
    pub fn arrived(&self) -> usize {
        self.backend.received.lock().unwrap().records
    }

    /// Whether every one of `ids` has arrived at least once.
    pub fn has_all(&self, ids: &[String]) -> bool {
        let received = self.backend.received.lock().unwrap();
        ids.iter().all(|id| received.arrivals.contains_key(id))
    }

    /// How many records stamped `stamp` have arrived.
    pub fn stamped(&self, stamp: &str) -> usize {
        self.backend.received.lock().unwrap().stamps.get(stamp).copied().unwrap_or(0)
    }
}

/// Serves `backend` on `listener` until the shutdown signal.
#[allow(clippy::unwrap_used, reason = "test server: one that fails fails the test")]
fn serve(runtime: &tokio::runtime::Runtime, listener: tokio::net::TcpListener, backend: Backend) -> Serving {
    let service = LogsServiceServer::new(backend)
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .max_decoding_message_size(256 << 20);
    let incoming = tonic::transport::server::TcpIncoming::from(listener);
    let (shutdown, signal) = tokio::sync::oneshot::channel::<()>();
    let server = tonic::transport::Server::builder().add_service(service).serve_with_incoming_shutdown(incoming, async {
        let _ = signal.await;
    });
    let task = runtime.spawn(async move { server.await.unwrap() });
    Serving { shutdown, task }
}
