#!/usr/bin/env bash
# Concurrent writers on one store (issue 14): two `kubelet-authz serve` replicas sharing one store,
# each receiving 400-event audit batches at 5 batches/s (2,000 events/s each; Benchmarks/ServeLoad,
# open loop, loopback TLS with client certificates), while two `kubelet-authz evidence` ingests of
# the same 1 GB benchmark log write into the same store at the same time. First into a throwaway
# PostgreSQL (Debian's packages, initdb + pg_ctl on a free loopback port), then the same run with
# everything on one SQLite file. Targets (PostgreSQL): no errors, acknowledgement p99 below
# 100 ms, zero duplicates and exact counts, verified with count queries (psql, sqlite3).
#
#   Benchmarks/run-concurrent-writers-benchmark.sh [--skip-build] [--small] [--seconds N] [--store postgres|sqlite|both]
#
#   --skip-build   use .build/release/kubelet-authz and the generator already built
#   --small        a 20 MiB log and 10 s (checks the plumbing; not a result)
#   --seconds N    the webhook load's length, a multiple of 10 (default 30); the ingests start 3 s in
#   --store S      postgres, sqlite or both (default)
#
# The counts checked: the batches and events in ingested_batch against what the two generators'
# 200 answers acknowledged; the webhook records against the records one round of the 10
# template batches gives when `evidence` reads them as a file (x the rounds sent; the replicas
# send different rounds); the log's records against the generator's expected count (unique
# kubelet reviews + node-proxy requests: the log is stored once however many ingests read it);
# one record per auditID across the whole table; one ingested_file row, complete. Prints the load
# average before and after each run. Exits 1 when a count does not match. Environment:
# KUBELET_AUTHZ=/path/to/binary, PYTHON.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # sets SELF, CALLER_DIR, ROOT and cds to ROOT
PYTHON=${PYTHON:-python3}

skip_build=0 small=0 seconds=30 which=both
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) skip_build=1 ;;
        --small) small=1; seconds=10 ;;
        --seconds) seconds=${2:?--seconds needs a number}; shift ;;
        --store) which=${2:?--store needs postgres, sqlite or both}; shift ;;
        -h|--help) sed -n '2,24p' "$SELF"; exit 0 ;;
        *) echo "run-concurrent-writers-benchmark.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
(( seconds % 10 == 0 )) || { echo "run-concurrent-writers-benchmark.sh: --seconds must be a multiple of 10" >&2; exit 2; }
case "$which" in postgres|sqlite|both) ;; *) echo "run-concurrent-writers-benchmark.sh: --store postgres|sqlite|both" >&2; exit 2 ;; esac
audit_webhook_setup run-concurrent-writers-benchmark.sh "$skip_build" "$ROOT/.build/bench/concurrent-writers"  # lib.sh

# The evidence benchmark's log (the same file and generator flags as run-evidence-benchmark.sh).
if (( small )); then log="$ROOT/.build/bench/audit-20m-s1.jsonl"; size=20; else log="$ROOT/.build/bench/audit-1g.jsonl"; size=1024; fi
if [[ ! -s "$log" || ! -s "$log.expected.json" ]]; then
    echo "==> generating $log ($size MiB)" >&2
    "$PYTHON" "$ROOT/Benchmarks/generate_audit_log.py" --size-mb "$size" --seed 1 --nodes 250 -o "$log" >&2
fi
log_records=$("$PYTHON" -c 'import json, sys; e = json.load(open(sys.argv[1])); print(e["kubeletReviews"] + e["nodeProxyRequests"])' "$log.expected.json")
cat "$log" > /dev/null  # from the page cache, as the evidence benchmark reads it

