#!/usr/bin/env bash
# One audit webhook batch at a time: `kubelet-authz serve --insecure-http` on a fresh SQLite store,
# N sequential POST /audit of BODY (a space more each time, so every batch is new to the store);
# prints the acknowledgement p50/p90/max (curl's time_total) and the server's CPU per batch
# (utime+stime from /proc). A quick before/after check of a batch's cost, not the open-loop
# benchmark (run-audit-webhook-benchmark.sh). Needs curl.
#
#   Benchmarks/audit-batch-sequential.sh BIN BODY [N] [PORT]
set -euo pipefail
BIN=$(realpath "$1") BODY=$(realpath "$2") N=${3:-40} PORT=${4:-18561}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
st=$(mktemp -d /tmp/audit-batch-sequential.XXXXXX)
S=""
trap '[[ -n "$S" ]] && kill $S 2>/dev/null; rm -rf "$st"' EXIT
"$BIN" serve -f examples/ai-cluster --register examples/register.yaml --mode enforce --address "127.0.0.1:$PORT" \
    --insecure-http --store "$st/s.sqlite" 2> "$st/log" &
S=$!
for _ in $(seq 1 300); do grep -q "Serving webhooks" "$st/log" 2>/dev/null && break; sleep 0.1; done
t0=$(awk '{print $14 + $15}' "/proc/$S/stat")
for i in $(seq 1 "$N"); do
    { cat "$BODY"; printf '%*s' "$i" ''; } > "$st/body"
    curl -s -o /dev/null -w '%{time_total}\n' -H 'Expect:' -H 'Content-Type: application/json' \
        --data-binary @"$st/body" "http://127.0.0.1:$PORT/audit"
done > "$st/times"
t1=$(awk '{print $14 + $15}' "/proc/$S/stat")
hz=$(getconf CLK_TCK)
sort -n "$st/times" | awk -v n="$N" -v ticks=$(( t1 - t0 )) -v hz="$hz" \
    '{ a[NR] = $1 * 1000 } END { printf "batches=%d p50=%.1fms p90=%.1fms max=%.1fms server_cpu_per_batch=%.1fms\n", n, a[int(n * 0.5)], a[int(n * 0.9)], a[n], ticks * 1000 / hz / n }'
