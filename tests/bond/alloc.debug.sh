#!/bin/bash
# Allocation failures (debug kernel only: fail-nth) in a bond's creation,
# an enslave and a release: each try fails with ENOMEM and leaves nothing
# behind, or succeeds fully.
. "$RVNET_TESTS/lib.sh"

failnth_ready
modprobe "$BOND_MODULE"
slave='ip link add d0 address 02:00:00:00:00:10 type dummy'
bond='ip link add name b0 type bond mode active-backup miimon 100'
state='failnth_state /proc/net/bonding /proc/net/bonding/b0 /sys/class/net/b0/bonding/slaves \
	/sys/class/net/b0/addr_assign_type /sys/class/net/d0/addr_assign_type'
failnth_loop "$slave" "$bond" "$state" 'ip link del b0; ip link del d0' 'ip link del b0'
failnth_loop "$slave; $bond" 'ip link set d0 master b0' "$state" 'ip link del b0; ip link del d0' \
	'ip link set d0 nomaster'
failnth_loop "$slave; $bond; ip link set d0 master b0" 'ip link set d0 nomaster' "$state" \
	'ip link del b0; ip link del d0' 'ip link set d0 master b0'
unload_bond
