#!/usr/bin/env bash
# Programs that fork, exec, wait, signal and use threads, run natively and under asterix: each
# case runs one program (a shell, perl, python3, gcc, make...) both ways with the same
# environment, working directory contents and stdin (/dev/null), and compares stdout byte for
# byte and the exit status. stderr is shown on a mismatch, never compared.
#
#   tests/e2e/processes.sh ASTERIX_BIN
#
# Cases that build something (gcc, make) get a fresh directory per side; a case may also
# compare what it leaves behind there (the built program's output, checksums).
# Environment: E2E_TIMEOUT (seconds per program, default 60), CASES (an extended regexp: run only
# the cases whose name matches), KEEP=1 (keep the scratch directory).
# To check the cases themselves: tests/e2e/processes.sh tests/e2e/native_asterix.sh
# shellcheck disable=SC2016 # the snippets are for the shells under test, not for this one
set -u
[ $# -eq 1 ] || { echo "usage: $0 ASTERIX_BIN" >&2; exit 2; }
asterix=$1
timeout_s=${E2E_TIMEOUT:-60}
[ -x "$asterix" ] || { echo "asterix binary '$asterix' not found or not executable" >&2; exit 2; }
case $asterix in /*) ;; *) asterix=$PWD/$asterix ;; esac
BB=/bin/busybox
for tool in "$BB" /bin/bash /usr/bin/perl /usr/bin/gcc /usr/bin/make /usr/bin/sort /usr/bin/xargs \
    /usr/bin/find; do
    [ -x "$tool" ] || { echo "$tool missing" >&2; exit 2; }
done
PY=/usr/bin/python3

tmp=$(mktemp -d "${TMPDIR:-/tmp}/processes-e2e.XXXXXX") || exit 2
if [ "${KEEP:-0}" = 1 ]; then
    echo "scratch directory: $tmp"
else
    trap 'rm -rf "$tmp"' EXIT
fi
limit=()
command -v timeout >/dev/null 2>&1 && limit=("$(command -v timeout)" -k 5 "$timeout_s")

# The one environment of both sides (asterix passes its own to the guest).
mkdir -p "$tmp/home" "$tmp/tmpdir" "$tmp/home-rc"
# bash reads ~/.bashrc from `bash -c` when it thinks stdin is a network connection (as from sshd).
echo 'echo "~/.bashrc was read"' >"$tmp/home-rc/.bashrc"
environment=(PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LC_ALL=C HOME="$tmp/home"
    TMPDIR="$tmp/tmpdir" TERM=dumb)

# ---------------------------------------------------------------------------------------------
# Inputs, made natively, shared read-only by the cases (cwd of the plain cases).
data=$tmp/data
mkdir -p "$data/tree/a/b" "$data/tree/c"
# 300k lines of pseudo-random words: enough for sort to sort with several threads.
awk 'BEGIN {
    x = 42
    for (i = 0; i < 300000; i++) {
        x = (x * 1103515245 + 12345) % 2147483648
        printf "%08x %d line%d\n", x, x % 1000, i % 977
    }
}' >"$data/big.txt"
for i in $(seq 1 60); do
    d=$data/tree
    case $((i % 3)) in 1) d=$d/a ;; 2) d=$d/a/b ;; esac
    [ $((i % 7)) -eq 0 ] && d=$data/tree/c
    {
        echo "file $i"
        [ $((i % 4)) -eq 0 ] && echo "needle in $i"
        seq 1 $((i * 5))
    } >"$d/f$i.txt"
    echo "not text $i" >"$d/f$i.dat"
done

# A bash script with the usual constructs, run as `bash script.sh` and through its #! line.
cat >"$data/script.sh" <<'EOF'
#!/bin/bash
set -u
usage() { echo "usage: $0 [-n N] [-v] words..." >&2; return 2; }
n=3 verbose=0
while getopts "n:v" opt; do
    case $opt in
        n) n=$OPTARG ;;
        v) verbose=1 ;;
        *) usage; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
declare -a words=("$@")
declare -A count=()
for w in "${words[@]}"; do count[$w]=$(( ${count[$w]:-0} + 1 )); done
for w in $(printf '%s\n' "${!count[@]}" | sort); do echo "$w=${count[$w]}"; done
square() { echo $(( $1 * $1 )); }
total=0
for ((i = 1; i <= n; i++)); do total=$((total + $(square "$i"))); done
echo "sum of squares to $n: $total"
trap 'echo "cleanup ran"' EXIT
result=$( (echo inner; exit 4) ); echo "subshell said $result, status $?"
{ echo one; echo two; } | while read -r line; do echo "read: $line"; done
upper=$(tr a-z A-Z <<<"here string")
echo "$upper"
cat <<END
heredoc n=$n verbose=$verbose
END
(sleep 0.1; echo "background done") &
wait
case ${words[0]:-none} in
    a*) echo "starts with a" ;;
    *) echo "other" ;;
esac
[ "$verbose" = 1 ] && echo "verbose"
exit 5
EOF
chmod 755 "$data/script.sh"

# Sources for the compiler cases.
cat >"$data/hello.c" <<'EOF'
#include <stdio.h>
int main(int argc, char **argv)
{
    (void)argv;
    printf("hello from gcc, %d arg(s), %d\n", argc, 6 * 7);
    return 3;
}
EOF
mkdir -p "$data/project"
cat >"$data/project/main.c" <<'EOF'
#include <stdio.h>
#include "calc.h"
int main(void)
{
    for (int i = 1; i <= 10; i++)
        printf("%d! = %ld, fib(%d) = %ld\n", i, factorial(i), i, fib(i));
    printf("%s\n", greeting());
    return 0;
}
EOF
cat >"$data/project/math.c" <<'EOF'
#include "calc.h"
long factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }
long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
EOF
cat >"$data/project/text.c" <<'EOF'
#include "calc.h"
const char *greeting(void) { return "built by make -j2"; }
EOF
cat >"$data/project/calc.h" <<'EOF'
long factorial(int n);
long fib(int n);
const char *greeting(void);
EOF
printf '%s\n' 'CFLAGS = -O2 -Wall' 'OBJS = main.o math.o text.o' '' 'calc: $(OBJS)' \
    '	$(CC) $(CFLAGS) -o $@ $(OBJS)' '' '%.o: %.c calc.h' '	$(CC) $(CFLAGS) -c $<' '' \
    'clean:' '	rm -f calc $(OBJS)' >"$data/project/Makefile"

# ---------------------------------------------------------------------------------------------
passed=0 failed=0 skipped=0 failures=()

# run_side native|asterix DIR ARGV...: stdout, stderr and status in $tmp/SIDE.*
run_side() {
    local side=$1 dir=$2
    shift 2
    local cmd=("$@") started=$EPOCHREALTIME
    [ "$side" = asterix ] && cmd=("$asterix" run --log error "$@")
    # (The outer 2>/dev/null keeps bash's own "Terminated" reports off the terminal.)
    { (
        # Only fds 0-2 reach a guest: close what this shell inherited, for the native side too.
        for fd in /proc/self/fd/*; do
            fd=${fd##*/}
            [ "$fd" -gt 2 ] && eval "exec $fd>&-"
        done 2>/dev/null
        cd "$dir" || exit 99
        exec env -i "${environment[@]}" "${limit[@]}" "${cmd[@]}"
    ) </dev/null >"$tmp/$side.out" 2>"$tmp/$side.err"; } 2>/dev/null
    echo $? >"$tmp/$side.status"
    # Whole seconds it took (for the timeout report and the slow-case figure).
    echo $(( (${EPOCHREALTIME/./} - ${started/./}) / 1000000 )) >"$tmp/$side.seconds"
}

