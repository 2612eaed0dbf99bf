#!/bin/bash
# Delivery per macvlan mode, with exact per-namespace frame counts: three
# macvlans mv1..mv3 (namespaces m1..m3) on a0 (namespace low) whose peer
# b0 is the external host (namespace ext), for each of the modes private,
# vepa and bridge. Counted: each macvlan's received frames, the broadcasts
# the lower's own stack got, and what reached the wire (b0). The frames:
# from outside (unicast to mv2, broadcast, unicast to nobody, a broadcast
# and a unicast carrying mv1's source address as an external switch
# reflects them), from mv1 (broadcast, unicast to mv2), and a group mv2
# joined. Then a mode change in place, and rvnet's /proc/net/alias.
. "$RVNET_TESTS/lib.sh"

BCAST=ff:ff:ff:ff:ff:ff
EXT=02:00:00:00:0e:01
MV1=02:00:00:00:01:01
MV2=02:00:00:00:01:02

# check_mode MODE FROM_MV1_BCAST FROM_MV1_TO_MV2 REFLECTED_BCAST
check_mode() {
	local mode=$1
	alias_lower
	macvlans 3 mode "$mode"
	[ "$(macvlan_info m1 mv1 mode)" = "$mode" ] || fail "mv1's mode is $(macvlan_info m1 mv1 mode), not $mode"
	expect_alias "$mode: outside to mv2" 3 "0 1 0 0 0" send_udp ext b0 $EXT $MV2
	expect_alias "$mode: outside broadcast" 3 "1 1 1 1 0" send_udp ext b0 $EXT $BCAST
	expect_alias "$mode: outside to nobody" 3 "0 0 0 0 0" send_udp ext b0 $EXT 02:00:00:00:99:99
	expect_alias "$mode: mv1 broadcast" 3 "$2" send_udp m1 mv1 $MV1 $BCAST
	expect_alias "$mode: mv1 to mv2" 3 "$3" send_udp m1 mv1 $MV1 $MV2
	expect_alias "$mode: mv1's broadcast reflected" 3 "$4" send_udp ext b0 $MV1 $BCAST
	expect_alias "$mode: mv1's unicast to mv2 reflected" 3 "0 1 0 0 0" send_udp ext b0 $MV1 $MV2
	# A group only mv2 subscribed: mv2 gets it (the others' filters are
	# hashes, so only mv2's count is exact).
	in_ns m2 ip maddr add 01:00:5e:01:02:03 dev mv2
	local before
	before=$(rx_packets m2 mv2)
	send_udp ext b0 $EXT 01:00:5e:01:02:03 239.1.2.3
	sleep 0.3
	[ $(($(rx_packets m2 mv2) - before)) = 1 ] || fail "$mode: mv2 did not get its group's frame"
	echo "ok: $mode: a group mv2 joined reaches mv2"
	if [ -d /proc/net/alias ]; then
		local want
		want="mv1 kind macvlan mode $mode flags - mac $MV1
mv2 kind macvlan mode $mode flags - mac $MV2
mv3 kind macvlan mode $mode flags - mac 02:00:00:00:01:03"
		[ "$(in_ns low cat /proc/net/alias/a0)" = "$want" ] ||
			fail "/proc/net/alias/a0: $(in_ns low cat /proc/net/alias/a0)"
		echo "ok: /proc/net/alias/a0 lists mv1..mv3"
	fi
	del_namespaces
	pass "mode $mode delivers as macvlan.ko"
}

#                 mv1 bcast    mv1->mv2     reflected bcast
check_mode private "0 0 0 0 1" "0 0 0 0 1" "1 0 0 0 0"
check_mode vepa "0 0 0 0 1" "0 0 0 0 1" "0 1 1 1 0"
check_mode bridge "0 1 1 0 1" "0 1 0 0 0" "1 1 1 1 0"

# A mode change applies at once: mv1 vepa -> bridge reaches mv2 directly.
alias_lower
macvlans 2 mode vepa
expect_alias "vepa: mv1 to mv2" 2 "0 0 0 1" send_udp m1 mv1 $MV1 $MV2
in_ns m1 ip link set mv1 type macvlan mode bridge
in_ns m2 ip link set mv2 type macvlan mode bridge
[ "$(macvlan_info m1 mv1 mode)" = bridge ] || fail "mv1 not in bridge mode after the change"
expect_alias "now bridge: mv1 to mv2" 2 "0 1 0 0" send_udp m1 mv1 $MV1 $MV2
pass "mode changes apply to the datapath"
del_namespaces

# The broadcast queue holds at most the largest bcqueuelen of the
# port's macvlans: with 0, broadcasts reach no macvlan (the lower keeps
# its copy) and count as dropped on the lower.
alias_lower
macvlans 2 mode bridge bcqueuelen 0
used() {
	in_ns "$1" ip -d link show "$2" | grep -o 'usedbcqueuelen [0-9]*'
}
[ "$(used m1 mv1)" = "usedbcqueuelen 0" ] || fail "mv1: $(used m1 mv1)"
dropped=$(in_ns low cat /sys/class/net/a0/statistics/rx_dropped)
expect_alias "queue of 0: outside broadcast" 2 "0 0 1 0" send_udp ext b0 $EXT $BCAST
[ $(($(in_ns low cat /sys/class/net/a0/statistics/rx_dropped) - dropped)) = 1 ] ||
	fail "the broadcast the queue refused is not counted as dropped on a0"
in_ns m2 ip link set mv2 type macvlan bcqueuelen 5
[ "$(used m1 mv1)" = "usedbcqueuelen 5" ] || fail "mv1 after mv2 asked for 5: $(used m1 mv1)"
expect_alias "queue of 5: outside broadcast" 2 "1 1 1 0" send_udp ext b0 $EXT $BCAST
pass "the broadcast queue's length is the port's largest bcqueuelen"

unload_module "$ALIAS_MODULE"
