#!/bin/bash
# ipvlan ports, on tests/alias/ipvlan.sh's topology: the port-wide mode and
# flags (last writer wins, NOARP toggled), shared MAC and distinct
# dev_ids, address conflicts (IPv4 and IPv6), lower events (MTU both
# ways, address, carrier, a namespace move that l3s's hooks follow,
# deletion), requests ipvlan.ko refuses (same errno and message), and
# removal of the module with ipvlans alive in several namespaces.
. "$RVNET_TESTS/lib.sh"

A0=02:00:00:00:0a:01
B0=02:00:00:00:0e:01
BCAST=ff:ff:ff:ff:ff:ff

lower_with_neighbours
ipvlans 3 mode l2

# Mode and flags belong to the port: the last writer's apply to all, and
# l3 makes every slave NOARP. The MAC is the lower's, dev_ids differ.
in_ns i3 ip link set ipv3 type ipvlan mode l2
noarp() {
	in_ns "$1" ip -j link show "$2" | jq -r '.[0].flags | index("NOARP") != null'
}
[ "$(noarp i2 ipv2)" = false ] || fail "ipv2 is NOARP in l2"
in_ns i1 ip link set ipv1 type ipvlan mode l3 private
for i in 1 2 3; do
	[ "$(ipvlan_info "i$i" "ipv$i" mode)" = l3 ] || fail "ipv$i not in l3 after ipv1's change"
	[ "$(noarp "i$i" "ipv$i")" = true ] || fail "ipv$i not NOARP in l3"
done
in_ns i1 ip -d link show ipv1 | grep -q " mode l3 private " || fail "ipv1: $(in_ns i1 ip -d link show ipv1)"
expect_ipvlan "now l3 private: ipv1 to ipv2" 3 "0 0 0 0 0" send_ip i1 ipv1 192.0.2.11 $A0 192.0.2.12
# A new slave's mode and flags (iproute2 always sends flags) apply too.
in_ns low ip link add link a0 name ipv4 type ipvlan mode l2
for i in 1 2 3; do
	[ "$(ipvlan_info "i$i" "ipv$i" mode)" = l2 ] || fail "ipv$i not in l2 after ipv4 was created in l2"
	[ "$(noarp "i$i" "ipv$i")" = false ] || fail "ipv$i still NOARP in l2"
done
in_ns i2 ip -d link show ipv2 | grep -q " mode l2 bridge " || fail "ipv2: $(in_ns i2 ip -d link show ipv2)"
expect_ipvlan "now l2 bridge: ipv1 to ipv2" 3 "0 1 0 0 0" send_ip i1 ipv1 192.0.2.11 $A0 192.0.2.12
in_ns low ip link set ipv4 type ipvlan mode l2 vepa
in_ns i3 ip -d link show ipv3 | grep -q " mode l2 vepa " || fail "ipv3: $(in_ns i3 ip -d link show ipv3)"
expect_ipvlan "now l2 vepa: ipv1 to ipv2" 3 "0 0 0 0 1" send_ip i1 ipv1 192.0.2.11 $A0 192.0.2.12
in_ns low ip link set ipv4 type ipvlan mode l2 bridge
ids=""
for i in 1 2 3; do
	[ "$(in_ns "i$i" cat "/sys/class/net/ipv$i/address")" = $A0 ] || fail "ipv$i does not share a0's MAC"
	ids+="$(in_ns "i$i" cat "/sys/class/net/ipv$i/dev_id") "
done
[ "$ids" = "0x1 0x2 0x3 " ] || fail "dev_ids: $ids"
if [ -d /proc/net/alias ]; then
	want="ipv1 kind ipvlan mode l2 flags bridge mac $A0
ipv2 kind ipvlan mode l2 flags bridge mac $A0
ipv3 kind ipvlan mode l2 flags bridge mac $A0
ipv4 kind ipvlan mode l2 flags bridge mac $A0"
	[ "$(in_ns low cat /proc/net/alias/a0)" = "$want" ] || fail "/proc/net/alias/a0: $(in_ns low cat /proc/net/alias/a0)"
	echo "ok: /proc/net/alias/a0 lists ipv1..ipv4"
fi
pass "mode and flags are the port's; shared MAC, distinct dev_ids"

# Addresses: no two slaves of a port may share one (the validators' error
# and message); a removed address is free again; IPv6 alike, and an IPv6
# unicast reaches its owner.
expect_fail "Address already assigned to an ipvlan device" in_ns i2 ip addr add 192.0.2.11/24 dev ipv2
expect_fail "Address already assigned to an ipvlan device" in_ns low ip addr add 192.0.2.12/32 dev ipv4
in_ns i1 ip addr del 192.0.2.11/24 dev ipv1
in_ns i2 ip addr add 192.0.2.11/24 dev ipv2
expect_ipvlan "outside to 192.0.2.11, now ipv2's" 3 "0 1 0 0 0" send_ip ext b0 192.0.2.100 $A0 192.0.2.11
in_ns i2 ip addr del 192.0.2.11/24 dev ipv2
in_ns i1 ip addr add 192.0.2.11/24 dev ipv1
for ns in i1 i2 ext; do in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0; done
in_ns i1 sysctl -qw net.ipv6.conf.ipv1.disable_ipv6=0
in_ns i2 sysctl -qw net.ipv6.conf.ipv2.disable_ipv6=0
in_ns ext sysctl -qw net.ipv6.conf.b0.disable_ipv6=0
in_ns i1 ip addr add 2001:db8::11/64 dev ipv1 nodad
expect_fail "Address already assigned to an ipvlan device" in_ns i2 ip addr add 2001:db8::11/64 dev ipv2 nodad
in_ns i2 ip addr add 2001:db8::12/64 dev ipv2 nodad
in_ns ext ip addr add 2001:db8::100/64 dev b0 nodad
in_ns ext ping -6 -c 1 -W 5 2001:db8::12 >/dev/null || fail "no IPv6 echo from ipv2"
in_ns ext ping -6 -c 1 -W 5 2001:db8::11 >/dev/null || fail "no IPv6 echo from ipv1"
pass "addresses are unique on the port (IPv4, IPv6) and demuxed"

