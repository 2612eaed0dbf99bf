#!/bin/bash
# Passthru mode: the macvlan takes its lower's address and (unless
# nopromisc) makes it promiscuous while up, gets every unicast frame, owns
# the lower alone, changes the lower's address when its own changes, and
# gives the lower its address and promiscuity back when deleted.
. "$RVNET_TESTS/lib.sh"

promiscuity() {
	in_ns "$1" ip -d -j link show "$2" | jq -r '.[0].promiscuity'
}
mac_of() {
	in_ns "$1" cat "/sys/class/net/$2/address"
}

alias_lower
ns_pair m1
in_ns low ip link add link a0 name pt0 netns m1 type macvlan mode passthru
[ "$(mac_of m1 pt0)" = 02:00:00:00:0a:01 ] || fail "pt0 has $(mac_of m1 pt0), not a0's address"
[ "$(promiscuity low a0)" = 0 ] || fail "a0 promiscuous before pt0 is up"
in_ns m1 ip link set pt0 up
[ "$(promiscuity low a0)" = 1 ] || fail "a0 not promiscuous with pt0 up"
[ "$(macvlan_info m1 pt0 mode)" = passthru ] || fail "pt0's mode: $(macvlan_info m1 pt0 mode)"
pass "passthru: lower's address, lower promiscuous while up"

before=$(rx_packets m1 pt0)
send_udp ext b0 02:00:00:00:0e:01 02:00:00:00:99:99
send_udp ext b0 02:00:00:00:0e:01 02:00:00:00:0a:01
sleep 0.3
[ $(($(rx_packets m1 pt0) - before)) = 2 ] || fail "pt0 did not get every unicast frame"
pass "passthru: every unicast frame reaches the macvlan"

out=$(in_ns low ip link add link a0 name mv9 type macvlan mode vepa 2>&1) &&
	fail "a second macvlan on a passthru lower was accepted"
grep -q "Invalid argument" <<<"$out" || fail "second macvlan: $out"
out=$(in_ns m1 ip link set pt0 type macvlan mode bridge 2>&1) && fail "passthru -> bridge accepted"
grep -q "Invalid argument" <<<"$out" || fail "leaving passthru: $out"
pass "passthru: alone on its lower, and stays passthru"

# Unicast FDB entries are a passthru macvlan's (its own unicast list).
in_ns m1 bridge fdb add 02:00:00:00:0b:0b dev pt0
fdb=$(in_ns m1 bridge fdb show dev pt0)
grep -q "^02:00:00:00:0b:0b " <<<"$fdb" || fail "pt0's FDB lacks 02:00:00:00:0b:0b: $fdb"
expect_fail "File exists" in_ns m1 bridge fdb add 02:00:00:00:0b:0b dev pt0
expect_fail "Operation not supported" in_ns m1 bridge fdb replace 02:00:00:00:0b:0c dev pt0
in_ns m1 bridge fdb del 02:00:00:00:0b:0b dev pt0
expect_fail "No such file or directory" in_ns m1 bridge fdb del 02:00:00:00:0b:0b dev pt0
pass "passthru: bridge fdb add/del of unicast addresses"

in_ns m1 ip link set pt0 address 02:00:00:00:0a:99
[ "$(mac_of low a0)" = 02:00:00:00:0a:99 ] || fail "a0 has $(mac_of low a0) after pt0's change"
[ "$(mac_of m1 pt0)" = 02:00:00:00:0a:99 ] || fail "pt0 has $(mac_of m1 pt0)"
pass "passthru: the macvlan's address change is the lower's"

in_ns m1 ip link del pt0
[ "$(mac_of low a0)" = 02:00:00:00:0a:01 ] || fail "a0 has $(mac_of low a0) after pt0 went, not its own"
[ "$(promiscuity low a0)" = 0 ] || fail "a0 still promiscuous after pt0 went"
pass "passthru: the lower's address and promiscuity restored"

in_ns low ip link add link a0 name pt0 netns m1 type macvlan mode passthru nopromisc
in_ns m1 ip link set pt0 up
[ "$(promiscuity low a0)" = 0 ] || fail "nopromisc: a0 promiscuous"
grep -q "mode passthru nopromisc" <<<"$(in_ns m1 ip -d link show pt0)" || fail "nopromisc not shown"
# A change that leaves the flags alone leaves the lower alone.
in_ns m1 ip link set pt0 type macvlan mode passthru
[ "$(promiscuity low a0)" = 0 ] || fail "a mode-only change touched the lower's promiscuity"
pass "passthru nopromisc leaves the lower alone"

# The lower's own address change: the macvlan follows, and the new address
# is the one the lower keeps when the macvlan goes.
in_ns low ip link set a0 address 02:00:00:00:0a:55
[ "$(mac_of m1 pt0)" = 02:00:00:00:0a:55 ] || fail "pt0 has $(mac_of m1 pt0) after a0's change"
in_ns m1 ip link del pt0
[ "$(mac_of low a0)" = 02:00:00:00:0a:55 ] || fail "a0 has $(mac_of low a0), not the address it chose"
pass "passthru follows its lower's own address changes"

unload_module "$ALIAS_MODULE"
