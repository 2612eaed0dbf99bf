#!/usr/bin/env bash
# Installs what rvnet needs on a fresh machine; idempotent (a second run
# installs nothing).
set -euo pipefail
. "$(dirname "$0")/env.sh"

apt_packages=(clang-22 lld-22 llvm-22 libclang-22-dev qemu-system-x86
	busybox-static bc flex bison libelf-dev libssl-dev cpio make gcc
	tcpdump ethtool iputils-ping iproute2 jq gawk kmod coreutils grep sed
	procps python3 rsync)
missing=()
for p in "${apt_packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if ! command -v bindgen >/dev/null; then
	echo "setup: installing bindgen-cli"
	cargo install --locked bindgen-cli
fi

if [ "$(rustc --version | cut -d' ' -f2)" != "$RUST_VERSION" ]; then
	echo "setup: rustc $RUST_VERSION is required" >&2
	exit 1
fi

# fetch_backport PKG VERSION: download an Architecture: all package from
# trixie-backports through a private apt state dir and unpack it into the cache.
fetch_backport() {
	local pkg=$1 ver=$2 dest="$RVNET_CACHE/$1-$2"
	[ -f "$dest/.unpacked" ] && return 0
	local apt="$RVNET_CACHE/apt"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$RVNET_CACHE/dl"
	# Derive the mirror from the machine's own Debian source.
	local uri
	uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri trixie-backports main" >"$apt/sources.list"
	local opts=(-o "Dir::State=$apt" -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
		-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::status=/var/lib/dpkg/status)
	[ -n "$(ls "$apt/lists" | grep -v partial || true)" ] || apt-get "${opts[@]}" update -qq
	(cd "$RVNET_CACHE/dl" && apt-get -o APT::Sandbox::User=root "${opts[@]}" download "$pkg=$ver")
	rm -rf "$dest" && mkdir -p "$dest"
	dpkg -x "$RVNET_CACHE"/dl/"${pkg}_${ver//:/%3a}"_all.deb "$dest"
	touch "$dest/.unpacked"
}
fetch_backport rust-src "$RUST_SRC_DEB_VERSION"
fetch_backport "linux-source-$KERNEL_SERIES" "$KERNEL_DEB_VERSION"
if [ ! -f "$KERNEL_SRC/.unpacked" ]; then
	rm -rf "$KERNEL_SRC" && mkdir -p "$(dirname "$KERNEL_SRC")"
	tar -C "$(dirname "$KERNEL_SRC")" -xf "$KERNEL_TARBALL"
	touch "$KERNEL_SRC/.unpacked"
fi
