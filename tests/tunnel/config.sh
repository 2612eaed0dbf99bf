#!/bin/bash
# ipip's control plane, as ipip.ko's: what `ip link` and `ip tunnel` accept
# and refuse (errno for errno), the fallback device's rules, MTU limits by
# creation path, namespaces (fallback devices per namespace and
# net.core.fb_tunnels_only_for_init_net, a tunnel moved away from its
# underlay's namespace and deleted with it), and removal of the module with
# tunnels alive in several namespaces.
. "$RVNET_TESTS/lib.sh"

tunnel_underlay
L="in_ns left"
R="in_ns right"

$L ip link add t1 type ipip local 10.0.0.1 remote 10.0.0.2
expect_fail "File exists" $L ip link add t2 type ipip local 10.0.0.1 remote 10.0.0.2
# All-zero parameters are tunl0's.
expect_fail "File exists" $L ip link add t2 type ipip
expect_fail "Invalid argument" $L ip link add t2 type ipip remote 10.0.0.9 encap fou encap-sport auto encap-dport 5555
expect_fail "Invalid argument" $L ip link add t2 type ipip remote 10.0.0.9 encap gue encap-dport 5555
$L ip link add e1 type ipip external
expect_fail "File exists" $L ip link add e2 type ipip external
expect_fail "Invalid argument" $L ip link set t1 type ipip external
expect_fail "Invalid argument" $L ip link set t1 type ipip local 10.0.0.1 remote any
expect_fail "Invalid argument" $L ip link set e1 type ipip remote 10.0.0.7
expect_fail "Invalid argument" $L ip link set tunl0 type ipip ttl 3 pmtudisc
$L ip link add t2 type ipip local 10.0.0.1 remote 10.0.0.3
expect_fail "File exists" $L ip link set t2 type ipip local 10.0.0.1 remote 10.0.0.2
$L ip link set t2 type ipip local 10.0.0.1 remote 10.0.0.4 ttl 9 tos 0x20 fwmark 7
$L ip -d link show t2 | grep -q "ipip any remote 10.0.0.4 local 10.0.0.1 ttl 9 tos 0x20 pmtudisc fwmark 0x7" ||
	fail "t2 after change: $($L ip -d link show t2)"
pass "ip link: duplicates, encapsulations, collect_md and NBMA switches refused as ipip.ko"

$L ip link del tunl0
$L ip link show tunl0 >/dev/null || fail "ip link del tunl0 deleted it"
ip netns add other
expect_fail "The interface netns is immutable" $L ip link set tunl0 netns other
pass "tunl0 cannot be deleted or moved"

expect_fail "Invalid argument" $L ip link set t1 mtu 65516
expect_fail "Invalid argument" $L ip link set t1 mtu 67
$L ip link set t1 mtu 65515
$L ip link add t3 mtu 9000 type ipip remote 10.0.0.5
$L ip link add t4 mtu 65535 type ipip remote 10.0.0.6
$L ip link add m1 type ipip mode mplsip remote 10.0.0.8
for d in t1 t3 t4 m1; do
	echo "$d: $($L ip -d -j link show $d | jq -c '.[0] | [.mtu, .min_mtu, .max_mtu, .linkinfo.info_data.proto]')"
done
[ "$($L ip -j link show t3 | jq '.[0].mtu')" = 9000 ] || fail "t3's MTU"
[ "$($L ip -j link show t4 | jq '.[0].mtu')" = 65515 ] || fail "t4's MTU not clamped"
# mplsip sends only MPLS: IPv4 through it is a transmit error.
$L ip addr add 192.168.8.1/30 dev m1
$L ip link set m1 up
$L ping -c 1 -W 1 192.168.8.2 >/dev/null 2>&1 || true
expect_counter left m1 tx_errors 1
pass "MTU limits of netlink tunnels (clamped at creation, 68..65515 after); mplsip drops IPv4"

