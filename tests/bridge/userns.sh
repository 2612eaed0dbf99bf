#!/bin/bash
# Privileges across namespaces: a container (an unprivileged user as root
# of its own user and network namespaces) runs bridges as root does; the
# initial namespace's bridges are out of its reach. (rvnet has no bridge
# sysfs: README.)
. "$RVNET_TESTS/lib.sh"
modprobe "$BRIDGE_MODULE"
container '
	ip link add br0 type bridge
	ip link add d0 type dummy
	ip link set d0 master br0
	bridge fdb add 02:00:00:00:00:01 dev d0 master static
	fdb=$(bridge fdb show dev d0)
	grep -q "02:00:00:00:00:01 master br0 static" <<<"$fdb" || fail "fdb: $fdb"
	ip link set br0 type bridge ageing_time 1000 stp_state 1
	[ "$(ip -d -j link show br0 | jq .[0].linkinfo.info_data.ageing_time)" = 1000 ] || fail "ageing_time"
	bridge link set dev d0 cost 8
	[ "$(ip -d -j link show d0 | jq .[0].linkinfo.info_slave_data.cost)" = 8 ] || fail "path cost"
	ip link del br0
	true
'
pass "bridges in a container"

ip link add br9 type bridge
ip link add d9 type dummy
ip link add d8 type dummy
ip link set d8 master br9
expect_fail "Operation not permitted" unprivileged ip link set d9 master br9
expect_fail "Operation not permitted" unprivileged bridge fdb add 02:00:00:00:00:09 dev d8 master static
expect_fail "Operation not permitted" unprivileged ip link set br9 type bridge ageing_time 500
expect_fail "Operation not permitted" unprivileged bridge link set dev d8 cost 9
[ "$(ip -d -j link show br9 | jq .[0].linkinfo.info_data.ageing_time)" = 30000 ] || fail "br9 changed"
[ "$(ip -d -j link show d8 | jq .[0].linkinfo.info_slave_data.cost)" = 100 ] || fail "d8 changed"
pass "the initial namespace's bridges out of its reach"
