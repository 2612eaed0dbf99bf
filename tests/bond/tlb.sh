#!/bin/bash
# balance-tlb and balance-alb (miimon 100) over two veths into a bridge:
# ping works through the bond, and keeps working when the active slave
# (the one that receives) goes down.
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
	act=$(bond_info host bond0 active_slave)
	$H ip link set "$act" down
	other=a$((1 - ${act#a}))
	active_is() { [ "$(bond_info host bond0 active_slave)" = "$other" ]; }
	wait_for active_is || fail "$mode: active slave $(bond_info host bond0 active_slave), expected $other"
	$H ping -c 3 -W 2 192.0.2.2 >/dev/null || fail "$mode: no ping after $act went down"
	pass "$mode: ping, and ping again after the active slave $act went down"
	$H ip link del bond0
done
unload_bond
