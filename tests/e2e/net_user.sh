#!/usr/bin/env bash
# The user-mode network (--net=user, through passt) against servers and clients on this
# machine only: a host client reaches a guest server through --publish (TCP, then UDP), a guest
# client reaches a host server through the NAT's address for the host (10.0.2.2 is the host's
# 127.0.0.1), and a guest UDP exchange with a host UDP echo. The bad --net and --publish values
# fail naming the option. Host ports are the kernel's choice (bound to port 0 first); every
# wait has a deadline. Skips (77) when passt is not installed.
#   net_user.sh ASTERIX_BIN [PYTHON3]
set -u
asterix=${1:?usage: net_user.sh ASTERIX_BIN [PYTHON3]}
python=${2:-$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)}
if ! command -v passt >/dev/null; then
    echo "SKIP: passt is not installed (tools/install-deps installs it)"
    exit 77
fi
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
failed=0
fail() { echo "FAIL $*"; failed=1; }

# A port on the host's 127.0.0.1 that nobody uses now (the kernel's choice).
free_port() { # PROTO (tcp|udp)
    "$python" -c '
import socket, sys
kind = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$1"
}

# Waits until FILE has a line (a server printed its port), at most 30 s.
wait_for_line() {
    local deadline=$((SECONDS + 30))
    while [ ! -s "$1" ] && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    [ -s "$1" ]
}

printf 'hello through the NAT\n' >"$work/hello.txt"

# --- bad arguments name the option ---
check_usage() { # EXPECTED_WORD ARGS...
    local word=$1
    shift
    "$asterix" run "$@" /bin/true >"$work/usage.out" 2>&1
    local status=$?
    if [ $status -ne 2 ] || ! grep -q -- "$word" "$work/usage.out"; then
        fail "asterix run $*: status $status (want 2 and a message naming $word):"
        cat "$work/usage.out"
    else
        echo "ok usage: $* ($(head -1 "$work/usage.out"))"
    fi
}
check_usage --net --net=wifi
check_usage --publish --publish=80
check_usage --publish --publish=0:80
check_usage --publish --publish=70000:80
check_usage --publish --publish=8080:80/sctp
check_usage --publish --publish=x:80
check_usage --publish --net=none --publish=8080:80

