#!/usr/bin/env bash
# What a guest sees of its network configuration. Under --net=user: `ip addr`, `ip link` and
# `hostname -I` show lo and the device's eth0 (10.0.2.15/24, fe80:: from its MAC, UP) as a
# Linux box with that NIC prints them, lo as in a fresh network namespace; /proc/net/dev, if_nameindex,
# /proc/net/if_inet6 and ifconfig list them. Under --net=none only lo. /etc/resolv.conf: a
# root whose resolver is on the host's loopback (127.0.0.53, ::1) gives a guest under
# --net=user one that names the NAT's DNS 10.0.2.3, other lines kept; without the NAT, or
# with a resolver that is not on loopback, the guest reads the file unchanged. The roots' /etc are --volume directories.
# Skips (77) when passt or ip is not installed.
#   net_config.sh ASTERIX_BIN
set -u
asterix=${1:?usage: net_config.sh ASTERIX_BIN}
for tool in passt ip hostname python3; do
    if ! command -v $tool >/dev/null; then
        echo "SKIP: $tool is not installed"
        exit 77
    fi
done
ip=$(command -v ip)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL $*"; failed=1; }
run() { timeout 60 "$asterix" run "$@" 2>&1; }

# compare NAME EXPECTED ACTUAL
compare() {
    if [ "$2" = "$3" ]; then
        echo "ok $1"
    else
        fail "$1:"
        diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/    /'
    fi
}

# lo's block of `ip addr` as Linux prints it in a fresh network namespace (this host's own lo
# may have more addresses, or no IPv6).
host_lo='1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host 
       valid_lft forever preferred_lft forever'
eth0_addr='2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 65520 qdisc pfifo_fast state UP group default qlen 1000
    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff
    inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0
       valid_lft forever preferred_lft forever
    inet6 fe80::5054:ff:fe12:3456/64 scope link 
       valid_lft forever preferred_lft forever'
compare "ip addr under --net=user: lo, then eth0" "$host_lo
$eth0_addr" "$(run --net=user "$ip" addr)"
compare "ip addr under --net=none: lo only" "$host_lo" "$(run --net=none "$ip" addr)"
compare "ip addr show dev eth0" "$eth0_addr" "$(run --net=user "$ip" addr show dev eth0)"
compare "ip link under --net=user" "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 65520 qdisc pfifo_fast state UP mode DEFAULT group default qlen 1000
    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff" "$(run --net=user "$ip" link)"
compare "ip link show dev of a missing interface" 'Device "eth9" does not exist.' "$(run --net=user "$ip" link show dev eth9)"
compare "hostname -I under --net=user" "10.0.2.15 " "$(run --net=user hostname -I)"
compare "hostname -I under --net=none" "" "$(run --net=none hostname -I)"
names='import socket; print(socket.if_nameindex())'
compare "if_nameindex under --net=user" "[(1, 'lo'), (2, 'eth0')]" "$(run --net=user python3 -c "$names")"
compare "if_nameindex under --net=none" "[(1, 'lo')]" "$(run --net=none python3 -c "$names")"
compare "/proc/net/dev under --net=user" "lo eth0" "$(run --net=user sh -c "sed -n '3,\$p' /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ' '" | sed 's/ $//')"
compare "/proc/net/if_inet6: lo's ::1, eth0's link-local address" "00000000000000000000000000000001 01 80 10 80       lo
fe80000000000000505400fffe123456 02 40 20 80     eth0" "$(run --net=user cat /proc/net/if_inet6)"
# net-tools' ifconfig reads /proc/net/dev, /proc/net/if_inet6 and the SIOCGIF* ioctls.
if command -v ifconfig >/dev/null; then
    ifconfig=$(command -v ifconfig)
    compare "ifconfig lo (without counters)" "lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536
        inet 127.0.0.1  netmask 255.0.0.0
        inet6 ::1  prefixlen 128  scopeid 0x10<host>
        loop  txqueuelen 1000  (Local Loopback)" "$(run --net=user "$ifconfig" lo | head -4)"
    compare "ifconfig eth0" "eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 65520
        inet 10.0.2.15  netmask 255.255.255.0  broadcast 10.0.2.255
        inet6 fe80::5054:ff:fe12:3456  prefixlen 64  scopeid 0x20<link>
        ether 52:54:00:12:34:56  txqueuelen 1000  (Ethernet)" "$(run --net=user "$ifconfig" eth0 | head -4)"
fi

# --- /etc/resolv.conf ---
# resolv_case NAME NET CONTENT EXPECTED [SYMLINK]: the guest's cat of a root's resolv.conf.
resolv_case() {
    local etc="$work/etc_$1"
    mkdir -p "$etc"
    if [ -n "${5:-}" ]; then
        # systemd-resolved's shape: resolv.conf is a link to its stub file.
        mkdir -p "$etc/resolve"
        printf '%s' "$3" >"$etc/resolve/stub-resolv.conf"
        ln -s resolve/stub-resolv.conf "$etc/resolv.conf"
    else
        printf '%s' "$3" >"$etc/resolv.conf"
    fi
    compare "resolv.conf: $1" "$4" "$(run "--net=$2" -v "$etc:/etc" cat /etc/resolv.conf)"
    # The root's own file is never written.
    [ "$(cat "$etc/resolv.conf")" = "$(printf '%s' "$3")" ] || fail "resolv.conf: $1: the root's file changed"
}
stub='# This is the stub resolver of systemd-resolved.
nameserver 127.0.0.53
options edns0 trust-ad
search .
'
resolv_case "127.0.0.53 under --net=user names the NAT's DNS" user "$stub" '# This is the stub resolver of systemd-resolved.
nameserver 10.0.2.3
options edns0 trust-ad
search .'
resolv_case "a link to 127.0.0.53's stub file under --net=user" user "$stub" '# This is the stub resolver of systemd-resolved.
nameserver 10.0.2.3
options edns0 trust-ad
search .' symlink
resolv_case "::1 and a second loopback resolver under --net=user" user 'nameserver ::1
nameserver 127.0.0.1
nameserver 192.0.2.1
' 'nameserver 10.0.2.3
nameserver 192.0.2.1'
resolv_case "127.0.0.53 under --net=none is unchanged" none "$stub" "${stub%$'\n'}"
resolv_case "a resolver off loopback under --net=user is unchanged" user 'nameserver 192.0.2.53
search example.org
' 'nameserver 192.0.2.53
search example.org'
exit $failed
