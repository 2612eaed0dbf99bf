#!/bin/bash
# Bad input is refused as 8021q refuses it, with the same message.
. "$RVNET_TESTS/lib.sh"

veth_pair left right
L="in_ns left"
expect_fail "Invalid VLAN id" $L ip link add link a0 name bad type vlan id 4095
expect_fail "Invalid VLAN id" $L ip link add link a0 name bad type vlan id 5000
expect_fail "Invalid VLAN protocol" $L ip link add link a0 name bad type vlan id 5 protocol 0x0800
expect_fail "VLAN properties not specified" $L ip link add link a0 name bad type vlan
expect_fail "VLAN id not specified" $L ip link add link a0 name bad type vlan protocol 802.1Q
expect_fail "VLANs not supported on device" $L ip link add link lo name bad type vlan id 5
$L ip link add link a0 name good type vlan id 5
expect_fail "VLAN device already exists" $L ip link add link a0 name dup type vlan id 5
expect_fail "File exists" $L ip link add link a0 name good type vlan id 6
# 802.1ad and 802.1Q ids are separate.
$L ip link add link a0 name good-ad type vlan id 5 protocol 802.1ad
expect_fail "Cannot find device" $L ip link add link nosuch name bad type vlan id 5
expect_fail "not a valid ifname" $L ip link add link a0 name aaaaaaaaaaaaaaaaaaaaa type vlan id 7
expect_fail "Invalid link address" $L ip link add link a0 name bad address 01:00:5e:00:00:01 type vlan id 8
# Nothing of the refused devices is left behind.
[ "$($L ip -o link show type vlan | wc -l)" = 2 ] || fail "unexpected VLAN devices: $($L ip -o link show type vlan)"
pass "bad input refused"

unload_vlan
