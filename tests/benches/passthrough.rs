//! `ottl-bench`'s pass-through column: the scenario's records decoded from OTLP protobuf
//! and encoded again, with no rules, by prost on the runtime's own types. An agent pays
//! this per record whatever its rules do (the OTLP receiver decodes, the exporter
//! encodes), so it is the yardstick for what the rules add.

use std::hint::black_box;

use ottl_runtime::otlp::logs::v1::LogsData;
use ottl_runtime::otlp::metrics::v1::MetricsData;
use ottl_runtime::otlp::profiles::v1development::ProfilesData;
use ottl_runtime::otlp::trace::v1::TracesData;
use ottl_runtime::otlp::{Signal, Telemetry};
use prost::Message;

/// A payload in OTLP protobuf (the wire form of an export request's body).
pub fn encode(telemetry: &Telemetry) -> Vec<u8> {
    match telemetry {
        Telemetry::Traces(data) => data.encode_to_vec(),
        Telemetry::Metrics(data) => data.encode_to_vec(),
        Telemetry::Logs(data) => data.encode_to_vec(),
        Telemetry::Profiles(data) => data.encode_to_vec(),
    }
}

/// A payload of `signal` from OTLP protobuf.
pub fn decode(signal: Signal, bytes: &[u8]) -> Result<Telemetry, String> {
    let decoded = match signal {
        Signal::Traces => TracesData::decode(bytes).map(Telemetry::Traces),
        Signal::Metrics => MetricsData::decode(bytes).map(Telemetry::Metrics),
        Signal::Logs => LogsData::decode(bytes).map(Telemetry::Logs),
        Signal::Profiles => ProfilesData::decode(bytes).map(Telemetry::Profiles),
    };
    decoded.map_err(|e| format!("cannot decode the {} payload: {e}", signal.name()))
}

/// What the timed runs do: decode `bytes`, encode the records again, and return them
/// (dropped, as every engine's output, after the clock stops).
pub fn round_trip(signal: Signal, bytes: &[u8]) -> Result<Telemetry, String> {
    let telemetry = decode(signal, bytes)?;
    black_box(encode(&telemetry));
    Ok(telemetry)
}

/// `input` as protobuf, once checked to decode to the same records and encode to the same
/// bytes again.
pub fn prepared(input: &Telemetry) -> Result<Vec<u8>, String> {
    let bytes = encode(input);
    if decode(input.signal(), &bytes)? != *input {
        return Err("the records do not decode to themselves".to_string());
    }
    if encode(&round_trip(input.signal(), &bytes)?) != bytes {
        return Err("the records do not encode to the same bytes again".to_string());
    }
    Ok(bytes)
}
