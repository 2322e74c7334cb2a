#!/usr/bin/python3
"""Compact Ledger from Python: record an endorsement, read the compact back.

Uses Debian's python3-grpcio and python3-protobuf (run it with /usr/bin/python3:
the python3 first on PATH may not see them). The stubs are generated from
proto/ with protoc and Debian's grpc_python_plugin:

    mkdir -p stubs
    protoc -I proto --python_out=stubs \
        --grpc_python_out=stubs --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin \
        proto/ledger/v1/*.proto proto/compact/v1/*.proto
    PYTHONPATH=stubs /usr/bin/python3 examples/python/record_and_read.py \
        --server localhost:50051 --ca ca.pem --token "$TOKEN"

Against the demo ledger (`ledgerctl demo`, then `ledgerctl serve --db demo-ledger
--listen 127.0.0.1:50051`) the defaults record an endorsement of the
Worcestershire compact by Wyre Forest District Council. The entry's actor is
the identity the server authenticated (the token's name), never a string the
client sends.

Exit status: 0 when the endorsement is recorded (or was already), read back in
the compact's state and history, and every history entry's inclusion proof
verifies against the returned root; 1 otherwise.
"""
import argparse
import hashlib
import sys
import uuid

import grpc

from compact.v1 import common_pb2, compact_service_pb2, compact_service_pb2_grpc, report_pb2


def root_from_inclusion_proof(index, size, leaf_hash, proof):
    """RFC 9162 section 2.1.3.2: the root the audit path leads to."""
    if index >= size:
        raise ValueError("leaf index beyond the tree")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise ValueError("proof too long")
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof too short")
    return r


def add_connection_args(parser):
    """The flags channel_for reads."""
    parser.add_argument("--server", required=True, help="host:port")
    parser.add_argument("--ca", help="CA certificate (PEM) of the server: use TLS")
    parser.add_argument("--server-name", help="name on the server's certificate")
    parser.add_argument("--token", help="bearer token")


def channel_for(args):
    """The channel, and the metadata to send with each call."""
    if not args.ca:
        # Plaintext (loopback only): gRPC sends call credentials only over
        # TLS, so the token goes as plain metadata.
        metadata = [("authorization", "Bearer " + args.token)] if args.token else []
        return grpc.insecure_channel(args.server), metadata
    with open(args.ca, "rb") as f:
        credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
    if args.token:
        credentials = grpc.composite_channel_credentials(
            credentials, grpc.access_token_call_credentials(args.token))
    options = [("grpc.ssl_target_name_override", args.server_name)] if args.server_name else []
    return grpc.secure_channel(args.server, credentials, options), []


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_connection_args(parser)
    parser.add_argument("--compact", default="worcestershire-2006")
    parser.add_argument("--body", default="wyre-forest-dc", help="the endorsing body")
    parser.add_argument("--source", default="wfdc-cabinet-report-2006-06-02")
    parser.add_argument("--quote", default="The Cabinet is asked to RECOMMEND")
    parser.add_argument("--date", default="2006-06-29", help="EDTF date of the endorsement")
    parser.add_argument("--request-id", default=None, help="idempotency key (default: random)")
    args = parser.parse_args()

    channel, metadata = channel_for(args)
    stub = compact_service_pb2_grpc.CompactServiceStub(channel)
    request = compact_service_pb2.RecordEndorsementRequest(
        context=compact_service_pb2.CommandContext(
            request_id=args.request_id or "python-" + uuid.uuid4().hex,
            date=common_pb2.Date(edtf=args.date),
            citations=[common_pb2.Citation(source_id=args.source, quote=args.quote)]),
        compact_id=args.compact,
        by=common_pb2.Party(body_id=args.body))
    try:
        recorded = stub.RecordEndorsement(request, metadata=metadata, timeout=30)
        # A retry with the same request id returns the first result.
        retried = stub.RecordEndorsement(request, metadata=metadata, timeout=30)
        state = stub.GetCompact(compact_service_pb2.GetCompactRequest(
            compact_id=args.compact, as_of=args.date), metadata=metadata, timeout=30)
        history = stub.GetHistory(compact_service_pb2.GetHistoryRequest(
            compact_id=args.compact, with_proofs=True), metadata=metadata, timeout=30)
    except grpc.RpcError as e:
        print("refused: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
        return 1

    print("recorded #%d on %s v%d%s" % (recorded.sequence, recorded.stream,
                                        recorded.stream_version,
                                        " (already recorded)" if recorded.deduplicated else ""))
    ok = retried.deduplicated and retried.sequence == recorded.sequence
    print("retry deduplicated: %s" % retried.deduplicated)
    compact = next((c for c in state.compacts if c.compact_id == args.compact), None)
    if compact is None:
        print("compact %s not in the state at %s" % (args.compact, state.at), file=sys.stderr)
        return 1
    endorsers = [e.body_id for e in compact.endorsements]
    print("state at %s: %s, endorsed by %s" % (
        state.at, report_pb2.CompactStatus.Name(compact.status), ", ".join(endorsers)))
    ok = ok and args.body in endorsers
    mine = [e for e in history.events if e.sequence == recorded.sequence]
    ok = ok and len(mine) == 1
    if mine:
        print("history #%d recorded by %s" % (mine[0].sequence, mine[0].actor))
    for event in history.events:
        root = root_from_inclusion_proof(event.proof.leaf_index, event.proof.tree_size,
                                         event.leaf_hash, list(event.proof.hashes))
        ok = ok and root == history.root_hash
    print("%d history events, inclusion proofs %s against tree size %d" % (
        len(history.events), "verify" if ok else "DO NOT VERIFY", history.tree_size))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
