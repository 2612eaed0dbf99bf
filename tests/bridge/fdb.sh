#!/bin/bash
# The forwarding database and forwarding decisions, with frames sent by
# mausezahn from hosts h1..h3 (ports swp1..swp3) and counted on the hosts'
# eth0 (nothing else is sent, so the counts are exact):
#   learning on the ingress port; unknown unicast and broadcast flooded to
#   every port but the ingress one; known unicast to its port only; ageing
#   (ageing_time 3 s, 10 s on the debug kernel: still there at half of it,
#   gone after it and within twice it;
#   static entries stay); a learned MAC moving to another port; static
#   entries (`bridge fdb add ... master static`): forwarded to, moved by
#   traffic unless sticky, replaced and deleted; `bridge fdb del` of a learned entry;
#   fdb_flush (learned entries go, static and permanent ones stay) and the
#   port flag fdb_flush; the port flags learning, flood and bcast_flood off;
#   ageing_time 0 (nothing is learned).
. "$RVNET_TESTS/lib.sh"

br_switch sw 3
S="in_ns sw"
H1=02:00:00:00:0a:01 H2=02:00:00:00:0a:02 H3=02:00:00:00:0a:03
BC=ff:ff:ff:ff:ff:ff UNKNOWN=02:00:00:00:99:99

# Nothing learned yet: unknown unicast and broadcast are flooded.
[ "$(fdb_state sw br0 $H1)" = none ] || fail "h1's MAC known before it sent anything"
expect_delivery "unknown unicast from h1" h 3 "0 1 1" send_frames h1 eth0 $H1 $UNKNOWN
[ "$(fdb_port sw br0 $H1)" = swp1 ] || fail "h1's MAC learned on '$(fdb_port sw br0 $H1)', expected swp1"
[ "$(fdb_state sw br0 $H1)" = "" ] || fail "h1's entry state '$(fdb_state sw br0 $H1)', expected a learned one"
expect_delivery "broadcast from h2" h 3 "1 0 1" send_frames h2 eth0 $H2 $BC
expect_delivery "known unicast h2 -> h1" h 3 "1 0 0" send_frames h2 eth0 $H2 $H1
expect_delivery "known unicast h1 -> h2" h 3 "0 1 0" send_frames h1 eth0 $H1 $H2
expect_delivery "unicast to h3, not yet learned" h 3 "1 0 1" send_frames h2 eth0 $H2 $H3
pass "learning; unknown unicast and broadcast flooded, known unicast to one port"

