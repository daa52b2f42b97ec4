#!/usr/bin/env bash
# The bare-metal kernel boots in QEMU (with KVM when usable, and always with TCG), speaks on the
# serial console, reads the boot memory map, runs the frame's allocator on it, takes an
# exception and timer interrupts, runs a ring-3 program through execute_user (syscalls, a stack
# page mapped on demand, a bad write reported as a page fault, xmm0 kept per thread, a spinning
# thread preempted by the timer), and powers off with a code; with
# too little memory it says so and stops with its own code instead of crashing.
# KVM is used only when it is hardware virtualization: under PVM (a host booted with
# nested_pvm=1, as the development VMs are) KVM mis-emulates SYSCALL and int3 for a kernel that is
# not PVM-aware, so there the faithful emulator, TCG, is the reference.
# Then it boots the services: busybox from an initramfs runs the issue's command line, and a
# missing init, a truncated initramfs and no initramfs at all stop with a message and a code;
# 5 GiB of RAM, part of it above 4 GiB, all in the frame window; the kernel heap growing from
# frames (a quarter of a million files in a 2 GiB boot); an interactive shell on the
# serial terminal (echo, line editing, ^C, VTIME, ^S/^Q); a kernel task that
# overflows its stack is caught by the guard page and reported.
#   boot.sh KERNEL_IMAGE
set -u
image=${1:?usage: boot.sh KERNEL_IMAGE}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v qemu-system-x86_64 >/dev/null || { echo "FAIL: qemu-system-x86_64 is not installed"; exit 1; }
accels=tcg
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    if grep -q 'nested_pvm=1' /proc/cmdline 2>/dev/null; then
        echo "note: /dev/kvm is PVM here (nested_pvm=1); booting with TCG only"
    else
        accels="kvm tcg"
    fi
fi
boot() { # boot MEMORY [QEMU ARGS...]: serial output in $out; QEMU's status in $status (uses $accel)
    local memory=$1
    shift
    timeout 120 qemu-system-x86_64 -kernel "$image" -m "$memory" -accel "$accel" -serial stdio -display none \
        -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" </dev/null >"$work/serial" 2>/dev/null
    status=$?
    out=$(tr -d '\r' <"$work/serial")
    echo "$out" | sed 's/^/    /'
}
fail() { echo "FAIL: $1"; exit 1; }

for accel in $accels; do
    echo "boot with 128 MiB ($accel):"
    boot 128M
    echo "$out" | grep -q '^Asterix: bare-metal boot on x86-64' || fail "no banner on the serial console"
    echo "$out" | grep -qE '^Asterix: memory 12[0-9] MiB' || fail "the boot memory map was not read"
    echo "$out" | grep -qE '^Asterix: frame allocator: [0-9]{4,} frames of physical memory' || fail "no frame allocator"
    echo "$out" | grep -q 'recycled frames come back zeroed' || fail "the frame allocator's check failed"
    echo "$out" | grep -q '^Asterix: interrupts: invalid-opcode exception handled' || fail "the exception vector did not work"
    echo "$out" | grep -q '^Asterix: timer: 10 ticks at 100 Hz' || fail "no timer interrupts"
    echo "$out" | grep -q '^Asterix: user mode: 2 syscalls, exit code 42, 2 pages mapped' || fail "the ring-3 program did not run to exit(42)"
    echo "$out" | grep -q '^Asterix: user mode: a write to address 0 came back as a page fault' || fail "the bad write was not reported"
    echo "$out" | grep -q '^Asterix: user mode: two threads exited with their own xmm0, 7 and 9' || fail "the SSE state was not switched"
    echo "$out" | grep -q '^Asterix: user mode: a spinning thread was preempted by the timer' || fail "no timer preemption of ring 3"
    echo "$out" | grep -q '^Asterix: no initramfs' || fail "no message for a boot without an initramfs"
    [ "$status" -eq 13 ] || fail "expected power-off code 6 (QEMU status 13), got QEMU status $status"
done

