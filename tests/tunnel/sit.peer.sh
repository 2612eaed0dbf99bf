#!/bin/bash
# Wire interop with a peer VM (scripts/vm-run --peer): a point-to-point
# sit tunnel over eth0 between this VM's implementation and the peer's,
# ping6 both ways (the traffic class inherited through it), and 6to4 both
# ways (each side's outer destination from the other's 2002::/16 address).
. "$RVNET_TESTS/lib.sh"

# Nothing on the tunnels but the pings: sit devices are NOARP (no DAD, no
# solicited-node groups); no router solicitations.
setup="sysctl -qw net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.router_solicitations=0 &&
	ip link set eth0 up"
eval "$setup"
peer "$setup" || fail "peer sysctls"
ip addr add 198.51.100.1/24 dev eth0
ip addr add 198.51.100.3/24 dev eth0
ip link add t1 type sit local 198.51.100.1 remote 198.51.100.2 tos inherit
ip -6 addr add 2001:db8:1::1/64 dev t1
ip link set t1 up
peer "ip addr add 198.51.100.2/24 dev eth0 &&
	ip link add t1 type sit local 198.51.100.2 remote 198.51.100.1 tos inherit &&
	ip -6 addr add 2001:db8:1::2/64 dev t1 && ip link set t1 up" || fail "peer set-up"
ping -6 -c 3 -W 3 -i 0.3 -Q 0x28 2001:db8:1::2 >/dev/null || fail "no ping6 to the peer through sit"
peer "ping -6 -c 3 -W 3 -i 0.3 2001:db8:1::1 >/dev/null" || fail "no ping6 from the peer through sit"
for c in tx_packets rx_packets; do
	read -r got <"/sys/class/net/t1/statistics/$c"
	[ "$got" = 6 ] || fail "t1 $c is $got, expected 6"
done
pass "sit interoperates with the peer ($RVNET_PEER) both ways"

# 6to4: 198.51.100.3 is 2002:c633:6403::/48, 198.51.100.2 2002:c633:6402::/48.
ip link add tun6to4 type sit local 198.51.100.3
ip -6 addr add 2002:c633:6403::1/16 dev tun6to4
ip link set tun6to4 up
peer "ip link add tun6to4 type sit local 198.51.100.2 &&
	ip -6 addr add 2002:c633:6402::1/16 dev tun6to4 && ip link set tun6to4 up" || fail "peer 6to4 set-up"
ping -6 -c 3 -W 3 -i 0.3 2002:c633:6402::1 >/dev/null || fail "no ping6 to the peer through 6to4"
peer "ping -6 -c 3 -W 3 -i 0.3 2002:c633:6403::1 >/dev/null" || fail "no ping6 from the peer through 6to4"
for c in tx_packets rx_packets; do
	read -r got <"/sys/class/net/tun6to4/statistics/$c"
	[ "$got" = 6 ] || fail "tun6to4 $c is $got, expected 6"
done
pass "6to4 with the peer both ways"
no_ip_tunnel_module
ip link del t1
ip link del tun6to4
unload_module "$SIT_MODULE"
