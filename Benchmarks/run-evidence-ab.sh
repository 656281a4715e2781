#!/usr/bin/env bash
# Same-run A/B of two kubelet-authz binaries on the evidence benchmark's audit log: each
# configuration is run by A and B in turn (A, B, A, B, …) so that drift on a shared machine hits
# both alike, and the median of N runs of each is reported with B's change against A.
# Configurations: `evidence --no-db -o json` on one core (taskset -c 0) and on two, and the default
# command into a fresh database on one core and on two (with `wc -l` on the log between the 2-core
# runs, for the ≤ 5x target). Both binaries' JSON outputs must be identical.
#
#   Benchmarks/run-evidence-ab.sh OLD_BINARY NEW_BINARY LOG [--runs N] [--default-command]
#
# --default-command: only the issue-11 evidence row, the default command into a fresh SQLite file
# (`evidence LOG --store FRESH --progress never -o json`, both cores): each round runs `wc -l` on
# the log, then A and B (their order alternating from round to round), and the table gives the
# medians of wall seconds, CPU seconds (user + system, GNU time) and the phases
# (`KUBELET_AUTHZ_TIMINGS=1`: ingest, report, output), with the load average before and after.
#
# LOG is a JSON-lines audit log from Benchmarks/generate_audit_log.py (for example the one
# run-evidence-benchmark.sh writes to .build/bench/audit-1g.jsonl). Prints a Markdown table.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # sets SELF, CALLER_DIR, ROOT and cds to ROOT

(( $# >= 3 )) || { sed -n '2,/^set -euo/p' "$SELF" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2; }
A=$(abs_path "$1"); B=$(abs_path "$2"); LOG=$(abs_path "$3"); shift 3
runs=5
default_only=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --default-command) default_only=1 ;;
        *) echo "run-evidence-ab.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
require_executables run-evidence-ab.sh "$A" "$B"
[[ -s "$LOG" ]] || { echo "run-evidence-ab.sh: no log at $LOG" >&2; exit 1; }
command -v taskset >/dev/null || { echo "run-evidence-ab.sh: taskset is needed for the 1-core rows" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cat "$LOG" > /dev/null  # into the page cache

# run BINARY CONFIG OUT: one run, wall seconds on stdout.
run() {
    local bin=$1 config=$2 out=$3 s e code=0
    local cpus=0 db=()
    case "$config" in
        1core) ;;
        2cores) cpus=0,1 ;;
        # --db: the alias older binaries know too.
        db|db2) rm -f "$WORK/e.sqlite"*; db=(--db "$WORK/e.sqlite") ;;&
        db2) cpus=0,1 ;;
    esac
    [[ "$config" == db* ]] || db=(--no-db)
    s=$(now)
    taskset -c "$cpus" "$bin" evidence "${db[@]}" --progress never -o json "$LOG" > "$out" 2> "$WORK/err" || code=$?
    e=$(now)
    # A crash must not pass for a fast run: `set -e` does not reach into $(run …).
    (( code == 0 )) || { echo "run-evidence-ab.sh: $bin exited $code ($config): $(head -c 300 "$WORK/err")" >&2; exit 1; }
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'
}

# default NAME BINARY: one run of the default command into a fresh database, both cores; prints
# "wall cpu ingest report output" (seconds).
default() {
    local name=$1 bin=$2 s e code=0 t
    rm -f "$WORK/fresh.db"*
    s=$(now)
    KUBELET_AUTHZ_TIMINGS=1 "$TIME" -f 'gnutime %U %S' -o "$WORK/time" \
        "$bin" evidence "$LOG" --store "$WORK/fresh.db" --progress never -o json > "$WORK/$name.json" 2> "$WORK/err" || code=$?
    e=$(now)
    (( code == 0 )) || { echo "run-evidence-ab.sh: $bin exited $code: $(head -c 300 "$WORK/err")" >&2; exit 1; }
    t=$(grep -o 'timings: .*' "$WORK/err" | head -n 1)
    awk -v s="$s" -v e="$e" -v t="$t" -v cpu="$(awk '/^gnutime/ { print $2 + $3 }' "$WORK/time")" 'BEGIN {
        n = split(t, kv, /[ =]/)
        for (i = 1; i < n; i++) if (kv[i] ~ /^(ingest|report|output)$/) { v = kv[i + 1]; sub(/ms/, "", v); ms[kv[i]] = v / 1000 }
        printf "%.3f %.2f %.3f %.3f %.3f\n", e - s, cpu, ms["ingest"], ms["report"], ms["output"] }'
}

