//! Seed corpora from the project's own test data: the conformance corpus and golden files,
//! the examples, the agent's golden configs and test payloads, and the OpAMP golden wire
//! vectors. Fuzzing starts from inputs that reach deep, and both harnesses start from the
//! same ones. A missing file gives no seeds, not an error: seeds help, they do not decide.

use std::io::Write;
use std::path::Path;

use ottl_agent::receivers::otlp::http::Encoding;
use ottl_runtime::otlp::Telemetry;

use crate::{opamp, otlp};

/// `.ottl` documents, and each statement and condition of the conformance corpus.
pub fn ottl_documents(root: &Path) -> Vec<Vec<u8>> {
    let mut seeds = files(root, &["tests/golden/ottl", "examples"], "ottl");
    let corpus = std::fs::read_to_string(root.join("tests/conformance/CORPUS.tsv")).unwrap_or_default();
    seeds.extend(corpus.lines().skip(1).filter_map(|row| row.split('\t').nth(2)).map(|text| text.as_bytes().to_vec()));
    seeds
}

/// Collector configs with OTTL: the golden ones and the real-world ones.
pub fn collector_configs(root: &Path) -> Vec<Vec<u8>> {
    files(root, &["tests/golden/yaml", "tests/golden/realworld", "tests/realworld/configs", "examples"], "yaml")
}

/// The agent's configs: its embedded default, its golden configs, the example.
pub fn agent_configs(root: &Path) -> Vec<Vec<u8>> {
    files(root, &["agent/src/config", "agent/tests/golden", "examples"], "yaml")
}

/// OTLP/JSON payloads: the examples and the agent's peer-test inputs.
pub fn otlp_json(root: &Path) -> Vec<Vec<u8>> {
    files(root, &["examples", "tests/examples", "agent/tests/peers/inputs"], "json")
}

/// The same payloads in protobuf.
pub fn otlp_protobuf(root: &Path) -> Vec<Vec<u8>> {
    payloads(root).iter().map(otlp::protobuf_bytes).collect()
}

/// The payloads as OTLP/HTTP bodies in both encodings, under every `Content-Encoding`.
pub fn otlp_http_bodies(root: &Path) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for telemetry in payloads(root) {
        let signal = telemetry.signal();
        for (encoding, plain) in
            [(Encoding::Protobuf, otlp::protobuf_bytes(&telemetry)), (Encoding::Json, otlp::json_bytes(&telemetry))]
        {
            for (index, content_encoding) in otlp::CONTENT_ENCODINGS.iter().enumerate() {
                let body = compress(content_encoding, &plain);
                seeds.push(otlp::http_body_input(index, signal, encoding, &body));
            }
        }
    }
    seeds
}

/// The golden wire vectors as WebSocket messages.
pub fn opamp_websocket(root: &Path) -> Vec<Vec<u8>> {
    wire_vectors(root).into_iter().map(|message| [&[0u8][..], &message].concat()).collect()
}

/// The golden wire vectors as plain-HTTP bodies, plain and gzip, read as either message.
pub fn opamp_http_bodies(root: &Path) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for message in wire_vectors(root) {
        for (index, content_encoding) in opamp::CONTENT_ENCODINGS.iter().enumerate() {
            let body = compress(content_encoding.unwrap_or_default(), &message);
            for to_agent in [false, true] {
                seeds.push(opamp::http_body_input(index, opamp::HTTP_LIMITS.len() - 1, to_agent, &body));
            }
        }
    }
    seeds
}

/// Every file ending in `.extension` directly in the directories, in name order.
fn files(root: &Path, directories: &[&str], extension: &str) -> Vec<Vec<u8>> {
    let mut paths: Vec<_> = directories
        .iter()
        .filter_map(|directory| std::fs::read_dir(root.join(directory)).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    paths.sort();
    paths.iter().filter_map(|path| std::fs::read(path).ok()).collect()
}

/// The OTLP/JSON seeds that read as a payload.
fn payloads(root: &Path) -> Vec<Telemetry> {
    otlp_json(root).iter().filter_map(|json| Telemetry::from_json(&String::from_utf8_lossy(json)).ok()).collect()
}

/// The hex strings of the OpAMP golden wire vectors (`opamp/src/wire_vectors.rs`).
fn wire_vectors(root: &Path) -> Vec<Vec<u8>> {
    let source = std::fs::read_to_string(root.join("opamp/src/wire_vectors.rs")).unwrap_or_default();
    source
        .split('"')
        .filter(|text| text.len() >= 16 && text.len() % 2 == 0 && text.bytes().all(|b| b.is_ascii_hexdigit()))
        .filter_map(|hex| (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok()).collect())
        .collect()
}

/// `plain` compressed as `content_encoding` says (as is for none, or one no one supports).
fn compress(content_encoding: &str, plain: &[u8]) -> Vec<u8> {
    let written = match content_encoding.trim().to_ascii_lowercase().as_str() {
        "gzip" | "x-gzip" => {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(plain).and_then(|()| encoder.finish())
        }
        "deflate" => {
            let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(plain).and_then(|()| encoder.finish())
        }
        "zstd" => zstd::encode_all(plain, 3),
        _ => Ok(plain.to_vec()),
    };
    // Compressing into memory fails only when memory does; the plain body still seeds.
    written.unwrap_or_else(|_| plain.to_vec())
}
