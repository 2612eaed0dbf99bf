#!/bin/bash
# Host side: runs tests/teql/counters.dump.sh against both implementations
# and diffs what userspace sees of the master and its slaves' qdiscs.
set -euo pipefail
. "$(dirname "$0")/../lib-host.sh"
impl_diff tests/teql/counters.dump.sh 's/("ifindex"): [0-9]+/\1: N/' '"kind": "teql0"' \
	sch_teql "ip -d -s -j link or tc -s -j qdisc" "ip -d -s -j link and tc -s -j qdisc"
