#!/usr/bin/env bash
# A guest that opens host files until it cannot must not make forks fail: run the guest test
# host_fds under a host descriptor limit smaller than the guest's RLIMIT_NOFILE, so that
# asterix's own descriptors would run out first.
#   host_fds.sh ASTERIX_BIN GUEST_BIN
set -u
asterix=$1 guest=$2
ulimit -n 2048 || { echo "SKIP: cannot lower the descriptor limit"; exit 77; }
if ! timeout 60 "$asterix" run "$guest"; then
    echo "FAIL host_fds: the guest failed under 'ulimit -n 2048'" >&2
    exit 1
fi
echo "PASS host_fds"
