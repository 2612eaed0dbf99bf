#!/bin/bash
# ARP monitoring (arp_interval 100, arp_ip_target, no miimon): slaves come
# up only once replies from the target arrive; in active-backup the
# active slave fails over when the target stops answering on its link,
# with and without arp_validate; in balance-rr both slaves stay up while
# the target answers and a slave whose far end goes silent goes down.
. "$RVNET_TESTS/lib.sh"

ns_pair host sw
bond_switch host sw 2
H="in_ns host"
S="in_ns sw"

is_up() { [ "$(slave_info host "$1" mii_status)" = UP ]; }
is_down() { [ "$(slave_info host "$1" mii_status)" = DOWN ]; }
active_is() { [ "$(bond_info host bond0 active_slave)" = "$1" ]; }

for validate in none all; do
	$H ip link add bond0 type bond mode active-backup arp_interval 100 \
		arp_ip_target 192.0.2.2 arp_validate "$validate"
	$H ip link set a0 master bond0
	$H ip link set a1 master bond0
	$H ip addr add 192.0.2.1/24 dev bond0
	$H ip link set bond0 up
	has_active() { [ -n "$(bond_info host bond0 active_slave)" ]; }
	wait_for has_active || fail "arp_validate $validate: no active slave"
	[ "$(bond_info host bond0 arp_interval)" = 100 ] || fail "arp_interval not shown"
	$H ping -c 2 -W 2 192.0.2.2 >/dev/null || fail "arp_validate $validate: no ping"
	# The target goes silent on the active slave's link: it fails, the
	# other slave takes over.
	act=$(bond_info host bond0 active_slave)
	other=a$((1 - ${act#a}))
	$S ip link set "b${act#a}" down
	wait_for active_is "$other" || fail "arp_validate $validate: no failover, active $(bond_info host bond0 active_slave)"
	wait_for is_down "$act" || fail "arp_validate $validate: $act $(slave_info host "$act" mii_status)"
	[ "$(slave_info host "$act" link_failure_count)" -ge 1 ] || fail "link failure not counted"
	$H ping -c 2 -W 2 192.0.2.2 >/dev/null || fail "arp_validate $validate: no ping after failover"
	$S ip link set "b${act#a}" up
	wait_for is_up "$act" || fail "arp_validate $validate: $act did not come back"
	pass "active-backup, arp_validate $validate: failover from $act when the target goes silent, $act back"
	$H ip link del bond0
done

$H ip link add bond0 type bond mode balance-rr arp_interval 100 arp_ip_target 192.0.2.2
$H ip link set a0 master bond0
$H ip link set a1 master bond0
$H ip addr add 192.0.2.1/24 dev bond0
$H ip link set bond0 up
wait_for is_up a0 && wait_for is_up a1 || fail "balance-rr: slaves $(slave_info host a0 mii_status) $(slave_info host a1 mii_status)"
$S ip link set b1 down
wait_for is_down a1 || fail "balance-rr: a1 $(slave_info host a1 mii_status) with its far end down"
is_up a0 || fail "balance-rr: a0 went down too"
pass "balance-rr: slaves up while the target answers, a silent one goes down"
$H ip link del bond0
unload_bond
