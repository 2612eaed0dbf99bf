#!/bin/bash
# Ports coming and going, and their settings:
#   a port taken down: state disabled, its learned entries flushed (static
#   ones stay), traffic resumes when it is up again; carrier loss on the far
#   end does the same; br0 loses its carrier when no port forwards; a port
#   device deleted: the port and its entries are gone, the bridge goes on
#   working; nomaster: the same, the port's own (permanent) entry goes too;
#   br0's MTU follows the smallest port MTU;
#   br0's MAC: the lowest port MAC as ports come and go, all zeros with no
#   port, unless set by the user (ip link set address, or address at
#   creation), then it sticks;
#   `ip link set DEV type bridge_slave cost N priority N state N` as shown by
#   `bridge link show` and `ip -d link` (port_id), and what the states do to
#   forwarding and learning (STP off: blocking becomes forwarding at once).
. "$RVNET_TESTS/lib.sh"

br_switch sw 3
S="in_ns sw"
H1=02:00:00:00:0a:01 H2=02:00:00:00:0a:02 H3=02:00:00:00:0a:03
BC=ff:ff:ff:ff:ff:ff

learn_all() {
	local i
	for i in 1 2 3; do
		in_ns "h$i" test -e /sys/class/net/eth0 && send_frames "h$i" eth0 "02:00:00:00:0a:0$i" $BC
	done
	return 0
}
is_state() { [ "$(port_state sw "$1")" = "$2" ]; }
for i in 1 2 3; do is_state "swp$i" forwarding || fail "swp$i $(port_state sw "swp$i")"; done
$S bridge -j link show | jq -e '[.[] | select(.master == "br0" and .state == "forwarding" and .priority == 32 and .cost == 2)] | length == 3' >/dev/null ||
	fail "bridge link show: $($S bridge link show)"
in_ns h1 ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "no ping h1 -> h2"

# Admin down and up.
learn_all
$S bridge fdb add 02:00:00:00:99:01 dev swp1 master static
$S ip link set swp1 down
wait_for is_state swp1 disabled || fail "swp1 $(port_state sw swp1) after down"
[ "$(fdb_state sw br0 $H1)" = none ] || fail "h1's entry not flushed with swp1 down"
[ "$(fdb_port sw br0 $H2)" = swp2 ] || fail "h2's entry flushed with swp1 down"
[ "$(fdb_state sw br0 02:00:00:00:99:01)" = static ] || fail "static entry flushed with swp1 down"
[ "$(fdb_state sw br0 02:00:00:00:0b:01)" = permanent ] || fail "swp1's own entry flushed with swp1 down"
grep -q 'state disabled' <<<"$($S bridge link show dev swp1)" || fail "bridge link show: $($S bridge link show dev swp1)"
$S ip link set swp1 up
wait_for is_state swp1 forwarding || fail "swp1 $(port_state sw swp1) after up"
in_ns h1 ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "no ping h1 -> h2 with swp1 back up"
[ "$(fdb_port sw br0 $H1)" = swp1 ] || fail "h1's MAC not learned again"
$S bridge fdb del 02:00:00:00:99:01 dev swp1 master
pass "port down: disabled, learned entries flushed; up: forwarding, traffic resumes"

# Carrier loss on the far end.
learn_all
in_ns h2 ip link set eth0 down
wait_for is_state swp2 disabled || fail "swp2 $(port_state sw swp2) after carrier loss"
[ "$(fdb_state sw br0 $H2)" = none ] || fail "h2's entry not flushed with carrier loss"
[ "$(fdb_port sw br0 $H1)" = swp1 ] || fail "h1's entry flushed with swp2's carrier loss"
in_ns h2 ip link set eth0 up
host_neighbours h 3
wait_for is_state swp2 forwarding || fail "swp2 $(port_state sw swp2) after carrier back"
in_ns h1 ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "no ping h1 -> h2 after carrier came back"
pass "carrier loss: disabled, entries flushed; carrier back: forwarding"

# br0's carrier: off when no port forwards.
carrier() { [ "$($S cat /sys/class/net/br0/carrier)" = "$1" ]; }
for i in 1 2 3; do $S ip link set "swp$i" down; done
wait_for carrier 0 || fail "br0 has a carrier without a port"
[ "$($S ip -j link show br0 | jq -r '.[0].operstate')" = DOWN ] || fail "br0 operstate $($S ip -j link show br0 | jq -r '.[0].operstate')"
$S ip link set swp3 up
wait_for carrier 1 || fail "br0 has no carrier with swp3 forwarding"
for i in 1 2; do $S ip link set "swp$i" up; done
pass "br0's carrier follows its ports"

