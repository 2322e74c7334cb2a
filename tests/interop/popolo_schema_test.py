#!/usr/bin/env python3
"""What `ledgerctl export-popolo` writes, validated against Popolo's own JSON
schemas (tests/testdata/popolo-schemas, draft-03) by an independent
validator (python3-jsonschema): every organization, person, post,
membership, event and motion of the demo ledger and of the Eastmere scenario,
whose numbers of events and motions are checked too. `export --format popolo`
must write the same as `export-popolo`.

Usage: popolo_schema_test.py LEDGERCTL SCHEMA_DIR EASTMERE_SCENARIO
Exit 0 when every object validates, 1 naming each one that does not, 77
(skipped) when python3-jsonschema is missing.
"""
import json
import os
import subprocess
import sys
import tempfile
import warnings

try:
    import jsonschema
except ImportError:
    print("skipped: python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(77)

# Newer jsonschema releases deprecate RefResolver; Debian 12's (4.10) has
# nothing else. It still resolves the schemas' $refs the same way.
warnings.simplefilter("ignore", DeprecationWarning)

KINDS = {"organizations": "organization", "persons": "person", "posts": "post",
         "memberships": "membership", "events": "event", "motions": "motion"}

# The meetings and motions each scenario holds (docs/domain.md, "Popolo
# export"). The seed: the EWSG's awareness event, the Partnership Board on
# 4 April 2006, the Strategic Board on 7 June 2006, the Cabinet on 29 June
# 2006 and the working group's one meeting; eight proposals and eleven
# decisions. Eastmere: the Council on 30 November 2010; its two decisions
# there and the review proposal. Its PCT, abolished on 31 March 2013 and
# replaced by the CCG, carries a dissolution_date.
EXPECTED = {
    "the demo (Worcestershire seed)": {"events": 5, "motions": 19},
    "the Eastmere scenario": {"events": 1, "motions": 3},
}


def load_schemas(schema_dir):
    store = {}
    for name in os.listdir(schema_dir):
        if name.endswith(".json"):
            with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
                schema = json.load(f)
            store[schema["id"]] = schema
            store[schema["id"].rstrip("#")] = schema
    return store


def export(ledgerctl, db):
    out = subprocess.run([ledgerctl, "export-popolo", "--db", db], check=True,
                         capture_output=True, text=True)
    same = subprocess.run([ledgerctl, "export", "--format", "popolo", "--db", db], check=True,
                          capture_output=True, text=True)
    if same.stdout != out.stdout:
        raise SystemExit("export --format popolo differs from export-popolo")
    return json.loads(out.stdout)


def validate(popolo, store, what):
    problems = []
    counts = {}
    for key, kind in KINDS.items():
        schema = store["http://www.popoloproject.com/schemas/%s.json#" % kind]
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        validator = jsonschema.Draft3Validator(schema, resolver=resolver)
        objects = popolo.get(key, [])
        counts[key] = len(objects)
        for obj in objects:
            for error in validator.iter_errors(obj):
                problems.append("%s: %s %s: %s at %s" % (what, kind, obj.get("id"),
                                                         error.message, list(error.path)))
    if not all(counts.values()):
        problems.append("%s: expected every kind, got %s" % (what, counts))
    for key, n in EXPECTED[what].items():
        if counts[key] != n:
            problems.append("%s: expected %d %s, got %d" % (what, n, key, counts[key]))
    print("%s: %s validated" % (what, ", ".join("%d %s" % (n, k) for k, n in counts.items())))
    return problems


def main():
    ledgerctl, schema_dir, eastmere = sys.argv[1:4]
    store = load_schemas(schema_dir)
    # The validator is not a rubber stamp: an organization whose name is a
    # number must fail.
    org = store["http://www.popoloproject.com/schemas/organization.json#"]
    if jsonschema.Draft3Validator(org).is_valid({"id": "x", "name": 7}):
        print("the organization schema accepted a numeric name: validator not working")
        return 1
    event = store["http://www.popoloproject.com/schemas/event.json#"]
    # Nor may an EDTF range pass as an event's start_date.
    if jsonschema.Draft3Validator(event).is_valid({"id": "x", "start_date": "[2006-06-29..2011-09]"}):
        print("the event schema accepted an EDTF range as start_date: validator not working")
        return 1
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        demo = os.path.join(tmp, "demo")
        subprocess.run([ledgerctl, "demo", "--db", demo], check=True, capture_output=True)
        problems += validate(export(ledgerctl, demo), store, "the demo (Worcestershire seed)")
        other = os.path.join(tmp, "eastmere")
        subprocess.run([ledgerctl, "import", "--db", other, eastmere], check=True,
                       capture_output=True)
        eastmere_popolo = export(ledgerctl, other)
        problems += validate(eastmere_popolo, store, "the Eastmere scenario")
        # The PCT abolished on 31 March 2013: a dissolution_date the
        # organization schema has just checked, and its successor kept aside.
        pct = [o for o in eastmere_popolo["organizations"] if o["id"] == "eastmere-pct"]
        if not pct or pct[0].get("dissolution_date") != "2013-03-31" or \
                pct[0]["compact_ledger"]["dissolved"].get("successor_id") != "eastmere-ccg":
            problems.append("the Eastmere scenario: the PCT's dissolution is not exported: %s" % pct)
    for p in problems:
        print("INVALID " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
