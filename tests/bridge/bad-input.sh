#!/bin/bash
# Bad input is refused as bridge.ko (with the core's rtnetlink around it)
# refuses it: the same extack message, or, where there is none, the same
# errno ("RTNETLINK answers: ..."); and what is left afterwards is the same
# (enslaving a bridge port into a bond that refuses it still releases it
# from the bridge). Messages iproute2 prints itself are checked too.
# Bad input here includes what bridge.ko accepts although one might expect
# a refusal (multicast and broadcast FDB entries, forward_delay out of the
# STP range while STP is off, options in its order).
. "$RVNET_TESTS/lib.sh"

br_switch sw 3
S="in_ns sw"
EINVAL="RTNETLINK answers: Invalid argument"
ERANGE="RTNETLINK answers: Numerical result out of range"
EBUSY="RTNETLINK answers: Device or resource busy"
EOPNOTSUPP="RTNETLINK answers: Operation not supported"
$S ip link add br1 type bridge
$S ip link add x0 address 02:00:00:00:cc:00 type veth peer name y0
$S ip link add x1 address 02:00:00:00:cc:01 type veth peer name y1

# Ports that cannot be.
expect_fail "Error: Can not enslave a bridge to a bridge." $S ip link set br0 master br0
expect_fail "Error: Can not enslave a bridge to a bridge." $S ip link set br1 master br0
expect_fail "$EINVAL" $S ip link set lo master br0
$S ip link add tun0 type ipip local 198.51.100.1 remote 198.51.100.2
$S ip link add gre1 type gre local 198.51.100.1 remote 198.51.100.3
expect_fail "$EINVAL" $S ip link set tun0 master br0
expect_fail "$EINVAL" $S ip link set gre1 master br0
# A device whose rx_handler is taken (a macvlan's lower).
$S ip link add link x1 name mv0 type macvlan
expect_fail "$EBUSY" $S ip link set x1 master br0
# A macvlan on the bridge cannot be its port (it is an upper of br0).
$S ip link add link br0 name mv1 type macvlan
expect_fail "$EBUSY" $S ip link set mv1 master br0
$S ip link del mv1
# And the other way: a bridge port's rx_handler is taken.
expect_fail "$EBUSY" $S ip link add link swp1 name mv2 type macvlan
$S ip link del mv0
for d in x1 tun0 gre1 lo; do
	[ "$($S ip -j link show "$d" | jq -r '.[0].master // "none"')" = none ] || fail "$d got a master"
done
[ "$($S bridge -j link show | jq -r '[.[] | select(.master == "br0") | .ifname] | join(" ")')" = "swp1 swp2 swp3" ] ||
	fail "br0's ports changed: $($S bridge link show)"
pass "bridges, loopback, tunnels and busy devices are no ports"

# A port of one bridge set to another moves (bridge.ko has no ndo_del_slave
# veto): its entries leave the first bridge.
$S ip link set x0 master br1
$S ip link set x0 master br0
[ "$($S ip -j link show x0 | jq -r '.[0].master')" = br0 ] || fail "x0 not moved to br0"
[ "$(fdb_state sw br1 02:00:00:00:cc:00)" = none ] || fail "x0's entry left in br1"
[ "$(fdb_port sw br0 02:00:00:00:cc:00)" = x0 ] || fail "x0's entry not in br0"
[ "$($S cat /sys/class/net/br1/address)" = 00:00:00:00:00:00 ] || fail "br1's MAC $($S cat /sys/class/net/br1/address) with no port"
# Bonds: a bond slave set to a bridge is released and becomes a port; a
# bridge port set to a bond that refuses it (up) is still released.
$S ip link add bd0 type bond
$S ip link set x0 nomaster
$S ip link set x0 master bd0
$S ip link set x0 master br0
[ "$($S ip -j link show x0 | jq -r '.[0].master')" = br0 ] || fail "bond slave x0 not moved to br0"
[ "$(slave_info sw x0 state)" = disabled ] || fail "x0 state $(slave_info sw x0 state)"
$S ip link set swp3 up
expect_fail "Error: Device can not be enslaved while up." $S ip link set swp3 master bd0
[ "$($S ip -j link show swp3 | jq -r '.[0].master // "none"')" = none ] || fail "swp3 still has a master"
[ "$(fdb_state sw br0 02:00:00:00:0b:03)" = none ] || fail "swp3's entry left in br0"
$S ip link set swp3 master br0
# A bond as a port, then the bridge under that bond: a loop.
$S ip link set bd0 master br0
expect_fail "Error: Device can not be enslaved while up." $S ip link set br0 master bd0
$S ip link set br0 down
expect_fail "$EBUSY" $S ip link set br0 master bd0
$S ip link set br0 up
$S ip link set bd0 nomaster
pass "ports moved between bridges and bonds as with bridge.ko"

