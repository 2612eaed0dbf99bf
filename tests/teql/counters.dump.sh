#!/bin/bash
# Prints what userspace sees of teql0 over two veth slaves after fixed
# traffic: `ip -d -s -j link show teql0` and `tc -s -j qdisc` of the
# slaves and the master. tests/teql/diff.host.sh diffs sch_teql and rvnet.
. "$RVNET_TESTS/lib.sh"

modprobe sch_teql
teql_slaves far 2
teql_send 1 10.0.0.2
wait_for teql_resolved v1 v2 || fail "10.0.0.2 not resolved on both slaves"
teql_send 21 10.0.0.2
ip link set v2 down
teql_send 4 10.0.0.2

echo "---- BEGIN DUMP ----"
echo "== ip -d -s -j link show teql0"
ip -d -s -j link show teql0 | jq -S .
for d in v1 v2 teql0; do
	echo "== tc -s -j qdisc show dev $d"
	tc -s -j qdisc show dev "$d" | jq -S .
done
echo "---- END DUMP ----"
ip link del v1
ip link del v2
ip link set teql0 down
unload_module "$TEQL_MODULE"
