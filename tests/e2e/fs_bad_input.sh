#!/usr/bin/env bash
# Paths that try to leave the guest's root, and writes to a read-only root: each must stay
# inside the root (a file of the root's own or ENOENT, never the host's), fail with EROFS, and
# leave everything outside the root untouched. Also runs tests/guest/fs_paths (file syscalls
# and their errnos) on hostfs, on a tmpfs, and inside a --root.
#
#   tests/e2e/fs_bad_input.sh ASTERIX_BIN [TESTDIR]
#
# TESTDIR: a host directory to work in (default $TMPDIR or /tmp). The test makes a fresh
# subdirectory there with the guest root, decoy files outside it and sentinels, and removes it
# unless a check failed (it then says where it is).
# FS_PATHS: the static fs_paths binary (default: tests/guest/fs_paths of the build that holds
# ASTERIX_BIN, else compiled here with gcc -static). BUSYBOX: a static busybox (default
# /bin/busybox), copied into the root. E2E_TIMEOUT: seconds per run (default 60).
# Prints PASS/FAIL per check and "N passed, N failed"; exits 1 if any failed.
set -u
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 ASTERIX_BIN [TESTDIR]" >&2
    exit 2
fi
asterix=$1
testdir=${2:-${TMPDIR:-/tmp}}
bb=${BUSYBOX:-/bin/busybox}
timeout_s=${E2E_TIMEOUT:-60}
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$asterix" ] || { echo "asterix binary '$asterix' not found or not executable" >&2; exit 2; }
case $asterix in /*) ;; *) asterix=$PWD/$asterix ;; esac
[ -x "$bb" ] || { echo "busybox '$bb' not found (apt-get install busybox-static)" >&2; exit 2; }
mkdir -p "$testdir" || exit 2
S=$(mktemp -d "$(cd "$testdir" && pwd -P)/fs_bad_input.XXXXXX") || exit 2
mkdir "$S/meta" # the test's own files
limit=()
command -v timeout >/dev/null 2>&1 && limit=(timeout -k 5 "$timeout_s")

fs_paths=${FS_PATHS:-$(dirname "$asterix")/tests/guest/fs_paths}
if [ ! -x "$fs_paths" ]; then
    fs_paths=$S/meta/fs_paths
    gcc -static -O1 -Wall -o "$fs_paths" "$here/../guest/fs_paths.c" || exit 2
fi

# The guest root R, with its own /etc files, and symlinks that point out of it every way.
R=$S/root
mkdir -p "$R/bin" "$R/etc" "$R/data" "$R/tmp" "$R/links" "$R/dev" "$R/proc"
cp "$bb" "$R/bin/busybox"
cp "$fs_paths" "$R/bin/fs_paths"
printf 'inside-root\n' >"$R/etc/hostname"
printf 'root:x:0:0:inside the guest root:/:/bin/sh\n' >"$R/etc/passwd"
printf 'data\n' >"$R/data/file"
printf 'hidden by the tmpfs\n' >"$R/tmp/hostfile"
ln -s /etc/passwd "$R/links/abs"
ln -s ../../../../etc/passwd "$R/links/up"
ln -s abs "$R/links/chain"
ln -s ../../../../../../.. "$R/links/updir"
ln -s .. "$R/links/dotdot"
ln -s / "$R/links/slash"
ln -s "$S/outside/sentinel" "$R/links/tohost"
ln -s "../../../../../../../..$S/outside/sentinel" "$R/links/up_to_host"
# Decoys one level up from the root, where a ".." too many would land, and host sentinels.
mkdir -p "$S/etc" "$S/outside" "$S/work" "$S/tmpfs"
printf 'ESCAPED one level up\n' >"$S/etc/hostname"
printf 'ESCAPED one level up\n' >"$S/etc/passwd"
printf 'host sentinel\n' >"$S/outside/sentinel"
touch -d @1000000000 "$S/outside/sentinel" "$S/etc/hostname" "$S/etc/passwd"
escape=escaped.$$ # names that writes through escaping paths use

# Everything outside the root, to compare at the end: $S, and where an escaped write would land.
outside_state() {
    (cd "$S" && find . -mindepth 1 -path ./root -prune -o -path ./work -prune -o \
        -path ./tmpfs -prune -o -path ./meta -prune -o -printf '%p %y %m %s %T@\n' | sort &&
        cat outside/sentinel etc/hostname etc/passwd)
    ls -d "/$escape".* "$S/../$escape".* 2>/dev/null
}
outside_state >"$S/meta/outside.before"
root_state() { (cd "$R" && find . -printf '%p %y %m %s %T@ %l\n' | sort); }

passed=0 failed=0 failures=() detail_lines=5
out=$S/meta/out err=$S/meta/err status=0

# ax ARGS...: asterix run ARGS, stdin from /dev/null, into $out, $err and $status.
ax() {
    "${limit[@]}" "$asterix" run "$@" </dev/null >"$out" 2>"$err"
    status=$?
}
# bbr ARGS...: busybox inside the root.
bbr() { ax --root "$R" /bin/busybox "$@"; }

# result NAME PROBLEM: PROBLEM empty means the check passed.
result() {
    if [ -z "$2" ]; then
        passed=$((passed + 1))
        echo "PASS  $1"
        return 0
    fi
    failed=$((failed + 1))
    failures+=("$1")
    echo "FAIL  $1: $2"
    [ -s "$out" ] && head -c 600 "$out" | head -n 5 | sed 's/^/      stdout: /'
    [ -s "$err" ] && head -n "$detail_lines" "$err" | sed 's/^/      stderr: /'
    return 0
}

# The last run exited with STATUS and printed exactly STDOUT (a string; "" for nothing).
want() { # want STATUS STDOUT
    local p=
    [ "$status" -eq "$1" ] || p="exit status $status, want $1"
    [ "$(cat "$out")" = "$2" ] ||
        p="${p:+$p; }stdout is not '$(printf '%s' "$2" | head -c 60 | tr '\n' ' ')'"
    grep -q -e ESCAPED -e 'host sentinel' "$out" && p="${p:+$p; }READ A FILE OUTSIDE THE ROOT"
    printf '%s' "$p"
}

# The last run failed (status != 0), printed nothing and said PATTERN on stderr.
want_error() { # want_error PATTERN
    local p=
    [ "$status" -ne 0 ] || p="exit status 0, want a failure"
    [ -s "$out" ] && p="${p:+$p; }stdout not empty"
    grep -q -e ESCAPED -e 'host sentinel' "$out" && p="${p:+$p; }READ A FILE OUTSIDE THE ROOT"
    grep -q -- "$1" "$err" || p="${p:+$p; }stderr does not say '$1'"
    printf '%s' "$p"
}

# ---------------------------------------------------------------------------------------------
# Reads: ".." at the root stays there, symlinks resolve inside the root.
root_passwd=$(cat "$R/etc/passwd")
bbr cat /../../etc/hostname
result "cat /../../etc/hostname" "$(want 0 inside-root)"
bbr cat /etc/../../../etc/passwd
result "cat /etc/../../../etc/passwd" "$(want 0 "$root_passwd")"
ax --root "$R" --cwd /data /bin/busybox cat ../../../../etc/hostname
result "--cwd /data cat ../../../../etc/hostname" "$(want 0 inside-root)"
ax --root "$R" --cwd /../../data /bin/busybox pwd
result "--cwd /../../data pwd" "$(want 0 /data)"
status=0
(cd "$R/data" && "${limit[@]}" "$asterix" run --root "$R" /bin/busybox cat ../../etc/hostname \
    </dev/null >"$out" 2>"$err") || status=$?
result "host cwd inside the root: cat ../../etc/hostname" "$(want 0 inside-root)"
(cd "$R/data" && "${limit[@]}" "$asterix" run --root "$R" /bin/busybox pwd </dev/null \
    >"$out" 2>"$err") && status=0 || status=$?
result "host cwd inside the root: pwd is /data" "$(want 0 /data)"
# A host cwd outside the root must not be reachable (asterix may also refuse to start).
(cd "$S/outside" && "${limit[@]}" "$asterix" run --root "$R" /bin/busybox cat sentinel \
    </dev/null >"$out" 2>"$err") && status=0 || status=$?
p=
[ "$status" -ne 0 ] || p="exit status 0"
grep -q 'host sentinel' "$out" && p="${p:+$p; }READ A FILE OUTSIDE THE ROOT"
result "host cwd outside the root: cat sentinel fails" "$p"

bbr cat /links/abs
result "symlink -> /etc/passwd resolves in the root" "$(want 0 "$root_passwd")"
bbr cat /links/up
result "symlink -> ../../../../etc/passwd resolves in the root" "$(want 0 "$root_passwd")"
bbr cat /links/chain
result "symlink -> symlink -> /etc/passwd" "$(want 0 "$root_passwd")"
bbr cat /links/updir/etc/hostname
result "cat /links/updir/etc/hostname (updir -> ../../../../../../..)" "$(want 0 inside-root)"
bbr cat /links/slash/../etc/hostname
result "cat /links/slash/../etc/hostname" "$(want 0 inside-root)"
bbr ls -1 /links/updir
result "ls /links/updir lists the root" "$(want 0 "$(ls -1 "$R")")"
bbr ls -1 /links/dotdot/../..
result "ls /links/dotdot/../.. lists the root" "$(want 0 "$(ls -1 "$R")")"
bbr cat /links/tohost
result "symlink -> the host path of a file outside: ENOENT" "$(want_error 'No such file')"
bbr cat /links/up_to_host
result "symlink -> ../../..<host path outside>: ENOENT" "$(want_error 'No such file')"
bbr cat "/links/updir$S/outside/sentinel"
result "cat /links/updir<host path outside>: ENOENT" "$(want_error 'No such file')"
bbr cat "/..$S/outside/sentinel"
result "cat /..<host path outside>: ENOENT" "$(want_error 'No such file')"
bbr readlink -f /links/up
result "readlink -f /links/up" "$(want 0 /etc/passwd)"
bbr realpath /links/updir
result "realpath /links/updir" "$(want 0 /)"

# Writes through the same paths land inside the root.
bbr touch "/../../$escape.touch"
p=$(want 0 "")
[ -e "$R/$escape.touch" ] || p="${p:+$p; }$R/$escape.touch not created"
result "touch /../../NAME creates it in the root" "$p"
bbr mkdir "/links/updir/$escape.dir"
p=$(want 0 "")
[ -d "$R/$escape.dir" ] || p="${p:+$p; }$R/$escape.dir not created"
result "mkdir /links/updir/NAME creates it in the root" "$p"
bbr mv /data/file "/../../../$escape.moved"
p=$(want 0 "")
[ -e "$R/$escape.moved" ] || p="${p:+$p; }$R/$escape.moved not there"
result "mv /data/file /../../../NAME stays in the root" "$p"
mv "$R/$escape.moved" "$R/data/file"
bbr cp /etc/hostname /links/tohost
p=
[ "$status" -ne 0 ] || p="exit status 0"
result "cp into symlink -> host path fails (no such directory in the root)" "$p"
ax --root "$R" --cwd /data /bin/busybox tee "../../..$S/outside/sentinel"
p=
[ "$status" -ne 0 ] || p="exit status 0"
result "tee ../../..<host path outside> fails" "$p"
bbr ln -s /etc/hostname /links/new_abs
bbr cat /links/new_abs
result "a symlink made by the guest resolves in the root" "$(want 0 inside-root)"

# ---------------------------------------------------------------------------------------------
# A read-only root: every write fails with EROFS and changes nothing.
root_state >"$S/meta/root.before"
ro() { ax --root "$R" --read-only /bin/busybox "$@"; }
ro touch /newfile
result "--read-only touch /newfile" "$(want_error 'Read-only file system')"
ro mkdir /newdir
result "--read-only mkdir /newdir" "$(want_error 'Read-only file system')"
ro touch /data/file
result "--read-only touch /data/file (utimensat)" "$(want_error 'Read-only file system')"
ro rm /data/file
result "--read-only rm /data/file" "$(want_error 'Read-only file system')"
ro rmdir /proc
p=$(want_error 'Read-only file system\|Device or resource busy')
result "--read-only rmdir /proc" "$p"
ro mv /data/file /data/moved
result "--read-only mv" "$(want_error 'Read-only file system')"
ro ln -s x /data/link
result "--read-only ln -s" "$(want_error 'Read-only file system')"
ro ln /data/file /data/hardlink
result "--read-only ln" "$(want_error 'Read-only file system')"
ro chmod 777 /data/file
result "--read-only chmod" "$(want_error 'Read-only file system')"
ro cp /etc/hostname /data/file
result "--read-only cp over a file (open O_TRUNC)" "$(want_error 'Read-only file system')"
ro truncate -s 0 /data/file
result "--read-only truncate" "$(want_error 'Read-only file system')"
ro tee -a /data/file
result "--read-only tee -a (open O_APPEND)" "$(want_error 'Read-only file system')"
ro cat /etc/hostname
result "--read-only cat still reads" "$(want 0 inside-root)"
ax --root "$R" --read-only --tmpfs /tmp /bin/busybox ls -A /tmp
result "--tmpfs /tmp starts empty (hides the root's /tmp)" "$(want 0 "")"
ax --root "$R" --read-only --tmpfs /tmp /bin/busybox touch /tmp/new
p=$(want 0 "")
[ -e "$R/tmp/new" ] && p="${p:+$p; }created $R/tmp/new on the host"
result "--read-only --tmpfs /tmp: touch /tmp/new works, in memory" "$p"
root_state >"$S/meta/root.after"
p=
cmp -s "$S/meta/root.before" "$S/meta/root.after" ||
    p="the root changed: $(diff "$S/meta/root.before" "$S/meta/root.after" | head -n 4 |
        tr '\n' ' ')"
result "--read-only left the root as it was" "$p"

# The default root (/) read-only, with dynamically linked Debian tools.
ax --read-only /usr/bin/touch "$S/ro_probe"
p=$(want_error 'Read-only file system')
[ -e "$S/ro_probe" ] && p="${p:+$p; }$S/ro_probe was created"
result "--read-only (root /) Debian touch" "$p"
ax --read-only /usr/bin/mkdir "$S/ro_dir"
p=$(want_error 'Read-only file system')
[ -e "$S/ro_dir" ] && p="${p:+$p; }$S/ro_dir was created"
result "--read-only (root /) Debian mkdir" "$p"
ax --read-only /usr/bin/cp "$R/etc/hostname" "$S/outside/sentinel"
result "--read-only (root /) Debian cp over a file" "$(want_error 'Read-only file system')"

# ---------------------------------------------------------------------------------------------
# Host files that a guest only reads are not open for writing in asterix: that would let a bug
# write to them, and makes the host's own exec of them fail with ETXTBSY (an early build opened
# the program, libc.so.6 and the locale files O_RDWR).
"$asterix" run /usr/bin/sleep 3 </dev/null >/dev/null 2>"$err" &
guest=$!
sleep 1.5
writable=
for fd in "/proc/$guest/fd/"*; do
    [ "${fd##*/}" -gt 2 ] || continue # the guest's stdin, stdout and stderr are ours
    target=$(readlink "$fd") || continue
    flags=$(awk '/^flags:/ { print $2 }' "/proc/$guest/fdinfo/${fd##*/}" 2>/dev/null) || continue
    [ -f "$target" ] && [ $((8#${flags:-0} & 3)) -ne 0 ] && writable+=" $target"
done
/usr/bin/sleep 0 2>"$out" && status=0 || status=$?
wait "$guest"
p=
[ -z "$writable" ] || p="open for writing:$writable"
[ "$status" -eq 0 ] || p="${p:+$p; }the host could not exec /usr/bin/sleep ($(cat "$out"))"
result "a running guest holds no host file open for writing (no ETXTBSY)" "$p"

# ---------------------------------------------------------------------------------------------
# fs_paths: file syscalls and their errnos, on each filesystem.
fs_paths_run() { # fs_paths_run NAME ASTERIX_ARGS...
    local name=$1
    shift
    ax "$@"
    local p=
    [ "$status" -eq 0 ] || p="exit status $status"
    detail_lines=40
    result "$name" "$p"
    detail_lines=5
}
fs_paths_run "fs_paths on hostfs" "$fs_paths" "$S/work"
fs_paths_run "fs_paths on a tmpfs, EXDEV to hostfs" --tmpfs "$S/tmpfs" "$fs_paths" "$S/tmpfs" \
    "$S/work"
fs_paths_run "fs_paths inside --root" --root "$R" /bin/fs_paths /data
fs_paths_run "fs_paths on --tmpfs in a read-only root" --root "$R" --read-only --tmpfs /tmp \
    /bin/fs_paths /tmp

# ---------------------------------------------------------------------------------------------
outside_state >"$S/meta/outside.after"
p=
cmp -s "$S/meta/outside.before" "$S/meta/outside.after" ||
    p="changed: $(diff "$S/meta/outside.before" "$S/meta/outside.after" | head -n 6 | tr '\n' ' ')"
result "nothing outside the root changed (sentinels, decoys, /$escape)" "$p"
rm -rf "/$escape".* "$S/../$escape".* 2>/dev/null

[ "$failed" -eq 0 ] || (IFS=';'; echo "failed: ${failures[*]}")
if [ "$failed" -eq 0 ]; then
    rm -rf "$S"
else
    echo "kept $S for inspection"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
