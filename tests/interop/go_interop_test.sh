#!/usr/bin/env bash
# Interoperability test: what `ledgerctl` writes must be accepted by an
# independent implementation, Go's golang.org/x/mod/sumdb/note (C2SP signed
# notes, https://c2sp.org/signed-note) and golang.org/x/mod/sumdb/tlog
# (RFC 6962 / RFC 9162 Merkle inclusion and consistency proofs), for
# C2SP tlog-checkpoints (https://c2sp.org/tlog-checkpoint). See verify_with_go.go.
#
# Usage: go_interop_test.sh LEDGERCTL BUILD_DIR [GOPATH]
#   LEDGERCTL  the ledgerctl binary under test
#   BUILD_DIR  a directory for the Go build cache and the verifier binary
#   GOPATH     where golang.org/x/mod sources live (default /usr/share/gocode,
#              Debian's golang-golang-x-mod-dev)
# Environment: GO, the go command to use (default: go on PATH).
#
# The Go program is built offline, in GOPATH mode against the local sources:
# GO111MODULE=off, GOPROXY=off, GOFLAGS= and GOTOOLCHAIN=local, so no module
# or toolchain is ever downloaded.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 LEDGERCTL BUILD_DIR [GOPATH]" >&2
  exit 2
fi
ledgerctl=$1
build_dir=$2
gopath=${3:-/usr/share/gocode}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ ! -f $gopath/src/golang.org/x/mod/sumdb/note/note.go ||
      ! -f $gopath/src/golang.org/x/mod/sumdb/tlog/tlog.go ]]; then
  echo "FAIL: golang.org/x/mod sources not found under $gopath/src" \
       "(apt-get install golang-golang-x-mod-dev)" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/go-interop.XXXXXX")
trap 'rm -rf "$work"' EXIT
db=$work/db
origin=interop.example/compact-ledger

step() { echo "== $*"; }

# ---- 1. Build the Go verifier offline ----------------------------------------
step "building verify_with_go (GOPATH mode, offline)"
verifier=$build_dir/verify_with_go
source "$here/go_build.sh"
build_go_program "$here/verify_with_go.go" "$verifier" "$gopath" "$build_dir"

# ---- 2. Produce a ledger, two signed checkpoints and proofs with ledgerctl ----
step "ledgerctl demo / keygen / checkpoint"
"$ledgerctl" demo --db "$db" > "$work/demo.out"
"$ledgerctl" keygen --name "$origin" --out "$work/log.key" > "$work/vkey.txt"
"$ledgerctl" checkpoint --db "$db" --sign-key "$work/log.key" --origin "$origin" > "$work/cp-old.signed"
old_size=$(sed -n 2p "$work/cp-old.signed")

# Append a few entries that concern no compact, then sign the bigger tree.
cat > "$work/extra.jsonl" <<'EOF'
{"sourceRegistered": {"sourceId": "go-interop-source-1", "title": "Go interop test source one", "date": {"edtf": "2024-01-02", "asWritten": "2nd January 2024"}, "sha256": "0000000000000000000000000000000000000000000000000000000000000001"}}
{"sourceRegistered": {"sourceId": "go-interop-source-2", "title": "Go interop test source two", "date": {"edtf": "2024-01-03", "asWritten": "3rd January 2024"}, "sha256": "0000000000000000000000000000000000000000000000000000000000000002"}}
{"sourceRegistered": {"sourceId": "go-interop-source-3", "title": "Go interop test source three", "date": {"edtf": "2024-01-04", "asWritten": "4th January 2024"}, "sha256": "0000000000000000000000000000000000000000000000000000000000000003"}}
EOF
"$ledgerctl" import --db "$db" "$work/extra.jsonl"
"$ledgerctl" checkpoint --db "$db" --sign-key "$work/log.key" > "$work/cp-new.signed"
new_size=$(sed -n 2p "$work/cp-new.signed")
echo "signed checkpoints at sizes $old_size and $new_size"
[[ $old_size == 84 && $new_size == 87 ]] || { echo "FAIL: expected sizes 84 and 87" >&2; exit 1; }