selected() { [ -z "${CASES:-}" ] || grep -qE -- "$CASES" <<<"$1"; }

report() { # report NAME PROBLEM
    local name=$1 problem=$2
    if [ -z "$problem" ]; then
        passed=$((passed + 1))
        echo "PASS  $name ($(cat "$tmp/asterix.seconds")s, native $(cat "$tmp/native.seconds")s)"
        return
    fi
    failed=$((failed + 1))
    failures+=("$name")
    echo "FAIL  $name: $problem"
    if ! cmp -s "$tmp/native.out" "$tmp/asterix.out"; then
        diff <(head -c 3000 "$tmp/native.out" | cat -A | head -n 40) \
            <(head -c 3000 "$tmp/asterix.out" | cat -A | head -n 40) | head -n 12 |
            sed 's/^/      /'
    fi
    [ -s "$tmp/asterix.err" ] && head -n 8 "$tmp/asterix.err" | sed 's/^/      stderr: /'
    return 0
}

compare() {
    local why='' want got
    want=$(cat "$tmp/native.status") got=$(cat "$tmp/asterix.status")
    [ "$got" = "$want" ] || why="exit status $got, native $want"
    # timeout(1) gives 124, or 137 when the program outlived its SIGTERM by the -k grace (a
    # guest shell that is pid 1 ignores SIGTERM, as on Linux).
    if [ "$got" != "$want" ] && [ "$(cat "$tmp/asterix.seconds")" -ge "$timeout_s" ]; then
        why="$why (timed out after ${timeout_s}s; native took $(cat "$tmp/native.seconds")s)"
    fi
    if ! cmp -s "$tmp/native.out" "$tmp/asterix.out"; then
        why="${why:+$why; }stdout differs ($(wc -c <"$tmp/asterix.out") bytes, native $(wc -c \
            <"$tmp/native.out"))"
    fi
    printf '%s' "$why"
}

