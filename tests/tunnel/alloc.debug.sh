#!/bin/bash
# Allocation failures (debug kernel only: fail-nth) in an ipip tunnel's
# creation and a gre tunnel's change (new remote and key, which refiles it
# in its table): each try fails with ENOMEM and leaves the tunnel as it
# was (its parameters included, and it can still be deleted), or succeeds
# fully.
. "$RVNET_TESTS/lib.sh"

failnth_ready
modprobe "$IPIP_MODULE"
failnth_loop : 'ip link add name t0 type ipip local 192.0.2.1 remote 192.0.2.2 ttl 64' failnth_state \
	'ip link del t0' 'ip link del t0'
unload_module "$IPIP_MODULE"

modprobe "$GRE_MODULE"
# gre0 and the other fallback devices are up to the kind; only g0 is read.
gre_state() { failnth_state && ip -d link show dev g0 | sed 1d; }
failnth_loop 'ip link add name g0 type gre local 192.0.2.1 remote 192.0.2.2' \
	'ip link set g0 type gre local 192.0.2.1 remote 192.0.2.3 key 7' gre_state 'ip link del g0'
unload_module "$GRE_MODULE"
