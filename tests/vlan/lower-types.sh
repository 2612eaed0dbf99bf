#!/bin/bash
# Stacking: a VLAN on a bond, bridged (bond -> VLAN -> bridge), and a VLAN
# device as bridge port carrying traffic.
. "$RVNET_TESTS/lib.sh"

veth_pair left right
L="in_ns left"
$L ip link add bond0 type bond mode active-backup miimon 100
$L ip link set a0 down
$L ip link set a0 master bond0
$L ip link set bond0 up
$L ip link add link bond0 name bond0.7 type vlan id 7
$L ip link add br0 type bridge
$L ip link set bond0.7 master br0
$L ip link set bond0.7 up
$L ip link set br0 up
$L ip addr add 192.0.2.1/24 dev br0
in_ns right ip link add link b0 name b0.7 type vlan id 7
in_ns right ip addr add 192.0.2.2/24 dev b0.7
in_ns right ip link set b0.7 up
$L ping -c 3 -W 3 192.0.2.2 || fail "no ping over bond -> VLAN -> bridge"
pass "bond -> VLAN -> bridge"
$L ip link del br0
$L ip link del bond0
unload_vlan