# MTU: the smallest port MTU, unless set by the user.
$S ip link set swp2 mtu 1400
[ "$($S cat /sys/class/net/br0/mtu)" = 1400 ] || fail "br0 MTU $($S cat /sys/class/net/br0/mtu), expected 1400"
$S ip link set swp2 mtu 1500
[ "$($S cat /sys/class/net/br0/mtu)" = 1500 ] || fail "br0 MTU $($S cat /sys/class/net/br0/mtu), expected 1500"
pass "br0's MTU follows the smallest port MTU"

# Port states set by hand (STP off). Even with STP off, enabling a port arms
# its forward delay timer, which moves a port set to listening on to
# learning and forwarding when it fires: make that an hour away, so that
# slow (debug) runs see the states they set.
$S ip link set br0 type bridge forward_delay 360000
$S ip link set swp3 down
$S ip link set swp3 up
wait_for is_state swp3 forwarding || fail "swp3 $(port_state sw swp3) after down/up"
$S ip link set swp3 type bridge_slave cost 100 priority 10
[ "$(slave_info sw swp3 cost)" = 100 ] || fail "swp3 cost $(slave_info sw swp3 cost)"
[ "$(slave_info sw swp3 priority)" = 10 ] || fail "swp3 priority $(slave_info sw swp3 priority)"
[ "$(slave_info sw swp3 id)" = 0x2803 ] || fail "swp3 port id $(slave_info sw swp3 id), expected 0x2803"
grep -q 'state forwarding priority 10 cost 100' <<<"$($S bridge link show dev swp3)" ||
	fail "bridge link show: $($S bridge link show dev swp3)"
wait_for in_ns h1 ping -c 1 -W 1 192.0.2.3 >/dev/null || fail "no ping h1 -> h3"
# With STP off, a port set to blocking is made forwarding again at once;
# listening, learning and disabled stay. (iproute2 6.1's `ip link ... type
# bridge_slave state 0` does not reach the kernel: `bridge link set` does.)
for st in 1:listening 2:learning 4:forwarding 3:forwarding; do
	$S ip link set swp3 type bridge_slave state "${st%%:*}"
	is_state swp3 "${st#*:}" || fail "swp3 $(port_state sw swp3) after state ${st%%:*}"
	grep -q "state ${st#*:} " <<<"$($S bridge link show dev swp3)" || fail "bridge link show: $($S bridge link show dev swp3)"
done
$S bridge link set dev swp3 state 0
is_state swp3 disabled || fail "swp3 $(port_state sw swp3) after bridge link set state 0"
$S ip link set br0 type bridge fdb_flush
expect_delivery "broadcast from h1, swp3 disabled" h 3 "0 1 0" send_frames h1 eth0 $H1 $BC
expect_delivery "broadcast from h3, swp3 disabled" h 3 "0 0 0" send_frames h3 eth0 $H3 $BC
[ "$(fdb_state sw br0 $H3)" = none ] || fail "learned on a disabled port"
$S ip link set swp3 type bridge_slave state 1
expect_delivery "broadcast from h1, swp3 listening" h 3 "0 1 0" send_frames h1 eth0 $H1 $BC
expect_delivery "broadcast from h3, swp3 listening" h 3 "0 0 0" send_frames h3 eth0 $H3 $BC
[ "$(fdb_state sw br0 $H3)" = none ] || fail "learned on a listening port"
$S ip link set swp3 type bridge_slave state 2
expect_delivery "broadcast from h1, swp3 learning" h 3 "0 1 0" send_frames h1 eth0 $H1 $BC
expect_delivery "broadcast from h3, swp3 learning" h 3 "0 0 0" send_frames h3 eth0 $H3 $BC
[ "$(fdb_port sw br0 $H3)" = swp3 ] || fail "not learned on a learning port"
$S ip link set swp3 type bridge_slave state 3
expect_delivery "broadcast from h1, swp3 forwarding" h 3 "0 1 1" send_frames h1 eth0 $H1 $BC
expect_delivery "unicast to h3, swp3 forwarding" h 3 "0 0 1" send_frames h2 eth0 $H2 $H3
pass "port cost, priority and states by hand"

# A port device deleted.
learn_all
in_ns h3 ip link del eth0
gone() { ! $S ip link show "$1" >/dev/null 2>&1; }
wait_for gone swp3 || fail "swp3 not deleted"
[ "$($S bridge -j link show | jq -r '[.[].ifname] | sort | join(" ")')" = "swp1 swp2" ] ||
	fail "bridge link show after swp3's deletion: $($S bridge link show)"
