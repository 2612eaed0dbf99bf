#!/bin/bash
# Unloading the module with VLANs present, up and busy, deletes them
# cleanly, in every namespace.
. "$RVNET_TESTS/lib.sh"

veth_pair left right
vlan_on left a0 10 192.0.2.1
vlan_on right b0 10 192.0.2.2
in_ns left ip link add link a0.10 name a0.10.20 type vlan id 20 protocol 802.1Q
ip link add r0 type veth peer name r1
ip link add link r0 name r0.30 type vlan id 30 protocol 802.1ad
ip link set r0 up
ip link set r0.30 up
in_ns left ping -f -w 3 192.0.2.2 >/dev/null 2>&1 &
flood=$!
sleep 1
modprobe -r "$VLAN_MODULE" || fail "modprobe -r with VLANs present"
wait $flood || true
grep -q "^$VLAN_MODULE " /proc/modules && fail "$VLAN_MODULE still loaded"
[ -z "$(ip -o link show type vlan)" ] || fail "VLANs left in the root namespace"
[ -z "$(in_ns left ip -o link show type vlan)" ] || fail "VLANs left in namespace left"
in_ns left ip link show a0 >/dev/null || fail "the lower went away too"
pass "unloading with VLANs present deletes them"
ip link del r0
unload_vlan
