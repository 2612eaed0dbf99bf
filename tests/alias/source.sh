#!/bin/bash
# Source mode: a source-mode macvlan gets a copy of every frame whose
# source address is on its list (macaddr add|del|set|flush), whoever the
# frame is for; with nodst the frame goes no further. Its own address does
# not make it a unicast target. `ip -d link` shows the list ("remotes").
. "$RVNET_TESTS/lib.sh"

EXT=02:00:00:00:0e:01
OTHER=02:00:00:00:0e:77
MV1=02:00:00:00:01:01
MV2=02:00:00:00:01:02

alias_lower
ns_pair m1 m2
in_ns low ip link add link a0 name mv1 netns m1 address $MV1 type macvlan mode source macaddr add $EXT
in_ns low ip link add link a0 name mv2 netns m2 address $MV2 type macvlan mode vepa
in_ns m1 ip link set mv1 up
in_ns m2 ip link set mv2 up
[ "$(macvlan_info m1 mv1 macaddr_count)" = 1 ] || fail "macaddr_count $(macvlan_info m1 mv1 macaddr_count)"

expect_alias "from a listed source to mv2" 2 "1 1 0 0" send_udp ext b0 $EXT $MV2
expect_alias "from an unlisted source to mv2" 2 "0 1 0 0" send_udp ext b0 $OTHER $MV2
expect_alias "from an unlisted source to mv1's address" 2 "0 0 0 0" send_udp ext b0 $OTHER $MV1
expect_alias "broadcast from a listed source" 2 "1 1 1 0" send_udp ext b0 $EXT ff:ff:ff:ff:ff:ff
pass "source: listed sources copied, others not"

in_ns m1 ip link set mv1 type macvlan mode source nodst
grep -q "mode source nodst" <<<"$(in_ns m1 ip -d link show mv1)" || fail "nodst not shown"
expect_alias "nodst: from a listed source to mv2" 2 "1 0 0 0" send_udp ext b0 $EXT $MV2
pass "source nodst: the listed source's frames stop at the source macvlan"

in_ns m1 ip link set mv1 type macvlan macaddr add $OTHER
in_ns m1 ip link set mv1 type macvlan macaddr add 02:00:00:00:0e:78
[ "$(macvlan_info m1 mv1 macaddr_count)" = 3 ] || fail "macaddr_count after adds: $(macvlan_info m1 mv1 macaddr_count)"
grep -q "remotes (3)" <<<"$(in_ns m1 ip -d link show mv1)" || fail "remotes (3) not shown"
in_ns m1 ip link set mv1 type macvlan macaddr del $EXT
[ "$(macvlan_info m1 mv1 macaddr_count)" = 2 ] || fail "macaddr_count after del"
expect_alias "deleted source" 2 "0 1 0 0" send_udp ext b0 $EXT $MV2
in_ns m1 ip link set mv1 type macvlan macaddr set $EXT 02:00:00:00:0e:79
got=$(in_ns m1 ip -d -j link show mv1 | jq -r '.[0].linkinfo.info_data.macaddr_data | sort | join(" ")')
[ "$got" = "$EXT 02:00:00:00:0e:79" ] || fail "after set: $got"
in_ns m1 ip link set mv1 type macvlan macaddr flush
[ "$(macvlan_info m1 mv1 macaddr_count)" = 0 ] || fail "macaddr_count after flush"
in_ns m1 ip link set mv1 type macvlan macaddr add $EXT
# Leaving source mode empties the list.
in_ns m1 ip link set mv1 type macvlan mode vepa
in_ns m1 ip link set mv1 type macvlan mode source
[ "$(macvlan_info m1 mv1 macaddr_count)" = 0 ] || fail "the list outlived source mode"
pass "source: macaddr add, del, set, flush; the list goes with source mode"

out=$(in_ns m2 ip link set mv2 type macvlan macaddr add $EXT 2>&1) && fail "macaddr outside source mode accepted"
grep -q "Invalid argument" <<<"$out" || fail "macaddr outside source mode: $out"
pass "source: macaddr commands refused outside source mode"

unload_module "$ALIAS_MODULE"
