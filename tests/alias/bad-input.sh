#!/bin/bash
# Requests macvlan.ko refuses, refused with the same errno: no lower, a
# loopback or non-Ethernet lower, a lower whose receive handler is taken (a
# bridge port), a second passthru macvlan or a passthru one next to others,
# a group or zero address, an address in use (on up), an MTU above the
# lower's, macaddr commands outside source mode, switching into passthru.
. "$RVNET_TESTS/lib.sh"

# refused ERRNO_TEXT CMD...: CMD must fail with ERRNO_TEXT (strerror) in
# iproute2's answer.
refused() {
	expect_fail "$@"
}

alias_lower
L="in_ns low"
refused "Invalid argument" $L ip link add mvx type macvlan
refused "Invalid argument" $L ip link add link lo name mvx type macvlan
$L ip link add sit1 type sit local 192.0.2.10
refused "Invalid argument" $L ip link add link sit1 name mvx type macvlan
$L ip link add br0 type bridge
$L ip link add d0 type dummy
$L ip link set d0 master br0
refused "Device or resource busy" $L ip link add link d0 name mvx type macvlan
refused "Cannot assign requested address" $L ip link add link a0 name mvx address 01:00:00:00:00:01 type macvlan
refused "Cannot assign requested address" $L ip link add link a0 name mvx address 00:00:00:00:00:00 type macvlan
refused "Invalid argument" $L ip link add link a0 name mvx mtu 1501 type macvlan
refused "Invalid argument" $L ip link add link a0 name mvx type macvlan mode vepa macaddr add 02:00:00:00:0e:01
pass "creation refused as macvlan.ko refuses it"

$L ip link add link a0 name mv1 type macvlan mode bridge
refused "Invalid argument" $L ip link add link a0 name pt0 type macvlan mode passthru
refused "Invalid argument" $L ip link set mv1 type macvlan mode passthru
refused "Invalid argument" $L ip link set mv1 type macvlan macaddr flush
# The lower's own address, and an up sibling's: taken.
$L ip link add link a0 name mv2 address 02:00:00:00:0a:01 type macvlan
refused "Address already in use" $L ip link set mv2 up
$L ip link set mv1 address 02:00:00:00:01:01 up
refused "Address already in use" $L ip link set mv2 address 02:00:00:00:01:01
$L ip link set mv2 address 02:00:00:00:01:02 up
refused "Address already in use" $L ip link set mv2 address 02:00:00:00:01:01
refused "Cannot assign requested address" $L ip link set mv2 address 01:00:00:00:00:02
pass "addresses in use refused on up and on change"

# FDB entries: unicast ones only on passthru macvlans, group ones on all.
refused "Operation not supported" $L bridge fdb add 02:00:00:00:0b:0b dev mv1
$L bridge fdb add 01:00:5e:01:02:03 dev mv1
fdb=$($L bridge fdb show dev mv1)
grep -q "^01:00:5e:01:02:03 " <<<"$fdb" || fail "mv1's FDB lacks its group: $fdb"
refused "Operation not supported" $L bridge fdb del 02:00:00:00:0b:0b dev mv1
$L bridge fdb del 01:00:5e:01:02:03 dev mv1
pass "FDB entries on a macvlan that is not passthru: groups only"

$L ip link del mv1
$L ip link del mv2
$L ip link add link a0 name pt0 type macvlan mode passthru
refused "Invalid argument" $L ip link add link a0 name pt1 type macvlan mode passthru
refused "Invalid argument" $L ip link add link a0 name mv3 type macvlan mode private
refused "Invalid argument" $L ip link set pt0 type macvlan mode vepa
pass "passthru refusals"

# A macvlan on a macvlan sits on the real device.
$L ip link del pt0
$L ip link add link a0 name mv1 type macvlan mode bridge
$L ip link add link mv1 name mv2 type macvlan mode bridge
[ "$($L ip -j link show mv2 | jq -r '.[0].link')" = a0 ] || fail "mv2 is not on a0: $($L ip -j link show mv2)"
pass "a macvlan on a macvlan is on the real lower"

unload_module "$ALIAS_MODULE"
