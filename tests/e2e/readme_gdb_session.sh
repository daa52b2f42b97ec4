#!/usr/bin/env bash
# The README's worked gdb session, as written: the block between the readme-gdb-session markers
# of README.md gives the shell command (its "$ " line, run from the source tree), the commands
# typed at gdb's prompt ("(gdb) " lines, fed to gdb on its standard input) and what each prints
# (the other lines). Each command's output must be the README's, line for line, after masking
# what differs between runs and machines: addresses, pids, pipe inodes and source line numbers;
# a README line "..." stands for any number of lines, and a line ending in " ..." for any line
# that begins with what comes before.
#   readme_gdb_session.sh BUILD_DIR
set -u
build=${1:?usage: readme_gdb_session.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v gdb >/dev/null || { echo "FAIL: gdb is not installed"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/readme-gdb.XXXXXX")
trap 'rm -rf "$work"' EXIT

sed -n '/^<!-- readme-gdb-session begin/,/^<!-- readme-gdb-session end/p' "$top/README.md" \
    | sed '1,2d;$d' | sed '$d' >"$work/session"
[ -s "$work/session" ] || { echo "FAIL: no session between the readme-gdb-session markers of README.md"; exit 1; }
command=$(sed -n 's/^\$ //p' "$work/session")
[ "$(echo "$command" | wc -l)" -eq 1 ] && [ -n "$command" ] || { echo "FAIL: the session needs one \"\$ \" line"; exit 1; }
sed -n 's/^(gdb) //p' "$work/session" >"$work/commands"
echo "\$ $command"
(cd "$top" && ASTERIX_BUILD_DIR=$build timeout 180 bash -c "$command" <"$work/commands" >"$work/output" 2>&1)
status=$?
sed 's/^/    /' "$work/output"
echo
[ "$status" -eq 0 ] || { echo "FAIL: the session's command ended with status $status"; exit 1; }

python3 - "$work/session" "$work/output" <<'PYTHON'
import re
import sys

def mask(line):
    line = line.expandtabs(8).rstrip()
    line = re.sub(r"0x[0-9a-f]+", "0xADDR", line)
    line = re.sub(r"process [0-9]+", "process PID", line)
    line = re.sub(r"pipe:\[[0-9]+\]", "pipe:[INODE]", line)
    line = re.sub(r"\.(cpp|h|S):[0-9]+", r".\1:LINE", line)
    # a source file is named as the compiler was given it: relative to the build directory or absolute
    line = re.sub(r"(?<=[ ,:])[^ ,:]*/src/", "SRC/", line)
    line = re.sub(r"line [0-9]+\.", "line LINE.", line)
    line = re.sub(r"^[0-9]+ {2,}", "LINE    ", line)  # gdb's source line: number, tab, text
    return line

def matches(expected, actual):
    """Whether the actual lines are the expected ones: an expected "..." is any lines, an expected
line ending in " ..." any line that begins as it does."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    if expected[0].endswith(" ..."):
        same = actual[0].startswith(expected[0][:-3])
    else:
        same = expected[0] == actual[0]
    return same and matches(expected[1:], actual[1:])

session = open(sys.argv[1]).read().splitlines()
expected = []  # (command, [output lines])
for line in session[1:]:
    if line.startswith("(gdb) "):
        expected.append((line[6:], []))
    elif expected:
        expected[-1][1].append(line)
    else:
        sys.exit("FAIL: output before the first (gdb) command in the README's session: %r" % line)

# gdb prints its prompt before reading each command: what follows the k-th prompt is command k's.
# Only the noise gdb 13 adds after calls into the kernel on CPUs with AMX state is left out.
text = open(sys.argv[2]).read()
parts = text.split("(gdb) ")
outputs = [[line for line in part.splitlines() if "Couldn't write extended state status" not in line] for part in parts[1:]]
failed = False
for index, (command, lines) in enumerate(expected):
    actual = outputs[index] if index < len(outputs) else None
    if actual is None:
        print("FAIL: gdb did not read command %d, %r" % (index + 1, command))
        sys.exit(1)
    if not matches([mask(line) for line in lines], [mask(line) for line in actual]):
        failed = True
        print("FAIL: the output of %r differs from the README's (masked):" % command)
        print("  README:\n" + "\n".join("    " + mask(line) for line in lines))
        print("  gdb:\n" + "\n".join("    " + mask(line) for line in actual))
sys.exit(1 if failed else 0)
PYTHON
[ $? -eq 0 ] || exit 1
echo "PASS"
