#!/bin/bash
# `make demo` (not a test): a VLAN link carrying a ping, and what /proc/net/vlan shows.
. "$RVNET_TESTS/lib.sh"

echo "== rvnet demo ($VLAN_MODULE)"
veth_pair left right
in_ns left ip link add link a0 name a0.100 type vlan id 100
in_ns right ip link add link b0 name b0.100 type vlan id 100
in_ns left ip addr add 192.0.2.1/24 dev a0.100
in_ns right ip addr add 192.0.2.2/24 dev b0.100
in_ns left ip link set a0.100 up
in_ns right ip link set b0.100 up
echo "== ip -d link show a0.100"
in_ns left ip -d link show a0.100
echo "== ping over VLAN 100"
in_ns left ping -c 3 192.0.2.2
echo "== /proc/net/vlan/config"
in_ns left cat /proc/net/vlan/config
echo "== /proc/net/vlan/a0.100"
in_ns left cat /proc/net/vlan/a0.100
echo "== lsmod"
lsmod
unload_vlan
