#!/usr/bin/env bash
# gdb's view of the kernel while several guest threads exist: ax-tasks lists each guest
# thread's kernel task and what it waits on; ax-task-bt shows a blocked task's kernel stack.
#   gdb_tasks.sh ASTERIX_BIN THREADS_BLOCKED_BIN
set -u
asterix=${1:?usage: gdb_tasks.sh ASTERIX_BIN THREADS_BLOCKED_BIN}
guest=${2:?usage: gdb_tasks.sh ASTERIX_BIN THREADS_BLOCKED_BIN}
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v gdb >/dev/null || { echo "FAIL: gdb is not installed"; exit 1; }
out=$(timeout 120 gdb -q --batch -x "$top/tools/asterix.gdb" \
    -ex 'break asterix::services::sys_getppid' -ex 'run' \
    -ex 'ax-tasks' -ex 'ax-task-bt 3' -ex 'ax-ps' -ex 'ax-maps' -ex 'ax-fds' -ex 'delete' -ex 'continue' \
    --args "$asterix" run "$guest" 2>&1)
echo "$out" | grep -v '^\[' | head -n 30
fail() { echo "FAIL: $1"; exit 1; }
echo "$out" | grep -qE '^ +[0-9]+ +running +2 +tid 2 ' || fail "the running task of guest thread 2 is not listed"
blocked=$(echo "$out" | grep -cE '^ +[0-9]+ +blocked +[0-9]+ +tid [0-9]+ +pipe read ')
[ "$blocked" -eq 3 ] || fail "expected 3 tasks blocked in pipe read, saw $blocked"
echo "$out" | grep -q 'asterix::services::PipeFile::read' || fail "ax-task-bt did not show the blocked task's kernel stack"
echo "$out" | grep -qE '^ +2 +1 +2 +2 +live +4 +threads_blocked$' || fail "ax-ps did not list the guest process with its 4 threads"
echo "$out" | grep -qE '^[0-9a-f]{12}-[0-9a-f]{12} r-xp .*threads_blocked$' || fail "ax-maps did not show the program's text"
echo "$out" | grep -qE '^ +[34] pipe:\[[0-9]+\] flags' || fail "ax-fds did not show the pipe's descriptors"
echo "$out" | grep -q '^joined$' || fail "the guest did not finish after continue"
echo "$out" | grep -q 'exited normally' || fail "asterix did not exit cleanly under gdb"
echo "PASS"
