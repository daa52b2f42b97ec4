#!/usr/bin/env bash
# The commands a newcomer types first, on examples/hello_guest/hello.c (built static by CMake
# as build/examples/hello). Run by CTest (example.hello_guest), which checks what each prints.
#
#   examples/hello_guest/hello.sh ASTERIX_BIN HELLO_BIN
set -eu
asterix=${1:?usage: hello.sh ASTERIX_BIN HELLO_BIN}
hello=${2:?usage: hello.sh ASTERIX_BIN HELLO_BIN}
work=$(mktemp -d "${TMPDIR:-/tmp}/hello-example.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== 1. run it: the guest's output and exit status are the program's own"
"$asterix" run "$hello" "$work/hello.txt"

echo "== 2. trace it like strace: only process and file syscalls, the child included"
"$asterix" run --strace="$work/trace" --strace-trace=%process,openat,unlink "$hello" "$work/hello.txt" >/dev/null
cat "$work/trace"

echo "== 3. record every syscall compactly (no pointers), e.g. to diff two runs"
"$asterix" run --record-syscalls "$work/record" "$hello" "$work/hello.txt" >/dev/null
head -n 5 "$work/record"
echo "... $(wc -l <"$work/record") syscalls recorded"

echo "== 4. options from docker: a fresh tmpfs on /tmp, a host directory as a read-only volume,"
echo "   a working directory and a variable (PROGRAM comes last: options before it are asterix's)"
mkdir -p "$work/data"
echo "host data" >"$work/data/file"
"$asterix" run --tmpfs /tmp -v "$work/data:/mnt:ro" -w /tmp -e GREETING=hi /bin/sh -c \
    'cat /mnt/file; echo "$GREETING from $(pwd)"; echo x >/mnt/new || echo "the volume is read-only"'
