#!/usr/bin/env bash
# Tools built on event files and locks, compared with the host: two processes contending with
# flock(1); inotifywait reporting a file another process creates; vim starting and quitting
# without an error; top -b -n1 listing the processes with their state and memory. A tool
# missing on the host is skipped (tools/install-deps installs them); 77 when none ran.
#   event_tools.sh ASTERIX_BIN
set -u
asterix=${1:?usage: event_tools.sh ASTERIX_BIN}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
ran=0

compare() { # NAME SCRIPT: runs the shell script natively and under asterix, compares stdout and status
    local name=$1 script=$2
    ran=1
    timeout 60 /bin/sh -c "$script" >"$work/native" 2>"$work/native.err"
    local native_status=$?
    timeout 60 "$asterix" run /bin/sh -c "$script" >"$work/asterix" 2>"$work/asterix.err"
    local asterix_status=$?
    if [ "$native_status" -ne 0 ]; then
        echo "FAIL $name: the native run failed ($native_status):" && cat "$work/native.err"
        failed=1
    elif [ "$asterix_status" -ne "$native_status" ] || ! cmp -s "$work/native" "$work/asterix"; then
        echo "FAIL $name: status $asterix_status (native $native_status); output differs:"
        diff "$work/native" "$work/asterix"
        cat "$work/asterix.err"
        failed=1
    else
        echo "ok $name"
    fi
}

has() { command -v "$1" >/dev/null 2>&1 || { echo "skip: $1 is not installed"; return 1; }; }

if has flock; then
    compare flock '
        f=$(mktemp /tmp/event_tools.XXXXXX)
        flock -x "$f" -c "sleep 0.6" &
        sleep 0.2
        flock -n "$f" -c "echo unexpected" || echo busy
        flock -w 10 "$f" -c "echo got it"
        wait
        rm -f "$f"'
fi

if has inotifywait; then
    compare inotifywait '
        d=$(mktemp -d /tmp/event_tools.XXXXXX)
        (sleep 0.5; touch "$d/new") &
        inotifywait -q -t 10 -e create --format "%e %f" "$d"
        wait
        rm -rf "$d"'
fi

if has vim; then
    compare vim '
        vim -es -N -u NONE -c "qa!" </dev/null
        echo "vim $?"'
    if grep -q "E[0-9]*:" "$work/asterix.err"; then
        echo "FAIL vim: errors under asterix:" && cat "$work/asterix.err"
        failed=1
    fi
fi

if has top; then
    # top's numbers differ between runs; what must hold is its shape: a task count and a line
    # for itself in state R with its memory.
    ran=1
    timeout 60 "$asterix" run /bin/sh -c 'top -b -n1 -w 200' >"$work/top" 2>"$work/top.err"
    status=$?
    if [ "$status" -ne 0 ] || ! grep -Eq '^Tasks: +[1-9][0-9]* total' "$work/top" \
        || ! grep -Eq '^ *[0-9]+ +[^ ]+ +[-0-9]+ +[-0-9]+ +[0-9.]+[kmg]? +[0-9.]+[kmg]? +[0-9.]+[kmg]? +R .* top *$' "$work/top"; then
        echo "FAIL top: status $status" && cat "$work/top" "$work/top.err"
        failed=1
    else
        echo "ok top"
    fi
fi

if has htop && has script; then
    # htop needs a terminal: script(1) on the host gives it a pty, and a "q" typed after it
    # has drawn ends it. Its screen must list the guest's processes (a "sleep" started for it).
    ran=1
    (sleep 4; printf q) | timeout 60 script -qfc "$asterix run /bin/sh -c 'sleep 20 & TERM=xterm htop'" /dev/null \
        >"$work/htop" 2>&1
    status=$?
    if [ "$status" -ne 0 ] || ! grep -aq 'sleep 20' "$work/htop" || ! grep -aq 'Tasks:' "$work/htop"; then
        echo "FAIL htop: status $status" && tr -c '[:print:]\n' ' ' <"$work/htop" | tail -n 20
        failed=1
    else
        echo "ok htop"
    fi
fi

if has dmesg; then
    # dmesg finds no /dev/kmsg in the guest and reads the kernel's ring through syslog(2): its
    # first line is the kernel's banner, each line with dmesg's own "[seconds]" time.
    ran=1
    timeout 60 "$asterix" run /bin/sh -c 'dmesg; echo "raw: $(dmesg -r | head -n1)"' >"$work/dmesg" 2>"$work/dmesg.err"
    status=$?
    if [ "$status" -ne 0 ] || ! grep -Eq '^\[ *[0-9]+\.[0-9]{6}\] Linux version .*asterix' "$work/dmesg" \
        || ! grep -Eq '^raw: <6>\[ *[0-9]+\.[0-9]{6}\] Linux version' "$work/dmesg"; then
        echo "FAIL dmesg: status $status" && cat "$work/dmesg" "$work/dmesg.err"
        failed=1
    else
        echo "ok dmesg"
    fi
fi

[ "$ran" -eq 1 ] || exit 77
exit "$failed"
