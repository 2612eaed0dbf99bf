#!/bin/bash
# Host side: runs tests/tunnel/proc.dump.sh against both implementations
# and diffs what userspace sees of ipip and sit tunnels with every option set
# (`ip -d -j link`, `ip -d link`, `ethtool -i/-k`, `ip tunnel show`). Masked, as they
# legitimately differ: ifindex/link_index (allocation order) and the
# outer packets' IDs in statistics (none are shown).
set -euo pipefail
. "$(dirname "$0")/../lib-host.sh"
impl_diff tests/tunnel/proc.dump.sh \
	's/("ifindex"|"link_index"): [0-9]+/\1: N/; s/^[0-9]+: /N: /' \
	'"info_kind": "sit"' "ipip.ko and sit.ko" "ip -d -j link, ethtool or ip tunnel show" "ip -d -j link, ethtool and ip tunnel show"
