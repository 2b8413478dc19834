#!/usr/bin/env bash
# Tests and packages the VS Code extension on a fresh machine with Node 20 and npm:
# installs the locked dependencies, type-checks and bundles, runs the unit and grammar tests,
# and builds the .vsix. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
npm test # its pretest type-checks (tsc) and bundles (esbuild) first

vsix="$(pwd)/ottl-$(node -p 'require("./package.json").version').vsix"
npx vsce package --no-dependencies --no-rewrite-relative-links --out "$vsix"
# The extension runs without node_modules: vscode-languageclient must be inside the bundle.
npx vsce ls --no-dependencies | grep -qx 'out/extension.js'
echo "Packaged $vsix ($(du -k "$vsix" | cut -f1) KiB)"
