#!/usr/bin/env bash
# Extended attributes on hostfs land on the host file itself: what the guest sets, the host
# reads (python's os.getxattr), what the host sets, the guest reads, and on a read-only
# volume (--volume HOST:GUEST:ro) the guest gets EROFS for set and remove.
#   xattr_hostfs.sh ASTERIX_BIN XATTR_HOSTFS_BIN
set -u
asterix=${1:?usage: xattr_hostfs.sh ASTERIX_BIN XATTR_HOSTFS_BIN}
prog=${2:?usage: xattr_hostfs.sh ASTERIX_BIN XATTR_HOSTFS_BIN}
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: needs python3 on the host"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/xattr_hostfs.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
file=$work/f
echo data >"$file"
if ! python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.probe", b"1")' "$file" 2>/dev/null; then
    echo "SKIP: $work has no user.* extended attributes"
    exit 0
fi
failures=0
fail() {
    echo "FAIL  $*"
    failures=$((failures + 1))
}
host_get() { python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], sys.argv[2]).decode())' "$1" "$2" 2>&1; }
guest() { timeout -k 5 60 "$asterix" run "$@"; }

# Guest to host.
guest "$prog" set "$file" user.from_guest "written by the guest" || fail "guest set failed"
got=$(host_get "$file" user.from_guest)
[ "$got" = "written by the guest" ] && echo "PASS  guest set, host read" || fail "host read '$got'"

# Host to guest.
python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.from_host", b"written by the host")' "$file"
got=$(guest "$prog" get "$file" user.from_host 2>&1)
[ "$got" = "written by the host" ] && echo "PASS  host set, guest read" || fail "guest read '$got'"

# A symlink's target is never resolved on the host: the guest sees the file's attributes
# through a link only by following it in the guest, which lands on the same host file.
ln -s f "$work/link"
got=$(guest "$prog" get "$work/link" user.from_host 2>&1)
[ "$got" = "written by the host" ] && echo "PASS  read through a symlink" || fail "through symlink '$got'"

# A read-only volume.
guest --volume "$work:$work:ro" "$prog" erofs "$file" || fail "read-only volume"
got=$(host_get "$file" user.from_host)
[ "$got" = "written by the host" ] && echo "PASS  read-only volume left the attribute" || fail "after ro: '$got'"

[ "$failures" -eq 0 ] || exit 1
echo "xattr_hostfs: ok"
