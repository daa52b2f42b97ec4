#!/usr/bin/env bash
# A guest that spins forever (no syscalls) is preempted and asterix stays killable: SIGTERM
# ends it, and no address-space process outlives it.
#   spin_kill.sh ASTERIX_BIN SPIN_FOREVER_BIN
set -u
asterix=${1:?usage: spin_kill.sh ASTERIX_BIN SPIN_FOREVER_BIN}
spin=${2:?usage: spin_kill.sh ASTERIX_BIN SPIN_FOREVER_BIN}
"$asterix" run "$spin" &
pid=$!
# asterix's host processes: the address-space processes and the template process that clones
# them (its children), so two levels down.
descendants() {
    local child
    for child in $(pgrep -P "$1"); do
        echo "$child"
        pgrep -P "$child"
    done
}
# Wait until an address-space process runs under its seccomp filter (mode 2), up to 10 s since
# a loaded machine starts slowly, then let the guest spin a moment. The template process, and the
# pooled processes not yet given a guest, run no guest code and have no filter yet.
children= seccomp_modes=
for _ in $(seq 1 100); do
    children=$(descendants "$pid")
    seccomp_modes=$(for child in $children; do awk '/^Seccomp:/ { print $2 }' "/proc/$child/status"; done | sort -u | tr '\n' ' ')
    case " $seccomp_modes" in *" 2 "*) break ;; esac
    sleep 0.1
done
sleep 0.2
kill -TERM "$pid"
wait "$pid"
status=$?
# The address-space processes die with asterix; allow them up to 5 s to be gone.
for _ in $(seq 1 50); do
    alive=
    for child in $children; do
        if kill -0 "$child" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$child/status" 2>/dev/null; then
            alive=1
        fi
    done
    [ -z "$alive" ] && break
    sleep 0.1
done
echo "asterix exit status $status; address-space processes while running: $(echo $children)"
[ "$status" -eq 143 ] || { echo "FAIL: expected asterix to die of SIGTERM (143)"; exit 1; }
[ -n "$children" ] || { echo "FAIL: no address-space process seen while running"; exit 1; }
case " $seccomp_modes" in *" 2 "*) ;; *) false ;; esac || { echo "FAIL: address-space processes not under a seccomp filter (modes: $seccomp_modes)"; exit 1; }
for child in $children; do
    if kill -0 "$child" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$child/status" 2>/dev/null; then
        echo "FAIL: address-space process $child outlived asterix"
        exit 1
    fi
done
echo "PASS"
