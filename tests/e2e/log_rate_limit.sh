#!/usr/bin/env bash
# The kernel log is rate-limited: the guest test kernel_memory calls 20,000 distinct unknown
# syscall numbers, each worth a warning, yet only a burst of them and a "messages suppressed"
# count reach stderr.
#   log_rate_limit.sh ASTERIX_BIN GUEST_BIN
set -u
asterix=$1 guest=$2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! timeout 60 "$asterix" run --log=syscall:info --mem 32M "$guest" 2>"$log" >/dev/null; then
    echo "FAIL log_rate_limit: the guest failed" >&2
    cat "$log" >&2
    exit 1
fi
lines=$(grep -c 'unimplemented syscall' "$log")
if [ "$lines" -gt 500 ]; then
    echo "FAIL log_rate_limit: $lines warnings about unknown syscalls reached the log" >&2
    exit 1
fi
if ! grep -q 'messages suppressed' "$log"; then
    echo "FAIL log_rate_limit: no 'messages suppressed' line" >&2
    exit 1
fi
echo "PASS log_rate_limit ($lines warnings)"
