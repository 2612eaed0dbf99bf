#!/bin/bash
# ipvlan delivery: three ipvlans ipv1..ipv3 (namespaces i1..i3,
# 192.0.2.11..13) on a0 (namespace low, 192.0.2.10), whose peer b0 is the
# external host (namespace ext, 192.0.2.100). For modes l2 and l3 with each
# flag (bridge, private, vepa), and l3s, exact frame counts per namespace:
# each ipvlan's received frames, the IPv4 packets the lower's own stack
# took in, and what reached the wire (b0), for frames from outside (to an
# ipvlan, to nobody, broadcast, reflected by an external switch) and from
# ipv1 (to ipv2, to the lower, to nobody, outside, broadcast).
# tests/alias/ipvlan-port.sh has the rest on the same topology.
. "$RVNET_TESTS/lib.sh"

A0=02:00:00:00:0a:01
B0=02:00:00:00:0e:01
BCAST=ff:ff:ff:ff:ff:ff

# One port for every mode and flag: set through one slave, they apply to
# all (the port's, the last writer's).
lower_with_neighbours
ipvlans 3 mode l2

# check_l2 FLAG IPV1_TO_IPV2 IPV1_TO_LOWER: delivery in l2 mode with FLAG.
check_l2() {
	local flag=$1
	in_ns i3 ip link set ipv3 type ipvlan mode l2 "$flag"
	[ "$(ipvlan_info i2 ipv2 mode)" = l2 ] || fail "ipv2's mode is $(ipvlan_info i2 ipv2 mode)"
	expect_ipvlan "l2 $flag: outside to ipv2" 3 "0 1 0 0 0" send_ip ext b0 192.0.2.100 $A0 192.0.2.12
	expect_ipvlan "l2 $flag: outside to nobody" 3 "0 0 0 1 0" send_ip ext b0 192.0.2.100 $A0 192.0.2.99
	expect_ipvlan "l2 $flag: outside broadcast" 3 "1 1 1 1 0" send_ip ext b0 192.0.2.100 $BCAST 192.0.2.255
	expect_ipvlan "l2 $flag: ipv1's broadcast reflected" 3 "0 0 0 1 0" \
		send_ip ext b0 192.0.2.11 $BCAST 192.0.2.255 $A0
	expect_ipvlan "l2 $flag: a broadcast from a0's MAC, not an ipvlan's address" 3 "1 1 1 1 0" \
		send_ip ext b0 192.0.2.99 $BCAST 192.0.2.255 $A0
	expect_ipvlan "l2 $flag: ipv1 broadcast" 3 "0 1 1 0 1" send_ip i1 ipv1 192.0.2.11 $BCAST 192.0.2.255
	expect_ipvlan "l2 $flag: ipv1 to ipv2" 3 "$2" send_ip i1 ipv1 192.0.2.11 $A0 192.0.2.12
	expect_ipvlan "l2 $flag: ipv1 to the lower" 3 "$3" send_ip i1 ipv1 192.0.2.11 $A0 192.0.2.10
	expect_ipvlan "l2 $flag: ipv1 outside" 3 "0 0 0 0 1" send_ip i1 ipv1 192.0.2.11 $B0 192.0.2.100
	expect_ipvlan "l2 $flag: ipv1 to ipv2 reflected" 3 "0 1 0 0 0" \
		send_ip ext b0 192.0.2.11 $A0 192.0.2.12 $A0
	pass "l2 $flag delivers as ipvlan.ko"
}

#            ipv1->ipv2   ipv1->lower
check_l2 bridge "0 1 0 0 0" "0 0 0 1 0"
check_l2 private "0 0 0 0 0" "0 0 0 1 0"
check_l2 vepa "0 0 0 0 1" "0 0 0 0 1"

# check_l3 FLAG IPV1_TO_IPV2: delivery in l3 mode with FLAG; what leaves a
# slave is routed in the lower's namespace.
check_l3() {
	local flag=$1
	in_ns i3 ip link set ipv3 type ipvlan mode l3 "$flag"
	[ "$(ipvlan_info i1 ipv1 mode)" = l3 ] || fail "ipv1's mode is $(ipvlan_info i1 ipv1 mode)"
	expect_ipvlan "l3 $flag: outside to ipv2" 3 "0 1 0 0 0" send_ip ext b0 192.0.2.100 $A0 192.0.2.12
	expect_ipvlan "l3 $flag: outside to nobody" 3 "0 0 0 1 0" send_ip ext b0 192.0.2.100 $A0 192.0.2.99
	expect_ipvlan "l3 $flag: outside broadcast" 3 "0 0 0 1 0" send_ip ext b0 192.0.2.100 $BCAST 192.0.2.255
	expect_ipvlan "l3 $flag: ipv1 broadcast" 3 "0 0 0 0 0" send_ip i1 ipv1 192.0.2.11 $BCAST 192.0.2.255
	expect_ipvlan "l3 $flag: ipv1 to ipv2" 3 "$2" send_ip i1 ipv1 192.0.2.11 $A0 192.0.2.12
	expect_ipvlan "l3 $flag: ipv1 to the lower" 3 "0 0 0 1 0" send_ip i1 ipv1 192.0.2.11 $A0 192.0.2.10
	expect_ipvlan "l3 $flag: ipv1 to nobody, routed" 3 "0 0 0 0 1" send_ip i1 ipv1 192.0.2.11 $A0 192.0.2.99
	pass "l3 $flag delivers as ipvlan.ko"
}

check_l3 bridge "0 1 0 0 0"
check_l3 private "0 0 0 0 0"
check_l3 vepa "0 0 0 0 1"

# l3s: the lower's stack takes packets in (and its netfilter hooks see
# them), then hands those for a slave's address to that slave.
in_ns i3 ip link set ipv3 type ipvlan mode l3s
[ "$(ipvlan_info i1 ipv1 mode)" = l3s ] || fail "ipv1's mode is $(ipvlan_info i1 ipv1 mode)"
expect_ipvlan "l3s: outside to ipv2" 3 "0 1 0 1 0" send_ip ext b0 192.0.2.100 $A0 192.0.2.12
expect_ipvlan "l3s: outside to nobody" 3 "0 0 0 1 0" send_ip ext b0 192.0.2.100 $A0 192.0.2.99
expect_ipvlan "l3s: outside broadcast" 3 "0 0 0 1 0" send_ip ext b0 192.0.2.100 $BCAST 192.0.2.255
expect_ipvlan "l3s: ipv1 to ipv2" 3 "0 1 0 0 0" send_ip i1 ipv1 192.0.2.11 $A0 192.0.2.12
expect_ipvlan "l3s: ipv1 to nobody, routed" 3 "0 0 0 0 1" send_ip i1 ipv1 192.0.2.11 $A0 192.0.2.99
pass "l3s delivers as ipvlan.ko"

unload_module "$IPVLAN_MODULE"
