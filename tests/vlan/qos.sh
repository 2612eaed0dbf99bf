#!/bin/bash
# Egress QoS: skb priorities map to the tag's priority bits on the wire;
# changing the map takes effect, removing it restores priority 0.
. "$RVNET_TESTS/lib.sh"

veth_pair left right
vlan_on left a0 9 192.0.2.1 egress-qos-map 0:3
vlan_on right b0 9 192.0.2.2
expect_on_wire right b0 "vlan 9, p 3, ethertype ARP" 192.0.2.2
in_ns left ip link set a0.9 type vlan egress-qos-map 0:6
forget_neighbours left a0.9 right b0.9
expect_on_wire right b0 "vlan 9, p 6, ethertype ARP" 192.0.2.2
in_ns left ip link set a0.9 type vlan egress-qos-map 0:0
forget_neighbours left a0.9 right b0.9
expect_on_wire right b0 "vlan 9, p 0, ethertype ARP" 192.0.2.2
pass "egress QoS map sets the priority bits"
unload_vlan
