#!/usr/bin/env python3
"""What a user would script: one pass over an audit log with orjson.

Reads FILE line by line (binary; a name ending in .gz is read through gzip; a directory is read
file by file in name order, as a rotated set), decodes every
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


def files_of(path):
    """A file, or the files of a directory in name order (a rotated set)."""
    if os.path.isdir(path):
        return [os.path.join(path, n) for n in sorted(os.listdir(path)) if not n.startswith(".")]
    return [path]


def read_lines(path):
    for name in files_of(path):
        opener = gzip.open if name.endswith(".gz") else open
        with opener(name, "rb") as f:
            yield from f


def one_pass(path):
    lines = failures = kubelet = nbytes = 0
    t0 = time.perf_counter()
    for line in read_lines(path):
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
    ap.add_argument("file", help="an audit log, or a directory of them")
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
