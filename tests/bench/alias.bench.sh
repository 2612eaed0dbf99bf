#!/bin/bash
# Benchmark, run by scripts/bench.sh with --impl c and rvnet's modules in
# /rvnet/extra/modules: rvnet_alias against macvlan.ko and ipvlan.ko,
# interleaved, TRIALS times each, in one VM whose clock follows the
# instruction count. A veth pair a0 <-> b0 is the lower; b0's peer side has
# no addresses, so what reaches it is dropped.
#   xmit:    pktgen through a bridge-mode macvlan on a0 to b0 (pps);
#   demux:   pktgen on b0 to the last of N macvlans on a0, N = 10 and 1000
#            (pps: the lower's receive, the macvlan's lookup and its IPv4
#            input, which drops the packet);
#   fanout:  pktgen broadcasts on b0 to 100 macvlans on a0: deliveries (each
#            macvlan's rx_packets summed) per second until the broadcast
#            queue has drained;
#   ipvlan:  pktgen through an l2 and an l3 ipvlan on a0 to b0 (pps);
#   control: create then delete 1000 macvlans on a0 (seconds), and the
#            kernel memory (Slab + Percpu of /proc/meminfo, kB) the 1000
#            held.
set -euo pipefail
. "$RVNET_TESTS/lib.sh"
trials=${1:-5}
pkts=${2:-200000}
rvnet_ko=/rvnet/extra/modules/rvnet_alias.ko

load() { if [ "$1" = rust ]; then insmod "$rvnet_ko"; else modprobe macvlan && modprobe ipvlan; fi; }
unload() { if [ "$1" = rust ]; then rmmod rvnet_alias; else rmmod macvlan ipvlan; fi; }
now() { date +%s.%N; }
mac() { cat "/sys/class/net/$1/address"; }

lower() {
	ip link add a0 type veth peer name b0
	ip link set a0 up
	ip link set b0 up
}

# macvlans N [MODE]: macvlans m1..mN on a0, up, and 2 s for what their
# creation deferred (link events, table resizes) to run before measuring.
macvlans() {
	seq 1 "$1" | sed "s/.*/link add link a0 name m& up type macvlan mode ${2:-vepa}/" >/tmp/add
	ip -batch /tmp/add
	sleep 2
}

xmit() {
	load "$1"
	lower
	macvlans 1 bridge
	local pps
	read -r pps _ < <(pktgen_run m1 "$pkts" "$(mac b0)")
	ip link del a0
	unload "$1"
	echo "$pps"
}

demux() {
	load "$1"
	lower
	macvlans "$2"
	local pps
	read -r pps _ < <(pktgen_run b0 "$pkts" "$(mac "m$2")")
	ip link del a0
	unload "$1"
	echo "$pps"
}

# rx_sum N: the rx_packets of m1..mN summed.
rx_sum() {
	local i v sum=0
	for ((i = 1; i <= $1; i++)); do
		read -r v <"/sys/class/net/m$i/statistics/rx_packets"
		sum=$((sum + v))
	done
	echo "$sum"
}

fanout() {
	local n=100 count=$((pkts / 20)) t0 t1 last=-1 sum
	load "$1"
	lower
	macvlans "$n"
	t0=$(now)
	pktgen_run b0 "$count" ff:ff:ff:ff:ff:ff >/dev/null
	# Polled every 0.1 s: the broadcast work runs in a kworker.
	while sum=$(rx_sum "$n"); [ "$sum" != "$last" ]; do
		last=$sum t1=$(now)
		sleep 0.1
	done
	ip link del a0
	unload "$1"
	awk -v s="$sum" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d\n", s / (b - a) }'
}

ipvlan() {
	load "$1"
	lower
	ip addr add 192.0.2.1/24 dev a0
	ip neigh add 192.0.2.2 lladdr "$(mac b0)" dev a0 nud permanent
	ip link add link a0 name i0 type ipvlan mode "$2"
	ip addr add 192.0.2.3/32 dev i0
	ip link set i0 up
	local pps
	read -r pps _ < <(pktgen_run i0 "$pkts" "$(mac b0)")
	ip link del a0
	unload "$1"
	echo "$pps"
}

# kmem: Slab + Percpu of /proc/meminfo, kB.
kmem() { awk '$1 == "Slab:" || $1 == "Percpu:" { kb += $2 } END { print kb }' /proc/meminfo; }

control() {
	local t0 t1 m0 m1
	load "$1"
	lower
	seq 1 1000 | sed 's/.*/link add link a0 name m& type macvlan/' >/tmp/add
	seq 1 1000 | sed 's/.*/link del m&/' >/tmp/del
	m0=$(kmem)
	t0=$(now)
	ip -batch /tmp/add
	m1=$(kmem)
	ip -batch /tmp/del
	t1=$(now)
	ip link del a0
	unload "$1"
	awk -v a="$t0" -v b="$t1" -v m="$((m1 - m0))" 'BEGIN { printf "%.3f %d\n", b - a, m }'
}

# No IPv6 on the thousand devices (addrconf, DAD and MLD would be measured).
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
modprobe pktgen
declare -A res
tests="xmit demux10 demux1000 fanout ipvlan_l2 ipvlan_l3 control kmem"
for i in $(seq "$trials"); do
	for impl in c rust; do
		res[$impl xmit]+="$(xmit "$impl") "
		res[$impl demux10]+="$(demux "$impl" 10) "
		res[$impl demux1000]+="$(demux "$impl" 1000) "
		res[$impl fanout]+="$(fanout "$impl") "
		res[$impl ipvlan_l2]+="$(ipvlan "$impl" l2) "
		res[$impl ipvlan_l3]+="$(ipvlan "$impl" l3) "
		read -r secs kb < <(control "$impl")
		res[$impl control]+="$secs "
		res[$impl kmem]+="$kb "
		bench_trial "$i" "$impl"
	done
done
echo "---- BEGIN RESULTS ----"
bench_results
bench_row "datapath: macvlan bridge-mode xmit" xmit pps
bench_row "datapath: demux to 1 of 10 macvlans" demux10 pps
bench_row "datapath: demux to 1 of 1000 macvlans" demux1000 pps
awk -v a="${med[rust demux1000]}" -v b="${med[rust demux10]}" \
	'BEGIN { printf "datapath: rvnet demux rate, 1000 macvlans / 10: %.3f\n", a / b }'
bench_row "datapath: broadcast fan-out to 100 macvlans" fanout deliveries/s
bench_row "datapath: ipvlan l2 xmit" ipvlan_l2 pps
bench_row "datapath: ipvlan l3 xmit" ipvlan_l3 pps
bench_row "control path: create+delete 1000 macvlans" control s
bench_row "control path: kernel memory of 1000 macvlans" kmem kB
echo "---- END RESULTS ----"
