#!/bin/bash
# Allocation failures (debug kernel only: fail-nth) in a macvlan's and an
# ipvlan's creation: each try fails with ENOMEM and leaves nothing behind,
# or succeeds fully. (A move to another namespace is not tried: when an
# allocation fails in the kernel's own __dev_change_net_namespace(), its
# device_rename() fails and it WARNs and leaves the device without its
# sysfs, macvlan.ko's as rvnet's.)
. "$RVNET_TESTS/lib.sh"

failnth_ready
modprobe "$ALIAS_MODULE"
modprobe "$IPVLAN_MODULE"
lower='ip link add d0 address 02:00:00:00:00:10 type dummy'
state='failnth_state /proc/net/alias /proc/net/alias/d0'
failnth_loop "$lower" 'ip link add link d0 name mv0 address 02:00:00:00:00:30 type macvlan mode bridge' \
	"$state" 'ip link del d0' 'ip link del mv0'
failnth_loop "$lower" 'ip link add link d0 name iv0 type ipvlan mode l2' "$state" 'ip link del d0' 'ip link del iv0'
unload_module "$ALIAS_MODULE"
[ "$IPVLAN_MODULE" = "$ALIAS_MODULE" ] || unload_module "$IPVLAN_MODULE"
