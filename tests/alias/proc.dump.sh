#!/bin/bash
# Prints what userspace sees of a fixed, deterministic set of macvlans:
# `ip -d -j link show` of each and of their lowers, `ethtool -i`. tests/alias/proc-diff.
# host.sh runs this with both implementations and diffs the dumps.
#   a0 (namespace low): mvp private, mvv vepa (bcqueuelen 500), mvb bridge
#       (bcqueuelen 2000, so used 2000), mvs source (four
#       remotes, nodst), mvn in namespace m1 (created there);
#   a1 (namespace low): pt0 passthru nopromisc.
#   ipvlans (sharing their lowers' MACs): ipb l2 bridge on a2, ipp l3
#       private and ipn (in namespace m1) on a3, ipv l2 vepa on a4, ips
#       l3s on a5.
# Every MAC is set, so nothing depends on random addresses.
. "$RVNET_TESTS/lib.sh"

alias_lower
ns_pair m1
L="in_ns low"
$L ip link add a1 address 02:00:00:00:0a:02 type veth peer name b1 address 02:00:00:00:0e:02
$L ip link add link a0 name mvp address 02:00:00:00:01:01 type macvlan mode private
$L ip link add link a0 name mvv address 02:00:00:00:01:02 type macvlan mode vepa bcqueuelen 500
$L ip link add link a0 name mvb address 02:00:00:00:01:03 type macvlan mode bridge bcqueuelen 2000
$L ip link add link a0 name mvs address 02:00:00:00:01:04 type macvlan mode source nodst \
	macaddr set 02:00:00:00:0e:01 02:00:00:00:0e:02 02:00:00:00:0e:03
$L ip link set mvs type macvlan macaddr add 02:00:00:00:0e:04
$L ip link add link a0 name mvn netns m1 address 02:00:00:00:01:05 type macvlan mode bridge
$L ip link add link a1 name pt0 type macvlan mode passthru nopromisc
for i in 2 3 4 5; do
	$L ip link add a$i address 02:00:00:00:0a:0$i type veth peer name b$i address 02:00:00:00:0e:0$i
done
$L ip link add link a2 name ipb type ipvlan mode l2
$L ip link add link a3 name ipp type ipvlan mode l3 private
$L ip link add link a3 name ipn netns m1 type ipvlan mode l3 private
$L ip link add link a4 name ipv type ipvlan mode l2 vepa
$L ip link add link a5 name ips type ipvlan mode l3s
for d in mvp mvv mvb mvs pt0 a1 b1 a2 a3 a4 a5 ipb ipp ipv ips; do $L ip link set "$d" up; done
in_ns m1 ip link set ipn up
in_ns m1 ip link set mvn up
sleep 1

echo "---- BEGIN DUMP ----"
for d in a0 a1 mvp mvv mvb mvs pt0; do
	echo "== ip -d -j link show $d"
	$L ip -d -j link show "$d" | jq -S .
	echo "== ip -d link show $d"
	$L ip -d link show "$d" | tail -n +2
done
echo "== ethtool -i mvb"
$L ethtool -i mvb
echo "== ethtool mvb"
$L ethtool mvb
echo "== ip -d -j link show mvn (m1)"
in_ns m1 ip -d -j link show mvn | jq -S .
for d in a3 ipb ipp ipv ips; do
	echo "== ip -d -j link show $d"
	$L ip -d -j link show "$d" | jq -S .
	echo "== ip -d link show $d"
	$L ip -d link show "$d" | tail -n +2
done
echo "== ip -d -j link show ipn (m1)"
in_ns m1 ip -d -j link show ipn | jq -S .
echo "== ethtool -i ipb"
$L ethtool -i ipb
echo "== ethtool ipb"
$L ethtool ipb
echo "== ethtool -k ipp"
$L ethtool -k ipp
echo "---- END DUMP ----"
[ "$IPVLAN_MODULE" = "$ALIAS_MODULE" ] || unload_module "$IPVLAN_MODULE"
unload_module "$ALIAS_MODULE"
