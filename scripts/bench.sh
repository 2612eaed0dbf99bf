#!/usr/bin/env bash
# `make bench`: rvnet against the in-tree C drivers, in one VM run whose
# guest clock follows the instruction count (-icount shift=0, one vCPU), so
# that rates repeat from run to run. Prints medians and rvnet/C ratios.
# BENCH_TRIALS (default 5) and BENCH_PKTS (default 200000) tune it.
set -euo pipefail
. "$(dirname "$0")/env.sh"
mods=$(mktemp -d /tmp/rvnet-bench.XXXXXX)/modules
trap 'rm -rf "$(dirname "$mods")"' EXIT
mkdir -p "$mods"
cp "$RVNET_TOP"/rvnet_*.ko "$mods/"
# BENCH_ONLY=vlan|bond|bridge|teql|alias|tunnel runs some of the benches.
for bench in ${BENCH_ONLY:-vlan bond bridge teql alias tunnel}; do
	RVNET_VM_ICOUNT=1 RVNET_VM_EXTRA=$mods RVNET_VM_TIMEOUT=${RVNET_VM_TIMEOUT:-3000} \
		"$RVNET_TOP/scripts/vm-run" --impl c -- "$RVNET_TOP/tests/bench/$bench.bench.sh" \
		"${BENCH_TRIALS:-5}" "${BENCH_PKTS:-200000}" | tee "$(dirname "$mods")/out" |
		grep -E '^trial|RESULTS|datapath|control|failover gap|split'
done
