#!/bin/bash
# A VLAN on a device whose single rx_handler slot is taken, before or after
# the VLAN is created: a bridge port, a bond slave. It must still receive
# its frames, as 8021q's do.
. "$RVNET_TESTS/lib.sh"

veth_pair left right
L="in_ns left"
$L ip link add br0 type bridge
$L ip link set a0 master br0
$L ip link set br0 up
vlan_on left a0 5 192.0.2.1
vlan_on right b0 5 192.0.2.2
$L ping -c 3 -W 2 192.0.2.2 || fail "no ping over a VLAN on a bridge port"
pass "VLAN on a bridge port"

ip link add c0 netns left type veth peer name d0 netns right
$L ip link add bond1 type bond mode active-backup
$L ip link set c0 master bond1
$L ip link set bond1 up
in_ns right ip link set d0 up
vlan_on left c0 6 198.51.100.1
vlan_on right d0 6 198.51.100.2
$L ping -c 3 -W 2 198.51.100.2 || fail "no ping over a VLAN on a bond slave"
pass "VLAN on a bond slave"

# The lower going away still takes its VLANs along.
$L ip link del c0
$L ip link show c0.6 2>/dev/null && fail "c0.6 survived its lower"
$L ip link set a0 nomaster
$L ping -c 2 -W 2 192.0.2.2 >/dev/null || fail "a0.5 stopped working when a0 left the bridge"
pass "lower released or deleted under a VLAN"

# A device with a VLAN becomes a bridge port.
vlan_on left a0 7 203.0.113.1
vlan_on right b0 7 203.0.113.2
$L ip link set a0 master br0 || fail "cannot bridge a device that has VLANs"
$L ping -c 2 -W 2 203.0.113.2 >/dev/null || fail "a0.7 stopped working when a0 became a bridge port"
pass "a device with VLANs becomes a bridge port"
$L ip link del br0
$L ip link del bond1
unload_vlan
