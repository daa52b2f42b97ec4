#!/usr/bin/env bash
# Debian's own dynamically linked programs on the bare-metal kernel (QEMU, TCG): bash, perl and
# coreutils with their shared libraries and ld.so, packed into the initramfs from the host, run
# one script whose output must be what the same script prints on the host.
#   boot_debian.sh KERNEL_IMAGE
set -u
image=${1:?usage: boot_debian.sh KERNEL_IMAGE}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; exit 1; }
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 is not installed"

programs=(/usr/bin/bash /usr/bin/perl /usr/bin/ls /usr/bin/sort /usr/bin/md5sum /usr/bin/wc /usr/bin/cut)
mappings=()
for file in $(for program in "${programs[@]}"; do echo "$program"; ldd "$program" | grep -o '/[^ ]*'; done | sort -u); do
    mappings+=("$file=$(readlink -f "$file")")
done
"$here/../../tools/mkinitramfs" "$work/initramfs.cpio" "${mappings[@]}" || fail "mkinitramfs failed"

# Busybox's applets come first in the kernel's PATH, so the Debian programs are named in full.
script='echo "bash ${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}"
echo hello | /usr/bin/md5sum
printf "pear\napple\nfig\n" | /usr/bin/sort
/usr/bin/perl -e "my %h = (a => 1, b => 2); print join(q(,), map { \"\$_=\$h{\$_}\" } sort keys %h), qq(\n)"
for i in 1 2 3; do (echo "subshell $i") & done | /usr/bin/sort
wait
/usr/bin/ls -l /usr/bin/perl | /usr/bin/cut -d" " -f1,5
/usr/bin/perl -e "print qq(perl \$^V\n)" | /usr/bin/wc -c
echo "status $?"'
expected=$(bash -c "$script") || fail "the script failed on the host"

timeout 300 qemu-system-x86_64 -kernel "$image" -initrd "$work/initramfs.cpio" -m 512M -accel tcg -cpu max \
    -append "/usr/bin/bash -c '${script//\'/\'\\\'\'}'" -serial stdio -display none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null 2>/dev/null | tr -d '\r' >"$work/serial"
status=${PIPESTATUS[0]}
got=$(sed -n '/^Asterix: starting the services/,/^Asterix: powering off/p' "$work/serial" | sed '1d;$d' | grep -v '^asterix: ')
echo "$got" | sed 's/^/    /'
[ "$status" -eq 1 ] || fail "expected bash's status 0 (QEMU status 1), got QEMU status $status"
[ "$got" = "$expected" ] || { diff <(echo "$expected") <(echo "$got"); fail "the output differs from the host's"; }
echo "PASS"
