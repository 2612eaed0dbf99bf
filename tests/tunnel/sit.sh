#!/bin/bash
# sit (IPv6 in IPv4), as sit.ko: sit0 in every namespace (NBMA to
# IPv4-compatible next hops, the fallback for unmatched packets), a
# point-to-point tunnel carrying ping6 with proto 41 on the wire, IPv4
# through sit, path MTU, error counters, 6to4 (NBMA to the address in 2002::/16) with the spoofing
# check on the 6to4 source, what `ip -d -j link` and `ip tunnel show`
# print, bad input refused with sit.ko's errnos, the ISATAP potential
# router list (ip tunnel prl), sit0's rules,
# fb_tunnels_only_for_init_net, and removal of the module with tunnels
# alive in several namespaces.
. "$RVNET_TESTS/lib.sh"

tunnel_underlay
L="in_ns left"
R="in_ns right"
# IPv6 on the tunnels only, and nothing sent unasked (sit devices are
# NOARP: no DAD, no solicited-node groups; no router solicitations).
for ns in left right; do
	in_ns $ns sysctl -qw net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.default.router_solicitations=0
done
$L ip addr add 10.0.0.11/24 dev a0
$R ip addr add 10.0.0.12/24 dev b0

# sit0 (the module loads with the first sit): NBMA to ::V4ADDR next hops.
$L ip link add s1 type sit local 10.0.0.1 remote 10.0.0.2
$L ip link del s1
for ns in left right; do
	in_ns $ns ip link set sit0 up
	in_ns $ns ip -6 route add ::/96 dev sit0 2>/dev/null || true
done
$L ip -6 addr add ::10.0.0.1/96 dev sit0 2>/dev/null || true
$R ip -6 addr add ::10.0.0.2/96 dev sit0 2>/dev/null || true
$L ping -6 -c 2 -W 2 -i 0.2 ::10.0.0.2 >/dev/null || fail "no ping6 through sit0 (IPv4-compatible next hop)"
expect_counter right sit0 rx_packets 2
expect_counter left sit0 tx_packets 2
# No IPv4-compatible next hop: a transmit error, as sit.ko.
$L ip -6 route add 2001:db8:99::/64 dev sit0
$L ping -6 -c 1 -W 1 2001:db8:99::1 >/dev/null 2>&1 && fail "ping6 without a next hop got through"
expect_counter left sit0 tx_errors 1
for ns in left right; do in_ns $ns ip link set sit0 down; done
pass "sit0: NBMA to an IPv4-compatible next hop, the fallback on receive"

# Point-to-point: ping6, proto 41 on the wire, IPv4 through sit.
$L ip link add s1 type sit local 10.0.0.1 remote 10.0.0.2 ttl 64
$R ip link add s1 type sit local 10.0.0.2 remote 10.0.0.1 ttl 64
$L ip -6 addr add 2001:db8:1::1/64 dev s1
$R ip -6 addr add 2001:db8:1::2/64 dev s1
$L ip addr add 192.168.1.1/30 dev s1
$R ip addr add 192.168.1.2/30 dev s1
$L ip link set s1 up
$R ip link set s1 up
$L ping -6 -c 3 -W 2 -i 0.2 2001:db8:1::2 >/dev/null || fail "no ping6 through sit"
for ns in left right; do
	expect_counter $ns s1 tx_packets 3
	expect_counter $ns s1 rx_packets 3
	expect_counter $ns s1 tx_bytes 312
done
capture_tunnel right b0 "ip proto 41" "tos 0x0, ttl 64, .*flags \[DF\], proto IPv6 \(41\).*10\.0\.0\.1 > 10\.0\.0\.2: .*2001:db8:1::1 > 2001:db8:1::2: .*echo request" -6 2001:db8:1::2
$L ip link set s1 type sit local 10.0.0.1 remote 10.0.0.2 ttl 17 tos 0x20
capture_tunnel right b0 "ip proto 41" "tos 0x20, ttl 17, .*flags \[DF\], proto IPv6 \(41\)" -6 2001:db8:1::2
$L ip link set s1 type sit local 10.0.0.1 remote 10.0.0.2 ttl inherit tos inherit
capture_tunnel right b0 "ip proto 41" "tos 0x28, ttl 33, .*proto IPv6 \(41\)" -6 -Q 0x28 -t 33 2001:db8:1::2
# IPv4 over a sit tunnel (ip_tunnel_xmit, sit's IPv4 handler after ipip's).
$L ping -c 2 -W 2 -i 0.2 192.168.1.2 >/dev/null || fail "no IPv4 ping through sit"
capture_tunnel right b0 "ip proto 4" "proto IPIP \(4\).*10\.0\.0\.1 > 10\.0\.0\.2: .*192\.168\.1\.1 > 192\.168\.1\.2: ICMP echo request" 192.168.1.2
# A tunnel in mode ip6ip drops IPv4 it receives (no counter).
$R ip link del s1
$R ip link add s1 type sit mode ip6ip local 10.0.0.2 remote 10.0.0.1
$R ip addr add 192.168.1.2/30 dev s1
$R ip -6 addr add 2001:db8:1::2/64 dev s1
$R ip link set s1 up
$L ping -c 1 -W 1 192.168.1.2 >/dev/null 2>&1 && fail "an ip6ip tunnel took IPv4"
expect_counter right s1 rx_packets 0
pass "point-to-point sit: ping6 and IPv4, proto 41/4 outside, TTL/TOS set or inherited"

