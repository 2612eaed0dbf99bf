#!/bin/bash
# The kernel's own macvlan selftests (copied verbatim into tests/kselftest/,
# see its README) against whichever macvlan module this run has:
#   net/macvlan_mcast_shared_mac.sh   a multicast frame whose source is a
#                                     bridge-mode macvlan's own (shared,
#                                     VRRP-like) address still reaches it
#   drivers/net/bonding/bond_macvlan_ipvlan.sh
#                                     macvlans (every mode) and ipvlans on a
#                                     bond reach the gateway and each other
# On the debug kernel macvlan_mcast_shared_mac.sh is skipped: it gives
# tcpdump one second to start listening, which a debug VM sharing the CPU
# with others does not always make; modes.sh's bridge-mode loop-back of a
# sibling's group frame runs the same path there.
. "$RVNET_TESTS/lib.sh"

if [ -e /sys/kernel/debug/kmemleak ]; then
	echo "SKIP: selftest macvlan_mcast_shared_mac.sh on the debug kernel (its 1 s tcpdump wait)"
else
	KSELFTEST_NEED_OK=1 run_kselftests net macvlan_mcast_shared_mac.sh
fi
run_kselftests drivers/net/bonding bond_macvlan_ipvlan.sh
unload_module "$ALIAS_MODULE"
