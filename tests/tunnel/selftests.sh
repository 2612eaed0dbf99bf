#!/bin/bash
# The kernel's own tunnel selftests (copied verbatim into tests/kselftest/,
# see its README) that fit the VM, against whichever ipip module this run
# has:
#   net/pmtu.sh pmtu_ipv4_ipv4_exception
#       IPv4 over ipip: PMTU exceptions created from the tunnel's MTU and
#       the underlay's, with routes and with nexthop objects.
# Its other tunnel cases need what this phase leaves to the C drivers or the
# kernel lacks: sit (pmtu_ipv6_ipv4_exception), FOU/GUE, VXLAN, GENEVE,
# ip6tnl, XFRM.
. "$RVNET_TESTS/lib.sh"

KSELFTEST_NEED_OK=1 KSELFTEST_ARGS=pmtu_ipv4_ipv4_exception run_kselftests net pmtu.sh
no_ip_tunnel_module
unload_module "$IPIP_MODULE"
