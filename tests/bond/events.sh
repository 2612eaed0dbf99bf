#!/bin/bash
# Events on and around a bond: a slave deleted while ping traffic flows is
# released cleanly; slave MTU and carrier changes; deleting the bond
# releases every slave (MACs, MTU and flags restored); unloading the module
# with bonds present, up and busy, in two namespaces, deletes them cleanly.
. "$RVNET_TESTS/lib.sh"

ns_pair host sw
bond_links host sw 3
H="in_ns host"
S="in_ns sw"
# A fixed MAC: a bridge takes its lowest port's, which goes with b0.
$S ip link add br0 address 02:00:00:00:0b:ff type bridge
for d in b0 b1 b2; do $S ip link set "$d" master br0 up; done
$S ip link set br0 up
$S ip addr add 192.0.2.2/24 dev br0
$H ip link add bond0 type bond mode active-backup miimon 100
for d in a0 a1 a2; do $H ip link set "$d" master bond0; done
$H ip addr add 192.0.2.1/24 dev bond0
$H ip link set bond0 up
$H ping -c 2 -W 2 192.0.2.2 >/dev/null || fail "no ping over the bond"
[ "$(bond_info host bond0 active_slave)" = a0 ] || fail "a0 not active"

# Deleting the active slave under a ping flood.
$H ping -f -w 3 192.0.2.2 >/dev/null 2>&1 &
flood=$!
sleep 1
$H ip link del a0
wait $flood || true
$H cat /proc/net/bonding/bond0 | grep -q "Interface: a0" && fail "a0 still in /proc/net/bonding/bond0"
[ "$($H ip -o link show master bond0 | wc -l)" = 2 ] || fail "bond0 slaves: $($H ip -o link show master bond0)"
active=$(bond_info host bond0 active_slave)
[ "$active" = a1 ] || [ "$active" = a2 ] || fail "active slave $active after deleting a0"
$H ping -c 2 -W 2 192.0.2.2 >/dev/null || fail "no ping after deleting a0"
pass "active slave deleted under traffic: released, $active took over"

# Slave MTU: a slave's own change does not touch the bond.
$H ip link set a2 mtu 1400
[ "$($H cat /sys/class/net/bond0/mtu)" = 1500 ] || fail "bond0 MTU followed a slave"
$H ip link set a2 mtu 1500
# Bond MTU goes to every slave.
$H ip link set bond0 mtu 1300
for d in a1 a2; do [ "$($H cat /sys/class/net/$d/mtu)" = 1300 ] || fail "$d MTU not 1300"; done
pass "MTU events"

# Carrier: the far end of the backup slave going down.
backup=a1
[ "$active" = a1 ] && backup=a2
mii() { [ "$(slave_info host "$1" mii_status)" = "$2" ]; }
$S ip link set "b${backup#a}" down
wait_for mii "$backup" DOWN || fail "$backup mii_status $(slave_info host "$backup" mii_status) without carrier"
[ "$(bond_info host bond0 active_slave)" = "$active" ] || fail "active slave moved on a backup's carrier loss"
$S ip link set "b${backup#a}" up
wait_for mii "$backup" UP || fail "$backup mii_status $(slave_info host "$backup" mii_status) with carrier back"
# The last slaves' carrier going away takes the bond's.
$S ip link set b1 down
$S ip link set b2 down
nocarrier() { [ "$($H cat /sys/class/net/bond0/carrier)" = 0 ]; }
wait_for nocarrier || fail "bond0 keeps carrier with no slave up"
[ "$(proc_bond host bond0 "Currently Active Slave")" = None ] || fail "active slave with all slaves down"
$S ip link set b1 up
$S ip link set b2 up
carrier() { [ "$($H cat /sys/class/net/bond0/carrier)" = 1 ]; }
wait_for carrier || fail "bond0 carrier did not come back"
pass "carrier events"

# Deleting the bond releases the slaves: MAC, MTU, flags restored.
$H ip link del bond0
for d in a1 a2; do
	[ "$($H cat /sys/class/net/$d/address)" = "02:00:00:00:0a:0${d#a}" ] || fail "$d MAC not restored"
	[ "$($H cat /sys/class/net/$d/mtu)" = 1500 ] || fail "$d MTU not restored"
	flags=$($H ip -j link show "$d" | jq -r '.[0].flags | join(",")')
	grep -qw SLAVE <<<"$flags" && fail "$d still flagged SLAVE: $flags"
	$H ip -j link show "$d" | jq -e '.[0].master' >/dev/null && fail "$d still has a master"
done
pass "deleting the bond restores its slaves"

# Unloading the module with bonds present, up and busy, in two namespaces.
$H ip link add bond1 type bond mode balance-rr
$H ip link set a1 master bond1
$H ip link set a2 master bond1
$H ip addr add 192.0.2.1/24 dev bond1
$H ip link set bond1 up
$S ip link add bond2 type bond mode active-backup miimon 100
$S ip link set bond2 up
ip link add r0 type veth peer name r1
ip link add rbond type bond mode 802.3ad
ip link set r0 master rbond
ip link set rbond up
$H ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "no ping over bond1"
$H ping -f -w 3 192.0.2.2 >/dev/null 2>&1 &
flood=$!
sleep 1
modprobe -r "$BOND_MODULE" || fail "modprobe -r with bonds present"
wait $flood || true
grep -q "^$BOND_MODULE " /proc/modules && fail "$BOND_MODULE still loaded"
[ -z "$(ip -o link show type bond)" ] || fail "bonds left in the root namespace"
[ -z "$($H ip -o link show type bond)" ] || fail "bonds left in namespace host"
[ -z "$($S ip -o link show type bond)" ] || fail "bonds left in namespace sw"
[ ! -e /proc/net/bonding ] || fail "/proc/net/bonding left behind"
$H ip link show a1 >/dev/null || fail "slave a1 went away too"
[ "$($H cat /sys/class/net/a1/address)" = 02:00:00:00:0a:01 ] || fail "a1 MAC not restored on unload"
ip link show r0 >/dev/null || fail "slave r0 went away too"
pass "unloading with bonds present deletes them"
ip link del r0
unload_bond
