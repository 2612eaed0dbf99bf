#!/bin/bash
# Prints what userspace sees of a fixed, deterministic set of macvlans:
# `ip -d -j link show` of each and of their lowers, `ethtool -i`. tests/alias/proc-diff.
# host.sh runs this with both implementations and diffs the dumps.
#   a0 (namespace low): mvp private, mvv vepa (bcqueuelen 500), mvb bridge
#       (bcqueuelen 2000, so used 2000), mvs source (four
#       remotes, nodst), mvn in namespace m1 (created there);
#   a1 (namespace low): pt0 passthru nopromisc.
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
for d in mvp mvv mvb mvs pt0 a1 b1; do $L ip link set "$d" up; done
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
echo "---- END DUMP ----"
unload_module "$ALIAS_MODULE"
