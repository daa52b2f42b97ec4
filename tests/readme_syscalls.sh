#!/usr/bin/env bash
# The README's list of implemented syscalls must be what tools/syscall-list generates from the
# syscall table, and every partial-syscall note must name a syscall in the table.
#   readme_syscalls.sh SOURCE_DIR
# Exits 77 (skip) while README.md has no generated section yet.
set -euo pipefail
src=${1:?usage: readme_syscalls.sh SOURCE_DIR}
readme=$src/README.md
generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
"$src/tools/syscall-list" >"$generated"

names=$(sed -n 's/^AX_SYSCALL([0-9]*, *\([a-z0-9_]*\))$/\1/p' "$src/src/services/syscalls/syscall_list.h")
status=0
while IFS=: read -r name _; do
    case $name in '#'* | '') continue ;; esac
    if ! grep -qx "$name" <<<"$names"; then
        echo "tools/syscall-notes.txt: $name is not in the syscall table" >&2
        status=1
    fi
done <"$src/tools/syscall-notes.txt"

if ! grep -q '^<!-- syscalls:begin' "$readme"; then
    echo "README.md has no generated syscall list yet: paste the output of tools/syscall-list" >&2
    exit $((status ? status : 77))
fi
if ! diff -u <(sed -n '/^<!-- syscalls:begin/,/^<!-- syscalls:end -->/p' "$readme") "$generated"; then
    echo "README.md's syscall list is stale: replace it with the output of tools/syscall-list" >&2
    status=1
fi
exit $status
