#!/bin/bash
# The module and its equalizers: max_equalizers 0 and 3, a slave moved
# from one master to another, masters as each other's slaves, a renamed
# master (its qdisc keeps the load-time name), the name teql0 taken
# before loading, and the slaves holding the module.
. "$RVNET_TESTS/lib.sh"

expect_fail "No such device" modprobe sch_teql max_equalizers=0
grep -q "^$TEQL_MODULE " /proc/modules && fail "loaded with max_equalizers=0"

modprobe sch_teql max_equalizers=3
for i in 0 1 2; do
	[ "$(teql_link "teql$i" link_type)" = void ] || fail "no teql$i"
done
ip link show teql3 >/dev/null 2>&1 && fail "a fourth equalizer"
[ -e "/sys/module/$TEQL_MODULE/parameters/max_equalizers" ] && fail "max_equalizers shown in sysfs"
pass "max_equalizers=3: teql0..teql2"

# A slave moves from teql0 to teql1 with `tc qdisc replace`.
ip link add d0 type dummy
ip link add d1 mtu 1400 type dummy
tc qdisc add dev d0 root teql2
tc qdisc add dev d1 root teql0
[ "$(teql_link teql0 mtu)" = 1400 ] || fail "teql0 did not take d1's MTU"
tc qdisc replace dev d1 root teql1
tc qdisc show dev d1 | grep -q '^qdisc teql1 ' || fail "d1's qdisc: $(tc qdisc show dev d1)"
expect_fail "Protocol driver not attached" ip link set teql0 up
ip link set teql1 up
[ "$(teql_link teql1 mtu)" = 1400 ] || fail "teql1 MTU"
[ "$(teql_users)" = 2 ] || fail "use count $(teql_users) with two slaves"
pass "a slave moved from teql0 to teql1"

# The last slave leaving flushes what waits on the master: d1 is down, so
# teql1 stops its queue and the datagrams wait in its qdisc.
ip addr add 10.8.0.1/24 dev teql1
teql_send 3 10.8.0.2
waiting() { tc -s -j qdisc show dev teql1 | jq '.[0].qlen'; }
[ "$(waiting)" = 3 ] || fail "teql1's qdisc holds $(waiting), expected 3"
tc qdisc del dev d1 root
[ "$(waiting)" = 0 ] || fail "the last slave left, $(waiting) still wait on teql1"
ip addr flush dev teql1
pass "the last slave leaving flushes the master's queue"

# Masters as each other's slaves: sending does not hang (each finds the
# other's queue lock taken and drops).
ip link set teql1 down
tc qdisc add dev teql1 root teql0
tc qdisc add dev teql0 root teql1
ip link set teql0 up
ip link set teql1 up
ip addr add 10.9.0.1/24 dev teql0
teql_send 5 10.9.0.2
ip -s link show teql0
ip -s link show teql1
ip addr flush dev teql0
ip link set teql0 down
ip link set teql1 down
tc qdisc del dev teql0 root
tc qdisc del dev teql1 root
pass "teql0 and teql1 as each other's slaves"

# A renamed master keeps its qdisc's name.
ip link set teql2 name eq2
ip link add d2 type dummy
tc qdisc add dev d2 root teql2
expect_fail "Error: Specified qdisc kind is unknown." tc qdisc add dev d2 root eq2
if [ "$RVNET_IMPL" = rust ]; then
	cat /proc/net/teql
	[ "$(grep -c '^[a-z0-9]*: ' /proc/net/teql)" = 3 ] || fail "/proc/net/teql: three equalizers"
	grep -qx '	slaves: \*d0 d2' /proc/net/teql || fail "/proc/net/teql: eq2's slaves"
fi
pass "a renamed master's qdisc keeps the name"

# A bond and a VLAN join as any Ethernet device does.
ip link add bd0 type bond
ip link add link d2 name d2.5 type vlan id 5
tc qdisc add dev bd0 root teql0
tc qdisc add dev d2.5 root teql0
ip link set bd0 up
ip link set d2 up
ip link set d2.5 up
ip link set teql0 up
teql_has_flag teql0 BROADCAST || fail "teql0 over a bond and a VLAN is not BROADCAST"
[ "$(teql_users)" = 4 ] || fail "use count $(teql_users) with four slaves"
pass "teql over a bond and a VLAN"

out=$(modprobe -r "$TEQL_MODULE" 2>&1) && fail "unloaded with slaves attached"
grep -q "in use" <<<"$out" || fail "modprobe -r said: $out"
ip link del bd0
ip link del d0
ip link del d1
ip link del d2
# The default qdisc holds the module too.
sysctl -qw net.core.default_qdisc=teql0
out=$(modprobe -r "$TEQL_MODULE" 2>&1) && fail "unloaded while the default qdisc"
grep -q "in use" <<<"$out" || fail "modprobe -r said: $out"
sysctl -qw net.core.default_qdisc=pfifo_fast
unload_module "$TEQL_MODULE"
ip link show eq2 >/dev/null 2>&1 && fail "eq2 left after unloading"

# The name teql0 taken: the module makes teql1, and a qdisc of that name.
ip link add teql0 type dummy
modprobe sch_teql
[ "$(teql_link teql1 link_type)" = void ] || fail "no teql1 when teql0 is taken"
ip link add d3 type dummy
tc qdisc add dev d3 root teql1
expect_fail "Error: Specified qdisc kind is unknown." tc qdisc add dev teql0 root teql0
ip link del d3
unload_module "$TEQL_MODULE"
ip link del teql0
