#!/bin/bash
# Benchmark: rvnet_bond against bonding.ko, interleaved, TRIALS times each,
# in one VM whose clock follows the instruction count. Run with --impl c and
# rvnet's modules in /rvnet/extra/modules, as scripts/bench.sh does for the
# VLAN bench:
#   mkdir -p /tmp/m/modules && cp rvnet_*.ko /tmp/m/modules/
#   RVNET_VM_ICOUNT=1 RVNET_VM_EXTRA=/tmp/m/modules RVNET_VM_TIMEOUT=3000 \
#       scripts/vm-run --impl c -- tests/bench/bond.bench.sh [TRIALS] [PKTS]
# Until rvnet_bond.ko exists, only bonding.ko is measured.
#   datapath: pktgen through a balance-xor and a balance-rr bond of two
#             veths (packets per second);
#   failover: active-backup, miimon 100: the longest gap between answered
#             pings (every 10 ms) when the active slave loses its carrier (ms).
# bonding.ko's notifier takes every master/slave device for its own, so the
# two modules are never loaded at the same time.
set -euo pipefail
. "$RVNET_TESTS/lib.sh"
trials=${1:-5}
pkts=${2:-200000}
rvnet_ko=/rvnet/extra/modules/rvnet_bond.ko
impls="c rust"
if [ ! -f "$rvnet_ko" ]; then
	echo "bond bench: $rvnet_ko not found (no rvnet_bond yet): measuring bonding.ko only"
	impls=c
fi

# bonding.ko without the bond0 it makes by default.
load() { if [ "$1" = rust ]; then insmod "$rvnet_ko" max_bonds=0; else modprobe bonding max_bonds=0; fi; }
unload() { if [ "$1" = rust ]; then rmmod rvnet_bond; else rmmod bonding; fi; }


# bond_of MODE OPTIONS...: bond0 of MODE over veths a0, a1 (peers b0, b1 up).
bond_of() {
	ip link add a0 type veth peer name b0
	ip link add a1 type veth peer name b1
	ip link add bond0 type bond mode "$@"
	ip link set a0 master bond0
	ip link set a1 master bond0
	ip link set b0 up
	ip link set b1 up
	ip link set bond0 up
	for _ in $(seq 50); do
		[ "$(cat /sys/class/net/bond0/carrier 2>/dev/null)" = 1 ] && break
		sleep 0.1
	done
}

clean() {
	ip link del bond0
	ip link del a0
	ip link del a1
}

# datapath IMPL MODE: pps of pktgen through bond0 in MODE.
datapath() {
	load "$1"
	bond_of "$2" xmit_hash_policy layer3+4
	local pps
	read -r pps _ < <(pktgen_run bond0 "$pkts" "$(cat /sys/class/net/b0/address)" \
		"udp_src_min 1000" "udp_src_max 1063")
	clean
	unload "$1"
	echo "$pps"
}

# failover IMPL: ms of the longest gap between answered pings (every 10 ms)
# across the active slave's carrier loss, active-backup with miimon 100.
failover() {
	load "$1"
	ip netns add sw
	bond_of active-backup miimon 100
	ip link set b0 netns sw
	ip link set b1 netns sw
	ip netns exec sw ip link add br0 address 02:00:00:00:0b:ff type bridge
	ip netns exec sw ip link set b0 master br0 up
	ip netns exec sw ip link set b1 master br0 up
	ip netns exec sw ip link set br0 up
	ip netns exec sw ip addr add 192.0.2.2/24 dev br0
	ip addr add 192.0.2.1/24 dev bond0
	ping -c 2 -W 2 192.0.2.2 >/dev/null
	ping -D -i 0.01 -W 1 -w 3 192.0.2.2 >/tmp/fo.txt 2>&1 &
	local p=$!
	sleep 1
	ip netns exec sw ip link set b0 down
	wait $p || true
	# The veths go with the namespace of their peers.
	ip netns del sw
	ip link del bond0
	for _ in $(seq 50); do [ ! -e /sys/class/net/a0 ] && break; sleep 0.1; done
	unload "$1"
	sed -n 's/^\[\([0-9.]*\)\] .*bytes from.*/\1/p' /tmp/fo.txt |
		awk 'NR > 1 && $1 - prev > gap { gap = $1 - prev } { prev = $1 } END { printf "%.0f\n", gap * 1000 }'
}

modprobe pktgen
declare -A xor rr fo
for i in $(seq "$trials"); do
	for impl in $impls; do
		x=$(datapath "$impl" balance-xor)
		r=$(datapath "$impl" balance-rr)
		f=$(failover "$impl")
		xor[$impl]+="$x "
		rr[$impl]+="$r "
		fo[$impl]+="$f "
		echo "trial $i $impl: balance-xor $x pps, balance-rr $r pps, failover gap $f ms"
	done
done
echo "---- BEGIN RESULTS ----"
for impl in $impls; do
	echo "$impl xor_pps: ${xor[$impl]}"
	echo "$impl rr_pps: ${rr[$impl]}"
	echo "$impl failover_ms: ${fo[$impl]}"
done
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
for impl in $impls; do
	echo "$impl medians: balance-xor $(med "${xor[$impl]}") pps, balance-rr $(med "${rr[$impl]}") pps, failover gap $(med "${fo[$impl]}") ms"
done
if [ "$impls" = "c rust" ]; then
	awk -v xc="$(med "${xor[c]}")" -v xr="$(med "${xor[rust]}")" -v rc="$(med "${rr[c]}")" \
		-v rr="$(med "${rr[rust]}")" -v fc="$(med "${fo[c]}")" -v fr="$(med "${fo[rust]}")" 'BEGIN {
		printf "datapath balance-xor (median pps): bonding %d, rvnet %d, rvnet/C %.3f\n", xc, xr, xr / xc
		printf "datapath balance-rr (median pps): bonding %d, rvnet %d, rvnet/C %.3f\n", rc, rr, rr / rc
		printf "failover gap (median ms): bonding %d, rvnet %d\n", fc, fr
	}'
fi
echo "---- END RESULTS ----"
