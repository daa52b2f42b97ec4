#!/usr/bin/env bash
# Packs examples/initramfs/init.c (built static) as /init of an initramfs, then boots it:
# hosted with `asterix run --initramfs` (MODE hosted), or bare metal in QEMU with
# `./asterix boot --initrd` (MODE qemu, minutes under TCG).
#
#   examples/initramfs/boot_init.sh hosted|qemu ASTERIX_BIN INIT_BIN
set -eu
mode=${1:?usage: boot_init.sh hosted|qemu ASTERIX_BIN INIT_BIN}
asterix=${2:?} init=${3:?}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/initramfs-example.XXXXXX")
trap 'rm -rf "$work"' EXIT

# tools/mkinitramfs packs busybox and a few directories; GUEST=HOST adds our init.
"$top/tools/mkinitramfs" "$work/initramfs.cpio" "/init=$init"
echo "packed $(wc -c <"$work/initramfs.cpio") bytes"

if [ "$mode" = hosted ]; then
    "$asterix" run --initramfs "$work/initramfs.cpio" --pid1 /init
    echo "asterix exited with $?"
else
    # QEMU's status is the kernel's power-off code C as (C << 1) | 1: 1 when init returned 0.
    set +e
    ASTERIX_BUILD_DIR=$(dirname "$asterix") timeout 600 "$top/asterix" boot --initrd "$work/initramfs.cpio" -- /init \
        </dev/null | tr -d '\r'
    status=${PIPESTATUS[0]}
    set -e
    echo "qemu exited with $status (init's status $((status >> 1)))"
    [ "$status" -eq 1 ]
fi
