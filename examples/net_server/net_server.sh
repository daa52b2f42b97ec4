#!/usr/bin/env bash
# A guest that serves over the network (examples/net_server/server.c, built static by CMake as
# build/examples/server): it listens on the instance's own loopback, and a client in the same
# instance (busybox wget) fetches from it. Run by CTest (example.net_server).
#
#   examples/net_server/net_server.sh ASTERIX_BIN SERVER_BIN
#
# The guest's loopback is the instance's own (--net=loopback, the default), so port 8080 is
# free whatever the host runs. To serve the host instead, forward a host port to it with
# `asterix run -p HOSTPORT:8080 ...` (a user-mode NAT, passt; see "Sockets" in the README).
set -eu
asterix=${1:?usage: net_server.sh ASTERIX_BIN SERVER_BIN}
server=${2:?usage: net_server.sh ASTERIX_BIN SERVER_BIN}
busybox=${BUSYBOX:-/bin/busybox}
work=$(mktemp -d "${TMPDIR:-/tmp}/net-example.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== 1. the server answers two requests from a client in the same instance"
"$asterix" run /bin/sh -c "$server 8080 2 && $busybox wget -qO- http://127.0.0.1:8080/index.html && $busybox wget -qO- http://127.0.0.1:8080/other"

echo "== 2. the same, tracing the network syscalls of every process (strace's trace=%network)"
"$asterix" run --strace="$work/trace" --strace-trace=%network /bin/sh -c \
    "$server 8080 1 && $busybox wget -qO- http://127.0.0.1:8080/traced" >/dev/null
grep -E ' (socket|bind|listen|accept|connect)\(' "$work/trace"