# A smaller underlay: oversized packets answered with packet too big
# (1300 - 20), the inner route learning the MTU.
$L ip link set a0 mtu 1300
$R ip link set b0 mtu 1300
out=$($L ping -6 -c 1 -W 1 -M do -s 1400 2001:db8:1::2 2>&1) && fail "an oversized ping6 passed: $out"
$L ping -6 -c 1 -W 2 -M do -s 1200 2001:db8:1::2 >/dev/null || fail "a 1248-byte ping6 did not pass"
$L ip -6 route get 2001:db8:1::2 | grep -q "mtu 1280" || fail "no PMTU 1280: $($L ip -6 route get 2001:db8:1::2)"
$L ip link set a0 mtu 1500
$R ip link set b0 mtu 1500
pass "path MTU from the underlay: packet too big, route MTU 1280"

# Error counters: no route to the remote (carrier), the remote routed
# through the tunnel itself (collisions).
$L ip link add s4 type sit local 10.0.0.1 remote 203.0.113.1
$L ip -6 addr add 2001:db8:4::1/64 dev s4
$L ip link set s4 up
$L ping -6 -c 1 -W 1 2001:db8:4::2 >/dev/null 2>&1 || true
expect_counter left s4 tx_carrier_errors 1
expect_counter left s4 tx_errors 1
$L ip link add s5 type sit local 10.0.0.1 remote 192.168.5.9
$L ip addr add 192.168.5.1/24 dev s5
$L ip -6 addr add 2001:db8:5::1/64 dev s5
$L ip link set s5 up
$L ping -6 -c 1 -W 1 2001:db8:5::2 >/dev/null 2>&1 || true
expect_counter left s5 collisions 1
expect_counter left s5 tx_errors 1
pass "no route: tx_carrier_errors; route through itself: collisions"

# 6to4: NBMA to the address 2002:V4ADDR::/48 embeds; a source that does
# not embed the outer source is spoofed (rx_errors, logged).
$L ip link add tun6to4 type sit local 10.0.0.11
$R ip link add tun6to4 type sit local 10.0.0.12
$L ip -6 addr add 2002:a00:b::1/16 dev tun6to4
$R ip -6 addr add 2002:a00:c::1/16 dev tun6to4
$L ip link set tun6to4 up
$R ip link set tun6to4 up
$L ping -6 -c 2 -W 2 -i 0.2 2002:a00:c::1 >/dev/null || fail "no ping6 through 6to4"
expect_counter right tun6to4 rx_packets 2
expect_counter left tun6to4 rx_packets 2
$L ip -6 addr add 2002:a00:63::1/16 dev tun6to4
$L ping -6 -c 1 -W 1 -I 2002:a00:63::1 2002:a00:c::1 >/dev/null 2>&1 && fail "a spoofed 6to4 source got an answer"
expect_counter right tun6to4 rx_errors 1
expect_counter right tun6to4 rx_packets 2
dmesg | grep -q "sit: Src spoofed 10.0.0.11/2002:a00:63::1 -> 10.0.0.12/2002:a00:c::1" ||
	fail "no 'Src spoofed' in the log: $(dmesg | tail -3)"
pass "6to4: the outer destination from 2002::/16, spoofed sources refused"

# What userspace sees.
$L ip link add isa type sit local 10.0.0.1 isatap
$L ip link add big mtu 9000 type sit remote 10.0.0.7 mode any fwmark 5 nopmtudisc
for d in s1 tun6to4 isa big sit0; do
	echo "$d: $($L ip -d -j link show $d | jq -c '.[0] | [.mtu, .min_mtu, .max_mtu, .flags, .linkinfo]')"
