#!/usr/bin/env bash
# Pseudo-terminals end to end: python's os.openpty() and pty.fork()/pty.spawn() and util-linux's
# `script` run natively and under asterix; their output is compared with the pty number masked
# (a pair's number depends on what else has ptys open). `tty` on a pty must name /dev/pts/N.
#
#   tests/e2e/pty.sh ASTERIX_BIN
set -u
[ $# -eq 1 ] || { echo "usage: $0 ASTERIX_BIN" >&2; exit 2; }
asterix=$1
case $asterix in /*) ;; *) asterix=$PWD/$asterix ;; esac
timeout_s=${E2E_TIMEOUT:-60}
python=$(command -v python3) || { echo "python3 missing" >&2; exit 2; }
python=$(readlink -f "$python")
# A pyenv shim is a script that execs the real interpreter: ask it where that is.
python=$("$python" -c 'import sys; print(sys.executable)')
export LC_ALL=C
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pty-e2e.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
failures=0

cat >"$tmp/openpty.py" <<'PY'
import os, pty
m, s = os.openpty()
print(os.isatty(s), os.ttyname(s).startswith("/dev/pts/"))
os.write(m, b"hello\n")
print(os.read(s, 100), os.read(m, 100))
pid, fd = pty.fork()
if pid == 0:
    os.execv("/bin/sh", ["sh", "-c", "tty; stty size; stty -a | head -1 | cut -d';' -f1"])
out = b""
while True:
    try:
        data = os.read(fd, 1024)
    except OSError:  # EIO: the child's side closed
        break
    if not data:
        break
    out += data
print(out)
print(os.waitpid(pid, 0)[1])
PY
cat >"$tmp/spawn.py" <<'PY'
import pty, sys
status = pty.spawn(["/bin/sh", "-c", "tty; echo spawned"])
print("status", status)
PY

mask() { sed -E 's|/dev/pts/[0-9]+|/dev/pts/N|g' | grep -av '^asterix: '; }

# compare NAME [soft] -- COMMAND...: stdout and exit status, native against asterix.
compare() {
    local name=$1 soft=$2
    shift 3
    local native guest native_rc guest_rc
    native=$(timeout "$timeout_s" "$@" </dev/null 2>&1 | mask; echo "rc=${PIPESTATUS[0]}")
    guest=$(timeout "$timeout_s" "$asterix" run "$@" </dev/null 2>&1 | mask; echo "rc=${PIPESTATUS[0]}")
    if [ "$native" = "$guest" ]; then
        echo "ok   $name"
    elif [ "$soft" = soft ]; then
        echo "WARN $name (known gap)"; diff <(echo "$native") <(echo "$guest") | head -10
    else
        echo "FAIL $name"; diff <(echo "$native") <(echo "$guest") | head -20
        failures=$((failures + 1))
    fi
}

compare openpty hard -- "$python" "$tmp/openpty.py"
compare pty.spawn hard -- "$python" "$tmp/spawn.py"
# script(1): a pty pair, signalfd and poll together.
if [ -x /usr/bin/script ]; then
    compare script hard -- /usr/bin/script -qc 'tty; stty size' /dev/null
fi
# `tty` itself on a pty, under asterix: it must name the slave.
out=$(timeout "$timeout_s" "$asterix" run "$python" -c '
import os, pty
pid, fd = pty.fork()
if pid == 0:
    os.execv("/usr/bin/tty", ["tty"])
data = b""
while True:
    try:
        chunk = os.read(fd, 100)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
print(data.decode().strip())
' </dev/null 2>&1 | grep -av '^asterix: ')
if [[ $out =~ ^/dev/pts/[0-9]+$ ]]; then echo "ok   tty names /dev/pts/N"; else echo "FAIL tty printed: $out"; failures=$((failures + 1)); fi

[ "$failures" -eq 0 ] && echo "pty e2e: all passed" || { echo "pty e2e: $failures failed"; exit 1; }
