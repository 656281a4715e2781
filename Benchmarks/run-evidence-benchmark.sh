#!/usr/bin/env bash
# The evidence benchmark: `kubelet-authz evidence` on 1 GiB of synthetic kube-apiserver audit
# log (JSON lines, 5 % kubelet SubjectAccessReviews), timed next to `wc -l` on the same file
# (the floor) and a Python orjson pass over it (what a user would script), on the same machine,
# in the same run, from the page cache.
# Targets: >= 1 GB/s end to end on one core, i.e. at most 6x the `wc -l` time and at least 4x
# faster than the orjson pass.
#
#   Benchmarks/run-evidence-benchmark.sh [--skip-build] [--regenerate] [--quick] [--gzip]
#                                        [--runs N] [--seed N] [--size-mb N] [--small]
#                                        [--nodes N] [--fleet-nodes N] [--postgres]
#
#   --skip-build   do not run `swift build -c release` (use .build/release/kubelet-authz)
#   --regenerate   write the audit log again even if it exists
#   --quick        one orjson pass instead of the best of 3
#   --gzip         also benchmark a gzip copy of the log (FILE.gz) and a rotated set: the log cut
#                  into 8 gzip files at line boundaries (FILE.rotated/), which kubelet-authz
#                  reads two at a time on two cores (two extra table rows)
#   --runs N       wc -l and kubelet-authz runs per configuration; the best is reported (default 3)
#   --seed N       generator seed (default 1)
#   --size-mb N    log size in MiB (default 1024)
#   --small        a 20 MiB log, to check the plumbing (not a benchmark result)
#   --nodes N      nodes in the generated cluster (default 250); 3000 makes a daemonset fleet
#                  (every agent on every node) with tens of thousands of usage rows
#   --fleet-nodes N  also time the default command (its table to a file) and -o json, in turn,
#                  each into a fresh database, on a second log: a daemonset fleet of N nodes with
#                  9.5 % kubelet reviews (default 15000: about 54,000 distinct usage rows; at 5 % a
#                  1 GiB log has too few reviews for that many), both cores, medians of --runs next
#                  to `wc -l` on the same file (target: the default command at most 5x); 0 leaves
#                  it out
#   --postgres     instead of the table: the default command into a fresh SQLite file and into a
#                  fresh PostgreSQL database (`--store postgres://…`) on the same log, runs
#                  alternating, both cores, median of --runs: the two stores' ingest rates (target:
#                  PostgreSQL at least half SQLite's). A throwaway server is started for it
#                  (Debian's postgresql: initdb + pg_ctl on a free loopback port, as the postgres
#                  user when run as root) and stopped afterwards; its settings are initdb's defaults
#                  (fsync and synchronous_commit on)
#
# Environment: KUBELET_AUTHZ=/path/to/binary runs that binary instead of building one (implies
# --skip-build). PYTHON=python3.x picks the interpreter. EVIDENCE_OUT=PATH is where the
# evidence JSON goes (default /tmp/out.json); it is checked against the generator's
# FILE.expected.json.
#
# Prints a Markdown table to paste into docs/BENCHMARKS.md. Exits 0 whether or not the targets
# are met; 1 when something failed (build, generation, a kubelet-authz exit code other than 0)
# or when kubelet-authz's counts do not match the generator's (MISMATCH lines).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # sets SELF, CALLER_DIR, ROOT and cds to ROOT

skip_build=0
regenerate=0
quick=0
with_gzip=0
runs=3
seed=1
size_mb=1024
small=0
nodes=250
fleet_nodes=15000
fleet_sar=0.095
with_postgres=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) skip_build=1 ;;
        --regenerate) regenerate=1 ;;
        --quick) quick=1 ;;
        --gzip) with_gzip=1 ;;
        --runs) runs=${2:?--runs needs a number}; shift ;;
        --seed) seed=${2:?--seed needs a number}; shift ;;
        --size-mb) size_mb=${2:?--size-mb needs a number}; shift ;;
        --small) small=1; size_mb=20 ;;
        --nodes) nodes=${2:?--nodes needs a number}; shift ;;
        --fleet-nodes) fleet_nodes=${2:?--fleet-nodes needs a number}; shift ;;
        --postgres) with_postgres=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$SELF" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-evidence-benchmark.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
