#!/usr/bin/env python3
"""--strace against Debian's strace: runs a dozen programs under `strace -f` and under
`asterix run --strace`, masks what legitimately differs (addresses, pids, strace's column
padding, the clock calls a vDSO keeps out of native traces, the machine's uptime, load, memory
and host name), and reports the share of identical lines, in order, per program and overall.

usage: strace_compare.py ASTERIX_BIN [--min-share PERCENT] [--show-diff] [--extra PROGRAM]...
                         [--require-identical REGEX]

--extra adds a program (tests/guest/strace_calls). With --require-identical, every line of
strace's traces that REGEX matches must be in asterix's trace of the same program too, with
statx's stx_mask masked (which fields a file system fills differs, the decoding does not).
Exit status 0 when the overall share reaches --min-share (default 0: report only) and the
required lines are there, 77 when strace is not installed (tools/install-deps installs it), 1
otherwise.
"""
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

PROGRAMS = [
    ["/bin/true"],
    ["/bin/ls", "/etc/hostname"],
    ["/bin/cat", "/etc/hostname"],
    ["/usr/bin/head", "-n", "1", "/etc/passwd"],
    ["/usr/bin/wc", "-l", "/etc/passwd"],
    ["/usr/bin/sort", "/etc/hostname"],
    ["/usr/bin/stat", "-c", "%s %F", "/etc/hostname"],
    ["/usr/bin/id"],
    ["/bin/pwd"],
    ["/usr/bin/uname", "-s"],
    ["/bin/busybox", "echo", "hello"],
    ["/bin/busybox", "ls", "/etc/hostname"],
    ["/bin/sh", "-c", "echo hi"],
    ["/usr/bin/env", "-i", "A=1", "/bin/true"],
]

# Clock reads go through the vDSO natively and may or may not reach either trace.
SKIPPED_CALLS = re.compile(r"^(clock_gettime|gettimeofday|time|clock_nanosleep)\(")
PID_RESULT = re.compile(r"^((?:getpid|getppid|gettid|set_tid_address|clone|clone3|fork|vfork|wait4)\(.*\)\s*=\s*)\d+$")


def normalize(line):
    line = line.rstrip("\n")
    line = re.sub(r"^\[pid +\d+\] ", "", line)  # asterix
    line = re.sub(r"^\d+ +", "", line)  # strace -f
    line = re.sub(r"\)\s+= ", ") = ", line)  # strace pads results to a column
    line = re.sub(r'^getrandom\(".*?"(\.\.\.)?, ', 'getrandom("R", ', line)  # random bytes
    line = re.sub(r"0x[0-9a-f]+", "0xX", line)
    line = re.sub(r"si_pid=\d+", "si_pid=P", line)
    line = re.sub(r"^(wait4|kill|tgkill)\(\d+", r"\1(P", line)
    line = PID_RESULT.sub(r"\1P", line)
    line = re.sub(r"(parent_tid|pidfd)=\[\d+\]", r"\1=[P]", line)
    # The machine's state, not its decoding: the uptime, load, memory and process counts, and
    # the host name (the guest has its own).
    if line.startswith("sysinfo({"):
        line = re.sub(r"=\d+", "=N", re.sub(r"loads=\[\d+, \d+, \d+\]", "loads=[N, N, N]", line))
    line = re.sub(r'nodename="[^"]*"', 'nodename="H"', line)
    return line


def joined_lines(trace):
    """strace -f's lines with each call that another process interrupted joined again:
"PID name(a <unfinished ...>" and "PID <... name resumed>, b) = 0" become one line."""
    unfinished = {}
    for raw in trace:
        raw = raw.rstrip("\n")
        match = re.match(r"^(\d+) +(.*)$", raw)
        if not match:
            yield raw
            continue
        pid, rest = match.groups()
        if rest.endswith(" <unfinished ...>"):
            unfinished[pid] = rest[: -len(" <unfinished ...>")]
            continue
        resumed = re.match(r"^<\.\.\. [\w]+ resumed>(.*)$", rest)
        if resumed and pid in unfinished:
            yield pid + " " + unfinished.pop(pid) + resumed.group(1)
            continue
        yield raw


def read_trace(path):
    lines = []
    with open(path, errors="replace") as trace:
        for raw in joined_lines(trace):
            line = normalize(raw)
            if not line or SKIPPED_CALLS.match(line):
                continue
            lines.append(line)
    return lines


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    asterix = os.path.abspath(args[0])
    min_share = 0.0
    show_diff = "--show-diff" in args
    if "--min-share" in args:
        min_share = float(args[args.index("--min-share") + 1])
    programs = PROGRAMS + [[os.path.abspath(args[i + 1])] for i, arg in enumerate(args) if arg == "--extra"]
    required = None
    if "--require-identical" in args:
        required = re.compile(args[args.index("--require-identical") + 1])
    missing = []
    strace = shutil.which("strace")
    if not strace:
        print("SKIP: strace is not installed (tools/install-deps installs it)")
        return 77
    env = {"PATH": "/usr/bin:/bin", "LANG": "C", "HOME": "/root", "TERM": "dumb"}
    total_same = total_native = total_asterix = 0
    with tempfile.TemporaryDirectory() as work:
        for index, program in enumerate(programs):
            if not os.path.exists(program[0]):
                continue
            native_file = os.path.join(work, f"{index}.native")
            asterix_file = os.path.join(work, f"{index}.asterix")
            common = {"env": env, "cwd": "/", "stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL,
                      "stderr": subprocess.DEVNULL, "timeout": 60}
            native = subprocess.run([strace, "-f", "-q", "-o", native_file, *program], **common)
            guest = subprocess.run([asterix, "run", f"--strace={asterix_file}", *program], **common)
            a = read_trace(native_file)
            b = read_trace(asterix_file)
            matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
            same = sum(block.size for block in matcher.get_matching_blocks())
            total_same += same
            total_native += len(a)
            total_asterix += len(b)
            status = "" if native.returncode == guest.returncode else f" (exit {native.returncode} vs {guest.returncode})"
            print(f"{100.0 * same / max(len(a), 1):5.1f}%  {same:3d}/{len(a):3d} strace lines ({len(b)} asterix)"
                  f"  {' '.join(program)}{status}")
            if required:
                masked = {re.sub(r"stx_mask=[^,]*", "stx_mask=M", line) for line in b}
                missing += [line for line in a if required.search(line)
                            and re.sub(r"stx_mask=[^,]*", "stx_mask=M", line) not in masked]
            if show_diff:
                for line in difflib.unified_diff(a, b, "strace", "asterix", n=0, lineterm=""):
                    print("    " + line)
    share = 100.0 * total_same / max(total_native, 1)
    print(f"overall: {share:.1f}% of strace's {total_native} lines identical in asterix's "
          f"({total_asterix} lines)")
    for line in missing:
        print(f"FAIL: not in asterix's trace: {line}")
    if share < min_share:
        print(f"FAIL: below {min_share}%")
        return 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