done
sum=$(for d in s1 tun6to4 isa big sit0; do $L ip -d -j link show $d | jq -c '.[0] | [.mtu, .min_mtu, .max_mtu, .flags, .linkinfo]'; done | md5sum)
[ "$sum" = "f867f8713a37c7dc44c6e9ac33c02e31  -" ] || fail "ip -d -j link differs from sit.ko's: $sum"
pass "ip -d -j link as sit.ko: MTU 1480 (1280..65555), modes, ISATAP, fwmark, DF"

# Bad input.
expect_fail "Invalid argument" $L ip link add x1 type sit mode mplsip remote 10.0.0.9
expect_fail "File exists" $L ip link add x1 type sit local 10.0.0.1 remote 10.0.0.2
expect_fail "File exists" $L ip link add x1 type sit
expect_fail "mtu less than device minimum" $L ip link add x1 mtu 1279 type sit remote 10.0.0.9
expect_fail "mtu greater than device maximum" $L ip link add x1 mtu 65556 type sit remote 10.0.0.9
expect_fail "mtu less than device minimum" $L ip link set s1 mtu 1279
expect_fail "Invalid argument" $L ip link set s1 type sit local 10.0.0.1 remote any
expect_fail "Invalid argument" $L ip link set tun6to4 type sit local 10.0.0.11 remote 10.0.0.8
expect_fail "File exists" $L ip link set big type sit remote 10.0.0.2 local 10.0.0.1
expect_fail "Invalid argument" $L ip link set sit0 type sit ttl 3 pmtudisc
$L ip link del sit0
$L ip link show sit0 >/dev/null || fail "ip link del sit0 deleted it"
ip netns add other
expect_fail "The interface netns is immutable" $L ip link set sit0 netns other
pass "bad input refused as sit.ko; sit0 cannot be changed, deleted or moved"

# ip tunnel: the SIOC*TUNNEL ioctls through sit0 and the tunnels.
$L ip tunnel add st1 mode sit local 10.0.0.1 remote 10.0.0.5 ttl 9 tos 0x10
expect_fail "No buffer space available" $L ip tunnel add st2 mode sit local 10.0.0.1 remote 10.0.0.5
$L ip tunnel add mode sit remote 10.0.0.6
$L ip link show sit1 >/dev/null || fail "no sit1"
# (ip tunnel change starts from the tunnel's parameters.) sit1's, and
# without addresses sit0's: EEXIST; NBMA from point-to-point: EINVAL.
expect_fail "File exists" $L ip tunnel change st1 mode sit local any remote 10.0.0.6
expect_fail "File exists" $L ip tunnel change st1 mode sit local any remote any
expect_fail "Invalid argument" $L ip tunnel change st1 mode sit local 10.0.0.31 remote any
expect_fail "No such file or directory" $L ip tunnel change sit0 mode sit remote 10.0.0.77 pmtudisc
$L ip tunnel change sit0 mode sit remote 10.0.0.6 ttl 3 pmtudisc
$L ip tunnel change st1 mode sit local 10.0.0.1 remote 10.0.0.15 ttl inherit
$L ip tunnel add is2 mode isatap local 10.0.0.21
expect_fail "Operation not permitted" $L ip tunnel del sit0
$L ip tunnel del sit1
$L ip link show sit1 2>/dev/null && fail "sit1 not deleted"
# (rvnet_tunnel brings tunl0 and gre0 along; sit.ko does not.)
shown=$(tunnels_shown left tunl0 gre0)
echo "$shown"
[ "$(md5sum <<<"$shown")" = "1710ae2d4e842ae09a9b40c418a2e893  -" ] || fail "ip tunnel show differs from sit.ko's"
echo "st1: $($L ip -d -j link show st1 | jq -c '.[0] | [.mtu, .min_mtu, .max_mtu, .flags]')"
[ "$($L ip -d -j link show st1 | jq -c '.[0] | [.min_mtu, .max_mtu]')" = "[1280,65555]" ] || fail "st1's MTU range"
pass "ip tunnel add/change/del/show as sit.ko"

