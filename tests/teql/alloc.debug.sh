#!/bin/bash
# Allocation failures (debug kernel only: fail-nth) in a teql qdisc's
# attachment: each try fails with ENOMEM and leaves nothing behind (no
# qdisc, no slave, the module's use count as before), or succeeds fully.
. "$RVNET_TESTS/lib.sh"

failnth_ready
modprobe sch_teql
slave='ip link add d0 address 02:00:00:00:00:10 type dummy'
# teql0 keeps the flags of its first slave (BROADCAST) once it is gone:
# one attachment first, so that each try starts from the same teql0.
eval "$slave" && tc qdisc add dev d0 root teql0 && ip link del d0
# The state: the devices, the module's use count, /proc/net/teql (rvnet's)
# and the kind of d0's root qdisc.
state() {
	local kind
	failnth_state /proc/net/teql "/sys/module/$TEQL_MODULE/refcnt"
	read -r _ kind _ < <(tc qdisc show dev d0)
	echo "d0's qdisc: $kind"
}
failnth_loop "$slave" 'tc qdisc add dev d0 root teql0' state 'ip link del d0' 'tc qdisc del dev d0 root'
unload_module "$TEQL_MODULE"
