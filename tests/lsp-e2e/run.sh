#!/usr/bin/env bash
# Runs the ottl-lsp end-to-end tests. Needs python3 (3.9+) with venv and pip.
#   OTTL_LSP=/path/to/ottl-lsp  the server (default: ../../target/release/ottl-lsp from here)
#   OTTLC=/path/to/ottlc        the checker used for expectations (default: next to ottl-lsp)
# Extra arguments go to pytest (e.g. ./run.sh -k yaml -x).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
export OTTL_LSP="${OTTL_LSP:-$here/../../target/release/ottl-lsp}"
if [ -n "${OTTLC:-}" ]; then export OTTLC; fi
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
