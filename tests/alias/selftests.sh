#!/bin/bash
# The kernel's own macvlan selftests (copied verbatim into tests/kselftest/,
# see its README) against whichever macvlan module this run has:
#   net/macvlan_mcast_shared_mac.sh   a multicast frame whose source is a
#                                     bridge-mode macvlan's own (shared,
#                                     VRRP-like) address still reaches it
#   drivers/net/bonding/bond_macvlan_ipvlan.sh
#                                     macvlans (every mode) and ipvlans on a
#                                     bond reach the gateway and each other
# Neither runs on the debug kernel:
#   macvlan_mcast_shared_mac.sh gives tcpdump one second to start
#     listening, which a debug VM sharing the CPU with others does not
#     always make; modes.sh's bridge-mode loop-back of a sibling's group
#     frame runs the same path there.
#   bond_macvlan_ipvlan.sh takes 170 s there alone and more than its 300 s
#     beside two other VMs on two cores (48 ping runs and fixed sleeps);
#     tests/bond/tlb.sh pings through an ipvlan on a balance-tlb bond and a
#     macvlan on a balance-alb one, the stacks it builds, on every kernel.
. "$RVNET_TESTS/lib.sh"

if [ -e /sys/kernel/debug/kmemleak ]; then
	echo "SKIP: the macvlan selftests on the debug kernel (their timing; see the header)"
else
	KSELFTEST_NEED_OK=1 run_kselftests net macvlan_mcast_shared_mac.sh
	run_kselftests drivers/net/bonding bond_macvlan_ipvlan.sh
fi
unload_module "$ALIAS_MODULE"
