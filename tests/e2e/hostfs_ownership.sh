#!/usr/bin/env bash
# hostfs ownership, seen from the host: a guest user on a writable --root cannot leave a setuid
# or setgid file, a root-owned file or a mode wider than it asked for on the host. As host root,
# what uid 65534 makes belongs to 65534 with exactly mode & ~umask; run as an unprivileged host
# user, asterix makes files as that user and a guest chown to another user is EPERM.
#   hostfs_ownership.sh ASTERIX_BIN PERM_HOSTFS_BIN
set -u
asterix=${1:?usage: hostfs_ownership.sh ASTERIX_BIN PERM_HOSTFS_BIN}
prog=${2:?usage: hostfs_ownership.sh ASTERIX_BIN PERM_HOSTFS_BIN}
if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: needs host root"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/hostfs_ownership.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
    echo "FAIL  $*"
    failures=$((failures + 1))
}
expect() { # PATH "UID GID MODE"
    local got
    got=$(stat -c '%u %g %a' "$1" 2>&1)
    if [ "$got" = "$2" ]; then echo "PASS  $1: $got"; else fail "$1: got '$got', want '$2'"; fi
}

# As host root.
root=$work/root
mkdir -p "$root/work" "$root/bin"
chmod 0755 "$root" "$root/bin"
chmod 1777 "$root/work"
cp "$prog" "$root/bin/perm_hostfs"
chmod 0755 "$root/bin/perm_hostfs"
if ! timeout -k 5 60 "$asterix" run --root "$root" /bin/perm_hostfs as-root; then
    fail "guest as-root run failed"
fi
expect "$root/work/f777" "65534 65534 777"
expect "$root/work/suid" "65534 65534 755"
expect "$root/work/chmodded" "65534 65534 777"
expect "$root/work/d777" "65534 65534 777"
expect "$root/work/fifo" "65534 65534 666"
expect "$root/work/f755" "65534 65534 755"
expect "$root/work/rootfile" "0 0 640"
got=$(stat -c '%u %g' "$root/work/link" 2>&1)
[ "$got" = "65534 65534" ] && echo "PASS  symlink owner $got" || fail "symlink owner: got '$got'"
# Nothing setuid or setgid anywhere, nothing of root's but what the guest's root made.
found=$(find "$root/work" -perm /6000 -o -user 0 ! -name rootfile ! -path "$root/work")
[ -z "$found" ] && echo "PASS  no setid or root-owned file left by uid 65534" || fail "left on the host: $found"

# As an unprivileged host user (65534): the guest is that user.
plain=$work/plain
mkdir -p "$plain/work" "$plain/bin"
cp "$prog" "$plain/bin/perm_hostfs"
chmod 0755 "$work" "$plain" "$plain/bin" "$plain/bin/perm_hostfs"
chown 65534:65534 "$plain/work"
cp "$asterix" "$work/asterix"
chmod 0755 "$work/asterix"
if ! timeout -k 5 60 setpriv --reuid 65534 --regid 65534 --clear-groups "$work/asterix" run --root "$plain" \
    /bin/perm_hostfs unprivileged; then
    fail "guest unprivileged run failed"
fi
expect "$plain/work/mine" "65534 65534 666"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
