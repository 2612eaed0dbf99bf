#!/bin/bash
# Events on the lower device reach its VLANs as with 8021q: up/down (but not
# with loose_binding), carrier, MTU, address; and a lower deleted while its
# VLAN is up and busy takes the VLAN with it.
. "$RVNET_TESTS/lib.sh"

veth_pair left right
L="in_ns left"
$L ip link add link a0 name v1 type vlan id 1
$L ip link add link a0 name v2 type vlan id 2 loose_binding on
$L ip link set v1 up
$L ip link set v2 up
$L ip -d link show v2 | grep -q "LOOSE_BINDING" || fail "loose_binding not shown"

state() { $L cat "/sys/class/net/$1/operstate"; }
flags_up() { $L ip -o link show "$1" | grep -q "[<,]UP[,>]"; }

flags_down() { ! flags_up "$1"; }
$L ip link set a0 down
wait_for flags_down v1 || fail "v1 still up with its lower down"
flags_up v2 || fail "loose v2 went down with its lower"
$L ip link set a0 up
wait_for flags_up v1 || fail "v1 did not come back up with its lower"
pass "up/down follow the lower (loose_binding excepted)"

# Carrier: the peer going down takes the carrier away.
is_state() { [ "$(state "$1")" = "$2" ]; }
in_ns right ip link set b0 down
wait_for is_state v1 lowerlayerdown || fail "v1 operstate $(state v1) without carrier"
in_ns right ip link set b0 up
wait_for is_state v1 up || fail "v1 operstate $(state v1) after carrier back"
pass "carrier follows the lower"

# MTU: defaults to the lower's, is capped by it, follows it down.
[ "$($L cat /sys/class/net/v1/mtu)" = 1500 ] || fail "default MTU"
expect_fail "" $L ip link set v1 mtu 1600
$L ip link set v1 mtu 1400
$L ip link set a0 mtu 1300
mtu_is() { [ "$($L cat "/sys/class/net/$1/mtu")" = "$2" ]; }
wait_for mtu_is v1 1300 || fail "MTU did not follow the lower down"
$L ip link set a0 mtu 1500
[ "$($L cat /sys/class/net/v1/mtu)" = 1300 ] || fail "MTU must not follow the lower up"
pass "MTU defaults to, is capped by and follows the lower"

# Address: a VLAN that took the lower's address follows it; one with its
# own address keeps it.
$L ip link set v2 address 02:00:00:00:00:22
$L ip link set a0 address 02:00:00:00:00:aa
address_is() { [ "$($L cat "/sys/class/net/$1/address")" = "$2" ]; }
wait_for address_is v1 02:00:00:00:00:aa || fail "v1 did not follow the lower's address"
[ "$($L cat /sys/class/net/v2/address)" = 02:00:00:00:00:22 ] || fail "v2 lost its own address"
pass "address follows the lower unless set"

# Deleting the lower while the VLAN is up and busy removes the VLAN.
$L ip addr add 192.0.2.1/24 dev v1
in_ns right ip link add link b0 name w1 type vlan id 1
in_ns right ip addr add 192.0.2.2/24 dev w1
in_ns right ip link set w1 up
$L ping -c 2 -W 2 192.0.2.2 >/dev/null || fail "no ping before deleting the lower"
$L ping -f -w 3 192.0.2.2 >/dev/null 2>&1 &
flood=$!
sleep 1
$L ip link del a0
wait $flood || true
$L ip link show v1 2>/dev/null && fail "v1 survived its lower"
$L ip link show v2 2>/dev/null && fail "v2 survived its lower"
pass "deleting the lower removes its VLANs"

unload_vlan