# The stored checkpoints print back identically.
"$ledgerctl" checkpoint --db "$db" --size "$old_size" | cmp - "$work/cp-old.signed"
"$ledgerctl" checkpoint --db "$db" | cmp - "$work/cp-new.signed"

step "ledgerctl consistency / prove"
args=(-vkey "$work/vkey.txt" -skey "$work/log.key"
      -old "$work/cp-old.signed" -new "$work/cp-new.signed")
# Between the two signed checkpoints, plus edge cases of the proof shape
# (old tree a power of two, one leaf, one short of the new size, equal sizes).
for from in "$old_size" 1 40 64 86 87; do
  "$ledgerctl" consistency --db "$db" --from "$from" --to "$new_size" --format json > "$work/cons-$from.json"
  args+=(-consistency "$work/cons-$from.json")
done
"$ledgerctl" consistency --db "$db" --from 5 --to "$old_size" --format json > "$work/cons-5-$old_size.json"
args+=(-consistency "$work/cons-5-$old_size.json")
# Compact events (first, middle, last of worcestershire-2006): the JSON carries
# the stored entry bytes, so Go computes the leaf hash itself.
for event in 27 51 75; do
  "$ledgerctl" prove --db "$db" --compact worcestershire-2006 --event "$event" > "$work/prove-event-$event.json"
  args+=(-inclusion "$work/prove-event-$event.json")
done
# Plain RFC 9162 proofs at the edges of the tree, incl. the entries just imported.
for seq in 0 63 83 86; do
  "$ledgerctl" prove --db "$db" --seq "$seq" --format json > "$work/prove-seq-$seq.json"
  args+=(-inclusion "$work/prove-seq-$seq.json")
done
"$ledgerctl" prove --db "$db" --seq 5 --size 40 --format json > "$work/prove-seq-5-40.json"
args+=(-inclusion "$work/prove-seq-5-40.json")

# ---- 3. Verify with Go --------------------------------------------------------
step "verify_with_go"
"$verifier" "${args[@]}" | tee "$work/go.out"
grep -qx "GO INTEROP OK" "$work/go.out" || { echo "FAIL: verifier did not report success" >&2; exit 1; }

# ---- 4. The whole pipeline must also be able to fail --------------------------
step "verify_with_go must reject a tampered checkpoint"
# Change the last character of the root line (still valid base64 of 32 bytes).
awk 'NR == 3 { c = substr($0, 43, 1); $0 = substr($0, 1, 42) (c == "A" ? "Q" : "A") substr($0, 44) } { print }' \
  "$work/cp-new.signed" > "$work/cp-new.tampered"
if cmp -s "$work/cp-new.signed" "$work/cp-new.tampered"; then
  echo "FAIL: tampering did not change the checkpoint" >&2; exit 1
fi
tampered_args=("${args[@]}")
for i in "${!tampered_args[@]}"; do
  [[ ${tampered_args[$i]} == "$work/cp-new.signed" ]] && tampered_args[$i]=$work/cp-new.tampered
done
if "$verifier" "${tampered_args[@]}" > "$work/go-tampered.out" 2>&1; then
  cat "$work/go-tampered.out"
  echo "FAIL: the Go verifier accepted a checkpoint with a changed root" >&2
  exit 1
fi
grep -q "note.Open rejects the signed note" "$work/go-tampered.out" || {
  cat "$work/go-tampered.out"; echo "FAIL: tampered checkpoint rejected for an unexpected reason" >&2; exit 1; }
grep -m1 "GO INTEROP FAILED" "$work/go-tampered.out"

echo "PASS: Go's golang.org/x/mod/sumdb/{note,tlog} accept ledgerctl's checkpoints and proofs"
