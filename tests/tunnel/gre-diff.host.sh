#!/bin/bash
# Host side: runs tests/tunnel/gre.dump.sh against both implementations
# and diffs what userspace sees of gre, gretap and erspan tunnels with every
# option set (`ip -d -j link`, `ip -d link`, `ethtool -i/-k`, `ip tunnel
# show`). Masked, as they legitimately differ: ifindex/link_index
# (allocation order).
set -euo pipefail
. "$(dirname "$0")/../lib-host.sh"
impl_diff tests/tunnel/gre.dump.sh \
	's/("ifindex"|"link_index"): [0-9]+/\1: N/; s/^[0-9]+: /N: /' \
	'"info_kind": "erspan"' ip_gre "ip -d -j link, ethtool or ip tunnel show" "ip -d -j link, ethtool and ip tunnel show"
