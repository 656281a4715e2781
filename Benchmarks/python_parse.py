#!/usr/bin/env python3
"""Time Python's `json` module parsing a file: the yardstick for `kubelet-authz scan`.

    python3 Benchmarks/python_parse.py FILE [--runs 3] [--orjson] [--counts]

stdout, line 1: the best wall-clock seconds of `--runs` runs of
`json.load(open(FILE, encoding="utf-8"))` (open, read, decode and parse;
time.perf_counter); line 2: `median SECONDS` of the same runs. Nothing else is timed: the parsed document is freed
between runs, outside the clock.

--orjson adds a line `orjson SECONDS` (best of the same number of runs of
`orjson.loads` on the file's bytes, read inside the clock) when orjson can be
imported; otherwise it says so on stderr and adds nothing.

--counts adds a line `objects KIND=N KIND=N ...` counting the `items` of a
List by kind (counted after the timed runs).

Per-run times go to stderr.
"""

import argparse
import collections
import gc
import json
import sys
import time


def best_of(runs, parse, label):
    best, _, last = timed_runs(runs, parse, label)
    return best, last


def timed_runs(runs, parse, label):
    """(best, median, last document) of `runs` timed calls of parse."""
    times = []
    last = None
    for i in range(runs):
        last = None
        gc.collect()
        start = time.perf_counter()
        last = parse()
        elapsed = time.perf_counter() - start
        print(f"{label} run {i + 1}/{runs}: {elapsed:.3f} s", file=sys.stderr)
        times.append(elapsed)
    ordered = sorted(times)
    mid = len(ordered) // 2
    median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return ordered[0], median, last


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("file")
    p.add_argument("--runs", type=int, default=3, help="runs; the best is reported (default 3)")
    p.add_argument("--orjson", action="store_true", help="also time orjson.loads, if orjson is installed")
    p.add_argument("--counts", action="store_true", help="also print the List's object counts by kind")
    a = p.parse_args(argv)
    if a.runs < 1:
        p.error("--runs must be >= 1")

    def load():
        with open(a.file, encoding="utf-8") as f:
            return json.load(f)

    seconds, median, doc = timed_runs(a.runs, load, "json.load")
    print(f"{seconds:.3f}", flush=True)
    print(f"median {median:.3f}", flush=True)

    counts = None
    if a.counts:
        items = doc.get("items") if isinstance(doc, dict) else None
        counts = collections.Counter(
            (i.get("kind") or "?") if isinstance(i, dict) else "?" for i in (items or []))
    doc = None
    gc.collect()

    if a.orjson:
        try:
            import orjson  # type: ignore
        except ImportError:
            print("orjson is not installed (pip install orjson); skipping", file=sys.stderr)
        else:
            def load_orjson():
                with open(a.file, "rb") as f:
                    return orjson.loads(f.read())
            oseconds, _ = best_of(a.runs, load_orjson, "orjson.loads")
            print(f"orjson {oseconds:.3f}", flush=True)

    if counts is not None:
        print("objects " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
