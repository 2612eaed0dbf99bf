# Shared helpers of rvnet's scenario tests, sourced inside the test VM.
# Every scenario runs unchanged against rvnet (RVNET_IMPL=rust) and the
# in-tree C drivers (RVNET_IMPL=c).
set -euo pipefail

# The modules that provide `type vlan`, `type bridge` and `type macvlan` in
# this run.
case ${RVNET_IMPL:-rust} in
rust) VLAN_MODULE=rvnet_vlan BRIDGE_MODULE=rvnet_bridge ALIAS_MODULE=rvnet_alias ;;
c) VLAN_MODULE=8021q BRIDGE_MODULE=bridge ALIAS_MODULE=macvlan ;;
esac
# The modules that provide `type ipip` (and tunl0), `type sit` and `type gre|gretap`.
case ${RVNET_IMPL:-rust} in
rust) IPIP_MODULE=rvnet_tunnel SIT_MODULE=rvnet_tunnel GRE_MODULE=rvnet_tunnel ;;
c) IPIP_MODULE=ipip SIT_MODULE=sit GRE_MODULE=ip_gre ;;
esac

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

pass() {
	echo "PASS: $*"
}

# expect_fail MSG CMD...: CMD must fail, printing MSG (the extack text,
# without the module prefix 8021q adds) on stderr.
expect_fail() {
	local msg=$1 out
	shift
	if out=$("$@" 2>&1); then
		fail "'$*' succeeded; expected: $msg"
	fi
	grep -qF -- "$msg" <<<"$out" || fail "'$*' said '$out'; expected: $msg"
	echo "ok: '$*' refused: $out"
}

# The privilege scenarios' user: nobody, root only of a user namespace of
# its own (unshare -Ur).
# unprivileged CMD...: CMD as that user, in the initial network namespace,
# over whose devices it has no capability.
unprivileged() {
	setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user --map-root-user "$@"
}

# container SCRIPT: bash -c SCRIPT (lib.sh sourced) as that user in a
# network namespace its user namespace owns (unshare -Urn), with that
# namespace's sysfs: an unprivileged container.
container() {
	unprivileged --net --mount bash -c "mount -t sysfs sysfs /sys && . \"\$RVNET_TESTS/lib.sh\" && $1"
}

# in_ns NS CMD...: runs CMD in network namespace NS. `ip` and `bridge` are
# given the namespace (-n): entering it first through `ip netns exec`, which
# also remounts /sys for the command, costs a process more (a fifth of a
# second on the debug kernel).
in_ns() {
	local ns=$1
	shift
	case $1 in
	ip | bridge) "$1" -n "$ns" "${@:2}" ;;
	*) ip netns exec "$ns" "$@" ;;
	esac
}

# ns_sysfs NS: sets NS_SYSFS to a sysfs of namespace NS, mounted under
# /run/rvnet-sysfs on first use (as `ip netns exec` mounts one for each
# command), so that its files are read without starting a process. The
# mount holds no reference that keeps NS alive; del_namespaces removes it.
ns_sysfs() {
	NS_SYSFS=/run/rvnet-sysfs/$1
	[ -e "$NS_SYSFS/class/net/lo" ] && return 0
	mkdir -p "$NS_SYSFS"
	nsenter --net="/run/netns/$1" mount -t sysfs "sysfs-$1" "$NS_SYSFS"
}

