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
# A socket file that a host process made and listens on is not a guest socket: the guest's
# connect is refused and never reaches the host listener.
host_sock=$tmp/host.sock
"$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(1)
s.settimeout(20)
try:
    s.accept()
    print("host listener reached")
except socket.timeout:
    pass
' "$host_sock" >"$tmp/host.out" 2>&1 &
listener=$!
for _ in $(seq 1 100); do [ -S "$host_sock" ] && break; sleep 0.1; done
TMPDIR=$tmp timeout -k 5 60 "$asterix" run "$PY" -c '
import socket, sys
c = socket.socket(socket.AF_UNIX)
try:
    c.connect(sys.argv[1])
    print("connected")
except ConnectionRefusedError:
    print("refused")
' "$host_sock" >"$tmp/guest.out" 2>"$tmp/guest.err"
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
if [ "$(cat "$tmp/guest.out")" = refused ] && ! grep -q reached "$tmp/host.out"; then
    echo "ok   host socket refused"
else
    echo "FAIL host socket: guest said '$(cat "$tmp/guest.out")', host: '$(cat "$tmp/host.out")'"
    cat "$tmp/guest.err"
    status=1
fi
exit $status
