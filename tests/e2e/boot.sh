#!/usr/bin/env bash
# The bare-metal kernel boots in QEMU (KVM if usable, else TCG), speaks on the serial console,
# reports the boot memory map, and powers off with a code; with too little memory it says so and
# stops with its own code instead of crashing.
#   boot.sh KERNEL_IMAGE
set -u
image=${1:?usage: boot.sh KERNEL_IMAGE}
command -v qemu-system-x86_64 >/dev/null || { echo "FAIL: qemu-system-x86_64 is not installed"; exit 1; }
accel=tcg
[ -r /dev/kvm ] && [ -w /dev/kvm ] && accel=kvm
boot() { # boot MEMORY: serial output on stdout; QEMU's status in $status
    out=$(timeout 60 qemu-system-x86_64 -kernel "$image" -m "$1" -accel "$accel" -serial stdio -display none \
        -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null 2>/dev/null)
    status=$?
    echo "$out" | sed 's/^/    /'
}
fail() { echo "FAIL: $1"; exit 1; }

echo "boot with 128 MiB ($accel):"
boot 128M
echo "$out" | grep -q '^Asterix: bare-metal boot on x86-64' || fail "no banner on the serial console"
echo "$out" | grep -qE '^Asterix: memory 12[0-9] MiB' || fail "the boot memory map was not read"
[ "$status" -eq 1 ] || fail "expected power-off code 0 (QEMU status 1), got QEMU status $status"

echo "boot with 8 MiB:"
boot 8M
echo "$out" | grep -q 'less memory than the kernel needs' || fail "no message for too little memory"
[ "$status" -eq 11 ] || fail "expected power-off code 5 (QEMU status 11), got QEMU status $status"
echo "PASS"
