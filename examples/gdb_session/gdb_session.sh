#!/usr/bin/env bash
# Runs examples/gdb_session/session.gdb in batch mode (example.gdb_session).
#   examples/gdb_session/gdb_session.sh ASTERIX_BIN
set -u
asterix=${1:?usage: gdb_session.sh ASTERIX_BIN}
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v gdb >/dev/null || { echo "gdb is not installed (tools/install-deps)"; exit 1; }
gdb -q --batch -x "$top/tools/asterix.gdb" -x "$top/examples/gdb_session/session.gdb" \
    --args "$asterix" run /bin/busybox cat /etc/hostname </dev/null
