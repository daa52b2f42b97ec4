#!/usr/bin/env bash
# hostfs sees what host processes do behind the guest's back, even for names the kernel holds
# in its dentry cache: a guest shell keeps files open (so their dentries stay cached), a host
# process then replaces a directory, removes a file, replaces a directory by a file and changes
# a mode and rewrites a file in place that the guest had mapped, and the guest's next lookups
# and mappings must see the host's tree, as the same script run natively does. The outputs of the two runs are compared line by line.
#   hostfs_coherence.sh ASTERIX_BIN
set -u
asterix=${1:?usage: hostfs_coherence.sh ASTERIX_BIN}
work=$(mktemp -d "${TMPDIR:-/tmp}/hostfs_coherence.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# Prints a file's contents read through a mapping of it.
export map_file='import mmap, sys
with open(sys.argv[1], "rb") as f:
    print(mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)[:].decode().strip())'

# The guest's side: cache, tell the host, wait for it (60 s at most), look again.
guest_script='
cd "$1" || exit 1
exec 3<dir/f 4<gone 5<perm 6<swapped/x
cat dir/f
stat -c "perm %a" perm
python3 -c "$map_file" mapped
: >go
while [ ! -e done ] && [ "$SECONDS" -lt 60 ]; do sleep 0.01; done
cat dir/f
cat dir.old/f
cat gone 2>&1 | sed "s/^[^:]*: //"
stat -c "perm %a" perm
cat swapped/x 2>&1 | sed "s/^[^:]*: //"
cat swapped
python3 -c "$map_file" mapped
ls
'

# The host's side: waits for the guest's "go" (60 s at most), then changes the tree.
host_changes() {
    local d=$1 start=$SECONDS
    while [ ! -e "$d/go" ] && [ $((SECONDS - start)) -lt 60 ]; do sleep 0.01; done
    mv "$d/dir" "$d/dir.old"
    mkdir "$d/dir"
    echo new >"$d/dir/f"
    rm "$d/gone"
    chmod 600 "$d/perm"
    rm -r "$d/swapped"
    echo "a file now" >"$d/swapped"
    echo "rewritten in place, longer" >"$d/mapped"
    : >"$d/done"
}

prepare() {
    local d=$1
    mkdir -p "$d/dir" "$d/swapped"
    echo old >"$d/dir/f"
    echo here >"$d/gone"
    echo x >"$d/swapped/x"
    : >"$d/perm"
    chmod 644 "$d/perm"
    echo "first" >"$d/mapped"
}

run_case() { # NAME COMMAND...: runs the guest script under COMMAND with the host's changes
    local d=$work/$1
    shift
    prepare "$d"
    host_changes "$d" &
    local changer=$!
    timeout -k 5 90 "$@" /bin/bash -c "$guest_script" guest "$d" >"$work/$(basename "$d").out" 2>&1
    wait "$changer"
}

failures=0
run_case native
run_case asterix "$asterix" run
if diff -u -a "$work/native.out" "$work/asterix.out"; then
    echo "PASS  hostfs coherence: $(wc -l <"$work/native.out") lines as natively"
else
    echo "FAIL  hostfs coherence: the guest saw a different tree than a native run"
    failures=$((failures + 1))
fi

# open(O_CREAT) without O_EXCL never fails because a host process removes and remakes the
# name meanwhile (Linux's open is atomic): 2000 appends by the guest's shell while a host
# process does so in a loop.
race=$work/race
mkdir "$race"
python3 -c '
import os, sys, time
path, stop = sys.argv[1], sys.argv[2]
end = time.monotonic() + 120
while not os.path.exists(stop) and time.monotonic() < end:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))
' "$race/f" "$race/stop" &
racer=$!
failed=$(timeout -k 5 90 "$asterix" run /bin/bash -c '
n=0
for i in $(seq 2000); do { : >>"$1"; } 2>/dev/null || n=$((n + 1)); done
echo "$n"' guest "$race/f")
: >"$race/stop"
wait "$racer"
if [ "$failed" = 0 ]; then
    echo "PASS  O_CREAT against a host process remaking the name: 2000 opens, none failed"
else
    echo "FAIL  O_CREAT against a host process remaking the name: $failed of 2000 opens failed"
    failures=$((failures + 1))
fi
exit $((failures > 0))
