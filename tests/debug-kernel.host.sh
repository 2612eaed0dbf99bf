#!/bin/bash
# Host side: the debug kernel still catches a leak, and pins it on the
# script that made it when several share a VM (vm-run --each, as make check
# runs the scenarios): a script that loads samples/kmemleak's module (which
# leaks on purpose) fails with kmemleak's report, and the clean script run
# after it in the same VM passes.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '#!/bin/bash\nset -e\nmodprobe kmemleak-test\nmodprobe -r kmemleak-test\n' >"$dir/leak.sh"
printf '#!/bin/bash\nip link add d0 type dummy && ip link del d0\n' >"$dir/clean.sh"
"$top/scripts/vm-run" --debug --impl c --each "$dir/out" -- "$dir/leak.sh" "$dir/clean.sh" && {
	echo "FAIL: a run with a leaking script passed" >&2
	exit 1
}
cat "$dir/out/results"
read -r _ leak_status _ < <(grep '^0 ' "$dir/out/results")
read -r _ clean_status _ < <(grep '^1 ' "$dir/out/results")
[ "$leak_status" = 1 ] || { echo "FAIL: the leaking script's status is $leak_status, not 1" >&2; exit 1; }
grep -q "unreferenced object" "$dir/out/0.log" || { echo "FAIL: no kmemleak report in the leaking script's log" >&2; exit 1; }
[ "$clean_status" = 0 ] || { echo "FAIL: the clean script after it failed ($clean_status)" >&2; cat "$dir/out/1.log" >&2; exit 1; }
echo "PASS: kmemleak's report failed the leaking script, and only it"
