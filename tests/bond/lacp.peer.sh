#!/bin/bash
# 802.3ad (lacp_rate fast) over eth0+eth1 with the peer VM doing the same:
# the aggregator forms on both sides (both slaves in one aggregator, the
# partner being the other side's bond), ping works; one link cut: traffic
# goes on over the other; link back: it rejoins the aggregator.
# virtio-net reports speed and duplex unknown, which 802.3ad treats as
# half duplex (no aggregation): both are set with ethtool first.
. "$RVNET_TESTS/lib.sh"

# The bond is not called bond0: bonding.ko makes a bond0 of its own in the
# root namespace when it loads.
setup="set -e
for d in eth0 eth1; do ethtool -s \$d speed 1000 duplex full; done
ip link add lag0 type bond mode 802.3ad lacp_rate fast miimon 100
ip link set eth0 master lag0
ip link set eth1 master lag0
ip link set lag0 up"
bash -c "$setup" || fail "set-up"
ip addr add 192.0.2.1/24 dev lag0
peer "$setup && ip addr add 192.0.2.2/24 dev lag0" || fail "peer set-up"
[ "$(ethtool eth0 | sed -n 's/^\s*Duplex: //p')" = Full ] || fail "eth0 duplex not full"
mine=$(cat /sys/class/net/lag0/address)
theirs=$(peer cat /sys/class/net/lag0/address)
[ "$mine" = 02:00:00:00:01:00 ] || fail "lag0 MAC $mine, not eth0's"
[ "$theirs" = 02:00:00:00:02:00 ] || fail "peer lag0 MAC $theirs, not its eth0's"

# aggregated PROC PARTNER N: the /proc/net/bonding/lag0 text PROC shows N
# slaves in the active aggregator, with PARTNER as partner and LACP states
# settled (63: activity, timeout, aggregation, sync, collecting, distributing).
aggregated() {
	local proc=$1 partner=$2 n=$3 agg
	agg=$(sed -n '/^Active Aggregator Info:/,/^$/s/^\s*Aggregator ID: //p' <<<"$proc")
	[ -n "$agg" ] || return 1
	grep -q "Number of ports: $n$" <<<"$proc" || return 1
	grep -q "Partner Mac Address: $partner$" <<<"$proc" || return 1
	[ "$(grep -c "^Aggregator ID: $agg$" <<<"$proc")" = "$n" ] || return 1
	[ "$(grep -c 'port state: 63$' <<<"$proc")" = $((2 * n)) ] || return 1
}
both_aggregated() {
	aggregated "$(cat /proc/net/bonding/lag0)" "$theirs" "$1" &&
		aggregated "$(peer cat /proc/net/bonding/lag0)" "$mine" "$1"
}
for _ in $(seq 40); do both_aggregated 2 && break; sleep 0.5; done
if ! both_aggregated 2; then
	cat /proc/net/bonding/lag0
	peer cat /proc/net/bonding/lag0
	fail "no aggregator of 2 ports on both sides"
fi
pass "LACP aggregator of eth0+eth1 formed on both sides"
ping -c 3 -W 3 192.0.2.2 >/dev/null || fail "no ping to the peer"
peer "ping -c 3 -W 3 192.0.2.1 >/dev/null" || fail "no ping from the peer"
pass "ping over the aggregate both ways"

# Cut eth1 while pinging.
ping -i 0.2 -c 25 -W 1 192.0.2.2 >/tmp/ping.txt 2>&1 &
p=$!
sleep 1
ip link set eth1 down
wait $p || true
got=$(sed -nE 's/.* ([0-9]+) received.*/\1/p' /tmp/ping.txt)
echo "with eth1 cut: $got of 25 pings answered"
[ "${got:-0}" -ge 15 ] || fail "traffic did not go on with eth1 down ($got of 25)"
grep -q "Number of ports: 1$" /proc/net/bonding/lag0 || fail "aggregator still has 2 ports"
pass "one link cut: traffic goes on over the other"

ip link set eth1 up
for _ in $(seq 40); do both_aggregated 2 && break; sleep 0.5; done
both_aggregated 2 || { cat /proc/net/bonding/lag0; fail "eth1 did not rejoin the aggregator"; }
ping -c 3 -W 3 192.0.2.2 >/dev/null || fail "no ping after eth1 came back"
pass "eth1 back: rejoined the aggregator"

peer "ip link del lag0" || fail "peer clean-up"
ip link del lag0
unload_bond
