#!/usr/bin/env bash
# Runs one example's script and checks its output against the example's `expected` file: one
# extended regular expression a line, each of which some output line must match.
#
#   examples/run_example.sh EXPECTED_FILE SCRIPT ARGS...
set -u
expected=${1:?usage: run_example.sh EXPECTED_FILE SCRIPT ARGS...}
shift
out=$(timeout -k 5 240 bash "$@" 2>&1)
status=$?
echo "$out"
missing=0
while IFS= read -r pattern; do
    [ -z "$pattern" ] && continue
    if ! grep -qE -- "$pattern" <<<"$out"; then
        echo "MISSING: /$pattern/"
        missing=$((missing + 1))
    fi
done <"$expected"
[ "$status" -eq 0 ] || { echo "FAIL: the example exited with $status"; exit 1; }
[ "$missing" -eq 0 ] || { echo "FAIL: $missing expected lines missing"; exit 1; }
echo "PASS"