"$here/../../tools/mkinitramfs" "$work/initramfs.cpio" || fail "mkinitramfs failed"
head -c 5000 "$work/initramfs.cpio" >"$work/truncated.cpio"
for accel in $accels; do
    echo "busybox from the initramfs ($accel):"
    boot 256M -initrd "$work/initramfs.cpio" -append "/bin/busybox sh -c 'echo hello from bare metal; ls /; cat /proc/self/stat'"
    echo "$out" | grep -qx 'hello from bare metal' || fail "no greeting from busybox"
    # The console is a terminal, so ls writes columns.
    [ "$(echo "$out" | grep -A1 -x 'hello from bare metal' | sed -n 2p | tr -s ' ')" = "bin dev etc mnt proc root tmp" ] \
        || fail "ls / does not show the initramfs"
    echo "$out" | grep -qE '^[0-9]+ \(cat\) R [0-9]+' || fail "no /proc/self/stat line"
    [ "$status" -eq 1 ] || fail "expected init's status 0 (QEMU status 1), got QEMU status $status"
done

accel=${accels%% *}
echo "5 GiB: the frames come from RAM below and above the PCI hole ($accel):"
boot 5G -initrd "$work/initramfs.cpio" -append "/bin/busybox free -m"
# An eighth of the RAM (from the top) goes to the kernel heap, the rest are frames.
last=$(echo "$out" | sed -n 's/^Asterix: frame window: [0-9]* MiB in 2 runs of RAM, the last frame at physical \([0-9]*\) MiB$/\1/p')
[ "${last:-0}" -gt 4096 ] || fail "the frame window does not hold the RAM above 4 GiB"
[ "$(echo "$out" | awk '/^Mem:/ { print ($2 >= 4300) }')" = 1 ] || fail "the services do not see the 4.3 GiB of frames"
[ "$status" -eq 1 ] || fail "expected free's status 0 (QEMU status 1), got QEMU status $status"

echo "2 GiB: the kernel heap grows from frames past its first 96 MiB ($accel):"
# A quarter of a million empty files in /tmp (until the tmpfs runs out of inodes) take about
# 150 MiB of kernel memory for their inodes and names.
gcc -static -O1 -x c -o "$work/make_files" - <<'PROGRAM' || fail "cannot build the file maker"
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    char name[64];
    for (long i = 0;; i++) {
        snprintf(name, sizeof name, "/tmp/a-file-with-a-longer-name-%ld", i);
        int fd = open(name, O_CREAT | O_WRONLY, 0644);
        if (fd < 0) {
            perror("open");
            printf("%ld files\n", i);
            return 0;
        }
        close(fd);
    }
}
PROGRAM
"$here/../../tools/mkinitramfs" "$work/files.cpio" "/make_files=$work/make_files" || fail "mkinitramfs failed"
boot 2G -initrd "$work/files.cpio" -append /make_files
files=$(echo "$out" | sed -n 's/^\([0-9]*\) files$/\1/p')
[ "${files:-0}" -gt 200000 ] || fail "expected more than 200000 files before ENOSPC, got '${files:-none}'"
echo "$out" | grep -q '^open: No space left on device' || fail "the tmpfs did not end with ENOSPC"
[ "$status" -eq 1 ] || fail "expected status 0 (QEMU status 1), got QEMU status $status"

echo "an interactive shell on the serial terminal ($accel):"
# Typed input goes through the kernel's line discipline: echo, line editing, ^C to the
# foreground job. Each step waits for the shell's output before typing on, as a person would.
mkfifo "$work/keyboard"
timeout 120 qemu-system-x86_64 -kernel "$image" -initrd "$work/initramfs.cpio" -m 256M -accel "$accel" \
    -serial stdio -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    <"$work/keyboard" >"$work/serial" 2>/dev/null &
