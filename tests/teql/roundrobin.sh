#!/bin/bash
# teql0 over three veth slaves: neighbours resolved on each, an exact
# round-robin split of a counted flood, the master's counters, a slave
# that is down skipped, a slave deleted while in the ring, and slave
# qdiscs deleted under traffic.
. "$RVNET_TESTS/lib.sh"

modprobe sch_teql
teql_slaves far 3

# The first datagram starts resolution on every slave (and waits on the
# head's neighbour); each slave then has its own entry.
teql_resolve v1 v2 v3
pass "the neighbour resolved on each slave"

# expect_split N EXPECTED...: sends N datagrams and checks each slave's
# share (v1, v2, v3; "-" for a slave that is gone, "*" for any share).
expect_split() {
	local n=$1 i got=() before
	shift
	local devs=() want=()
	for i in 1 2 3; do
		[ "${!i}" = - ] && continue
		devs+=("v$i") want+=("${!i}")
	done
	teql_tx "${devs[@]}"
	before=("${TX[@]}")
	read -r m_before </sys/class/net/teql0/statistics/tx_packets
	teql_send "$n" 10.0.0.2
	teql_tx "${devs[@]}"
	for i in "${!devs[@]}"; do
		got+=($((TX[i] - before[i])))
		[ "${want[i]}" = "*" ] && want[i]=${got[i]}
	done
	read -r m_after </sys/class/net/teql0/statistics/tx_packets
	[ "${got[*]}" = "${want[*]}" ] || fail "split over ${devs[*]}: ${got[*]}, expected ${want[*]}"
	[ $((m_after - m_before)) = "$n" ] || fail "teql0 counted $((m_after - m_before)) of $n"
	echo "split over ${devs[*]}: ${got[*]}"
}

expect_split 30 10 10 10
read -r bytes </sys/class/net/teql0/statistics/tx_bytes
read -r packets </sys/class/net/teql0/statistics/tx_packets
# Datagrams of 30 bytes (IP, UDP, "x\n").
[ "$bytes" = $((30 * packets)) ] && [ "$packets" -ge 30 ] || fail "teql0 tx_bytes $bytes, tx_packets $packets"
read -r errors </sys/class/net/teql0/statistics/tx_errors
[ "$errors" = 0 ] || fail "teql0 tx_errors $errors"
pass "round robin: 10 datagrams each, teql0's counters"

# A slave that is down is skipped (the head stays on it: only a slave
# that sends moves the head on, so the one after it takes nearly all).
ip link set v2 down
expect_split 30 "*" 0 "*"
pass "a slave that is down is skipped"
ip link set v2 up
# Its neighbours went with it.
teql_resolve v2

# Every slave down: the master stops its queue (NETDEV_TX_BUSY) and the
# datagrams wait in its qdisc; a slave's dequeue running dry wakes it (here
# v1's, after an ARP request of v1's own).
ip link set v1 down
ip link set v2 down
ip link set v3 down
teql_send 4 10.0.0.2
backlog() { tc -s -j qdisc show dev teql0 | jq '.[0].qlen'; }
[ "$(backlog)" = 4 ] || fail "teql0's qdisc holds $(backlog), expected 4"
ip link set v1 up
sleep 0.5
[ "$(backlog)" = 4 ] || fail "teql0 sent before a slave's dequeue woke it"
ip route add 10.0.9.0/24 dev v1
teql_send 1 10.0.9.1
drained() { [ "$(backlog)" = 0 ]; }
wait_for drained || fail "teql0's queue not woken: $(backlog) waiting"
pass "all slaves down: teql0 stops, a slave's dequeue wakes it"
ip route del 10.0.9.0/24 dev v1
ip link set v2 up
ip link set v3 up
teql_resolve v1 v2 v3

# A slave deleted while in the ring leaves it.
ip link del v3
expect_split 20 10 10 -
pass "a deleted slave leaves the ring"

# Slave qdiscs replaced and deleted under traffic (sch_teql's UAF
# reproducer shape): senders on teql0 while v2's qdisc comes and goes.
ip link add v3 type veth peer name p3 netns far
ip link set v3 up
in_ns far ip link set p3 up
(while :; do teql_send 20 10.0.0.2; sleep 0.01; done) &
sender=$!
for i in $(seq 10); do
	tc qdisc add dev v3 root teql0
	tc qdisc del dev v3 root
	tc qdisc replace dev v2 root pfifo
	tc qdisc replace dev v2 root teql0
done
tc qdisc del dev v1 root
ip link del v2
kill $sender
wait $sender 2>/dev/null || true
read -r sent </sys/class/net/teql0/statistics/tx_packets
echo "teql0 sent $sent under churn"
[ "$(teql_users)" = 0 ] || fail "use count $(teql_users) after every slave left"
pass "slave qdiscs added and deleted under traffic"

ip link set teql0 down
unload_module "$TEQL_MODULE"
