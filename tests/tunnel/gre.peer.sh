#!/bin/bash
# Wire interop with a peer VM (scripts/vm-run --peer): a gre tunnel with
# key, checksums and sequence numbers, a gretap tunnel and erspan version
# 1 and 2 tunnels over eth0 between this VM's implementation and the
# peer's, pinged both ways; the peer checking this side's checksums and
# sequence numbers (its error counters stay 0).
. "$RVNET_TESTS/lib.sh"

ip link set eth0 up
ip addr add 198.51.100.1/24 dev eth0
ip link add g1 type gre local 198.51.100.1 remote 198.51.100.2 key 42 csum seq
ip addr add 192.168.1.1/30 dev g1
# No IPv6 link-local address, so no packets but the pings (gre has IPv6).
ip link set g1 addrgenmode none
ip link set g1 up
ip link add tap1 type gretap local 198.51.100.1 remote 198.51.100.2 key 9 csum
ip addr add 192.168.9.1/24 dev tap1
ip link set tap1 up
peer "ip link set eth0 up && ip addr add 198.51.100.2/24 dev eth0 &&
	ip link add g1 type gre local 198.51.100.2 remote 198.51.100.1 key 42 csum seq &&
	ip addr add 192.168.1.2/30 dev g1 && ip link set g1 addrgenmode none && ip link set g1 up &&
	ip link add tap1 type gretap local 198.51.100.2 remote 198.51.100.1 key 9 csum &&
	ip addr add 192.168.9.2/24 dev tap1 && ip link set tap1 up" || fail "peer set-up"
ping -c 3 -W 3 -i 0.3 192.168.1.2 >/dev/null || fail "no ping to the peer through gre"
peer "ping -c 3 -W 3 -i 0.3 192.168.1.1 >/dev/null" || fail "no ping from the peer through gre"
expect_counter_root() {
	local got
	read -r got <"/sys/class/net/$1/statistics/$2"
	[ "$got" = "$3" ] || fail "$1 $2 is $got, expected $3"
}
expect_counter_root g1 tx_packets 6
expect_counter_root g1 rx_packets 6
expect_counter_root g1 rx_errors 0
peer "cd /sys/class/net/g1/statistics && [ \$(cat rx_packets) = 6 ] && [ \$(cat rx_errors) = 0 ]" ||
	fail "the peer's g1 counters: $(peer 'grep . /sys/class/net/g1/statistics/rx_*')"
pass "gre with key, csum and seq interoperates with the peer ($RVNET_PEER) both ways"

ping -c 3 -W 3 -i 0.3 -s 1000 192.168.9.2 >/dev/null || fail "no ping to the peer through gretap"
peer "ping -c 3 -W 3 -i 0.3 192.168.9.1 >/dev/null" || fail "no ping from the peer through gretap"
expect_counter_root tap1 rx_errors 0
peer "[ \$(cat /sys/class/net/tap1/statistics/rx_errors) = 0 ]" || fail "the peer's tap1 rx_errors"
pass "gretap with key and csum interoperates with the peer ($RVNET_PEER) both ways"

# erspan: one tunnel per version each side, the same session ids.
for v in 1 2; do
	ip link add sp$v type erspan local 198.51.100.1 remote 198.51.100.2 seq key 10$v erspan_ver $v
	ip addr add 192.168.2$v.1/24 dev sp$v
	ip link set sp$v addrgenmode none
	ip link set sp$v up
	peer "ip link add sp$v type erspan local 198.51.100.2 remote 198.51.100.1 seq key 10$v erspan_ver $v \
		erspan_dir egress erspan_hwid 3 erspan 7 && ip addr add 192.168.2$v.2/24 dev sp$v &&
		ip link set sp$v addrgenmode none && ip link set sp$v up" || fail "peer erspan set-up"
	ping -c 3 -W 3 -i 0.3 192.168.2$v.2 >/dev/null || fail "no ping to the peer through erspan v$v"
	peer "ping -c 3 -W 3 -i 0.3 192.168.2$v.1 >/dev/null" || fail "no ping from the peer through erspan v$v"
	expect_counter_root sp$v rx_errors 0
	peer "[ \$(cat /sys/class/net/sp$v/statistics/rx_errors) = 0 ]" || fail "the peer's sp$v rx_errors"
done
pass "erspan versions 1 and 2 interoperate with the peer ($RVNET_PEER) both ways"
no_ip_tunnel_module
ip link del g1
ip link del tap1
ip link del sp1
ip link del sp2
unload_module "$GRE_MODULE"
