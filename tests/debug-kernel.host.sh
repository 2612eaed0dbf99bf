#!/bin/bash
# Host side: the debug kernel still catches a leak, and pins it on the
# script that made it when several share a VM (vm-run --each, as make check
# runs the scenarios). The first script loads samples/kmemleak's module,
# which leaks on purpose: it must fail with kmemleak's report. The clean
# script after it in the same VM may only carry stragglers of that leak
# (an object whose last pointer sat in the unloaded module's per-CPU area
# is reported once that memory is reused), never a leak of its own.
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
[ "$leak_status" = 1 ] || { echo "FAIL: the leaking script's status is $leak_status, not 1" >&2; exit 1; }
n=$(grep -c "^unreferenced object" "$dir/out/0.log") || true
[ "$n" -ge 10 ] || { echo "FAIL: $n leaks reported in the leaking script's log" >&2; exit 1; }
# Every object reported after the clean script was allocated by the
# leaking script's modprobe.
others=$(grep -A1 "^unreferenced object" "$dir/out/1.log" | grep '^  comm ' | grep -vc '"modprobe"') || true
[ "$others" = 0 ] || { echo "FAIL: the clean script was blamed for leaks of its own" >&2; cat "$dir/out/1.log" >&2; exit 1; }
echo "PASS: kmemleak's report ($n objects) failed the leaking script; the next script saw only its stragglers"