for n in "$runs" "$seed" "$size_mb" "$nodes" "$fleet_nodes"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "run-evidence-benchmark.sh: not a number: $n" >&2; exit 2; }
done
(( runs >= 1 )) || { echo "run-evidence-benchmark.sh: --runs must be >= 1" >&2; exit 2; }
(( size_mb >= 1 )) || { echo "run-evidence-benchmark.sh: --size-mb must be >= 1" >&2; exit 2; }
orjson_runs=3
(( quick )) && orjson_runs=1

PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null || { echo "run-evidence-benchmark.sh: $PYTHON not found" >&2; exit 1; }
ensure_python_package run-evidence-benchmark.sh orjson orjson

find_gnu_time run-evidence-benchmark.sh
PIN=()
if command -v taskset >/dev/null 2>&1; then
    PIN=(taskset -c 0)
else
    echo "run-evidence-benchmark.sh: taskset not found; the 1-core column is not pinned (n/a)" >&2
fi

# Wall clock with sub-millisecond resolution (GNU date; perl where date has no %N).
now() {
    local t
    t=$(date +%s.%N)
    if [[ "$t" == *N ]]; then t=$(perl -MTime::HiRes=time -e 'printf "%.6f\n", time'); fi
    echo "$t"
}
elapsed() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.3f", e - s }'; }
best() { printf '%s\n' "$@" | sort -g | head -n 1; }
largest() { printf '%s\n' "$@" | sort -g | tail -n 1; }

# --- files --------------------------------------------------------------------------------------
BENCH_DIR="$ROOT/.build/bench"
if (( size_mb == 1024 && seed == 1 && nodes == 250 )); then
    FILE="$BENCH_DIR/audit-1g.jsonl"
else
    FILE="$BENCH_DIR/audit-${size_mb}m-s$seed$( (( nodes == 250 )) || echo "-n$nodes").jsonl"
fi
EXPECTED="$FILE.expected.json"
OUT_JSON=${EVIDENCE_OUT:-/tmp/out.json}
mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d "$BENCH_DIR/evidence-run.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- build --------------------------------------------------------------------------------------
find_or_build_binary run-evidence-benchmark.sh "$skip_build"

# --- audit log ----------------------------------------------------------------------------------
gen_args=(--size-mb "$size_mb" --seed "$seed" --nodes "$nodes" -o "$FILE")
if (( regenerate )) || [[ ! -s "$FILE" || ! -s "$EXPECTED" ]]; then
    (( with_gzip )) && gen_args+=(--gzip)
    echo "==> generating $FILE ($size_mb MiB)" >&2
    "$PYTHON" "$ROOT/Benchmarks/generate_audit_log.py" "${gen_args[@]}"
else
    echo "==> reusing $FILE (--regenerate to write it again)" >&2
fi
if (( with_gzip )) && [[ ! -s "$FILE.gz" || "$FILE.gz" -ot "$FILE" ]]; then
    echo "==> gzip -6 -n $FILE" >&2
    gzip -6 -n -c "$FILE" > "$FILE.gz.tmp" && mv "$FILE.gz.tmp" "$FILE.gz"
