#!/bin/bash
# The kernel's own bonding selftests (copied verbatim into
# tests/kselftest/, see its README) against whichever bonding module
# this run has. Run (seconds under TCG, measured with bonding.ko):
#   bond-arp-interval-causes-panic.sh  10  mode change with arp_interval
#   dev_addr_lists.sh                   6  uc/mc address lists on slaves
#   bond_vlan_real_dev.sh               4  VLAN over a slave, stacked bonds
#   mode-1-recovery-updelay.sh         39  active-backup recovery, updelays
#   mode-2-recovery-updelay.sh         38  balance-xor recovery, updelays
# Left out (the test kernel or the VM lacks what they need, or too long):
#   bond-lladdr-target.sh        NS monitoring (ns_ip6_target), which rvnet_bond
#                                does not have yet
#   bond-break-lacpdu-tx.sh      tc flower (CONFIG_NET_CLS_FLOWER off)
#   bond_passive_lacp.sh         tc clsact/matchall (NET_SCH_INGRESS off)
#   bond_options.sh              tc clsact, and takes many minutes
#   bond-eth-type-change.sh      nlmon (CONFIG_NLMON off)
#   bond_macvlan_ipvlan.sh       run by tests/alias/selftests.sh
#   bond_stacked_header_parse.sh python3 and scapy
#   bond_ipsec_offload.sh        netdevsim, xfrm
#   netcons_over_bonding.sh      netconsole, configfs
#   bond_lacp_prio.sh            iproute2 in the VM lacks actor_port_prio
#                                (its checks then pass vacuously)
#   bond_lacp_strict.sh          iproute2 in the VM lacks lacp_strict; 110 s
# On the debug kernel (about 3x slower: 250 s for the others) the run would
# near vm-run's 600 s limit, so mode-1-recovery-updelay.sh (120 s there) is
# skipped: mode-2-recovery-updelay.sh takes the same lag_lib.sh path.
. "$RVNET_TESTS/lib.sh"

tests=(bond-arp-interval-causes-panic.sh dev_addr_lists.sh bond_vlan_real_dev.sh)
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo "SKIP: selftest mode-1-recovery-updelay.sh on the debug kernel (time; mode-2 covers its path)"
else
	tests+=(mode-1-recovery-updelay.sh)
fi
run_kselftests drivers/net/bonding "${tests[@]}" mode-2-recovery-updelay.sh
# The selftests leave their devices in the root namespace: bond0 of
# bonding.ko's own, and none of theirs.
for d in $(ip -o link show type bond | awk -F': ' '{print $2}'); do ip link del "$d"; done
unload_bond
