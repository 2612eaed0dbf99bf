#!/bin/bash
# `make demo` (not a test): a VLAN link carrying a ping, and what /proc/net/vlan shows.
. "$RVNET_TESTS/lib.sh"

echo "== rvnet demo ($VLAN_MODULE)"
veth_pair left right
vlan_on left a0 100 192.0.2.1
vlan_on right b0 100 192.0.2.2
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