# The ISATAP potential router list (ip tunnel prl, SIOC*PRL): newest
# first, sit.ko's errnos, sit0 without one, shown by ip tunnel show.
P=/rvnet/tools/sit-prl
$L ip tunnel prl prl-default 10.0.0.31 dev is2
$L ip tunnel prl prl-nodefault 10.0.0.32 dev is2
$L ip tunnel prl prl-nodefault 10.0.0.33 dev is2
expect_fail "File exists" $L ip tunnel prl prl-nodefault 10.0.0.31 dev is2
expect_fail "Invalid argument" $L ip tunnel prl prl-default 0.0.0.0 dev is2
expect_fail "No such device or address" $L ip tunnel prl prl-delete 10.0.0.34 dev is2
expect_fail "Invalid argument" $L ip tunnel prl prl-default 10.0.0.31 dev sit0
expect_fail "Invalid argument" $L $P sit0 get 0.0.0.0 8
[ "$($L $P is2 chg 10.0.0.34 1)" = "No such device or address" ] || fail "SIOCCHGPRL of an unlisted router"
[ "$($L $P is2 chg 0.0.0.0 1)" = "Invalid argument" ] || fail "SIOCCHGPRL of 0.0.0.0"
$L $P is2 chg 10.0.0.32 1 >/dev/null || fail "SIOCCHGPRL failed"
$L ip tunnel prl prl-delete 10.0.0.33 dev is2
got=$($L $P is2 get 0.0.0.0 8 | tr '\n' ' ')
[ "$got" = "datalen 32 10.0.0.32 1 10.0.0.31 1 " ] || fail "SIOCGETPRL of all: $got"
got=$($L $P is2 get 0.0.0.0 1 | tr '\n' ' ')
[ "$got" = "datalen 16 10.0.0.32 1 " ] || fail "SIOCGETPRL with room for one: $got"
got=$($L $P is2 get 10.0.0.31 8 | tr '\n' ' ')
[ "$got" = "datalen 16 10.0.0.31 1 " ] || fail "SIOCGETPRL of one router: $got"
got=$($L $P is2 get 10.0.0.33 8 | tr '\n' ' ')
[ "$got" = "datalen 0 " ] || fail "SIOCGETPRL of an unlisted router: $got"
shown=$($L ip tunnel show is2)
echo "$shown"
[ "$shown" = "is2: ipv6/ip remote any local 10.0.0.21 pdr 10.0.0.32 pdr 10.0.0.31 ttl inherit" ] || fail "ip tunnel show is2 with a router list"
expect_fail "Operation not permitted" $L setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare --user --map-root-user ip tunnel prl prl-delete 10.0.0.31 dev is2
$L ip tunnel prl prl-delete 0.0.0.0 dev is2
got=$($L $P is2 get 0.0.0.0 8 | tr '\n' ' ')
[ "$got" = "datalen 0 " ] || fail "prl-delete 0.0.0.0 left: $got"
# Receive: an ISATAP tunnel takes IPv6 from a listed router whatever its
# inner source; without the entry the packet is dropped (rx_errors).
$L ip addr add 10.0.0.21/24 dev a0
$R ip addr add 10.0.0.22/24 dev b0
$R ip link add rt type sit local 10.0.0.22 remote 10.0.0.21
$R ip -6 addr add fd00:21::2/64 dev rt
$R ip link set rt up
$L ip link set is2 up
$R ping -6 -c 1 -W 1 fd00:21::1 >/dev/null 2>&1 || true
expect_counter left is2 rx_errors 1
expect_counter left is2 rx_packets 0
$L ip tunnel prl prl-nodefault 10.0.0.22 dev is2
$R ping -6 -c 1 -W 1 fd00:21::1 >/dev/null 2>&1 || true
expect_counter left is2 rx_errors 1
expect_counter left is2 rx_packets 1
$L ip link set is2 down
$R ip link del rt
pass "ISATAP potential router list as sit.ko: add, change, delete, get, receive"

# Namespaces: sit0 in each, unless fb_tunnels_only_for_init_net.
ip -n other link show sit0 >/dev/null || fail "no sit0 in a new namespace"
sysctl -qw net.core.fb_tunnels_only_for_init_net=1
ip netns add nofb
ip -n nofb link show sit0 2>/dev/null && fail "sit0 in a namespace with fb_tunnels_only_for_init_net=1"
expect_fail "No such device" in_ns nofb ip tunnel add x1 mode sit remote 10.0.0.9
in_ns nofb ip link add x1 type sit
sysctl -qw net.core.fb_tunnels_only_for_init_net=0
pass "sit0 per namespace, as fb_tunnels_only_for_init_net says"

# The module goes with tunnels alive in several namespaces.
ip -n other link add o1 type sit remote 10.9.9.9
ip -n other link set o1 up
ip -n other link set sit0 up
modprobe -r "$SIT_MODULE" || fail "$SIT_MODULE did not unload with tunnels alive"
for ns in left right other nofb; do
	left=$(ip -n $ns -j link show | jq -r '.[] | select(.link_type == "sit") | .ifname')
	[ -z "$left" ] || fail "sit devices left in $ns: $left"
done
pass "module removed with tunnels in several namespaces"
no_ip_tunnel_module
unload_module "$SIT_MODULE"
