#!/bin/bash
# Benchmark, run by scripts/bench.sh with --impl c and rvnet's modules in
# /rvnet/extra/modules: rvnet_tunnel against ipip.ko and ip_gre.ko,
# interleaved, TRIALS times each, in one VM whose clock follows the
# instruction count. The underlay is a veth pair: a0 (10.0.0.1) here, b0 in
# namespace far. One vCPU runs everything, so a rate is the cost of the
# whole path of a packet.
#   TYPE_tx:  through a TYPE tunnel to 10.0.0.2, which far does not hold (b0
#             has no address), so far drops what arrives before any tunnel
#             code: the transmit side alone;
#   TYPE_e2e: the same tunnel with its peer in far, which takes the packets
#             out of the tunnel and drops them on a blackhole route: the
#             transmit and the receive side (the same implementation at
#             both ends);
#   ipip_e2e_1000: ipip_e2e with 1000 more ipip tunnels in far (other
#             remotes), which far's receive lookup passes by.
# gretap is Ethernet, so pktgen drives it; ipip and gre are not, so a UDP
# socket bound to the tunnel (tests/tools/udp-flood) sends PKTS datagrams.
set -euo pipefail
. "$RVNET_TESTS/lib.sh"
trials=${1:-5}
pkts=${2:-200000}
rvnet_ko=/rvnet/extra/modules/rvnet_tunnel.ko
F="ip -n far"

load() { if [ "$1" = rust ]; then modprobe tunnel4 && modprobe gre && insmod "$rvnet_ko"; else modprobe ipip && modprobe ip_gre; fi; }
unload() { if [ "$1" = rust ]; then rmmod rvnet_tunnel; else rmmod ip_gre ipip; fi; }

# underlay WITH_PEER: a0 <-> b0 in far; b0 gets 10.0.0.2 if WITH_PEER is 1,
# else a0 reaches 10.0.0.2 by a static neighbour that no one answers for.
underlay() {
	ip netns add far
	ip link add a0 type veth peer name b0 netns far
	ip addr add 10.0.0.1/24 dev a0
	ip link set a0 up
	$F link set b0 up
	if [ "$1" = 1 ]; then
		$F addr add 10.0.0.2/24 dev b0
	else
		ip neigh add 10.0.0.2 lladdr "$($F -j link show b0 | jq -r '.[0].address')" dev a0 nud permanent
	fi
}

teardown() {
	ip link del a0
	ip netns del far
	unload "$1"
}

# tunnel NS TYPE LOCAL REMOTE INNER: tunnel tnl of TYPE in NS (- for this
# one) with inner address INNER/24, up; far blackholes 192.168.0.200, the
# destination of what is sent.
tunnel() {
	local ip=ip
	[ "$1" = - ] || ip="ip -n $1"
	$ip link add name tnl type "$2" local "$3" remote "$4"
	$ip addr add "$5/24" dev tnl
	$ip link set dev tnl up
	[ "$1" = - ] || $ip route add blackhole 192.168.0.200/32
}

# measure IMPL TYPE E2E [EXTRA]: the pps of TYPE through tnl, with the peer
# tunnel in far if E2E is 1 and EXTRA more ipip tunnels there.
measure() {
	local impl=$1 type=$2 e2e=$3 extra=${4:-0} pps
	load "$impl"
	underlay "$e2e"
	tunnel - "$type" 10.0.0.1 10.0.0.2 192.168.0.1
	if [ "$e2e" = 1 ]; then
		tunnel far "$type" 10.0.0.2 10.0.0.1 192.168.0.2
		if [ "$extra" -gt 0 ]; then
			seq 1 "$extra" | awk '{ printf "link add x%d type ipip local 10.0.0.2 remote 10.1.%d.%d\n", $1, $1 / 250, $1 % 250 + 1 }' >/tmp/extra
			$F -batch /tmp/extra
			sleep 2
		fi
	fi
	if [ "$type" = gretap ]; then
		read -r pps _ < <(pktgen_run tnl "$pkts" 02:00:00:00:00:99 "dst 192.168.0.200")
	else
		read -r pps _ _ < <(/rvnet/tools/udp-flood tnl 192.168.0.200 "$pkts")
	fi
	teardown "$impl"
	echo "$pps"
}

# No IPv6 on the tunnels (addrconf and MLD would be measured).
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
modprobe pktgen
declare -A res
tests="gretap_tx gretap_e2e ipip_tx ipip_e2e gre_tx gre_e2e ipip_e2e_1000"
for i in $(seq "$trials"); do
	for impl in c rust; do
		for type in gretap ipip gre; do
			res[$impl ${type}_tx]+="$(measure "$impl" "$type" 0) "
			res[$impl ${type}_e2e]+="$(measure "$impl" "$type" 1) "
		done
		res[$impl ipip_e2e_1000]+="$(measure "$impl" ipip 1 1000) "
		bench_trial "$i" "$impl"
	done
done
echo "---- BEGIN RESULTS ----"
bench_results
bench_row "datapath: gretap transmit (pktgen)" gretap_tx pps
bench_row "datapath: gretap transmit and receive (pktgen)" gretap_e2e pps
bench_row "datapath: ipip transmit (UDP)" ipip_tx pps
bench_row "datapath: ipip transmit and receive (UDP)" ipip_e2e pps
bench_row "datapath: gre transmit (UDP)" gre_tx pps
bench_row "datapath: gre transmit and receive (UDP)" gre_e2e pps
bench_row "datapath: ipip transmit and receive, 1000 more tunnels at the receiver (UDP)" ipip_e2e_1000 pps
for impl in c rust; do
	awk -v impl="$impl" -v a="${med[$impl ipip_e2e_1000]}" -v b="${med[$impl ipip_e2e]}" \
		'BEGIN { printf "datapath: %s ipip rate with 1000 more tunnels at the receiver / without: %.3f\n", impl, a / b }'
done
echo "---- END RESULTS ----"
