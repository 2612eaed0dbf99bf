#!/bin/bash
# Prints what userspace sees of a fixed set of ipip and sit tunnels, one
# per option set: `ip -d -j link show` and `ip -d link show` of each, `ethtool -i`
# and `-k`, and `ip tunnel show`. tests/tunnel/proc-diff.host.sh diffs
# this between ipip.ko/sit.ko and rvnet.
. "$RVNET_TESTS/lib.sh"

tunnel_underlay
ip netns add inner
L="in_ns left"
$L ip link add p2p type ipip local 10.0.0.1 remote 10.0.0.2
$L ip link add opts type ipip local 10.0.0.1 remote 10.0.0.3 ttl 17 tos 0x28 fwmark 0x10 dev a0
$L ip link add inh type ipip remote 10.0.0.4 ttl inherit tos inherit nopmtudisc
$L ip link add nbma type ipip local 10.0.0.1
$L ip link add ext type ipip external
$L ip link add mpls type ipip mode mplsip remote 10.0.0.5
$L ip link add ipv4 type ipip mode ipip remote 10.0.0.6 encap none
$L ip link add big mtu 9000 type ipip remote 10.0.0.7
$L ip tunnel add ioc mode ipip local 10.0.0.1 remote 10.0.0.8 ttl 3
$L ip link add moved type ipip remote 10.0.0.9
$L ip link set moved netns inner
$L ip link set opts type ipip local 10.0.0.1 remote 10.0.0.3 ttl 18 tos 0x10 fwmark 0x11
$L ip link add sp2p type sit local 10.0.0.1 remote 10.0.0.2
$L ip link add sopts type sit local 10.0.0.1 remote 10.0.0.3 ttl 17 tos 0x28 fwmark 0x10 dev a0 mode any
$L ip link add sinh type sit remote 10.0.0.4 ttl inherit tos inherit nopmtudisc
$L ip link add s6to4 type sit local 10.0.0.1
$L ip link add sisa type sit local 10.0.0.5 isatap
$L ip link add sbig mtu 9000 type sit remote 10.0.0.7 mode ipip
$L ip tunnel add sioc mode sit local 10.0.0.1 remote 10.0.0.8 ttl 3
$L ip tunnel add sisa2 mode isatap local 10.0.0.9
$L ip link set sopts type sit local 10.0.0.1 remote 10.0.0.3 ttl 18 tos 0x10 fwmark 0x11
for d in p2p opts inh nbma ext tunl0 sp2p s6to4 sit0; do $L ip link set "$d" up; done
# Headroom grows with what transmit needed: send once through p2p.
$L ip addr add 192.168.1.1/30 dev p2p
$L ping -c 1 -W 1 192.168.1.2 >/dev/null 2>&1 || true

echo "---- BEGIN DUMP ----"
for d in tunl0 p2p opts inh nbma ext mpls ipv4 big ioc sit0 sp2p sopts sinh s6to4 sisa sbig sioc sisa2; do
	echo "== $d"
	$L ip -d -j link show "$d" | jq -S .
	$L ip -d link show "$d"
done
echo "== moved"
in_ns inner ip -d -j link show moved | jq -S .
echo "== ethtool -i/-k p2p sp2p"
$L ethtool -i p2p
$L ethtool -k p2p
$L ethtool -i sp2p
$L ethtool -k sp2p
echo "== ip tunnel show"
tunnels_shown left gre0
echo "---- END DUMP ----"
