#!/usr/bin/env bash
# Runs one command (a `swift build`) with the git commit stamped into
# Sources/KubeletAuthzCLI/BuildInfo.swift, and puts the committed file back afterwards, even when
# the command fails or is interrupted, so the tree never keeps a stamped file.
#
#   scripts/with-build-info.sh swift build -c release --static-swift-stdlib
#
# The commit comes from KUBELET_AUTHZ_GIT_COMMIT (and KUBELET_AUTHZ_GIT_TREE_STATE) when set,
# which is how the Dockerfile passes it in (the build context has no .git), else from git.
# Without either the file is left alone and the binary says "commit: unknown".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
file="$root/Sources/KubeletAuthzCLI/BuildInfo.swift"
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }

commit="${KUBELET_AUTHZ_GIT_COMMIT:-}"
state="${KUBELET_AUTHZ_GIT_TREE_STATE:-}"
if [ -z "$commit" ] && git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    commit="$(git -C "$root" rev-parse HEAD)"
    # Read before stamping: the stamp itself would make every tree look dirty.
    if [ -z "$(git -C "$root" status --porcelain)" ]; then state=clean; else state=dirty; fi
fi

if [ -z "$commit" ]; then
    echo "with-build-info: no git commit known; building with \"commit: unknown\"" >&2
    exec "$@"
fi
case "$commit" in
    *[!0-9a-f]*) echo "with-build-info: \"$commit\" is not a hexadecimal commit id" >&2; exit 2 ;;
esac
case "$state" in
    clean | dirty) ;;
    "") state=clean ;;
    *) echo "with-build-info: tree state \"$state\" is neither clean nor dirty" >&2; exit 2 ;;
esac

backup="$(mktemp)"
cp -p "$file" "$backup"
restore() { cp -p "$backup" "$file" && rm -f "$backup"; }
trap restore EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sed -i \
    -e "s/^\(    static let gitCommit: String? = \)nil$/\1\"$commit\"/" \
    -e "s/^\(    static let gitTreeState: String? = \)nil$/\1\"$state\"/" \
    "$file"
# A BuildInfo.swift reshaped without this script would otherwise build "unknown" in silence.
if ! grep -q "gitCommit: String? = \"$commit\"" "$file" || ! grep -q "gitTreeState: String? = \"$state\"" "$file"; then
    echo "with-build-info: $file no longer has the 'static let gitCommit: String? = nil' and 'static let gitTreeState: String? = nil' lines to stamp" >&2
    exit 2
fi
"$@"
