#!/usr/bin/env bash
# The history benchmark: `scan --save` of the scan benchmark's cluster (lib.sh's sizes: 100k
# bindings, 20k roles, 200k ServiceAccounts, 5k nodes) next to the same scan without --save, in
# the same run; an unchanged re-save into the same database; and `diff` of two saved scans (the
# second with one more ClusterRoleBinding that grants nodes/proxy to a new ServiceAccount).
# Targets (issue 14, medians): --save adds <= 20 % to the scan; an unchanged re-save < 100 ms
# more than the scan and < 1 MB more database; diff of two saved scans < 1 s.
#
#   Benchmarks/run-history-benchmark.sh [--skip-build] [--runs N] [--small]
#
#   --skip-build   use the release binary already built
#   --runs N       runs of each step; medians are reported (default 3)
#   --small        a tiny cluster, to check the plumbing (not a benchmark result)
#
# Environment: KUBELET_AUTHZ=/path/to/binary runs that binary. The cluster file is the scan
# benchmark's (generated here when missing, with the same generator and seed).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # sets SELF, CALLER_DIR, ROOT and cds to ROOT

skip_build=0
runs=3
small=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) skip_build=1 ;;
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --small) small=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$SELF" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-history-benchmark.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ "$runs" =~ ^[0-9]+$ ]] && (( runs >= 1 )) || { echo "run-history-benchmark.sh: --runs must be a number >= 1" >&2; exit 2; }

PYTHON=${PYTHON:-python3}
find_gnu_time run-history-benchmark.sh
benchmark_cluster_sizes "$small"
tag+=-i4-s1
BENCH_DIR="$ROOT/.build/bench"
FILE="$BENCH_DIR/cluster-$tag.json"
mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d "$BENCH_DIR/history.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

find_or_build_binary run-history-benchmark.sh "$skip_build"
if [[ ! -s "$FILE" ]]; then
    echo "==> generating $FILE" >&2
    "$PYTHON" "$ROOT/Benchmarks/generate_cluster.py" "${sizes[@]}" --seed 1 --indent 4 -o "$FILE"
fi

cat > "$WORK/extra.yaml" <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: bench-node-debugger}
rules: [{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bench-node-debugger}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: bench-node-debugger}
subjects: [{kind: ServiceAccount, name: node-debugger, namespace: bench-tools}]
YAML

# Wall seconds of one command (stdout dropped; exit 0 and 1 are results).
timed() {
    local rc=0
    "$TIME" -f '%e' -o "$WORK/t" "$@" > /dev/null 2> "$WORK/err" || rc=$?
    if [[ $rc -ne 0 && $rc -ne 1 ]]; then
        echo "run-history-benchmark.sh: $* exited $rc:" >&2; tail -n 20 "$WORK/err" >&2; exit 1
    fi
    tail -n 1 "$WORK/t"
}
size() { stat -c %s "$1" 2>/dev/null || echo 0; }

scan=(); save=(); resave=(); growth=(); diffs=()
for ((i = 1; i <= runs; i++)); do
    db="$WORK/history-$i.sqlite"
    scan+=("$(timed "$BIN" scan -f "$FILE" -o json)")
    save+=("$(timed "$BIN" scan -f "$FILE" -o json --save --cluster bench --store "$db")")
    before=$(( $(size "$db") + $(size "$db-wal") ))
    resave+=("$(timed "$BIN" scan -f "$FILE" -o json --save --cluster bench --store "$db")")
    grep -q "no new content" "$WORK/err" || { echo "run-history-benchmark.sh: the re-save stored content:" >&2; cat "$WORK/err" >&2; exit 1; }
    growth+=($(( $(size "$db") + $(size "$db-wal") - before )))
    timed "$BIN" scan -f "$FILE" -f "$WORK/extra.yaml" -o json --save --cluster bench --store "$db" > /dev/null
    diffs+=("$(timed "$BIN" diff --store "$db" -o json)")
    echo "    run $i/$runs: scan ${scan[-1]} s, --save ${save[-1]} s, unchanged re-save ${resave[-1]} s (+${growth[-1]} bytes), diff ${diffs[-1]} s" >&2
done

m_scan=$(median "${scan[@]}"); m_save=$(median "${save[@]}"); m_resave=$(median "${resave[@]}")
m_growth=$(median "${growth[@]}"); m_diff=$(median "${diffs[@]}")
added=$(awk -v a="$m_save" -v b="$m_scan" 'BEGIN { printf "%.0f", 100 * (a - b) / b }')
extra_ms=$(awk -v a="$m_resave" -v b="$m_scan" 'BEGIN { printf "%.0f", 1000 * (a - b) }')
met=$(awk -v a="$added" -v e="$extra_ms" -v g="$m_growth" -v d="$m_diff" 'BEGIN { print (a <= 20 && e < 100 && g < 1000000 && d < 1) ? "yes" : "no" }')
echo
echo "| Cluster | scan -o json | scan --save (first) | unchanged re-save | re-save growth | diff of two saved scans | Targets met | Machine |"
echo "|---|---|---|---|---|---|---|---|"
echo "| $tag | ${m_scan} s | ${m_save} s (+${added} %) | ${m_resave} s (${extra_ms} ms more than the scan) | ${m_growth} bytes | ${m_diff} s | $met | $(machine_description) |"
