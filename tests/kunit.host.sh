#!/bin/bash
# Host side: runs rvnet's KUnit suites in the test VM and checks them with
# the kernel's own KTAP parser (tools/testing/kunit/kunit.py parse).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/env.sh"
ktap=$("$top/scripts/vm-run" --impl rust -- "$top/tests/kunit.dump.sh" | tr -d '\r' |
	sed -n '/^---- BEGIN KTAP ----$/,/^---- END KTAP ----$/p' | sed '1d;$d')
[ -n "$ktap" ] || { echo "FAIL: no KTAP output" >&2; exit 1; }
grep -q "# Subtest: rvnet_vlan" <<<"$ktap" || { echo "FAIL: rvnet suites did not run" >&2; exit 1; }
python3 "$KERNEL_SRC/tools/testing/kunit/kunit.py" parse <<<"$ktap"
