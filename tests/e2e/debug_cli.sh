#!/usr/bin/env bash
# The debugging options of the command line: strace filters, decoding and timestamps, the
# syscall record, kernel log levels and subsystems, and Linux-style crash reports.
#   debug_cli.sh ASTERIX_BIN SEGV_TEST_BIN ENOSYS_TEST_BIN
set -u
asterix=${1:?usage: debug_cli.sh ASTERIX_BIN SEGV_TEST_BIN ENOSYS_TEST_BIN}
segv=${2:?usage: debug_cli.sh ASTERIX_BIN SEGV_TEST_BIN ENOSYS_TEST_BIN}
enosys=${3:?usage: debug_cli.sh ASTERIX_BIN SEGV_TEST_BIN ENOSYS_TEST_BIN}
work=$(mktemp -d "${TMPDIR:-/tmp}/debug-cli.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # check NAME CONDITION-COMMAND...
    local name=$1
    shift
    if "$@"; then
        echo "PASS  $name"
        passed=$((passed + 1))
    else
        echo "FAIL  $name"
        failed=$((failed + 1))
    fi
}

"$asterix" run --strace-file "$work/process.trace" --strace=trace=process /bin/sh -c '/bin/true; exit 4' </dev/null
status=$?
check "--strace=trace=process keeps the exit status" test "$status" -eq 4
check "trace=process shows fork or clone, execve and exit_group" \
    grep -qE '^\[pid [0-9]+\] (vfork|clone|fork)\(' "$work/process.trace"
check "trace=process shows execve with its path" grep -q 'execve("/bin/true"' "$work/process.trace"
check "trace=process hides file syscalls" bash -c "! grep -q 'openat(' '$work/process.trace'"
check "the end of each process is reported" grep -q '+++ exited with 4 +++' "$work/process.trace"

"$asterix" run --strace=trace=file,fstat --strace-time /bin/busybox ls -l /etc/hostname >/dev/null 2>"$work/file.trace"
check "trace=file,fstat decodes stat results" grep -qE 'st_mode=S_IFREG\|0[0-7]+, st_size=[0-9]+' "$work/file.trace"
check "trace=file hides write" bash -c "! grep -q ' write(' '$work/file.trace'"
check "--strace-time starts lines with seconds since boot" grep -qE '^ *[0-9]+\.[0-9]{6} \[pid 2\] ' "$work/file.trace"
"$asterix" run --strace=trace=no_such_call /bin/true 2>"$work/bad.err"
check "an unknown strace name is refused" test $? -eq 2
check "... with a message naming it" grep -q "no_such_call" "$work/bad.err"

"$asterix" run --record-syscalls "$work/one.rec" /bin/busybox ls / >/dev/null
"$asterix" run --record-syscalls "$work/two.rec" /bin/busybox ls / >/dev/null
check "--record-syscalls writes one line a syscall" grep -qE '^2 execve|^2 [a-z_0-9]+\(.*\) = -?[0-9]+$' "$work/one.rec"
check "two runs of the same program record the same syscalls" cmp -s "$work/one.rec" "$work/two.rec"

"$asterix" run --log=error,vm:trace /bin/true 2>"$work/vm.log"
check "--log=vm:trace shows vm lines with pid/tid and time" grep -qE '^asterix: \[ *[0-9]+\.[0-9]{6}\] 2/2 vm: ' "$work/vm.log"
check "--log=vm:trace shows no other subsystem at debug" bash -c "! grep -qE '\] [0-9]+/[0-9]+ (fs|proc|sched): ' '$work/vm.log'"
"$asterix" run --log=loud /bin/true 2>"$work/badlog.err"
check "a bad log specification is refused" test $? -eq 2

"$asterix" run "$segv" >/dev/null 2>"$work/segv.err"
status=$?
check "a crashing guest exits 139" test "$status" -eq 139
check "the crash report is Linux-style and names the mapping" \
    grep -qE 'segv_low_addres\[2\]: segfault at 0x10 ip 0x[0-9a-f]+ sp 0x[0-9a-f]+ in .*segv_low_address\[0x[0-9a-f]+\+0x[0-9a-f]+\] \(SIGSEGV\)' "$work/segv.err"

"$asterix" run --panic-on-enosys "$enosys" >/dev/null 2>"$work/panic.err"
status=$?
check "a kernel panic exits non-zero (70)" test "$status" -eq 70
check "the panic prints its message" grep -q '^asterix: kernel panic: unimplemented syscall 1000' "$work/panic.err"
check "the panic prints a symbolized kernel backtrace" grep -qE '^  #[0-9]+ +0x[0-9a-f]+ asterix::services::dispatch_syscall' "$work/panic.err"
check "the panic names the current task and guest thread" grep -q "^current task: [0-9]* 'tid 2' (guest tid 2)" "$work/panic.err"
check "the panic prints the guest registers" grep -qE '^  rip [0-9a-f]{16} rsp [0-9a-f]{16} .*orig_rax 1000' "$work/panic.err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
