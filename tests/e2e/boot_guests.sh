#!/usr/bin/env bash
# The tests/guest programs inside the bare-metal kernel (QEMU, TCG): one boot with an initramfs
# of busybox and every guest test, where /bin/sh runs each and prints its exit status, which
# must be the one its source expects (the same expectation as hosted, `// expect-exit: N`,
# default 0). A test with `// asterix-args: --mem SIZE [--tmpfs DIR]` gets a boot of its own
# with that kernel option and an initramfs of busybox and itself (`--pid1` is dropped: the tests run under /bin/sh). Tests that never end (`// harness: skip`) are
# left out, and so are those marked `// bare-metal: skip` (they need what only the hosted
# kernel has: a host root, asterix's own options, the hosted stub).
#   boot_guests.sh KERNEL_IMAGE GUEST_BIN_DIR GUEST_SOURCE_DIR
set -u
image=${1:?usage: boot_guests.sh KERNEL_IMAGE GUEST_BIN_DIR GUEST_SOURCE_DIR}
guest_bin=$(cd "${2:?}" && pwd) guest_src=$(cd "${3:?}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; exit 1; }
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 is not installed"

directive() { sed -n "s|^[[:space:]]*//[[:space:]]*$1:[[:space:]]*\\(.*[^[:space:]]\\)[[:space:]]*\$|\\1|p" "$2" | head -n 1; }
boot() { # boot INITRAMFS KERNEL_ARGS...: serial output appended to $work/out; nonzero on a bad power-off
    local initramfs=$1
    shift
    timeout 600 qemu-system-x86_64 -kernel "$image" -initrd "$initramfs" -append "$*" -m 1G -accel tcg -cpu max \
        -serial stdio -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        </dev/null 2>/dev/null | tr -d '\r' >>"$work/out"
    [ "${PIPESTATUS[0]}" -eq 1 ]
}

expected=() own_boot=()
echo 'cd /tmp' >"$work/run"
: >"$work/out"
for source in "$guest_src"/*.c; do
    name=$(basename "$source" .c)
    [ -x "$guest_bin/$name" ] || continue
    # A test for one hosted platform (`// platform: systrap`) is about that platform only.
    if [ "$(directive harness "$source")" = skip ] || [ "$(directive bare-metal "$source")" = skip ] ||
        [ -n "$(directive platform "$source")" ]; then
        echo "skipped: $name"
        continue
    fi
    expect=$(directive expect-exit "$source")
    expected+=("$name ${expect:-0}")
    args=$(directive asterix-args "$source")
    # The root is a tmpfs on bare metal already (the initramfs): a --tmpfs DIR goes; and every
    # test runs under /bin/sh here, never as pid 1, so --pid1 changes nothing and goes too.
    args=$(echo "$args" | sed -E 's/(^| )--tmpfs [^ ]+//g; s/(^| )--pid1( |$)/ /g' | xargs)
    if [ -n "$args" ]; then
        [[ $args =~ ^--mem\ [0-9]+[KMG]$ ]] || fail "$name: the bare-metal kernel takes only --mem SIZE (got '$args')"
        own_boot+=("$name $args")
        continue
    fi
    echo "/tests/$name </dev/null; echo \"RESULT $name \$?\"" >>"$work/run"
done
"$here/../../tools/mkinitramfs" "$work/guests.cpio" --guest-tests "$guest_bin" "/t/run=$work/run" || fail "mkinitramfs failed"
status_ok=1
boot "$work/guests.cpio" /bin/sh /t/run || status_ok=0
for line in "${own_boot[@]}"; do
    read -r name args <<<"$line"
    "$here/../../tools/mkinitramfs" "$work/one.cpio" "/t/$name=$guest_bin/$name" || fail "mkinitramfs failed"
    boot "$work/one.cpio" "$args" /bin/sh -c "'/t/$name </dev/null; echo RESULT $name \$?'" || status_ok=0
done
failed=0
for line in "${expected[@]}"; do
    read -r name want <<<"$line"
    got=$(sed -n "s/^RESULT $name \\([0-9]*\\)\$/\\1/p" "$work/out")
    if [ "$got" != "$want" ]; then
        echo "    $name: status '${got:-none}', expected $want"
        failed=$((failed + 1))
    fi
done
echo "    ${#expected[@]} guest tests, $failed with a different result than expected"
if [ "$failed" -ne 0 ] || [ "$status_ok" -ne 1 ]; then
    tail -n 20 "$work/out" | sed 's/^/    | /'
    fail "guest tests on bare metal (a boot did not power off with status 0)"
fi
echo "PASS"
