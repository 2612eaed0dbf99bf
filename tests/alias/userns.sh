#!/bin/bash
# Privileges across namespaces: a container (an unprivileged user as root
# of its own user and network namespaces) runs macvlans and ipvlans as root
# does, except a broadcast queue above the default, which needs
# CAP_NET_ADMIN in the initial user namespace; the initial namespace's are
# out of its reach.
. "$RVNET_TESTS/lib.sh"
modprobe "$ALIAS_MODULE"
modprobe "$IPVLAN_MODULE"
container '
	ip link add d0 type dummy
	ip link add link d0 name m0 type macvlan mode bridge
	ip link set m0 type macvlan mode vepa
	ip -d link show m0 | grep -q "macvlan mode vepa" || fail "m0: $(ip -d link show m0)"
	ip link add link d0 name m1 type macvlan bcqueuelen 1000
	expect_fail "bc_queue_len above the default requires CAP_NET_ADMIN in the initial user namespace" \
		ip link add link d0 name m2 type macvlan bcqueuelen 1001
	ip link show m2 >/dev/null 2>&1 && fail "m2 exists"
	ip link add d1 type dummy
	ip link add link d1 name i0 type ipvlan mode l3
	ip link set i0 type ipvlan mode l2
	ip -d link show i0 | grep -q "ipvlan  mode l2" || fail "i0: $(ip -d link show i0)"
	ip link del d0
	ip link del d1
	true
'
pass "macvlans and ipvlans in a container; bc_queue_len's capability"

ip link add d9 type dummy
ip link add link d9 name m9 type macvlan
expect_fail "Operation not permitted" unprivileged ip link add link d9 name m8 type macvlan
expect_fail "Operation not permitted" unprivileged ip link add link d9 name i8 type ipvlan
expect_fail "Operation not permitted" unprivileged ip link set m9 type macvlan mode private
ip -d link show m9 | grep -q "macvlan mode vepa" || fail "m9 changed"
pass "the initial namespace's out of its reach"
