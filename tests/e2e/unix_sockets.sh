#!/usr/bin/env bash
# AF_UNIX end to end: tests/e2e/unix_sockets.py (socketpair, SCM_RIGHTS between two processes,
# an asyncio echo over a named socket) runs natively and under asterix; stdout must match.
# asyncio's default loop needs epoll: while asterix has none, that run is skipped with a note
# and the loop on selectors.SelectSelector (poll/select readiness) is compared instead.
#
#   tests/e2e/unix_sockets.sh ASTERIX_BIN
set -u
[ $# -eq 1 ] || { echo "usage: $0 ASTERIX_BIN" >&2; exit 2; }
asterix=$1
here=$(cd "$(dirname "$0")" && pwd)
script=$here/unix_sockets.py
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "python3 missing: skipped"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/unix-sockets-e2e.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
status=0
for mode in select default; do
    timeout -k 5 60 "$PY" "$script" "$mode" >"$tmp/native.$mode" 2>"$tmp/native.$mode.err"
    native_rc=$?
    TMPDIR=$tmp timeout -k 5 120 "$asterix" run "$PY" "$script" "$mode" >"$tmp/asterix.$mode" 2>"$tmp/asterix.$mode.err"
    asterix_rc=$?
    if [ "$mode" = default ] && grep -q 'unimplemented syscall 291 (epoll_create1)' "$tmp/asterix.$mode.err"; then
        echo "SKIP $mode: asyncio's default loop needs epoll, which asterix does not have yet"
        continue
    fi
    if [ $native_rc -ne $asterix_rc ] || ! cmp -s "$tmp/native.$mode" "$tmp/asterix.$mode"; then
        echo "FAIL $mode: native rc $native_rc, asterix rc $asterix_rc"
        diff "$tmp/native.$mode" "$tmp/asterix.$mode"
        cat "$tmp/asterix.$mode.err"
        status=1
    else
        echo "ok   $mode"
    fi
done
exit $status
