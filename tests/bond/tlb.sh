#!/bin/bash
# balance-tlb and balance-alb (miimon 100) over two veths into a bridge:
# ping works through the bond, and keeps working when the active slave
# (the one that receives) goes down. An ipvlan on the balance-tlb bond and
# a macvlan on the balance-alb one (bond_macvlan_ipvlan.sh's stacks, which
# tests/alias/selftests.sh runs but not on the debug kernel) reach the
# switch and are reached from it.
. "$RVNET_TESTS/lib.sh"

ns_pair host sw
bond_switch host sw 2
H="in_ns host"
S="in_ns sw"

has_active() { [ -n "$(bond_info host bond0 active_slave)" ]; }
for mode in balance-tlb balance-alb; do
	$H ip link add bond0 type bond mode "$mode" miimon 100
	$H ip link set a0 master bond0
	$H ip link set a1 master bond0
	$H ip addr add 192.0.2.1/24 dev bond0
	$H ip link set bond0 up
	wait_for has_active || fail "$mode: no active slave"
	$H ping -c 3 -W 2 192.0.2.2 >/dev/null || fail "$mode: no ping"
	# An upper on the bond (one per lower: ipvlan on tlb, macvlan on alb).
	case $mode in
	balance-tlb) upper="ipvlan mode l2" ;;
	balance-alb) upper="macvlan mode bridge" ;;
	esac
	ns_pair up
	$H ip link add link bond0 name up0 netns up type $upper
	in_ns up ip addr add 192.0.2.11/24 dev up0
	in_ns up ip link set up0 up
	in_ns up ping -c 3 -W 2 192.0.2.2 >/dev/null || fail "$mode: no ping from the ${upper% mode*}"
	$S ping -c 3 -W 2 192.0.2.11 >/dev/null || fail "$mode: no ping from the switch to the ${upper% mode*}"
	pass "$mode: the ${upper% mode*} on the bond pings and is pinged"
	act=$(bond_info host bond0 active_slave)
	$H ip link set "$act" down
	other=a$((1 - ${act#a}))
	active_is() { [ "$(bond_info host bond0 active_slave)" = "$other" ]; }
	wait_for active_is || fail "$mode: active slave $(bond_info host bond0 active_slave), expected $other"
	$H ping -c 3 -W 2 192.0.2.2 >/dev/null || fail "$mode: no ping after $act went down"
	pass "$mode: ping, and ping again after the active slave $act went down"
	$H ip link del bond0
	ip netns del up
done
unload_bond
unload_module "$ALIAS_MODULE"
[ "$ALIAS_MODULE" = rvnet_alias ] || unload_module ipvlan
