#!/usr/bin/env bash
# Builds the initramfs of the test VMs (see scripts/vm-run) in two parts:
#
#   mkinitramfs.sh base KBUILD
#       The static part: host binaries with their libraries and loader,
#       busybox, /etc basics and the kernel's modules (depmod'ed). Built once
#       into $RVNET_CACHE/initramfs/, keyed by the kernel build and the list of
#       packaged files; prints the archive's path.
#   mkinitramfs.sh overlay KBUILD IMPL STAGE OUT
#       The per-run part: STAGE (a directory already holding the run's files
#       under rvnet/) plus the guest scripts and, for IMPL=rust, rvnet's
#       modules (rvnet_*.ko at the top of the tree, *.ko under drivers/) and
#       the list of C modules the guest deletes at boot; packed into the cpio
#       OUT.
#
# Both are cpio (newc) archives padded to 4 bytes, so the kernel takes them
# concatenated. Missing host packages are installed with apt-get.
set -euo pipefail
. "$(dirname "$0")/env.sh"

# Packages whose programs go into the image: PACKAGE or PACKAGE:PROG,PROG.
# A bare PACKAGE ships all it has in bin/ and sbin/.
# shellcheck disable=SC2054 # commas separate programs
required=(bash coreutils findutils grep sed gawk diffutils procps kmod
	iproute2 iputils-ping tcpdump ethtool jq
	util-linux:nsenter,unshare,setsid,setpriv,flock,taskset,dmesg,prlimit,chrt,lsns,mountpoint,getopt
	mount:mount,umount)
optional=(netsniff-ng:mausezahn)
# Data files some of those programs read.
data_files=(/etc/iproute2 /usr/lib/x86_64-linux-gnu/tc /etc/protocols /etc/services
	/etc/ethertypes)

die() { echo "mkinitramfs: $*" >&2; exit 1; }

# not_installed PKG...: those of the packages that are not installed.
not_installed() {
	local ok
	ok=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null | awk '/install ok installed/ {print $1}')
	printf '%s\n' "$@" | grep -vxF -f <(echo "$ok") || true
}

