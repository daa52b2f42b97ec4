#!/usr/bin/env bash
# Builds every tests/guest/*.c (gcc -static -O1 -Wall) and runs each through
# run_guest_test.sh, under asterix or natively:
#
#   tests/guest/run_all.sh [ASTERIX_BIN|--native] [NAME...]
#
# Default runner: build/asterix. NAMEs (e.g. time brk) pick tests; default all.
# Binaries go to $GUEST_BUILD_DIR if set (kept), else to a temporary folder.
# Ends with "N passed, N failed, N skipped"; exits 1 if any failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
runner=${1:-build/asterix}
[ $# -gt 0 ] && shift

if [ -n "${GUEST_BUILD_DIR:-}" ]; then
    out=$GUEST_BUILD_DIR
    mkdir -p "$out" || exit 1
else
    out=$(mktemp -d "${TMPDIR:-/tmp}/guest-tests.XXXXXX") || exit 1
    trap 'rm -rf "$out"' EXIT
fi

if [ $# -gt 0 ]; then
    sources=()
    for n in "$@"; do sources+=("$here/${n%.c}.c"); done
else
    sources=("$here"/*.c)
fi

passed=0 failed=0 skipped=0 failures=()
for src in "${sources[@]}"; do
    name=$(basename "$src" .c)
    if ! gcc -static -O1 -Wall -Werror -o "$out/$name" "$src"; then
        echo "FAIL $name: does not compile"
        failed=$((failed + 1)) failures+=("$name")
        continue
    fi
    result=$(GUEST_TEST_SKIP_STATUS=77 "$here/run_guest_test.sh" "$runner" "$out/$name" "$src" \
        2>&1)
    status=$?
    printf '%s\n' "$result" | sed 's/^/    /'
    case $status in
        0) passed=$((passed + 1)) ;;
        77) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)) failures+=("$name") ;;
    esac
done
[ "$failed" -eq 0 ] || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
