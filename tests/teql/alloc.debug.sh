#!/bin/bash
# Allocation failures (debug kernel only: fail-nth) in a teql qdisc's
# attachment: each try fails with ENOMEM and leaves nothing behind (no
# qdisc, no slave, the module's use count as before), or succeeds fully.
. "$RVNET_TESTS/lib.sh"

failnth_ready
modprobe sch_teql
failnth_loop 'ip link add d0 address 02:00:00:00:00:10 type dummy' 'tc qdisc add dev d0 root teql0' \
	"failnth_state /proc/net/teql /sys/module/$TEQL_MODULE/refcnt" 'ip link del d0'
unload_module "$TEQL_MODULE"
