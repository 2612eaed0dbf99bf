#!/bin/bash
# Benchmark: rvnet_bridge against bridge.ko, interleaved, TRIALS times each,
# in one VM whose clock follows the instruction count (see scripts/bench.sh,
# which runs it with --impl c and rvnet's modules in /rvnet/extra/modules).
#   xmit:    pktgen on br0 to a port's static FDB entry (packets per second);
#   forward: pktgen on a veth whose peer is a port, to another port with a
#            static entry: port-to-port forwarding (packets per second);
#   learn:   pktgen as forward, with 100k source addresses, the receive
#            backlog large enough that none is dropped before the bridge
#            sees it: guest seconds of the run, which learns them all
#            (checked);
#   age:     then, all of them older than 1 s, ageing_time 1 s: guest
#            seconds until the ageing pass has removed them all (polled
#            every 0.2 s).
# The two modules both register the "bridge" kind, so they are never
# loaded at the same time.
set -euo pipefail
. "$RVNET_TESTS/lib.sh"
trials=${1:-5}
pkts=${2:-200000}
rvnet_ko=/rvnet/extra/modules/rvnet_bridge.ko
impls="c rust"
if [ ! -f "$rvnet_ko" ]; then
	echo "bridge bench: $rvnet_ko not found: measuring bridge.ko only"
	impls=c
fi
many=100000

load() { if [ "$1" = rust ]; then insmod "$rvnet_ko"; else modprobe bridge; fi; }
unload() { if [ "$1" = rust ]; then rmmod rvnet_bridge; else rmmod bridge; fi; }

# topology: br0 with ports a0 (peer b0) and c1 (peer c0); b0's address has
# a static entry on a0.
topology() {
	ip link add a0 type veth peer name b0
	ip link add c0 type veth peer name c1
	ip link add br0 type bridge
	ip link set a0 master br0
	ip link set c1 master br0
	for d in a0 b0 c0 c1 br0; do ip link set "$d" up; done
	bridge fdb replace "$(cat /sys/class/net/b0/address)" dev a0 master static
	for _ in $(seq 50); do
		[ "$(cat /sys/class/net/br0/carrier 2>/dev/null)" = 1 ] && break
		sleep 0.2
	done
}

clean() {
	ip link del br0
	ip link del a0
	ip link del c0
}

# run DEV COUNT [PKTGEN SETTINGS...]: pktgen COUNT packets on DEV to b0;
# prints the pps and the run's guest seconds.
run() {
	local dev=$1 count=$2
	shift 2
	pktgen_run "$dev" "$count" "$(cat /sys/class/net/b0/address)" "$@"
}

# learned: the number of learned entries of br0 (iproute2 6.1 does not
# show fdb_n_learned).
learned() { bridge fdb show br br0 | grep -Evc 'permanent|static|self' || true; }

# wait_learned N: guest seconds (3 decimals) until br0 has N learned
# entries, or more with N > 0 (c0's own address is learned too), at most
# 50 polls: then it says how many it has.
wait_learned() {
	local t0 n i=0
	t0=$(date +%s.%N)
	while n=$(learned) && { [ "$1" = 0 ] && [ "$n" != 0 ] || [ "$n" -lt "$1" ]; }; do
		i=$((i + 1))
		[ $i -lt 50 ] || { echo "bridge bench: $n entries learned, not $1" >&2; break; }
		sleep 0.2
	done
	awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f\n", b - a }'
}

# measure IMPL: "xmit forward learn age" for one trial.
measure() {
	load "$1"
	topology
	local x f l a
	read -r x _ < <(run br0 "$pkts")
	read -r f _ < <(run c0 "$pkts")
	read -r _ l < <(run c0 "$many" "src_mac 02:10:00:00:00:00" "src_mac_count $many")
	wait_learned "$many" >/dev/null
	ip link set br0 type bridge ageing_time 100
	a=$(wait_learned 0)
	clean
	unload "$1"
	echo "$x $f $l $a"
}

modprobe pktgen
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
	net.core.netdev_max_backlog=$((many + 1000))
modprobe -r bridge 2>/dev/null || true
declare -A xmit fwd learn age
for i in $(seq "$trials"); do
	for impl in $impls; do
		read -r x f l a < <(measure "$impl")
		xmit[$impl]+="$x "
		fwd[$impl]+="$f "
		learn[$impl]+="$l "
		age[$impl]+="$a "
		echo "trial $i $impl: xmit $x pps, forward $f pps, learn 100k $l s, age out $a s"
	done
done
echo "---- BEGIN RESULTS ----"
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
for impl in $impls; do
	echo "$impl medians: xmit $(med "${xmit[$impl]}") pps, forward $(med "${fwd[$impl]}") pps, learn 100k $(med "${learn[$impl]}") s, age out $(med "${age[$impl]}") s"
done
if [ "$impls" = "c rust" ]; then
	awk -v xc="$(med "${xmit[c]}")" -v xr="$(med "${xmit[rust]}")" -v fc="$(med "${fwd[c]}")" \
		-v fr="$(med "${fwd[rust]}")" -v lc="$(med "${learn[c]}")" -v lr="$(med "${learn[rust]}")" \
		-v ac="$(med "${age[c]}")" -v ar="$(med "${age[rust]}")" 'BEGIN {
		printf "datapath br0 xmit (median pps): bridge %d, rvnet %d, rvnet/C %.3f\n", xc, xr, xr / xc
		printf "datapath port-to-port (median pps): bridge %d, rvnet %d, rvnet/C %.3f\n", fc, fr, fr / fc
		printf "control learn 100k (median s): bridge %.3f, rvnet %.3f\n", lc, lr
		printf "control age out 100k (median s): bridge %.3f, rvnet %.3f\n", ac, ar
	}'
fi
echo "---- END RESULTS ----"
