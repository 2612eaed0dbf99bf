#!/bin/bash
# Host side: runs tests/bridge/proc.dump.sh against both implementations and
# diffs what userspace sees. Masked, as they legitimately differ:
# ifindex/link_index (allocation order) and the running timers (the
# bridge's hello, tcn, topology change and gc timers, the ports' hold,
# message age and forward delay timers). FDB entries are sorted (their dump
# order is the hash list's).
set -euo pipefail
. "$(dirname "$0")/../lib-host.sh"
impl_diff tests/bridge/proc.dump.sh \
	's/("ifindex"|"link_index"): [0-9]+/\1: N/; s/("(hello|tcn|topology_change|gc|hold|message_age|forward_delay)_timer"): [0-9.]+/\1: T/' \
	'"state": "blocking"' bridge "bridge fdb/link or ip -d -j link" "bridge fdb/link and ip -d -j link"
