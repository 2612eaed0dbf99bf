#!/bin/bash
# The master as sch_teql makes it, the qdisc's checks in their order and
# with their errnos, the flag and MTU rules, and the module's use count.
. "$RVNET_TESTS/lib.sh"

modprobe sch_teql
grep -q "^$TEQL_MODULE " /proc/modules || fail "modprobe sch_teql did not load $TEQL_MODULE"
# The master: teql_master_setup().
[ "$(teql_link teql0 link_type)" = void ] || fail "teql0 is not link/void"
[ "$(teql_link teql0 mtu)/$(teql_link teql0 min_mtu)/$(teql_link teql0 max_mtu)" = 1500/68/65535 ] ||
	fail "teql0 MTU bounds: $(ip -d link show teql0)"
[ "$(teql_link teql0 txqlen)" = 100 ] || fail "teql0 txqlen"
[ "$(ip -j link show teql0 | jq -c '.[0].flags')" = '["NOARP"]' ] || fail "teql0 flags"
ip link show teql1 >/dev/null 2>&1 && fail "max_equalizers defaults to 1"
expect_fail "Operation not supported" ip link del teql0
expect_fail "Protocol driver not attached" ip link set teql0 up
expect_fail "Operation not supported" ethtool -i teql0
pass "teql0 as teql_master_setup() makes it"

# The qdisc's checks, in teql_qdisc_init()'s order.
expect_fail "Too many levels of symbolic links" tc qdisc add dev teql0 root teql0
ip link add d0 type dummy
ip link add d1 mtu 1400 type dummy
expect_fail "Error: Specified qdisc kind is unknown." tc qdisc add dev d0 root teql9
ip link add m0 numtxqueues 2 type dummy
tc qdisc add dev m0 root handle 1: mq
expect_fail "sch_teql: teql can only be used as root" tc qdisc add dev m0 parent 1:1 teql0
[ "$(teql_users)" = 0 ] || fail "use count $(teql_users) after failed adds"
tc qdisc add dev d0 root teql0
expect_fail "Exclusivity flag on" tc qdisc add dev d0 root teql0
tc qdisc show dev d0 | grep -qE '^qdisc teql0 [0-9a-f]+: root refcnt 2 *$' ||
	fail "tc qdisc show: $(tc qdisc show dev d0)"
tc qdisc show dev m0 | grep -q teql && fail "teql left under mq"
# sch_teql has no change(): options over netlink (tc has no parser to
# send them) get qdisc_change()'s EINVAL.
out=$(/rvnet/tools/qdisc-options d0 teql0) && fail "a change with options succeeded"
[ "$out" = "Invalid argument: Change operation not supported by specified qdisc" ] ||
	fail "a change with options: $out"
pass "ELOOP, ENOENT, not-root EOPNOTSUPP with its message, EEXIST, change EINVAL"

# Joining while the master is down: the first slave sets MTU and
# broadcast/point-to-point, later ones narrow them.
[ "$(teql_link teql0 mtu)" = 1500 ] || fail "first slave's MTU"
teql_has_flag teql0 BROADCAST || fail "teql0 did not take BROADCAST from d0"
tc qdisc add dev d1 root teql0
[ "$(teql_link teql0 mtu)" = 1400 ] || fail "a slave with a smaller MTU did not lower teql0's"
[ "$(teql_users)" = 2 ] || fail "use count $(teql_users) with two slaves"
ip link set teql0 up
[ "$(teql_link teql0 mtu)" = 1400 ] || fail "open: the smallest slave MTU"
# tx_queue_len 100: a default root qdisc once up.
tc qdisc show dev teql0 | grep -q '^qdisc pfifo_fast 0: root' || fail "teql0's qdisc: $(tc qdisc show dev teql0)"
expect_fail "Invalid argument" ip link set teql0 mtu 1401
expect_fail "mtu less than device minimum" ip link set teql0 mtu 67
ip link set teql0 mtu 1300
ip link set teql0 mtu 1400
# A slave's later MTU change is not propagated.
ip link set d1 mtu 1450
[ "$(teql_link teql0 mtu)" = 1400 ] || fail "a slave's MTU change reached teql0"
pass "MTU: first slave, minimum while down, open, change_mtu bounds"

