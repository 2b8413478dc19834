//! OTLP/gRPC: the four collector services on one tonic server, gzip and zstd accepted.
//!
//! A refused request is answered `UNAVAILABLE`, which the OTLP specification makes
//! retryable, so every client SDK backs off and retries; when the agent is full, the
//! status carries a `RetryInfo` with the delay to wait.

use std::net::SocketAddr;

use bytes::Bytes;
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{LogsService, LogsServiceServer};
use opentelemetry_proto::tonic::collector::logs::v1::{ExportLogsServiceRequest, ExportLogsServiceResponse};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{MetricsService, MetricsServiceServer};
use opentelemetry_proto::tonic::collector::metrics::v1::{ExportMetricsServiceRequest, ExportMetricsServiceResponse};
use opentelemetry_proto::tonic::collector::profiles::v1development::profiles_service_server::{
    ProfilesService, ProfilesServiceServer,
};
use opentelemetry_proto::tonic::collector::profiles::v1development::{
    ExportProfilesServiceRequest, ExportProfilesServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{TraceService, TraceServiceServer};
use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::logs::v1::LogsData;
use opentelemetry_proto::tonic::metrics::v1::MetricsData;
use opentelemetry_proto::tonic::profiles::v1development::ProfilesData;
use opentelemetry_proto::tonic::trace::v1::TracesData;
use ottl_runtime::otlp::Telemetry;
use prost::Message;
use tonic::codec::CompressionEncoding;
use tonic::{Code, Request, Response, Status};

use super::super::Intake;
use super::Incoming;

#[derive(Clone)]
struct Service {
    intake: Intake,
}

impl Service {
    async fn submit(&self, telemetry: Telemetry, bytes: usize) -> Result<(), Status> {
        self.intake.submit(telemetry, bytes).await.map_err(|refusal| {
            let status = refusal.status();
            let details = Bytes::from(status.encode_to_vec());
            Status::with_details(Code::Unavailable, status.message, details)
        })
    }
}

/// One service per signal: decode, submit, answer the empty (fully accepted) response.
macro_rules! otlp_service {
    ($service:ident, $request:ty, $response:ty, |$req:ident| $telemetry:expr) => {
        #[tonic::async_trait]
        impl $service for Service {
            async fn export(&self, request: Request<$request>) -> Result<Response<$response>, Status> {
                let $req = request.into_inner();
                let bytes = $req.encoded_len();
                self.submit($telemetry, bytes).await?;
                Ok(Response::new(<$response>::default()))
            }
        }
    };
}

otlp_service!(TraceService, ExportTraceServiceRequest, ExportTraceServiceResponse, |request| Telemetry::Traces(TracesData {
    resource_spans: request.resource_spans
}));
otlp_service!(MetricsService, ExportMetricsServiceRequest, ExportMetricsServiceResponse, |request| Telemetry::Metrics(
    MetricsData { resource_metrics: request.resource_metrics }
));
otlp_service!(LogsService, ExportLogsServiceRequest, ExportLogsServiceResponse, |request| Telemetry::Logs(LogsData {
    resource_logs: request.resource_logs
}));
otlp_service!(ProfilesService, ExportProfilesServiceRequest, ExportProfilesServiceResponse, |request| Telemetry::Profiles(
    ProfilesData { resource_profiles: request.resource_profiles, dictionary: request.dictionary }
));

/// Serves OTLP/gRPC on `incoming` until `shutdown` completes; requests in progress finish.
pub async fn serve(
    incoming: Incoming,
    intake: Intake,
    max_message_size: usize,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let service = Service { intake };
    macro_rules! configured {
        ($server:ident) => {
            $server::new(service.clone())
                .accept_compressed(CompressionEncoding::Gzip)
                .accept_compressed(CompressionEncoding::Zstd)
                .send_compressed(CompressionEncoding::Gzip)
                .max_decoding_message_size(max_message_size)
        };
    }
    let router = tonic::transport::Server::builder()
        .add_service(configured!(TraceServiceServer))
        .add_service(configured!(MetricsServiceServer))
        .add_service(configured!(LogsServiceServer))
        .add_service(configured!(ProfilesServiceServer));
    let served = match incoming {
        Incoming::Plain(listener) => {
            let address: Option<SocketAddr> = listener.local_addr().ok();
            let incoming = tonic::transport::server::TcpIncoming::from(listener);
            router.serve_with_incoming_shutdown(incoming, shutdown).await.map_err(|error| (address, error))
        }
        Incoming::Tls(listener) => {
            let address = axum::serve::Listener::local_addr(&listener).ok();
            router.serve_with_incoming_shutdown(listener.into_stream(), shutdown).await.map_err(|error| (address, error))
        }
    };
    served.map_err(|(address, error)| format!("OTLP/gRPC server on {address:?}: {error}"))
}
