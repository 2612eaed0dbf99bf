#!/usr/bin/env bash
# Builds (once) and caches the test kernel for a profile: normal or debug.
# Prints the build directory. A finished build is reused as it is.
set -euo pipefail
. "$(dirname "$0")/env.sh"
profile=${1:-normal}
build=$(kernel_build_dir "$profile")
# One build per profile at a time; a second caller waits for the first.
mkdir -p "$RVNET_CACHE"
exec 9>"$build.lock"
flock 9
if [ -f "$build/.rvnet-done" ]; then
	echo "$build"
	exit 0
fi
kmake() { make -s -C "$KERNEL_SRC" O="$build" LLVM="$LLVM_SUFFIX" "$@"; }
mkdir -p "$build"
echo "build-kernel: configuring $profile kernel in $build" >&2
kmake tinyconfig >&2
frags=("$RVNET_TOP/kernel/rvnet.config")
[ "$profile" = debug ] && frags+=("$RVNET_TOP/kernel/debug.config")
(cd "$build" && "$KERNEL_SRC/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "${frags[@]}" >&2)
kmake olddefconfig >&2
for sym in $(grep -h '^CONFIG_.*=[ym]' "${frags[@]}" | cut -d= -f1); do
	want=$(grep -h "^$sym=" "${frags[@]}" | tail -1)
	grep -qx "$want" "$build/.config" || { echo "build-kernel: $want did not stick" >&2; exit 1; }
done
kmake rustavailable >&2
echo "build-kernel: building (a cold build takes ~12 min on 2 cores)" >&2
kmake -j"$(nproc)" bzImage modules >&2
rm -rf "$build/modroot"
kmake INSTALL_MOD_PATH="$build/modroot" modules_install >&2
touch "$build/.rvnet-done"
echo "$build"
