#!/bin/bash
# Bad input is refused as bonding.ko refuses it: the same errno (its text
# when there is no extack) or the same extack message. Messages that come
# from iproute2 itself (it checks names and some ranges before asking the
# kernel) are checked too, so that nothing changes for users.
. "$RVNET_TESTS/lib.sh"

ns_pair left right
bond_links left right 3
L="in_ns left"
$L ip link add bond0 type bond mode active-backup miimon 100
$L ip link add bond1 type bond mode balance-rr

# Enslaving.
expect_fail "Error: Cannot enslave bond to itself." $L ip link set bond0 master bond0
$L ip link set a0 master bond0
$L ip link set dev bond0 up
expect_fail "Error: Device can not be enslaved while up." $L ip link set lo master bond0
$L ip link set a1 up
expect_fail "Error: Device can not be enslaved while up." $L ip link set a1 master bond0
$L ip link set a1 down
$L ip link set lo down
expect_fail "Error: Device type is different from other slaves." $L ip link set lo master bond0
$L ip link set lo up
# A device whose rx_handler is taken (a macvlan's lower) cannot be a slave.
$L ip link add link a2 name mv0 type macvlan
expect_fail "Error: Device is in use and cannot be enslaved." $L ip link set a2 master bond0
$L ip link del mv0
# A slave of another bond is moved (released, then enslaved).
$L ip link set a0 master bond1
[ "$(slave_info left a0 state)" = ACTIVE ] || fail "a0 not moved to bond1"
$L ip link show master bond0 | grep -q a0 && fail "a0 still in bond0"
$L ip link set a0 master bond0
# Loops: bond1 under bond0, then bond0 under bond1; a VLAN on bond0 in bond0.
$L ip link set a1 master bond1
$L ip link set bond0 down
$L ip link set bond1 master bond0
expect_fail "Device or resource busy" $L ip link set bond0 master bond1
$L ip link set bond1 nomaster
$L ip link set bond0 up
$L ip link add link bond0 name bond0.5 type vlan id 5
$L ip link set bond0.5 down
expect_fail "Device or resource busy" $L ip link set bond0.5 master bond0
$L ip link del bond0.5
# Non-Ethernet devices: not in 802.3ad, not next to Ethernet slaves.
$L ip link add tun0 type ipip local 192.0.2.1 remote 192.0.2.9
$L ip link add bond2 type bond mode 802.3ad
expect_fail "Error: 8023AD mode requires Ethernet devices." $L ip link set tun0 master bond2
expect_fail "Error: Device type is different from other slaves." $L ip link set tun0 master bond0
$L ip link del tun0
pass "bad enslavements refused"

# Names iproute2 does not know.
expect_fail 'Error: argument "nosuch" is wrong: invalid mode' $L ip link add bad type bond mode nosuch
expect_fail 'Error: argument "7" is wrong: invalid mode' $L ip link add bad type bond mode 7
expect_fail 'Error: argument "nosuch" is wrong: invalid xmit_hash_policy' \
	$L ip link add bad type bond xmit_hash_policy nosuch
expect_fail 'Error: argument "-1" is wrong: invalid miimon' $L ip link add bad type bond miimon -1
# Out of range values iproute2 passes on.
for o in "miimon 4294967295" "updelay 4294967295" "downdelay 2147483648" "min_links 4294967295" \
	"resend_igmp 256" "packets_per_slave 65536" "arp_missed_max 0" "all_slaves_active 2" \
	"lp_interval 0" "arp_interval 4294967295" \
	"mode balance-rr arp_ip_target 192.0.2.1,192.0.2.1" "arp_ip_target 255.255.255.255" \
	"arp_ip_target 0.0.0.0"; do
	# shellcheck disable=SC2086 # option and value
	expect_fail "Error: invalid option value." $L ip link add bad type bond $o
done
# The netlink policy's own range check.
expect_fail "Error: integer out of range." $L ip link add bad type bond peer_notify_delay 4294967295
# Options of other modes, and contradicting monitors.
expect_fail "Error: option not supported in mode." $L ip link add bad type bond lacp_rate fast
expect_fail "Error: option not supported in mode." $L ip link add bad type bond mode 802.3ad tlb_dynamic_lb 0
expect_fail "Error: option not supported in mode." $L ip link add bad type bond ad_actor_sys_prio 10
expect_fail "Error: option not supported in mode." $L ip link add bad type bond mode active-backup packets_per_slave 3
expect_fail "Error: ARP monitoring cannot be used with MII monitoring." \
	$L ip link add bad type bond miimon 100 arp_interval 100
expect_fail "Error: ARP validating cannot be used with MII monitoring." \
	$L ip link add bad type bond miimon 100 arp_validate all
expect_fail "Error: option obsolete, use_carrier cannot be disabled." $L ip link add bad type bond use_carrier 0
expect_fail "Operation not permitted" $L ip link add bad type bond peer_notify_delay 100
pass "bad option values refused"

# Changes that need no slaves or the bond down.
expect_fail "Error: unable to set option because the bond device has slaves." \
	$L ip link set bond0 type bond mode balance-rr
$L ip link set a0 nomaster
expect_fail "Error: unable to set option because the bond is up." $L ip link set bond0 type bond mode balance-rr
$L ip link set bond2 up
expect_fail "Error: unable to set option because the bond is up." $L ip link set bond2 type bond ad_select count
$L ip link set bond2 down
$L ip link set a0 master bond0
expect_fail "Error: invalid option value." $L ip link set bond0 type bond active_slave a2
expect_fail "Operation not permitted" $L ip link set a0 type bond_slave queue_id 17
expect_fail "Error: option not supported in mode." $L ip link set bond0 type bond xmit_hash_policy vlan+srcmac lacp_rate fast
[ "$(bond_info left bond0 mode)" = active-backup ] || fail "bond0 mode changed"
# bonding.ko applies the attributes one by one, in its order, and keeps
# those before the refused one.
[ "$(bond_info left bond0 xmit_hash_policy)" = vlan+srcmac ] ||
	fail "xmit_hash_policy $(bond_info left bond0 xmit_hash_policy): the change before the refused option did not stay"
pass "option changes refused in the wrong state"

# Nothing of the refused bonds is left behind.
[ "$($L ip -o link show type bond | wc -l)" = 3 ] || fail "unexpected bonds: $($L ip -o link show type bond)"
unload_bond
