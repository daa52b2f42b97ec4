#!/usr/bin/env bash
# TCP/IP over the guest's loopback compared with the host: `python3 -m http.server` on 127.0.0.1
# fetched with urllib (and curl, where installed) by other processes of the same guest, and an asyncio TCP echo server and
# client over 127.0.0.1 and ::1, and what /proc/net/{tcp,udp6,dev} show of the guest's own
# sockets. Ports are the kernel's choice, so the tests need no free port.
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
import shutil, subprocess, sys, urllib.request, urllib.error

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
    # curl, where installed, is a second client (its own resolver and socket calls).
    if shutil.which("curl"):
        fetched = subprocess.run(["curl", "-s", "-S", base + "hello.txt"], capture_output=True, timeout=20)
        print("curl", fetched.returncode, fetched.stdout.decode(), end="")
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

cat >"$work/mapped.py" <<'PY'
# AF_INET6 sockets talking IPv4 through ::ffff:0:0/96, over TCP and UDP.
import socket
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
port = listener.getsockname()[1]
client = socket.socket(socket.AF_INET6)
client.connect(("::ffff:127.0.0.1", port))
print(client.getpeername()[0], client.getsockname()[0])
server, address = listener.accept()
print(address[0])
client.send(b"hi")
print(server.recv(2))
six = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
six.bind(("::", 0))
four = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
four.sendto(b"dgram", ("127.0.0.1", six.getsockname()[1]))
data, sender = six.recvfrom(10)
print(data, sender[0])
six.sendto(b"back", sender)
print(four.recvfrom(10)[0])
PY
compare v4_mapped "$python" "$work/mapped.py"

cat >"$work/procnet.py" <<'PY'
import socket, time
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen()
port = listener.getsockname()[1]
client = socket.create_connection(("127.0.0.1", port))
server, _ = listener.accept()
client.send(b"abc")
udp = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
udp.bind(("::1", 0))
time.sleep(0.05)
want = "%04X" % port
tcp = open("/proc/net/tcp").read().splitlines()
print(tcp[0].split()[:4])
# The listener (0A), the accepted end with 3 unread bytes, and the client: each with its state
# and receive queue.
rows = [row.split() for row in tcp[1:] if want in row]
print(sorted((row[1] == "0100007F:" + want, row[3], row[4].split(":")[1]) for row in rows))
udp6 = open("/proc/net/udp6").read()
print("%04X" % udp.getsockname()[1] in udp6, "00000000000000000000000001000000" in udp6)
print(open("/proc/net/dev").read().splitlines()[2].split()[0])
PY
compare proc_net "$python" "$work/procnet.py"

exit $failed
