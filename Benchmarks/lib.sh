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
