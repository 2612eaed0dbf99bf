#!/bin/bash
# reorder_hdr: by default the tag travels out of band and a capture on the
# VLAN device shows untagged frames; with reorder_hdr off the frames carry
# the tag in-band on the VLAN device, both ways, as with 8021q.
. "$RVNET_TESTS/lib.sh"

veth_pair left right
vlan_on left a0 5 192.0.2.1 reorder_hdr off
vlan_on right b0 5 192.0.2.2
in_ns left ip -d link show a0.5 | grep -q "REORDER_HDR" && fail "reorder_hdr off not shown"
expect_on_wire left a0.5 "ethertype 802.1Q (0x8100), length [0-9]*: vlan 5, p 0, ethertype ARP (0x0806), Request" 192.0.2.2
grep -q "vlan 5, p 0, ethertype ARP (0x0806), Reply" /tmp/wire.txt || fail "received frames lack the in-band tag"
# The right's VLAN device (reorder_hdr on) sees the left's next request
# untagged.
forget_neighbours left a0.5 right b0.5
expect_on_wire right b0.5 "ethertype ARP (0x0806), length [0-9]*: Request" 192.0.2.2 >/dev/null
grep -q "802.1Q" /tmp/wire.txt && fail "tag in-band on a reorder_hdr VLAN device"
in_ns left ip link set a0.5 type vlan reorder_hdr on
forget_neighbours left a0.5 right b0.5
expect_on_wire left a0.5 "ethertype ARP (0x0806)" 192.0.2.2
grep -q "802.1Q" /tmp/wire.txt && fail "tag still in-band after reorder_hdr on"
pass "reorder_hdr on and off"
unload_vlan
