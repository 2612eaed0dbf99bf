#!/bin/bash
# Privileges across namespaces: a container (an unprivileged user as root
# of its own user and network namespaces) runs VLANs as root does; the
# initial namespace's VLANs are out of its reach.
. "$RVNET_TESTS/lib.sh"
modprobe "$VLAN_MODULE"
container '
	ip link add d0 type dummy
	ip link add link d0 name d0.5 type vlan id 5
	ip link set d0.5 type vlan egress 1:2 reorder_hdr off
	ip -d link show d0.5 | grep -q "egress-qos-map { 1:2 }" || fail "egress map: $(ip -d link show d0.5)"
	# /proc/net/vlan: each VLAN has its file, mode 0600 and owned by the
	# initial namespace'"'"'s root, as with 8021q.
	[ -e /proc/net/vlan/d0.5 ] || fail "no /proc/net/vlan/d0.5"
	expect_fail "Permission denied" cat /proc/net/vlan/config
	expect_fail "Operation not permitted" ip link set d0.5 netns 1
	ip link del d0
	[ -e /proc/net/vlan/d0.5 ] && fail "/proc/net/vlan/d0.5 left behind"
	true
'
pass "VLANs in a container"

ip link add d1 type dummy
ip link add link d1 name d1.7 type vlan id 7
expect_fail "Operation not permitted" unprivileged ip link add link d1 name d1.8 type vlan id 8
expect_fail "Operation not permitted" unprivileged ip link set d1.7 type vlan egress 1:2
expect_fail "Operation not permitted" unprivileged ip link del d1.7
ip -d link show d1.7 | grep -q egress-qos-map && fail "d1.7 changed: $(ip -d link show d1.7)"
pass "the initial namespace's VLANs out of its reach"
