#!/bin/bash
# Prints what userspace sees of a fixed set of VLANs after fixed traffic:
# /proc/net/vlan/* and `ip -d -j link`. scripts/check.sh runs this with both
# implementations and diffs the dumps (tests/vlan/proc-diff.host.sh).
. "$RVNET_TESTS/lib.sh"

veth_pair left right
L="in_ns left"
$L ip link set a0 address 02:00:00:00:00:0a
in_ns right ip link set b0 address 02:00:00:00:00:0b
$L ip link add link a0 name a0.100 type vlan id 100
$L ip link add link a0 name a0.ad type vlan id 4094 protocol 802.1ad reorder_hdr off
$L ip link add link a0 name a0.qos type vlan id 3 loose_binding on \
	ingress-qos-map 1:2 3:4 egress-qos-map 5:6 17:3 1:7 2:1
$L ip link set a0.qos type vlan egress-qos-map 5:0 33:2
in_ns right ip link add link b0 name b0.100 type vlan id 100
$L ip addr add 192.0.2.1/24 dev a0.100
in_ns right ip addr add 192.0.2.2/24 dev b0.100
for d in a0.100 a0.ad a0.qos; do $L ip link set "$d" up; done
in_ns right ip link set b0.100 up
$L ping -c 3 -W 2 192.0.2.2 >/dev/null || fail "no ping"
# A broadcast, to count one multicast frame on the far side.
$L ping -b -c 1 -W 1 192.0.2.255 >/dev/null 2>&1 || true

echo "---- BEGIN DUMP ----"
for f in config a0.100 a0.ad a0.qos; do
	echo "== /proc/net/vlan/$f"
	$L cat "/proc/net/vlan/$f"
done
echo "== /proc/net/vlan/b0.100 (right)"
in_ns right cat /proc/net/vlan/b0.100
for d in a0.100 a0.ad a0.qos; do
	echo "== ip -d -j link show $d"
	$L ip -d -j link show "$d" | jq -S .
done
echo "---- END DUMP ----"
unload_vlan