# Ageing: an entry lives ageing_time after its last use; static entries do
# not age.
# 3 s; on the (much slower) debug kernel 10 s, so that sending and looking
# take well under half of it.
secs=3
[ -e /sys/kernel/debug/kmemleak ] && secs=10
$S ip link set br0 type bridge ageing_time $((secs * 100))
[ "$(br_info sw br0 ageing_time)" = $((secs * 100)) ] || fail "ageing_time $(br_info sw br0 ageing_time), expected $((secs * 100))"
M=02:00:00:00:aa:01
$S bridge fdb add $UNKNOWN dev swp3 master static
# The entry is learned between before and start: the first bounds how
# early it may go, the second when it must still be there.
before=$(cut -d' ' -f1 /proc/uptime)
send_frames h3 eth0 $M $BC
start=$(cut -d' ' -f1 /proc/uptime)
sleep "$(awk -v s=$secs 'BEGIN { print s / 2 }')"
port=$(fdb_port sw br0 $M)
[ -z "$port" ] || [ "$port" = swp3 ] || fail "learned entry on $port, not swp3"
if [ -z "$port" ]; then
	# On a VM short of CPU, mausezahn and the look-up can take seconds:
	# gone is wrong only if it went before ageing_time since `before`.
	gone=$(awk -v a="$before" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')
	awk -v g="$gone" -v s=$secs 'BEGIN { exit !(g < s) }' &&
		fail "entry gone $gone s after it was sent, with ageing_time $secs s"
	echo "note: looked $gone s after sending (a slow VM): gone in time"
fi
for _ in $(seq $((secs * 20))); do
	[ "$(fdb_state sw br0 $M)" = none ] && break
	sleep 0.1
done
age=$(awk -v a="$before" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')
[ "$(fdb_state sw br0 $M)" = none ] || fail "entry still there after $age s with ageing_time $secs s"
awk -v a="$age" -v s=$secs 'BEGIN { exit !(a >= s - 0.1) }' || fail "entry aged out after $age s, before ageing_time $secs s"
[ "$(fdb_state sw br0 $UNKNOWN)" = static ] || fail "static entry aged out"
$S bridge fdb del $UNKNOWN dev swp3 master
$S ip link set br0 type bridge ageing_time 30000
pass "learned entry aged out after $age s (ageing_time $secs s), static entry did not"

# A learned MAC seen on another port moves there.
for i in 1 2 3; do send_frames "h$i" eth0 "02:00:00:00:0a:0$i" $BC; done
expect_delivery "h1's MAC sent from h3" h 3 "0 1 0" send_frames h3 eth0 $H1 $H2
[ "$(fdb_port sw br0 $H1)" = swp3 ] || fail "h1's MAC did not move to swp3"
expect_delivery "unicast to the moved MAC" h 3 "0 0 1" send_frames h2 eth0 $H2 $H1
send_frames h1 eth0 $H1 $H2
[ "$(fdb_port sw br0 $H1)" = swp1 ] || fail "h1's MAC did not move back to swp1"
pass "a learned MAC moves with its traffic"

# Static entries.
$S bridge fdb add $UNKNOWN dev swp3 master static
[ "$(fdb_port sw br0 $UNKNOWN)" = swp3 ] || fail "static entry not on swp3"
[ "$(fdb_state sw br0 $UNKNOWN)" = static ] || fail "static entry state '$(fdb_state sw br0 $UNKNOWN)'"
expect_delivery "unicast to a static entry" h 3 "0 0 1" send_frames h1 eth0 $H1 $UNKNOWN
grep -qE "^$UNKNOWN dev swp3 master br0 static ?$" <<<"$($S bridge fdb show br br0)" ||
	fail "static entry shown as: $($S bridge fdb show br br0 | grep $UNKNOWN)"
# Traffic from the MAC on another port moves a static entry (it stays static).
send_frames h2 eth0 $UNKNOWN $H1
[ "$(fdb_port sw br0 $UNKNOWN)" = swp2 ] || fail "static entry did not move to swp2 with traffic"
[ "$(fdb_state sw br0 $UNKNOWN)" = static ] || fail "moved static entry is '$(fdb_state sw br0 $UNKNOWN)'"
expect_delivery "unicast to the moved static entry" h 3 "0 1 0" send_frames h1 eth0 $H1 $UNKNOWN
# replace puts it back; a sticky one does not move.
$S bridge fdb replace $UNKNOWN dev swp3 master static sticky
[ "$(fdb_port sw br0 $UNKNOWN)" = swp3 ] || fail "bridge fdb replace did not move the entry to swp3"
grep -qE "^$UNKNOWN dev swp3 sticky master br0 static ?$" <<<"$($S bridge fdb show br br0)" ||
	fail "sticky entry shown as: $($S bridge fdb show br br0 | grep $UNKNOWN)"
send_frames h2 eth0 $UNKNOWN $H1
[ "$(fdb_port sw br0 $UNKNOWN)" = swp3 ] || fail "sticky entry moved"
# A port's own (permanent) MAC does not move either.
send_frames h2 eth0 02:00:00:00:0b:03 $H1
[ "$(fdb_port sw br0 02:00:00:00:0b:03)" = swp3 ] || fail "swp3's own MAC moved"
$S bridge fdb del $UNKNOWN dev swp3 master
[ "$(fdb_state sw br0 $UNKNOWN)" = none ] || fail "static entry not deleted"
expect_delivery "unicast after the static entry's deletion" h 3 "0 1 1" send_frames h1 eth0 $H1 $UNKNOWN
pass "static entries: forwarded to, not aged, moved by traffic unless sticky, deleted"

# Deleting a learned entry floods again.
send_frames h3 eth0 $H3 $BC
[ "$(fdb_port sw br0 $H3)" = swp3 ] || fail "h3's MAC not learned"
$S bridge fdb del $H3 dev swp3 master
[ "$(fdb_state sw br0 $H3)" = none ] || fail "learned entry not deleted"
expect_delivery "unicast to a deleted entry" h 3 "0 1 1" send_frames h1 eth0 $H1 $H3
pass "bridge fdb del of a learned entry"

# fdb_flush removes the learned entries only; the port flag fdb_flush those of
# one port.
$S bridge fdb add $UNKNOWN dev swp2 master static
for i in 1 2 3; do send_frames "h$i" eth0 "02:00:00:00:0a:0$i" $BC; done
[ "$($S bridge fdb show br br0 | grep -c 'master br0 $')" = 3 ] || fail "not 3 learned entries"
$S ip link set swp2 type bridge_slave fdb_flush
[ "$(fdb_state sw br0 $H2)" = none ] || fail "swp2's learned entry survived its flush"
[ "$(fdb_port sw br0 $H1)" = swp1 ] || fail "swp1's learned entry did not survive swp2's flush"
[ "$(fdb_state sw br0 $UNKNOWN)" = static ] || fail "static entry did not survive swp2's flush"
$S ip link set br0 type bridge fdb_flush
[ "$($S bridge fdb show br br0 | grep -c 'master br0 $')" = 0 ] || fail "learned entries left after fdb_flush"
[ "$(fdb_state sw br0 $UNKNOWN)" = static ] || fail "static entry did not survive fdb_flush"
for i in 1 2 3; do
	[ "$(fdb_state sw br0 "02:00:00:00:0b:0$i")" = permanent ] || fail "swp$i's own entry did not survive fdb_flush"
done
$S bridge fdb del $UNKNOWN dev swp2 master
pass "fdb_flush and port flush"

# learning off: nothing learned on the port; on again: learned.
$S ip link set swp1 type bridge_slave learning off
[ "$(slave_info sw swp1 learning)" = false ] || fail "learning still on"
send_frames h1 eth0 $H1 $BC
[ "$(fdb_state sw br0 $H1)" = none ] || fail "learned on swp1 with learning off"
expect_delivery "unicast to h1 (not learned)" h 3 "1 0 1" send_frames h2 eth0 $H2 $H1
$S ip link set swp1 type bridge_slave learning on
send_frames h1 eth0 $H1 $BC
[ "$(fdb_port sw br0 $H1)" = swp1 ] || fail "not learned on swp1 with learning back on"
pass "learning off/on"

# flood off: no unknown unicast out of swp3, but known unicast and broadcast;
# bcast_flood off: no broadcast.
$S ip link set swp3 type bridge_slave flood off
[ "$(slave_info sw swp3 flood)" = false ] || fail "flood still on"
expect_delivery "unknown unicast, swp3 flood off" h 3 "0 1 0" send_frames h1 eth0 $H1 $UNKNOWN
expect_delivery "broadcast, swp3 flood off" h 3 "0 1 1" send_frames h1 eth0 $H1 $BC
send_frames h3 eth0 $H3 $BC
expect_delivery "known unicast to h3, swp3 flood off" h 3 "0 0 1" send_frames h1 eth0 $H1 $H3
$S ip link set swp3 type bridge_slave bcast_flood off
expect_delivery "broadcast, swp3 bcast_flood off" h 3 "0 1 0" send_frames h1 eth0 $H1 $BC
$S ip link set swp3 type bridge_slave flood on bcast_flood on
expect_delivery "unknown unicast, swp3 flood on" h 3 "0 1 1" send_frames h1 eth0 $H1 $UNKNOWN
pass "flood and bcast_flood off/on"

# ageing_time 0: nothing is learned (everything floods).
$S ip link set br0 type bridge ageing_time 0 fdb_flush
M=02:00:00:00:aa:02
send_frames h1 eth0 $M $BC
[ "$(fdb_state sw br0 $M)" = none ] || fail "learned with ageing_time 0"
expect_delivery "unicast with ageing_time 0" h 3 "1 0 1" send_frames h2 eth0 $H2 $M
pass "ageing_time 0: no learning"

# bridge fdb get, through the bridge and through a port.
$S bridge fdb add 02:00:00:00:99:02 dev swp2 master static
for via in "br br0" "dev swp2"; do
	# shellcheck disable=SC2086
	got=$($S bridge fdb get 02:00:00:00:99:02 $via)
	[ "$got" = "02:00:00:00:99:02 dev swp2 master br0 static" ] || fail "bridge fdb get ... $via: '$got'"
done
expect_fail "Fdb entry not found" $S bridge fdb get 02:00:00:00:99:03 br br0
pass "bridge fdb get"

$S ip link del br0
unload_module "$BRIDGE_MODULE"
