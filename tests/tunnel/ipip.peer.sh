#!/bin/bash
# Wire interop with a peer VM (scripts/vm-run --peer): an ipip tunnel over
# eth0 between this VM's implementation and the peer's, pinged both ways
# (with TOS and ECN inherited through it), and the peer's tunl0 taking
# packets from a second local address no tunnel of its matches (NBMA back).
. "$RVNET_TESTS/lib.sh"

ip link set eth0 up
ip addr add 198.51.100.1/24 dev eth0
ip addr add 198.51.100.3/24 dev eth0
ip link add t1 type ipip local 198.51.100.1 remote 198.51.100.2 tos inherit
ip addr add 192.168.1.1/30 dev t1
ip link set t1 up
peer "ip link set eth0 up && ip addr add 198.51.100.2/24 dev eth0 &&
	ip link add t1 type ipip local 198.51.100.2 remote 198.51.100.1 tos inherit &&
	ip addr add 192.168.1.2/30 dev t1 && ip link set t1 up" || fail "peer set-up"
ping -c 3 -W 3 -i 0.3 -Q 0x2a 192.168.1.2 >/dev/null || fail "no ping to the peer through ipip"
peer "ping -c 3 -W 3 -i 0.3 192.168.1.1 >/dev/null" || fail "no ping from the peer through ipip"
expect_counter_root() {
	local got
	read -r got <"/sys/class/net/$1/statistics/$2"
	[ "$got" = "$3" ] || fail "$1 $2 is $got, expected $3"
}
expect_counter_root t1 tx_packets 6
expect_counter_root t1 rx_packets 6
pass "ipip interoperates with the peer ($RVNET_PEER) both ways"

ip link add t3 type ipip local 198.51.100.3 remote 198.51.100.2
ip addr add 192.168.3.1/32 dev t3
ip link set t3 up
ip route add 192.168.3.2/32 dev t3
peer "ip addr add 192.168.3.2/32 dev tunl0 && ip link set tunl0 up &&
	ip route add 192.168.3.1/32 via 198.51.100.3 dev tunl0 onlink" || fail "peer tunl0 set-up"
ping -c 3 -W 3 -i 0.3 -I 192.168.3.1 192.168.3.2 >/dev/null || fail "no ping through the peer's tunl0"
expect_counter_root t3 rx_packets 3
pass "the peer's tunl0 receives unmatched packets and answers NBMA"
no_ip_tunnel_module
ip link del t1
ip link del t3
unload_module "$IPIP_MODULE"
