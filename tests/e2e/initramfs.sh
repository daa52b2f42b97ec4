#!/usr/bin/env bash
# The initramfs root, hosted: tools/mkinitramfs packs Debian's busybox-static and the guest
# test programs into a cpio newc archive; `asterix run --initramfs` unpacks it into a tmpfs
# root (the way the bare-metal kernel boots) and runs the issue's busybox command line and every
# tests/guest program there, each with the same expected result as on the host-file root. A
# corrupt or unreadable archive and a missing init get a message and a non-zero status.
#   initramfs.sh ASTERIX GUEST_BIN_DIR GUEST_SOURCE_DIR
set -u
asterix=${1:?usage: initramfs.sh ASTERIX GUEST_BIN_DIR GUEST_SOURCE_DIR}
guest_bin=$(cd "${2:?}" && pwd) guest_src=$(cd "${3:?}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; exit 1; }

[ -x /bin/busybox ] || fail "busybox-static is not installed"
"$here/../../tools/mkinitramfs" "$work/busybox.cpio" || fail "mkinitramfs failed"

echo "busybox sh in the initramfs root:"
out=$("$asterix" run --initramfs "$work/busybox.cpio" /bin/busybox sh -c \
    'echo hello from bare metal; ls /; cat /proc/self/stat; ls /usr' 2>&1)
status=$?
echo "$out" | sed 's/^/    /'
[ "$status" -eq 1 ] || fail "expected status 1 (from 'ls /usr'), got $status"
echo "$out" | grep -qx 'hello from bare metal' || fail "no greeting"
[ "$(echo "$out" | sed -n '2,8p' | tr '\n' ' ')" = "bin dev etc mnt proc root tmp " ] || fail "ls / does not show the archive's tree"
echo "$out" | grep -qE '^[0-9]+ \(cat\) R [0-9]+' || fail "no /proc/self/stat line"
echo "$out" | grep -q "ls: /usr: No such file or directory" || fail "a host directory is visible"

echo "bad archives and a missing init:"
head -c 300 "$work/busybox.cpio" >"$work/truncated.cpio"
msg=$("$asterix" run --initramfs "$work/truncated.cpio" /bin/sh 2>&1)
status=$?
echo "    $msg"
[ "$status" -ne 0 ] || fail "a truncated archive booted"
echo "$msg" | grep -q "cannot unpack the initramfs: Invalid argument: file data runs past the end" || fail "no message for a truncated archive"
head -c 200 /dev/zero | tr '\0' 'x' >"$work/garbage.cpio"
msg=$("$asterix" run --initramfs "$work/garbage.cpio" /bin/sh 2>&1)
status=$?
echo "    $msg"
[ "$status" -ne 0 ] && echo "$msg" | grep -q "bad magic" || fail "no message for garbage"
msg=$("$asterix" run --initramfs "$work/busybox.cpio" /sbin/init 2>&1)
status=$?
echo "    $msg"
[ "$status" -eq 127 ] && echo "$msg" | grep -q "/sbin/init: program not found" || fail "a missing init: status $status"
msg=$("$asterix" run --initramfs "$work/none.cpio" /bin/sh 2>&1)
[ $? -eq 2 ] && echo "$msg" | grep -q "cannot read initramfs" || fail "an unreadable archive was not refused"

echo "the guest tests in the initramfs root:"
# Each test gets an archive of busybox and itself, at its host path (the harness passes that
# path); run_guest_test.sh calls `RUNNER run ARGS... BINARY` and this runner adds --initramfs.
printf '#!/bin/sh\nshift\nexec "%s" run --initramfs "%s" "$@"\n' "$asterix" "$work/guest.cpio" >"$work/runner"
chmod +x "$work/runner"
failed=0 passed=0
# The platform the tests run on, for their `// platform:` directives: the ptrace link's, or the default.
platform=systrap
[ "$(basename "$asterix")" = asterix-ptrace ] && platform=ptrace
for source in "$guest_src"/*.c; do
    name=$(basename "$source" .c)
    [ -x "$guest_bin/$name" ] || continue
    grep -qE '^[[:space:]]*//[[:space:]]*harness:[[:space:]]*skip' "$source" && continue # never ends
    "$here/../../tools/mkinitramfs" "$work/guest.cpio" "$guest_bin/$name=$guest_bin/$name" || fail "mkinitramfs failed"
    if result=$(GUEST_TEST_SKIP_STATUS=0 GUEST_TEST_PLATFORM=$platform bash "$guest_src/run_guest_test.sh" "$work/runner" "$guest_bin/$name" "$source" 2>&1 >/dev/null); then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "    $name: $(echo "$result" | tail -n 1)"
    fi
done
echo "    $passed passed, $failed failed"
[ "$failed" -eq 0 ] || fail "guest tests failed in the initramfs root"
echo "PASS"
