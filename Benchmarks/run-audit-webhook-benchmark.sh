#!/usr/bin/env bash
# The audit webhook benchmark: `kubelet-authz serve --store FILE.sqlite` receiving audit.k8s.io/v1
# EventList batches of 400 events on `POST /audit` over loopback TLS with client certificates,
# open loop (Benchmarks/ServeLoad --audit-events: batch i due at start + i/rate, its
# acknowledgement latency counted from then into an HdrHistogram). Target (issue 13): p99
# acknowledgement below 50 ms at 10 batches/s (4,000 events/s); the higher rates find the ceiling.
#
#   Benchmarks/run-audit-webhook-benchmark.sh [--skip-build] [--seconds N] [--connections N] [--small] [RATE...]
#
#   --skip-build     use .build/release/kubelet-authz and the generator already built
#   --seconds N      seconds per rate, a multiple of 10 (default 30)
#   --connections N  keep-alive connections (default 4: the server commits 4 batches at once
#                    and answers a fifth 429)
#   --small          10 s at 10 batches/s only (checks the plumbing; not a result)
#   RATE...          batches per second (default: 10 15 20 30 40)
#
# Each rate gets a fresh server and store. The events are what the print-config audit policy
# sends (kubelet SubjectAccessReviews at RequestResponse, node proxy; audit_webhook_events.py),
# 10 template batches sent round after round with each round's auditIDs rewritten, so every
# batch is new to the store. Afterwards the store is checked with sqlite3 against what was
# acknowledged and against the records `kubelet-authz evidence` stores from the same events
# read as a file: batches, events, records (x rounds), one record per auditID. Prints one line per
# rate, the load average before and after, and the server's peak RSS. Exits 1 when a count does
# not match. Environment: KUBELET_AUTHZ=/path/to/binary, PYTHON.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # sets SELF, CALLER_DIR, ROOT and cds to ROOT
PYTHON=${PYTHON:-python3}

skip_build=0 seconds=30 connections=4 small=0
rates=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) skip_build=1 ;;
        --seconds) seconds=${2:?--seconds needs a number}; shift ;;
        --connections) connections=${2:?--connections needs a number}; shift ;;
        --small) small=1 ;;
        -h|--help) sed -n '2,24p' "$SELF"; exit 0 ;;
        *) rates+=("$1") ;;
    esac
    shift
done
(( small )) && { seconds=10; rates=(10); }
(( ${#rates[@]} )) || rates=(10 15 20 30 40)
(( seconds % 10 == 0 )) || { echo "run-audit-webhook-benchmark.sh: --seconds must be a multiple of 10 (whole rounds of the 10 template batches)" >&2; exit 2; }
audit_webhook_setup run-audit-webhook-benchmark.sh "$skip_build" "$ROOT/.build/bench/audit-webhook"  # lib.sh
template_batches=10
echo "one round: $template_batches batches, $(( template_batches * 400 )) events, $per_round records (evidence reading the same events as a file)"

port=18444
SERVER=""
trap '[[ -n "$SERVER" ]] && kill $SERVER 2>/dev/null || true' EXIT
mismatches=0
echo "machine: $(machine_description); $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for rate in "${rates[@]}"; do
    store="$work/store-$rate.sqlite"
    rm -f "$store"*
    start_serve run-audit-webhook-benchmark.sh "$work" "$port" "$work/serve-$rate.log" --store "$store"
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    line=$("$GEN" --url "https://127.0.0.1:$port/audit" --rate "$rate" --seconds "$seconds" --connections "$connections" \
        --ca "$work/ca.crt" --cert "$work/client.crt" --key "$work/client.key" --audit-events "$events" --deadline-ms 30000)
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)
    peak=$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER/status")
    kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=""
    echo "$line"
    echo "  load average before/after: $load_before / $load_after; serve peak RSS: $(( peak / 1024 )) MB"

    # The store against what was acknowledged and what one round holds.
    acked=$(field acked_batches "$line") acked_events=$(field acked_events "$line") failures=$(field failures "$line")
    sent=$(( rate * seconds ))
    read -r batches stored_events < <(sqlite3 -separator ' ' "$store" "SELECT count(*), coalesce(sum(events), 0) FROM ingested_batch")
    read -r records ids < <(sqlite3 -separator ' ' "$store" "SELECT count(*), count(DISTINCT audit_id) FROM audit_record WHERE source_batch IS NOT NULL")
    expected_records=$(( per_round * sent / template_batches ))
    # A batch the client gave up on (timeout) may still have been committed: the API server would
    # send it again and it would replace itself. So: acknowledged <= stored <= sent, 400 events
    # each, one record per auditID; and, with no failure, exactly what was sent.
    verdict=OK
    (( acked <= batches && batches <= sent && stored_events == 400 * batches && acked_events == 400 * acked )) || verdict=MISMATCH
    [[ "$records" == "$ids" ]] || verdict=MISMATCH
    if [[ "$failures" == 0 ]]; then
        [[ "$acked" == "$sent" && "$acked_events" == $(( sent * 400 )) && "$records" == "$expected_records" ]] || verdict=MISMATCH
    fi
    echo "  store: $batches batches (acknowledged $acked of $sent sent), $stored_events events (acknowledged $acked_events), $records records ($ids distinct auditIDs; expected $expected_records when every batch is acknowledged): $verdict"
    [[ $verdict == OK ]] || mismatches=$((mismatches + 1))
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
(( mismatches == 0 )) || { echo "run-audit-webhook-benchmark.sh: the store's counts do not match (MISMATCH above)" >&2; exit 1; }
