#!/usr/bin/env bash
# Event loops compared with the host: python's selectors.EpollSelector over pipes fed by a child
# process, and the C event loop of tests/guest/event_loop.c (epoll over a pipe, a timerfd, a
# signalfd and an eventfd). Each prints its events in an order the children's pauses fix, so
# the output under asterix must be the native output.
#   event_loops.sh ASTERIX_BIN EVENT_LOOP_BIN [PYTHON3]
set -u
asterix=${1:?usage: event_loops.sh ASTERIX_BIN EVENT_LOOP_BIN [PYTHON3]}
event_loop=${2:?usage: event_loops.sh ASTERIX_BIN EVENT_LOOP_BIN [PYTHON3]}
# The interpreter itself, not a wrapper script (pyenv's shims are bash scripts).
python=${3:-$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

compare() { # NAME COMMAND...: runs natively and under asterix, compares stdout and status
    local name=$1
    shift
    timeout 60 "$@" >"$work/native" 2>"$work/native.err"
    local native_status=$?
    timeout 60 "$asterix" run "$@" >"$work/asterix" 2>"$work/asterix.err"
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
        echo "ok $name ($(wc -l <"$work/native") lines)"
    fi
}

cat >"$work/selector.py" <<'PY'
import os, selectors, time

sel = selectors.EpollSelector()
pipes = [os.pipe() for _ in range(3)]
child = os.fork()
if child == 0:
    for r, _ in pipes:
        os.close(r)
    # Each pipe gets a message in turn, 150 ms apart; then each closes in turn (last first), so
    # that the order of the events never depends on how one wakeup batches them.
    for i, (_, w) in enumerate(pipes):
        time.sleep(0.15)
        os.write(w, b"message %d" % i)
    for _, w in reversed(pipes):
        time.sleep(0.15)
        os.close(w)
    os._exit(0)
for i, (r, w) in enumerate(pipes):
    os.close(w)
    sel.register(r, selectors.EVENT_READ, i)
open_pipes = len(pipes)
while open_pipes:
    events = sel.select(timeout=10)
    assert events, "timed out"
    for key, mask in sorted(events, key=lambda e: e[0].data):
        data = os.read(key.fd, 100)
        if data:
            print("pipe %d: %s" % (key.data, data.decode()))
        else:
            print("pipe %d: closed" % key.data)
            sel.unregister(key.fd)
            open_pipes -= 1
# A write end is writable at once; an empty selector times out.
r, w = os.pipe()
sel.register(w, selectors.EVENT_WRITE, "w")
print("writable:", [(k.data, m) for k, m in sel.select(0)])
sel.unregister(w)
start = time.monotonic()
print("empty:", sel.select(0.05), time.monotonic() - start >= 0.045)
os.waitpid(child, 0)
sel.close()
print("done")
PY

if [ -n "$python" ] && [ -x "$python" ]; then
    compare python-epoll-selector "$python" "$work/selector.py"
else
    echo "skip python-epoll-selector: no python3 on the host"
fi
compare c-event-loop "$event_loop"
exit $failed
