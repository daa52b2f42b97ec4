#!/usr/bin/env bash
# The guest's routes as ip(8) and a python rtnetlink reader see them (RTM_GETROUTE dumps),
# compared with a host network namespace that has only its loopback up (unshare -n), which is
# what a guest without a network device has. Skipped (77) without unshare, ip or root.
#   net_routes.sh ASTERIX_BIN [PYTHON3]
set -u
asterix=${1:?usage: net_routes.sh ASTERIX_BIN [PYTHON3]}
python=${2:-$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)}
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v ip >/dev/null || ! unshare -n true 2>/dev/null; then
    echo "skip: needs root, unshare and ip for the native side"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/routes.py" <<'PY'
# Dumps the routes over NETLINK_ROUTE and prints (family, table, type, destination/prefix).
import ipaddress, socket, struct

RTM_GETROUTE, RTM_NEWROUTE, NLMSG_DONE, RTA_DST, RTA_TABLE = 26, 24, 3, 1, 15
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
sock.bind((0, 0))
sock.send(struct.pack("=IHHII", 16 + 12, RTM_GETROUTE, 0x301, 7, 0) + struct.pack("=BBBBBBBBI", 0, 0, 0, 0, 0, 0, 0, 0, 0))
routes, done = [], False
while not done:
    data = sock.recv(65536)
    at = 0
    while at + 16 <= len(data):
        length, kind, flags, seq, pid = struct.unpack_from("=IHHII", data, at)
        if kind == NLMSG_DONE:
            done = True
            break
        assert kind == RTM_NEWROUTE and seq == 7
        family, dst_len, _, _, table, protocol, scope, rtype, _ = struct.unpack_from("=BBBBBBBBI", data, at + 16)
        dst, offset = None, at + 28
        while offset + 4 <= at + length:
            attr_len, attr_type = struct.unpack_from("=HH", data, offset)
            value = data[offset + 4:offset + attr_len]
            if attr_type == RTA_DST:
                dst = ipaddress.ip_address(value)
            elif attr_type == RTA_TABLE:
                table = struct.unpack("=I", value)[0]
            offset += (attr_len + 3) & ~3
        routes.append((family, table, rtype, "%s/%d" % (dst, dst_len)))
        at += (length + 3) & ~3
for route in sorted(routes):
    print(*route)
PY
cat >"$work/routes.sh" <<SH
ip route show table all
ip -6 route show table all
echo "main: \$(ip route | wc -l) routes"
ip -4 route show table local
"$python" "$work/routes.py"
SH

timeout 60 "$asterix" run /bin/sh "$work/routes.sh" >"$work/asterix" 2>&1
asterix_status=$?
timeout 60 unshare -n sh -c 'ip link set lo up && exec /bin/sh "$0"' "$work/routes.sh" >"$work/native" 2>&1
native_status=$?
if [ $asterix_status -ne $native_status ] || ! cmp -s "$work/native" "$work/asterix"; then
    echo "FAIL: status $asterix_status (native $native_status); output differs:"
    diff "$work/native" "$work/asterix"
    exit 1
fi
echo "ok routes ($(wc -l <"$work/native") lines)"