# del_namespaces: deletes every namespace, with the devices in it, and the
# sysfs mounts of ns_sysfs.
del_namespaces() {
	local n mounts=(/run/rvnet-sysfs/*/class)
	[ -e "${mounts[0]}" ] && umount "${mounts[@]%/class}"
	for n in $(ip netns list | cut -d' ' -f1); do ip netns del "$n"; done
}

# veth_pair NS_A NS_B: namespaces A and B joined by veth a0 <-> b0, up,
# without IPv6 (so that nothing is sent unless a test sends it).
veth_pair() {
	ip netns add "$1"
	ip netns add "$2"
	for ns in "$1" "$2"; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		in_ns "$ns" ip link set lo up
	done
	ip link add a0 netns "$1" type veth peer name b0 netns "$2"
	in_ns "$1" ip link set a0 up
	in_ns "$2" ip link set b0 up
}

# unload_module MODULE: deletes every namespace (with the devices in them)
# and removes MODULE, which must then go cleanly.
unload_module() {
	del_namespaces
	# Namespace teardown is asynchronous; give it a moment.
	for _ in $(seq 50); do
		modprobe -r "$1" 2>/dev/null && break
		sleep 0.1
	done
	if grep -q "^$1 " /proc/modules; then
		fail "$1 did not unload"
	fi
	pass "$1 unloaded cleanly"
}

# unload_vlan: removes the VLAN module.
unload_vlan() {
	unload_module "$VLAN_MODULE"
}

# wait_for CMD...: retries CMD for up to 5 s (link state changes reach
# userspace through the asynchronous linkwatch).
wait_for() {
	for _ in $(seq 50); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# vlan_on NS LOWER VID ADDR [OPTIONS...]: VLAN LOWER.VID in NS, with
# address ADDR/24, up.
vlan_on() {
	local ns=$1 lower=$2 vid=$3 addr=$4
	shift 4
	in_ns "$ns" ip link add link "$lower" name "$lower.$vid" type vlan id "$vid" "$@"
	in_ns "$ns" ip addr add "$addr/24" dev "$lower.$vid"
	in_ns "$ns" ip link set "$lower.$vid" up
}

# forget_neighbours NS DEV [NS DEV]...: each NS forgets its neighbours on
# DEV, so that the next packet to a peer starts with an ARP request (a
# reachability probe from one side would otherwise teach the other).
forget_neighbours() {
	while [ $# -ge 2 ]; do
		in_ns "$1" ip neigh flush dev "$2"
		shift 2
	done
}

# expect_on_wire NS DEV PATTERN PING_ARGS...: pings (in namespace left)
# while capturing on DEV in NS; the capture must match PATTERN.
expect_on_wire() {
	local ns=$1 dev=$2 pattern=$3 dump
	shift 3
	# The previous capture's "listening on" must not count for this one:
	# the background job truncates the file only once it runs.
	rm -f /tmp/wire.txt /tmp/wire.err
	in_ns "$ns" timeout 20 tcpdump -l -n -e -c 2 -i "$dev" >/tmp/wire.txt 2>/tmp/wire.err &
	dump=$!
	# Capturing once it says so (on a busy debug VM that can take seconds).
	wait_for grep -q "listening on" /tmp/wire.err || fail "tcpdump did not start on $dev"
	in_ns left ping -c 3 -W 2 "$@" || fail "no ping to $*"
	wait $dump || true
	cat /tmp/wire.txt
	grep -q -- "$pattern" /tmp/wire.txt || fail "'$pattern' not seen on $dev"
}

# The module that provides `type bond` in this run: rvnet_bond with
# RVNET_IMPL=rust once it exists (until then the rust run still has
# bonding.ko), bonding with RVNET_IMPL=c.
BOND_MODULE=bonding
if [ "${RVNET_IMPL:-rust}" = rust ] && ! modinfo -n bonding >/dev/null 2>&1; then
	BOND_MODULE=rvnet_bond
fi

# unload_bond: deletes every namespace (with the bonds in them) and removes
# the bonding module; it must go cleanly.
unload_bond() {
	unload_module "$BOND_MODULE"
}

# bond_info NS DEV KEY: .linkinfo.info_data.KEY of bond DEV in NS (jq -r).
bond_info() {
	in_ns "$1" ip -d -j link show "$2" | jq -r ".[0].linkinfo.info_data.$3"
}

# slave_info NS DEV KEY: .linkinfo.info_slave_data.KEY of slave DEV in NS.
slave_info() {
	in_ns "$1" ip -d -j link show "$2" | jq -r ".[0].linkinfo.info_slave_data.$3"
}

# proc_bond NS DEV FIELD: the value of "FIELD: value" (first match) in
# /proc/net/bonding/DEV of NS.
proc_bond() {
	in_ns "$1" cat "/proc/net/bonding/$2" | sed -n "s/^$3: //p" | head -1
}

# tx_packets NS DEV: the device's tx packet counter.
tx_packets() {
	in_ns "$1" ip -s -j link show "$2" | jq -r '.[0].stats64.tx.packets'
}

# ns_pair NS_A NS_B: two namespaces with lo up and without IPv6.
ns_pair() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns"
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		in_ns "$ns" ip link set lo up
	done
}

# bond_links NS_A NS_B N: N veth links NS_A:aI <-> NS_B:bI (I = 0..N-1),
# down (ready to be enslaved), with fixed MACs 02:00:00:00:0a:0I and
# 02:00:00:00:0b:0I.
bond_links() {
	local i
	for i in $(seq 0 $(($3 - 1))); do
		ip link add "a$i" netns "$1" address "02:00:00:00:0a:0$i" type veth \
			peer name "b$i" netns "$2" address "02:00:00:00:0b:0$i"
	done
}

# bond_switch NS_HOST NS_SW N: bond_links NS_HOST NS_SW N, with the b*
# ends in bridge br0 of NS_SW, which has 192.0.2.2/24.
bond_switch() {
	local d
	bond_links "$1" "$2" "$3"
	in_ns "$2" ip link add br0 address 02:00:00:00:0b:ff type bridge
	for d in $(seq 0 $(($3 - 1))); do in_ns "$2" ip link set "b$d" master br0 up; done
	in_ns "$2" ip link set br0 up
	in_ns "$2" ip addr add 192.0.2.2/24 dev br0
}

# ---- bridge ----
# Helpers of tests/bridge/. The topology most use: a switch namespace with
# bridge br0 and hosts h1..hN, each with an eth0 whose peer is port swpI of
# br0. Nothing is sent unless a test sends it: no IPv6, STP off, and the
# bridge's multicast querier is off by default, so frame counters are exact.

# br_info NS DEV KEY: .linkinfo.info_data.KEY of bridge DEV in NS (jq -r).
br_info() {
	in_ns "$1" ip -d -j link show "$2" | jq -r ".[0].linkinfo.info_data.$3"
}

# port_state NS DEV: the STP state of bridge port DEV (disabled, listening,
# learning, forwarding, blocking), from `ip -d -j link`.
port_state() {
	slave_info "$1" "$2" state
}

# br_switch NS N [BRIDGE OPTIONS...]: namespace NS with bridge br0 (up, with
# OPTIONS) and namespaces h1..hN, hI's eth0 (02:00:00:00:0a:0I,
# 192.0.2.I/24) joined to port swpI (02:00:00:00:0b:0I) of br0. br0 has no
# address (its MAC is the lowest port's: 02:00:00:00:0b:01). The hosts
# know each other's MACs (host_neighbours).
br_switch() {
	local sw=$1 n=$2 i
	shift 2
	ns_pair "$sw"
	in_ns "$sw" ip link add br0 type bridge "$@"
	for i in $(seq "$n"); do
		ns_pair "h$i"
		ip link add eth0 netns "h$i" address "02:00:00:00:0a:0$i" type veth \
			peer name "swp$i" netns "$sw" address "02:00:00:00:0b:0$i"
		in_ns "$sw" ip link set "swp$i" master br0 up
		in_ns "h$i" ip addr add "192.0.2.$i/24" dev eth0
		in_ns "h$i" ip link set eth0 up
	done
	host_neighbours h "$n"
	in_ns "$sw" ip link set br0 up
}

# host_neighbours PREFIX N: hosts PREFIX1..N (192.0.2.I with MAC
# 02:00:00:00:0a:0I on eth0) know each other's MAC (permanent neighbours),
# so that they send no ARP: a request or a reachability probe would land in
# the frame counts. A host whose eth0 goes down forgets them: call again.
host_neighbours() {
	local i j
	for i in $(seq "$2"); do
		for j in $(seq "$2"); do
			[ "$i" = "$j" ] || echo "neigh replace 192.0.2.$j lladdr 02:00:00:00:0a:0$j nud permanent dev eth0"
		done | in_ns "$1$i" ip -batch -
	done
}

# fdb_port NS BR MAC: the port BR's FDB has MAC on (empty if none). Entries
# pointing at the bridge itself give BR.
fdb_port() {
	in_ns "$1" bridge -j fdb show br "$2" |
		jq -r --arg m "$3" --arg b "$2" '.[] | select(.mac == $m and (.master == $b or (.ifname == $b and (.flags | index("self") | not)))) | .ifname'
}

# fdb_state NS BR MAC: the state of MAC's entry in BR's FDB ("permanent",
# "static", or "" for a learned one; "none" if there is no entry).
fdb_state() {
	in_ns "$1" bridge -j fdb show br "$2" |
		jq -r --arg m "$3" --arg b "$2" '[.[] | select(.mac == $m and (.master == $b or (.ifname == $b and (.flags | index("self") | not))))] | if length == 0 then "none" else .[0].state // "" end'
}

# rx_packets NS DEV: the device's rx packet counter, read from NS's sysfs.
rx_packets() {
	local count
	ns_sysfs "$1"
	read -r count <"$NS_SYSFS/class/net/$2/statistics/rx_packets"
	echo "$count"
}

# rx_counts NS_PREFIX N: the rx packet counters of eth0 in NS_PREFIX1 ..
# NS_PREFIXN, space separated.
rx_counts() {
	local i out=()
	for i in $(seq "$2"); do out+=("$(rx_packets "$1$i" eth0)"); done
	echo "${out[*]}"
}

# send_frames NS DEV SRC DST [COUNT]: COUNT (default 1) IPv4/UDP frames from
# MAC SRC to MAC DST out of DEV in NS (mausezahn).
send_frames() {
	local out
	out=$(in_ns "$1" mausezahn "$2" -q -c "${5:-1}" -a "$3" -b "$4" -A 198.51.100.1 -B 198.51.100.2 -t udp "dp=9" 2>&1) ||
		fail "mausezahn could not send from $1 $2: $(head -3 <<<"$out")"
}

# expect_delivery WHAT NS_PREFIX N EXPECTED CMD...: runs CMD and checks which
# of the hosts NS_PREFIX1..N received frames (rx counter of eth0): EXPECTED is
# the number of frames each must have received, space separated ("1 0 1").
expect_delivery() {
	local what=$1 pfx=$2 n=$3 want=$4 before after got="" i
	shift 4
	read -ra before <<<"$(rx_counts "$pfx" "$n")"
	"$@"
	sleep 0.3
	read -ra after <<<"$(rx_counts "$pfx" "$n")"
	for i in $(seq 0 $((n - 1))); do got+="$((after[i] - before[i])) "; done
	got=${got% }
	[ "$got" = "$want" ] || fail "$what: frames received by ${pfx}1..$n: $got, expected $want"
	echo "ok: $what: received by ${pfx}1..$n: $got"
}

# ---- alias (macvlan) ----
# Helpers of tests/alias/. The topology most use: namespace low with the
# lower device a0 (02:00:00:00:0a:01, 192.0.2.10/24) and its veth peer b0
# in namespace ext (the external host or switch, 02:00:00:00:0e:01,
# 192.0.2.100/24); macvlans mvI on a0, each in namespace mI, with MAC
# 02:00:00:00:01:0I. No IPv6, so nothing is sent unless a test sends it.

# alias_lower: namespaces low and ext joined by a0 <-> b0, up.
alias_lower() {
	ns_pair low ext
	ip link add a0 netns low address 02:00:00:00:0a:01 type veth \
		peer name b0 netns ext address 02:00:00:00:0e:01
	in_ns low ip addr add 192.0.2.10/24 dev a0
	in_ns ext ip addr add 192.0.2.100/24 dev b0
	in_ns low ip link set a0 up
	in_ns ext ip link set b0 up
}

# macvlans N [OPTIONS...]: macvlans mv1..mvN on a0 (namespace low), each
# created directly in its namespace mI (made here), with MAC
# 02:00:00:00:01:0I and OPTIONS (after `type macvlan`), up.
macvlans() {
	local n=$1 i
	shift
	for i in $(seq "$n"); do
		ns_pair "m$i"
		in_ns low ip link add link a0 name "mv$i" netns "m$i" address "02:00:00:00:01:0$i" \
			type macvlan "$@"
		in_ns "m$i" ip link set "mv$i" up
	done
}

# ignored_multi NS: the IPv4 stack's count of broadcast and multicast UDP
# datagrams that no socket took in NS (Udp IgnoredMulti): how many such
# frames the namespace's devices passed up.
ignored_multi() {
	in_ns "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "IgnoredMulti") c = i; h = 1 } else print $c }' /proc/net/snmp
}

# alias_counts N: the frames received by mv1..mvN (their rx counters), by
# the lower's own stack (ignored_multi low) and by the external host (b0's
# rx counter), space separated.
alias_counts() {
	local i out=()
	for i in $(seq "$1"); do out+=("$(rx_packets "m$i" "mv$i")"); done
	out+=("$(ignored_multi low)" "$(rx_packets ext b0)")
	echo "${out[*]}"
}

# expect_alias WHAT N EXPECTED CMD...: runs CMD and checks the change of
# alias_counts N against EXPECTED ("mv1 .. mvN lower wire", space
# separated).
expect_alias() {
	local what=$1 n=$2 want=$3 before after got="" i
	shift 3
	read -ra before <<<"$(alias_counts "$n")"
	"$@"
	sleep 0.3
	read -ra after <<<"$(alias_counts "$n")"
	for i in $(seq 0 $((n + 1))); do got+="$((after[i] - before[i])) "; done
	got=${got% }
	[ "$got" = "$want" ] || fail "$what: frames to mv1..mv$n, lower, wire: $got, expected $want"
	echo "ok: $what: mv1..mv$n, lower, wire: $got"
}

# send_udp NS DEV SRC_MAC DST_MAC [DST_IP]: one IPv4/UDP frame out of DEV in
# NS, from 192.0.2.100 to DST_IP (default 192.0.2.255, the subnet's
# broadcast), port 9.
send_udp() {
	local out
	out=$(in_ns "$1" mausezahn "$2" -q -c 1 -a "$3" -b "$4" -A 192.0.2.100 -B "${5:-192.0.2.255}" \
		-t udp "dp=9" 2>&1) || fail "mausezahn could not send from $1 $2: $(head -3 <<<"$out")"
}

# macvlan_info NS DEV KEY: .linkinfo.info_data.KEY of macvlan DEV in NS.
macvlan_info() {
	in_ns "$1" ip -d -j link show "$2" | jq -r ".[0].linkinfo.info_data.$3"
}

# ---- kernel selftests ----

# run_kselftests DIR TEST...: runs each of the kernel's selftests TEST (in
# tests/kselftest/DIR, from their own directory, at most 300 s each) and
# fails if any fails: exits non-zero, reports [FAIL], or, with
# KSELFTEST_NEED_OK=1, reports no [ OK ] at all. KSELFTEST_ARGS (words)
# are passed to each TEST, e.g. the cases of a script to run.
run_kselftests() {
	local dir=$RVNET_TESTS/kselftest/$1 t start secs rc failed=()
	shift
	for t in "$@"; do
		start=$(cut -d' ' -f1 /proc/uptime)
		rc=0
		(cd "$dir" && timeout 300 bash "./$t" ${KSELFTEST_ARGS:-}) >/tmp/kselftest.out 2>&1 || rc=$?
		secs=$(awk -v a="$start" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.0f", b - a }')
		grep -E '^(TEST|PASS|FAIL|SKIP)' /tmp/kselftest.out || true
		if [ $rc = 0 ] && ! grep -q '\[FAIL\]' /tmp/kselftest.out &&
			{ [ "${KSELFTEST_NEED_OK:-0}" = 0 ] || grep -q '\[ OK \]' /tmp/kselftest.out; }; then
			pass "selftest $t (${secs} s)"
		else
			tail -20 /tmp/kselftest.out
			echo "FAIL: selftest $t exited $rc (${secs} s)"
			failed+=("$t")
		fi
	done
	[ ${#failed[@]} = 0 ] || fail "selftests failed: ${failed[*]}"
}

# ---- alias (ipvlan) ----
# Helpers of tests/alias/ipvlan.sh: ipvlans ipvI on a0 (alias_lower), each
# in namespace iI with 192.0.2.1I/24, sharing a0's MAC 02:00:00:00:0a:01.

# The module that provides `type ipvlan` in this run.
case ${RVNET_IMPL:-rust} in
rust) IPVLAN_MODULE=rvnet_alias ;;
c) IPVLAN_MODULE=ipvlan ;;
esac

# ipvlans N [OPTIONS...]: ipvlans ipv1..ipvN on a0 (namespace low), each
# created directly in its namespace iI (made here) with OPTIONS (after
# `type ipvlan`), address 192.0.2.1I/24, up.
ipvlans() {
	local n=$1 i
	shift
	for i in $(seq "$n"); do
		ns_pair "i$i"
		in_ns low ip link add link a0 name "ipv$i" netns "i$i" type ipvlan "$@"
		in_ns "i$i" ip addr add "192.0.2.1$i/24" dev "ipv$i"
		in_ns "i$i" ip link set "ipv$i" up
	done
}

# ip_in_receives NS: the IPv4 packets NS's stack took in (Ip InReceives).
ip_in_receives() {
	in_ns "$1" awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "InReceives") c = i; h = 1 } else print $c }' /proc/net/snmp
}

# ipvlan_counts N: the frames received by ipv1..ipvN (their rx counters),
# the IPv4 packets the lower's own stack took in (ip_in_receives low) and
# the frames that reached the external host (b0's rx counter).
ipvlan_counts() {
	local i out=()
	for ((i = 1; i <= $1; i++)); do out+=("$(rx_packets "i$i" "ipv$i")"); done
	out+=("$(ip_in_receives low)" "$(rx_packets ext b0)")
	echo "${out[*]}"
}

# expect_ipvlan WHAT N EXPECTED CMD...: runs CMD and checks the change of
# ipvlan_counts N against EXPECTED ("ipv1 .. ipvN lower wire").
expect_ipvlan() {
	local what=$1 n=$2 want=$3 before after got="" i
	shift 3
	read -ra before <<<"$(ipvlan_counts "$n")"
	"$@"
	sleep 0.3
	read -ra after <<<"$(ipvlan_counts "$n")"
	for i in $(seq 0 $((n + 1))); do got+="$((after[i] - before[i])) "; done
	got=${got% }
	[ "$got" = "$want" ] || fail "$what: frames to ipv1..ipv$n, lower, wire: $got, expected $want"
	echo "ok: $what: ipv1..ipv$n, lower, wire: $got"
}

# send_ip NS DEV SRC_IP DST_MAC DST_IP [SRC_MAC]: one IPv4 frame out of DEV
# in NS from SRC_IP (and SRC_MAC, default DEV's) to DST_MAC and DST_IP: an
# ICMP echo reply, which no host answers.
send_ip() {
	local out
	out=$(in_ns "$1" mausezahn "$2" -q -c 1 ${6:+-a "$6"} -b "$4" -A "$3" -B "$5" -t icmp 2>&1) ||
		fail "mausezahn could not send from $1 $2: $(head -3 <<<"$out")"
}

# lower_with_neighbours: alias_lower, plus permanent neighbours in low
# (nobody 192.0.2.99, the external host, and the ipvlans' addresses at
# a0's MAC, as an external switch would reflect them), so that the
# lower's stack never sends ARP.
lower_with_neighbours() {
	local ip mac
	alias_lower
	for ip in 99:02:00:00:00:0e:99 100:02:00:00:00:0e:01 11:02:00:00:00:0a:01 12:02:00:00:00:0a:01 \
		13:02:00:00:00:0a:01; do
		mac=${ip#*:}
		in_ns low ip neigh add "192.0.2.${ip%%:*}" lladdr "$mac" dev a0 nud permanent
	done
}

# ipvlan_info NS DEV KEY: .linkinfo.info_data.KEY of ipvlan DEV in NS.
ipvlan_info() {
	in_ns "$1" ip -d -j link show "$2" | jq -r ".[0].linkinfo.info_data.$3"
}

# ---- tunnels ----

# tunnel_underlay: namespaces left and right joined by veth a0 <-> b0,
# 10.0.0.1/24 and 10.0.0.2/24.
tunnel_underlay() {
	veth_pair left right
	in_ns left ip addr add 10.0.0.1/24 dev a0
	in_ns right ip addr add 10.0.0.2/24 dev b0
}

# tunnel_counter NS DEV COUNTER: one of DEV's statistics in NS.
tunnel_counter() {
	local count
	ns_sysfs "$1"
	read -r count <"$NS_SYSFS/class/net/$2/statistics/$3"
	echo "$count"
}

# expect_counter NS DEV COUNTER VALUE: the counter must be VALUE.
expect_counter() {
	local got
	got=$(tunnel_counter "$1" "$2" "$3")
	[ "$got" = "$4" ] || fail "$1 $2 $3 is $got, expected $4"
}

# tunnels_shown NS FALLBACK...: `ip tunnel show` in NS, sorted, less the
# fallback devices FALLBACK... of the kinds the test is not about: rvnet's
# one module carries every IPv4 tunnel kind, so loading it for one kind
# brings the others' fallback devices too (tunl0, gre0), which the C
# module of the kind under test does not.
tunnels_shown() {
	local ns=$1 re
	shift
	re=$(printf '^%s:|' "$@")
	in_ns "$ns" ip tunnel show | grep -Ev "${re%|}" | sort
}

# capture_tunnel NS DEV FILTER PATTERN PING_ARGS...: one packet matching
# tcpdump's FILTER, captured verbosely on DEV in NS while left pings with
# PING_ARGS; it must match PATTERN (an extended regular expression).
capture_tunnel() {
	local ns=$1 dev=$2 filter=$3 pattern=$4 dump
	shift 4
	rm -f /tmp/wire.txt /tmp/wire.err
	in_ns "$ns" timeout 20 tcpdump -l -n -v -c 1 -i "$dev" "$filter" >/tmp/wire.txt 2>/tmp/wire.err &
	dump=$!
	wait_for grep -q "listening on" /tmp/wire.err || fail "tcpdump did not start on $dev"
	in_ns left ping -c 2 -W 2 -i 0.3 "$@" >/dev/null || true
	wait $dump || true
	tr '\n' ' ' </tmp/wire.txt | tee /tmp/wire.one
	echo
	grep -qE -- "$pattern" /tmp/wire.one || fail "'$pattern' not seen on $dev"
}

# no_ip_tunnel_module: with rvnet, ip_tunnel.ko must never have been
# loaded by what ran (rvnet does not use it).
no_ip_tunnel_module() {
	if [ "${RVNET_IMPL:-rust}" = rust ]; then
		[ ! -e /sys/module/ip_tunnel ] || fail "ip_tunnel is loaded"
		pass "ip_tunnel not loaded"
	fi
}

# ---- TEQL ----

# The module behind `modprobe sch_teql` in this run.
case ${RVNET_IMPL:-rust} in
rust) TEQL_MODULE=rvnet_teql ;;
c) TEQL_MODULE=sch_teql ;;
esac

# teql_link DEV FIELD: FIELD of `ip -d -j link show DEV` (a jq path).
teql_link() {
	ip -d -j link show "$1" | jq -r ".[0].$2"
}

# teql_has_flag DEV FLAG: whether DEV's flags include FLAG.
teql_has_flag() {
	ip -j link show "$1" | jq -e --arg f "$2" '.[0].flags | index($f) != null' >/dev/null
}

# teql_users: the use count of the module (the number of slave qdiscs).
teql_users() {
	awk -v m="$TEQL_MODULE" '$1 == m { print $3 }' /proc/modules
}

# teql_tx DEV...: sets TX to the tx_packets of each DEV (root namespace),
# read without a process.
teql_tx() {
	local d v
	TX=()
	for d in "$@"; do
		read -r v <"/sys/class/net/$d/statistics/tx_packets"
		TX+=("$v")
	done
}

# teql_send N ADDR: sends N UDP datagrams to ADDR port 9 from bash itself
# (no process per packet).
teql_send() {
	local i
	for ((i = 0; i < $1; i++)); do
		echo x 2>/dev/null >"/dev/udp/$2/9" || true
	done
}

# teql_slaves NS N: N veth pairs vI (root namespace, teql0's slaves, up)
# <-> pI (namespace NS, up, 10.0.0.2 answering ARP on each, a permanent
# neighbour for 10.0.0.1 so that NS sends nothing back through the
# slaves); teql0 10.0.0.1/24 up over them.
teql_slaves() {
	local ns=$1 n=$2 i
	ip netns add "$ns"
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	in_ns "$ns" ip addr add 10.0.0.2/32 dev lo
	in_ns "$ns" ip link set lo up
	for ((i = 1; i <= n; i++)); do
		ip link add "v$i" type veth peer name "p$i" netns "$ns"
		tc qdisc add dev "v$i" root teql0
		ip link set "v$i" up
		in_ns "$ns" ip link set "p$i" up
		in_ns "$ns" ip route add 10.0.0.1/32 dev "p$i" metric "$i"
		in_ns "$ns" ip neigh add 10.0.0.1 lladdr "$(cat "/sys/class/net/v$i/address")" \
			dev "p$i" nud permanent
	done
	ip addr add 10.0.0.1/24 dev teql0
	ip link set teql0 up
}

# tdc_run FILE SKIP...: runs the tc-testing cases of FILE (a tdc JSON
# file under tests/kselftest/tc-testing) as the JSON states them: setup,
# cmdUnderTest with its expected exit code, verifyCmd's output matched
# matchCount times by matchPattern, teardown. Cases with an id in SKIP are
# left out.
tdc_run() {
	local file=$RVNET_TESTS/kselftest/tc-testing/$1 id code pattern count cmd verify setup teardown rc n
	local ran=0
	shift
	local skip=" $* "
	while IFS=$'\t' read -r id code pattern count cmd verify setup teardown; do
		[[ $skip == *" $id "* ]] && continue
		IP=ip TC=tc DUMMY=tdcdummy0 ETH=tdceth0
		eval "$setup" || fail "tdc $id: setup failed"
		rc=0
		eval "$cmd" || rc=$?
		[ "$rc" = "$code" ] || fail "tdc $id: '$cmd' exited $rc, expected $code"
		n=$(eval "$verify" | grep -cE -- "$pattern" || true)
		[ "$n" = "$count" ] || fail "tdc $id: '$verify' matched $n times, expected $count"
		eval "$teardown" || fail "tdc $id: teardown failed"
		echo "ok: tdc $id"
		ran=$((ran + 1))
	done < <(jq -r '.[] | [.id, .expExitCode, .matchPattern, .matchCount, .cmdUnderTest,
		.verifyCmd, (.setup | join("; ")), (.teardown | join("; "))] | @tsv' "$file")
	[ "$ran" -gt 0 ] || fail "no tdc case run from $file"
}

# teql_resolved DEV...: whether each DEV has a resolved neighbour for
# 10.0.0.2.
teql_resolved() {
	local d
	for d in "$@"; do
		ip neigh show 10.0.0.2 dev "$d" | grep -q lladdr || return 1
	done
}

# teql_resolve DEV...: sends datagrams through teql0 until each DEV has
# resolved 10.0.0.2 (a transmit starts resolution only on the unresolved
# slaves it tries before one that sends), for up to 5 s.
teql_resolve() {
	local _
	for _ in $(seq 50); do
		teql_send 1 10.0.0.2
		teql_resolved "$@" && return 0
		sleep 0.1
	done
	fail "10.0.0.2 not resolved on each of $*: $(ip neigh show 10.0.0.2)"
}

# pktgen_run DEV COUNT DST_MAC [SETTING...]: pktgen (loaded) sends COUNT
# 60-byte UDP packets to 192.0.2.2 at DST_MAC out of DEV, with the extra
# pktgen SETTINGs; prints "PPS SECONDS" of the run (benchmarks).
pktgen_run() {
	local dev=$1 count=$2 mac=$3 s pps usec
	shift 3
	pg() { echo "$2" >"/proc/net/pktgen/$1"; }
	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device $dev"
	for s in "count $count" "clone_skb 0" "pkt_size 60" "delay 0" "dst 192.0.2.2" \
		"dst_mac $mac" "$@"; do
		pg "$dev" "$s"
	done
	pg pgctrl start
	pps=$(sed -n 's/.* \([0-9]*\)pps .*/\1/p' "/proc/net/pktgen/$dev")
	usec=$(sed -n 's/.*Result: OK: \([0-9]*\)(.*/\1/p' "/proc/net/pktgen/$dev")
	pg kpktgend_0 rem_device_all
	awk -v p="$pps" -v u="$usec" 'BEGIN { printf "%d %.3f\n", p, u / 1e6 }'
}

# Benchmarks that keep their results in a global table res["IMPL TEST"]
# (one number a trial, space separated) for the test names in $tests:
# bench_trial N IMPL prints trial N's line for IMPL; bench_results prints
# every result and sets med["IMPL TEST"] to their medians; bench_row
# WHAT TEST UNIT prints TEST's medians and their rvnet/C ratio.
bench_trial() {
	local t
	echo -n "trial $1 $2:"
	for t in $tests; do echo -n " $t $(awk '{ print $NF }' <<<"${res[$2 $t]}")"; done
	echo
}
bench_results() {
	local impl t
	declare -gA med
	for impl in c rust; do
		for t in $tests; do
			echo "$impl $t: ${res[$impl $t]}"
			med[$impl $t]=$(tr ' ' '\n' <<<"${res[$impl $t]}" | grep . | median)
		done
	done
}
bench_row() {
	awk -v what="$1" -v c="${med[c $2]}" -v r="${med[rust $2]}" -v unit="$3" \
		'BEGIN { printf "%s (median %s): C %s, rvnet %s, rvnet/C %.3f\n", what, unit, c, r, r / c }'
}

# median: the median of the numbers on standard input, one a line
# (benchmarks).
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ---- Allocation-failure injection (the debug kernel) ----

# failnth_ready: the debug kernel's fault injection set up so that
# /proc/thread-self/fail-nth fails any slab or page allocation (sleeping
# ones too, as syzkaller sets it), silently (FAILNTH_VERBOSE=1: with the
# stack of each failed allocation on the console); exits 0 with a SKIP
# line on a kernel without it (only the debug profile has
# CONFIG_FAULT_INJECTION).
failnth_ready() {
	local d f
	if [ ! -e /proc/thread-self/fail-nth ]; then
		echo "SKIP: no /proc/thread-self/fail-nth: allocation-failure injection needs the debug kernel (vm-run --debug)"
		exit 0
	fi
	for d in /sys/kernel/debug/failslab /sys/kernel/debug/fail_page_alloc; do
		for f in ignore-gfp-wait ignore-gfp-highmem; do
			[ -e "$d/$f" ] && echo N >"$d/$f"
		done
		echo "${FAILNTH_VERBOSE:-0}" >"$d/verbose"
	done
	echo 0 >/sys/kernel/debug/fail_page_alloc/min-order
}

# failnth_state [@NS | PATH]...: what a failed operation must not leave
# behind, read without starting a process (one costs 0.15 s on the debug
# kernel; `ip -d link` and a sed, 0.6 s): the devices of the root namespace
# and of each NS (its sysfs, ns_sysfs), each with its flags, MTU, operational
# state, upper and lower devices and bridge ports; then each PATH, a file's
# lines or a directory's entries (or "absent").
failnth_state() {
	local a d l v sys=/sys
	for a in @ "$@"; do
		case $a in
		@*)
			[ "$a" = @ ] || { ns_sysfs "${a#@}" && sys=$NS_SYSFS && echo "== netns ${a#@}"; }
			for d in "$sys"/class/net/*; do
				v=()
				for l in flags mtu operstate; do read -r "v[${#v[@]}]" <"$d/$l"; done
				l=("$d"/upper_* "$d"/lower_* "$d"/brif/*)
				echo "${d##*/} ${v[*]} ${l[*]##*/}"
			done
			;;
		*)
			if [ -d "$a" ]; then
				l=("$a"/*)
				echo "== $a: ${l[*]##*/}"
			elif [ -e "$a" ]; then
				mapfile -t l <"$a"
				printf '%s\n' "== $a" "${l[@]}"
			else
				echo "== $a absent"
			fi
			;;
		esac
	done
}

