#!/usr/bin/env bash
# A guest that spins forever (no syscalls) is preempted and asterix stays killable: SIGTERM
# ends it, and no address-space process outlives it.
#   spin_kill.sh ASTERIX_BIN SPIN_FOREVER_BIN
set -u
asterix=${1:?usage: spin_kill.sh ASTERIX_BIN SPIN_FOREVER_BIN}
spin=${2:?usage: spin_kill.sh ASTERIX_BIN SPIN_FOREVER_BIN}
"$asterix" run "$spin" &
pid=$!
sleep 0.5
children=$(pgrep -P "$pid")
# Each address-space process runs under its seccomp filter (mode 2).
seccomp_modes=$(for child in $children; do awk '/^Seccomp:/ { print $2 }' "/proc/$child/status"; done | sort -u)
kill -TERM "$pid"
wait "$pid"
status=$?
sleep 0.3
echo "asterix exit status $status; address-space processes while running: $(echo $children)"
[ "$status" -eq 143 ] || { echo "FAIL: expected asterix to die of SIGTERM (143)"; exit 1; }
[ -n "$children" ] || { echo "FAIL: no address-space process seen while running"; exit 1; }
[ "$seccomp_modes" = 2 ] || { echo "FAIL: address-space processes not under a seccomp filter (modes: $seccomp_modes)"; exit 1; }
for child in $children; do
    if kill -0 "$child" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$child/status" 2>/dev/null; then
        echo "FAIL: address-space process $child outlived asterix"
        exit 1
    fi
done
echo "PASS"
