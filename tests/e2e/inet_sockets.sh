#!/usr/bin/env bash
# TCP/IP over the guest's loopback compared with the host: `python3 -m http.server` on 127.0.0.1
# fetched with urllib by another process of the same guest, and an asyncio TCP echo server and
# client over 127.0.0.1 and ::1. Ports are the kernel's choice, so the tests need no free port.
#   inet_sockets.sh ASTERIX_BIN [PYTHON3]
set -u
asterix=${1:?usage: inet_sockets.sh ASTERIX_BIN [PYTHON3]}
python=${2:-$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)}
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

mkdir -p "$work/site/sub"
printf 'hello over http\n' >"$work/site/hello.txt"
printf 'nested\n' >"$work/site/sub/nested.txt"

cat >"$work/fetch.py" <<'PY'
import subprocess, sys, urllib.request, urllib.error

site = sys.argv[1]
server = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                           "--directory", site], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
try:
    # "Serving HTTP on 127.0.0.1 port N (http://127.0.0.1:N/) ..."
    line = server.stdout.readline().decode()
    port = int(line.split(" port ")[1].split()[0])
    base = "http://127.0.0.1:%d/" % port
    for path in ["hello.txt", "sub/nested.txt", "sub/"]:
        with urllib.request.urlopen(base + path, timeout=20) as reply:
            body = reply.read().decode()
            print(path, reply.status, reply.headers["Content-Type"])
            print(body if not path.endswith("/") else ("nested.txt" in body))
    try:
        urllib.request.urlopen(base + "missing", timeout=20)
    except urllib.error.HTTPError as error:
        print("missing", error.code)
finally:
    server.terminate()
    server.wait()
PY
compare http_server "$python" "$work/fetch.py" "$work/site"

cat >"$work/echo.py" <<'PY'
import asyncio

async def handle(reader, writer):
    while data := await reader.readline():
        writer.write(data.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()

async def run(host):
    server = await asyncio.start_server(handle, host, 0, limit=1 << 20)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
    for i in range(5):
        writer.write(b"line %d from %s\n" % (i, host.encode()))
        await writer.drain()
        print((await asyncio.wait_for(reader.readline(), 20)).decode(), end="")
    # A large message crosses many segments and both windows.
    writer.write(b"x" * 300000 + b"\n")
    await writer.drain()
    reply = await asyncio.wait_for(reader.readline(), 20)
    print(len(reply), reply[:3])
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()

asyncio.run(run("127.0.0.1"))
asyncio.run(run("::1"))
PY
compare asyncio_echo "$python" "$work/echo.py"

exit $failed