# Bridge options out of range.
$S ip link set br1 type bridge stp_state 1
for o in "forward_delay 199" "forward_delay 3001" "hello_time 99" "hello_time 1001" \
	"max_age 599" "max_age 4001"; do
	# shellcheck disable=SC2086 # option and value
	expect_fail "$ERANGE" $S ip link set br1 type bridge $o
	case $o in forward_delay*) continue ;; esac
	# shellcheck disable=SC2086
	expect_fail "$ERANGE" $S ip link add bad type bridge $o
done
# With STP off any forward_delay goes (it is applied before stp_state);
# starting STP brings it into the range.
$S ip link set br1 type bridge stp_state 0
$S ip link set br1 type bridge forward_delay 100
[ "$(br_info sw br1 forward_delay)" = 100 ] || fail "forward_delay 100 with STP off"
$S ip link set br1 type bridge stp_state 1
[ "$(br_info sw br1 forward_delay)" = 200 ] || fail "forward_delay $(br_info sw br1 forward_delay) after STP on, expected 200"
expect_fail "$ERANGE" $S ip link set br1 type bridge stp_state 0 forward_delay 3500
$S ip link set br1 type bridge stp_state 0
$S ip link set br1 type bridge forward_delay 3500
[ "$(br_info sw br1 forward_delay)" = 3500 ] || fail "forward_delay 3500 with STP off"
$S ip link add ok0 type bridge stp_state 1 forward_delay 3500
[ "$(br_info sw ok0 forward_delay)" = 3000 ] || fail "forward_delay $(br_info sw ok0 forward_delay) with stp_state 1, expected 3000"
$S ip link del ok0
$S ip link set br1 type bridge stp_state 0
for o in "group_fwd_mask 1" "group_fwd_mask 2" "group_fwd_mask 4" "group_fwd_mask 7" \
	"group_address 01:80:c2:00:00:01" "group_address 01:80:c2:00:00:02" \
	"group_address 01:80:c2:00:00:03" "group_address 01:80:c2:00:00:10" \
	"group_address 03:80:c2:00:00:00"; do
	# shellcheck disable=SC2086
	expect_fail "$EINVAL" $S ip link add bad type bridge $o
	# shellcheck disable=SC2086
	expect_fail "$EINVAL" $S ip link set br1 type bridge $o
done
# This kernel has no VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING off).
expect_fail "$EOPNOTSUPP" $S ip link add bad type bridge vlan_filtering 1
expect_fail "$EOPNOTSUPP" $S ip link add bad type bridge vlan_filtering 0
expect_fail "$EOPNOTSUPP" $S ip link set br1 type bridge vlan_filtering 0
# iproute2's own checks.
expect_fail 'Error: argument "65536" is wrong: invalid priority' $S ip link add bad type bridge priority 65536
expect_fail 'Error: argument "0x10000" is wrong: invalid group_fwd_mask' $S ip link add bad type bridge group_fwd_mask 0x10000
[ "$($S ip -o link show type bridge | wc -l)" = 2 ] || fail "unexpected bridges: $($S ip -o link show type bridge)"
pass "bridge options out of range refused"

# Port options out of range.
for o in "priority 64" "cost 0" "cost 65536"; do
	# shellcheck disable=SC2086
	expect_fail "$ERANGE" $S ip link set swp1 type bridge_slave $o