# c NAME ARGV...: run in the shared data directory.
c() {
    local name=$1
    shift
    selected "$name" || return 0
    run_side native "$data" "$@"
    run_side asterix "$data" "$@"
    report "$name" "$(compare)"
}

# build NAME SETUP POST ARGV...: each side runs in a fresh directory prepared by the function
# SETUP; afterwards the function POST runs natively in each directory and what it prints is
# appended to that side's stdout (so it is compared too).
build() {
    local name=$1 setup=$2 post=$3 side dir
    shift 3
    selected "$name" || return 0
    for side in native asterix; do
        dir=$tmp/build-$side
        rm -rf "$dir" && mkdir -p "$dir" && (cd "$dir" && "$setup") || exit 2
        run_side "$side" "$dir" "$@"
        (cd "$dir" && "$post") >>"$tmp/$side.out" 2>>"$tmp/$side.err"
    done
    report "$name" "$(compare)"
}

skip() { # skip NAME WHY
    selected "$1" || return 0
    skipped=$((skipped + 1))
    echo "SKIP  $1: $2"
}

# ---------------------------------------------------------------------------------------------
# busybox sh
c 'busybox sh: pipeline, subshell, command substitution, here-doc' \
    "$BB" sh -c 'echo abc | tr a-c x-z | rev; (exit 3); echo "status $?"
        x=$(echo sub; echo stitution); echo "[$x]"; y=`echo back`; echo "$y"
        (cd /; pwd); pwd >/dev/null
        cat <<EOF
here-doc with $(echo expanded) and ${x%%stitution}
EOF
        seq 1 2000 | grep 7 | wc -l; echo done'
c 'busybox sh: traps EXIT and USR1' \
    "$BB" sh -c 'trap "echo exit trap" EXIT; trap "echo got USR1" USR1
        kill -USR1 $$; echo after kill; kill -USR1 $$; echo again; exit 4'