qemu_pid=$!
exec 3>"$work/keyboard"
type_keys() { printf "$1" >&3; }
wait_for() { # wait_for REGEX: until a line of the serial output matches
    for _ in $(seq 900); do
        tr -d '\r' <"$work/serial" | grep -qE -- "$1" && return 0
        kill -0 "$qemu_pid" 2>/dev/null || break
        sleep 0.1
    done
    tr -d '\r' <"$work/serial" | tail -n 20 | sed 's/^/    /'
    fail "no serial output matching: $1"
}
wait_for '^/ # '
type_keys 'echo typed on the serial line\n'
wait_for '^typed on the serial line'
type_keys 'echo ready; read line; echo "got [$line]"\n'
wait_for '^ready'
type_keys 'abc\177d\n'
wait_for '^got \[abd\]$'
grep -q $'abc\b \bd' "$work/serial" || fail "the erase was not echoed as backspace, space, backspace"
type_keys 'stty -a | grep -o "icanon iexten echo"\n'
wait_for '^icanon iexten echo$'
type_keys 'sh -c "trap \\"echo got SIGWINCH\\" WINCH; stty rows 40 cols 100; stty size"\n'
wait_for '^40 100$'
wait_for '^got SIGWINCH$'
# VTIME: with VMIN 0 a read waits up to VTIME tenths of a second, then returns nothing.
started=$(date +%s%N)
type_keys 'stty -icanon min 0 time 10; dd bs=1 count=1 2>/dev/null | wc -c; stty icanon\n'
wait_for '^0$'
[ $(( ($(date +%s%N) - started) / 1000000 )) -ge 1000 ] || fail "the VTIME read returned before its second"
# IXON: ^S holds output (the shell's too), ^Q lets it go on.
type_keys '\023'
type_keys 'echo flowing\n'
sleep 2
tr -d '\r' <"$work/serial" | grep -q '^flowing' && fail "output went on after ^S"
type_keys '\021'
wait_for '^flowing$'
type_keys 'echo sleeping; sleep 100\n'
wait_for '^sleeping'
sleep 1
type_keys '\003'
wait_for '^\^C'
type_keys 'echo "after $?"\n'
wait_for '^after 130$'
type_keys 'read never; echo "not reached"\n'
wait_for 'read never; echo'
sleep 1
type_keys '\003'
type_keys 'echo "read ended with $?"\n'
wait_for '^read ended with 130$'
type_keys 'exit 3\n'
exec 3>&-
wait "$qemu_pid"
status=$?
tr -d '\r' <"$work/serial" | sed -n '/^BusyBox/,$p' | sed 's/^/    /'
[ "$status" -eq 7 ] || fail "expected the shell's exit 3 (QEMU status 7), got QEMU status $status"

echo "a missing init ($accel):"
boot 256M -initrd "$work/initramfs.cpio" -append "/sbin/init"
echo "$out" | grep -q '/sbin/init: program not found' || fail "no message for a missing init"
[ "$status" -eq 255 ] || fail "expected status 127 (QEMU status 255), got QEMU status $status"
echo "a truncated initramfs ($accel):"
boot 256M -initrd "$work/truncated.cpio"
echo "$out" | grep -q 'cannot unpack the initramfs: Invalid argument: file data runs past the end of the archive' \
    || fail "no message for a truncated initramfs"
[ "$status" -eq 251 ] || fail "expected status 125 (QEMU status 251), got QEMU status $status"

echo "a kernel task overflows its stack ($accel):"
boot 256M -initrd "$work/initramfs.cpio" -append "--overflow-kernel-stack /bin/true"
echo "$out" | grep -q '^Asterix: kernel stack overflow: a task ran into the guard page below its stack' \
    || fail "the overflow was not caught by the guard page"
[ "$status" -eq 141 ] || fail "expected the kernel-bug code 70 (QEMU status 141), got QEMU status $status"

echo "boot with 8 MiB ($accel):"
boot 8M
echo "$out" | grep -q 'less memory than the kernel needs' || fail "no message for too little memory"
[ "$status" -eq 11 ] || fail "expected power-off code 5 (QEMU status 11), got QEMU status $status"
echo "PASS"
