#!/usr/bin/env bash
# Regenerates the README pictures of lsp/images/ from a real editor: Neovim runs in a detached
# tmux pane with ottl-lsp attached, tmux send-keys types, capture-pane reads the screen with its
# colours, ansi2html.py turns it into a terminal-like page, and headless Chromium shoots it.
#
#   OTTL_LSP=/path/to/ottl-lsp lsp/pictures/pictures.sh
#
# Needs nvim (0.7+), tmux, chromium and python3; pngquant, if present, shrinks the PNGs.
# KEEP_TMP=1 keeps the captured screens and pages (.ansi, .html) to debug a picture.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/.." && pwd)/images
export OTTL_LSP=${OTTL_LSP:-$here/../../target/release/ottl-lsp}

missing=()
for tool in nvim tmux chromium python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ -x "$OTTL_LSP" ] || missing+=("ottl-lsp at $OTTL_LSP (cargo build --release -p ottl-lsp)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'missing: %s\n' "${missing[@]}" >&2
  exit 1
fi
OTTL_LSP=$(cd "$(dirname "$OTTL_LSP")" && pwd)/$(basename "$OTTL_LSP")

cols=132 rows=34
# The page around the pane: 8+8 px padding, 14+14 px margin, 1+1 px border, 28 px title bar;
# one cell of DejaVu Sans Mono at 13px is 7.83 x 16 px.
width=$(( cols * 783 / 100 + 48 ))
height=$(( rows * 16 + 12 + 28 + 30 ))

# A private tmux server (own socket in $tmp, no user config) so that nothing else is touched
# and killing it at the end takes Neovim and the language server with it.
tmp=$(mktemp -d)
tmux=(tmux -S "$tmp/tmux.sock" -f /dev/null)
cleanup() {
  "${tmux[@]}" kill-server 2>/dev/null || true
  [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

# wait_for TEXT: polls the screen until TEXT shows (the server answers asynchronously).
wait_for() {
  for _ in $(seq 100); do
    "${tmux[@]}" capture-pane -p -t pics | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$1'; the screen was:" >&2
  "${tmux[@]}" capture-pane -p -t pics >&2
  return 1
}

# start: a fresh editor on the demo config, once the server has published its diagnostics.
start() {
  "${tmux[@]}" kill-session -t pics 2>/dev/null || true
  "${tmux[@]}" new-session -d -s pics -x "$cols" -y "$rows" -c "$here" \
    "env TERM=tmux-256color OTTL_LSP='$OTTL_LSP' nvim --clean -u init.lua collector.yaml"
  wait_for '■ E0100'
}

keys() { "${tmux[@]}" send-keys -t pics "$@"; }

# shot NAME CURSOR: the pane as it is now, as images/NAME.png, the cursor drawn as CURSOR
# (block or bar).
shot() {
  sleep 0.3 # let Neovim finish drawing
  "${tmux[@]}" capture-pane -e -p -N -t pics >"$tmp/$1.ansi"
  read -r x y < <("${tmux[@]}" display-message -p -t pics '#{cursor_x} #{cursor_y}')
  # #333333 and white are desert's Normal colours, the ones Neovim leaves as "default".
  python3 "$here/ansi2html.py" "collector.yaml — Neovim with ottl-lsp" '#333333' '#ffffff' \
    "$x" "$y" "$2" <"$tmp/$1.ansi" >"$tmp/$1.html"
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$tmp/chromium" --window-size="$width,$height" \
    --screenshot="$out/$1.png" "file://$tmp/$1.html" 2>/dev/null
  if command -v pngquant >/dev/null; then
    pngquant --force --skip-if-larger --quality=80-95 --output "$out/$1.png" "$out/$1.png" || true
  fi
  echo "$out/$1.png: $(stat -c %s "$out/$1.png") bytes"
}

mkdir -p "$out"

# 1. The diagnostics the server publishes on open: signs, undercurls and virtual text.
start
keys 14G 0 3f. l # the cursor on `stauts`
shot diagnostics block

# 2. Completion after `span.` in a new statement, the documentation of the selection beside
#    the menu. The view starts at `processors:` so that the whole menu fits below the line.
start
keys 7G zt 15G o '- set(span.'
keys C-x C-o
wait_for 'Map<String, Any>'
wait_for '╭'
shot completion bar

# 3. Hover (K) over a function name: its signature and documentation.
start
keys 15G 0 fr K # on `replace_pattern`
wait_for 'replace_pattern(target'
shot hover block
