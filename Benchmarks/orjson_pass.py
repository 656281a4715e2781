#!/usr/bin/env python3
"""What a user would script: one pass over an audit log with orjson.

Reads FILE line by line (binary; a name ending in .gz is read through gzip), decodes every
line with orjson.loads (counting lines that fail), and counts the kubelet's
SubjectAccessReviews: events whose objectRef.resource is "subjectaccessreviews" and whose
user.username starts with "system:node:". Falls back to the json module, and says so, when
orjson is not installed.

    python3 Benchmarks/orjson_pass.py FILE [--runs N]

Prints one human line per run on stderr and, on stdout, key=value lines for the best run:
seconds, mb_per_s, events_per_s, lines, failures, kubelet_sars, bytes, parser.
"""

import argparse
import gzip
import os
import sys
import time

try:
    import orjson
    loads = orjson.loads
    PARSER = "orjson " + getattr(orjson, "__version__", "?")
except ImportError:  # pragma: no cover - depends on the machine
    import json
    loads = json.loads
    PARSER = "json (orjson is not installed: pip install orjson)"


def one_pass(path):
    opener = gzip.open if path.endswith(".gz") else open
    lines = failures = kubelet = nbytes = 0
    t0 = time.perf_counter()
    with opener(path, "rb") as f:
        for line in f:
            lines += 1
            nbytes += len(line)
            try:
                ev = loads(line)
            except ValueError:
                failures += 1
                continue
            ref = ev.get("objectRef")
            if ref and ref.get("resource") == "subjectaccessreviews":
                user = ev.get("user")
                if user and user.get("username", "").startswith("system:node:"):
                    kubelet += 1
    return time.perf_counter() - t0, lines, failures, kubelet, nbytes


def main():
    ap = argparse.ArgumentParser(description="orjson pass over an audit log (the user-script baseline)")
    ap.add_argument("file")
    ap.add_argument("--runs", type=int, default=1, help="passes; the best is reported (default 1)")
    a = ap.parse_args()
    if not os.path.exists(a.file):
        ap.error("no such file: " + a.file)
    if "orjson" not in PARSER:
        print("orjson_pass.py: orjson is not importable; falling back to the json module (slower)", file=sys.stderr)
    best = None
    for i in range(max(1, a.runs)):
        r = one_pass(a.file)
        secs, lines, failures, kubelet, nbytes = r
        print("%s pass %d/%d: %.3f s, %.1f MB/s, %.0f events/s, %d lines, %d failures, %d kubelet SARs" % (
            PARSER.split()[0], i + 1, a.runs, secs, nbytes / 1e6 / secs, (lines - failures) / secs, lines, failures, kubelet),
            file=sys.stderr)
        if best is None or secs < best[0]:
            best = r
    secs, lines, failures, kubelet, nbytes = best
    print("seconds=%.3f" % secs)
    print("mb_per_s=%.1f" % (nbytes / 1e6 / secs))
    print("events_per_s=%.0f" % ((lines - failures) / secs))
    print("lines=%d" % lines)
    print("failures=%d" % failures)
    print("kubelet_sars=%d" % kubelet)
    print("bytes=%d" % nbytes)
    print("parser=%s" % PARSER)
    return 0


if __name__ == "__main__":
    sys.exit(main())
