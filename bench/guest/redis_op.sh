#!/bin/sh
# redis_op.sh OP [N]: starts redis-server on 127.0.0.1 (a port tried until one is free), runs
# `redis-benchmark -q -n N -t OP` (OP is set or get; 50 clients, redis-benchmark's default)
# against it and prints "RESULT redis_OP ns_per_op=X" with X = 1e9 / requests per second.
op=${1:?usage: redis_op.sh set|get [N]}
n=${2:-2000}
# A read-only root (User-Mode Linux boots the host's / read-only) has no room for a scratch
# folder: the server then works in / and logs nowhere, which it can as it saves nothing.
dir=$(mktemp -d 2>/dev/null) || dir=
pid=
for try in 1 2 3 4 5; do
    port=$((20000 + ($$ * 7 + try * 1013) % 40000))
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "${dir:-/}" \
        --logfile "${dir:+$dir/log}" >/dev/null &
    pid=$!
    # Up to 10 s for it to answer; a server that could not bind its port has exited by then.
    i=0
    while [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null && ! redis-cli -p "$port" PING >/dev/null 2>&1; do
        sleep 0.1
        i=$((i + 1))
    done
    redis-cli -p "$port" PING >/dev/null 2>&1 && break
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=
done
if [ -z "$pid" ]; then
    echo "redis-server did not start" >&2
    [ -z "$dir" ] || rm -rf "$dir"
    exit 1
fi
rps=$(redis-benchmark -p "$port" -q -n "$n" -t "$op" | tr '\r' '\n' |
    sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -n 1)
kill "$pid"
wait "$pid"
[ -z "$dir" ] || rm -rf "$dir"
awk -v r="${rps:-0}" -v op="$op" -v n="$n" \
    'BEGIN { if (r > 0) printf "RESULT redis_%s ns_per_op=%.1f n=%d rps=%s\n", op, 1e9 / r, n, r }'
