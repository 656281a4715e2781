#!/usr/bin/env bash
# The memory soak (issue 13): one `kubelet-authz serve --mode enforce --store FILE.sqlite` taking
# both webhooks at once at the issue's rates — 10,000 reviews/s on `POST /authorize` (32
# keep-alive connections) and 10 batches/s of 400 audit events (4,000 events/s) on `POST /audit`
# (4 connections), both open loop over loopback TLS with client certificates
# (Benchmarks/ServeLoad) — while the server's resident set (VmRSS in /proc/PID/status) is sampled
# every 5 s. Reports the peak RSS (VmHWM), the mean RSS of each minute (flat: the last within
# 10 % of the second; the first is the warm-up), both generators' lines, and the store's counts
# against what was acknowledged.
#
#   Benchmarks/run-serve-soak.sh [--skip-build] [--seconds N] [--review-rate N] [--audit-rate N]
#
#   --seconds N      length of the soak, a multiple of 10 (default 600; 60 for a smoke run,
#                    whose minutes are 20 s)
#   --review-rate N  reviews per second (default 10000)
#   --audit-rate N   audit batches per second (default 10)
#
# The samples go to .build/bench/soak/rss.tsv (seconds, kB). Prints the load average before
# and after. Environment: KUBELET_AUTHZ=/path/to/binary, PYTHON.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # sets SELF, CALLER_DIR, ROOT and cds to ROOT
PYTHON=${PYTHON:-python3}

skip_build=0 seconds=600 review_rate=10000 audit_rate=10
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) skip_build=1 ;;
        --seconds) seconds=${2:?--seconds needs a number}; shift ;;
        --review-rate) review_rate=${2:?--review-rate needs a number}; shift ;;
        --audit-rate) audit_rate=${2:?--audit-rate needs a number}; shift ;;
        -h|--help) sed -n '2,19p' "$SELF"; exit 0 ;;
        *) echo "run-serve-soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
(( seconds % 10 == 0 && seconds >= 30 )) || { echo "run-serve-soak.sh: --seconds must be a multiple of 10, at least 30" >&2; exit 2; }
audit_webhook_setup run-serve-soak.sh "$skip_build" "$ROOT/.build/bench/soak"  # lib.sh
write_review_body "$work/review.json"

store="$work/store.sqlite"
rm -f "$store"*
port=18445
SERVER=""
trap '[[ -n "$SERVER" ]] && kill $SERVER 2>/dev/null || true' EXIT
start_serve run-serve-soak.sh "$work" "$port" "$work/serve.log" --store "$store"

echo "machine: $(machine_description); $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "soak: ${seconds} s, ${review_rate} reviews/s and ${audit_rate} audit batches/s ($(( audit_rate * 400 )) events/s)"
common=(--ca "$work/ca.crt" --cert "$work/client.crt" --key "$work/client.key" --seconds "$seconds")
"$GEN" --url "https://127.0.0.1:$port/authorize" --rate "$review_rate" --connections 32 --body "$work/review.json" "${common[@]}" \
    > "$work/review.out" &
reviews=$!
"$GEN" --url "https://127.0.0.1:$port/audit" --rate "$audit_rate" --connections 4 --audit-events "$events" --deadline-ms 30000 "${common[@]}" \
    > "$work/audit.out" &
audits=$!

# VmRSS every 5 s while either generator runs, from the moment they start.
: > "$work/rss.tsv"
started=$(date +%s)
while kill -0 $reviews 2>/dev/null || kill -0 $audits 2>/dev/null; do
    printf '%s\t%s\n' $(( $(date +%s) - started )) "$(rss_kb "$SERVER")" >> "$work/rss.tsv"
    sleep 5
done
wait $reviews || true
wait $audits || true
peak=$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER/status")
kill -TERM "$SERVER"; wait "$SERVER" || true; SERVER=""
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "reviews: $(cat "$work/review.out")"
audit_line=$(cat "$work/audit.out")
echo "audit:   $audit_line"
# Flat: the mean of the last minute within 10 % of the second's (the first minute is the
# warm-up: connections, TLS sessions, the store's cache). A run under 3 minutes compares its
# second and last thirds instead.
window=$(( seconds >= 180 ? 60 : seconds / 3 ))
awk -v w="$window" -v end="$seconds" -v peak="$peak" '
    { t[NR] = $1; r[NR] = $2; k = int($1 / w); sum[k] += $2; n[k]++ }
    END {
        for (i = 1; i <= NR; i++) {
            if (t[i] >= w && t[i] < 2 * w) { f += r[i]; nf++ }
            if (t[i] >= end - w && t[i] <= end) { l += r[i]; nl++ }
            if (r[i] > m) m = r[i]
        }
        first = f / nf / 1024; last = l / nl / 1024
        printf "RSS: %d samples every 5 s; peak %.1f MB (VmHWM), largest sample %.1f MB; mean of the second %d s %.1f MB, of the last %d s %.1f MB (%+.1f %%): %s\n",
            NR, peak / 1024, m / 1024, w, first, w, last, (last - first) / first * 100, (last <= first * 1.10 ? "flat" : "GROWING")
        printf "RSS means per %d s:", w
        for (k = 0; k * w < end; k++) if (n[k]) printf " %.1f", sum[k] / n[k] / 1024
        printf " MB\n"
    }' "$work/rss.tsv"
read -r batches stored_events < <(sqlite3 -separator ' ' "$store" "SELECT count(*), coalesce(sum(events), 0) FROM ingested_batch")
read -r decisions < <(sqlite3 "$store" "SELECT coalesce(sum(count), 0) FROM authorization_decision")
review_line=$(cat "$work/review.out")
answered=$(( $(field requests "$review_line") - $(field failures "$review_line") ))
echo "store: $batches batches / $stored_events events (acknowledged $(field acked_batches "$audit_line") / $(field acked_events "$audit_line")); $decisions decisions recorded for $answered reviews answered"
echo "load average after: $load_after"
