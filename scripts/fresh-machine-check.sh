#!/usr/bin/env bash
# The fresh-machine check (by hand, not a CI step): do the README's two commands work with only
# what the official Swift images have? Run as root:
#
#   nice -n 15 scripts/fresh-machine-check.sh [COMMIT]     (default HEAD; takes 15–25 min here)
#
# In a private mount namespace it hides what libsqlite3-dev installs (headers, the libsqlite3.so
# link, the static library, sqlite3.pc) and the openssl command, exports the commit to a
# scratch directory under /tmp (no .build, no Package.resolved, nothing uncommitted), runs
# `swift run kubelet-authz scan --demo` and `swift test` there with a fresh --scratch-path, and
# shows with ldd that the binary links no libsqlite3. libsqlite3.so.0 itself stays: the Swift
# toolchain's own swift-build links it, and the official images ship it (libsqlite3-0) for that.
# Ends with a SUMMARY block; the full logs stay in the work directory it names.
set -euo pipefail

if [ "${1:-}" != "--inside" ]; then
    [ "$(id -u)" = 0 ] || { echo "fresh-machine-check: run as root (it needs unshare -m and mount)" >&2; exit 2; }
    repo="$(cd "$(dirname "$0")/.." && pwd)"
    commit="$(git -C "$repo" rev-parse "${1:-HEAD}")"
    work="$(mktemp -d /tmp/kubelet-authz-fresh.XXXXXX)"
    # Mounts made inside stay inside: the rest of the machine keeps its SQLite and openssl.
    exec unshare --mount --propagation private "$0" --inside "$repo" "$commit" "$work"
fi
repo="$2" commit="$3" work="$4"
summary="$work/summary.txt"
: > "$summary"
say() { echo "$@" | tee -a "$summary"; }
fail() { say "FAILED: $*"; echo "logs: $work" >&2; exit 1; }

# --- hide -----------------------------------------------------------------------------------
empty_file="$work/empty"
: > "$empty_file"
whiteouts="$work/whiteouts"
candidates=()
if dpkg -L libsqlite3-dev >/dev/null 2>&1; then
    while IFS= read -r f; do candidates+=("$f"); done < <(dpkg -L libsqlite3-dev | grep -v '^/usr/share/doc')