c 'busybox sh: background jobs and wait' \
    "$BB" sh -c 'sleep 0.2 & a=$!; (sleep 0.1; exit 6) & b=$!; echo started
        wait $b; echo "b: $?"; wait $a; echo "a: $?"; sleep 5 & kill $!; wait $!; echo "killed: $?"'
c 'busybox sh: set -e stops at the failure' \
    "$BB" sh -c 'set -e; echo before; false; echo not reached'
c 'busybox sh: loop with arithmetic' \
    "$BB" sh -c 'i=0 s=0; while [ $i -lt 300 ]; do s=$((s + i * i)); i=$((i + 1)); done; echo $s'
c 'busybox sh: read from a pipe' \
    "$BB" sh -c 'printf "a b\nc d\ne f\n" | while read x y; do echo "$y-$x"; done
        echo "1 2 3" | { read p q r; echo "$r$q$p"; }'
c 'busybox sh: killed by its own signal' "$BB" sh -c 'echo bye; kill -TERM $$; echo not reached'
c 'busybox sh: applets through fork/exec' \
    "$BB" sh -c "b=$BB"'; $b seq 1 500 | $b sort -r | $b head -n 3; $b find /etc -maxdepth 0'

# bash -c
c 'bash: pipelines, subshells, substitutions, here-docs, process substitution' \
    /bin/bash -c 'set -o pipefail; echo hello | tr l L | cat -n
        out=$(for i in 1 2 3; do echo "n$i"; done | paste -sd,); echo "$out"
        ( cd /usr; echo "sub: $PWD" ); echo "main: $PWD"
        cat <<-EOF
	tab-stripped $((6 * 7))
	EOF
        cat <<<"here string"
        diff <(seq 1 5) <(seq 1 5) && echo "same"
        wc -l < <(seq 1 1234)
        false | true; echo "pipefail: $?"
        { echo x; echo y; } > >(sort -r); wait
        echo "${PIPESTATUS[@]}"'
c 'bash: trap EXIT and USR1 with kill -USR1 $$' \
    /bin/bash -c 'trap "echo exit trap \$?" EXIT; trap "echo got USR1" USR1
        kill -USR1 $$; echo after; trap - USR1; trap "" USR2; kill -USR2 $$; echo ignored usr2
        (trap - EXIT; kill -USR1 $BASHPID; echo not reached); echo "subshell: $?"; exit 9'
c 'bash: background jobs, wait, wait -n, $!' \
    /bin/bash -c 'sleep 0.3 & sleep 0.1 & wait; echo "all done"
        (exit 7) & wait $!; echo "job: $?"
        (sleep 0.2; exit 2) & (sleep 0.05; exit 3) & wait -n; echo "first: $?"; wait
        for i in 1 2 3 4 5; do (echo "job $i" > "$TMPDIR/job.$i") & done; wait
        cat "$TMPDIR"/job.*; rm -f "$TMPDIR"/job.*'
c 'bash: kill %1 and job specs' \
    /bin/bash -c 'sleep 10 & kill %1; wait %1; echo "status $?"
        sleep 10 & sleep 10 & kill -9 %2; wait %2; echo "second: $?"; kill %1; wait; echo done'
c 'bash: set -m puts a job in its own group, kill -TERM -PGID' \
    /bin/bash -c 'set -m; sleep 10 & pid=$!; sleep 0.1; kill -TERM -$pid; wait $pid
        echo "group: $?"
        (sleep 10; echo no) & kill -STOP %1 2>/dev/null; kill -CONT %1; kill %1; wait; echo end'
c 'bash: set -e and errexit in functions' \
    /bin/bash -c 'set -e; f() { echo in f; false; echo not reached; }; g=$(echo ok); echo "$g"
        if ! false; then echo negation ok; fi; false || echo "or ok"; f; echo not reached either'
c 'bash: xargs -P2' \
    /bin/bash -c 'seq 1 40 | xargs -P2 -n3 sh -c '\''for x; do echo $((x * x)); done'\'' _ |
            sort -n | paste -sd" "
        printf "%s\n" a b c d e f | xargs -P2 -I{} sh -c "echo item {}" | sort'
