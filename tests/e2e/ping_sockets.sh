#!/usr/bin/env bash
# Ping sockets with net.ipv4.ping_group_range widened, and the sysctl's own rules, compared
# with the host. The guest changes its own modelled sysctl; the native run changes the one of
# a new network namespace (unshare -n, with its loopback brought up), never the host's.
# Without unshare or ip (or when not root) only the asterix run is checked.
#   ping_sockets.sh ASTERIX_BIN GUEST_PING_SOCKETS
set -u
asterix=${1:?usage: ping_sockets.sh ASTERIX_BIN GUEST_PING_SOCKETS}
guest=${2:?usage: ping_sockets.sh ASTERIX_BIN GUEST_PING_SOCKETS}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/ranges.sh" <<'SH'
f=/proc/sys/net/ipv4/ping_group_range
echo "0 2147483647" >$f && cat $f
# A high below the low empties the range; a lone number sets the low end; numbers past two are
# ignored; what is not a number within 0..2^32-2 is refused and changes nothing.
echo "5 3" >$f && cat $f
echo "3 4 5" >$f && cat $f
echo "2" >$f && cat $f
echo "9" >$f && cat $f
echo "0 4294967294" >$f && cat $f
(echo "abc" >$f) 2>/dev/null || echo "abc refused"
(echo "0 4294967295" >$f) 2>/dev/null || echo "4294967295 refused"
(echo "0 -1" >$f) 2>/dev/null || echo "-1 refused"
cat $f
echo "0 2147483647" >$f
# ping(8) itself, where installed: replies counted (times and TTLs vary; its warnings about
# options it lacks differ too).
if command -v ping >/dev/null; then
    echo "ping 127.0.0.1: $(ping -c 2 -i 0.2 -W 5 127.0.0.1 2>/dev/null | grep -c 'bytes from 127.0.0.1')"
    echo "ping ::1: $(ping -6 -c 2 -i 0.2 -W 5 ::1 2>/dev/null | grep -c 'bytes from ::1')"
fi
exec "$1"
SH

timeout 60 "$asterix" run /bin/sh "$work/ranges.sh" "$guest" >"$work/asterix" 2>&1
status=$?
if [ $status -ne 0 ]; then
    echo "FAIL: under asterix ($status):" && cat "$work/asterix"
    exit 1
fi
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null &&
    unshare -n true 2>/dev/null; then
    timeout 60 unshare -n sh -c 'ip link set lo up && exec /bin/sh "$0" "$1"' "$work/ranges.sh" "$guest" >"$work/native" 2>&1
    status=$?
    if [ $status -ne 0 ] || ! cmp -s "$work/native" "$work/asterix"; then
        echo "FAIL: native status $status; output differs:"
        diff "$work/native" "$work/asterix"
        exit 1
    fi
    echo "ok ping_sockets, as natively ($(wc -l <"$work/native") lines)"
else
    cat "$work/asterix"
    echo "ok ping_sockets under asterix (no network namespace for a native run)"
fi
