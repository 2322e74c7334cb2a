#!/usr/bin/env python3
"""Runs one browser test suite (tests/web/<suite>_test.js) in headless Chromium.

Copies web/, tests/web/ and tests/testdata/ into a temporary directory, adds
the files the pages need that are derived from the test data (the merkle
vectors in one JSON file, copies of Tessera's log with one altered byte),
serves it on a loopback port chosen by the system, opens
test.html?suite=<suite> in headless Chromium with a throw-away profile, and
waits (with a deadline, not a sleep) for the page to POST its results.
Exits 0 when every test passed, 1 when any failed or no results came, and
77 (ctest's skip code) when no Chromium is installed.
"""
import argparse
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77


def find_chromium(given):
    for c in [given, os.environ.get("CHROMIUM"), "chromium", "chromium-browser",
              "google-chrome"]:
        if c and shutil.which(c):
            return shutil.which(c)
    return None


def bundle_merkle_vectors(merkle_dir, out_path):
    """All RFC 9162 proof vectors in one file; sizes as strings, since
    some are 2^64-1 and a JavaScript number cannot hold them exactly."""
    cases = []
    for root, _, files in sorted(os.walk(merkle_dir)):
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            path = os.path.join(root, name)
            with open(path) as f:
                case = json.load(f)
            for k, v in list(case.items()):
                if isinstance(v, int) and not isinstance(v, bool):
                    case[k] = str(v)
            case["file"] = os.path.relpath(path, merkle_dir)
            case["kind"] = case["file"].split(os.sep)[0]
            cases.append(case)
    with open(out_path, "w") as f:
        json.dump(cases, f)


def altered_copy(log_dir, out_dir, rel_path, offset):
    """A copy of the log with one byte of one file changed."""
    shutil.copytree(log_dir, out_dir)
    path = os.path.join(out_dir, rel_path)
    data = bytearray(open(path, "rb").read())
    data[offset] ^= 0x01
    open(path, "wb").write(bytes(data))


# Dates at which the site suite compares the page with `ledgerctl replay`.
REPLAY_DATES = ["2005-01", "2005-03", "2006-05", "2006-07-01", "2007-06", "2011-10", "2012"]
SEED_BODY = "worcestershire-partnership-board"
SEED_COMPACT = "worcestershire-2006"
# The fictional Eastmere log (scenarios/eastmere-fictional.jsonl): a party's
# withdrawal from the 2008 compact, decided in April 2013 with effect from
# 30 June 2013, and the PCT, a party to the 2010 compact, abolished on
# 31 March 2013; compacts and dates at which the pages show them.
EASTMERE_STATES = [("eastmere-2008", ["2013-05", "2013-06-29", "2013-07"]),
                   ("eastmere-2010", ["2013-03-30", "2013-04"])]


def bundle_entry_offset(bundle, index):
    """Offset of entry `index`'s bytes in an entry bundle, and its length."""
    o = 0
    for _ in range(index):
        o += 2 + int.from_bytes(bundle[o:o + 2], "big")
    return o + 2, int.from_bytes(bundle[o:o + 2], "big")


def make_eastmere_fixture(program, ledgerctl, source_dir, tmp, out):
    """The published Eastmere log and the states `ledgerctl replay` prints
    for EASTMERE_STATES; returns them for fixture.json."""
    site = os.path.join(out, "eastmere")
    db = os.path.join(tmp, "db-eastmere")
    subprocess.run([program, "--db", db, "--out", site, "--scenario",
                    os.path.join(source_dir, "scenarios", "eastmere-fictional.jsonl")], check=True)
    expected = os.path.join(site, "expected")
    os.makedirs(expected)
    for compact, dates in EASTMERE_STATES:
        for date in dates:
            with open(os.path.join(expected, "replay-%s-%s.json" % (compact, date)), "w") as f:
                subprocess.run([ledgerctl, "replay", "--db", db, "--at", date, "--compact",
                                compact, "--format", "json"], check=True, stdout=f)
    return [{"compact": compact, "dates": dates} for compact, dates in EASTMERE_STATES]


