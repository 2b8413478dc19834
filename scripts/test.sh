#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine. Installs what the tests need
# first: crates come from crates.io through cargo; the Go reference (tests/reference, the
# collector's own OTTL) and the collector peer (tests/collector) are built with the machine's
# Go from the Go module proxy; the LSP test client comes from PyPI into a venv, the
# extension's packages from npm.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
    echo "test.sh: cargo is not installed; install Rust 1.95 (rustup) first" >&2
    exit 2
fi

for tool in node npm python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "test.sh: $tool is not installed; the editor tests need Node.js 20 with npm and Python 3" >&2
        exit 2
    fi
done

if ! command -v go >/dev/null 2>&1; then
    echo "test.sh: go is not installed; the differential tests need Go 1.26 for tests/reference" >&2
    exit 2
fi

# The agent's eBPF profiler: its C program is built with clang against libbpf's headers, and
# its tests compare with perf. A fresh Debian machine has none of them.
missing_packages=()
command -v clang >/dev/null 2>&1 || missing_packages+=(clang)
[ -f /usr/include/bpf/bpf_helpers.h ] || missing_packages+=(libbpf-dev)
command -v perf >/dev/null 2>&1 || missing_packages+=(linux-perf)
if [ ${#missing_packages[@]} -gt 0 ]; then
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_packages[@]}"
fi
# An agent built without its profiler would pass its tests by skipping them: refuse that here.
export OTTL_AGENT_REQUIRE_EBPF=1

# The Go reference, once, for every test that compares with it.
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
mkdir -p "$target_dir"
(cd tests/reference && GOFLAGS=-mod=mod go build -o "$target_dir/ottl-ref" .)
export OTTL_REF="$target_dir/ottl-ref"
# opamp-go's own OpAMP client (Go modules), the WebSocket and HTTP peer of ottl-fleet's
# tests (fleet/tests/peers.rs).
(cd tests/opamp-go-client && GOFLAGS=-mod=mod go build -o "$target_dir/opamp-go-client" .)
export OPAMP_GO_CLIENT="$target_dir/opamp-go-client"
# The OpenTelemetry Collector built from Go modules (tests/collector), the peer that the
# agent's tests run side by side. Cold about 2-5 minutes (shares the module and build caches
# with the reference), a few seconds when nothing changed.
(cd tests/collector && GOFLAGS=-mod=mod go build -o "$target_dir/otelcol" .)
export OTELCOL="$target_dir/otelcol"
# An OpAMP server on opamp-go v0.23.0's server package (tests/opamp-server), the peer the
# agent's OpAMP client is tested against (agent/tests/opamp.rs).
(cd tests/opamp-server && GOFLAGS=-mod=mod go build -o "$target_dir/opamp-server" .)
export OPAMP_SERVER="$target_dir/opamp-server"
# The OpenTelemetry Python SDK with its OTLP exporters (PyPI), the client the agent's peer
# tests (agent/tests/peers) send with, in a venv as tests/lsp-e2e/run.sh keeps its packages.
peers_python="$PWD/agent/tests/peers/python"
if [ ! -x "$peers_python/.venv/bin/python" ]; then
    python3 -m venv "$peers_python/.venv"
fi
"$peers_python/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$peers_python/requirements.txt"
export OTLP_PYTHON="$peers_python/.venv/bin/python"
# The OpAMP clients for Python (PyPI, a venv) and Node.js (npm), HTTP peers of ottl-fleet.
fleet_python="$PWD/fleet/tests/peers/python"
if [ ! -x "$fleet_python/.venv/bin/python" ]; then
    python3 -m venv "$fleet_python/.venv"
fi
"$fleet_python/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$fleet_python/requirements.txt"
export OPAMP_PYTHON="$fleet_python/.venv/bin/python"
# junitparser (PyPI), the JUnit XML reader `ottlc test --format junit` is checked with
# (ottlc/tests/test_command.rs).
junit_python="$PWD/ottlc/tests/junit"
if [ ! -x "$junit_python/.venv/bin/python" ]; then
    python3 -m venv "$junit_python/.venv"
fi
"$junit_python/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$junit_python/requirements.txt"
export JUNIT_PYTHON="$junit_python/.venv/bin/python"
(cd fleet/tests/peers/node && npm ci --no-audit --no-fund --silent)
# Elastic's mock OpAMP server (npm), the HTTP server peer of the agent's OpAMP client
# (agent/tests/opamp.rs, through agent/tests/peers/node/mock-server.js).
(cd agent/tests/peers/node && npm ci --no-audit --no-fund --silent)

# The release build is the contract (DESIGN §6) and the tests reuse its artifacts (the
# agent's tests/fleet.rs runs the `ottl-fleet` binary built here).
cargo build --release --workspace
# The workspace lints (no unwrap/expect outside tests without a reason) are clippy's.
if ! cargo clippy --version >/dev/null 2>&1; then
    rustup component add clippy
fi
cargo clippy --release --workspace --all-targets -- -D warnings
cargo test --release --workspace
# The corpus runner again with its report visible in the log.
cargo test --release --test conformance -- --nocapture
# The differential tests against the Go reference, with their report visible in the log.
cargo test --release --test differential -- --nocapture
# The JIT against the interpreter (100,000 generated cases and the corpus), report visible.
cargo test --release --test jit_differential -- --nocapture
# Real-world OTTL (3,000 rows, 15 configs) against the collector, report visible.
cargo test --release --test realworld -- --nocapture
# The eBPF profiler against a known workload, perf and the collector (root), report visible.
cargo test --release -p ottl-agent --test profiler -- --nocapture
# The self-operation loop under a load step, its time series (rates and ratio) visible.
cargo test --release -p ottl-agent --test self_operation -- --nocapture
# The soak (issue 19): 150 s of load with OpAMP rule swaps every 3 s, two sink restarts and
# the profiler running (about 2.7 minutes); its accounting and its RSS and descriptor series
# visible in the log. Ignored by the workspace run above, so that it runs once.
cargo test --release -p ottl-agent --test soak -- --ignored --nocapture
# The agent against the Python SDK and the collector, with the side-by-side report visible.
cargo test --release -p ottl-agent --test peers -- --nocapture
# ottl-fleet against opamp-go's, the Python and the Node.js OpAMP clients, report visible.
cargo test --release -p ottl-fleet --test peers -- --nocapture
# The language server through a real LSP client over stdio (pytest-lsp from PyPI).
OTTL_LSP="$target_dir/release/ottl-lsp" ./tests/lsp-e2e/run.sh
# The VS Code extension: grammar and unit tests, then the .vsix (npm packages).
./vscode-extension/scripts/test.sh
