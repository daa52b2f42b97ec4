#!/usr/bin/env bash
# The tests/guest programs inside the bare-metal kernel: one QEMU boot (TCG) with an initramfs
# of busybox and every guest test; /bin/sh runs each and prints its exit status, which must be
# the one its source expects (the same expectation as hosted, `// expect-exit: N`, default 0).
# Tests that need asterix options (`// asterix-args:`, e.g. --mem) or never end
# (`// harness: skip`) are left out, as are the known differences listed below.
#   boot_guests.sh KERNEL_IMAGE GUEST_BIN_DIR GUEST_SOURCE_DIR
set -u
image=${1:?usage: boot_guests.sh KERNEL_IMAGE GUEST_BIN_DIR GUEST_SOURCE_DIR}
guest_bin=$(cd "${2:?}" && pwd) guest_src=$(cd "${3:?}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; exit 1; }
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 is not installed"

# FIXME(issue 6): on bare metal the first SIGILL of sigsegv_longjmp's ud2 check is not seen as
# SIGILL/ILL_ILLOPN by the handler (the second one is).
known_differences=" sigsegv_longjmp "

directive() { sed -n "s|^[[:space:]]*//[[:space:]]*$1:[[:space:]]*\\(.*[^[:space:]]\\)[[:space:]]*\$|\\1|p" "$2" | head -n 1; }
mappings=() expected=()
echo 'cd /tmp' >"$work/run"
for source in "$guest_src"/*.c; do
    name=$(basename "$source" .c)
    [ -x "$guest_bin/$name" ] || continue
    if [ "$(directive harness "$source")" = skip ] || [ -n "$(directive asterix-args "$source")" ] \
        || [[ $known_differences == *" $name "* ]]; then
        echo "skipped: $name"
        continue
    fi
    expect=$(directive expect-exit "$source")
    expected+=("$name ${expect:-0}")
    mappings+=("/t/$name=$guest_bin/$name")
    echo "/t/$name </dev/null; echo \"RESULT $name \$?\"" >>"$work/run"
done
"$here/../../tools/mkinitramfs" "$work/guests.cpio" "${mappings[@]}" "/t/run=$work/run" || fail "mkinitramfs failed"

timeout 600 qemu-system-x86_64 -kernel "$image" -initrd "$work/guests.cpio" -append "/bin/sh /t/run" -m 1G \
    -accel tcg -serial stdio -display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    </dev/null >"$work/serial" 2>/dev/null
status=$?
tr -d '\r' <"$work/serial" >"$work/out"
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
if [ "$failed" -ne 0 ] || [ "$status" -ne 1 ]; then
    tail -n 20 "$work/out" | sed 's/^/    | /'
    fail "guest tests on bare metal (QEMU status $status)"
fi
echo "PASS"
