#!/bin/bash
# Privileges across namespaces: teql0 lives in the initial namespace, yet a
# container (an unprivileged user as root of its own user and network
# namespaces) may make its own devices teql0's slaves, as with sch_teql;
# teql0 itself and the initial namespace's devices are out of its reach.
. "$RVNET_TESTS/lib.sh"
modprobe sch_teql
container '
	ip link add d0 type dummy
	tc qdisc add dev d0 root teql0
	tc qdisc show dev d0 | grep -q "qdisc teql0" || fail "d0: $(tc qdisc show dev d0)"
	tc qdisc del dev d0 root
	ip link del d0
'
pass "a container's device as teql0's slave"

ip link add d9 type dummy
expect_fail "Operation not permitted" unprivileged tc qdisc add dev d9 root teql0
expect_fail "Operation not permitted" unprivileged ip link set teql0 up
expect_fail "Operation not permitted" unprivileged ip link set teql0 mtu 1400
[ "$(teql_users)" = 0 ] || fail "use count $(teql_users)"
pass "teql0 and the initial namespace's devices out of its reach"
ip link del d9
unload_module "$TEQL_MODULE"
