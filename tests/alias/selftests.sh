#!/bin/bash
# The kernel's own macvlan selftests (copied verbatim into tests/kselftest/,
# see its README) against whichever macvlan module this run has:
#   net/macvlan_mcast_shared_mac.sh   a multicast frame whose source is a
#                                     bridge-mode macvlan's own (shared,
#                                     VRRP-like) address still reaches it
#   drivers/net/bonding/bond_macvlan_ipvlan.sh
#                                     macvlans (every mode) and ipvlans on a
#                                     bond reach the gateway and each other
. "$RVNET_TESTS/lib.sh"

KSELFTEST_NEED_OK=1 run_kselftests net macvlan_mcast_shared_mac.sh
run_kselftests drivers/net/bonding bond_macvlan_ipvlan.sh
unload_module "$ALIAS_MODULE"
