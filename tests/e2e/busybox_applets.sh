#!/usr/bin/env bash
# Runs busybox applets natively and under asterix and compares stdout byte for byte and the
# exit status (stderr is shown on a mismatch but not compared: the kernel may log there).
#
#   tests/e2e/busybox_applets.sh ASTERIX_BIN
#
# BUSYBOX (default /bin/busybox, Debian's busybox-static) must be a static x86-64 binary.
# E2E_TIMEOUT (seconds, default 30) bounds each asterix run.
set -u
[ $# -eq 1 ] || { echo "usage: $0 ASTERIX_BIN" >&2; exit 2; }
asterix=$1
bb=${BUSYBOX:-/bin/busybox}
timeout_s=${E2E_TIMEOUT:-30}
[ -x "$asterix" ] || { echo "asterix binary '$asterix' not found or not executable" >&2; exit 2; }
[ -x "$bb" ] || { echo "busybox '$bb' not found (apt-get install busybox-static)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/busybox-e2e.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
limit=()
command -v timeout >/dev/null 2>&1 && limit=(timeout -k 5 "$timeout_s")

# Inputs for the applets that read stdin.
printf 'banana 3\napple 10\ncherry 2\napple 10\nDate 7\n\tindented line\nlast line, no newline' \
    >"$tmp/fruits.txt"
# shellcheck disable=SC2059 # the format is the point: one byte per octal escape
for ((i = 0; i < 256; i++)); do printf "\\$(printf %03o "$i")"; done >"$tmp/bytes.bin"
seq 1 60000 >"$tmp/big.txt" # ~350 KB: more than one read and one pipe buffer

passed=0 failed=0 failures=()

# check NAME STDIN_FILE ARGS...: run `busybox ARGS` both ways and compare.
check() {
    local name=$1 input=$2
    shift 2
    "$bb" "$@" <"$input" >"$tmp/native.out" 2>"$tmp/native.err"
    local want=$?
    "${limit[@]}" "$asterix" run "$bb" "$@" <"$input" >"$tmp/asterix.out" 2>"$tmp/asterix.err"
    local got=$?
    local why=
    [ "$got" -eq "$want" ] || why="exit status $got, native $want"
    if ! cmp -s "$tmp/native.out" "$tmp/asterix.out"; then
        why="${why:+$why; }stdout differs ($(wc -c <"$tmp/asterix.out") bytes, native $(wc -c \
            <"$tmp/native.out"))"
    fi
    if [ -z "$why" ]; then
        passed=$((passed + 1))
        echo "ok    $name (exit $got)"
        return
    fi
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL  $name: $why"
    if ! cmp -s "$tmp/native.out" "$tmp/asterix.out"; then
        diff <(head -c 2000 "$tmp/native.out" | od -c | head -n 20) \
            <(head -c 2000 "$tmp/asterix.out" | od -c | head -n 20) | sed 's/^/      /' | head -n 20
    fi
    [ -s "$tmp/asterix.err" ] && sed 's/^/      stderr: /' "$tmp/asterix.err" | head -n 10
    return 0
}

N=/dev/null
check "echo hello world" $N echo hello world
check "echo -n" $N echo -n no newline
check "echo -e escapes" $N echo -e 'tab\there\nnewline \x41'
check "echo empty and spaced args" $N echo 'a  b' '' 'c*' "\$HOME" ';'
many=()
for ((i = 0; i < 3000; i++)); do many+=("arg$i"); done
check "echo 3000 args" $N echo "${many[@]}"
long=$(head -c 100000 /dev/zero | tr '\0' 'x')
check "echo one 100000-byte arg" $N echo "$long"
check "printf %s-%d [needs fcntl F_GETFL]" $N printf '%s-%d\n' a 42
check "printf widths [needs fcntl F_GETFL]" $N printf '[%5s|%-5s|%05d|%x|%c]\n' ab cd 42 255 z
check "seq 1 5" $N seq 1 5
check "seq 3 -1 -3" $N seq 3 -1 -3
check "seq -s , 1 10" $N seq -s , 1 10
check "seq 1 0.5 3" $N seq 1 0.5 3
check "seq 1 100000 (big output)" $N seq 1 100000
check "true" $N true
check "false" $N false
check "test 1 -lt 2" $N test 1 -lt 2
check "[ a = b ]" $N [ a = b ]
check "basename /a/b/c.txt .txt" $N basename /a/b/c.txt .txt
check "dirname /a/b/c.txt" $N dirname /a/b/c.txt
check "expr 6 * 7" $N expr 6 '*' 7
check "expr 1 / 0" $N expr 1 / 0
check "expr length hello" $N expr length hello
check "expr substr" $N expr substr abcdef 2 3
check "factor" $N factor 360 97 1000000007
check "uname -s" $N uname -s
check "uname -m" $N uname -m
check "date -u -d @86400" $N date -u -d @86400 '+%Y-%m-%d %H:%M:%S'
check "sleep 0.1" $N sleep 0.1
check "busybox --list [needs dup2]" $N --list
check "unknown applet" $N no-such-applet

F=$tmp/fruits.txt
check "cat <file" "$F" cat
check "cat <binary file" "$tmp/bytes.bin" cat
check "cat <big file" "$tmp/big.txt" cat
check "wc" "$F" wc
check "wc -l <big file" "$tmp/big.txt" wc -l
check "tr a-z A-Z" "$F" tr a-z A-Z
check "sort" "$F" sort
check "sort -r" "$F" sort -r
check "sort -n -k2" "$F" sort -n -k2
check "sort -u" "$F" sort -u
check "uniq -c" "$F" uniq -c
check "cut -d' ' -f2" "$F" cut -d' ' -f2
check "sed s/a/A/g" "$F" sed s/a/A/g
# shellcheck disable=SC2016 # awk's own $2
check "awk" "$F" awk '{ n += $2 } END { print n, NR }'
check "grep -n an" "$F" grep -n an
check "grep -c zzz (no match)" "$F" grep -c zzz
check "md5sum" "$tmp/bytes.bin" md5sum
check "sha256sum <big file" "$tmp/big.txt" sha256sum
check "rev" "$F" rev
check "nl" "$F" nl
check "fold -w 4" "$F" fold -w 4
check "hexdump -C" "$tmp/bytes.bin" hexdump -C
check "base64" "$tmp/bytes.bin" base64
check "tac" "$F" tac
check "head -n 2" "$F" head -n 2
check "tail -n 1" "$F" tail -n 1

# Exactly "hello\n" on stdout, nothing else.
"${limit[@]}" "$asterix" run "$bb" echo hello </dev/null >"$tmp/hello.out" 2>"$tmp/hello.err"
status=$?
if [ "$status" -eq 0 ] && [ "$(od -An -c "$tmp/hello.out" | tr -s ' ')" = " h e l l o \n" ]; then
    passed=$((passed + 1))
    echo "ok    asterix run busybox echo hello prints exactly 'hello'"
    [ -s "$tmp/hello.err" ] && echo "      note: stderr was not empty: $(head -c 200 "$tmp/hello.err")"
else
    failed=$((failed + 1))
    failures+=("echo hello exactly")
    echo "FAIL  asterix run busybox echo hello: exit $status, stdout $(od -An -c "$tmp/hello.out" \
        | head -n 3)"
fi

[ "$failed" -eq 0 ] || (IFS=';'; echo "failed: ${failures[*]}")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
