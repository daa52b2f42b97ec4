#!/usr/bin/env bash
# The hosted console's name: asterix runs on a host terminal (script(1) gives it a pty), and in
# the guest `tty`, ps's TTY and TPGID columns, readlink /proc/self/fd/0 and the device node
# itself must agree on one name: /dev/console (5:1), which no devpts number can take. The same
# checks run natively first, on script's pty, so the checks themselves are known to hold there.
#
#   tests/e2e/console_name.sh ASTERIX_BIN
set -u
[ $# -eq 1 ] || { echo "usage: $0 ASTERIX_BIN" >&2; exit 2; }
asterix=$1
case $asterix in /*) ;; *) asterix=$PWD/$asterix ;; esac
timeout_s=${E2E_TIMEOUT:-60}
command -v script >/dev/null || { echo "script(1) missing: skipped"; exit 77; }
command -v ps >/dev/null || { echo "ps missing: skipped"; exit 77; }
export LC_ALL=C
tmp=$(mktemp -d "${TMPDIR:-/tmp}/console-name.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
failures=0

# One line per fact, read back below. The shell's group is the terminal's foreground group:
# script makes its child a session leader on the pty, and a shell without job control keeps
# its group.
cat >"$tmp/probe.sh" <<'SH'
echo "tty=$(tty)"
echo "ps=$(ps -o tty=,tpgid= -p $$ | tr -s ' ' | sed 's/^ //')"
echo "pgid=$(ps -o pgid= -p $$ | tr -d ' ')"
echo "fd0=$(readlink /proc/self/fd/0)"
name=$(tty)
echo "node=$(stat -L -c '%F %t:%T' "$name")"
echo "fd0node=$(stat -L -c '%t:%T' /proc/self/fd/0)"
echo "stat=$(cut -d' ' -f7,8 /proc/$$/stat)"
SH

# check WHERE OUTPUT EXPECTED_NAME_PATTERN
check() {
    local where=$1 out=$2 pattern=$3
    local tty ps_tty ps_tpgid pgid fd0 node fd0node
    tty=$(sed -n 's/^tty=//p' <<<"$out" | tr -d '\r')
    read -r ps_tty ps_tpgid < <(sed -n 's/^ps=//p' <<<"$out" | tr -d '\r')
    pgid=$(sed -n 's/^pgid=//p' <<<"$out" | tr -d '\r')
    fd0=$(sed -n 's/^fd0=//p' <<<"$out" | tr -d '\r')
    node=$(sed -n 's/^node=//p' <<<"$out" | tr -d '\r')
    fd0node=$(sed -n 's/^fd0node=//p' <<<"$out" | tr -d '\r')
    local bad=""
    [[ $tty =~ $pattern ]] || bad+=" tty=$tty"
    [ "$fd0" = "$tty" ] || bad+=" readlink=$fd0"
    [ "/dev/$ps_tty" = "$tty" ] || bad+=" ps-tty=$ps_tty"
    [ -n "$pgid" ] && [ "$ps_tpgid" = "$pgid" ] || bad+=" tpgid=$ps_tpgid(pgid $pgid)"
    [[ $node == "character special file "* ]] || bad+=" node=$node"
    [ "${node##* }" = "$fd0node" ] || bad+=" node-rdev=${node##* } fd0-rdev=$fd0node"
    if [ -z "$bad" ]; then
        echo "ok   $where: $tty, ps ${ps_tty} tpgid ${ps_tpgid}, device ${node##* }"
    else
        echo "FAIL $where:$bad"
        printf '%s\n' "$out" | sed 's/^/    /'
        failures=$((failures + 1))
    fi
}

native=$(timeout "$timeout_s" script -qc "sh $tmp/probe.sh" /dev/null </dev/null 2>&1)
check native "$native" '^/dev/pts/[0-9]+$'

guest=$(timeout "$timeout_s" script -qc "$asterix run /bin/sh $tmp/probe.sh" /dev/null </dev/null 2>&1)
check asterix "$guest" '^/dev/console$'
# The console's own number: major 5, minor 1 (hex in stat's %t:%T), also in /proc/PID/stat.
if grep -q '^node=character special file 5:1' <<<"$(tr -d '\r' <<<"$guest")" \
    && grep -q '^stat=1281 ' <<<"$(tr -d '\r' <<<"$guest")"; then
    echo "ok   asterix: /dev/console is 5:1, tty_nr 1281"
else
    echo "FAIL asterix: the console's device number"; printf '%s\n' "$guest" | sed 's/^/    /'
    failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] && echo "console name e2e: all passed" || { echo "console name e2e: $failures failed"; exit 1; }
