#!/bin/bash
# Host side: runs tests/bond/proc.dump.sh against both implementations and
# diffs what userspace sees. Masked, as they legitimately differ: the
# driver's version line, and ifindex/link_index (allocation order).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dump() {
	"$top/scripts/vm-run" --impl "$1" -- "$top/tests/bond/proc.dump.sh" |
		tr -d '\r' | sed -n '/^---- BEGIN DUMP ----$/,/^---- END DUMP ----$/p' |
		sed -E 's/("ifindex"|"link_index"): [0-9]+/\1: N/; s/^(Ethernet Channel Bonding Driver): .*/\1: VERSION/'
}
c=$(dump c)
rust=$(dump rust)
[ -n "$c" ] || { echo "no dump from the C run" >&2; exit 1; }
grep -q "802.3ad info" <<<"$c" || { echo "C dump incomplete" >&2; exit 1; }
if ! diff -u <(echo "$c") <(echo "$rust"); then
	echo "FAIL: /proc/net/bonding or ip -d -j link differ between bonding and rvnet" >&2
	exit 1
fi
echo "PASS: /proc/net/bonding and ip -d -j link match between bonding and rvnet"