# failnth_link DEV: DEV as `ip -d -o link show` has it, without its index.
failnth_link() {
	local l
	l=$(ip -d -o link show "$1")
	echo "${l#*: }"
}

# failnth_tries K: the Ns failnth_loop tries for an operation of K
# allocations: all, up to FAILNTH_TRIES (default 6; 0: all, however
# many); else the first and last quarter of them (where the kind's own code
# allocates: before and after the kernel's register_netdevice(), whose
# sysfs files take most of a creation's hundreds) and the rest evenly
# between; then K + 1 on, until one reaches none.
failnth_tries() {
	local k=$1 t=${FAILNTH_TRIES:-6} q i
	if [ "$t" = 0 ] || [ "$k" -le "$t" ]; then
		seq 1 "$k"
		return
	fi
	q=$((t / 4))
	{
		seq 1 "$q"
		for ((i = 1; i <= t - 2 * q; i++)); do echo $((q + i * (k - 2 * q) / (t - 2 * q + 1))); done
		seq $((k - q + 1)) "$k"
	} | sort -nu
}

# failnth_loop SETUP OP STATE CLEANUP [UNDO]: OP (one simple command of
# ip, bridge or tc that sends one request changing something; exec'ed)
# with its request's Nth kernel allocation failed
# (tests/tools/libfailnth.c), for the Ns of failnth_tries and on until it
# succeeds without reaching N. SETUP, STATE, CLEANUP and UNDO are eval'ed:
# SETUP makes what OP needs, STATE prints what OP changes (failnth_state),
# CLEANUP undoes SETUP and a successful OP, UNDO (cheaper) a successful OP
# alone (by default CLEANUP then SETUP). After each try, either OP failed
# with an allocation failure's errno and STATE is as before it, or OP
# succeeded and STATE is as after an OP without failure (also when only
# the acknowledgement was lost: "netlink receive error"). The errnos:
# ENOMEM; ENOBUFS when the request's own buffer could not be had; EINVAL
# when netdev_register_kobject()'s dev_set_name() could not allocate the
# name, which it ignores, and device_add() refuses the nameless device.
# Kernel problems (KASAN, lockdep, WARNING) and leaks fail the script
# through vm-run. Prints how many allocations OP made, the tries and
# their time.
failnth_loop() {
	# failnth_again: UNDO, or CLEANUP and SETUP once more, which must give
	# the state before OP again.
	failnth_again() {
		if [ -n "$undo" ]; then
			eval "$undo" || fail "failnth: undo failed: $undo"
		else
			eval "$cleanup" && eval "$setup" || fail "failnth: cleanup or setup failed"
		fi
		now=$(eval "$state")
		[ "$now" = "$before" ] || fail "failnth: '$op': the state after cleanup and setup differs from the first:
$(diff <(echo "$before") <(echo "$now"))"
	}
	local setup=$1 op=$2 state=$3 cleanup=$4 undo=${5:-} lib=/rvnet/tools/libfailnth.so
	local report=/tmp/failnth.report before after now out rc res n count tries=() tried=() ok=0 why t0
	local -A errnos=()
	failnth_ready
	read -r t0 _ </proc/uptime
	eval "$setup" || fail "failnth: setup failed: $setup"
	before=$(eval "$state")
	# A try with N beyond reach: OP's allocations counted, and the state
	# a success leaves.
	: >"$report"
	out=$(export LD_PRELOAD=$lib FAILNTH=1000000 FAILNTH_REPORT=$report && eval "exec $op" 2>&1) ||
		fail "failnth: '$op' failed without a failure injected: $out"
	read -r res count <"$report" || fail "failnth: '$op' sent no request that changes something"
	[ "$res" = miss ] || fail "failnth: '$op': a millionth allocation"
	after=$(eval "$state")
	[ "$after" != "$before" ] || fail "failnth: '$op' changed nothing in '$state'"
	failnth_again
	mapfile -t tries < <(failnth_tries "$count")
	for ((n = count + 1; n <= count + 20; n++)); do tries+=("$n"); done
	for n in "${tries[@]}"; do
		tried+=("$n")
		: >"$report"
		rc=0
		out=$(export LD_PRELOAD=$lib FAILNTH=$n FAILNTH_REPORT=$report && eval "exec $op" 2>&1) || rc=$?
		read -r res _ <"$report" || fail "failnth: '$op' N=$n sent no request: $out"
		now=$(eval "$state")
		if [ "$res" = miss ]; then
			[ "$rc" = 0 ] || fail "failnth: '$op' failed with no failure injected (N=$n): $out"
			[ "$now" = "$after" ] || fail "failnth: '$op' N=$n: not the state of a success:
$(diff <(echo "$after") <(echo "$now"))"
			break
		fi
		if [ "$rc" != 0 ]; then
			why=$(grep -oE 'Cannot allocate memory|No buffer space available|Invalid argument' <<<"$out") ||
				fail "failnth: '$op' N=$n: not an allocation failure's errno: $out"
			if grep -q 'netlink receive error' <<<"$out"; then
				# Done, but its acknowledgement could not be allocated.
				[ "$now" = "$after" ] || fail "failnth: '$op' N=$n: acknowledgement lost, and not the state of a success:
$(diff <(echo "$after") <(echo "$now"))"
			else
				[ "$now" = "$before" ] || fail "failnth: '$op' N=$n failed ($out), and left something:
$(diff <(echo "$before") <(echo "$now"))"
				errnos[$why]=$((${errnos[$why]:-0} + 1))
				continue
			fi
		elif [ "$now" != "$after" ]; then
			fail "failnth: '$op' N=$n succeeded, but not fully:
$(diff <(echo "$after") <(echo "$now"))"
		fi
		ok=$((ok + 1))
		failnth_again
	done
	[ "$res" = miss ] || fail "failnth: '$op' still reached allocation $n"
	eval "$cleanup" || fail "failnth: cleanup failed: $cleanup"
	out=
	for why in "${!errnos[@]}"; do out+="${out:+, }${errnos[$why]} with $why"; done
	read -r now _ </proc/uptime
	pass "failnth: '$op': $count allocations; N=${tried[*]}: ${out:-none} failed cleanly, $ok succeeded, the last reached none ($(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.1f", b - a }') s)"
}
