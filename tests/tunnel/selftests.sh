#!/bin/bash
# The kernel's own tunnel selftests (copied verbatim into tests/kselftest/,
# see its README) that fit the VM, against whichever ipip module this run
# has:
#   net/pmtu.sh pmtu_ipv4_ipv4_exception
#       IPv4 over ipip: PMTU exceptions created from the tunnel's MTU and
#       the underlay's, with routes and with nexthop objects.
#   net/rtnetlink.sh kci_test_gre, kci_test_gretap, kci_test_erspan
#       `ip tunnel add mode gre` with an address, route and netconf;
#       gretap with seq and key, and external, in a namespace; erspan
#       versions 1 and 2 and external.
# Their other tunnel cases need what this phase leaves to the C drivers or
# the kernel lacks: sit (pmtu_ipv6_ipv4_exception), FOU/GUE, VXLAN,
# GENEVE, ip6tnl, ip6gre and ip6erspan, XFRM.
. "$RVNET_TESTS/lib.sh"

KSELFTEST_NEED_OK=1 KSELFTEST_ARGS=pmtu_ipv4_ipv4_exception run_kselftests net pmtu.sh
# rtnetlink.sh's -t takes one word here: a run per subtest, each of which
# must report its PASS (a skip would not).
for t in "kci_test_gre:gre tunnel endpoint" "kci_test_gretap:gretap" "kci_test_erspan:erspan"; do
	KSELFTEST_ARGS="-t ${t%%:*}" run_kselftests net rtnetlink.sh
	grep -qx "PASS: ${t#*:}" /tmp/kselftest.out || fail "${t%%:*} did not pass"
done
no_ip_tunnel_module
unload_module "$IPIP_MODULE"
[ "$GRE_MODULE" = "$IPIP_MODULE" ] || unload_module "$GRE_MODULE"
