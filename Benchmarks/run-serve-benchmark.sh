#!/usr/bin/env bash
# The authorization webhook benchmark: `kubelet-authz serve --mode enforce` on loopback TLS with
# client certificates, driven by the open-loop generator in Benchmarks/ServeLoad (hdrhistogram;
# latency measured from when each request was due). Targets (issue 13): at least 20,000
# reviews/s, p99 below 2 ms at 10,000 reviews/s, load generator included, on this machine.
#
#   Benchmarks/run-serve-benchmark.sh [--skip-build] [--seconds N] [--connections N] [RATE...]
#
#   --skip-build     use .build/release/kubelet-authz and the generator already built
#   --seconds N      seconds per rate (default 10)
#   --connections N  keep-alive connections (default 32)
#   RATE...          reviews per second to offer (default: 10000 20000)
#
# The review is the demo's unapproved `get nodes/proxy` by monitoring/netdata (a deny: the
# policy lookup, the aggregation and the metrics all run). Prints one line per rate (failures
# by kind: status:N, timeout, connection, tls, and "deadline" for a request not sent within 3 s
# of being due), the server's established connections mid-run and the load average. Needs
# openssl for the throwaway PKI. Environment: KUBELET_AUTHZ=/path/to/binary.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # sets SELF, CALLER_DIR, ROOT and cds to ROOT

skip_build=0
seconds=10
connections=32
rates=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) skip_build=1 ;;
        --seconds) seconds=${2:?--seconds needs a number}; shift ;;
        --connections) connections=${2:?--connections needs a number}; shift ;;
        -h|--help) sed -n '2,18p' "$SELF"; exit 0 ;;
        *) rates+=("$1") ;;
    esac
    shift
done
(( ${#rates[@]} )) || rates=(10000 20000)

find_or_build_binary run-serve-benchmark "$skip_build"
GEN="$ROOT/Benchmarks/ServeLoad/.build/release/ServeLoad"
if (( ! skip_build )) || [[ ! -x "$GEN" ]]; then
    echo "==> swift build -c release (Benchmarks/ServeLoad)" >&2
    (cd Benchmarks/ServeLoad && swift build -c release >&2)
fi

work="$ROOT/.build/bench/serve"
mkdir -p "$work"
pki() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench-ca" \
        -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=kubelet-authz" \
        -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
    openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
        -extfile <(printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth') -out "$work/tls.crt" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=kube-apiserver" \
        -keyout "$work/client.key" -out "$work/client.csr" 2>/dev/null
    openssl x509 -req -in "$work/client.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
        -extfile <(printf 'extendedKeyUsage=clientAuth') -out "$work/client.crt" 2>/dev/null
}
pki
cat > "$work/review.json" <<'JSON'
{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"verb":"get","version":"v1","resource":"nodes","subresource":"proxy","name":"gpu-node-1"},"user":"system:serviceaccount:monitoring:netdata","groups":["system:serviceaccounts","system:serviceaccounts:monitoring","system:authenticated"],"uid":"6f1b2a3c-0000-4000-8000-000000000001"},"status":{"allowed":false}}
JSON

port=18443
"$BIN" serve -f examples/ai-cluster --register examples/register.yaml --mode enforce --address "127.0.0.1:$port" \
    --tls-cert-file "$work/tls.crt" --tls-private-key-file "$work/tls.key" --client-ca-file "$work/ca.crt" \
    2> "$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    grep -q "Serving webhooks" "$work/serve.log" 2>/dev/null && break
    sleep 0.1
done
grep -q "Serving webhooks" "$work/serve.log" || { echo "run-serve-benchmark: serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

echo "machine: $(machine_description); $(date -u +%Y-%m-%d)"
for rate in "${rates[@]}"; do
    "$GEN" --url "https://127.0.0.1:$port/authorize" --rate "$rate" --seconds "$seconds" --connections "$connections" \
        --ca "$work/ca.crt" --cert "$work/client.crt" --key "$work/client.key" --body "$work/review.json" &
    gen=$!
    # Keep-alive must really be used: the server's established connections, half-way through.
    sleep $(( seconds / 2 + 1 ))
    echo "established connections to the server mid-run: $(ss -Htn state established "( sport = :$port )" | wc -l)"
    wait $gen
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "serve peak RSS: $(awk '/VmHWM/ { print $2 " kB" }' /proc/$server/status)"