[ "$($S bridge fdb show br br0 | grep -c -e "$H3" -e 02:00:00:00:0b:03)" = 0 ] || fail "swp3's entries left: $($S bridge fdb show br br0)"
in_ns h1 ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "no ping h1 -> h2 after swp3's deletion"
pass "port device deleted: port and entries gone, bridge works"

# nomaster.
learn_all
$S ip link set swp2 nomaster
[ "$($S bridge -j link show | jq -r '[.[].ifname] | join(" ")')" = swp1 ] ||
	fail "bridge link show after nomaster: $($S bridge link show)"
[ "$($S bridge fdb show br br0 | grep -c -e "$H2" -e 02:00:00:00:0b:02)" = 0 ] || fail "swp2's entries left: $($S bridge fdb show br br0)"
[ "$($S ip -j link show swp2 | jq -r '.[0].master // "none"')" = none ] || fail "swp2 still has a master"
in_ns h1 ping -c 1 -W 1 192.0.2.2 >/dev/null 2>&1 && fail "ping h1 -> h2 works without swp2 in the bridge"
[ "$($S cat /sys/class/net/br0/address)" = 02:00:00:00:0b:01 ] || fail "br0's MAC changed"
$S ip link set swp2 master br0
wait_for is_state swp2 forwarding || fail "swp2 $(port_state sw swp2) after re-adding"
wait_for in_ns h1 ping -c 1 -W 1 192.0.2.2 >/dev/null || fail "no ping h1 -> h2 with swp2 back"
pass "nomaster: port and entries gone; back: works"

# br0's MAC.
mac() { $S cat "/sys/class/net/$1/address"; }
expect_mac() {
	[ "$(mac br1)" = "$1" ] || fail "$2: br1 MAC $(mac br1), expected $1"
	[ "$(br_info sw br1 bridge_id)" = "$3" ] || fail "$2: br1 bridge_id $(br_info sw br1 bridge_id), expected $3"
}
$S ip link add br1 type bridge
random=$(mac br1)
[ "$(br_info sw br1 bridge_id)" = 8000.0:0:0:0:0:0 ] || fail "empty bridge's id $(br_info sw br1 bridge_id)"
for m in 05 03 07; do
	$S ip link add "p$m" address "02:00:00:00:cc:$m" type veth peer name "q$m"
done
$S ip link set p05 master br1
expect_mac 02:00:00:00:cc:05 "first port" 8000.2:0:0:0:cc:5
$S ip link set p03 master br1
expect_mac 02:00:00:00:cc:03 "lower port" 8000.2:0:0:0:cc:3
$S ip link set p07 master br1
expect_mac 02:00:00:00:cc:03 "higher port" 8000.2:0:0:0:cc:3
$S ip link set p03 nomaster
expect_mac 02:00:00:00:cc:05 "lowest port removed" 8000.2:0:0:0:cc:5
$S ip link del p05
expect_mac 02:00:00:00:cc:07 "lowest port deleted" 8000.2:0:0:0:cc:7
$S ip link set p07 address 02:00:00:00:cc:01
expect_mac 02:00:00:00:cc:01 "port MAC changed" 8000.2:0:0:0:cc:1
$S ip link set p07 nomaster
expect_mac 00:00:00:00:00:00 "no port" 8000.0:0:0:0:0:0
[ "$random" != 00:00:00:00:00:00 ] || fail "new bridge without a random MAC"
$S ip link set p03 master br1
expect_mac 02:00:00:00:cc:03 "port added to the empty bridge" 8000.2:0:0:0:cc:3
$S ip link set br1 address 02:00:00:00:cc:aa
expect_mac 02:00:00:00:cc:aa "user-set" 8000.2:0:0:0:cc:aa
$S ip link set p07 master br1
expect_mac 02:00:00:00:cc:aa "user-set, lower port added" 8000.2:0:0:0:cc:aa
$S ip link set p03 nomaster
$S ip link set p07 nomaster
expect_mac 02:00:00:00:cc:aa "user-set, ports removed" 8000.2:0:0:0:cc:aa
$S ip link del br1
$S ip link add br1 address 02:00:00:00:dd:ff type bridge
$S ip link set p03 master br1
expect_mac 02:00:00:00:dd:ff "set at creation, port added" 8000.2:0:0:0:dd:ff
[ "$(fdb_state sw br1 02:00:00:00:dd:ff)" = permanent ] || fail "no permanent entry for br1's set address"
pass "bridge MAC: lowest port MAC, zero without ports, user-set sticks"

$S ip link del br1
$S ip link del br0
unload_module "$BRIDGE_MODULE"