c 'bash: arithmetic loops' \
    /bin/bash -c 's=0; for ((i = 0; i < 5000; i++)); do ((s += i * i % 7)); done; echo $s
        n=0; while ((n < 100)); do ((n += 3)); done; echo $n
        echo $((2 ** 40)) $((-7 / 2)) $((17 % 5))'
c 'bash: read from a pipe' \
    /bin/bash -c 'echo "x y z" | { read -r a b c; echo "$c $b $a"; }
        seq 1 100 | while read -r n; do ((n % 25 == 0)) && echo "multiple $n"; done
        printf "k1=v1\nk2=v2\n" | while IFS== read -r k v; do echo "$v<-$k"; done
        mapfile -t lines < <(seq 5 -1 1); echo "${lines[*]}"'
c 'bash: many short-lived processes' \
    /bin/bash -c 'for i in $(seq 1 100); do x=$(echo $i); [ "$x" = "$i" ] || exit 1; done
        echo 100 ok
        for i in $(seq 1 30); do /bin/true; done; echo execs ok'
c 'bash: killed by SIGKILL and SIGSEGV children' \
    /bin/bash -c 'sleep 5 & kill -9 $!; wait $!; echo "kill -9: $?"
        bash -c "kill -SEGV \$\$"; echo "segv: $?"; sh -c "exit 300"; echo "exit 300: $?"'
c 'bash: timeout(1) kills a sleeper' \
    /bin/bash -c 'timeout 0.3 sleep 10; echo "timeout: $?"
        timeout -s KILL 0.2 sleep 10; echo "kill: $?"
        timeout 5 true; echo "fast: $?"'
c 'bash: exits with the status of a signal' /bin/bash -c 'echo going; kill -USR1 $$'
c 'bash: wait interrupted by a trapped signal' \
    /bin/bash -c 'trap "echo trapped USR1" USR1; (sleep 0.2; kill -USR1 $$) & sleep 3 & wait $!
        echo "wait: $?"; kill %2 2>/dev/null; wait; echo end'
c 'bash: read -t times out, coproc, exec redirections' \
    /bin/bash -c 'read -t 0.2 x < <(sleep 1); echo "read: $?"
        coproc UPPER { tr a-z A-Z; }; echo "to coproc" >&"${UPPER[1]}"; exec {UPPER[1]}>&-
        read -r line <&"${UPPER[0]}"; echo "$line"; wait
        exec 3>"$TMPDIR/fd3"; echo via fd 3 >&3; exec 3>&-; cat "$TMPDIR/fd3"; rm "$TMPDIR/fd3"
        f() { (( $1 > 0 )) && f $(( $1 - 1 )) || echo "recursion bottom"; }; f 300'
c 'bash -c with stdin not a socket does not read ~/.bashrc' \
    /usr/bin/env HOME="$tmp/home-rc" /bin/bash -c 'echo only this'
c 'bash script file' /bin/bash script.sh -n 4 apple banana apple
c 'bash script through #!' ./script.sh -v avocado kiwi

# Coreutils, findutils with helpers.
# (sort uses threads for --parallel only up to the CPUs it sees; OMP_NUM_THREADS overrides that.)
c 'sort --parallel=2 on 300k lines (threads)' \
    /usr/bin/env OMP_NUM_THREADS=2 /bin/bash -c 'sort --parallel=2 big.txt | md5sum
        sort -n -k2 --parallel=2 big.txt | tail -n 3; sort -u -k3,3 big.txt | wc -l'
c 'sort -S 1M with temporary files and --compress-program=gzip (helper processes)' \
    /bin/bash -c 'sort -S 1M --compress-program=gzip big.txt | md5sum
        sort -S 2M -r big.txt | head -n 2'