# --- outbound: a guest client fetches from a host server on 127.0.0.1, as 10.0.2.2 ---
"$python" -u -m http.server 0 --bind 127.0.0.1 --directory "$work" >"$work/host_http.out" 2>/dev/null &
pids+=($!)
wait_for_line "$work/host_http.out" || fail "the host's http.server did not start"
host_http_port=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$work/host_http.out")
out=$(timeout 60 "$asterix" run --net=user "$python" -c '
import sys, urllib.request
print(urllib.request.urlopen("http://10.0.2.2:%s/hello.txt" % sys.argv[1], timeout=30).read().decode(), end="")
' "$host_http_port" 2>&1)
if [ "$out" = "hello through the NAT" ]; then
    echo "ok outbound TCP: a guest urllib fetched from the host's 127.0.0.1:$host_http_port as 10.0.2.2"
else
    fail "outbound TCP: got '$out'"
fi
if command -v curl >/dev/null; then
    out=$(timeout 60 "$asterix" run --net=user curl -sS -m 30 "http://10.0.2.2:$host_http_port/hello.txt" 2>&1)
    [ "$out" = "hello through the NAT" ] && echo "ok outbound TCP with curl" || fail "outbound TCP with curl: got '$out'"
fi

# --- outbound UDP: a guest exchanges datagrams with a host echo ---
cat >"$work/udp_echo.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
s.settimeout(60)
for _ in range(3):
    data, peer = s.recvfrom(65536)
    s.sendto(b"echo:" + data, peer)
PY
"$python" -u "$work/udp_echo.py" >"$work/udp_echo.out" &
pids+=($!)
wait_for_line "$work/udp_echo.out" || fail "the host's UDP echo did not start"
udp_port=$(head -1 "$work/udp_echo.out")
out=$(timeout 60 "$asterix" run --net=user "$python" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(10)
for word in ["one", "two", "three"]:
    s.sendto(word.encode(), ("10.0.2.2", int(sys.argv[1])))
    data, peer = s.recvfrom(65536)
    print(data.decode(), peer[0])
' "$udp_port" 2>&1)
expected=$'echo:one 10.0.2.2\necho:two 10.0.2.2\necho:three 10.0.2.2'
[ "$out" = "$expected" ] && echo "ok outbound UDP: three datagrams echoed by the host" || fail "outbound UDP: got '$out'"

# --- bulk both ways: 8 MiB up and down through the NAT, checked by digest ---
# (passt scales the window it announces even when the SYN offered no scaling: a stack that
# took it unscaled stalled here after a few KiB.)
cat >"$work/bulk_host.py" <<'PY'
import hashlib, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
s.settimeout(60)
c, _ = s.accept()
c.settimeout(60)
digest, n = hashlib.sha256(), 0
while n < 8 << 20:
    b = c.recv(1 << 20)
    if not b:
        break
    digest.update(b)
    n += len(b)
c.sendall(digest.hexdigest().encode() + b"\n")
data = bytes(range(256)) * 4096
for _ in range(8):
    c.sendall(data)
c.close()
PY
"$python" -u "$work/bulk_host.py" >"$work/bulk_host.out" &
pids+=($!)
wait_for_line "$work/bulk_host.out" || fail "the host's bulk server did not start"
bulk_port=$(head -1 "$work/bulk_host.out")
out=$(timeout 120 "$asterix" run --net=user "$python" -c '
import hashlib, socket, sys
s = socket.create_connection(("10.0.2.2", int(sys.argv[1])), timeout=60)
up = bytes(reversed(range(256))) * 4096
for _ in range(8):
    s.sendall(up)
sent = hashlib.sha256(up * 8).hexdigest()
reply = b""
while b"\n" not in reply:
    reply += s.recv(100)
line, _, rest = reply.partition(b"\n")
print("up", "same" if line.decode() == sent else "differs")
digest, n = hashlib.sha256(rest), len(rest)
while True:
    b = s.recv(1 << 20)
    if not b:
        break
    digest.update(b)
    n += len(b)
print("down", n, "same" if digest.hexdigest() == hashlib.sha256(bytes(range(256)) * 4096 * 8).hexdigest() else "differs")
' "$bulk_port" 2>&1)
expected=$'up same\ndown 8388608 same'
[ "$out" = "$expected" ] && echo "ok bulk: 8 MiB up and 8 MiB down through the NAT, digests match" || fail "bulk: got '$out'"

# --- --publish: a host client reaches a guest server ---
publish_port=$(free_port tcp)
timeout 90 "$asterix" run --publish "$publish_port:8000" "$python" -u -m http.server 8000 --directory "$work" \
    >"$work/guest_http.out" 2>&1 &
pids+=($!)
wait_for_line "$work/guest_http.out" || fail "the guest's http.server did not start"
out=""
deadline=$((SECONDS + 30))
while [ $SECONDS -lt $deadline ]; do
    out=$("$python" -c '
import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/hello.txt" % sys.argv[1], timeout=10).read().decode(), end="")
' "$publish_port" 2>/dev/null) && break
    sleep 0.2
done
if [ "$out" = "hello through the NAT" ]; then
    echo "ok --publish $publish_port:8000: a host client fetched from the guest's http.server"
else
    fail "--publish TCP: got '$out'"
    cat "$work/guest_http.out"
fi
if command -v curl >/dev/null; then
    out=$(curl -sS -m 30 "http://127.0.0.1:$publish_port/hello.txt" 2>&1)
    [ "$out" = "hello through the NAT" ] && echo "ok --publish with curl" || fail "--publish with curl: got '$out'"
fi

# --- --publish .../udp: a host client's datagram reaches a guest UDP echo ---
udp_publish_port=$(free_port udp)
timeout 90 "$asterix" run --publish "$udp_publish_port:5353/udp" "$python" -u -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5353))
print("ready", flush=True)
s.settimeout(60)
data, peer = s.recvfrom(65536)
s.sendto(b"guest:" + data, peer)
' >"$work/guest_udp.out" 2>&1 &
pids+=($!)
wait_for_line "$work/guest_udp.out" || fail "the guest's UDP echo did not start"
out=$("$python" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1)
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    s.sendto(b"ping", ("127.0.0.1", int(sys.argv[1])))
    try:
        print(s.recvfrom(65536)[0].decode(), end="")
        break
    except socket.timeout:
        pass
' "$udp_publish_port" 2>&1)
[ "$out" = "guest:ping" ] && echo "ok --publish $udp_publish_port:5353/udp: a host datagram answered by the guest" \
    || fail "--publish UDP: got '$out'"

# --- a port already in use makes --publish fail before the guest starts ---
"$python" -c '
import socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
port = s.getsockname()[1]
r = subprocess.run([sys.argv[1], "run", "--publish", "%d:80" % port, "/bin/true"], capture_output=True, timeout=60)
sys.exit(0 if r.returncode == 125 else 1)
' "$asterix" && echo "ok --publish of a busy port: status 125" || fail "--publish of a busy port did not fail with 125"

exit $failed
