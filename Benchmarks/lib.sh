# Shared by the run-*-benchmark.sh scripts: sourced, never run. Each function takes the
# calling script's name for its messages.

# The sourcing script's own path (for --help), where it was called from (relative
# $KUBELET_AUTHZ), and the repository root, which becomes the working directory.
SELF="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)/$(basename "${BASH_SOURCE[1]}")"
CALLER_DIR=$(pwd)
cd "$(dirname "$SELF")/.."
ROOT=$(pwd)

# GNU time (for wall seconds and peak RSS) into $TIME. macOS's /usr/bin/time has no -f;
# Homebrew's gnu-time is gtime.
find_gnu_time() {
    TIME=""
    local candidate
    for candidate in /usr/bin/time gtime; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -f '%e %M' -o /dev/null true >/dev/null 2>&1; then
            TIME=$(command -v "$candidate"); return 0
        fi
    done
    echo "$1: GNU time is needed for wall time and peak memory." >&2
    echo "  Debian/Ubuntu: apt-get install -y time    macOS: brew install gnu-time" >&2
    exit 1
}

# The binary to measure into $BIN: $KUBELET_AUTHZ, else the existing release build
# (--skip-build, $2 = 1), else a fresh release build.
find_or_build_binary() {
    if [[ -n "${KUBELET_AUTHZ:-}" ]]; then
        BIN=$KUBELET_AUTHZ
        [[ "$BIN" == /* ]] || BIN="$CALLER_DIR/$BIN"
    elif (( $2 )); then
        BIN="$ROOT/.build/release/kubelet-authz"
    else
        echo "==> swift build -c release --product kubelet-authz" >&2
        swift build -c release --product kubelet-authz >&2
        BIN="$(swift build -c release --show-bin-path)/kubelet-authz"
    fi
    [[ -x "$BIN" ]] || { echo "$1: no executable at $BIN (build first, or drop --skip-build)" >&2; exit 1; }
}

# "N × CPU model, arch, OS" for the report's Machine column.
machine_description() {
    local cpus arch cpu_model
    cpus=$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo '?')
    arch=$(uname -m)
    cpu_model=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
    [[ -n "$cpu_model" ]] || cpu_model=$(sysctl -n machdep.cpu.brand_string 2>/dev/null || echo unknown)
    echo "$cpus × $cpu_model, $arch, $(uname -s)"
}

# For the same-run A/B scripts: a path given relative to where the script was called, made
# absolute; the wall clock; the median of the arguments; and a check that A and B run.
abs_path() { [[ "$1" == /* ]] && echo "$1" || echo "$CALLER_DIR/$1"; }
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
require_executables() {
    local name=$1; shift
    local f
    for f in "$@"; do [[ -x "$f" ]] || { echo "$name: not an executable: $f" >&2; exit 1; }; done
}

# The Python package a benchmark's reference needs ($2 imported, $3 the pip name), installed
# with pip when missing: a reference that silently falls back to something slower (orjson to
# json, PyYAML's C loader to the pure-Python one) would flatter the comparison.
ensure_python_package() {
    "$PYTHON" -c "import $2" 2>/dev/null && return 0
    echo "==> $PYTHON -m pip install $3" >&2
    "$PYTHON" -m pip install --quiet "$3" >&2 || { echo "$1: could not install $3 (pip install $3)" >&2; exit 1; }
}

# The benchmark cluster's generator sizes (`sizes`) and file tag (`tag`): one definition, so the
# plan benchmark reads the very file the scan benchmark writes. $1: 1 for the small cluster.
benchmark_cluster_sizes() {
    if (( $1 )); then
        sizes=(--bindings 1000 --roles 200 --service-accounts 2000 --nodes 50 --namespaces 50 --pods 300)
        tag=small
    else
        sizes=(--bindings 100000 --roles 20000 --service-accounts 200000 --nodes 5000 --namespaces 500 --pods 20000)
        tag=b100k-r20k-sa200k-n5k-ns500-p20k
    fi
}

# --- serve: the load generator, a throwaway PKI, a server, the audit webhook's events ----------

# The open-loop generator (Benchmarks/ServeLoad, a package of its own that CI never builds) into
# $GEN: built unless --skip-build ($2 = 1) found it built.
find_or_build_serve_load() {
    GEN="$ROOT/Benchmarks/ServeLoad/.build/release/ServeLoad"
    if (( ! $2 )) || [[ ! -x "$GEN" ]]; then
        echo "==> swift build -c release (Benchmarks/ServeLoad)" >&2
        (cd "$ROOT/Benchmarks/ServeLoad" && swift build -c release >&2)
    fi
    [[ -x "$GEN" ]] || { echo "$1: no executable at $GEN" >&2; exit 1; }
}

# A throwaway CA, a server certificate for 127.0.0.1 and a client certificate (CN
# kube-apiserver, as the API server presents it) into directory $1: ca.crt, tls.crt/key,
# client.crt/key.
serve_pki() {
    local d=$1
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench-ca" \
        -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=kubelet-authz" \
        -keyout "$d/tls.key" -out "$d/tls.csr" 2>/dev/null
    openssl x509 -req -in "$d/tls.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
        -extfile <(printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth') -out "$d/tls.crt" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=kube-apiserver" \
        -keyout "$d/client.key" -out "$d/client.csr" 2>/dev/null
    openssl x509 -req -in "$d/client.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
        -extfile <(printf 'extendedKeyUsage=clientAuth') -out "$d/client.crt" 2>/dev/null
}

# start_serve NAME PKI_DIR PORT LOG [SERVE OPTION...]: `serve -f examples/ai-cluster --register
# examples/register.yaml --mode enforce` on 127.0.0.1:PORT with TLS and client certificates,
# waits until it serves; its pid in $SERVER.
start_serve() {
    local name=$1 pki=$2 port=$3 log=$4
    shift 4
    "$BIN" serve -f examples/ai-cluster --register examples/register.yaml --mode enforce --address "127.0.0.1:$port" \
        --tls-cert-file "$pki/tls.crt" --tls-private-key-file "$pki/tls.key" --client-ca-file "$pki/ca.crt" "$@" 2> "$log" &
    SERVER=$!
    for _ in $(seq 1 300); do
        grep -q "Serving webhooks" "$log" 2>/dev/null && return 0
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.1
    done
    echo "$name: serve did not start:" >&2; cat "$log" >&2; exit 1
}

# audit_webhook_events NAME OUT BATCHES: BATCHES batches of 400 events into OUT (reused when
# there), the events the print-config audit policy sends to the webhook, cut from a seeded
# generate_audit_log.py log (kubelet SubjectAccessReviews at RequestResponse, node proxy).
audit_webhook_events() {
    local name=$1 out=$2 batches=$3
    [[ -s "$out" ]] && return 0
    # 3 KB per review at RequestResponse: 1.3 MB of log per 400 events leaves room to spare.
    local mb=$(( batches * 2 + 2 ))
    echo "==> $out: $batches batches of 400 audit events" >&2
    "$PYTHON" "$ROOT/Benchmarks/generate_audit_log.py" -o "$out.log" --size-mb "$mb" --sar-fraction 0.84 \
        --node-proxy-fraction 0.05 --decoy-fraction 0 --sar-request-received 0 --malformed 0 --seed 13 > /dev/null 2>&1 \
        || { echo "$name: generate_audit_log.py failed" >&2; exit 1; }
    "$PYTHON" "$ROOT/Benchmarks/audit_webhook_events.py" "$out.log" "$out" --batch-size 400 --batches "$batches" >&2
    rm -f "$out.log" "$out.log.expected.json"
    [[ $(wc -l < "$out") == $(( batches * 400 )) ]] || { echo "$name: fewer than $batches batches in $out" >&2; rm -f "$out"; exit 1; }
}

# write_review_body FILE: the benchmark's review, the demo's unapproved `get nodes/proxy` by
# monitoring/netdata (a deny: the policy lookup, the aggregation and the metrics all run).
write_review_body() {
    cat > "$1" <<'JSON'
{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":{"verb":"get","version":"v1","resource":"nodes","subresource":"proxy","name":"gpu-node-1"},"user":"system:serviceaccount:monitoring:netdata","groups":["system:serviceaccounts","system:serviceaccounts:monitoring","system:authenticated"],"uid":"6f1b2a3c-0000-4000-8000-000000000001"},"status":{"allowed":false}}
JSON
}

# audit_webhook_setup NAME SKIP_BUILD DIR: what the audit webhook benchmarks share — sqlite3, the
# binary ($BIN) and the generator ($GEN), a PKI in DIR ($work), the 10 template batches
# ($events) and the records one round of them gives when `evidence` reads them as a file
# ($per_round, the reference the store's counts are checked against).
audit_webhook_setup() {
    command -v sqlite3 > /dev/null || { echo "$1: needs sqlite3 (apt-get install -y sqlite3)" >&2; exit 1; }
    find_or_build_binary "$1" "$2"
    find_or_build_serve_load "$1" "$2"
    work=$3
    serve_pki "$work"
    events="$ROOT/.build/bench/audit-webhook-events-10x400.jsonl"
    audit_webhook_events "$1" "$events" 10
    rm -f "$work/reference.sqlite"*
    "$BIN" evidence "$events" --store "$work/reference.sqlite" --progress never -o json > /dev/null 2> "$work/reference.err" \
        || { echo "$1: evidence on $events failed:" >&2; cat "$work/reference.err" >&2; exit 1; }
    per_round=$(sqlite3 "$work/reference.sqlite" 'SELECT count(*) FROM audit_record')
}

# field KEY LINE: the value of KEY=VALUE in one of ServeLoad's report lines (unit suffixes kept).
field() { tr ' ' '\n' <<< "$2" | sed -n "s/^$1=//p" | head -n 1; }

# rss_kb PID: the process's resident set now (VmRSS), in kB.
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# A throwaway PostgreSQL server (Debian's packages: initdb and pg_ctl as the postgres user when
# run as root, on a free loopback port): sets PG_URL (no database), PG_PSQL (psql as the
# superuser) and PG_STOP; the caller's EXIT trap must run "${PG_STOP[@]}".
start_throwaway_postgres() {
    local bin version port as=()
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
    bin="/usr/lib/postgresql/$version/bin"
    [[ -n "$version" && -x "$bin/initdb" ]] || { echo "$1: no PostgreSQL under /usr/lib/postgresql (apt-get install -y postgresql)" >&2; exit 1; }
    PG_DIR=$(mktemp -d /tmp/kubelet-authz-bench-pg.XXXXXX)
    if [[ $(id -u) == 0 ]]; then chown postgres: "$PG_DIR"; as=(runuser -u postgres --); fi
    port=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > "$PG_DIR/initdb.log"
    "${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1" start > /dev/null
    PG_STOP=("${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop)
    PG_PSQL=("$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres)
    PG_URL="postgres://postgres@127.0.0.1:$port"
}
