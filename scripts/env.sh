# Shared settings for rvnet's scripts; sourced, never run.
# The cache lives outside the clone so CI and later runs reuse the kernel build.
RVNET_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RVNET_CACHE=${RVNET_CACHE:-/var/cache/rvnet}
# Pinned toolchain and kernel (Debian trixie-backports, Architecture: all).
RUST_VERSION=1.95.0
RUST_SRC_DEB_VERSION=1.95.0+dfsg1-2~bpo13+1
KERNEL_SERIES=7.3
KERNEL_DEB_VERSION=7.3.4-1~bpo13+1
KERNEL_SRC=$RVNET_CACHE/linux-$KERNEL_DEB_VERSION/linux-source-$KERNEL_SERIES
KERNEL_TARBALL=$RVNET_CACHE/linux-source-$KERNEL_SERIES-$KERNEL_DEB_VERSION/usr/src/linux-source-$KERNEL_SERIES.tar.xz
RUST_LIB_SRC=$RVNET_CACHE/rust-src-$RUST_SRC_DEB_VERSION/usr/src/rustc-$RUST_VERSION/library
# Clang of rustc's LLVM major (rustc 1.95: LLVM 22), so that the kernel can
# inline C helpers into Rust code (CONFIG_RUST_INLINE_HELPERS).
LLVM_SUFFIX=-22
export LIBCLANG_PATH=/usr/lib/llvm${LLVM_SUFFIX}/lib
export PATH=$HOME/.cargo/bin:$PATH
export RUST_LIB_SRC

# kernel_build_dir PROFILE: the cached build directory of the test kernel for
# PROFILE (normal or debug), keyed by kernel version and config hash.
kernel_build_dir() {
	local frags="$RVNET_TOP/kernel/rvnet.config"
	[ "$1" = debug ] && frags="$frags $RVNET_TOP/kernel/debug.config"
	local hash
	hash=$( (echo "LLVM$LLVM_SUFFIX"; cat $frags) | sha256sum | cut -c1-12)
	echo "$RVNET_CACHE/kbuild-$KERNEL_DEB_VERSION-$1-$hash"
}

# rvnet_modules_dir PROFILE: where the modules built for PROFILE's kernel
# are (`make modules` and `make modules-debug`).
rvnet_modules_dir() {
	if [ "$1" = debug ]; then
		echo "$RVNET_TOP/target/debug-tree"
	else
		echo "$RVNET_TOP"
	fi
}
