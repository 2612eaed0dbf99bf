#!/bin/bash
# What ethtool says of a VLAN device: 8021q's driver identity, the lower's
# link settings, the link state.
. "$RVNET_TESTS/lib.sh"

veth_pair left right
vlan_on left a0 100 192.0.2.1
L="in_ns left"
$L ethtool -i a0.100 | tee /tmp/drvinfo
grep -qx "driver: 802.1Q VLAN Support" /tmp/drvinfo || fail "driver name"
grep -qx "version: 1.8" /tmp/drvinfo || fail "driver version"
grep -qx "firmware-version: N/A" /tmp/drvinfo || fail "firmware version"
$L ethtool a0.100 | tee /tmp/link
grep -q "Speed: 10000Mb/s" /tmp/link || fail "link settings are not the lower's"
grep -q "Link detected: yes" /tmp/link || fail "link state"
$L ip link set a0 down
wait_for sh -c "ip netns exec left ethtool a0.100 | grep -q 'Link detected: no'" || fail "link state after the lower went down"
pass "ethtool reports as with 8021q"
unload_vlan