if (( default_only )); then
    find_gnu_time run-evidence-ab.sh
    col() { local k=$1; shift; printf '%s\n' "$@" | awk -v k="$k" '{ print $k }'; }
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    ra=() rb=() tw=()
    for ((i = 1; i <= runs; i++)); do
        s=$(now); wc -l < "$LOG" > /dev/null; e=$(now)
        tw+=("$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')")
        if (( i % 2 )); then ra+=("$(default a "$A")"); rb+=("$(default b "$B")"); else rb+=("$(default b "$B")"); ra+=("$(default a "$A")"); fi
        cmp -s "$WORK/a.json" "$WORK/b.json" || { echo "run-evidence-ab.sh: A and B wrote different JSON" >&2; exit 1; }
        echo "    round $i/$runs: wc -l ${tw[-1]} s; A ${ra[-1]}; B ${rb[-1]} (wall cpu ingest report output); load $(cut -d' ' -f1 /proc/loadavg)" >&2
    done
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)
    mw=$(median "${tw[@]}")
    echo "| | wall | ÷ \`wc -l\` | CPU (user + sys) | ingest | report | output |"
    echo "|---|---|---|---|---|---|---|"
    for side in A B; do
        if [[ $side == A ]]; then rows=("${ra[@]}"); else rows=("${rb[@]}"); fi
        w=$(median $(col 1 "${rows[@]}")); c=$(median $(col 2 "${rows[@]}"))
        echo "| $side | $w s | $(awk -v w="$w" -v f="$mw" 'BEGIN { printf "%.1f×", w / f }') | $c s | $(median $(col 3 "${rows[@]}")) s |" \
             "$(median $(col 4 "${rows[@]}")) s | $(median $(col 5 "${rows[@]}")) s |"
    done
    echo
    echo "Medians of $runs rounds (\`wc -l\`, then A and B in alternating order); \`wc -l\` median ${mw} s (runs: ${tw[*]});" \
         "load average before: $load_before, after: $load_after; $(machine_description)."
    exit 0
fi

size_mb=$(awk -v b="$(wc -c < "$LOG")" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "| Configuration | A (median of $runs) | B (median of $runs) | B ÷ A |"
echo "|---|---|---|---|"
tw=()
for config in 1core 2cores db db2; do
    ta=() tb=()
    for ((i = 1; i <= runs; i++)); do
        ta+=("$(run "$A" "$config" "$WORK/a.json")")
        tb+=("$(run "$B" "$config" "$WORK/b.json")")
        echo "    $config run $i/$runs: A ${ta[-1]} s, B ${tb[-1]} s" >&2
        if [[ "$config" == db2 ]]; then
            s=$(now); wc -l < "$LOG" > /dev/null; e=$(now)
            tw+=("$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')")
        fi
    done
    cmp -s "$WORK/a.json" "$WORK/b.json" || echo "run-evidence-ab.sh: $config: A and B wrote different JSON" >&2
    ma=$(median "${ta[@]}"); mb=$(median "${tb[@]}")
    label=$config
    case "$config" in
        1core) label="\`--no-db -o json\`, 1 core ($size_mb MB)" ;;
        2cores) label="\`--no-db -o json\`, 2 cores" ;;
        db) label="into a fresh database (default command), 1 core" ;;
        db2) label="into a fresh database (default command), 2 cores" ;;
    esac
    echo "| $label | ${ma} s | ${mb} s | $(awk -v a="$ma" -v b="$mb" 'BEGIN { printf "%.3f", b / a }') |"
done
mw=$(median "${tw[@]}")
echo
echo "\`wc -l\` in the same run (between the 2-core database runs): median ${mw} s; the 2-core database run is" \
     "$(awk -v w="$mw" -v a="$ma" -v b="$mb" 'BEGIN { printf "%.1f× `wc -l` for A, %.1f× for B", a / w, b / w }')."