def make_site_fixtures(program, ledgerctl, source_dir, tmp, out):
    """The published seed log, its altered copies, the same log published
    between two checkpoints, and the states that `ledgerctl replay` prints
    for the seed compact; and the Eastmere log."""
    good = os.path.join(out, "good")
    db = os.path.join(tmp, "db")
    subprocess.run([program, "--db", db, "--out", good, "--scenario",
                    os.path.join(source_dir, "scenarios", "worcestershire.jsonl")], check=True)
    expected = os.path.join(good, "expected")
    os.makedirs(expected)
    for date in REPLAY_DATES:
        with open(os.path.join(expected, "replay-%s.json" % date), "w") as f:
            subprocess.run([ledgerctl, "replay", "--db", db, "--at", date, "--compact",
                            SEED_COMPACT, "--format", "json"], check=True, stdout=f)
    with open(os.path.join(good, "data", "compact", SEED_COMPACT + ".json")) as f:
        data = json.load(f)
    # Council's adoption: its entry is altered in one copy.
    target = next(int(x["sequence"]) for x in data["facts"]
                  if x["event"].get("ref") == "council-adoption")
    with open(os.path.join(good, "fixture.json")) as f:
        fixture = json.load(f)
    size = fixture["treeSize"]
    tile = target // 256
    width = size - tile * 256 if (tile + 1) * 256 > size else 256
    suffix = "" if width == 256 else ".p/%d" % width
    bundle_path = "tile/entries/%03d%s" % (tile, suffix)
    with open(os.path.join(good, bundle_path), "rb") as f:
        offset, length = bundle_entry_offset(f.read(), target % 256)
    altered_copy(good, os.path.join(out, "bundle"), bundle_path, offset + length - 3)
    altered_copy(good, os.path.join(out, "tile"), "tile/0/%03d%s" % (tile, suffix),
                 (target % 256) * 32 + 7)
    # The published JSON calls Council's adoption (a decision) a proposal.
    relabelled = os.path.join(out, "relabelled")
    shutil.copytree(good, relabelled)
    relabelled_data = json.loads(json.dumps(data))
    for x in relabelled_data["facts"]:
        if int(x["sequence"]) == target:
            x["kind"] = "proposal"
    # ... and its summary of the compact gives another title.
    relabelled_data["compact"]["title"] = "FORGED compact title"
    with open(os.path.join(relabelled, "data", "compact", SEED_COMPACT + ".json"), "w") as f:
        json.dump(relabelled_data, f)
    # ... and a body's summary gives it another name.
    body_path = os.path.join(relabelled, "data", "body", SEED_BODY + ".json")
    with open(body_path) as f:
        body_data = json.load(f)
    body_data["body"]["name"] = "FORGED body name"
    with open(body_path, "w") as f:
        json.dump(body_data, f)
    # The published index names no origin, which would unpin the checkpoint.
    unpinned = os.path.join(out, "unpinned")
    shutil.copytree(good, unpinned)
    with open(os.path.join(unpinned, "data", "index.json")) as f:
        index = json.load(f)
    index["origin"] = ""
    with open(os.path.join(unpinned, "data", "index.json"), "w") as f:
        json.dump(index, f)
    shutil.copytree(good, os.path.join(out, "impostor"))
    shutil.copy(os.path.join(good, "checkpoint.impostor"), os.path.join(out, "impostor", "checkpoint"))
    # A live site between two checkpoints: the pages' data holds the seed
    # compact's last two facts, the signed checkpoint does not yet.
    sequences = sorted(int(x["sequence"]) for x in data["facts"])
    subprocess.run([program, "--db", os.path.join(tmp, "db-grown"), "--out", os.path.join(out, "grown"),
                    "--scenario", os.path.join(source_dir, "scenarios", "worcestershire.jsonl"),
                    "--checkpoint-at", str(sequences[-2])], check=True)
    fixture.update({"tampered": target, "bundlePath": bundle_path, "dates": REPLAY_DATES,
                    "uncheckedInGrown": sequences[-2:],
                    "compact": SEED_COMPACT,
                    "eastmere": make_eastmere_fixture(program, ledgerctl, source_dir, tmp, out)})
    with open(os.path.join(out, "fixture.json"), "w") as f:
        json.dump(fixture, f)


def make_scale_scenario(facts, path):
    """A compact with `facts` meetings (on two days), for the scale measure."""
    cite = [{"sourceId": "scale-source", "locator": "p. 1", "quote": "a meeting was held"}]
    lines = [
        {"sourceRegistered": {"sourceId": "scale-source", "title": "A long record of meetings",
                              "date": {"edtf": "2010-01-01"}}},
        {"bodyRegistered": {"bodyId": "scale-board", "name": "A board that meets often",
                            "classification": "CLASSIFICATION_BOARD"}, "citations": cite},
        {"compactRegistered": {"compactId": "scale-compact", "title": "A compact with many facts",
                               "scope": "SCOPE_COUNTY", "partyIds": ["scale-board"]},
         "date": {"edtf": "2010-01-01"}, "citations": cite},
    ]
    for i in range(facts):
        day = "2010-05-01" if i % 2 == 0 else "2010-06-01"
        lines.append({"occurrence": {"action": {"kind": "ACTION_KIND_HOLD_MEETING",
                                                "compactId": "scale-compact",
                                                "description": "meeting %d" % i}},
                      "actor": {"bodyId": "scale-board"}, "date": {"edtf": day},
                      "citations": cite})
    with open(path, "w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")


