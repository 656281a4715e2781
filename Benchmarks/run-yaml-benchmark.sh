#!/usr/bin/env bash
# The YAML benchmark: `kubelet-authz scan -f FILE.yaml` on a cluster dump in block-style YAML
# (as `kubectl get -o yaml` writes it), timed next to PyYAML's C loader (CSafeLoader, libyaml)
# loading the same file, on the same machine, in the same run.
# Target: median scan time <= 0.5 x median CSafeLoader time.
#
#   Benchmarks/run-yaml-benchmark.sh [--regenerate] [--skip-build] [--runs N] [--seed N] [--small]
#
#   --regenerate   write the cluster files again even if they exist
#   --skip-build   do not run `swift build -c release` (use the binary already built)
#   --runs N       scan and CSafeLoader runs; the median is reported (default 3)
#   --seed N       generator seed (default 1)
#   --small        a tiny cluster, to check the plumbing (not a benchmark result)
#
# The cluster: generate_cluster.py --bindings 20000 --roles 4000 --service-accounts 40000
# --nodes 1000 --namespaces 100 --pods 4000 --lean --indent 4, converted to YAML with PyYAML
# (yaml.dump, CSafeDumper, block style, keys in the generator's order). PyYAML is installed
# with pip when missing.
#
# Environment: KUBELET_AUTHZ=/path/to/binary runs that binary instead of building one
# (implies --skip-build). PYTHON=python3.x picks the interpreter.
#
# Prints a Markdown table row to paste into docs/BENCHMARKS.md. Exits 0 whether or not the
# target is met; non-zero only when something failed (build, generation, or a scan exit code
# other than 0 or 1).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # sets SELF, CALLER_DIR, ROOT and cds to ROOT

regenerate=0
skip_build=0
runs=3
seed=1
small=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --regenerate) regenerate=1 ;;
        --skip-build) skip_build=1 ;;
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --seed) seed=${2:?--seed needs a number}; shift ;;
        --small) small=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$SELF" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-yaml-benchmark.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
for n in "$runs" "$seed"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "run-yaml-benchmark.sh: not a number: $n" >&2; exit 2; }
done
(( runs >= 1 )) || { echo "run-yaml-benchmark.sh: --runs must be >= 1" >&2; exit 2; }

PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null || { echo "run-yaml-benchmark.sh: $PYTHON not found" >&2; exit 1; }
ensure_python_package run-yaml-benchmark.sh yaml pyyaml
"$PYTHON" -c 'import yaml, sys; sys.exit(0 if yaml.__with_libyaml__ else 1)' || {
    echo "run-yaml-benchmark.sh: PyYAML has no libyaml bindings (CSafeLoader); install libyaml-dev and reinstall pyyaml" >&2
    exit 1
}

find_gnu_time run-yaml-benchmark.sh

# --- sizes ------------------------------------------------------------------------------------
if (( small )); then
    sizes=(--bindings 1000 --roles 200 --service-accounts 2000 --nodes 50 --namespaces 20 --pods 200)
    tag=small
else
    sizes=(--bindings 20000 --roles 4000 --service-accounts 40000 --nodes 1000 --namespaces 100 --pods 4000)
    tag=20k
fi
tag+=-lean-s$seed

BENCH_DIR="$ROOT/.build/bench"
JSON="$BENCH_DIR/cluster-yaml-$tag.json"
FILE="$BENCH_DIR/cluster-yaml-$tag.yaml"
mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d "$BENCH_DIR/run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- build --------------------------------------------------------------------------------------
find_or_build_binary run-yaml-benchmark.sh "$skip_build"

# --- cluster file -------------------------------------------------------------------------------
if (( regenerate )) || [[ ! -s "$FILE" ]]; then
    echo "==> generating $FILE" >&2
    "$PYTHON" "$ROOT/Benchmarks/generate_cluster.py" "${sizes[@]}" --seed "$seed" --lean --indent 4 -o "$JSON"
    "$PYTHON" - "$JSON" "$FILE" <<'PY'
