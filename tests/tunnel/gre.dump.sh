#!/bin/bash
# Prints what userspace sees of a fixed set of gre, gretap and erspan
# tunnels, one per option set: `ip -d -j link show` and `ip -d link show` of each,
# `ethtool -i` and `-k`, and `ip tunnel show`. tests/tunnel/gre-diff.host.sh
# diffs this between ip_gre.ko and rvnet.
. "$RVNET_TESTS/lib.sh"

tunnel_underlay
ip netns add inner
L="in_ns left"
$L ip link add p2p type gre local 10.0.0.1 remote 10.0.0.2
$L ip link add keyed type gre local 10.0.0.1 remote 10.0.0.3 ikey 1 okey 2 csum seq ttl 17 tos 0x28 fwmark 0x10 dev a0
$L ip link add inh type gre remote 10.0.0.4 ttl inherit tos inherit nopmtudisc ignore-df
$L ip link add nbma type gre local 10.0.0.1 key 5
$L ip link add ext type gre external
$L ip link add big mtu 9000 type gre remote 10.0.0.7 iseq ocsum
$L ip link add tap address 02:00:00:00:00:01 type gretap local 10.0.0.1 remote 10.0.0.2 key 9
$L ip link add tapext address 02:00:00:00:00:02 type gretap external
$L ip link add span1 address 02:00:00:00:00:03 type erspan local 10.0.0.1 remote 10.0.0.2 seq key 100 erspan_ver 1 erspan 123 ttl 9 tos 0x10
$L ip link add span2 address 02:00:00:00:00:04 type erspan local 10.0.0.1 remote 10.0.0.5 seq key 200 erspan_ver 2 erspan_dir egress erspan_hwid 0x2a fwmark 3
$L ip link add span3 address 02:00:00:00:00:05 type erspan remote 10.0.0.6 seq key 300 erspan_ver 2 erspan_hwid 5 dev a0
$L ip link add span0 address 02:00:00:00:00:06 type erspan local 10.0.0.1 remote 10.0.0.7 erspan_ver 0
$L ip link add spext address 02:00:00:00:00:07 type erspan external
$L ip tunnel add ioc mode gre local 10.0.0.1 remote 10.0.0.8 ttl 3 key 7 csum
$L ip link add moved type gre remote 10.0.0.9
$L ip link set moved netns inner
$L ip link set keyed type gre ttl 18 tos 0x10 fwmark 0x11 noiseq
$L ip link set tap type gretap nokey
$L ip link set span1 type erspan erspan 77 ttl 10
# A version change keeps the header length and MTU of the first.
$L ip link set span3 type erspan erspan_ver 1 erspan 9
for d in p2p keyed inh nbma ext tap gre0 span1; do $L ip link set "$d" up; done
# Headroom grows with what transmit needed: send once through p2p.
$L ip addr add 192.168.1.1/30 dev p2p
$L ping -c 1 -W 1 192.168.1.2 >/dev/null 2>&1 || true

echo "---- BEGIN DUMP ----"
for d in gre0 gretap0 erspan0 p2p keyed inh nbma ext big tap tapext ioc span0 span1 span2 span3 spext; do
	echo "== $d"
	$L ip -d -j link show "$d" | jq -S .
	$L ip -d link show "$d"
done
echo "== moved"
in_ns inner ip -d -j link show moved | jq -S .
for d in p2p tap span1; do
	echo "== ethtool -i/-k $d"
	$L ethtool -i $d
	$L ethtool -k $d
done
echo "== ip tunnel show"
tunnels_shown left tunl0 sit0
echo "---- END DUMP ----"
