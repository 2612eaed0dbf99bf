#!/bin/bash
# Benchmark, run by scripts/bench.sh with --impl c and rvnet's modules in
# /rvnet/extra/modules: rvnet_vlan against 8021q, interleaved, TRIALS times
# each, in one VM whose clock follows the instruction count.
#   datapath: pktgen through a VLAN device over veth (packets per second);
#   control path: create then delete 4094 VLANs on one lower (seconds).
set -euo pipefail
. "$RVNET_TESTS/lib.sh"
trials=${1:-5}
pkts=${2:-200000}
rvnet_ko=/rvnet/extra/modules/rvnet_vlan.ko

load() { if [ "$1" = rust ]; then insmod "$rvnet_ko"; else modprobe 8021q; fi; }
unload() { if [ "$1" = rust ]; then rmmod rvnet_vlan; else rmmod 8021q; fi; }
now() { date +%s.%N; }

# datapath IMPL: pps of pktgen through a0.100 over veth a0 <-> b0.
datapath() {
	load "$1"
	ip link add a0 type veth peer name b0
	ip link set a0 up
	ip link set b0 up
	ip link add link a0 name a0.100 type vlan id 100
	ip link set a0.100 up
	local pps
	read -r pps _ < <(pktgen_run a0.100 "$pkts" "$(cat /sys/class/net/b0/address)")
	ip link del a0
	unload "$1"
	echo "$pps"
}

# control IMPL: seconds to create and delete 4094 VLANs on one lower.
control() {
	load "$1"
	ip link add a0 type veth peer name b0
	seq 1 4094 | sed 's/.*/link add link a0 name v& type vlan id &/' >/tmp/add
	seq 1 4094 | sed 's/.*/link del v&/' >/tmp/del
	local t0 t1
	t0=$(now)
	ip -batch /tmp/add
	ip -batch /tmp/del
	t1=$(now)
	ip link del a0
	unload "$1"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

modprobe pktgen
declare -A dp ctl
for i in $(seq "$trials"); do
	for impl in c rust; do
		d=$(datapath "$impl")
		c=$(control "$impl")
		dp[$impl]+="$d "
		ctl[$impl]+="$c "
		echo "trial $i $impl: datapath $d pps, control path $c s"
	done
done
echo "---- BEGIN RESULTS ----"
for impl in c rust; do
	echo "$impl datapath_pps: ${dp[$impl]}"
	echo "$impl control_s: ${ctl[$impl]}"
done
dpc=$(tr ' ' '\n' <<<"${dp[c]}" | grep . | median)
dpr=$(tr ' ' '\n' <<<"${dp[rust]}" | grep . | median)
ctc=$(tr ' ' '\n' <<<"${ctl[c]}" | grep . | median)
ctr=$(tr ' ' '\n' <<<"${ctl[rust]}" | grep . | median)
awk -v dpc="$dpc" -v dpr="$dpr" -v ctc="$ctc" -v ctr="$ctr" 'BEGIN {
	printf "datapath (pktgen over VLAN over veth, median pps): 8021q %d, rvnet %d, rvnet/C %.3f\n", dpc, dpr, dpr / dpc
	printf "control path (create+delete 4094 VLANs, median s): 8021q %.3f, rvnet %.3f, rvnet/C %.3f\n", ctc, ctr, ctr / ctc
}'
echo "---- END RESULTS ----"