import json, sys, yaml
with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    yaml.dump(doc, f, Dumper=yaml.CSafeDumper, default_flow_style=False, sort_keys=False)
PY
    rm -f "$JSON"
else
    echo "==> reusing $FILE (--regenerate to write it again)" >&2
fi
size_mb=$(awk -v b="$(wc -c < "$FILE" | tr -d ' ')" 'BEGIN { printf "%.1f", b / 1e6 }')

# --- PyYAML CSafeLoader -------------------------------------------------------------------------
echo "==> $PYTHON yaml.load(Loader=CSafeLoader), $runs runs" >&2
"$PYTHON" - "$FILE" "$runs" > "$WORK/python.out" <<'PY'
import gc, sys, time, yaml
path, runs = sys.argv[1], int(sys.argv[2])
for i in range(runs):
    doc = None
    gc.collect()
    start = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=yaml.CSafeLoader)
    elapsed = time.perf_counter() - start
    print(f"    CSafeLoader run {i + 1}/{runs}: {elapsed:.2f} s", file=sys.stderr)
    print(f"{elapsed:.3f}")
items = doc.get("items", []) if isinstance(doc, dict) else []
print(f"objects {len(items)}", file=sys.stderr)
PY
python_times=($(cat "$WORK/python.out"))
python_s=$(median "${python_times[@]}")
python_version=$("$PYTHON" -c 'import platform, yaml; print(platform.python_version(), "PyYAML", yaml.__version__)')

# --- scan ---------------------------------------------------------------------------------------
scan_times=()
scan_rss=()
scan_rcs=()
for ((i = 1; i <= runs; i++)); do
    rc=0
    KUBELET_AUTHZ_TIMINGS=1 "$TIME" -f '%e %M' -o "$WORK/scan.time" \
        "$BIN" scan -f "$FILE" -o json > /dev/null 2> "$WORK/scan.err" || rc=$?
    if [[ $rc -ne 0 && $rc -ne 1 ]]; then
        echo "run-yaml-benchmark.sh: scan run $i exited $rc (only 0 and 1 are results):" >&2
        tail -n 20 "$WORK/scan.err" >&2
        exit 1
    fi
    read -r t m < <(tail -n 1 "$WORK/scan.time")
    scan_times+=("$t"); scan_rss+=("$m"); scan_rcs+=("$rc")
    timings=$(grep -i -E '^(timings|read|scan|output)' "$WORK/scan.err" | tr '\n' ' ' || true)
    echo "    scan run $i/$runs: ${t} s, max RSS ${m} KB, exit $rc; $timings" >&2
done
scan_s=$(median "${scan_times[@]}")
scan_rss_kb=$(printf '%s\n' "${scan_rss[@]}" | sort -n | tail -n 1)

# --- report -------------------------------------------------------------------------------------
machine=$(machine_description)
swift_version=$(swift --version 2>/dev/null | grep -o 'Swift version [0-9.]*' | head -n 1 || true)
ratio=$(awk -v s="$scan_s" -v p="$python_s" 'BEGIN { printf "%.2f", s / p }')
met=$(awk -v s="$scan_s" -v p="$python_s" 'BEGIN { print (s <= 0.5 * p) ? "yes" : "no" }')
variant="kubectl-style YAML, lean"
if (( small )); then variant+=", SMALL (plumbing check, not a result)"; fi

echo
echo "| Date | Machine | File | PyYAML CSafeLoader (median of $runs) | Scan (median of $runs) | Scan / CSafeLoader | Peak RSS (scan) | ≤ 0.5× |"
echo "|---|---|---|---|---|---|---|---|"
echo "| $(date -u +%Y-%m-%d) | $machine | $size_mb MB ($variant, seed $seed) | $python_s s | $scan_s s | ${ratio}× | $(awk -v k="$scan_rss_kb" 'BEGIN { printf "%.0f", k / 1024 }') MB | $met |"
echo
echo "Scan runs: ${scan_times[*]} s (exit codes ${scan_rcs[*]}); CSafeLoader runs: ${python_times[*]} s; $python_version;" \
     "${swift_version:-Swift version unknown}; file $FILE."
