#!/usr/bin/env bash
# The plan benchmark: `kubelet-authz plan` for every subject of the scan benchmark's cluster
# (100k bindings, 20k roles, 200k ServiceAccounts, 5k nodes) with the evidence benchmark's
# audit log (1 GiB), timed next to `kubelet-authz scan --audit` on the same two inputs, in the
# same run. Target (issue 12): plan's median <= 2 x scan --audit's median.
#
#   Benchmarks/run-plan-benchmark.sh [--skip-build] [--runs N] [--small] [--size-mb N]
#                                    [--kubelet-share F]
#
#   --skip-build   do not run `swift build -c release` (use .build/release/kubelet-authz)
#   --runs N       runs of each command; best and median are reported (default 3)
#   --small        the scan benchmark's small cluster and a 20 MiB log (plumbing, not a result)
#   --size-mb N    audit log size in MiB (default 1024)
#   --kubelet-share F  passed to the cluster generator (default: its own, 0.03)
#
# Both commands read the cluster with -f, join the log with --audit (--no-db: memory only) and
# write -o json to /dev/null. The log is 24 hours long, so plan runs with --min-evidence-days 0
# (any window proves a reduction): every subject whose evidence shows no use is narrowed, the
# RBAC change is built and the whole proof replayed, which is plan's most expensive case.
# --now is the day after the log's.
#
# Environment: KUBELET_AUTHZ=/path/to/binary runs that binary (implies --skip-build).
# PYTHON=python3.x picks the interpreter for the generators.
#
# Prints a Markdown table to paste into docs/BENCHMARKS.md. Exits 0 whether or not the target is
# met; 1 when something failed.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # sets SELF, CALLER_DIR, ROOT and cds to ROOT

skip_build=0
runs=3
small=0
size_mb=1024
kubelet_share=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) skip_build=1 ;;
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --small) small=1; size_mb=20 ;;
        --size-mb) size_mb=${2:?--size-mb needs a number}; shift ;;
        --kubelet-share) kubelet_share=${2:?--kubelet-share needs a fraction}; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$SELF" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-plan-benchmark.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
for n in "$runs" "$size_mb"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "run-plan-benchmark.sh: not a number: $n" >&2; exit 2; }
done
(( runs >= 1 )) || { echo "run-plan-benchmark.sh: --runs must be >= 1" >&2; exit 2; }

PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null || { echo "run-plan-benchmark.sh: $PYTHON not found" >&2; exit 1; }
find_gnu_time run-plan-benchmark.sh

# --- inputs: the same files the scan and evidence benchmarks write ------------------------------
benchmark_cluster_sizes "$small"
gen_args=("${sizes[@]}" --seed 1 --indent 4)
if [[ -n "$kubelet_share" ]]; then gen_args+=(--kubelet-share "$kubelet_share"); tag+=-k$kubelet_share; fi
tag+=-i4-s1
BENCH_DIR="$ROOT/.build/bench"
CLUSTER="$BENCH_DIR/cluster-$tag.json"
if (( size_mb == 1024 )); then LOG="$BENCH_DIR/audit-1g.jsonl"; else LOG="$BENCH_DIR/audit-${size_mb}m-s1.jsonl"; fi
mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d "$BENCH_DIR/plan-run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

find_or_build_binary run-plan-benchmark.sh "$skip_build"

if [[ ! -s "$CLUSTER" ]]; then
    echo "==> generating $CLUSTER" >&2
    "$PYTHON" "$ROOT/Benchmarks/generate_cluster.py" "${gen_args[@]}" -o "$CLUSTER"
else
    echo "==> reusing $CLUSTER" >&2
fi
if [[ ! -s "$LOG" ]]; then
    echo "==> generating $LOG ($size_mb MiB)" >&2
    "$PYTHON" "$ROOT/Benchmarks/generate_audit_log.py" --size-mb "$size_mb" --seed 1 -o "$LOG"
else
    echo "==> reusing $LOG" >&2
fi
cat "$CLUSTER" "$LOG" > /dev/null  # into the page cache for both commands alike

# timed LABEL ARGS...: sets t_best, t_median, t_rss (MB, the largest) over $runs runs.
timed() {
    local label=$1; shift
    local times=() rss=() rc t m
    for ((i = 1; i <= runs; i++)); do
        rc=0
        "$TIME" -f '%e %M' -o "$WORK/t" "$BIN" "$@" > /dev/null 2> "$WORK/err" || rc=$?
        if [[ $rc -ne 0 && $rc -ne 1 ]]; then
            echo "run-plan-benchmark.sh: $label run $i exited $rc:" >&2
            tail -n 20 "$WORK/err" >&2
            exit 1
        fi
        read -r t m < <(tail -n 1 "$WORK/t")
        times+=("$t"); rss+=("$m")
        echo "    $label run $i/$runs: $t s, max RSS $m KB, exit $rc; $(grep -m1 '^Plan for' "$WORK/err" || true)" >&2
    done
    t_best=$(printf '%s\n' "${times[@]}" | sort -g | head -n 1)
    t_median=$(median "${times[@]}")
    t_rss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1 | awk '{ printf "%.0f", $1 / 1024 }')
    t_all="${times[*]}"
}

common=(-f "$CLUSTER" --audit "$LOG" --no-db --progress never --now 2026-11-28 -o json)
timed "scan --audit" scan "${common[@]}"
scan_best=$t_best; scan_median=$t_median; scan_rss=$t_rss; scan_all=$t_all
timed "plan" plan "${common[@]}" --min-evidence-days 0
plan_best=$t_best; plan_median=$t_median; plan_rss=$t_rss; plan_all=$t_all

ratio=$(awk -v p="$plan_median" -v s="$scan_median" 'BEGIN { printf "%.2f", p / s }')
met=$(awk -v p="$plan_median" -v s="$scan_median" 'BEGIN { print (p <= 2 * s) ? "yes" : "no" }')
cluster_mb=$(awk -v b="$(wc -c < "$CLUSTER")" 'BEGIN { printf "%.1f", b / 1e6 }')
log_mb=$(awk -v b="$(wc -c < "$LOG")" 'BEGIN { printf "%.1f", b / 1e6 }')
variant=""
(( small )) && variant=" (SMALL: plumbing check, not a result)"

echo
echo "| Date | Machine | Inputs | scan --audit (median) | plan (median) | plan / scan | ≤ 2× |"
echo "|---|---|---|---|---|---|---|"
echo "| $(date -u +%Y-%m-%d) | $(machine_description) | $cluster_mb MB cluster + $log_mb MB log$variant | $scan_median s, $scan_rss MB | $plan_median s, $plan_rss MB | ${ratio}× | $met |"
echo
echo "scan --audit runs: $scan_all s; plan runs: $plan_all s (--min-evidence-days 0); files $CLUSTER, $LOG."
