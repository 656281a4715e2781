#!/usr/bin/env bash
# Same-run A/B of two kubelet-authz binaries on the scan benchmark's cluster file: A and B scan
# in turn (A, B, A, B, …) so that drift on a shared machine hits both alike, and the median of N
# runs of each is reported with B's change against A. The command is the benchmark's own:
# `scan -f FILE -o json > file`, end to end. Outputs may differ where B reports more (new
# findings); only the time is compared, and each run must exit 0 or 1 (findings).
#
#   Benchmarks/run-scan-ab.sh OLD_BINARY NEW_BINARY CLUSTER_FILE... [--runs N]
#
# CLUSTER_FILE comes from Benchmarks/generate_cluster.py (run-scan-benchmark.sh writes them to
# .build/bench/). Prints a Markdown table, one row per file.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # sets SELF, CALLER_DIR, ROOT and cds to ROOT

(( $# >= 3 )) || { sed -n '2,/^set -euo/p' "$SELF" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2; }
A=$(abs_path "$1"); B=$(abs_path "$2"); shift 2
files=()
runs=5
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs=${2:?--runs needs a number}; shift ;;
        *) files+=("$(abs_path "$1")") ;;
    esac
    shift
done
require_executables run-scan-ab.sh "$A" "$B"
(( ${#files[@]} > 0 )) || { echo "run-scan-ab.sh: no cluster file" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# run BINARY FILE: one scan, wall seconds on stdout.
run() {
    local bin=$1 file=$2 s e code=0
    s=$(now)
    "$bin" scan -f "$file" -o json > "$WORK/out.json" 2> "$WORK/err" || code=$?
    e=$(now)
    (( code <= 1 )) || { echo "run-scan-ab.sh: $bin exited $code on $file: $(head -c 300 "$WORK/err")" >&2; exit 1; }
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'
}

echo "| File | A (median of $runs) | B (median of $runs) | B ÷ A |"
echo "|---|---|---|---|"
for file in "${files[@]}"; do
    cat "$file" > /dev/null  # into the page cache
    ta=() tb=()
    for ((i = 1; i <= runs; i++)); do
        ta+=("$(run "$A" "$file")")
        tb+=("$(run "$B" "$file")")
        echo "    $(basename "$file") run $i/$runs: A ${ta[-1]} s, B ${tb[-1]} s" >&2
    done
    ma=$(median "${ta[@]}"); mb=$(median "${tb[@]}")
    size_mb=$(awk -v b="$(wc -c < "$file")" 'BEGIN { printf "%.1f", b / 1e6 }')
    echo "| $(basename "$file") ($size_mb MB) | ${ma} s | ${mb} s | $(awk -v a="$ma" -v b="$mb" 'BEGIN { printf "%.3f", b / a }') |"
done