done
expect_fail "$ERANGE" $S bridge link set dev swp1 priority 64
expect_fail "$EINVAL" $S ip link set swp1 type bridge_slave state 5
expect_fail "$EINVAL" $S ip link set swp1 type bridge_slave group_fwd_mask 2
expect_fail "$EINVAL" $S ip link set swp1 type bridge_slave group_fwd_mask 3
# A refused option leaves the ones bridge.ko applied before it.
expect_fail "$ERANGE" $S ip link set swp1 type bridge_slave learning off cost 10 priority 64
[ "$(slave_info sw swp1 learning)" = false ] || fail "learning not applied before the refused priority"
[ "$(slave_info sw swp1 cost)" = 10 ] || fail "cost not applied before the refused priority"
[ "$(slave_info sw swp1 priority)" = 32 ] || fail "priority changed"
$S ip link set swp1 type bridge_slave learning on
# States: not with STP on, not on a port that is down or has no carrier.
$S ip link set br0 type bridge stp_state 1
expect_fail "$EBUSY" $S ip link set swp1 type bridge_slave state 3
expect_fail "$EBUSY" $S bridge link set dev swp1 state 3
$S ip link set br0 type bridge stp_state 0
$S ip link set swp2 down
expect_fail "RTNETLINK answers: Network is down" $S ip link set swp2 type bridge_slave state 3
$S ip link set swp2 up
in_ns h3 ip link set eth0 down
expect_fail "RTNETLINK answers: Network is down" $S ip link set swp3 type bridge_slave state 3
$S bridge link set dev swp3 state 0
in_ns h3 ip link set eth0 up
# Not a port.
expect_fail "$EOPNOTSUPP" $S ip link set x1 type bridge_slave cost 10
pass "port options out of range refused"

# FDB.
M=02:00:00:00:ee:01
expect_fail "$EOPNOTSUPP" $S bridge fdb add $M dev x1 master static
expect_fail "$EOPNOTSUPP" $S bridge fdb del $M dev x1 master
expect_fail "$EINVAL" $S bridge fdb add 00:00:00:00:00:00 dev swp1 master static
expect_fail "$EINVAL" $S bridge fdb add 00:00:00:00:00:00 dev br0 self
expect_fail "Error: FDB add only supported for Ethernet devices." $S bridge fdb add $M dev tun0 master static
expect_fail "RTNETLINK answers: No such file or directory" $S bridge fdb del $M dev swp1 master
$S bridge fdb add $M dev swp1 master static
expect_fail "RTNETLINK answers: File exists" $S bridge fdb add $M dev swp1 master static
expect_fail "RTNETLINK answers: File exists" $S bridge fdb add $M dev swp2 master static
[ "$(fdb_port sw br0 $M)" = swp1 ] || fail "refused add moved the entry"
expect_fail "RTNETLINK answers: No such file or directory" $S bridge fdb del $M dev swp2 master
$S bridge fdb del $M dev swp1 master
expect_fail "RTNETLINK answers: No such file or directory" $S bridge fdb del $M dev swp1 master
# Sticky needs static; entries on the bridge itself must be permanent.
expect_fail "$EINVAL" $S bridge fdb add $M dev swp1 master sticky
expect_fail "$EINVAL" $S bridge fdb add $M dev swp1 master local sticky
expect_fail "$EINVAL" $S bridge fdb add $M dev br0 self static
# Dynamic entries only on a port that learns.
$S ip link set swp2 down
expect_fail "RTNETLINK answers: Operation not permitted" $S bridge fdb add $M dev swp2 master dynamic
$S bridge fdb add $M dev swp2 master static
[ "$(fdb_state sw br0 $M)" = static ] || fail "static entry on a down port"
$S bridge fdb del $M dev swp2 master
$S ip link set swp2 up
[ "$(fdb_state sw br0 $M)" = none ] || fail "refused entries left"
# Accepted: multicast and broadcast MACs.
$S bridge fdb add 01:00:5e:01:02:03 dev swp1 master static
$S bridge fdb add ff:ff:ff:ff:ff:ff dev swp2 master static
[ "$(fdb_port sw br0 01:00:5e:01:02:03)" = swp1 ] || fail "multicast entry not added"
[ "$(fdb_port sw br0 ff:ff:ff:ff:ff:ff)" = swp2 ] || fail "broadcast entry not added"
$S bridge fdb del 01:00:5e:01:02:03 dev swp1 master
$S bridge fdb del ff:ff:ff:ff:ff:ff dev swp2 master
pass "bad FDB requests refused"

for d in br0 br1 bd0 tun0 gre1 x0 x1; do $S ip link del "$d"; done
ip link del bond0 2>/dev/null || true
unload_module "$BRIDGE_MODULE"
