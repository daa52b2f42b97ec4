#!/usr/bin/env bash
# Runs one guest test and checks its exit status against the source's expectations.
#
#   run_guest_test.sh ASTERIX_BIN TEST_BINARY TEST_SOURCE   # under asterix
#   run_guest_test.sh --native    TEST_BINARY TEST_SOURCE   # on the host, for comparison
#
# Comment lines read from TEST_SOURCE (anywhere, first one wins):
#   // expect-exit: N          expected exit status, default 0 (128+N for a fatal signal N)
#   // asterix-args: ARGS...   put between `run` and the program, e.g. --mem 32M
#   // native: skip            the expectation holds only under asterix: skip with --native
#   // harness: skip           never run by this script (e.g. spin_forever)
#   // platform: NAME          run only on that asterix --platform (systrap is the default)
# The test gets stdin from /dev/null; its stdout and stderr pass through.
# Environment: GUEST_TEST_TIMEOUT (seconds, default 60), GUEST_TEST_SKIP_STATUS (default 0;
# 77 suits ctest's SKIP_RETURN_CODE), GUEST_TEST_PLATFORM (asterix's --platform, default its own).
set -u

usage() {
    echo "usage: $0 ASTERIX_BIN|--native TEST_BINARY TEST_SOURCE" >&2
    exit 2
}
[ $# -eq 3 ] || usage
runner=$1 binary=$2 source=$3
name=$(basename "$source" .c)
skip_status=${GUEST_TEST_SKIP_STATUS:-0}
timeout_s=${GUEST_TEST_TIMEOUT:-60}

fail() {
    echo "FAIL $name: $*" >&2
    exit 1
}
[ -r "$source" ] || fail "cannot read source $source"
[ -x "$binary" ] || fail "test binary $binary missing or not executable"
if [ "$runner" != --native ] && [ ! -x "$runner" ]; then
    fail "asterix binary $runner missing or not executable"
fi

# The value of the first "// KEY: value" line, or empty.
directive() {
    sed -n "s|^[[:space:]]*//[[:space:]]*$1:[[:space:]]*\\(.*[^[:space:]]\\)[[:space:]]*\$|\\1|p" \
        "$source" | head -n 1
}

if [ "$(directive harness)" = skip ]; then
    echo "SKIP $name: marked 'harness: skip'"
    exit "$skip_status"
fi
if [ "$runner" = --native ] && [ "$(directive native)" = skip ]; then
    echo "SKIP $name: marked 'native: skip'"
    exit "$skip_status"
fi
only_platform=$(directive platform)
if [ "$runner" != --native ] && [ -n "$only_platform" ] && [ "$only_platform" != "${GUEST_TEST_PLATFORM:-systrap}" ]; then
    echo "SKIP $name: only on --platform=$only_platform"
    exit "$skip_status"
fi
expect=$(directive expect-exit)
expect=${expect:-0}
case $expect in
    '' | *[!0-9]*) fail "bad 'expect-exit: $expect' in $source" ;;
esac
read -r -a extra <<<"$(directive asterix-args)"

if [ "$runner" = --native ]; then
    cmd=("$binary")
else
    platform=()
    if [ -n "${GUEST_TEST_PLATFORM:-}" ]; then
        platform=("--platform=$GUEST_TEST_PLATFORM")
    fi
    cmd=("$runner" run "${platform[@]}" "${extra[@]}" "$binary")
fi
if command -v timeout >/dev/null 2>&1; then
    cmd=(timeout -k 5 "$timeout_s" "${cmd[@]}")
fi

# The command runs under an inner bash whose own stderr goes to a file: bash writes a line
# there ("Segmentation fault", "Killed"...) exactly when its child died from a signal. A guest
# killed by a signal makes asterix *exit* with 128+N; asterix itself *dying* from a signal
# (a kernel crash) must not pass for the guest's expected SIGSEGV.
report=$(mktemp "${TMPDIR:-/tmp}/guest-test.XXXXXX") || fail "mktemp failed"
trap 'rm -f "$report"' EXIT
bash -c '"$@" </dev/null 2>&3 3>&-; exit $?' run-guest "${cmd[@]}" 3>&2 2>"$report"
status=$?

if [ "$runner" != --native ] && [ "$status" -gt 128 ] && [ -s "$report" ]; then
    fail "asterix itself died from signal $((status - 128)) ($(tr '\n' ' ' <"$report"))"
fi
if [ "$status" -eq 124 ] && [ "$expect" -ne 124 ] && [ "${cmd[0]}" = timeout ]; then
    fail "timed out after ${timeout_s}s"
fi
if [ "$status" -ne "$expect" ]; then
    fail "exit status $status, expected $expect (${cmd[*]})"
fi
echo "PASS $name (exit $status)"
exit 0
