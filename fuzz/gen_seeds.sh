#!/usr/bin/env bash
# Regenerates the signed seeds of the fuzz corpora (fuzz/README.md, "The fuzz
# key"): checkpoints, signed notes, tlog-proof text, JSON proofs and audit
# bundles of a small ledger, all signed with the public test key
# fuzz/corpus/fuzz.key. Seeds that need no signature are written by hand.
#
# Usage: fuzz/gen_seeds.sh LEDGERCTL [WITNESS_ANSWER_FUZZER]
# (the second, a built build-fuzz/fuzz/witness_answer_fuzzer, writes that
# target's seeds: cosignatures by its fixed witness key.)
set -euo pipefail
if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 LEDGERCTL [WITNESS_ANSWER_FUZZER]" >&2
  exit 2
fi
ledgerctl=$1
witness_answer_fuzzer=${2:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
corpus=$here/corpus
key=$corpus/fuzz.key
pub=$(cat "$corpus/fuzz.pub")
origin=fuzz.example/log
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-seeds.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 600 "$key"
mkdir -p "$corpus"/{signed_note,checkpoint,tlog_proof,proof_json,bundle}_fuzzer

# A small ledger: the first events of the seed scenario, two checkpoints.
db=$work/db
head -n 21 "$here/../scenarios/worcestershire.jsonl" > "$work/first.jsonl"
sed -n 22,26p "$here/../scenarios/worcestershire.jsonl" > "$work/next.jsonl"
"$ledgerctl" import --db "$db" "$work/first.jsonl" > /dev/null
"$ledgerctl" checkpoint --db "$db" --sign-key "$key" --origin "$origin" > "$work/cp1"
"$ledgerctl" import --db "$db" "$work/next.jsonl" > /dev/null
"$ledgerctl" checkpoint --db "$db" --sign-key "$key" > "$work/cp2"

for n in 1 2; do
  cp "$work/cp$n" "$corpus/signed_note_fuzzer/checkpoint-$n"
  cp "$work/cp$n" "$corpus/checkpoint_fuzzer/signed-$n"
  # The note text alone (up to the blank line).
  sed '/^$/,$d' "$work/cp$n" > "$corpus/checkpoint_fuzzer/text-$n"
done
printf '%s' "$pub" > "$corpus/signed_note_fuzzer/verifier-key"
cp "$key" "$corpus/signed_note_fuzzer/private-key"

rm -f "$corpus/bundle_fuzzer/two-checkpoints"
"$ledgerctl" export-bundle --db "$db" --out "$corpus/bundle_fuzzer/two-checkpoints"
head -n 5 "$corpus/bundle_fuzzer/two-checkpoints" > "$corpus/bundle_fuzzer/truncated"
# The bundle's first entries, as stored and hashed, for the entry scanner.
mkdir -p "$corpus/entry_fields_fuzzer"
/usr/bin/python3 - "$corpus/bundle_fuzzer/two-checkpoints" "$corpus/entry_fields_fuzzer" <<'PY'
import base64, sys
for line in open(sys.argv[1]):
    word, *rest = line.split()
    if word == "entry" and int(rest[0]) < 4:
        open("%s/entry-%s" % (sys.argv[2], rest[0]), "wb").write(base64.b64decode(rest[1]))
PY

# Proofs of events of the first compact of the seed scenario.
compact=$(grep -o '"compactRegistered": *{"compactId": *"[^"]*"' "$work/first.jsonl" | head -n 1 |
          sed 's/.*"\([^"]*\)"$/\1/')
events=$("$ledgerctl" history --db "$db" --compact "$compact" | sed -n 's/^#\([0-9]*\) .*/\1/p')
for event in $events; do
  "$ledgerctl" prove --db "$db" --compact "$compact" --event "$event" > "$work/proof.json"
  cp "$work/proof.json" "$corpus/proof_json_fuzzer/event-$event.json"
  /usr/bin/python3 -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["tlogProof"])' \
    "$work/proof.json" > "$corpus/tlog_proof_fuzzer/event-$event"
done
# The published resources of the fixed log of tile_reader_fuzzer.cc (260
# entries "fuzz entry <i>", and its older checkpoint of size 5), each behind
# its selector byte (the resource's rank among the paths; bit 7 reads the
# older tree first), plus a few altered ones. Computed here (RFC 9162 hashes,
# C2SP tlog-tiles layout), independently of the reader under test.
/usr/bin/python3 - "$corpus/tile_reader_fuzzer" <<'PY'
import hashlib, os, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
entries = [b"fuzz entry %d" % i for i in range(260)]
leaves = [hashlib.sha256(b"\0" + e).digest() for e in entries]
def mth(hs):
    if len(hs) == 1:
        return hs[0]
    k = 1
    while k * 2 < len(hs):
        k *= 2
    return hashlib.sha256(b"\1" + mth(hs[:k]) + mth(hs[k:])).digest()
def index_path(n):
    groups = []
    while True:
        groups.append(n % 1000)
        n //= 1000
        if n == 0:
            break
    return "/".join(("x%03d" if i else "%03d") % g for i, g in reversed(list(enumerate(groups))))
def name(kind, n, width):
    return "tile/%s/%s%s" % (kind, index_path(n), "" if width == 256 else ".p/%d" % width)
files = {}
for size in (5, 260):
    level = 0
    while size >> (8 * level):
        count = size >> (8 * level)
        span = 1 << (8 * level)
        for n in range(0, (count + 255) // 256):
            width = min(256, count - n * 256)
            files[name(str(level), n, width)] = b"".join(
                mth(leaves[(n * 256 + i) * span:(n * 256 + i + 1) * span]) for i in range(width))
        level += 1
    for n in range(0, (size + 255) // 256):
        width = min(256, size - n * 256)
        files[name("entries", n, width)] = b"".join(
            len(e).to_bytes(2, "big") + e for e in entries[n * 256:n * 256 + width])
paths = sorted(files)
def write(label, selector, data):
    with open(os.path.join(out, label), "wb") as f:
        f.write(bytes([selector]) + data)
for rank, path in enumerate(paths):
    label = path.replace("/", "_").replace(".", "_")
    write("published-" + label, rank, files[path])
    write("after-old-" + label, rank | 0x80, files[path])
rank = {p: i for i, p in enumerate(paths)}
tile = files["tile/0/000"]
write("altered-hash", rank["tile/0/000"], tile[:100] + bytes([tile[100] ^ 1]) + tile[101:])
write("truncated-tile", rank["tile/0/001.p/4"], files["tile/0/001.p/4"][:-1])
write("bundle-trailing-byte", rank["tile/entries/001.p/4"], files["tile/entries/001.p/4"] + b"\0")
write("bundle-length-past-end", rank["tile/entries/000.p/5"] | 0x80, b"\xff\xff" + b"x" * 10)
write("old-tile-forked", rank["tile/0/000.p/5"] | 0x80, bytes(32 * 5))
PY
if [[ -n "$witness_answer_fuzzer" ]]; then
  mkdir -p "$corpus/witness_answer_fuzzer" "$work/no-inputs"
  LEDGER_FUZZ_WRITE_SEEDS="$corpus/witness_answer_fuzzer" "$witness_answer_fuzzer" -runs=0 \
    "$work/no-inputs" > /dev/null 2>&1
fi
echo "seeds written under $corpus"
