#!/bin/bash
# Loads rvnet's modules, whose KUnit suites run at load, and prints the
# KTAP they logged. tests/kunit.host.sh parses it.
. "$RVNET_TESTS/lib.sh"
echo "rvnet: kunit start" >/dev/kmsg
modprobe "$VLAN_MODULE"
modprobe "$BOND_MODULE"
modprobe "$BRIDGE_MODULE"
modprobe sch_teql
modprobe "$IPIP_MODULE"
modprobe "$ALIAS_MODULE"
echo "---- BEGIN KTAP ----"
dmesg | sed -n '/rvnet: kunit start/,$p' | sed -n '/KTAP version/,$p'
echo "---- END KTAP ----"
unload_vlan
unload_bond
unload_module "$BRIDGE_MODULE"
unload_module "$TEQL_MODULE"
unload_module "$IPIP_MODULE"
unload_module "$ALIAS_MODULE"