# ip tunnel: the SIOC*TUNNEL ioctls on tunl0 and on the tunnels.
$L ip tunnel add tun1 mode ipip local 10.0.0.1 remote 10.0.0.9 ttl 5 tos 0x10
expect_fail "File exists" $L ip tunnel add tun2 mode ipip local 10.0.0.1 remote 10.0.0.9
expect_fail "File exists" $L ip tunnel change tun1 mode ipip local 10.0.0.1 remote 10.0.0.2
expect_fail "Invalid argument" $L ip tunnel change tun1 mode ipip remote any
# DEL on tunl0 deletes the newest tunnel with its parameters (all zero):
# the collect_md one; then only tunl0 has them.
$L ip tunnel del tunl0
$L ip link show e1 2>/dev/null && fail "ip tunnel del tunl0 did not delete e1"
expect_fail "Operation not permitted" $L ip tunnel del tunl0
expect_fail "No such file or directory" $L ip tunnel change tunl0 mode ipip remote 10.0.0.77
$L ip tunnel change tun1 mode ipip local 10.0.0.1 remote 10.0.0.10 ttl inherit
$L ip tunnel add tun2 mode ipip remote 10.0.0.11 dev a0
# What ipip.ko shows (SIOCGETTUNNEL of each), checked whole.
# (rvnet_tunnel brings gre0 and sit0 along; ipip.ko does not.)
shown=$(tunnels_shown left gre0 sit0)
echo "$shown"
[ "$(md5sum <<<"$shown")" = "4956675964237fdd6e8267484cac8575  -" ] || fail "ip tunnel show differs from ipip.ko's"
echo "tun1: $($L ip -d -j link show tun1 | jq -c '.[0] | [.mtu, .min_mtu, .max_mtu, .link]')"
[ "$($L ip -d -j link show tun1 | jq -c '.[0] | [.min_mtu, .max_mtu]')" = "[68,65515]" ] || fail "tun1's MTU range"
$L ip tunnel del tun2
$L ip link show tun2 2>/dev/null && fail "tun2 not deleted"
# Without a name: after the kind; a taken name: EEXIST; renamed tunnels
# keep reporting the name they were registered with (parms.name).
$L ip tunnel add mode ipip remote 10.0.0.12
$L ip link show ipip0 >/dev/null || fail "no ipip0"
expect_fail "File exists" $L ip tunnel add tunl0 mode ipip remote 10.0.0.13
$L ip link set tun1 name tun1new
[ "$($L ip tunnel show | grep -c '^tun1:')" = 1 ] || fail "a renamed tunnel's ioctl name: $($L ip tunnel show)"
pass "ip tunnel add/change/del/show as ipip.ko"

# Namespaces: each gets tunl0, unless net.core.fb_tunnels_only_for_init_net.
ip -n other link show tunl0 >/dev/null || fail "no tunl0 in a new namespace"
sysctl -qw net.core.fb_tunnels_only_for_init_net=1
ip netns add nofb
ip -n nofb link show tunl0 2>/dev/null && fail "tunl0 in a namespace with fb_tunnels_only_for_init_net=1"
expect_fail "No such device" in_ns nofb ip tunnel add x1 mode ipip remote 10.0.0.9
in_ns nofb ip link add x1 type ipip remote 10.0.0.9
sysctl -qw net.core.fb_tunnels_only_for_init_net=0
pass "fallback devices per namespace, as fb_tunnels_only_for_init_net says"

# A tunnel moved away from its underlay keeps using it, shows link-netns,
# and goes when the underlay's namespace goes.
ip netns add inner
$R ip link add t1 type ipip local 10.0.0.2 remote 10.0.0.1
$R ip addr add 192.168.1.2/30 dev t1
$R ip link set t1 up
$L ip link set t1 netns inner
in_ns inner ip addr add 192.168.1.1/30 dev t1
in_ns inner ip link set t1 up
in_ns inner ip -d link show t1 | grep -q "link-netns left" || fail "no link-netns: $(in_ns inner ip -d link show t1)"
in_ns inner ping -c 2 -W 2 -i 0.2 192.168.1.2 >/dev/null || fail "no ping through a tunnel in another namespace"
expect_counter inner t1 rx_packets 2
ip netns del left
wait_for bash -c '! ip -n inner link show t1 >/dev/null 2>&1' || fail "t1 outlived its link namespace"
pass "link-netns: the underlay's namespace, deleted with it"

# The module goes with tunnels alive in several namespaces.
ip -n other link add o1 type ipip remote 10.9.9.9
ip -n other link set o1 up
ip -n other link set tunl0 up
modprobe -r "$IPIP_MODULE" || fail "$IPIP_MODULE did not unload with tunnels alive"
for ns in right other nofb inner; do
	left=$(ip -n $ns -j link show | jq -r '.[] | select(.link_type == "ipip") | .ifname')
	[ -z "$left" ] || fail "ipip devices left in $ns: $left"
done
pass "module removed with tunnels in several namespaces"
no_ip_tunnel_module
unload_module "$IPIP_MODULE"
