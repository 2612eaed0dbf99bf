#!/bin/bash
# QinQ: an 802.1Q VLAN (20) stacked on an 802.1ad VLAN (10) on each end,
# and an 802.1Q VLAN stacked on an 802.1Q VLAN.
. "$RVNET_TESTS/lib.sh"

veth_pair left right
for side in left:a0 right:b0; do
	ns=${side%:*} dev=${side#*:}
	in_ns "$ns" ip link add link "$dev" name "$dev.10" type vlan protocol 802.1ad id 10
	in_ns "$ns" ip link add link "$dev.10" name "$dev.10.20" type vlan id 20
	in_ns "$ns" ip link add link "$dev" name "$dev.30" type vlan id 30
	in_ns "$ns" ip link add link "$dev.30" name "$dev.30.40" type vlan id 40
	for v in "$dev.10" "$dev.10.20" "$dev.30" "$dev.30.40"; do
		in_ns "$ns" ip link set "$v" up
	done
done
in_ns left ip -d link show a0.10 | grep -q "vlan protocol 802.1ad id 10" || fail "802.1ad not shown"
in_ns left ip addr add 192.0.2.1/24 dev a0.10.20
in_ns right ip addr add 192.0.2.2/24 dev b0.10.20
in_ns left ip addr add 198.51.100.1/24 dev a0.30.40
in_ns right ip addr add 198.51.100.2/24 dev b0.30.40

expect_on_wire right b0 "802.1Q-QinQ.*vlan 10.*vlan 20" 192.0.2.2
pass "QinQ ping (802.1ad outer, 802.1Q inner), both tags on the wire"
in_ns left ping -c 3 -W 2 198.51.100.2 || fail "no ping over 802.1Q 30 / 802.1Q 40"
pass "802.1Q over 802.1Q ping"

unload_vlan
