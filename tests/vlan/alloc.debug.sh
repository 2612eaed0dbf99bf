#!/bin/bash
# Allocation failures (debug kernel only: fail-nth) in a VLAN's creation,
# QoS map change and deletion: each try fails with ENOMEM and leaves
# nothing behind, or succeeds fully.
. "$RVNET_TESTS/lib.sh"

failnth_ready
modprobe "$VLAN_MODULE"
lower='ip link add d0 address 02:00:00:00:00:10 type dummy'
vlan='ip link add link d0 name d0.5 type vlan id 5'
state='failnth_state /proc/net/vlan /proc/net/vlan/config /proc/net/vlan/d0.5'
failnth_loop "$lower" "$vlan" "$state" 'ip link del d0' 'ip link del d0.5'
failnth_loop "$lower; $vlan" 'ip link set d0.5 type vlan egress-qos-map 1:2' \
	"$state; failnth_link d0.5" 'ip link del d0'
failnth_loop "$lower; $vlan" 'ip link del d0.5' "$state" 'ip link del d0' "$vlan"
unload_vlan