c 'find | xargs grep' \
    /bin/bash -c 'find tree -name "*.txt" | sort | xargs grep -n needle
        find tree -type f -print0 | sort -z | xargs -0 -n 7 grep -c "^1$" | tail -n 5
        find tree -name "*.dat" -exec cat {} + | sort | head -n 3'
c 'a long pipeline of big data' \
    /bin/bash -c 'cut -c1-2 big.txt | tr 0-9 a-j | sort | uniq -c | sort -rn | head -n 5
        cat big.txt | cat | cat | wc -c
        yes | head -n 100000 | wc -l; echo "${PIPESTATUS[*]}"'
c 'tar -z through a gzip child, find -exec per file' \
    /bin/bash -c 'tar -czf - tree | tar -tzvf - | awk "{print \$NF}" | sort | head -n 5
        find tree -name "*.dat" -exec wc -c {} \; | sort | tail -n 2'

# perl
c 'perl: fork, wait, pipes, open -|, system, backticks, signals' \
    /usr/bin/perl -e '
        use strict; use warnings; $| = 1;
        pipe(my $r, my $w) or die "pipe: $!";
        my @kids;
        for my $i (1 .. 5) {
            my $pid = fork() // die "fork: $!";
            if ($pid == 0) { close $r; print $w "child $i\n"; close $w; exit $i }
            push @kids, $pid;
        }
        close $w;
        print sort <$r>;
        my $sum = 0;
        for (@kids) { waitpid($_, 0) == $_ or die; $sum += $? >> 8 }
        print "exit codes sum $sum\n";
        open(my $p, "-|", "echo", "from open -|") or die; print scalar <$p>; close $p;
        print "close status $?\n";
        my $out = `echo backticks; exit 3`; print $out, "backticks status ", $? >> 8, "\n";
        system("sh", "-c", "kill -TERM \$\$"); print "system signal ", $? & 127, "\n";
        local $SIG{USR1} = sub { print "perl got USR1\n" }; kill "USR1", $$;
        my $got = 0; local $SIG{ALRM} = sub { $got = 1 }; alarm 1; sleep 3; print "alarm $got\n";
        my $pid = open(my $to, "|-") // die;
        if (!$pid) { while (<STDIN>) { print "kid: $_" } exit 0 }
        print $to "line $_\n" for 1 .. 3; close $to; print "pipe close $?\n";
        exit 7'

c 'perl: threads with a shared counter and a queue' \
    /usr/bin/perl -e '
        use strict; use warnings; use threads; use threads::shared; use Thread::Queue;
        my $n :shared = 0;
        my $work = sub { for (1 .. 2000) { lock($n); $n++ } return $_[0] * 10 };
        my @t = map { threads->create($work, $_) } 1 .. 4;
        my $sum = 0; $sum += $_->join for @t;
        print "counter $n, returns $sum\n";
        my $q = Thread::Queue->new;
        my $c = threads->create(sub {
            my $s = 0; while (defined(my $x = $q->dequeue)) { $s += $x } $s });
        $q->enqueue($_) for 1 .. 100; $q->end;
        print "queue sum ", $c->join, "\n"'
