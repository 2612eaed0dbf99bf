#!/bin/bash
# Privileges across namespaces: a container (an unprivileged user as root
# of its own user and network namespaces) runs bonds as root does; the
# initial namespace's bonds are out of its reach. (rvnet has no bonding
# sysfs: README.)
. "$RVNET_TESTS/lib.sh"
modprobe "$BOND_MODULE"
container '
	ip link add bond0 type bond mode active-backup miimon 100
	ip link add d0 type dummy
	ip link set d0 master bond0
	ip link set bond0 type bond miimon 200
	grep -q "^MII Polling Interval (ms): 200$" /proc/net/bonding/bond0 ||
		fail "/proc/net/bonding/bond0: $(cat /proc/net/bonding/bond0)"
	grep -q "^Slave Interface: d0$" /proc/net/bonding/bond0 || fail "d0 not enslaved"
	ip link set d0 nomaster
	ip link del bond0
	true
'
pass "bonds in a container"

ip link add bond9 type bond mode active-backup
ip link add d9 type dummy
expect_fail "Operation not permitted" unprivileged ip link set d9 master bond9
expect_fail "Operation not permitted" unprivileged ip link set bond9 type bond miimon 50
expect_fail "Operation not permitted" unprivileged ip link del bond9
grep -q "^MII Polling Interval (ms): 0$" /proc/net/bonding/bond9 || fail "bond9 changed"
pass "the initial namespace's bonds out of its reach"
