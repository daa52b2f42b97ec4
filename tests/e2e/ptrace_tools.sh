#!/usr/bin/env bash
# Debian's strace and gdb run inside Asterix (ptrace for guests) and print what they print
# natively: strace -f of a pipeline (the same syscalls and ends, pids, addresses and the
# timing-dependent interruptions masked), gdb's backtrace of a crashing program, and a gdb
# session with a breakpoint and a hardware watchpoint in a two-thread program.
#   ptrace_tools.sh ASTERIX_BIN
set -u
asterix=${1:?usage: ptrace_tools.sh ASTERIX_BIN}
for tool in strace gdb cc python3; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; exit 1; }

# strace: a directory of known files, so that ls | wc -l prints the same both ways.
mkdir "$work/dir" && touch "$work/dir/a" "$work/dir/b" "$work/dir/c"
cd "$work/dir" || exit 1
native_out=$(timeout 120 strace -f -o "$work/native.strace" sh -c 'ls | wc -l' 2>&1) || fail "native strace failed"
guest_out=$(timeout 120 "$asterix" run /usr/bin/strace -f -o "$work/guest.strace" sh -c 'ls | wc -l' 2>&1) || fail "strace in asterix failed: $guest_out"
[ "$native_out" = "$guest_out" ] || fail "the traced pipeline printed '$guest_out', natively '$native_out'"

# What strace saw, per process: the syscalls (an interrupted call and its resumption joined)
# and how each process ended. A wait4 or rt_sigreturn more or fewer, or a signal, is timing:
# SIGCHLD may or may not interrupt a wait, so those are left out.
summary() {
    python3 - "$1" <<'PY'
import collections, re, sys
calls = collections.Counter()
for line in open(sys.argv[1]):
    line = re.sub(r'^\d+ +', '', line.rstrip('\n'))
    if line.startswith('<...'):
        continue  # the resumption of an unfinished call, counted at its start
    if line.startswith('+++'):
        calls[line] += 1
        continue
    m = re.match(r'([a-z_0-9]+)\(', line)
    if m and m.group(1) not in ('wait4', 'rt_sigreturn', 'restart_syscall'):
        calls[m.group(1)] += 1
for name, count in sorted(calls.items()):
    print(f'{count} {name}')
PY
}
summary "$work/native.strace" >"$work/native.summary"
summary "$work/guest.strace" >"$work/guest.summary"
if ! diff -u "$work/native.summary" "$work/guest.summary"; then
    fail "strace inside asterix saw other syscalls than natively"
fi
grep -q 'execve("/usr/bin/sh", \["sh", "-c", "ls | wc -l"\]' "$work/guest.strace" || fail "strace did not show the execve"
[ "$(grep -c '+++ exited with 0 +++' "$work/guest.strace")" = 3 ] || fail "strace did not see three processes end"

# gdb: the backtrace of a crash, addresses masked.
cat >"$work/crasher.c" <<'C'
#include <stdio.h>
static int depth_two(int *p) { return *p; }
static int depth_one(int *p) { return depth_two(p) + 1; }
int main(void) { int *volatile p = 0; printf("%d\n", depth_one(p)); return 0; }
C
cc -g -O0 -o "$work/crasher" "$work/crasher.c" || fail "cannot build the crasher"
cd "$work" || exit 1
mask() { grep -E '^(#[0-9]|Program received|Program terminated)' | sed -E 's/0x[0-9a-f]+/ADDR/g'; }
native_bt=$(timeout 120 gdb -batch -ex run -ex bt ./crasher 2>&1 | mask)
guest_bt=$(timeout 180 "$asterix" run /usr/bin/gdb -batch -ex run -ex bt ./crasher 2>&1 | mask)
echo "$guest_bt"
[ -n "$native_bt" ] || fail "native gdb printed no backtrace"
[ "$native_bt" = "$guest_bt" ] || fail "gdb inside asterix printed another backtrace than natively:
$native_bt"

# gdb on a multi-threaded program: a breakpoint on a function and a hardware watchpoint on a
# global (the debug registers, armed per guest thread), hit by the second thread and then by
# the first, continued to the end; addresses, thread and process ids masked.
cat >"$work/threads.c" <<'C'
#include <pthread.h>
#include <stdio.h>
int counter;
static void work(void)
{
    for (int i = 0; i < 3; ++i)
        counter += 1;
}
static void *thread_main(void *arg)
{
    work();
    return arg;
}
int main(void)
{
    pthread_t thread;
    pthread_create(&thread, 0, thread_main, 0);
    pthread_join(thread, 0);
    counter += 10;
    printf("counter %d\n", counter);
    return 0;
}
C
cc -g -O0 -pthread -o "$work/threads" "$work/threads.c" || fail "cannot build the threaded program"
watch_session=(-batch -ex 'break work' -ex 'watch counter' -ex run -ex continue -ex continue -ex continue -ex continue -ex continue ./threads)
mask_watch() {
    grep -E '^(Breakpoint|Hardware watchpoint|Thread [0-9]+ .* hit|Old value|New value|counter|\[Inferior|[a-z_]+ \(\) at)' |
        sed -E 's/0x[0-9a-f]+/ADDR/g; s/process [0-9]+/process PID/'
}
native_watch=$(timeout 120 gdb "${watch_session[@]}" 2>&1 | mask_watch)
guest_watch=$(timeout 180 "$asterix" run /usr/bin/gdb "${watch_session[@]}" 2>&1 | mask_watch)
echo "$guest_watch"
grep -q 'hit Hardware watchpoint 2: counter' <<<"$native_watch" || fail "native gdb reported no watchpoint hit:
$native_watch"
[ "$native_watch" = "$guest_watch" ] || fail "gdb's watchpoint session inside asterix differs from native:
$native_watch"
echo "PASS"
