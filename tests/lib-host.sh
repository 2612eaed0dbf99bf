# Shared helpers of the host-side checks (tests/**/NAME.host.sh); sourced,
# never run. Set -euo pipefail in the caller.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# vm_dump IMPL SCRIPT MASK [VM-RUN OPTIONS...]: runs SCRIPT (a path under
# tests/) in the test VM with IMPL and prints what it printed between its
# "---- BEGIN DUMP ----" and "---- END DUMP ----" lines, carriage returns
# dropped and the sed -E program MASK applied (for values that legitimately
# differ between runs or implementations).
vm_dump() {
	local impl=$1 script=$2 mask=$3
	shift 3
	"$top/scripts/vm-run" --impl "$impl" "$@" -- "$top/$script" |
		tr -d '\r' | sed -n '/^---- BEGIN DUMP ----$/,/^---- END DUMP ----$/p' |
		sed -E "$mask"
}

# impl_diff SCRIPT MASK MUST C_DRIVER WHAT_OR WHAT_AND: dumps SCRIPT (see
# vm_dump) with the C drivers and with rvnet and diffs the two. The C dump
# must not be empty and must contain MUST (a grep pattern; empty: anything);
# WHAT_OR and WHAT_AND name what is compared in the verdict ("X or Y
# differ between C_DRIVER and rvnet", "X and Y match ...").
impl_diff() {
	local script=$1 mask=$2 must=$3 cdrv=$4 what_or=$5 what_and=$6 c rust
	c=$(vm_dump c "$script" "$mask") || { echo "the C run failed" >&2; return 1; }
	rust=$(vm_dump rust "$script" "$mask") || { echo "the rvnet run failed" >&2; return 1; }
	[ -n "$c" ] || { echo "no dump from the C run" >&2; return 1; }
	if [ -n "$must" ] && ! grep -q -- "$must" <<<"$c"; then
		echo "C dump incomplete" >&2
		return 1
	fi
	if ! diff -u <(echo "$c") <(echo "$rust"); then
		echo "FAIL: $what_or differ between $cdrv and rvnet" >&2
		return 1
	fi
	echo "PASS: $what_and match between $cdrv and rvnet"
}
