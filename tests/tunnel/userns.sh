#!/bin/bash
# Privileges across namespaces: a container (an unprivileged user as root
# of its own user and network namespaces) has its own tunl0 and runs ipip
# tunnels through netlink and the tunnel ioctls as root does, and so with
# sit0, gre0 and their tunnels; the initial namespace's tunnels are out of its
# reach, ioctls included.
. "$RVNET_TESTS/lib.sh"
modprobe "$IPIP_MODULE"
container '
	ip link show tunl0 >/dev/null || fail "no tunl0 in the container"
	ip link add t1 type ipip local 10.0.0.1 remote 10.0.0.2
	ip link set t1 type ipip ttl 9
	ip tunnel add t2 mode ipip remote 10.0.0.3 local 10.0.0.1
	ip tunnel change t2 mode ipip remote 10.0.0.4 local 10.0.0.1
	ip tunnel show t2 | grep -q "remote 10.0.0.4" || fail "t2: $(ip tunnel show t2)"
	ip tunnel del t2
	expect_fail "Operation not permitted" ip link set t1 netns 1
	ip link del t1
	true
'
pass "ipip tunnels in a container"

ip link add t9 type ipip local 10.0.9.1 remote 10.0.9.2
expect_fail "Operation not permitted" unprivileged ip tunnel add t8 mode ipip remote 10.0.8.2
expect_fail "Operation not permitted" unprivileged ip tunnel change t9 mode ipip remote 10.0.8.2 local 10.0.9.1
expect_fail "Operation not permitted" unprivileged ip tunnel del t9
expect_fail "Operation not permitted" unprivileged ip link set t9 type ipip ttl 3
unprivileged ip tunnel show t9 | grep -q "remote 10.0.9.2" || fail "ip tunnel show t9 unprivileged"
ip link show t8 >/dev/null 2>&1 && fail "t8 exists"
pass "the initial namespace's tunnels out of its reach"

# sit, likewise.
modprobe "$SIT_MODULE"
container '
	ip link show sit0 >/dev/null || fail "no sit0 in the container"
	ip link add s1 type sit local 10.0.0.1 remote 10.0.0.2
	ip link set s1 type sit local 10.0.0.1 remote 10.0.0.2 ttl 9
	ip tunnel add s2 mode sit remote 10.0.0.3 local 10.0.0.1
	ip tunnel change s2 mode sit remote 10.0.0.4 local 10.0.0.1
	ip tunnel show s2 | grep -q "remote 10.0.0.4" || fail "s2: $(ip tunnel show s2)"
	ip tunnel del s2
	ip link del s1
	true
'
pass "sit tunnels in a container"

ip link add s9 type sit local 10.0.9.1 remote 10.0.9.2
expect_fail "Operation not permitted" unprivileged ip tunnel add s8 mode sit remote 10.0.8.2
expect_fail "Operation not permitted" unprivileged ip tunnel change s9 mode sit remote 10.0.8.2 local 10.0.9.1
expect_fail "Operation not permitted" unprivileged ip tunnel del s9
expect_fail "Operation not permitted" unprivileged ip link set s9 type sit ttl 3
ip link show s8 >/dev/null 2>&1 && fail "s8 exists"
pass "the initial namespace's sit tunnels out of its reach"

# gre and gretap likewise (ip_gre.ko's ipgre_changelink and ioctls check
# the same capability).
modprobe "$GRE_MODULE"
container '
	ip link show gre0 >/dev/null || fail "no gre0 in the container"
	ip link add g1 type gre local 10.0.0.1 remote 10.0.0.2 key 1 csum
	ip link set g1 type gre ttl 9 noseq
	ip link add tap1 type gretap local 10.0.0.1 remote 10.0.0.2
	ip tunnel add g2 mode gre remote 10.0.0.3 local 10.0.0.1 key 2
	ip tunnel change g2 mode gre remote 10.0.0.4 local 10.0.0.1 key 2
	ip tunnel show g2 | grep -q "remote 10.0.0.4" || fail "g2: $(ip tunnel show g2)"
	ip tunnel del g2
	ip link del g1
	ip link del tap1
	true
'
pass "gre tunnels in a container"
ip link add g9 type gre local 10.0.9.1 remote 10.0.9.2 key 9
expect_fail "Operation not permitted" unprivileged ip tunnel add g8 mode gre remote 10.0.8.2
expect_fail "Operation not permitted" unprivileged ip tunnel change g9 mode gre remote 10.0.8.2 local 10.0.9.1 key 9
expect_fail "Operation not permitted" unprivileged ip link set g9 type gre ttl 3
pass "the initial namespace's gre tunnels out of its reach"
