#!/usr/bin/python3
"""Compact Ledger from Python: many appends over one LedgerService.AppendStream call.

Each of --bodies endorses --compact; the endorsements go out on one call
without waiting for answers, followed by a resend of the first (same request
id, as after a lost answer). The server answers each request once it is
durable (or refused), in the order sent, so the answers are matched to the
requests by position. Stubs and Python as for record_and_read.py:

    PYTHONPATH=stubs /usr/bin/python3 examples/python/append_stream.py \
        --server localhost:50051 --ca ca.pem --token "$TOKEN" \
        --compact worcestershire-2006 --bodies wyre-forest-dc,malvern-hills-dc

Exit status: 0 when every endorsement is appended at increasing sequences
and the resend is answered with the first result; 1 otherwise (each refusal
is printed with its code).
"""
import argparse
import sys
import uuid

import grpc

from compact.v1 import action_pb2, common_pb2, event_pb2
from ledger.v1 import ledger_service_pb2, ledger_service_pb2_grpc

from record_and_read import add_connection_args, channel_for  # the same folder

CODE_NAMES = {code.value[0]: code.name for code in grpc.StatusCode}


def endorsement(args, body):
    """An AppendRequest: `body` endorses the compact."""
    event = event_pb2.Event(
        date=common_pb2.Date(edtf=args.date),
        citations=[common_pb2.Citation(source_id=args.source, quote=args.quote)],
        actor=common_pb2.Party(body_id=body),
        decision=event_pb2.Decision(
            kind=event_pb2.DECISION_KIND_ENDORSE,
            action=action_pb2.Action(kind=action_pb2.ACTION_KIND_ENDORSE_COMPACT,
                                     compact_id=args.compact)))
    request = ledger_service_pb2.AppendRequest(
        stream="compact/" + args.compact,
        request_id="python-stream-" + uuid.uuid4().hex)
    request.payload.Pack(event)
    return request


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_connection_args(parser)
    parser.add_argument("--compact", default="worcestershire-2006")
    parser.add_argument("--bodies", default="wyre-forest-dc",
                        help="comma-separated endorsing bodies")
    parser.add_argument("--source", default="wfdc-cabinet-report-2006-06-02")
    parser.add_argument("--quote", default="The Cabinet is asked to RECOMMEND")
    parser.add_argument("--date", default="2006-06-29", help="EDTF date of the endorsements")
    args = parser.parse_args()

    channel, metadata = channel_for(args)
    stub = ledger_service_pb2_grpc.LedgerServiceStub(channel)
    requests = [endorsement(args, body) for body in args.bodies.split(",")]
    # Unspecified expected versions on one stream: the server checks each
    # after the one before it, as if every answer had been awaited.
    requests.append(requests[0])
    try:
        answers = list(stub.AppendStream(iter(requests), metadata=metadata, timeout=30))
    except grpc.RpcError as e:
        print("refused: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
        return 1

    ok = len(answers) == len(requests)
    last = -1
    for request, answer in zip(requests, answers):
        if answer.WhichOneof("outcome") != "appended":
            print("%s refused: %s: %s" % (answer.request_id,
                                          CODE_NAMES.get(answer.refused.code, "?"),
                                          answer.refused.message), file=sys.stderr)
            ok = False
            continue
        appended = answer.appended
        ok = ok and answer.request_id == request.request_id
        print("#%d on %s v%d%s" % (appended.sequence, appended.stream, appended.stream_version,
                                   " (deduplicated)" if appended.deduplicated else ""))
        if not appended.deduplicated:
            ok = ok and appended.sequence > last
            last = appended.sequence
    resend = answers[-1].appended if answers else None
    ok = ok and resend is not None and resend.deduplicated and \
        resend.sequence == answers[0].appended.sequence
    print("%d endorsements appended on one call; resend deduplicated: %s" % (
        len(requests) - 1, bool(resend and resend.deduplicated)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
