#!/usr/bin/env bash
# `make check`: every rvnet test, ending with the line "N passed, N failed".
#
#   host       cargo test of the core crate (unit and property tests)
#   build      the modules build with warnings as errors; clippy; rustfmt
#   scenarios  tests/*/NAME.sh in the test VM, against the C drivers
#              (--impl c, which proves the test) and rvnet (--impl rust),
#              and once more on the debug kernel (KASAN, lockdep, kmemleak)
#              against rvnet; tests/*/NAME.debug.sh (allocation-failure
#              injection, which only the debug kernel has) on the debug
#              kernel only, against C and rvnet; the scenarios of one kind share a VM boot per
#              implementation and kernel (vm-run --each: each still passes
#              or fails on its own, and the VM is reset between them)
#   interop    tests/*/NAME.peer.sh with a peer VM: c/c, rust/c, rust/rust
#   host-side  tests/**/NAME.host.sh (differential diffs, KUnit parsing)
#
# Each test's line gives its wall time (a scenario's own time in its VM;
# each VM's boot is a line "boot ..." of target/check/times.tsv), and the
# ten slowest close the run. target/check/times.tsv: SECONDS STATUS NAME.
# RVNET_CHECK_JOBS: how many VMs run at once (default 3: see README).
set -uo pipefail
. "$(dirname "$0")/env.sh"
cd "$RVNET_TOP"
log=$RVNET_TOP/target/check
rm -rf "$log" && mkdir -p "$log"
jobs=${RVNET_CHECK_JOBS:-3}
passed=0 failed=0
start=$(date +%s)

# logname NAME: the log file of test NAME.
logname() {
	echo "$log/$(tr / _ <<<"$1").log"
}

# record STATUS SECONDS NAME: counts, times and reports one test.
record() {
	printf '%s\t%s\t%s\n' "$2" "$1" "$3" >>"$log/times.tsv"
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		printf 'ok     %s (%s s)\n' "$3" "$2"
	else
		failed=$((failed + 1))
		printf 'FAILED %s (%s s) (log: %s)\n' "$3" "$2" "$(logname "$3" | sed "s|^$RVNET_TOP/||")"
	fi
}

# timed NAME CMD...: runs CMD with its output in NAME's log; prints
# "STATUS SECONDS NAME".
timed() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s.%N)
	"$@" >"$(logname "$name")" 2>&1
	rc=$?
	printf '%s %.1f %s\n' "$rc" "$(echo "$(date +%s.%N) - $t0" | bc)" "$name"
}

# warning_free CMD...: runs CMD; any compiler or objtool warning fails it.
warning_free() {
	local out status
	out=$("$@" 2>&1)
	status=$?
	echo "$out"
	[ $status = 0 ] && ! grep -q "warning:" <<<"$out"
}

# batch LABEL VM-RUN-OPTIONS -- NAME=SCRIPT...: the scripts in one VM
# (vm-run --each); prints "STATUS SECONDS NAME" per script and the boot's
# share as "STATUS SECONDS boot LABEL" (the batch's time less its scripts').
batch() {
	local label=$1 opts=() names=() paths=() t0 dir n rc secs total=0 ok=0
	shift
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	for a in "$@"; do names+=("${a%%=*}"); paths+=("${a#*=}"); done
	dir=$log/batch.$label
	mkdir -p "$dir"
	t0=$(date +%s.%N)
	scripts/vm-run "${opts[@]}" --each "$dir" -- "${paths[@]}" >"$dir/console.log" 2>&1 || ok=1
	while read -r n rc secs; do
		[ -f "$dir/$n.log" ] && mv "$dir/$n.log" "$(logname "${names[$n]}")"
		[ "$secs" = - ] && secs=0
		total=$(echo "$total + $secs" | bc)
		echo "$rc $secs ${names[$n]}"
	done <"$dir/results"
	# A batch that reported nothing for a script failed it.
	for n in "${!names[@]}"; do
		grep -q "^$n " "$dir/results" || { echo "125 0 ${names[$n]}"; cp "$dir/console.log" "$(logname "${names[$n]}")"; }
	done
	printf '%s %.1f boot %s\n' "$ok" "$(echo "$(date +%s.%N) - $t0 - $total" | bc)" "$label"
}
export -f logname timed warning_free batch
export log RVNET_TOP

# The host tests count one by one.
out=$(cargo test --quiet 2>&1)
status=$?
echo "$out" >"$log/cargo-test.log"
read -r p f < <(echo "$out" | awk '/^test result:/ {p += $4; f += $6} END {print p+0, f+0}')
passed=$((passed + p))
failed=$((failed + f))
echo "host   cargo test: $p passed, $f failed"
[ $status = 0 ] || [ "$f" -gt 0 ] || record 1 0 "cargo test (did not run)"

