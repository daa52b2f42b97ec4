#!/usr/bin/env bash
# Real programs that live on sockets, run in one guest and compared with the host: redis-server
# on the guest's 127.0.0.1 with redis-cli SET/GET and redis-benchmark; a tmux server started
# detached, sent keys and captured; python asyncio with timers, subprocesses and executors.
# Parts whose programs are not installed are skipped (tools/install-deps installs them); the
# test exits 77 when every part was skipped.
#   net_apps.sh ASTERIX_BIN [PYTHON3]
set -u
asterix=${1:?usage: net_apps.sh ASTERIX_BIN [PYTHON3]}
python=${2:-$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
ran=0

compare() { # NAME COMMAND...: runs natively and under asterix, compares stdout and status
    local name=$1
    shift
    ran=1
    timeout 120 "$@" native >"$work/native" 2>"$work/native.err"
    local native_status=$?
    timeout 120 "$asterix" run "$@" asterix >"$work/asterix" 2>"$work/asterix.err"
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

# redis: the guest has a loopback of its own, so any port is free in it; the native run needs
# one that is free on the host, which the host's kernel picks (and both runs use it, so their
# outputs match). The benchmark's rates vary: only its lines' shape is compared.
if command -v redis-server >/dev/null && command -v redis-cli >/dev/null && command -v redis-benchmark >/dev/null; then
    cat >"$work/redis.sh" <<'SH'
port=$1 dir=$2/redis-$3
mkdir -p "$dir"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --dir "$dir" --logfile "$dir/redis.log" &
server=$!
# Wait (at most 30 s, by the clock) for the server to answer.
deadline=$(($(date +%s) + 30))
until redis-cli -p "$port" PING >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "redis-server never answered"; cat "$dir/redis.log"; exit 1; }
    sleep 0.1
done
redis-cli -p "$port" SET greeting "hello from redis"
redis-cli -p "$port" GET greeting
redis-cli -p "$port" INCRBY counter 41
redis-cli -p "$port" INCR counter
redis-cli -p "$port" RPUSH list a b c
redis-cli -p "$port" LRANGE list 0 -1
redis-cli -p "$port" GET missing
redis-benchmark -p "$port" -q -n 2000 -t set,get | tr '\r' '\n' | grep 'requests per second' |
    sed 's/: [0-9.]* requests per second.*/: N requests per second/'
redis-cli -p "$port" DBSIZE
kill "$server"
wait "$server"
echo "server exit $?"
SH
    port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    compare redis /bin/bash "$work/redis.sh" "$port" "$work"
else
    echo "skip redis: redis-server, redis-cli or redis-benchmark is not installed"
fi

# tmux: a server started detached (no terminal), a shell in its pane that runs what send-keys
# types, the pane captured; the socket is the test's, so no other tmux is involved. Windows are
# named, as automatic renaming follows whichever command runs in the pane when tmux looks.
if command -v tmux >/dev/null; then
    cat >"$work/tmux.sh" <<'SH'
socket=$1/tmux-$2
tmux() { command tmux -f /dev/null -S "$socket" "$@"; }
unset TMUX
tmux new-session -d -s guest -n first -x 80 -y 24 'PS1="$ " exec sh'
# Keys typed before the shell's first prompt would be echoed ahead of it: wait for the prompt.
deadline=$(($(date +%s) + 30))
until tmux capture-pane -p -t guest | grep -q '^\$'; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "the pane never showed a prompt"; break; }
    sleep 0.1
done
tmux send-keys -t guest 'echo hello from $((6 * 7))' Enter
until tmux capture-pane -p -t guest | grep -q '^hello from 42'; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "the pane never showed the output"; break; }
    sleep 0.1
done
tmux capture-pane -p -t guest | grep -v '^$'
tmux new-window -t guest -n second
tmux list-windows -t guest -F '#{window_index} #{window_name} #{window_width}x#{window_height}'
tmux display-message -p -t guest '#{session_name} #{session_windows}'
tmux kill-server
echo "kill-server $?"
SH
    compare tmux /bin/bash "$work/tmux.sh" "$work"
else
    echo "skip tmux: not installed"
fi

if [ -n "$python" ]; then
    cat >"$work/aio.py" <<'PY'
import asyncio, concurrent.futures, sys, time

def blocking(n):
    time.sleep(0.05)
    return sum(range(n))

async def main():
    loop = asyncio.get_running_loop()
    # Timers fire in deadline order whatever order they were made in.
    order = []
    done = loop.create_future()
    for delay, name in [(0.15, "c"), (0.05, "a"), (0.1, "b")]:
        loop.call_later(delay, order.append, name)
    loop.call_later(0.2, done.set_result, None)
    await done
    print("timers", order)
    start = loop.time()
    await asyncio.sleep(0.1)
    print("slept long enough", loop.time() - start >= 0.099)
    try:
        await asyncio.wait_for(asyncio.sleep(60), 0.05)
    except asyncio.TimeoutError:
        print("wait_for timed out")
    # Subprocesses: pipes both ways, exit codes, several at once.
    proc = await asyncio.create_subprocess_exec("tr", "a-z", "A-Z", stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate(b"through a pipe\n")
    print("tr", proc.returncode, out)
    procs = [await asyncio.create_subprocess_shell("exit %d" % i) for i in range(4)]
    print("codes", [await p.wait() for p in procs])
    shell = await asyncio.create_subprocess_shell("echo out; echo err >&2", stdout=asyncio.subprocess.PIPE,
                                                  stderr=asyncio.subprocess.PIPE)
    print("shell", await shell.communicate())
    # Executors: the default thread pool, one of our own, and a process pool.
    print("thread", await loop.run_in_executor(None, blocking, 1000))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        print("threads", await asyncio.gather(*[loop.run_in_executor(pool, blocking, n) for n in range(5)]))
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        print("processes", await asyncio.gather(*[loop.run_in_executor(pool, blocking, n) for n in (10, 100)]))

asyncio.run(main())
PY
    compare asyncio "$python" "$work/aio.py"
fi

[ "$ran" -eq 1 ] || exit 77
exit $failed
