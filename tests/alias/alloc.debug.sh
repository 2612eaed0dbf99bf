#!/bin/bash
# Allocation failures (debug kernel only: fail-nth) in a macvlan's and an
# ipvlan's creation and a macvlan's move to another namespace: each try
# fails with ENOMEM and leaves nothing behind, or succeeds fully.
. "$RVNET_TESTS/lib.sh"

failnth_ready
modprobe "$ALIAS_MODULE"
modprobe "$IPVLAN_MODULE"
lower='ip link add d0 address 02:00:00:00:00:10 type dummy'
macvlan='ip link add link d0 name mv0 type macvlan mode bridge'
state='failnth_state @x /proc/net/alias /proc/net/alias/d0'
failnth_loop "$lower" "$macvlan" "$state" 'ip link del d0'
failnth_loop "$lower" 'ip link add link d0 name iv0 type ipvlan mode l2' "$state" 'ip link del d0'
failnth_loop "$lower; $macvlan; ip netns add x" 'ip link set mv0 netns x' "$state" \
	'ip -n x link del mv0; ip netns del x; ip link del d0'
unload_module "$ALIAS_MODULE"
[ "$IPVLAN_MODULE" = "$ALIAS_MODULE" ] || unload_module "$IPVLAN_MODULE"
