#!/usr/bin/env bash
# The authorization webhook benchmark: `kubelet-authz serve --mode enforce` on loopback TLS with
# client certificates, driven by the open-loop generator in Benchmarks/ServeLoad (hdrhistogram;
# latency measured from when each request was due). Targets (issue 13): at least 20,000
# reviews/s, p99 below 2 ms at 10,000 reviews/s, load generator included, on this machine.
#
#   Benchmarks/run-serve-benchmark.sh [--skip-build] [--seconds N] [--connections N] [--threads N]
#                                     [--client lean|ahc] [--pin-event-loops] [--slow-trace FILE] [RATE...]
#
#   --skip-build     use .build/release/kubelet-authz and the generator already built
#   --seconds N      seconds per rate (default 10)
#   --connections N  keep-alive connections (default 32)
#   --threads N      the generator's event-loop threads (default 1; lean client only)
#   --client C       lean (default: SwiftNIO + NIOSSL, pre-encoded requests) or ahc
#                    (AsyncHTTPClient, the earlier generator, for comparison)
#   --pin-event-loops  serve with --pin-event-loops (each event loop on a CPU of its own)
#   --slow-trace F   the lean generator writes every answer over 1 ms to F (RATE appended to the
#                    name): when it was due and its latency, to see when the tail happens
#   RATE...          reviews per second to offer (default: 10000 20000)
#
# The review is the demo's unapproved `get nodes/proxy` by monitoring/netdata (a deny: the
# policy lookup, the aggregation and the metrics all run). Prints one line per rate (failures
# by kind: status:N, not-a-review for a 200 without a SubjectAccessReview status, timeout,
# connection, tls, and "deadline" for a request not sent within 3 s of being due; denied=N
# counts the answers that deny, which for this review in enforce mode is all of them), the
# server's established connections mid-run and the load average. Needs openssl for the
# throwaway PKI. Environment: KUBELET_AUTHZ=/path/to/binary.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # sets SELF, CALLER_DIR, ROOT and cds to ROOT

skip_build=0
seconds=10
connections=32
threads=1
client=lean
serve_options=()
slow_trace=""
rates=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) skip_build=1 ;;
        --seconds) seconds=${2:?--seconds needs a number}; shift ;;
        --connections) connections=${2:?--connections needs a number}; shift ;;
        --threads) threads=${2:?--threads needs a number}; shift ;;
        --client) client=${2:?--client needs lean or ahc}; shift ;;
        --pin-event-loops) serve_options+=(--pin-event-loops) ;;
        --slow-trace) slow_trace=${2:?--slow-trace needs a file}; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$SELF" | sed '$d'; exit 0 ;;
        *) rates+=("$1") ;;
    esac
    shift
done
(( ${#rates[@]} )) || rates=(10000 20000)

find_or_build_binary run-serve-benchmark "$skip_build"
find_or_build_serve_load run-serve-benchmark "$skip_build"

work="$ROOT/.build/bench/serve"
serve_pki "$work"
write_review_body "$work/review.json"

port=18443
start_serve run-serve-benchmark "$work" "$port" "$work/serve.log" ${serve_options[@]+"${serve_options[@]}"}
server=$SERVER
trap 'kill $server 2>/dev/null || true' EXIT

echo "machine: $(machine_description); $(date -u +%Y-%m-%d)"
grep -o "event loops pinned to CPUs.*" "$work/serve.log" || true
for rate in "${rates[@]}"; do
    echo "load average before $rate/s: $(cut -d' ' -f1-3 /proc/loadavg)"
    "$GEN" --url "https://127.0.0.1:$port/authorize" --rate "$rate" --seconds "$seconds" --connections "$connections" \
        --threads "$threads" --client "$client" --ca "$work/ca.crt" --cert "$work/client.crt" --key "$work/client.key" --body "$work/review.json" \
        ${slow_trace:+--slow-trace "$slow_trace.$rate"} &
    gen=$!
    # Keep-alive must really be used: the server's established connections, half-way through.
    sleep $(( seconds / 2 + 1 ))
    echo "established connections to the server mid-run: $(ss -Htn state established "( sport = :$port )" | wc -l)"
    wait $gen
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "serve peak RSS: $(awk '/VmHWM/ { print $2 " kB" }' /proc/$server/status)"
