#!/bin/bash
# Allocation failures (debug kernel only: fail-nth) in an ipip tunnel's
# creation: each try fails with ENOMEM and leaves nothing behind, or
# succeeds fully. (A gre change is not tried yet: rvnet files the new
# endpoints and then, in a second table copy, the new GRE flags, so a
# failure in the second leaves the first applied. See README, Tunnels.)
. "$RVNET_TESTS/lib.sh"

failnth_ready
modprobe "$IPIP_MODULE"
failnth_loop : 'ip link add name t0 type ipip local 192.0.2.1 remote 192.0.2.2 ttl 64' failnth_state \
	'ip link del t0' 'ip link del t0'
unload_module "$IPIP_MODULE"