SERVERS=() PG_STOP=()
cleanup() {
    local s
    for s in "${SERVERS[@]}"; do kill "$s" 2>/dev/null || true; done
    (( ${#PG_STOP[@]} )) && "${PG_STOP[@]}" > /dev/null 2>&1 || true
    [[ -n "${PG_DIR:-}" ]] && rm -rf "$PG_DIR" || true
}
trap cleanup EXIT

# run LABEL STORE QUERY...: the whole run against STORE; QUERY is the command that runs one SQL
# statement on it and prints the result's rows, columns separated by spaces.
mismatches=0
run() {
    local label=$1 store=$2
    shift 2
    local query=("$@")
    echo
    echo "== $label: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    SERVERS=()
    local ports=(18446 18447) pids=() k
    for k in 0 1; do
        start_serve run-concurrent-writers-benchmark.sh "$work" "${ports[$k]}" "$work/serve-$label-$k.log" --store "$store"
        SERVERS+=("$SERVER")
    done
    local gens=()
    for k in 0 1; do
        "$GEN" --url "https://127.0.0.1:${ports[$k]}/audit" --rate 5 --seconds "$seconds" --connections 4 \
            --ca "$work/ca.crt" --cert "$work/client.crt" --key "$work/client.key" --audit-events "$events" \
            --first-round $(( k * 5000 )) --deadline-ms 30000 > "$work/gen-$label-$k.out" &
        gens+=($!)
    done
    sleep 3
    local ingests=() starts=()
    for k in 0 1; do
        /usr/bin/time -f '%e s, peak RSS %M kB' -o "$work/ingest-$label-$k.time" \
            "$BIN" evidence "$log" --store "$store" --progress never -o json > "$work/ingest-$label-$k.json" 2> "$work/ingest-$label-$k.err" &
        ingests+=($!)
    done
    local rc ingest_rc=()
    for k in 0 1; do rc=0; wait "${ingests[$k]}" || rc=$?; ingest_rc+=("$rc"); done
    for k in 0 1; do wait "${gens[$k]}" || true; done
    local load_after peaks=()
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)
    for k in 0 1; do
        peaks+=("$(( $(awk '/VmHWM/ { print $2 }' "/proc/${SERVERS[$k]}/status") / 1024 )) MB")
        kill -TERM "${SERVERS[$k]}"; wait "${SERVERS[$k]}" || true
    done
    SERVERS=()

    local acked=0 acked_events=0 failures=0 line
    for k in 0 1; do
        line=$(cat "$work/gen-$label-$k.out")
        echo "replica $k: $line"
        acked=$(( acked + $(field acked_batches "$line") ))
        acked_events=$(( acked_events + $(field acked_events "$line") ))
        failures=$(( failures + $(field failures "$line") ))
    done
    for k in 0 1; do
        echo "ingest $k: exit ${ingest_rc[$k]}, $(tail -n 1 "$work/ingest-$label-$k.time")$( (( ${ingest_rc[$k]} == 0 )) || echo "; stderr: $(tail -n 3 "$work/ingest-$label-$k.err" | tr '\n' ' ')")"
    done
    echo "serve peak RSS: ${peaks[*]}; store errors logged by the replicas: $(cat "$work/serve-$label-"*.log | grep -ci 'error' || true)"

    local sent=$(( 2 * 5 * seconds )) batches stored_events records ids file_records files complete
    read -r batches stored_events < <("${query[@]}" "SELECT count(*), coalesce(sum(events), 0) FROM ingested_batch")
    read -r records < <("${query[@]}" "SELECT count(*) FROM audit_record WHERE source_batch IS NOT NULL")
    read -r file_records < <("${query[@]}" "SELECT count(*) FROM audit_record WHERE source_batch IS NULL")
    read -r ids < <("${query[@]}" "SELECT count(DISTINCT audit_id) FROM audit_record")
    read -r files complete < <("${query[@]}" "SELECT count(*), sum(CASE WHEN complete THEN 1 ELSE 0 END) FROM ingested_file")
    local expected=$(( per_round * sent / 10 )) verdict=OK
    # A batch the client gave up on may still have been committed (see run-audit-webhook-benchmark.sh).
    (( acked <= batches && batches <= sent && stored_events == 400 * batches && acked_events == 400 * acked )) || verdict=MISMATCH
    [[ "$file_records" == "$log_records" && "$ids" == $(( records + file_records )) && "$files" == 1 && "$complete" == 1 ]] || verdict=MISMATCH
    (( ${ingest_rc[0]} == 0 && ${ingest_rc[1]} == 0 )) || verdict=MISMATCH
    if (( failures == 0 )); then
        [[ "$acked" == "$sent" && "$batches" == "$sent" && "$records" == "$expected" ]] || verdict=MISMATCH
    fi
    echo "store: webhook $batches batches / $stored_events events (acknowledged $acked of $sent sent / $acked_events), $records records (expected $expected when all are acknowledged);"
    echo "       log $file_records records (expected $log_records), $files ingested_file row(s), $complete complete; $ids distinct auditIDs for $(( records + file_records )) records: $verdict"
    echo "load average after: $load_after"
    [[ $verdict == OK ]] || mismatches=$((mismatches + 1))
}

echo "machine: $(machine_description); log $log ($(( $(stat -c %s "$log") / 1000000 )) MB, $log_records records); one webhook round: 10 batches, $per_round records"
if [[ $which != sqlite ]]; then
    start_throwaway_postgres run-concurrent-writers-benchmark.sh
    "${PG_PSQL[@]}" -c "CREATE DATABASE writers"
    echo "PostgreSQL $("${PG_PSQL[@]}" -At -c 'SHOW server_version') on 127.0.0.1 (initdb defaults)"
    # psql as PG_PSQL runs it, on the benchmark's database instead of `postgres` (its last word).
    run PostgreSQL "$PG_URL/writers" "${PG_PSQL[@]:0:${#PG_PSQL[@]}-1}" writers -At -F ' ' -c
fi
if [[ $which != postgres ]]; then
    rm -f "$work/writers.sqlite"*
    run SQLite "$work/writers.sqlite" sqlite3 -separator ' ' "$work/writers.sqlite"
fi
(( mismatches == 0 )) || { echo "run-concurrent-writers-benchmark.sh: counts do not match or a writer failed (MISMATCH above)" >&2; exit 1; }
