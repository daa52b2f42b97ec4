#!/usr/bin/env bash
# The command line's conventions: --opt value and --opt=value, short forms (-e -w -v -m),
# --version and help texts, checked arguments with one-line messages, --volume mounts, and
# signals that a host process sends asterix forwarded to the program (with --stop-timeout).
#
#   tests/e2e/cli_options.sh ASTERIX_BIN [WRAPPER [ENOSYS_GUEST]]
#
# WRAPPER, the ./asterix script of the source tree, is checked to agree with the binary.
# BUSYBOX (default /bin/busybox) must be a static x86-64 binary.
set -u
[ $# -ge 1 ] || { echo "usage: $0 ASTERIX_BIN [WRAPPER]" >&2; exit 2; }
asterix=$(realpath "$1")
wrapper=${2:-}
enosys=${3:-}
bb=${BUSYBOX:-/bin/busybox}
[ -x "$asterix" ] || { echo "asterix binary '$asterix' not found" >&2; exit 2; }
[ -x "$bb" ] || { echo "busybox '$bb' not found (apt-get install busybox-static)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cli-options.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0 failures=()
out=$tmp/out err=$tmp/err status=0

ax() {
    timeout -k 5 60 "$asterix" "$@" </dev/null >"$out" 2>"$err"
    status=$?
}

check() { # check NAME PROBLEM (empty: passed)
    if [ -z "$2" ]; then
        passed=$((passed + 1))
        echo "ok    $1"
    else
        failed=$((failed + 1))
        failures+=("$1")
        echo "FAIL  $1: $2"
        [ -s "$err" ] && sed 's/^/      stderr: /' "$err" | head -n 5
    fi
}

# want STATUS STDOUT-TEXT: problems with the last run against an exact status and stdout.
want() {
    local p=
    [ "$status" -eq "$1" ] || p="exit status $status, want $1"
    [ "$(cat "$out")" = "$2" ] || p="${p:+$p; }stdout '$(head -c 200 "$out")', want '$2'"
    printf '%s' "$p"
}

# refused STATUS PATTERN: the run failed with STATUS, stderr matches PATTERN and has no kernel
# log prefix ("[   0.000684] 0/0 kernel:"), stdout is empty.
refused() {
    local p=
    [ "$status" -eq "$1" ] || p="exit status $status, want $1"
    grep -qE "$2" "$err" || p="${p:+$p; }stderr does not match /$2/"
    grep -qE '\[ *[0-9]+\.[0-9]+\]' "$err" && p="${p:+$p; }kernel log prefix on stderr"
    [ -s "$out" ] && p="${p:+$p; }stdout not empty"
    printf '%s' "$p"
}

# Both spellings of every option that takes a value, and the short forms.
ax run --env FOO=1 --env=BAR=2 -e BAZ=3 -eQUX=4 "$bb" sh -c 'echo $FOO$BAR$BAZ$QUX'
check "--env V, --env=V, -e V, -eV" "$(want 0 1234)"
ax run --cwd /etc "$bb" pwd
check "--cwd DIR" "$(want 0 /etc)"
ax run --cwd=/usr "$bb" pwd
check "--cwd=DIR" "$(want 0 /usr)"
ax run -w /proc "$bb" pwd
check "-w DIR" "$(want 0 /proc)"
ax run -m 64M "$bb" true
check "-m 64M" "$(want 0 '')"
ax run --mem=64M "$bb" true
check "--mem=64M" "$(want 0 '')"
ax run --unset-env=HOME --max-threads=100 --max-processes 50 --log=error --tmpfs=/mnt "$bb" sh -c 'echo ${HOME:-none}'
check "--unset-env=K, --max-threads=N, --max-processes N, --log=SPEC, --tmpfs=PATH" "$(want 0 none)"
ax run --strace "$bb" true
check "--strace without a value does not take the program as its file" "$(want 0 '')"
grep -q 'exit_group(0)' "$err" || check "--strace prints the trace on stderr" "no exit_group line"
ax run --strace="$tmp/trace" "$bb" true
check "--strace=FILE" "$(want 0 '')$(grep -q exit_group "$tmp/trace" || echo 'no trace in FILE')"
ax run --strace-time "$bb" true
check "--strace-time implies --strace" \
    "$(grep -qE '^ *[0-9]+\.[0-9]{6} \[pid [0-9]+\] exit_group' "$err" || echo 'no timed trace line')"
ax run --strace-trace=exit_group "$bb" true
check "--strace-trace SET" "$(grep -q exit_group "$err" && ! grep -q execve "$err" || echo 'filter not applied')"

ax run -c "$bb" sh -c 'cat /nonexistent; true'
check "-c (--strace-summary) prints strace -c's table instead of lines" \
    "$(grep -qE '^% time +seconds +usecs/call +calls +errors syscall$' "$err" \
        && grep -qE '^ *[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{6} +[0-9]+ +[0-9]+ +[0-9]+ openat$' "$err" \
        && grep -qE '^100\.00 .* total$' "$err" && ! grep -q 'pid 2' "$err" || echo 'no table')"
ax run --strace-trace='!%memory,!%desc' "$bb" true
check "--strace-trace negation leaves classes out" \
    "$(grep -q 'execve(' "$err" && ! grep -qE '\] (mmap|brk|write|read)\(' "$err" || echo 'negation not applied')"

ax run --strace -s 4 "$bb" echo abcdefgh
check "-s N (--strace-string-limit) cuts strings at N bytes" "$(grep -qF 'write(1, "abcd"..., 9) = 9' "$err" || echo 'not cut at 4')"

ax run --strace="$tmp/ff" --strace-ff "$bb" sh -c "$bb true; echo x"
check "--strace-ff writes FILE.PID per process" \
    "$([ -s "$tmp/ff.2" ] && [ -s "$tmp/ff.3" ] && [ ! -e "$tmp/ff" ] && grep -q 'exit_group' "$tmp/ff.3" || echo "$(ls "$tmp")")"

ax run --record-syscalls "$tmp/record" "$bb" sh -c 'echo a | cat; true'
check "--record-syscalls groups lines by process, without guest addresses" \
    "$([ "$(grep -c '^# pid [0-9]*$' "$tmp/record")" -ge 2 ] && grep -qE '^[0-9]+ (read|write)\(' "$tmp/record" \
        && ! grep -qE '0x[0-9a-f]{9,}' "$tmp/record" || echo 'no per-process records, or addresses in them')"
# The records come in pid order whatever order the processes ended in (here the first child
# outlives the second), so that two runs of a pipeline compare process by process.
ax run --record-syscalls "$tmp/record" "$bb" sh -c "$bb sleep 0.2 & $bb true; wait"
check "--record-syscalls writes the processes in pid order, not in the order they ended" \
    "$(pids=$(sed -n 's/^# pid //p' "$tmp/record" | tr '\n' ' '); [ "$pids" = "2 3 4 " ] || echo "pids in the order '$pids'")"

# Help, version, commands.
ax --version
check "--version" "$([ "$status" -eq 0 ] && grep -qE '^asterix [0-9]' "$out" || echo "status $status: $(cat "$out")")"
ax --help
p=
for command in run debug boot; do
    grep -qE "^  $command +[a-z]" "$out" || p="${p:+$p; }no line for $command"
done
[ "$status" -eq 0 ] || p="${p:+$p; }status $status"
check "--help lists run, debug and boot with one line each" "$p"
for command in run debug boot; do
    ax "$command" --help
    check "$command --help" "$([ "$status" -eq 0 ] && grep -q "usage: asterix $command" "$out" || echo "status $status")"
done
ax run -h
check "run -h" "$([ "$status" -eq 0 ] && grep -q -- '--volume' "$out" || echo "status $status")"
ax --bash-completion
check "--bash-completion is a bash script naming every run option" \
    "$(bash -n "$out" 2>&1; for o in volume stop-timeout strace-time cwd; do grep -q -- "--$o" "$out" || echo "no --$o"; done)"
ax --man
check "--man is a man page" "$(grep -q '^\.TH ASTERIX 1' "$out" && grep -q 'stop\\-timeout' "$out" || echo 'no .TH or option')"
if [ -n "$wrapper" ]; then
    for command in run debug boot; do
        got=$(ASTERIX_BUILD_DIR=$(dirname "$asterix") timeout 60 "$wrapper" "$command" --help 2>&1)
        check "the ./asterix wrapper's $command --help is the binary's" \
            "$([ "$got" = "$("$asterix" "$command" --help)" ] || echo differs)"
    done
fi

# Checked arguments: the option named, status 2, one line and the hint.
ax run --cwd /nonexistent "$bb" pwd
check "--cwd nonexistent: refused" "$(refused 2 '/nonexistent: No such file or directory')"
ax run --cwd /etc/passwd "$bb" pwd
check "--cwd naming a file: refused" "$(refused 2 'Not a directory')"
mkdir -p "$tmp/hidden"
(cd "$tmp/hidden" && timeout 60 "$asterix" run --tmpfs "$(dirname "$tmp")" "$bb" pwd </dev/null >"$out" 2>"$err")
status=$?
check "a working directory hidden by --tmpfs: refused, not moved to /" "$(refused 2 'working directory.*--cwd')"
ax run --mem 1T "$bb" true
check "--mem 1T runs" "$(want 0 '')"
ax run --mem 1024G "$bb" true
check "--mem 1024G runs" "$(want 0 '')"
ax run --mem 2T "$bb" true
check "--mem 2T: refused with the bounds" "$(refused 2 'from 8M to 1T')"
ax run --mem 4M "$bb" true
check "--mem 4M: refused with the real minimum" "$(refused 2 'from 8M')"
ax run --mem 8M "$bb" true
check "--mem 8M (the minimum) runs" "$(want 0 '')"
ax run --mem
check "--mem without a value" "$(refused 2 'option --mem needs a value')"
ax run --read-only=yes "$bb" true
check "a flag given a value" "$(refused 2 'takes no value')"
ax run --bogus "$bb" true
check "unknown option" "$(refused 2 "unknown option '--bogus'")"
ax bogus
check "unknown command" "$(refused 2 "unknown command 'bogus'")"
ax run /nonexistent
check "program not found: one plain line" "$(refused 127 '^asterix: /nonexistent: program not found$')"
ax run --tmpfs /no/such/dir "$bb" true
check "--tmpfs on a missing directory" "$(refused 125 '^asterix: --tmpfs /no/such/dir: no such directory')"
ax run --stop-timeout soon "$bb" true
check "--stop-timeout with a bad value" "$(refused 2 'stop-timeout')"

# Unimplemented syscalls stay off the user's terminal unless asked for.
if [ -n "$enosys" ]; then
    ax run "$enosys"
    check "unimplemented syscalls print nothing by default" "$(want 0 'enosys: ok')$([ -s "$err" ] && echo '; stderr not empty')"
    ax run --log=syscall:info "$enosys"
    check "--log=syscall:info lists them and a summary at exit" \
        "$(grep -q 'unimplemented syscall 1000' "$err" && grep -qE 'ENOSYS summary: +1000 .* 2 calls' "$err" || echo 'no lines or summary')"
fi

# Execute-only binaries (mode 0111): they run where asterix can read them (as root), and
# otherwise the message says why.
mkdir "$tmp/xonly" && cp "$bb" "$tmp/xonly/busybox"
chmod 0111 "$tmp/xonly/busybox"
if [ "$(id -u)" -eq 0 ]; then
    ax run "$tmp/xonly/busybox" echo ran
    check "an execute-only binary runs when asterix can read it (root)" "$(want 0 ran)"
    if command -v runuser >/dev/null && id nobody >/dev/null 2>&1; then
        chmod 0755 "$tmp"
        timeout -k 5 60 runuser -u nobody -- "$asterix" run "$tmp/xonly/busybox" echo ran </dev/null >"$out" 2>"$err"
        status=$?
        check "an execute-only binary asterix cannot read: 126 and why" "$(refused 126 'execute-only.*read permission')"
        chmod 0700 "$tmp"
    fi
fi

# --volume HOST:GUEST[:ro].
mkdir -p "$tmp/vol/sub"
echo data >"$tmp/vol/file"
ax run -v "$tmp/vol:/mnt" "$bb" sh -c 'cat /mnt/file; echo new >/mnt/sub/made; cat /mnt/sub/made'
check "-v HOST:GUEST mounts read-write" "$(want 0 "data
new")$([ "$(cat "$tmp/vol/sub/made" 2>/dev/null)" = new ] || echo '; not written on the host')"
ax run --volume="$tmp/vol:/mnt:ro" "$bb" sh -c 'cat /mnt/file; echo x >/mnt/other'
check "--volume=HOST:GUEST:ro is read-only" \
    "$([ "$status" -ne 0 ] && grep -q 'Read-only file system' "$err" && [ ! -e "$tmp/vol/other" ] || echo "status $status")"
ln -sf / "$tmp/vol/escape"
ax run -v "$tmp/vol:/mnt" "$bb" sh -c 'cd /mnt/sub/../..; pwd; ls /mnt/escape/ | grep -c . >/dev/null; readlink /mnt/escape'
check "a volume is confined: .. leaves it at the mount point, a symlink resolves in the guest" "$(want 0 "/
/")"
ax run -v "$tmp/nonexistent:/mnt" "$bb" true
check "-v with a missing host directory" "$(refused 2 'cannot open the host directory')"
ax run -v "$tmp/vol:/no/such" "$bb" true
check "-v on a missing guest directory" "$(refused 125 'no such directory in the guest')"
ax run -v "$tmp/vol" "$bb" true
check "-v without a guest path" "$(refused 2 'HOST:GUEST')"

# start_program ARGS...: asterix run ARGS in the background (pid in $pid, a watchdog kills it
# after 60 s), returning once the program printed "ready". The signals go to asterix itself,
# not to a timeout(1) around it, which would keep or forward them.
start_program() {
    "$asterix" run "$@" </dev/null >"$out" 2>"$err" &
    pid=$!
    (sleep 60; kill -KILL "$pid" 2>/dev/null) &
    watchdog=$!
    for _ in $(seq 1 100); do grep -q ready "$out" && break; sleep 0.1; done
}

# stop_program: waits for asterix, status in $status.
stop_program() {
    wait "$pid"
    status=$?
    kill "$watchdog" 2>/dev/null
    wait "$watchdog" 2>/dev/null
}

# Signals sent to asterix by a process reach the program: its trap runs.
for sig in TERM INT HUP QUIT USR1 USR2; do
    start_program "$bb" sh -c "trap 'echo caught $sig; exit 3' $sig; echo ready; while :; do sleep 1; done"
    kill -s "$sig" "$pid"
    stop_program
    check "SIGTERM-like signal $sig (SI_USER) is forwarded to the program" "$(want 3 "ready
caught $sig")"
done
if /usr/bin/kill --help 2>&1 | grep -q -- '--queue'; then
    start_program "$bb" sh -c "trap 'echo caught; exit 4' USR1; echo ready; while :; do sleep 1; done"
    /usr/bin/kill -s USR1 -q 7 "$pid"
    stop_program
    check "a sigqueue'd signal (SI_QUEUE) is forwarded" "$(want 4 "ready
caught")"
fi
start_program "$bb" sh -c 'echo ready; while :; do sleep 1; done'
kill -TERM "$pid"
stop_program
check "SIGTERM without a trap ends the program (143)" "$(want 143 ready)"
start=$(date +%s)
# The shell runs its trap only after the sleep in progress ends: short sleeps keep that well
# inside the one second, also on a loaded machine.
start_program --stop-timeout=1 "$bb" sh -c "trap 'echo ignored' TERM; echo ready; while :; do sleep 0.1; done"
kill -TERM "$pid"
stop_program
elapsed=$(($(date +%s) - start))
check "a program that outlives --stop-timeout=1 after SIGTERM is killed (137)" \
    "$(want 137 "ready
ignored")$([ "$elapsed" -lt 30 ] || echo "; took ${elapsed}s")"
# Only SIGTERM starts the stop timeout, as only docker stop's SIGTERM has a grace period: a
# program that handles a forwarded SIGHUP (a reload) or SIGINT goes on for as long as it likes.
start_program --stop-timeout=1 "$bb" sh -c "trap 'echo reloaded' HUP; trap 'echo interrupted' INT; echo ready;
    i=0; while [ \$i -lt 3 ]; do sleep 1; i=\$((i + 1)); done; echo done; exit 5"
kill -HUP "$pid"
sleep 0.5
kill -INT "$pid"
stop_program
check "forwarded SIGHUP and SIGINT start no stop timeout" \
    "$(want 5 "ready
reloaded
interrupted
done")"

[ "$failed" -eq 0 ] || (IFS=';'; echo "failed: ${failures[*]}")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
