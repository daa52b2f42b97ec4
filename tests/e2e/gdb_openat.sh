#!/usr/bin/env bash
# Debugging the kernel in plain gdb: stop in the service that opens files, print the guest's
# path argument and the calling guest's pid from kernel variables, continue to a clean exit.
#   gdb_openat.sh ASTERIX_BIN
set -u
asterix=${1:?usage: gdb_openat.sh ASTERIX_BIN}
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v gdb >/dev/null || { echo "FAIL: gdb is not installed"; exit 1; }
out=$(timeout 120 gdb -q --batch -x "$top/tools/asterix.gdb" \
    -ex 'break asterix::services::open_file' -ex 'run' \
    -ex 'print path' -ex 'print ctx.m_thread.m_process.m_object->m_pid' \
    -ex 'delete' -ex 'continue' \
    --args "$asterix" run /bin/busybox cat /etc/hostname 2>&1)
echo "$out" | grep -v '^\[' | head -n 30
fail() { echo "FAIL: $1"; exit 1; }
echo "$out" | grep -qE 'Breakpoint 1(\.[0-9]+)?, asterix::services::open_file' || fail "the breakpoint in open_file was not hit"
echo "$out" | grep -q '^\$1 = "/etc/hostname"' || fail "the guest's path argument was not /etc/hostname"
echo "$out" | grep -q '^\$2 = 2$' || fail "the calling guest's pid was not 2"
echo "$out" | grep -qx "$(cat /etc/hostname)" || fail "the guest did not finish its work after continue"
echo "$out" | grep -q 'exited normally' || fail "asterix did not exit cleanly under gdb"
echo "PASS"
