#!/usr/bin/env bash
# The bare-metal kernel under QEMU's gdbstub, as a user starts it: `asterix boot --gdb` (the
# binary hands boot to the ./asterix wrapper) prints the gdb command line, gdb attaches in batch
# mode with tools/asterix.gdb, stops once in ring 3 (ax-tasks works there, ax-ps says why it
# does not), then breaks in the open service when cat opens its file while the shell
# waits for it, and checks what the hosted kernel shows too: the arguments with their values, a
# backtrace through the syscall dispatcher and the thread loop down to the task's entry, ax-tasks
# (cat's task running, the shell's blocked in wait4), ax-task-bt of the blocked task, ax-ps,
# ax-fds and ax-maps (their text read back from kernel memory: the kernel's log is the serial
# line). Then the boot goes on to its end.
#   boot_gdb.sh ASTERIX_BIN
set -u
asterix=${1:?usage: boot_gdb.sh ASTERIX_BIN}
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$(dirname "$asterix")" && pwd)
command -v gdb >/dev/null || { echo "FAIL: gdb is not installed"; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "FAIL: qemu-system-x86_64 is not installed"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/boot-gdb.XXXXXX")
qemu_pid=
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "--- asterix boot's stderr:"; sed 's/^/    /' "$work/stderr"
    echo "--- serial:"; tr -d '\r' <"$work/serial" | tail -n 15 | sed 's/^/    /'
    echo "FAIL: $1"
    exit 1
}

"$top/tools/mkinitramfs" "$work/initramfs.cpio" >/dev/null || { echo "FAIL: mkinitramfs failed"; exit 1; }
ASTERIX_BUILD_DIR=$build timeout 300 "$asterix" boot --gdb --initrd "$work/initramfs.cpio" -- \
    /bin/busybox sh -c '/bin/busybox cat /etc/hostname; echo shell done' </dev/null >"$work/serial" 2>"$work/stderr" &
qemu_pid=$!

# The wrapper builds what is out of date first, so wait for its line by the clock, not by count.
deadline=$((SECONDS + 240))
socket=
while [ $SECONDS -lt $deadline ]; do
    socket=$(sed -n "s/.*target remote \([^']*\)'.*/\1/p" "$work/stderr")
    [ -n "$socket" ] && [ -S "$socket" ] && break
    kill -0 "$qemu_pid" 2>/dev/null || fail "asterix boot --gdb ended before QEMU waited for gdb"
    sleep 0.1
done
[ -S "$socket" ] || fail "no gdbstub socket announced (expected \"target remote SOCKET\" on stderr)"
grep -q "gdb -q -x $top/tools/asterix.gdb $build/asterix_kernel" "$work/stderr" \
    || fail "the announced gdb command line does not load tools/asterix.gdb and the kernel's ELF"

# First a stop in ring 3, at busybox's entry (the shell's first instruction): ax-tasks reads kernel
# memory and works there; ax-ps would call into the kernel and says why it does not.
entry=$(readelf -h /bin/busybox | sed -n 's/.*Entry point address: *//p')
[ -n "$entry" ] || fail "cannot read busybox's entry point"
# Under TCG a boot to the first open takes a few seconds; the timeout is for a machine under load.
out=$(timeout 180 gdb -q --batch -x "$top/tools/asterix.gdb" \
    -ex "target remote $socket" \
    -ex "tbreak *$entry" -ex 'continue' -ex 'ax-tasks' -ex 'ax-ps' \
    -ex 'break asterix::services::open_file if $_streq(path._M_dataplus._M_p, "/etc/hostname")' \
    -ex 'continue' -ex 'print path' -ex 'print ctx.m_thread.m_process.m_object->m_pid' -ex 'bt' \
    -ex 'ax-tasks' \
    -ex 'python gdb.execute("ax-task-bt %d" % [int(t["m_id"]) for t in kernel_tasks()[0] if int(t["tag"]) == 2][0])' \
    -ex 'ax-ps' -ex 'ax-fds' -ex 'ax-maps' -ex 'delete' -ex 'continue' \
    "$build/asterix_kernel" 2>&1)
echo "$out" | sed 's/^/    /'
wait "$qemu_pid"
status=$?
qemu_pid=

check() { echo "$out" | grep -qE -- "$1" || fail "$2"; }
check '^ +[0-9]+ +running +2 +tid 2 ' "ax-tasks does not work while the CPU is in ring 3"
check 'the CPU is in a guest program \(ring 3\)' "ax-ps in ring 3 does not say why it cannot call the kernel"
check '^Breakpoint 2, asterix::services::open_file \(.*path="/etc/hostname"' "the breakpoint in open_file was not hit with its arguments"
check '^\$1 = "/etc/hostname"$' "print path does not show the string"
check '^\$2 = 3$' "the caller is not cat, pid 3"
check '^#1 +0x[0-9a-f]+ in asterix::services::sys_openat ' "the backtrace misses sys_openat"
check '^#[0-9]+ +0x[0-9a-f]+ in asterix::services::dispatch_syscall ' "the backtrace misses the dispatcher"
check '^#[0-9]+ .*asterix::services::\(anonymous namespace\)::run_thread ' "the backtrace misses the thread loop"
check '^#[0-9]+ .*asterix::frame::Scheduler::trampoline ' "the backtrace does not reach the task's entry"
echo "$out" | grep -q 'g_arena ()' && fail "the backtrace wandered into data (g_arena)"
check '^ +[0-9]+ +running +3 +tid 3 +- +0x' "ax-tasks does not list cat's running task"
# The shell is in wait4 unless the scheduler has not let it run since cat's exec woke it from
# vfork (which depends on where the timer ticks under TCG): then it is runnable, switched out
# in its thread loop. Either way ax-task-bt walks its saved stack.
if echo "$out" | grep -qE '^ +[0-9]+ +runnable +2 +tid 2 +- +0x'; then
    # `bt` of cat's open shows one thread loop; ax-task-bt of the shell must show another.
    [ "$(echo "$out" | grep -c 'asterix::services::(anonymous namespace)::run_thread ')" -ge 2 ] ||
        fail "ax-task-bt does not show the runnable shell's thread loop"
else
    check '^ +[0-9]+ +blocked +2 +tid 2 +wait for a child +0x' "ax-tasks does not list the shell's task waiting for its child"
    check 'in asterix::services::sys_wait4 ' "ax-task-bt does not show the shell's task in wait4"
fi
check '^ +2 +1 +2 +2 +live +1 +busybox$' "ax-ps does not list the shell"
check '^ +3 +2 +2 +2 +live +1 +busybox$' "ax-ps does not list cat"
check '^ +0 /dev/ttyS0 flags ' "ax-fds does not show cat's standard input"
check '^[0-9a-f]{12}-[0-9a-f]{12} r-xp .*/bin/busybox$' "ax-maps does not show cat's text"
tr -d '\r' <"$work/serial" | grep -qx 'shell done' || fail "the boot did not go on after gdb let it"
[ "$status" -eq 1 ] || fail "expected init's status 0 (QEMU status 1), got $status"
echo "PASS"
