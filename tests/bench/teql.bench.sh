#!/bin/bash
# Benchmark, run by scripts/bench.sh with --impl c and rvnet's modules and
# /rvnet/extra/modules: rvnet_teql against sch_teql,
# interleaved, TRIALS times each, in one VM whose clock follows the
# instruction count. teql0 is not Ethernet, so pktgen cannot drive it: a
# UDP socket bound to teql0 (udp-flood) sends PKTS datagrams through it,
# over two veth slaves whose peers sit in a namespace.
#   datapath: datagrams per second the socket got through teql0;
#   split:    the larger slave's share of the frames the slaves sent
#             (0.5 is an even split).
set -euo pipefail
. "$RVNET_TESTS/lib.sh"
trials=${1:-5}
pkts=${2:-200000}
extra=/rvnet/extra/modules
rvnet_ko=$extra/rvnet_teql.ko

load() { if [ "$1" = rust ]; then insmod "$rvnet_ko"; else modprobe sch_teql; fi; }
unload() { if [ "$1" = rust ]; then rmmod rvnet_teql; else rmmod sch_teql; fi; }

# datapath IMPL: "PPS SPLIT" of udp-flood through teql0 over v1 and v2.
datapath() {
	local pps sent errors
	load "$1"
	teql_slaves far 2 >/dev/null
	teql_resolve v1 v2 >/dev/null
	teql_tx v1 v2
	local before=("${TX[@]}")
	read -r pps sent errors < <(/rvnet/tools/udp-flood teql0 10.0.0.2 "$pkts")
	teql_tx v1 v2
	local a=$((TX[0] - before[0])) b=$((TX[1] - before[1]))
	[ "$errors" = 0 ] || echo "$1: $errors datagrams refused" >&2
	ip link del v1
	ip link del v2
	del_namespaces
	unload "$1"
	awk -v p="$pps" -v a="$a" -v b="$b" 'BEGIN { printf "%d %.4f\n", p, (a > b ? a : b) / (a + b) }'
}

declare -A dp split
for i in $(seq "$trials"); do
	for impl in c rust; do
		read -r d s < <(datapath "$impl")
		dp[$impl]+="$d "
		split[$impl]+="$s "
		echo "trial $i $impl: datapath $d pps, split $s"
	done
done
echo "---- BEGIN RESULTS ----"
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
for impl in c rust; do
	echo "$impl datapath_pps: ${dp[$impl]}"
	echo "$impl split: ${split[$impl]}"
done
awk -v c="$(med "${dp[c]}")" -v r="$(med "${dp[rust]}")" \
	-v sc="$(med "${split[c]}")" -v sr="$(med "${split[rust]}")" 'BEGIN {
	printf "datapath (UDP through teql0 over two veths, median pps): sch_teql %d, rvnet %d, rvnet/C %.3f\n", c, r, r / c
	printf "split (larger slave share, median): sch_teql %.4f, rvnet %.4f\n", sc, sr
}'
echo "---- END RESULTS ----"