# While up, a slave must have the master's flags and at least its MTU.
ip link add d2 mtu 1399 type dummy
expect_fail "Invalid argument" tc qdisc add dev d2 root teql0
ip link set d2 mtu 1400
ip netns add other
expect_fail "Invalid argument" tc -n other qdisc add dev lo root teql0
ip link set teql0 multicast on
expect_fail "Invalid argument" tc qdisc add dev d2 root teql0
ip link set teql0 multicast off
tc qdisc add dev d2 root teql0
[ "$(teql_users)" = 3 ] || fail "use count $(teql_users) with three slaves"
# While down, a slave without BROADCAST (loopback, in another namespace)
# makes the master NBMA once it opens.
ip link set teql0 down
tc -n other qdisc add dev lo root teql0
teql_has_flag teql0 BROADCAST && fail "teql0 kept BROADCAST after lo joined while down"
ip link set teql0 up
teql_has_flag teql0 BROADCAST && fail "teql0 BROADCAST after open over lo"
pass "flags: checked while up, narrowed while down"

if [ "$RVNET_IMPL" = rust ]; then
	cat /proc/net/teql
	grep -q '^teql0: UP mtu 1400$' /proc/net/teql || fail "/proc/net/teql header"
	grep -qE '^	tx packets 0 bytes 0 errors 0 dropped [0-9]+$' /proc/net/teql || fail "/proc/net/teql counters"
	# Each joined right after the head: d0, then lo, d2, d1.
	grep -qx '	slaves: \*d0 lo d2 d1' /proc/net/teql || fail "/proc/net/teql ring order"
	pass "/proc/net/teql"
fi

# The slaves' qdiscs hold the module.
out=$(modprobe -r "$TEQL_MODULE" 2>&1) && fail "unloaded with slaves attached"
grep -q "in use" <<<"$out" || fail "modprobe -r said: $out"
tc qdisc del dev d0 root
ip link del d1
ip netns del other
ip link del d2
ip link set teql0 down
for _ in $(seq 50); do [ "$(teql_users)" = 0 ] && break; sleep 0.1; done
[ "$(teql_users)" = 0 ] || fail "use count $(teql_users) after the slaves left"
expect_fail "Protocol driver not attached" ip link set teql0 up
ip link del m0
ip link del d0
unload_module "$TEQL_MODULE"

# A point-to-point slave (ipip) with an Ethernet one: teql0 is
# point-to-point only while every slave is; while up, an Ethernet slave
# cannot join a point-to-point master.
modprobe sch_teql
ip link add d0 type dummy
ip link add t0 type ipip local 192.0.2.1 remote 192.0.2.2
tc qdisc add dev t0 root teql0
[ "$(teql_link teql0 mtu)" = 1480 ] || fail "teql0 did not take t0's MTU"
ip link set teql0 up
[ "$(ip -j link show teql0 | jq -c '.[0].flags - ["UP", "LOWER_UP"]')" = '["POINTOPOINT","NOARP"]' ] ||
	fail "teql0 over t0: $(ip link show teql0)"
expect_fail "Invalid argument" tc qdisc add dev d0 root teql0
ip link set teql0 down
tc qdisc add dev d0 root teql0
teql_has_flag teql0 POINTOPOINT && fail "teql0 kept POINTOPOINT after d0 joined while down"
ip link set teql0 up
[ "$(ip -j link show teql0 | jq -c '.[0].flags - ["UP", "LOWER_UP"]')" = '["NOARP"]' ] ||
	fail "teql0 over t0 and d0: $(ip link show teql0)"
pass "a point-to-point slave with an Ethernet one"
ip link set teql0 down
ip link del t0
ip link del d0
unload_module "$TEQL_MODULE"

# The kernel's tc-testing cases, on a fresh teql0 (124e needs QFQ, not in
# the test kernel: its mq counterpart is above).
modprobe sch_teql
tdc_run tc-tests/qdiscs/teql.json 124e
pass "tc-testing teql.json"
unload_module "$TEQL_MODULE"
