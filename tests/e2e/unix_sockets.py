# AF_UNIX from Python: socketpair, SCM_RIGHTS between two processes, and an asyncio echo over a
# named unix socket. Prints only deterministic lines, so native and asterix output compare.
import asyncio
import os
import selectors
import socket
import sys
import tempfile

a, b = socket.socketpair()
a.sendall(b"ping")
print("socketpair:", b.recv(16).decode())
a.close()
print("after close:", b.recv(16))
b.close()

# SCM_RIGHTS: the child passes the read end of a pipe it writes to.
parent, child = socket.socketpair()
pid = os.fork()
if pid == 0:
    parent.close()
    r, w = os.pipe()
    socket.send_fds(child, [b"fd"], [r])
    os.write(w, b"hello through a passed pipe")
    os._exit(0)
child.close()
msg, fds, flags, addr = socket.recv_fds(parent, 16, 4)
print("scm_rights:", msg.decode(), len(fds), os.read(fds[0], 64).decode())
os.waitpid(pid, 0)
parent.close()

mode = sys.argv[1] if len(sys.argv) > 1 else "default"

async def handle(reader, writer):
    while data := await reader.readline():
        writer.write(data.upper())
        await writer.drain()
    writer.close()

async def main(path):
    server = await asyncio.start_unix_server(handle, path)
    reader, writer = await asyncio.open_unix_connection(path)
    for line in (b"one\n", b"two\n", b"three\n"):
        writer.write(line)
        await writer.drain()
        print("echo:", (await reader.readline()).decode().strip())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "echo.sock")
    if mode == "select":
        loop = asyncio.SelectorEventLoop(selectors.SelectSelector())
        loop.run_until_complete(main(path))
        loop.close()
    else:
        asyncio.run(main(path))
print("done")