# The jobs, one pool, longest first within each group (so that the last
# ones to finish are short): a line each, "CMD ARGS..." for bash -c. The
# builds come first, one after the other, with the C runs (which need no
# rvnet module) beside them; the rvnet runs wait for the builds.
build_jobs=(
	"timed build/modules warning_free make -s -j2 modules"
	"timed build/modules-debug warning_free make -s -j2 modules-debug"
	"timed build/clippy make -s -j2 clippy"
	"timed build/rustfmt rustfmt --check --edition 2021 src/lib.rs $(ls drivers/*/*.rs | grep -v bindings_generated | tr '\n' ' ')"
)
# batches KIND TAG SIZE VM-RUN-OPTIONS...: jobs running KIND's scenarios
# ($scen) in VMs of at most SIZE, dealt out in turn (so that neighbours in
# the alphabet, often alike in length, share no VM), as tests NAME.sh[TAG].
batches() {
	local kind=$1 tag=$2 size=$3 n i t line
	shift 3
	n=$(((${#scen[@]} + size - 1) / size))
	for ((i = 0; i < n; i++)); do
		line="batch $kind[$tag]$i $* --"
		for ((t = i; t < ${#scen[@]}; t += n)); do
			line+=" ${scen[$t]#tests/}[$tag]=${scen[$t]}"
		done
		echo "$line"
	done
}
c_jobs=() debug_jobs=() rust_jobs=() debug_only=()
for kind in $(ls -d tests/*/ | xargs -n1 basename); do
	scen=() only=()
	for t in tests/$kind/*.sh; do
		[ -e "$t" ] || continue
		case $t in
		*.host.sh | *.dump.sh | *.bench.sh | *.peer.sh) continue ;;
		# The debug kernel's only (allocation-failure injection), on both
		# implementations.
		*.debug.sh) only+=("$t") && continue ;;
		esac
		scen+=("$t")
	done
	[ $((${#scen[@]} + ${#only[@]})) -gt 0 ] || continue
	mapfile -t -O ${#c_jobs[@]} c_jobs < <(batches "$kind" c 5 --impl c)
	mapfile -t -O ${#rust_jobs[@]} rust_jobs < <(batches "$kind" rust 5 --impl rust)
	scen+=("${only[@]}")
	debug_only+=("${only[@]}")
	# Five scenarios to a VM, and three on the debug kernel (four times as
	# slow), so that no one VM holds up the end of the run.
	mapfile -t -O ${#debug_jobs[@]} debug_jobs < <(batches "$kind" rust,debug 3 --debug --impl rust)
done
# The debug-only scenarios on the C drivers: first among the C runs.
scen=("${debug_only[@]}")
mapfile -t c_debug_jobs < <(batches debug-only c,debug 3 --debug --impl c)
c_jobs=("${c_debug_jobs[@]}" "${c_jobs[@]}")
for t in tests/*/*.peer.sh; do
	for pair in c:c rust:c rust:rust; do
		job="timed ${t#tests/}[${pair%:*}+peer-${pair#*:}] scripts/vm-run --impl ${pair%:*} --peer ${pair#*:} -- $t"
		if [ "$pair" = c:c ]; then c_jobs+=("$job"); else rust_jobs+=("$job"); fi
	done
done
for t in tests/*.host.sh tests/*/*.host.sh; do
	[ -e "$t" ] && rust_jobs+=("timed ${t#tests/} $t")
done

# The rvnet jobs start once the builds are done (target/check/built).
built() {
	until [ -e "$log/built" ]; do sleep 1; done
}
export -f built
waiting=()
for j in "${debug_jobs[@]}" "${rust_jobs[@]}"; do waiting+=("built; $j"); done

while read -r status secs name; do
	case $name in
	boot\ *) printf '%s\t%s\t%s\n' "$secs" "$status" "$name" >>"$log/times.tsv" ;;
	*) record "$status" "$secs" "$name" ;;
	esac
done < <(printf '%s\n' "$(printf '%s; ' "${build_jobs[@]}") touch $log/built" "${c_jobs[@]}" "${waiting[@]}" |
	xargs -P "$jobs" -d '\n' -I{} bash -c '{}')

echo "slowest:"
sort -t$'\t' -k1,1 -rn "$log/times.tsv" | grep -v $'\tboot ' | head -10 | awk -F'\t' '{printf "  %7.1f s  %s\n", $1, $3}'
echo "total: $(($(date +%s) - start)) s wall"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
