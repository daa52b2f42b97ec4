#!/usr/bin/env bash
# The asterix command line: errors for programs it cannot run (status 127/126 and one line on
# stderr, like a shell), --help, exit status passthrough, stdin/stdout redirection and pipes.
#
#   tests/e2e/cli_errors.sh ASTERIX_BIN
#
# Checks marked "soft" print WARN and do not fail the run (behaviour beyond the current scope).
# BUSYBOX (default /bin/busybox) must be a static x86-64 binary.
set -u
[ $# -eq 1 ] || { echo "usage: $0 ASTERIX_BIN" >&2; exit 2; }
asterix=$1
bb=${BUSYBOX:-/bin/busybox}
timeout_s=${E2E_TIMEOUT:-30}
[ -x "$asterix" ] || { echo "asterix binary '$asterix' not found or not executable" >&2; exit 2; }
[ -x "$bb" ] || { echo "busybox '$bb' not found (apt-get install busybox-static)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cli-e2e.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
limit=()
command -v timeout >/dev/null 2>&1 && limit=(timeout -k 5 "$timeout_s")

passed=0 failed=0 warned=0 failures=()
out=$tmp/out err=$tmp/err status=0

# ax ARGS...: run asterix with stdin from /dev/null, into $out/$err/$status.
ax() {
    "${limit[@]}" "$asterix" "$@" </dev/null >"$out" 2>"$err"
    status=$?
}

# result hard|soft NAME PROBLEM: PROBLEM empty means the check passed.
result() {
    local kind=$1 name=$2 problem=$3
    if [ -z "$problem" ]; then
        passed=$((passed + 1))
        echo "ok    $name"
    elif [ "$kind" = soft ]; then
        warned=$((warned + 1))
        echo "WARN  $name: $problem"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "FAIL  $name: $problem"
        [ -s "$err" ] && sed 's/^/      stderr: /' "$err" | head -n 5
    fi
    return 0
}

lines() { grep -c '' "$1"; }

# Problems with a run that must fail with STATUS and exactly one line on stderr matching
# the extended regexp PATTERN (case-insensitive), and nothing on stdout.
refused() {
    local want=$1 pattern=$2 p=
    [ "$status" -eq "$want" ] || p="exit status $status, want $want"
    [ "$(lines "$err")" -eq 1 ] || p="${p:+$p; }$(lines "$err") lines on stderr, want 1"
    grep -qiE "$pattern" "$err" || p="${p:+$p; }stderr does not match /$pattern/"
    [ -s "$out" ] && p="${p:+$p; }stdout not empty"
    printf '%s' "$p"
}

# Programs that cannot be run.
ax run "$tmp/no-such-program"
result hard "nonexistent program: 127, 'not found'" "$(refused 127 'not found')"
ax run no-such-program-anywhere-xyz
result hard "nonexistent program without a slash: 127, 'not found'" "$(refused 127 'not found')"

printf 'hello\n' >"$tmp/text"
chmod +x "$tmp/text"
ax run "$tmp/text"
result hard "text file: 126, 'not an ELF'/'exec format'" \
    "$(refused 126 'not an ELF|exec format')"

head -c 100 "$bb" >"$tmp/truncated"
chmod +x "$tmp/truncated"
ax run "$tmp/truncated"
result hard "ELF truncated to 100 bytes: 126, one line" "$(refused 126 .)"

cp "$bb" "$tmp/arm"
printf '\050\000' | dd of="$tmp/arm" bs=1 seek=18 conv=notrunc status=none # e_machine = ARM
ax run "$tmp/arm"
result hard "ELF for ARM: 126, names the architecture" \
    "$(refused 126 'arch|machine|x86|arm')"

: >"$tmp/empty"
chmod +x "$tmp/empty"
ax run "$tmp/empty"
result soft "empty file: 126, one line" "$(refused 126 .)"

ax run "$tmp"
result soft "a directory: 126, one line" "$(refused 126 .)"

cp "$bb" "$tmp/noexec"
chmod -x "$tmp/noexec"
ax run "$tmp/noexec"
result soft "ELF without execute permission: 126, one line" "$(refused 126 'permission')"

# The command line itself.
ax --help
p=
[ "$status" -eq 0 ] || p="exit status $status, want 0"
grep -qi usage "$out" "$err" || p="${p:+$p; }no 'usage' in the output"
result hard "--help: exit 0, prints usage" "$p"
grep -qi usage "$out" || result soft "--help prints on stdout" "usage went to stderr"

ax
p=
[ "$status" -ne 0 ] || p="exit status 0"
[ -s "$err" ] || p="${p:+$p; }nothing on stderr"
result hard "no arguments: fails with a message" "$p"

ax run
p=
[ "$status" -ne 0 ] || p="exit status 0"
[ -s "$err" ] || p="${p:+$p; }nothing on stderr"
result hard "'run' without a program: fails with a message" "$p"

ax run --no-such-option "$bb" true
p=
[ "$status" -ne 0 ] || p="exit status 0"
[ -s "$err" ] || p="${p:+$p; }nothing on stderr"
result hard "unknown option: fails with a message" "$p"

ax run --mem lots "$bb" true
p=
[ "$status" -ne 0 ] || p="exit status 0"
[ -s "$err" ] || p="${p:+$p; }nothing on stderr"
result hard "--mem with a bad size: fails with a message" "$p"

ax run --mem 64M "$bb" true
result hard "--mem 64M: runs" "$([ "$status" -eq 0 ] || echo "exit status $status")"

# Exit status passthrough.
ax run "$bb" true
result hard "busybox true: exit 0" "$([ "$status" -eq 0 ] || echo "exit status $status")"
ax run "$bb" false
result hard "busybox false: exit 1" "$([ "$status" -eq 1 ] || echo "exit status $status")"
ax run "$bb" sh -c 'exit 3'
result soft "busybox sh -c 'exit 3': exit 3" "$([ "$status" -eq 3 ] || echo "exit status $status")"

# The guest's stdout and stderr are the real ones.
ax run "$bb" expr 1 / 0
p=
[ "$status" -eq 2 ] || p="exit status $status, want 2"
[ -s "$out" ] && p="${p:+$p; }stdout not empty"
grep -q 'division by zero' "$err" || p="${p:+$p; }no 'division by zero' on stderr"
result hard "guest stderr reaches stderr (expr 1 / 0)" "$p"

got=$("${limit[@]}" "$asterix" run "$bb" seq 1 3 </dev/null | sort -r | tr '\n' ' ')
result hard "stdout into a pipe: seq 1 3 | sort -r" \
    "$([ "$got" = "3 2 1 " ] || echo "got '$got'")"

got=$("${limit[@]}" "$asterix" run "$bb" seq 1 100000 </dev/null | wc -l)
result hard "100000 lines through a pipe" "$([ "$got" -eq 100000 ] || echo "got $got lines")"

printf 'line one\nline two\n' >"$tmp/input"
# shellcheck disable=SC2059 # the format is the point: one byte per octal escape
for ((i = 0; i < 256; i++)); do printf "\\$(printf %03o "$i")"; done >>"$tmp/input"
"${limit[@]}" "$asterix" run "$bb" cat <"$tmp/input" >"$out" 2>"$err"
status=$?
p=
[ "$status" -eq 0 ] || p="exit status $status"
cmp -s "$tmp/input" "$out" || p="${p:+$p; }output differs from the input"
result hard "stdin from a file: cat < file (all 256 byte values)" "$p"

printf 'a\nb\n' | "${limit[@]}" "$asterix" run "$bb" wc -l >"$out" 2>"$err"
result hard "stdin from a pipe: printf 'a\\nb\\n' | wc -l" \
    "$([ "$(tr -d ' ' <"$out")" = 2 ] || echo "got '$(cat "$out")'")"

# A reader that goes away: the guest must not hang (SIGPIPE or EPIPE ends it).
start=$(date +%s)
got=$(timeout -k 2 10 "$asterix" run "$bb" seq 1 100000000 </dev/null 2>/dev/null | head -n 1)
elapsed=$(($(date +%s) - start))
result soft "stdout reader exits early (seq | head -n 1): ends promptly" \
    "$([ "$got" = 1 ] && [ "$elapsed" -lt 10 ] || echo "got '$got' after ${elapsed}s")"

[ "$failed" -eq 0 ] || (IFS=';'; echo "failed: ${failures[*]}")
[ "$warned" -eq 0 ] || echo "($warned soft checks warned)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
