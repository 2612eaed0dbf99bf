#!/bin/bash
# Host side: runs rvnet's KUnit suites in the test VM and checks them with
# the kernel's own KTAP parser (tools/testing/kunit/kunit.py parse).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/env.sh"
ktap=$("$top/scripts/vm-run" --impl rust -- "$top/tests/kunit.dump.sh" | tr -d '\r' |
	sed -n '/^---- BEGIN KTAP ----$/,/^---- END KTAP ----$/p' | sed '1d;$d')
[ -n "$ktap" ] || { echo "FAIL: no KTAP output" >&2; exit 1; }
for suite in rvnet_vlan_core rvnet_bond_core rvnet_bridge_core rvnet_teql_core rvnet_tunnel_core rvnet_alias_core; do
	grep -q "# Subtest: $suite" <<<"$ktap" || { echo "FAIL: KUnit suite $suite did not run" >&2; exit 1; }
done
# Each module logs its own KTAP document; the parser reads one at a time.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
awk -v dir="$dir" '/\] KTAP version/ { n++ } n { print > (dir "/" n ".ktap") }' <<<"$ktap"
for doc in "$dir"/*.ktap; do
	python3 "$KERNEL_SRC/tools/testing/kunit/kunit.py" parse <"$doc"
done