apt_updated=
apt_install() {
	[ -n "$apt_updated" ] || { apt-get update -qq >&2 && apt_updated=1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# ensure_packages: install what is missing; optional ones may fail.
ensure_packages() {
	local pkg missing
	missing=$(not_installed "${required[@]%%:*}" busybox-static cpio)
	if [ -n "$missing" ]; then
		echo "mkinitramfs: installing" "${missing//$'\n'/ }" >&2
		# shellcheck disable=SC2086 # one word a package
		apt_install $missing
	fi
	for pkg in $(not_installed "${optional[@]%%:*}"); do
		# Remember a failure so later runs do not retry every time.
		[ -f "$RVNET_CACHE/initramfs/no-$pkg" ] && continue
		echo "mkinitramfs: installing optional $pkg" >&2
		apt_install "$pkg" || { echo "mkinitramfs: $pkg unavailable, skipped" >&2; touch "$RVNET_CACHE/initramfs/no-$pkg"; }
	done
}

# program_list: the host paths of every packaged program, one a line.
program_list() {
	local spec pkg p whole=() files progs absent
	absent=$(not_installed "${optional[@]%%:*}")
	for spec in "${required[@]}" "${optional[@]}"; do
		pkg=${spec%%:*}
		grep -qxF "$pkg" <<<"$absent" && continue
		if [ "$spec" = "$pkg" ]; then
			whole+=("$pkg")
			continue
		fi
		files=$(dpkg -L "$pkg")
		progs=${spec#*:}
		for p in ${progs//,/ }; do
			grep -E "^(/usr)?/s?bin/$p\$" <<<"$files" || die "$pkg has no $p"
		done
	done
	dpkg -L "${whole[@]}" | grep -E '^(/usr)?/s?bin/[^/]+$'
}

# add PATH...: copy host files into $stage at their real path, keeping the
# name they were reached by as a symlink (libfoo.so.1 -> libfoo.so.1.2.3).
add() {
	local src real dir
	for src in "$@"; do
		real=$(realpath -e "$src")
		dir=$(realpath -e "$(dirname "$src")")
		if [ ! -e "$stage$real" ] && [ ! -L "$stage$real" ]; then
			mkdir -p "$stage$(dirname "$real")"
			cp -a "$real" "$stage$real"
		fi
		if [ "$dir/$(basename "$src")" != "$real" ] && [ ! -L "$stage$dir/$(basename "$src")" ]; then
			mkdir -p "$stage$dir"
			ln -s "$real" "$stage$dir/$(basename "$src")"
		fi
	done
}

# libs_of FILE...: the shared libraries and loader the programs need.
libs_of() {
	local f
	for f in "$@"; do
		# Scripts and static binaries have nothing to add.
		ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' || true
	done | sort -u
}

# pack DIR OUT: a newc cpio of DIR owned by root, padded to 4 bytes.
pack() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$2"
	local pad=$(( (4 - $(stat -c %s "$2") % 4) % 4 ))
	head -c "$pad" /dev/zero >>"$2"
}

kernel_release() {
	[ -f "$1/.rvnet-done" ] || die "$1 is not a finished kernel build"
	cat "$1/include/config/kernel.release"
}

cmd_base() {
	local kbuild=$1 kver progs key out
	kver=$(kernel_release "$kbuild")
	mkdir -p "$RVNET_CACHE/initramfs"
	ensure_packages
	progs=$(program_list | sort -u)
	# The key: this script, the kernel build and every packaged program.
	key=$( {
		sha256sum <"$0"
		echo "$kbuild $kver"
		stat -c '%Y' "$kbuild/.rvnet-done"
		echo "$progs" | xargs stat -L -c '%n %s %Y'
	} | sha256sum | cut -c1-16)
	# One base per kernel build (normal and debug alternate in a run).
	local build
	build=$(basename "$kbuild")
	out=$RVNET_CACHE/initramfs/base-$build-$key.cpio
	if [ -f "$out" ]; then
		echo "$out"
		return
	fi
	echo "mkinitramfs: building $out" >&2
	stage=$(mktemp -d "$RVNET_CACHE/initramfs/stage.XXXXXX")
	trap 'rm -rf "$stage"' EXIT

	# Same merged-/usr layout as the host.
	local d
	for d in bin sbin lib lib64; do
		if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$stage/$d"; else mkdir -p "$stage/$d"; fi
	done
	mkdir -p "$stage"/{usr/bin,usr/sbin,usr/lib,usr/lib64}
	mapfile -t progs_a <<<"$progs"
	add "${progs_a[@]}"
	mapfile -t libs < <(libs_of "${progs_a[@]}")
	add "${libs[@]}"
	[ -e "$stage/usr/bin/awk" ] || ln -s gawk "$stage/usr/bin/awk"
	[ -e "$stage/usr/bin/sh" ] || ln -s bash "$stage/usr/bin/sh"
	for d in "${data_files[@]}"; do
		[ -e "$d" ] && add "$d"
	done

	# Busybox applets fill the gaps, last in PATH.
	mkdir -p "$stage/rvnet/busybox"
	cp /bin/busybox "$stage/rvnet/busybox/busybox"
	local a
	for a in $(busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$stage/rvnet/busybox/$a"
	done

	# Kernel modules, with depmod run against the image.
	mkdir -p "$stage/lib/modules"
	cp -a "$kbuild/modroot/lib/modules/$kver" "$stage/lib/modules/"
	rm -f "$stage/lib/modules/$kver"/{build,source}
	depmod -b "$stage" "$kver"

	# /etc basics; the hostname is set by init.
	mkdir -p "$stage"/{etc,root,proc,sys,dev,tmp,run,mnt,var}
	# The kernel opens /dev/console for init before devtmpfs is mounted.
	mknod -m 600 "$stage/dev/console" c 5 1
	mknod -m 666 "$stage/dev/null" c 1 3
	ln -s ../run "$stage/var/run"
	ln -s ../tmp "$stage/var/tmp"
	cat >"$stage/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/bash
		tcpdump:x:102:105::/nonexistent:/usr/sbin/nologin
		nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
	EOF
	cat >"$stage/etc/group" <<-'EOF'
		root:x:0:
		tcpdump:x:105:
		nogroup:x:65534:
	EOF
	printf '%s\n' 'passwd: files' 'group: files' 'hosts: files' 'protocols: files' \
		'services: files' 'ethers: files' >"$stage/etc/nsswitch.conf"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$stage/etc/hosts"
	echo rvnet >"$stage/etc/hostname"

	pack "$stage" "$out.tmp.$$"
	mv "$out.tmp.$$" "$out"
	# Older bases of this kernel build are of no more use.
	find "$RVNET_CACHE/initramfs" -maxdepth 1 -name "base-$build-*.cpio" ! -path "$out" -delete
	echo "$out"
}

cmd_overlay() {
	local kbuild=$1 impl=$2 stage=$3 out=$4 kver
	kver=$(kernel_release "$kbuild")
	# Guest scripts: init and the peer channel.
	mkdir -p "$stage/rvnet/bin"
	install -m 755 "$RVNET_TOP/scripts/guest/init" "$stage/init"
	local g
	for g in "$RVNET_TOP"/scripts/guest/*; do
		[ "$(basename "$g")" = init ] || install -m 755 "$g" "$stage/rvnet/bin/"
	done
	# rvnet's modules go to rvnet/modules/; init moves them to extra/, deletes
	# the C modules listed in rvnet/modules.remove and reruns depmod.
	if [ "$impl" = rust ]; then
		local ko name repl c f mods="$kbuild/modroot/lib/modules/$kver"
		mkdir -p "$stage/rvnet/modules"
		while IFS= read -r ko; do
			name=$(basename "$ko" .ko)
			cp "$ko" "$stage/rvnet/modules/"
			repl=$(awk -v m="$name" '!/^[[:space:]]*#/ && $1 == m {$1 = ""; print}' \
				"$RVNET_TOP/drivers/replaces.txt")
			for c in $repl; do
				f=$(cd "$mods" && find kernel \( -name "$c.ko*" -o -name "${c//_/-}.ko*" \) | head -1)
				if [ -n "$f" ]; then
					echo "$f" >>"$stage/rvnet/modules.remove"
				else
					echo "mkinitramfs: warning: $c (replaced by $name) is not a module of $kver" >&2
				fi
			done
		done < <(find "${RVNET_MODULES_DIR:-$RVNET_TOP}" -maxdepth 1 -name 'rvnet_*.ko' | sort)
	fi
	pack "$stage" "$out"
}

case "${1:-}" in
base) shift; [ $# -eq 1 ] || die "usage: $0 base KBUILD"; cmd_base "$@" ;;
overlay) shift; [ $# -eq 4 ] || die "usage: $0 overlay KBUILD IMPL STAGE OUT"; cmd_overlay "$@" ;;
*) die "usage: $0 base KBUILD | overlay KBUILD IMPL STAGE OUT" ;;
esac