c 'awk and sed driving commands, setsid -w, nohup' \
    /bin/bash -c 'awk "BEGIN { while ((\"seq 3\" | getline l) > 0) print \"got\", l
            print system(\"exit 2\") }"
        echo abc | sed "s/b/B/w /dev/stdout"; setsid -w bash -c "exit 3"; echo "setsid: $?"
        nohup sh -c "echo nohup ok" 2>/dev/null; [ ! -e nohup.out ] || rm nohup.out'
c 'nice -n 5 nice (the niceness is inherited across exec)' /usr/bin/nice -n 5 /usr/bin/nice
if [ -x /usr/bin/git ]; then
    c 'git init, add, commit, log, gc (helper processes)' \
        /bin/bash -c 'export GIT_AUTHOR_DATE=2001-09-09T01:46:40Z
            export GIT_COMMITTER_DATE=2001-09-09T01:46:40Z
            export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1
            export GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
            r="$TMPDIR/repo"; rm -rf "$r"; git init -q -b main "$r" && cd "$r" || exit 1
            for i in 1 2 3; do
                seq 1 $((i * 100)) > "f$i"; git add "f$i"; git commit -q -m "commit $i"
            done
            git log --format="%H %s"; git gc -q && git count-objects -v | grep -E "^(count|in-pack)"
            git fsck --no-progress 2>&1; git rev-list --all | wc -l; cd / && rm -rf "$r"'
else
    skip 'git' '/usr/bin/git not installed (Debian package git)'
fi

# python3
if [ -x "$PY" ]; then
    c 'python3: threads with a Lock, subprocess.run, os.fork, signals' \
        "$PY" -c '
import os, signal, subprocess, sys, threading
lock = threading.Lock()
total = [0]
def work(n):
    for i in range(5000):
        with lock:
            total[0] += n
threads = [threading.Thread(target=work, args=(i,)) for i in range(1, 9)]
for t in threads: t.start()
for t in threads: t.join()
print("total", total[0])
r = subprocess.run(["echo", "x"], capture_output=True)
print(r.returncode, r.stdout)
r = subprocess.run("exit 5", shell=True)
print("shell", r.returncode)
r = subprocess.run(["sh", "-c", "kill -INT $$"])
print("signaled", r.returncode)
p = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out, _ = p.communicate(b"through cat\n" * 3)
print(out.decode(), end="")
rd, wr = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(rd); os.write(wr, b"forked child\n"); os._exit(11)
os.close(wr)
print(os.read(rd, 100).decode(), end="")
_, status = os.waitpid(pid, 0)
print("child exit", os.waitstatus_to_exitcode(status))
hits = []
signal.signal(signal.SIGUSR1, lambda s, f: hits.append(s))
os.kill(os.getpid(), signal.SIGUSR1)
print("handler ran", hits == [signal.SIGUSR1])
ev = threading.Event()
timer = threading.Timer(0.1, ev.set); timer.start()
print("event", ev.wait(5))
sys.exit(3)'
    c 'python3: multiprocessing pool' \
        "$PY" -c '
import multiprocessing as mp
def sq(x): return x * x
if __name__ == "__main__":
    mp.set_start_method("fork")
    with mp.Pool(2) as pool:
        print(sum(pool.map(sq, range(100))))
    q = mp.Queue(); p = mp.Process(target=q.put, args=("via queue",)); p.start()
    print(q.get()); p.join(); print("exitcode", p.exitcode)'
else
    skip 'python3' "$PY not installed (Debian package python3)"
fi

# The compiler.
setup_hello() { cp "$data/hello.c" .; }
post_hello() {
    echo "--- natively:"
    ./hello one two
    echo "status $?"
    md5sum hello | cut -d' ' -f1
}
build 'gcc -O2 hello.c && ./hello' setup_hello post_hello \
    /bin/bash -c 'gcc -O2 hello.c -o hello && ./hello; echo "hello: $?"'
setup_project() { cp "$data"/project/* .; }
post_project() {
    echo "--- natively:"
    ./calc
    echo "status $?"
    ls
}
build 'make -j2 (3 files), run natively' setup_project post_project /usr/bin/make -s -j2
build 'make -j2 clean all twice' setup_project post_project \
    /bin/bash -c 'make -s -j2 && make -s clean && make -j2 -s calc && make calc &&
        ./calc | tail -n 1'

# ---------------------------------------------------------------------------------------------
[ "$failed" -eq 0 ] || (IFS=';'; echo "failed: ${failures[*]}")
skips=''
[ "$skipped" -eq 0 ] || skips=", $skipped skipped"
echo "$passed passed, $failed failed$skips"
[ "$failed" -eq 0 ]
