#!/bin/bash
# Prints what userspace sees of a fixed set of bonds: /proc/net/bonding/*
# and `ip -d -j link` of the bonds and their slaves. tests/bond/proc-diff.host.sh
# runs this with both implementations and diffs the dumps.
#   left: bond0 active-backup (miimon, primary a1) over a0 a1, bridged in
#         namespace sw; bond1 balance-xor layer3+4 over a2 a3 (into sw too);
#         bond2 802.3ad (lacp_rate fast) over a4 a5 with, in namespace
#         right, bond3 802.3ad over b4 b5: LACP between the two.
. "$RVNET_TESTS/lib.sh"

ns_pair left sw
ip netns add right
in_ns right sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
bond_links left sw 4
for i in 4 5; do
	ip link add "a$i" netns left address "02:00:00:00:0a:0$i" type veth \
		peer name "b$i" netns right address "02:00:00:00:0b:0$i"
done
L="in_ns left"
S="in_ns sw"
R="in_ns right"
$S ip link add br0 address 02:00:00:00:0b:ff type bridge
for d in b0 b1 b2 b3; do $S ip link set "$d" master br0 up; done
$S ip link set br0 up
$S ip addr add 192.0.2.2/24 dev br0
$S ip addr add 198.51.100.2/24 dev br0

$L ip link add bond0 type bond mode active-backup miimon 100 primary a1 updelay 100 num_grat_arp 2
$L ip link add bond1 type bond mode balance-xor xmit_hash_policy layer3+4 miimon 50
$L ip link add bond2 type bond mode 802.3ad lacp_rate fast ad_select bandwidth miimon 100
$R ip link add bond3 type bond mode 802.3ad lacp_rate fast miimon 100
for d in a0 a1; do $L ip link set "$d" master bond0; done
for d in a2 a3; do $L ip link set "$d" master bond1; done
for d in a4 a5; do $L ip link set "$d" master bond2; done
for d in b4 b5; do $R ip link set "$d" master bond3; done
$L ip link set a1 type bond_slave queue_id 2
$L ip addr add 192.0.2.1/24 dev bond0
$L ip addr add 198.51.100.1/24 dev bond1
$L ip addr add 203.0.113.1/24 dev bond2
$R ip addr add 203.0.113.2/24 dev bond3
for b in bond0 bond1 bond2; do $L ip link set "$b" up; done
$R ip link set bond3 up

# LACP settles: both slaves of both bonds in one aggregator with a partner.
settled() {
	local ns b
	for ns in left right; do
		b=bond2
		[ $ns = right ] && b=bond3
		[ "$(in_ns $ns cat /proc/net/bonding/$b | grep -c 'port state: 63')" = 4 ] || return 1
	done
}
for _ in $(seq 30); do settled && break; sleep 0.5; done
settled || { $L cat /proc/net/bonding/bond2; fail "LACP did not settle"; }
$L ping -c 2 -W 2 192.0.2.2 >/dev/null || fail "no ping over bond0"
$L ping -c 2 -W 2 198.51.100.2 >/dev/null || fail "no ping over bond1"
$L ping -c 2 -W 2 203.0.113.2 >/dev/null || fail "no ping over bond2"
# bond0 fails over to a0 and back to the primary a1.
$S ip link set b1 down
sleep 0.5
$S ip link set b1 up
sleep 1

echo "---- BEGIN DUMP ----"
for b in bond0 bond1 bond2; do
	echo "== /proc/net/bonding/$b"
	$L cat "/proc/net/bonding/$b"
done
echo "== /proc/net/bonding/bond3 (right)"
$R cat /proc/net/bonding/bond3
for d in bond0 a0 a1 bond1 a2 a3 bond2 a4 a5; do
	echo "== ip -d -j link show $d"
	$L ip -d -j link show "$d" | jq -S .
done
for d in bond3 b4; do
	echo "== ip -d -j link show $d (right)"
	$R ip -d -j link show "$d" | jq -S .
done
echo "---- END DUMP ----"
unload_bond
