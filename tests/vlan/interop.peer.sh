#!/bin/bash
# Wire interop with a peer VM (scripts/vm-run --peer): VLAN 100 on eth0 of
# both VMs; this VM's implementation tags, the peer's untags, and back.
. "$RVNET_TESTS/lib.sh"

modprobe "$VLAN_MODULE"
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

# Priority-tagged frames (VLAN 0): a NIC that filters VLANs in hardware
# (virtio-net does) gets VLAN 0 in its filter when it comes up, so that the
# peer's frames sent through its VLAN 0 device get in.
ip link set eth1 up
dmesg | grep -q "adding VLAN 0 to HW filter on device eth1" || fail "VLAN 0 not added to eth1's filter"
peer "ip link set eth1 up && ip link add link eth1 name eth1.0 type vlan id 0 &&
	ip addr add 198.51.100.2/24 dev eth1.0 && ip link set eth1.0 up" || fail "peer set-up (VLAN 0)"
timeout 20 tcpdump -l -n -e -c 1 -i eth1 arp >/tmp/vid0.txt 2>/tmp/vid0.err &
dump=$!
wait_for grep -q "listening on" /tmp/vid0.err || fail "tcpdump did not start on eth1"
peer "ping -c 2 -W 1 198.51.100.1" || true
wait $dump || true
cat /tmp/vid0.txt
grep -q "vlan 0, p 0, ethertype ARP" /tmp/vid0.txt || fail "priority-tagged frames from the peer did not get in"
pass "priority-tagged frames pass the hardware VLAN filter"
ip link set eth1 down
unload_vlan
