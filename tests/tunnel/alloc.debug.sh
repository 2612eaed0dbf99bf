#!/bin/bash
# Allocation failures (debug kernel only: fail-nth) in an ipip tunnel's
# creation: each try fails with ENOMEM and leaves nothing behind, or
# succeeds fully. (A change, `ip link set g0 type gre ... remote R key K`,
# is not tried yet: rvnet's iptunnel::update() takes the tunnel out of its
# table, stores the new parameters, and fails to put it back when an
# allocation fails there, answering ENOMEM with the change made; deleting
# the tunnel then waits for ever, "unregister_netdevice: waiting for g0 to
# become free". See README, Tunnels.)
. "$RVNET_TESTS/lib.sh"

failnth_ready
modprobe "$IPIP_MODULE"
failnth_loop : 'ip link add name t0 type ipip local 192.0.2.1 remote 192.0.2.2 ttl 64' failnth_state \
	'ip link del t0' 'ip link del t0'
unload_module "$IPIP_MODULE"
