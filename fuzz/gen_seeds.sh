#!/usr/bin/env bash
# Regenerates the signed seeds of the fuzz corpora (fuzz/README.md, "The fuzz
# key"): checkpoints, signed notes, tlog-proof text, JSON proofs and audit
# bundles of a small ledger, all signed with the public test key
# fuzz/corpus/fuzz.key. Seeds that need no signature are written by hand.
#
# Usage: fuzz/gen_seeds.sh LEDGERCTL
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: $0 LEDGERCTL" >&2
  exit 2
fi
ledgerctl=$1
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
echo "seeds written under $corpus"
