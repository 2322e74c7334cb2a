#!/usr/bin/env python3
"""Writes vectors/demo-entries.json: the demo's ledger entries as stored bytes.

Run by hand, with a Python that has python3-protobuf (Debian's /usr/bin/python3),
with the entries of `ledgerctl demo` printed by
`ledgerctl log --db DIR --format json` (proto JSON mapping) and Python
modules generated from proto/ by protoc --python_out:

  python3 tests/web/make_entry_vectors.py ENTRIES.jsonl PYTHON_PROTO_DIR

Each entry is re-serialized by Python's protobuf and kept only if its
SHA-256(0x00 || bytes) equals the leaf hash the ledger printed, so the bytes
are exactly the ones the C++ stored and hashed.
"""
import base64
import hashlib
import json
import sys


def main():
    entries_path, proto_dir = sys.argv[1], sys.argv[2]
    sys.path.insert(0, proto_dir)
    from google.protobuf import json_format
    from ledger.v1 import entry_pb2
    from compact.v1 import event_pb2  # noqa: F401 (registers the Any type)

    out = []
    for line in open(entries_path):
        record = json.loads(line)
        entry = json_format.ParseDict(record["entry"], entry_pb2.Entry())
        data = entry.SerializeToString(deterministic=True)
        leaf = hashlib.sha256(b"\x00" + data).hexdigest()
        if leaf != record["leafHash"]:
            sys.exit("entry %s does not re-serialize to its stored bytes" % record["sequence"])
        out.append({"sequence": record["sequence"], "bytes": base64.b64encode(data).decode(),
                    "leafHash": leaf, "json": record["entry"]})
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