fi
for f in /usr/include/sqlite3.h /usr/include/sqlite3ext.h /usr/local/include/sqlite3.h /usr/local/include/sqlite3ext.h \
         /usr/lib/*/libsqlite3.so /usr/lib/*/libsqlite3.a /usr/lib/libsqlite3.so /usr/lib/libsqlite3.a \
         /usr/local/lib/libsqlite3.so /usr/local/lib/libsqlite3.a \
         /usr/lib/*/pkgconfig/sqlite3.pc /usr/lib/pkgconfig/sqlite3.pc /usr/share/pkgconfig/sqlite3.pc /usr/local/lib/pkgconfig/sqlite3.pc; do
    candidates+=("$f")
done
declare -A done_paths=()
overlay_dirs=()
bind_files=()
hidden=()
for f in "${candidates[@]}"; do
    [ -n "${done_paths[$f]:-}" ] && continue
    done_paths[$f]=1
    if [ -L "$f" ]; then
        # mount follows a symlink to its target, which for libsqlite3.so is the runtime library
        # the toolchain needs; a whiteout in an overlay of the directory hides the link alone.
        dir="$(dirname "$f")"
        mkdir -p "$whiteouts$dir"
        mknod "$whiteouts$dir/$(basename "$f")" c 0 0
        [[ " ${overlay_dirs[*]:-} " == *" $dir "* ]] || overlay_dirs+=("$dir")
        hidden+=("$f (symlink; overlay whiteout)")
    elif [ -f "$f" ]; then
        bind_files+=("$f")
        hidden+=("$f (empty file bound over it)")
    fi
done
# Overlays first: an overlay does not show mounts below it, so binds made earlier inside its
# directory (libsqlite3.a, pkgconfig/sqlite3.pc) would reappear.
for dir in "${overlay_dirs[@]}"; do
    mount -t overlay overlay -o "lowerdir=$whiteouts$dir:$dir" "$dir"
done
for f in "${bind_files[@]}"; do
    mount --bind "$empty_file" "$f"
done
stub="$work/openssl-hidden"
printf '#!/bin/sh\necho "openssl: hidden by fresh-machine-check" >&2\nexit 127\n' > "$stub"
chmod 0755 "$stub"
while IFS= read -r o; do
    mount --bind "$stub" "$o"
    hidden+=("$o (command replaced by one that exits 127)")
done < <(type -aP openssl | xargs -r -n 1 realpath | sort -u)

# --- what the machine is ----------------------------------------------------------------------
say "== fresh-machine check, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "machine: $(uname -srm), $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME")"
say "swift:   $(swift --version 2>&1 | head -n 1)"
say "glibc:   $(ldd --version | head -n 1)"
say "commit:  $commit"
say "== hidden"
for h in "${hidden[@]}"; do say "  $h"; done
# Prove the hiding rather than trust it: each of these must fail.
probe="$work/probe.c"
printf '#include <sqlite3.h>\nint main(void) { return SQLITE_OK; }\n' > "$probe"
if clang -fsyntax-only "$probe" >/dev/null 2>&1; then fail "sqlite3.h still compiles"; fi
say "  check: #include <sqlite3.h> with SQLITE_OK does not compile"
printf 'int main(void) { return 0; }\n' > "$work/link.c"
if clang "$work/link.c" -lsqlite3 -o "$work/link" >/dev/null 2>&1; then fail "-lsqlite3 still links"; fi
say "  check: clang -lsqlite3 does not link"
if pkg-config --exists sqlite3 2>/dev/null; then fail "pkg-config still finds sqlite3"; fi
say "  check: pkg-config --exists sqlite3 fails"
if openssl version >/dev/null 2>&1; then fail "openssl still runs"; fi
say "  check: openssl does not run"
# FRESH_CHECK_HIDE_ONLY=1 stops here: a minute's check of the hiding before the long build.
[ -z "${FRESH_CHECK_HIDE_ONLY:-}" ] || { echo "(hiding only)"; exit 0; }

# --- the README's commands on a clean export ----------------------------------------------------
src="$work/src"
scratch="$work/scratch"
mkdir -p "$src"
git -C "$repo" archive "$commit" | tar -x -C "$src"
cd "$src"
say "== swift run --scratch-path $scratch kubelet-authz scan --demo"
start=$SECONDS
if ! swift run --scratch-path "$scratch" kubelet-authz scan --demo > "$work/demo.out" 2> "$work/demo.err"; then
    tail -n 30 "$work/demo.err"
    fail "swift run kubelet-authz scan --demo (log: $work/demo.err)"
fi
say "  build and run: $((SECONDS - start)) s"
head -n 3 "$work/demo.out" | sed 's/^/  /' | tee -a "$summary"
say "== swift test --scratch-path $scratch"
start=$SECONDS
status=0
swift test --scratch-path "$scratch" > "$work/test.log" 2>&1 || status=$?
say "  $((SECONDS - start)) s, exit $status"
grep -E "Test run with [0-9]+ tests|Executed [1-9][0-9]* tests" "$work/test.log" | sed 's/^/  /' | tee -a "$summary" || true
[ "$status" = 0 ] || fail "swift test (log: $work/test.log)"
binary="$scratch/debug/kubelet-authz"
say "== ldd $binary"
ldd "$binary" | sed 's/^/  /' | tee -a "$summary"
if ldd "$binary" | grep -q sqlite; then fail "the binary links libsqlite3"; fi
say "  no libsqlite3"
echo
echo "== SUMMARY (also in $summary)"
cat "$summary"
