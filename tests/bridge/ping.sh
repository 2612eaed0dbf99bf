#!/bin/bash
# Three hosts (namespaces h1..h3) on bridge br0 (namespace sw, with an
# address of its own): every host pings every other host and br0, and br0
# pings them; then the FDB holds each host's MAC, learned, on the host's port,
# next to the ports' own (permanent) MACs, and `bridge fdb show br br0` is,
# line for line (sorted), what bridge.ko shows: learned and permanent
# entries with "master br0", plus the "self" entries of the devices' own
# address lists. br0's also include 224.0.0.106/ff02::6a with bridge.ko,
# whose multicast snooping joins them; rvnet_bridge has no snooping, so
# those two are left out of the comparison.
. "$RVNET_TESTS/lib.sh"

br_switch sw 3
S="in_ns sw"
$S ip addr add 192.0.2.254/24 dev br0
[ "$($S cat /sys/class/net/br0/address)" = 02:00:00:00:0b:01 ] ||
	fail "br0 MAC $($S cat /sys/class/net/br0/address), not the lowest port MAC"
for i in 1 2 3; do
	for dst in 1 2 3 254; do
		[ "$dst" = "$i" ] && continue
		in_ns "h$i" ping -c 2 -i 0.2 -W 2 "192.0.2.$dst" >/dev/null || fail "no ping from h$i to 192.0.2.$dst"
	done
	$S ping -c 1 -W 2 "192.0.2.$i" >/dev/null || fail "no ping from br0 to h$i"
done
pass "h1, h2, h3 and br0 ping each other"

for i in 1 2 3; do
	port=$(fdb_port sw br0 "02:00:00:00:0a:0$i")
	[ "$port" = "swp$i" ] || fail "h$i's MAC on '$port', expected swp$i"
	[ "$(fdb_state sw br0 "02:00:00:00:0a:0$i")" = "" ] || fail "h$i's MAC not a learned entry"
	[ "$(fdb_port sw br0 "02:00:00:00:0b:0$i")" = "swp$i" ] || fail "swp$i's own MAC not on swp$i"
	[ "$(fdb_state sw br0 "02:00:00:00:0b:0$i")" = permanent ] || fail "swp$i's own MAC not permanent"
done
pass "each host's MAC learned on its port; ports' own MACs permanent"

expected="01:00:5e:00:00:01 dev br0 self permanent
01:00:5e:00:00:01 dev swp1 self permanent
01:00:5e:00:00:01 dev swp2 self permanent
01:00:5e:00:00:01 dev swp3 self permanent
02:00:00:00:0a:01 dev swp1 master br0 
02:00:00:00:0a:02 dev swp2 master br0 
02:00:00:00:0a:03 dev swp3 master br0 
02:00:00:00:0b:01 dev swp1 master br0 permanent
02:00:00:00:0b:02 dev swp2 master br0 permanent
02:00:00:00:0b:03 dev swp3 master br0 permanent
33:33:00:00:00:01 dev br0 self permanent
33:33:00:00:00:01 dev swp1 self permanent
33:33:00:00:00:01 dev swp2 self permanent
33:33:00:00:00:01 dev swp3 self permanent"
got=$($S bridge fdb show br br0 | grep -Ev '^(01:00:5e:00:00|33:33:00:00:00):6a dev br0 self' | LC_ALL=C sort)
if [ "$got" != "$expected" ]; then
	diff -u <(echo "$expected") <(echo "$got") || true
	fail "bridge fdb show br br0 differs from bridge.ko's"
fi
# Per port, and the JSON form.
[ "$($S bridge fdb show br br0 brport swp2 | grep -c 'master br0')" = 2 ] || fail "brport swp2 filter"
n=$($S bridge -j fdb show br br0 | jq '[.[] | select(.master == "br0")] | length')
[ "$n" = 6 ] || fail "$n entries with master br0 in bridge -j fdb show, expected 6"
pass "bridge fdb show br br0 as bridge.ko shows it"

# A user-set address on br0 gets a permanent entry pointing at br0 itself.
$S ip link set br0 address 02:00:00:00:0b:ff
[ "$(fdb_port sw br0 02:00:00:00:0b:ff)" = br0 ] || fail "no FDB entry for br0's own address"
[ "$(fdb_state sw br0 02:00:00:00:0b:ff)" = permanent ] || fail "br0's own address not permanent"
in_ns h1 ping -c 1 -W 2 192.0.2.254 >/dev/null || fail "no ping to br0 after its MAC changed"
pass "br0's user-set address: permanent entry on br0, ping works"

$S ip link del br0
unload_module "$BRIDGE_MODULE"
