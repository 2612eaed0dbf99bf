#!/bin/bash
# Host side: runs tests/vlan/proc.dump.sh against both implementations and
# diffs what userspace sees. Values that legitimately differ are masked.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dump() {
	"$top/scripts/vm-run" --impl "$1" -- "$top/tests/vlan/proc.dump.sh" |
		tr -d '\r' | sed -n '/^---- BEGIN DUMP ----$/,/^---- END DUMP ----$/p' |
		sed -E 's/("ifindex"|"link_index"): [0-9]+/\1: N/'
}
c=$(dump c)
rust=$(dump rust)
[ -n "$c" ] || { echo "no dump from the C run" >&2; exit 1; }
if ! diff -u <(echo "$c") <(echo "$rust"); then
	echo "FAIL: /proc/net/vlan or ip -d -j link differ between 8021q and rvnet" >&2
	exit 1
fi
echo "PASS: /proc/net/vlan and ip -d -j link match between 8021q and rvnet"
