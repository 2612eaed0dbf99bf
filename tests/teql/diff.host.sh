#!/bin/bash
# Host side: runs tests/teql/counters.dump.sh against both implementations
# and diffs what userspace sees of the master and its slaves' qdiscs.
set -euo pipefail
# Inside the test VM (a `vm-run --each ... tests/teql/*.sh`), there is
# nothing to diff: scripts/check.sh runs this on the host.
if [ -n "${RVNET_IMPL:-}" ]; then
	echo "diff.host.sh: a host-side check, skipped in the VM"
	exit 0
fi
. "$(dirname "$0")/../lib-host.sh"
impl_diff tests/teql/counters.dump.sh 's/("ifindex"): [0-9]+/\1: N/' '"kind": "teql0"' \
	sch_teql "ip -d -s -j link or tc -s -j qdisc" "ip -d -s -j link and tc -s -j qdisc"
