"""Sends spans and logs to an OTLP endpoint with the OpenTelemetry Python SDK.

The SDK's own pipeline does the work (a TracerProvider and a LoggerProvider with batch
processors and the OTLP exporter of the chosen protocol). Each exporter is wrapped so that
what it sends is recorded: for every export call, one JSON line on standard output with the
signal, the request the exporter encoded (protobuf, hex) and the export result. The test
reads these lines to know exactly what was sent.

    send.py --protocol grpc|http --endpoint URL --compression gzip|none
"""

import argparse
import json
import sys

from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.common._log_encoder import encode_logs
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, LogRecordExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

SPANS = 6
LOGS = 6


class Recording:
    """Delegates to an OTLP exporter; prints each request it encodes and the result."""

    def __init__(self, signal, inner, encode):
        self.signal = signal
        self.inner = inner
        self.encode = encode

    def export(self, batch):
        request = self.encode(batch).SerializeToString().hex()
        result = self.inner.export(batch)
        print(json.dumps({"signal": self.signal, "request": request, "result": result.name}), flush=True)
        return result

    def shutdown(self, *args, **kwargs):
        return self.inner.shutdown(*args, **kwargs)

    def force_flush(self, timeout_millis=30000):
        return self.inner.force_flush(timeout_millis)


class RecordingSpans(Recording, SpanExporter):
    pass


class RecordingLogs(Recording, LogRecordExporter):
    pass


def exporters(protocol, endpoint, compression):
    if protocol == "grpc":
        from grpc import Compression
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        chosen = Compression.Gzip if compression == "gzip" else Compression.NoCompression
        spans = OTLPSpanExporter(endpoint=endpoint, insecure=True, compression=chosen, timeout=20)
        logs = OTLPLogExporter(endpoint=endpoint, insecure=True, compression=chosen, timeout=20)
    else:
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        chosen = Compression.Gzip if compression == "gzip" else Compression.NoCompression
        spans = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces", compression=chosen, timeout=20)
        logs = OTLPLogExporter(endpoint=f"{endpoint}/v1/logs", compression=chosen, timeout=20)
    return RecordingSpans("traces", spans, encode_spans), RecordingLogs("logs", logs, encode_logs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--protocol", choices=["grpc", "http"], required=True)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--compression", choices=["gzip", "none"], default="none")
    args = parser.parse_args()

    resource = Resource.create(
        {"service.name": "py-client", "service.version": "1.2.3", "secret": "s3cr3t", "protocol": args.protocol}
    )
    span_exporter, log_exporter = exporters(args.protocol, args.endpoint, args.compression)

    tracers = TracerProvider(resource=resource)
    tracers.add_span_processor(BatchSpanProcessor(span_exporter))
    tracer = tracers.get_tracer("peers.python", "0.1.0", attributes={"scope.kind": "test"})
    first = None
    for n in range(SPANS):
        attributes = {"n": n, "drop": n % 3 == 0, "ratio": n / 4, "tags": ["a", f"t{n}"]}
        links = [Link(first.get_span_context(), {"link.n": n})] if first is not None else []
        with tracer.start_as_current_span(f"span {n}", kind=SpanKind.SERVER, attributes=attributes, links=links) as span:
            span.add_event("checkpoint", {"at": n})
            if n == 4:
                span.set_status(Status(StatusCode.ERROR, "boom"))
            with tracer.start_as_current_span(f"child {n}", attributes={"n": 100 + n, "drop": False}):
                pass
            if first is None:
                first = span

    loggers = LoggerProvider(resource=resource)
    loggers.add_log_record_processor(BatchLogRecordProcessor(log_exporter))
    logger = loggers.get_logger("peers.python.logs", "0.1.0")
    for n in range(LOGS):
        logger.emit(
            timestamp=1_700_000_000_000_000_000 + n,
            severity_number=SeverityNumber.WARN if n % 2 else SeverityNumber.INFO,
            severity_text="WARN" if n % 2 else "INFO",
            body={"message": f"log {n}", "items": [n, n + 1]} if n == 5 else f"log {n}",
            attributes={"n": n, "drop": n % 3 == 0, "bytes": b"\x00\x01"},
        )

    tracers.shutdown()
    loggers.shutdown()


if __name__ == "__main__":
    sys.exit(main())