def make_handler(root, results, done, log):
    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {
            **http.server.SimpleHTTPRequestHandler.extensions_map,
            ".js": "text/javascript",
            ".json": "application/json",
            "": "application/octet-stream",
        }

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=root, **kwargs)

        def end_headers(self):
            # As a tlog-tiles server would: full tiles never change.
            path = self.path.split("?")[0]
            if "/tile/" in path and ".p/" not in path:
                self.send_header("Cache-Control", "public, max-age=31536000, immutable")
            else:
                self.send_header("Cache-Control", "no-cache")
            super().end_headers()

        def copyfile(self, source, outputfile):
            # A page that moves on (a test closing its frame) may drop a
            # response half-sent; that is not a failure of the server.
            try:
                super().copyfile(source, outputfile)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_POST(self):
            if self.path != "/__results":
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.end_headers()
            results.append(json.loads(body))
            done.set()

        def log_message(self, fmt, *args):
            log.append(fmt % args)

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True, help="repository root")
    parser.add_argument("--suite", required=True)
    parser.add_argument("--chromium", default=None)
    parser.add_argument("--deadline", type=float, default=120.0,
                        help="seconds to wait for the page's results")
    parser.add_argument("--json", default=None, help="also write the results here")
    parser.add_argument("--fixture-program", default=None,
                        help="make_site_fixture, for the site suite")
    parser.add_argument("--ledgerctl", default=None,
                        help="ledgerctl, for the site suite's expected states")
    parser.add_argument("--facts", type=int, default=10000,
                        help="facts of the compact in the site_scale suite")
    parser.add_argument("--keep", default=None,
                        help="copy the served directory here (to look at the pages)")
    args = parser.parse_args()

    chromium = find_chromium(args.chromium)
    if not chromium:
        print("SKIPPED: no chromium on PATH (Debian package `chromium`)")
        return SKIP

    with tempfile.TemporaryDirectory(prefix="ledger-web-test-") as tmp:
        root = os.path.join(tmp, "site")
        src = args.source_dir
        shutil.copytree(os.path.join(src, "web"), os.path.join(root, "web"))
        shutil.copytree(os.path.join(src, "tests", "web"), os.path.join(root, "tests", "web"))
        data = os.path.join(root, "testdata")
        shutil.copytree(os.path.join(src, "tests", "testdata"), data)
        bundle_merkle_vectors(os.path.join(data, "merkle"),
                              os.path.join(data, "merkle-vectors.json"))
        log_dir = os.path.join(data, "tessera-log")
        # Entry 4 ("five") of the size-15 bundle: 2 bytes of length each
        # for one..four (3+3+5+4 = 15 bytes of data), then five's length.
        altered_copy(log_dir, os.path.join(data, "tessera-altered-bundle"),
                     "tile/entries/000.p/15", 4 * 2 + 15 + 2)
        # The seventh hash (entry 6) of the size-15 level-0 tile.
        altered_copy(log_dir, os.path.join(data, "tessera-altered-tile"),
                     "tile/0/000.p/15", 6 * 32 + 5)

        if args.suite == "site_scale":
            scenario = os.path.join(tmp, "scale.jsonl")
            make_scale_scenario(args.facts, scenario)
            subprocess.run([args.fixture_program, "--db", os.path.join(tmp, "db"), "--out",
                            os.path.join(root, "fixture", "scale"), "--scenario", scenario],
                           check=True)
        if args.suite == "site":
            if not args.fixture_program or not args.ledgerctl:
                print("FAIL: the site suite needs --fixture-program and --ledgerctl")
                return 1
            make_site_fixtures(args.fixture_program, args.ledgerctl, args.source_dir, tmp,
                               os.path.join(root, "fixture"))
        if args.keep:
            shutil.copytree(root, args.keep, dirs_exist_ok=True)

        results, log = [], []
        done = threading.Event()
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), make_handler(root, results, done, log))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        url = "http://127.0.0.1:%d/tests/web/test.html?suite=%s" % (port, args.suite)

        profile = os.path.join(tmp, "profile")
        chrome_log = open(os.path.join(tmp, "chromium.log"), "w")
        browser = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
             "--user-data-dir=" + profile, url],
            stdout=chrome_log, stderr=subprocess.STDOUT, start_new_session=True)
        started = time.monotonic()
        try:
            finished = done.wait(args.deadline)
            waited = time.monotonic() - started
        finally:
            try:
                os.killpg(browser.pid, signal.SIGTERM)
                browser.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(browser.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                browser.wait()
            server.shutdown()
            chrome_log.close()
        print("chromium: %.1f s from start to results, %.1f s to stop" % (
            waited, time.monotonic() - started - waited))

        if not finished:
            print("FAIL: no results from %s within %.0f s" % (url, args.deadline))
            print("requests served:\n  " + "\n  ".join(log))
            print("chromium said:\n" + open(os.path.join(tmp, "chromium.log")).read()[-4000:])
            return 1

        report = results[0]
        failed = [r for r in report["results"] if not r["ok"]]
        for r in report["results"]:
            line = "%s %s (%.1f ms)" % ("PASS" if r["ok"] else "FAIL", r["name"], r.get("ms", 0))
            if not r["ok"]:
                line += "\n      " + r["message"]
            print(line)
            for k, v in r.get("measures", {}).items():
                print("      %s: %s" % (k, v))
        print("%s: %d of %d passed in %s" % (
            report["suite"], len(report["results"]) - len(failed), len(report["results"]),
            report.get("userAgent", "?")))
        for k, v in report.get("measures", {}).items():
            print("MEASURE %s: %s" % (k, v))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=2)
        if failed or not report["results"]:
            errors = [l for l in log if '" 404 ' in l or '" 5' in l]
            if errors:
                print("failed requests:\n  " + "\n  ".join(errors))
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
