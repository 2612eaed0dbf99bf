#!/bin/bash
# Two namespaces over veth with VLAN 100 on each end: ping works, the wire
# carries an 802.1Q tag with id 100, and a VLAN on one end only (200) gives
# no connectivity.
. "$RVNET_TESTS/lib.sh"

veth_pair left right
vlan_on left a0 100 192.0.2.1
vlan_on right b0 100 192.0.2.2
expect_on_wire right b0 "ethertype 802.1Q (0x8100), length [0-9]*: vlan 100" 192.0.2.2
pass "ping over VLAN 100, with an 802.1Q tag with id 100 on the wire"

# Frames of a VID nobody listens to reach no VLAN device.
in_ns left ip link add link a0 name a0.200 type vlan id 200
in_ns left ip addr add 198.51.100.1/24 dev a0.200
in_ns left ip link set a0.200 up
in_ns right ip addr add 198.51.100.2/24 dev b0
if in_ns left ping -c 2 -W 1 198.51.100.2; then
	fail "VLAN 200 reached an untagged device"
fi
rx=$(in_ns right cat /sys/class/net/b0.100/statistics/rx_packets)
in_ns left ping -c 1 -W 1 192.0.2.2 >/dev/null
[ "$(in_ns right cat /sys/class/net/b0.100/statistics/rx_packets)" -gt "$rx" ] ||
	fail "VLAN 100 counters do not move"
pass "VLAN 200 on one end only: no connectivity"

unload_vlan
