#!/bin/bash
# active-backup (miimon 100) over two veths into a bridge in namespace sw:
# ping works; taking the active slave down (admin down, then carrier loss
# from the far end) moves active_slave to the other slave, as shown by
# `ip -d -j link` and /proc/net/bonding; pings lost over each failover are
# counted and printed (bounded: fewer than 30 of 100).
. "$RVNET_TESTS/lib.sh"

ns_pair host sw
bond_switch host sw 2
H="in_ns host"
S="in_ns sw"
$H ip link add bond0 type bond mode active-backup miimon 100
$H ip link set a0 master bond0
$H ip link set a1 master bond0
$H ip addr add 192.0.2.1/24 dev bond0
$H ip link set bond0 up

active_is() {
	[ "$(bond_info host bond0 active_slave)" = "$1" ] &&
		[ "$(proc_bond host bond0 "Currently Active Slave")" = "$1" ]
}
wait_for active_is a0 || fail "active slave $(bond_info host bond0 active_slave), expected a0"
[ "$(slave_info host a0 state)" = ACTIVE ] || fail "a0 state $(slave_info host a0 state)"
[ "$(slave_info host a1 state)" = BACKUP ] || fail "a1 state $(slave_info host a1 state)"
$H ping -c 3 -W 2 192.0.2.2 >/dev/null || fail "no ping over the bond"
pass "active-backup: a0 active, a1 backup, ping works"

# failover NAME ACTION EXPECTED: pings every 0.1 s while ACTION (a command)
# runs after 2 s; active_slave must become EXPECTED. Prints pings lost.
failover() {
	local name=$1 action=$2 expected=$3 out sent got lost
	$H ping -i 0.1 -c 100 -W 1 192.0.2.2 >/tmp/ping.txt 2>&1 &
	local p=$!
	sleep 2
	eval "$action"
	wait $p || true
	wait_for active_is "$expected" ||
		fail "$name: active slave $(bond_info host bond0 active_slave), expected $expected"
	out=$(grep 'packets transmitted' /tmp/ping.txt) || fail "$name: no ping summary: $(cat /tmp/ping.txt)"
	sent=$(sed -E 's/^([0-9]+) packets transmitted.*/\1/' <<<"$out")
	got=$(sed -E 's/.* ([0-9]+) received.*/\1/' <<<"$out")
	lost=$((sent - got))
	echo "failover $name: $lost of $sent pings lost"
	[ "$sent" = 100 ] || fail "$name: $sent pings sent"
	[ "$lost" -lt 30 ] || fail "$name: $lost of 100 pings lost"
	pass "failover on $name: active slave now $expected, $lost of 100 pings lost"
}

failover "a0 admin down" "$H ip link set a0 down" a1
[ "$(slave_info host a0 mii_status)" = DOWN ] || fail "a0 mii_status $(slave_info host a0 mii_status)"
$H ip link set a0 up
is_up() { [ "$(slave_info host "$1" mii_status)" = UP ]; }
wait_for is_up a0 || fail "a0 did not come back up"
# No primary: the active slave stays a1.
sleep 0.5
active_is a1 || fail "active slave moved back without a primary"
[ "$(slave_info host a0 state)" = BACKUP ] || fail "a0 state $(slave_info host a0 state)"

failover "carrier loss on a1 (b1 down)" "$S ip link set b1 down" a0
[ "$(slave_info host a1 mii_status)" = DOWN ] || fail "a1 mii_status $(slave_info host a1 mii_status)"
$H cat /proc/net/bonding/bond0
fc=$($H cat /proc/net/bonding/bond0 | awk '/^Slave Interface: a1/ {s = 1} s && /^Link Failure Count:/ {print $4; exit}')
[ "$fc" = 1 ] || fail "a1 link failure count $fc"
$S ip link set b1 up
wait_for is_up a1 || fail "a1 did not come back up"
pass "link failure counted, slave back up"

$H ip link del bond0
unload_bond