fi
ROTATED="$FILE.rotated"
if (( with_gzip )) && [[ ! -s "$ROTATED/.lines" || "$ROTATED/.lines" -ot "$FILE" ]]; then
    echo "==> split -n l/8 $FILE and gzip -6 -n each part into $ROTATED/" >&2
    rm -rf "$ROTATED" && mkdir -p "$ROTATED/.parts"
    split -n l/8 -d --additional-suffix=.log "$FILE" "$ROTATED/.parts/audit-part-"
    for part in "$ROTATED"/.parts/*.log; do
        wc -l < "$part" | tr -d ' ' >> "$ROTATED/.lines.tmp"
        gzip -6 -n -c "$part" > "$ROTATED/$(basename "$part").gz"
        rm "$part"
    done
    rmdir "$ROTATED/.parts"
    # Lines per part, in name order: the check turns each file's line numbers into the log's.
    mv "$ROTATED/.lines.tmp" "$ROTATED/.lines"
fi
size_bytes=$(wc -c < "$FILE" | tr -d ' ')
size_mb_dec=$(awk -v b="$size_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
read -r exp_lines exp_events < <("$PYTHON" -c 'import json,sys; e=json.load(open(sys.argv[1])); print(e["lines"], e["events"])' "$EXPECTED")

echo "==> warm-up: cat FILE > /dev/null" >&2
cat "$FILE" > /dev/null
(( with_gzip )) && cat "$FILE.gz" "$ROTATED"/*.gz > /dev/null

# --- measurements -------------------------------------------------------------------------------
# floor INPUT: sets floor_s, the best wall seconds of `wc -l` (for .gz: `gzip -dc | wc -l`; for the
# rotated set: `cat *.gz | gzip -dc | wc -l`).
floor_s=0
floor() {
    local input=$1 times=() s e n
    for ((i = 1; i <= runs; i++)); do
        s=$(now)
        if [[ -d "$input" ]]; then n=$(cat "$input"/*.gz | gzip -dc | wc -l)
        elif [[ "$input" == *.gz ]]; then n=$(gzip -dc "$input" | wc -l); else n=$(wc -l < "$input"); fi
        e=$(now)
        times+=("$(elapsed "$s" "$e")")
    done
    n=$(echo "$n" | tr -d ' ')
    [[ "$n" == "$exp_lines" ]] || echo "run-evidence-benchmark.sh: wc -l counted $n lines, the generator wrote $exp_lines" >&2
    floor_s=$(best "${times[@]}")
}

# orjson INPUT: sets orjson_s, the best seconds of the orjson pass (time.perf_counter around the
# read loop, so interpreter start-up is not counted), and parser.
orjson_s=0
parser=orjson
orjson_pass() {
    "$PYTHON" "$ROOT/Benchmarks/orjson_pass.py" "$1" --runs "$orjson_runs" > "$WORK/orjson.out"
    parser=$(sed -n 's/^parser=//p' "$WORK/orjson.out")
    orjson_s=$(sed -n 's/^seconds=//p' "$WORK/orjson.out")
}

# evidence LABEL INPUT [pin...]: sets ev_s, the best wall seconds of kubelet-authz evidence, and
# ev_rss, the largest peak RSS (KB) of its runs.
ev_s=0
ev_rss=0
evidence() {
    local label=$1 input=$2; shift 2
    local times=() rss=() s e rc t m
    for ((i = 1; i <= runs; i++)); do
        rc=0
        s=$(now)
        "$@" "$TIME" -f '%e %M' -o "$WORK/ev.time" \
            "$BIN" evidence --no-db --progress never -o json "$input" > "$OUT_JSON" 2> "$WORK/ev.err" || rc=$?
        e=$(now)
        if [[ $rc -ne 0 ]]; then
            echo "run-evidence-benchmark.sh: kubelet-authz evidence ($label) exited $rc:" >&2
            tail -n 20 "$WORK/ev.err" >&2
            exit 1
        fi
        read -r t m < <(tail -n 1 "$WORK/ev.time")
        times+=("$(elapsed "$s" "$e")"); rss+=("$m")
        echo "    evidence $label run $i/$runs: $(elapsed "$s" "$e") s (GNU time ${t} s), max RSS ${m} KB" >&2
    done
    ev_rss=$(largest "${rss[@]}")
    ev_s=$(best "${times[@]}")
}

# check LABEL [LINES_FILE]: compares $OUT_JSON with the generator's expected counts (with a
# rotated set's lines per file, to number its lines as the whole log's). Prints OK/MISMATCH lines.
mismatches=0
check() {
    if ! "$PYTHON" - "$OUT_JSON" "$EXPECTED" "$1" "${2:-}" <<'PY' >&2
import json, sys
out, exp, name = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
ev = out["events"]
# A rotated set numbers lines per file: turn them into the whole log's numbers.
offset = {}
if sys.argv[4]:
    counts = [int(x) for x in open(sys.argv[4]).read().split()]
    for f, before in zip(sorted(out["files"]), [sum(counts[:k]) for k in range(len(counts))]):
        offset[f] = before
kub = [u for u in out["usage"] if u["accessPath"] == "kubelet"]
prx = [u for u in out["usage"] if u["accessPath"] == "apiserverProxy"]
pairs = [
    ("events.kubeletReviews", ev["kubeletReviews"], "kubeletReviewLines"),
    ("kubelet usage: allowed", sum(u["allowed"] for u in kub), "kubeletAllowed"),
    ("kubelet usage: denied", sum(u["denied"] for u in kub), "kubeletDenied"),
    ("kubelet usage: unknown", sum(u["unknown"] for u in kub), "kubeletUnknown"),
    ("kubelet usage: fallbackFor", sum(sum(u["fallbackFor"].values()) for u in kub), "fallbackAllowed"),
    ("events.nodeProxy", ev["nodeProxy"], "nodeProxyLines"),
    ("node-proxy usage: allowed", sum(u["allowed"] for u in prx), "nodeProxyAllowed"),
    ("node-proxy usage: denied", sum(u["denied"] for u in prx), "nodeProxyDenied"),
    ("events.lines", ev["lines"], "lines"),
    ("events.read", ev["read"], "events"),
    ("events.malformed", ev["malformed"], "malformed"),
    ("malformed line numbers", sorted(offset.get(m["file"], 0) + m["line"] for m in out["malformed"]), "malformedLines"),
]
bad = 0
for label, got, key in pairs:
    ok = got == exp[key]
    bad += not ok
    print("    %-8s %-28s %s%s" % ("OK" if ok else "MISMATCH", label, got, "" if ok else "  (expected %s = %s)" % (key, exp[key])))
print("    correctness (%s): %s" % (name, "OK" if not bad else "MISMATCH"))
sys.exit(1 if bad else 0)
PY
    then mismatches=$((mismatches + 1)); fi
}

# --- SQLite vs PostgreSQL (--postgres) ---------------------------------------------------------
if (( with_postgres )); then
    start_throwaway_postgres run-evidence-benchmark.sh  # lib.sh
    trap '"${PG_STOP[@]}" > /dev/null; rm -rf "$WORK" "$PG_DIR"' EXIT
    "$BIN" --version >&2 || true
    # into STORE LABEL: one run of the default command into STORE; appends its seconds to times.
    into() {
        local s e
        s=$(now)
        "$BIN" evidence "$FILE" --store "$1" --progress never -o json > "$OUT_JSON" 2> "$WORK/ev.err" \
            || { echo "run-evidence-benchmark.sh: evidence into $2 exited non-zero:" >&2; tail -n 20 "$WORK/ev.err" >&2; exit 1; }
        e=$(now)
        times+=("$(elapsed "$s" "$e")")
        check "JSON lines, into $2"
    }
    sqlite_times=() pg_times=()
    for ((i = 1; i <= runs; i++)); do
        rm -f "$WORK"/cmp.sqlite*
        times=(); into "$WORK/cmp.sqlite" SQLite; sqlite_times+=("${times[0]}")
        "${PG_PSQL[@]}" -c "CREATE DATABASE bench_$i"
        times=(); into "$PG_URL/bench_$i" PostgreSQL; pg_times+=("${times[0]}")
        echo "    run $i/$runs: SQLite ${sqlite_times[-1]} s, PostgreSQL ${pg_times[-1]} s" >&2
    done
    pg_version=$("${PG_PSQL[@]}" -At -c 'SHOW server_version')
    cpus=$(nproc 2>/dev/null || echo '?')
    echo
    awk -v sq="$(median "${sqlite_times[@]}")" -v pg="$(median "${pg_times[@]}")" -v b="$size_bytes" -v runs="$runs" -v cpus="$cpus" \
        -v d="$(date -u +%Y-%m-%d)" -v m="$(machine_description)" -v v="$pg_version" 'BEGIN {
        printf "| %s | %s | %.1f MB | %.3f s (%.0f MB/s) | %.3f s (%.0f MB/s) | %.0f %% | %s |\n",
            d, m, b / 1e6, sq, b / 1e6 / sq, pg, b / 1e6 / pg, 100 * sq / pg, (sq / pg >= 0.5 ? "met" : "not met")
        printf "\nInto a fresh store each run (`evidence LOG --store FRESH -o json`, %s cores), median of %d, runs alternating; PostgreSQL %s on 127.0.0.1 (initdb defaults). Columns: date, machine, log, SQLite, PostgreSQL, PostgreSQL rate as a share of SQLite'\''s, target (>= 50 %%).\n", cpus, runs, v }'
    (( mismatches )) && { echo "run-evidence-benchmark.sh: kubelet-authz's counts do not match the generator's (MISMATCH above)" >&2; exit 1; }
    exit 0
fi

cpus=$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo '?')
rows=()
bench() {
    local input=$1 label=$2 lines_file=${3:-}
    echo "==> [$label] floor ($([[ -d "$input" ]] && echo 'cat *.gz | gzip -dc | wc -l' || { [[ "$input" == *.gz ]] && echo 'gzip -dc | wc -l' || echo 'wc -l'; })), best of $runs" >&2
    floor "$input"
    echo "    $floor_s s" >&2
    echo "==> [$label] orjson pass, best of $orjson_runs" >&2
    orjson_pass "$input"
    echo "    $orjson_s s ($parser)" >&2
    echo "==> [$label] kubelet-authz evidence, $cpus cores, best of $runs" >&2
    evidence "$label, $cpus cores" "$input"
    local all_s=$ev_s rss_all=$ev_rss
    local one_s="n/a" rss_one=0
    if [[ ${#PIN[@]} -gt 0 ]]; then
        echo "==> [$label] kubelet-authz evidence, 1 core (${PIN[*]}), best of $runs" >&2
        evidence "$label, 1 core" "$input" "${PIN[@]}"
        one_s=$ev_s rss_one=$ev_rss
    fi
    check "$label" "$lines_file"
    local t=$one_s
    [[ "$t" == "n/a" ]] && t=$all_s
    local rss_mb; rss_mb=$(awk -v a="$rss_all" -v b="$rss_one" 'BEGIN { printf "%.0f", (a > b ? a : b) / 1024 }')
    rows+=("$(awk -v d="$(date -u +%Y-%m-%d)" -v m="$machine" -v label="$label" -v mb="$size_mb_dec" -v lines="$exp_lines" \
        -v ev="$exp_events" -v b="$size_bytes" -v fl="$floor_s" -v oj="$orjson_s" -v all="$all_s" -v one="$one_s" -v t="$t" \
        -v rss="$rss_mb" -v cpus="$cpus" 'BEGIN {
            mbs1 = b / 1e6 / t; mbsa = b / 1e6 / all
            printf "| %s | %s | %s | %s MB | %d | %.3f s | %.3f s | %.3f s | %s | %.0f / %.0f | %.0f / %.0f | %.1f× | %.1f× | %s MB | %s | %s | %s |",
                d, m, label, mb, lines, fl, oj, all, (one == "n/a" ? "n/a" : sprintf("%.3f s", one)),
                mbs1, mbsa, ev / t / 1e3, ev / all / 1e3, t / fl, oj / t, rss,
                (b / 1e9 / t >= 1 ? "yes" : "no"), (t <= 6 * fl ? "yes" : "no"), (oj >= 4 * t ? "yes" : "no") }')")
}

machine=$(machine_description)

bench "$FILE" "JSON lines"
if (( with_gzip )); then
    bench "$FILE.gz" "gzip ($(awk -v b="$(wc -c < "$FILE.gz")" 'BEGIN { printf "%.0f MB", b / 1e6 }'))"
    bench "$ROTATED" "8 gzip files ($(cat "$ROTATED"/*.gz | wc -c | awk '{ printf "%.0f MB", $1 / 1e6 }'))" "$ROTATED/.lines"
fi

# The default command keeps evidence in a database: the JSON lines again, each run into a fresh
# SQLite file (the first ingest, the costly one), on one core.
db_times=()
for ((i = 1; i <= runs; i++)); do
    rm -f "$WORK/ev.sqlite" "$WORK/ev.sqlite-wal" "$WORK/ev.sqlite-shm"
    s=$(now)
    "${PIN[@]}" "$BIN" evidence --db "$WORK/ev.sqlite" --progress never -o json "$FILE" > "$OUT_JSON" 2> "$WORK/ev.err" \
        || { echo "run-evidence-benchmark.sh: kubelet-authz evidence --db exited non-zero:" >&2; tail -n 20 "$WORK/ev.err" >&2; exit 1; }
    e=$(now)
    db_times+=("$(elapsed "$s" "$e")")
    echo "    evidence into a fresh database run $i/$runs: $(elapsed "$s" "$e") s" >&2
done
check "JSON lines, into a database"
db_s=$(best "${db_times[@]}")
db_size=$(wc -c < "$WORK/ev.sqlite" | tr -d ' ')

# The daemonset fleet: the default command (into a fresh database, both cores) on a log with tens
# of thousands of distinct usage rows, where the report's cost per row shows. Runs alternate with
# `wc -l` on the same file, so that drift on a shared machine hits both; medians are reported.
fleet_line=""
if (( fleet_nodes > 0 )); then
    FLEET="$BENCH_DIR/audit-${size_mb}m-s$seed-n$fleet_nodes-sar${fleet_sar#0.}.jsonl"
    if (( regenerate )) || [[ ! -s "$FLEET" || ! -s "$FLEET.expected.json" ]]; then
        echo "==> generating $FLEET ($size_mb MiB, $fleet_nodes nodes)" >&2
        "$PYTHON" "$ROOT/Benchmarks/generate_audit_log.py" --size-mb "$size_mb" --seed "$seed" --nodes "$fleet_nodes" --sar-fraction "$fleet_sar" -o "$FLEET"
    fi
    cat "$FLEET" > /dev/null
    # The default output (a table) and -o json in turn, each into a fresh database.
    fleet_wc=() fleet_ev=() fleet_json=()
    fresh() { rm -f "$WORK/fleet.sqlite" "$WORK/fleet.sqlite-wal" "$WORK/fleet.sqlite-shm" "$WORK/fleet.sqlite-journal"; }
    for ((i = 1; i <= runs; i++)); do
        s=$(now); wc -l < "$FLEET" > /dev/null; e=$(now)
        fleet_wc+=("$(elapsed "$s" "$e")")
        fresh
        s=$(now)
        "$BIN" evidence "$FLEET" --store "$WORK/fleet.sqlite" --progress never > "$WORK/fleet.txt" 2> "$WORK/ev.err" \
            || { echo "run-evidence-benchmark.sh: kubelet-authz evidence --store (fleet) exited non-zero:" >&2; tail -n 20 "$WORK/ev.err" >&2; exit 1; }
        e=$(now)
        fleet_ev+=("$(elapsed "$s" "$e")")
        fresh
        s=$(now)
        "$BIN" evidence "$FLEET" --store "$WORK/fleet.sqlite" --progress never -o json > "$OUT_JSON" 2> "$WORK/ev.err" \
            || { echo "run-evidence-benchmark.sh: kubelet-authz evidence --store -o json (fleet) exited non-zero:" >&2; tail -n 20 "$WORK/ev.err" >&2; exit 1; }
        e=$(now)
        fleet_json+=("$(elapsed "$s" "$e")")
        echo "    fleet run $i/$runs: wc -l ${fleet_wc[-1]} s, evidence into a fresh database ${fleet_ev[-1]} s (table), ${fleet_json[-1]} s (-o json)" >&2
    done
    EXPECTED_SAVED=$EXPECTED; EXPECTED="$FLEET.expected.json"
    check "daemonset fleet, into a database"
    EXPECTED=$EXPECTED_SAVED
    fleet_rows=$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["usage"]))' "$OUT_JSON")
    # The table's rows: the lines between its header and the first blank line after it.
    table_rows=$(awk '/^KIND / { on = 1; next } on && /^$/ { exit } on { n++ } END { print n + 0 }' "$WORK/fleet.txt")
    if [[ "$table_rows" != "$fleet_rows" ]]; then
        echo "MISMATCH daemonset fleet: the table has $table_rows usage rows, -o json $fleet_rows" >&2
        mismatches=$((mismatches + 1))
    fi
    fleet_line=$(awk -v n="$fleet_nodes" -v rows="$fleet_rows" -v w="$(median "${fleet_wc[@]}")" -v t="$(median "${fleet_ev[@]}")" \
        -v j="$(median "${fleet_json[@]}")" -v b="$(wc -c < "$FLEET" | tr -d ' ')" -v runs="$runs" -v cpus="$cpus" 'BEGIN {
        printf "Daemonset fleet (%d nodes, %d usage rows, %.1f MB), the default command into a fresh database (`evidence LOG --store FRESH`, its table to a file, %s cores), median of %d: **%.3f s**; `wc -l` %.3f s; %.1f× `wc -l` (target ≤ 5×: %s). With `-o json`: %.3f s, %.1f× `wc -l`.",
            n, rows, b / 1e6, cpus, runs, t, w, t / w, (t <= 5 * w ? "met" : "not met"), j, j / w }')
fi

# --- report -------------------------------------------------------------------------------------
swift_version=$(swift --version 2>/dev/null | grep -o 'Swift version [0-9.]*' | head -n 1 || true)
python_version=$("$PYTHON" -c 'import platform; print(platform.python_version())')
note=""
(( small )) && note=" SMALL (plumbing check, not a result)."
echo
echo "| Date | Machine | Input | Size | Lines | wc -l | orjson | kubelet-authz ($cpus cores) | kubelet-authz (1 core) | MB/s (1 core / $cpus) | k events/s (1 core / $cpus) | 1 core ÷ wc -l | orjson ÷ 1 core | Peak RSS | ≥ 1 GB/s | ≤ 6× wc -l | ≥ 4× orjson |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Best of $runs (orjson: best of $orjson_runs, $parser, Python $python_version); MB = 10^6 bytes of uncompressed log;" \
     "the 1-core column is \`${PIN[*]:-unpinned}\`; targets are judged on it. ${swift_version:-Swift version unknown};" \
     "file $FILE (seed $seed).$note"
echo
echo "Into the evidence database (the default; \`--db\` to a fresh file each run, 1 core, best of $runs):" \
     "$(awk -v t="$db_s" -v b="$size_bytes" -v d="$db_size" 'BEGIN { printf "%.3f s, %.0f MB/s; the database is %.0f MB", t, b / 1e6 / t, d / 1e6 }')."
[[ -n "$fleet_line" ]] && { echo; echo "$fleet_line"; }
if (( mismatches )); then
    echo "run-evidence-benchmark.sh: kubelet-authz's counts do not match the generator's (MISMATCH above)" >&2
    exit 1
fi
