#!/bin/bash
# Host side: runs tests/vlan/proc.dump.sh against both implementations and
# diffs what userspace sees. Values that legitimately differ are masked.
set -euo pipefail
. "$(dirname "$0")/../lib-host.sh"
impl_diff tests/vlan/proc.dump.sh 's/("ifindex"|"link_index"): [0-9]+/\1: N/' "" \
	8021q "/proc/net/vlan or ip -d -j link" "/proc/net/vlan and ip -d -j link"
