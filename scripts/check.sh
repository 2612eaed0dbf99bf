#!/usr/bin/env bash
# `make check`: every rvnet test, ending with the line "N passed, N failed".
#
#   host       cargo test of the core crate (unit and property tests)
#   build      the modules build with warnings as errors; clippy; rustfmt
#   scenarios  tests/*/NAME.sh in the test VM, against the C drivers
#              (--impl c, which proves the test) and rvnet (--impl rust)
#   interop    tests/*/NAME.peer.sh with a peer VM: c/c, rust/c, rust/rust
#   host-side  tests/**/NAME.host.sh (differential diffs, KUnit parsing)
#   debug      the scenarios once more on the debug kernel (KASAN, lockdep,
#              kmemleak) against rvnet
set -uo pipefail
. "$(dirname "$0")/env.sh"
cd "$RVNET_TOP"
log=$RVNET_TOP/target/check
rm -rf "$log" && mkdir -p "$log"
jobs=${RVNET_CHECK_JOBS:-2}
passed=0 failed=0

# record NAME STATUS: counts and reports one test.
record() {
	if [ "$2" = 0 ]; then
		passed=$((passed + 1))
		echo "ok     $1"
	else
		failed=$((failed + 1))
		echo "FAILED $1 (log: ${log#"$RVNET_TOP"/}/$(tr / _ <<<"$1").log)"
	fi
}

# run NAME CMD...: runs one test in the foreground.
run() {
	local name=$1 f
	shift
	f=$log/$(tr / _ <<<"$name").log
	"$@" >"$f" 2>&1
	record "$name" $?
}

# The host tests count one by one.
out=$(cargo test --quiet 2>&1)
status=$?
echo "$out" >"$log/cargo-test.log"
read -r p f < <(echo "$out" | awk '/^test result:/ {p += $4; f += $6} END {print p+0, f+0}')
passed=$((passed + p))
failed=$((failed + f))
echo "host   cargo test: $p passed, $f failed"
[ $status = 0 ] || [ "$f" -gt 0 ] || record "cargo test (did not run)" 1

# warning_free CMD...: runs CMD; any compiler or objtool warning fails it.
warning_free() {
	local out status
	out=$("$@" 2>&1)
	status=$?
	echo "$out"
	[ $status = 0 ] && ! grep -q "warning:" <<<"$out"
}

run build/modules warning_free make -s modules
run build/modules-debug warning_free make -s modules-debug
run build/clippy make -s clippy
run build/rustfmt rustfmt --check --edition 2021 src/lib.rs $(ls drivers/*/*.rs | grep -v bindings_generated)

# The VM runs, two at a time (each VM has one vCPU).
vm_tests=()
for t in tests/*/*.sh; do
	case $t in *.host.sh | *.dump.sh | *.bench.sh) continue ;; esac
	case $t in
	*.peer.sh)
		for pair in c:c rust:c rust:rust; do
			vm_tests+=("${t#tests/}[${pair%:*}+peer-${pair#*:}]|scripts/vm-run --impl ${pair%:*} --peer ${pair#*:} -- $t")
		done
		;;
	*)
		for impl in c rust; do
			vm_tests+=("${t#tests/}[$impl]|scripts/vm-run --impl $impl -- $t")
		done
		vm_tests+=("${t#tests/}[rust,debug]|scripts/vm-run --debug --impl rust -- $t")
		;;
	esac
done
for t in tests/*.host.sh tests/*/*.host.sh; do
	[ -e "$t" ] && vm_tests+=("${t#tests/}|$t")
done

runone() {
	local name=${1%%|*} cmd=${1#*|}
	bash -c "$cmd" >"$log/$(tr / _ <<<"$name").log" 2>&1
	echo "$? $name"
}
export -f runone
export log
while read -r status name; do
	record "$name" "$status"
done < <(printf '%s\n' "${vm_tests[@]}" | xargs -P "$jobs" -I{} bash -c 'runone "$1"' _ {})

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
