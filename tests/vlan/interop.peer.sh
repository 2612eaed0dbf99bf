#!/bin/bash
# Wire interop with a peer VM (scripts/vm-run --peer): VLAN 100 on eth0 of
# both VMs; this VM's implementation tags, the peer's untags, and back.
. "$RVNET_TESTS/lib.sh"

ip link set eth0 up
ip link add link eth0 name eth0.100 type vlan id 100
ip addr add 192.0.2.1/24 dev eth0.100
ip link set eth0.100 up
peer "ip link set eth0 up && ip link add link eth0 name eth0.100 type vlan id 100 &&
	ip addr add 192.0.2.2/24 dev eth0.100 && ip link set eth0.100 up" || fail "peer set-up"
ping -c 3 -W 3 192.0.2.2 || fail "no ping to the peer over VLAN 100"
peer "ping -c 3 -W 3 192.0.2.1" || fail "no ping from the peer over VLAN 100"
pass "VLAN 100 interoperates with the peer ($RVNET_PEER)"
ip link del eth0.100
unload_vlan
