#!/bin/bash
# Host side: runs tests/alias/proc.dump.sh against both implementations and
# diffs what userspace sees (`ip -d -j link` and `ip -d link` of macvlans
# in every mode and of ipvlans in each mode and flag, of their lowers,
# ethtool's view). Masked, as they legitimately differ:
# ifindex/link_index (allocation order).
set -euo pipefail
. "$(dirname "$0")/../lib-host.sh"
impl_diff tests/alias/proc.dump.sh \
	's/("ifindex"|"link_index"): [0-9]+/\1: N/' \
	'"mode": "source"' macvlan "ip -d -j link" "ip -d -j link"
