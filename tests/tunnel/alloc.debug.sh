#!/bin/bash
# Allocation failures (debug kernel only: fail-nth) in an ipip tunnel's
# creation and a gre tunnel's change: each try fails with ENOMEM and
# leaves nothing behind, or succeeds fully.
. "$RVNET_TESTS/lib.sh"

failnth_ready
modprobe "$IPIP_MODULE"
modprobe "$GRE_MODULE"
state='failnth_state'
failnth_loop : 'ip link add name t0 type ipip local 192.0.2.1 remote 192.0.2.2 ttl 64' "$state" \
	'ip link del t0' 'ip link del t0'
failnth_loop 'ip link add name g0 type gre local 192.0.2.1 remote 192.0.2.2' \
	'ip link set g0 type gre local 192.0.2.1 remote 192.0.2.3 key 7' "$state; failnth_link g0" \
	'ip link del g0' 'ip link set g0 type gre local 192.0.2.1 remote 192.0.2.2 nokey'
unload_module "$IPIP_MODULE"
[ "$GRE_MODULE" = "$IPIP_MODULE" ] || unload_module "$GRE_MODULE"
