#!/usr/bin/env bash
# python multiprocessing end to end (tests/e2e/python_multiprocessing.py: shared_memory, ShareableList,
# Pool, Value and Lock) runs natively and under asterix; stdout and exit status must match.
#
#   tests/e2e/multiprocessing.sh ASTERIX_BIN
set -u
[ $# -eq 1 ] || { echo "usage: $0 ASTERIX_BIN" >&2; exit 2; }
asterix=$1
here=$(cd "$(dirname "$0")" && pwd)
# The script must not be named multiprocessing.py: its directory comes first on sys.path.
script=$here/python_multiprocessing.py
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "python3 missing: skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/multiprocessing-e2e.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
timeout -k 5 60 "$PY" "$script" >"$tmp/native" 2>"$tmp/native.err"
native_rc=$?
TMPDIR=$tmp timeout -k 5 120 "$asterix" run "$PY" "$script" >"$tmp/asterix" 2>"$tmp/asterix.err"
asterix_rc=$?
if [ ! -s "$tmp/native" ] || [ $native_rc -ne $asterix_rc ] || ! cmp -s "$tmp/native" "$tmp/asterix"; then
    echo "FAIL: native rc $native_rc, asterix rc $asterix_rc"
    diff "$tmp/native" "$tmp/asterix"
    cat "$tmp/native.err" "$tmp/asterix.err"
    exit 1
fi
cat "$tmp/asterix"
echo ok
