#!/usr/bin/env bash
# Stands in for the asterix binary in an e2e test so that the test runs on another user-mode
# platform: `run` gets --platform=$ASTERIX_PLATFORM; anything else passes through unchanged.
# Environment: ASTERIX_BIN (the real binary), ASTERIX_PLATFORM (ptrace or systrap).
set -u
bin=${ASTERIX_BIN:?ASTERIX_BIN is not set}
if [ "${1:-}" = run ]; then
    shift
    exec "$bin" run --platform="${ASTERIX_PLATFORM:?ASTERIX_PLATFORM is not set}" "$@"
fi
exec "$bin" "$@"