# Lower events: MTU copied both ways (without bounds from the slaves),
# address copied, carrier transferred, a move to another namespace keeps
# the slaves, deletion takes them.
in_ns low ip link set a0 mtu 1400
[ "$(in_ns i1 cat /sys/class/net/ipv1/mtu)" = 1400 ] || fail "ipv1's MTU did not follow a0 down"
in_ns i1 ip link set ipv1 mtu 1300
in_ns low ip link set a0 mtu 1600
for i in 1 2 3; do
	[ "$(in_ns "i$i" cat "/sys/class/net/ipv$i/mtu")" = 1600 ] || fail "ipv$i's MTU did not follow a0 up"
done
in_ns low ip link set a0 address 02:00:00:00:0a:55
for i in 1 2 3; do
	[ "$(in_ns "i$i" cat "/sys/class/net/ipv$i/address")" = 02:00:00:00:0a:55 ] || fail "ipv$i's MAC did not follow a0"
done
expect_fail "Operation not supported" in_ns i1 ip link set ipv1 address 02:00:00:00:0a:66
in_ns ext ip link set b0 down
carrier() {
	[ "$(in_ns i1 ip -j link show ipv1 | jq -r '.[0].flags | index("NO-CARRIER") != null')" = "$1" ]
}
wait_for carrier true || fail "ipv1 kept its carrier when a0 lost its"
in_ns ext ip link set b0 up
wait_for carrier false || fail "ipv1 did not get its carrier back"
# In l3s, the hooks follow the lower to its new namespace.
in_ns i1 ip link set ipv1 type ipvlan mode l3s
ns_pair low2
in_ns low ip link set a0 netns low2
in_ns i1 ip link show ipv1 >/dev/null || fail "ipv1 went with a0's move"
[ "$(in_ns i1 ip -j link show ipv1 | jq -r '.[0].link_netnsid != null')" = true ] || fail "ipv1 lost its link-netnsid"
in_ns low2 ip link set a0 up
expect_ipvlan "l3s, a0 moved: outside to ipv2" 3 "0 1 0 0 0" send_ip ext b0 192.0.2.100 02:00:00:00:0a:55 192.0.2.12
if [ -d /proc/net/alias ]; then
	in_ns low2 cat /proc/net/alias/a0 | grep -q "^ipv1 kind ipvlan" || fail "/proc/net/alias/a0 did not move with a0"
fi
in_ns low2 ip link del a0
for i in 1 2 3; do
	in_ns "i$i" ip link show "ipv$i" >/dev/null 2>&1 && fail "ipv$i outlived a0"
done
pass "lower events as ipvlan.ko: MTU, address, carrier, move, deletion"
del_namespaces

# Requests ipvlan.ko refuses, with its errno.
lower_with_neighbours
L="in_ns low"
expect_fail "Invalid argument" $L ip link add ipvx type ipvlan
expect_fail "Invalid argument" $L ip link add link lo name ipvx type ipvlan
$L ip link add sit1 type sit local 192.0.2.10
expect_fail "Invalid argument" $L ip link add link sit1 name ipvx type ipvlan
$L ip link add br0 type bridge
$L ip link add d0 type dummy
$L ip link set d0 master br0
expect_fail "Device or resource busy" $L ip link add link d0 name ipvx type ipvlan
$L ip link add link a0 name ipv0 type ipvlan mode l2
$L ip link add d1 type dummy
$L ip link add link d1 name mv0 type macvlan
expect_fail "Device or resource busy" $L ip link add link d1 name ipvx type ipvlan
expect_fail "Invalid argument" $L ip link add link ipv0 name mvx type macvlan
expect_fail "Device or resource busy" $L ip link add link a0 name mvx type macvlan
expect_fail "Protodown not supported by device" $L ip link set ipv0 protodown on
# An ipvlan on an ipvlan sits on the real device.
$L ip link add link ipv0 name ipv00 type ipvlan mode l2
[ "$($L ip -j link show ipv00 | jq -r '.[0].link')" = a0 ] || fail "ipv00 is not on a0: $($L ip -j link show ipv00)"
pass "requests refused as ipvlan.ko refuses them"
del_namespaces

# Removing the module with ipvlans alive in several namespaces (in l3s,
# with its hooks): they go, and the lower is free again.
lower_with_neighbours
ipvlans 3 mode l3s
send_ip ext b0 192.0.2.100 $BCAST 192.0.2.255
modprobe -r "$IPVLAN_MODULE" || fail "$IPVLAN_MODULE refused to go with ipvlans alive"
grep -q "^$IPVLAN_MODULE " /proc/modules && fail "$IPVLAN_MODULE still loaded"
for i in 1 2 3; do
	in_ns "i$i" ip link show "ipv$i" >/dev/null 2>&1 && fail "ipv$i outlived the module"
done
in_ns low ip link add br0 type bridge
in_ns low ip link set a0 master br0 || fail "a0's receive handler still taken"
pass "$IPVLAN_MODULE removed with ipvlans in three namespaces; lower free"

if grep -q "^$ALIAS_MODULE " /proc/modules; then
	unload_module "$ALIAS_MODULE"
else
	del_namespaces
fi
