#!/usr/bin/env bash
# ipcs (util-linux) sees the System V objects a guest made, in the same shape as on the host:
# a guest makes a segment, a semaphore set and a queue, then ipcs runs in the same instance.
# The same is done natively (and removed again); ids and owners may differ, the rest may not.
#   sysv_ipcs.sh ASTERIX_BIN SYSV_OBJECTS_BIN
set -u
asterix=${1:?usage: sysv_ipcs.sh ASTERIX_BIN SYSV_OBJECTS_BIN}
objects=${2:?usage: sysv_ipcs.sh ASTERIX_BIN SYSV_OBJECTS_BIN}
command -v ipcs >/dev/null || { echo "SKIP: no ipcs"; exit 77; }
key=$(printf '0x5e%06x' $(( $$ & 0xfffff0 )))
keys=$(printf '0x%08x|0x%08x|0x%08x' $((key)) $((key + 1)) $((key + 2)))
# The header lines and our objects' lines, with the id and owner columns masked.
shape() { grep -E "^(---|key|$keys)" | awk '{ if ($1 ~ /^0x/) { $2 = "ID"; $3 = "OWNER" } print }'; }

native_ids=$("$objects" "$key") || { echo "FAIL: native sysv_objects"; exit 1; }
native=$(ipcs | shape)
read -r shm sem msq <<<"$native_ids"
ipcrm -m "$shm" -s "$sem" -q "$msq"

guest=$(timeout 60 "$asterix" run /bin/sh -c "'$objects' $key >/dev/null && ipcs" 2>/dev/null | shape)
if [ "$guest" != "$native" ]; then
    echo "FAIL: ipcs differs"
    diff <(echo "$native") <(echo "$guest")
    exit 1
fi
# The limits ipcs -l reads from /proc/sys/kernel are Linux's defaults.
guest_limits=$(timeout 60 "$asterix" run /bin/sh -c "ipcs -l" 2>/dev/null)
echo "$guest_limits" | grep -q "max number of segments = 4096" || { echo "FAIL: ipcs -l"; echo "$guest_limits"; exit 1; }
echo "$guest"
echo "PASS"
