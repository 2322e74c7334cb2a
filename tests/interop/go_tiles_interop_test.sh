#!/usr/bin/env bash
# Interoperability test of the published log: Go's golang.org/x/mod/sumdb/tlog
# reads the hash tiles that `ledgerctl serve --http` publishes (C2SP
# tlog-tiles) through its TileHashReader and checks the tree and records,
# and crypto/ed25519 checks the witnesses' cosignatures (C2SP
# tlog-cosignature) on the published checkpoint. See verify_tiles_with_go.go.
#
# Usage: go_tiles_interop_test.sh LEDGERCTL BUILD_DIR [GOPATH]
# Environment: GO, the go command to use (default: go on PATH).
# Built offline in GOPATH mode, as go_interop_test.sh does.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 LEDGERCTL BUILD_DIR [GOPATH]" >&2
  exit 2
fi
ledgerctl=$1
build_dir=$2
gopath=${3:-/usr/share/gocode}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/go-tiles-interop.XXXXXX")
serve_pid=""
cleanup() {
  if [[ -n $serve_pid ]]; then kill "$serve_pid" 2> /dev/null || true; wait "$serve_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building verify_tiles_with_go (GOPATH mode, offline)"
verifier=$build_dir/verify_tiles_with_go
source "$here/go_build.sh"
build_go_program "$here/verify_tiles_with_go.go" "$verifier" "$gopath" "$build_dir"

# More than one tile's worth of entries, so that the reader needs a full
# tile, a partial one and a tile of the level above: 220 sources (entries
# that concern no compact) before the demo's 84 events.
echo "== ledgerctl import (220 sources), then demo --witnesses (a checkpoint cosigned by three witnesses)"
for i in $(seq 1 220); do
  printf '{"sourceRegistered": {"sourceId": "go-tiles-source-%d", "title": "Go tiles interop source %d", "date": {"edtf": "2024-01-02", "asWritten": "2nd January 2024"}, "sha256": "%064x"}}\n' "$i" "$i" "$i"
done > "$work/sources.jsonl"
"$ledgerctl" import --db "$work/db" "$work/sources.jsonl" > "$work/import.out"
"$ledgerctl" demo --db "$work/db" --witnesses > "$work/demo.out"


echo "== ledgerctl serve --http"
# The output file exists before the server starts, so that reading it never
# races the shell that opens it.
: > "$work/serve.out"
"$ledgerctl" serve --db "$work/db" --listen 127.0.0.1:0 --http 127.0.0.1:0 >> "$work/serve.out" 2>&1 &
serve_pid=$!
url=""
for _ in $(seq 1 600); do
  url=$(sed -n 's/^serving HTTP on \(http[^ ]*\).*/\1/p' "$work/serve.out")
  [[ -n $url ]] && break
  kill -0 "$serve_pid" 2> /dev/null || { cat "$work/serve.out" >&2; echo "FAIL: serve exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n $url ]] || { cat "$work/serve.out" >&2; echo "FAIL: serve did not print its HTTP address" >&2; exit 1; }

echo "== verify_tiles_with_go $url"
"$verifier" -url "$url/" -policy "$work/db/demo-witness-policy.txt" | tee "$work/go.out"
grep -qx "GO TILES OK" "$work/go.out" || { echo "FAIL: verifier did not report success" >&2; exit 1; }
echo "PASS"
