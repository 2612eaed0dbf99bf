#!/bin/bash
# Host side: runs tests/bond/proc.dump.sh against both implementations and
# diffs what userspace sees. Masked, as they legitimately differ: the
# driver's version line, and ifindex/link_index (allocation order).
set -euo pipefail
. "$(dirname "$0")/../lib-host.sh"
impl_diff tests/bond/proc.dump.sh \
	's/("ifindex"|"link_index"): [0-9]+/\1: N/; s/^(Ethernet Channel Bonding Driver): .*/\1: VERSION/' \
	"802.3ad info" bonding "/proc/net/bonding or ip -d -j link" "/proc/net/bonding and ip -d -j link"
