#!/usr/bin/env bash
# Every ax-* command works from any frame: stopped in the host's libc (ppoll, where the kernel
# idles and where ^C leaves gdb), a C frame in which C++ names do not parse.
#   gdb_any_frame.sh ASTERIX_BIN
set -u
asterix=${1:?usage: gdb_any_frame.sh ASTERIX_BIN}
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v gdb >/dev/null || { echo "FAIL: gdb is not installed"; exit 1; }
out=$(timeout 120 gdb -q --batch -x "$top/tools/asterix.gdb" \
    -ex 'break ppoll' -ex 'run' -ex 'frame' \
    -ex 'ax-tasks' -ex 'ax-task-bt 3' -ex 'ax-ps' -ex 'ax-fds 2' -ex 'ax-maps 2' -ex 'delete' -ex 'continue' \
    --args "$asterix" run /bin/busybox sh -c 'sleep 1; echo done' </dev/null 2>&1)
echo "$out" | grep -v '^\[' | head -n 40
fail() { echo "FAIL: $1"; exit 1; }
echo "$out" | grep -qE '^#0 .*ppoll' || fail "gdb did not stop in ppoll"
echo "$out" | grep -q 'No type\|Python Exception\|Error occurred' && fail "an ax-* command failed in a libc frame"
echo "$out" | grep -qE '^ +[0-9]+ +blocked +3 +tid 3 +sleep' || fail "ax-tasks did not list the sleeping task"
echo "$out" | grep -qE 'asterix::' || fail "ax-task-bt showed no kernel frames"
echo "$out" | grep -qE '^ +3 +2 +2 +2 +live +1 +sleep$' || fail "ax-ps did not list the sleeping process"
echo "$out" | grep -qE '^ +0 /dev/null' || fail "ax-fds did not list fd 0"
echo "$out" | grep -qE 'r-xp .*busybox$' || fail "ax-maps did not show busybox's text"
echo "$out" | grep -q '^done$' || fail "the guest did not finish after continue"

# The same after a real interrupt, as ^C gives one: SIGINT to the kernel's process stops gdb
# wherever the kernel is (mostly the host's libc, in the idle ppoll; under load sometimes its
# timer signal handler); every ax-* command works there, and continue finishes (gdb keeps the
# SIGINT from the kernel, so the guest's sleep is not cut short).
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout 120 gdb -q --batch -x "$top/tools/asterix.gdb" -ex 'run' -ex 'frame' \
    -ex 'ax-tasks' -ex 'ax-task-bt 3' -ex 'ax-ps' -ex 'ax-fds 2' -ex 'ax-maps 2' -ex 'continue' \
    --args "$asterix" run /bin/busybox sh -c 'sleep 3; echo done' </dev/null >"$log" 2>&1 &
gdb_pid=$!
# The kernel is gdb's child; each guest process has an address-space process below it, so two
# of them mean the shell has forked its sleep, which then sleeps 3 s.
descendants() { local each; for each in $(pgrep -P "$1"); do echo "$each"; descendants "$each"; done; }
kernel=
for _ in $(seq 1 400); do
    kernel=$(pgrep -P "$gdb_pid" -f 'run /bin/busybox sh -c' | head -n 1)
    [ -n "$kernel" ] && [ "$(descendants "$kernel" | wc -l)" -ge 3 ] && break
    sleep 0.05
done
[ -n "$kernel" ] || fail "gdb did not start the kernel"
sleep 0.3
kill -INT "$kernel"
wait "$gdb_pid"
out=$(grep -v '^\[' "$log")
echo "$out" | head -n 20
echo "$out" | grep -q 'Program received signal SIGINT' || fail "the SIGINT did not stop gdb"
echo "$out" | grep -q 'No type\|Python Exception\|Error occurred' && fail "an ax-* command failed after the interrupt"
echo "$out" | grep -qE '^ +[0-9]+ +blocked +3 +tid 3 +sleep' || fail "ax-tasks did not list the sleeping task after the interrupt"
echo "$out" | grep -qE '^ +3 +2 +2 +2 +live +1 +sleep$' || fail "ax-ps did not list the sleeping process after the interrupt"
echo "$out" | grep -qE 'r-xp .*busybox$' || fail "ax-maps did not show busybox's text after the interrupt"
echo "$out" | grep -q '^done$' || fail "the guest did not finish after the interrupt and continue"
echo "PASS"
