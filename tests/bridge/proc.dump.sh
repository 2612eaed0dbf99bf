#!/bin/bash
# Prints what userspace sees of a fixed, deterministic set of bridges:
# `bridge -j fdb show`, `bridge -j -d link show` and `ip -d -j link show` of
# the bridges and their ports. tests/bridge/proc-diff.host.sh runs this with
# both implementations and diffs the dumps (masking ifindexes and running
# timers). Every MAC is set, so nothing depends on random addresses.
#   sw: br0 (STP, priority 4096, hello 1 s, forward_delay 2 s, max_age 6 s,
#       ageing_time 12345, group_fwd_mask 0x4000, address 192.0.2.254/24)
#       over swp1..swp3 (hosts h1..h3; swp2 cost 50 priority 20, swp3
#       learning off, flood off, bcast_flood off, group_fwd_mask 0x8) and
#       swp4 to namespace sw2's br1 (STP, default priority) over up1, and
#       up2 back to sw's swp5: a loop STP breaks (up2 blocks);
#   static, sticky and br0-local FDB entries next to learned ones.
. "$RVNET_TESTS/lib.sh"

br_switch sw 3 stp_state 1 priority 4096 hello_time 100 forward_delay 200 max_age 600 \
	ageing_time 12345 group_fwd_mask 0x4000
S="in_ns sw"
ns_pair sw2
for i in 1 2; do
	ip link add "up$i" netns sw2 address "02:00:00:00:0c:0$i" type veth \
		peer name "swp$((i + 3))" netns sw address "02:00:00:00:0b:0$((i + 3))"
done
in_ns sw2 ip link add br1 type bridge stp_state 1 hello_time 100 forward_delay 200 max_age 600
for i in 1 2; do
	$S ip link set "swp$((i + 3))" master br0 up
	in_ns sw2 ip link set "up$i" master br1 up
done
in_ns sw2 ip link set br1 up
$S ip link set swp2 type bridge_slave cost 50 priority 20
$S ip link set swp3 type bridge_slave learning off flood off bcast_flood off group_fwd_mask 0x8
$S ip addr add 192.0.2.254/24 dev br0
$S bridge fdb add 02:00:00:00:ee:01 dev swp1 master static
$S bridge fdb add 02:00:00:00:ee:02 dev swp2 master static sticky
$S bridge fdb add 02:00:00:00:ee:03 dev br0 self local

# STP settles (forwarding delay twice) and its topology change ends
# (max_age + forward_delay after the last one).
settled() {
	[ "$(port_state sw swp1)" = forwarding ] &&
		[ "$(port_state sw2 up2)" = blocking ] && [ "$(port_state sw2 up1)" = forwarding ] &&
		[ "$(br_info sw br0 topology_change)" = 0 ] && [ "$(br_info sw2 br1 topology_change)" = 0 ] &&
		[ "$(br_info sw br0 topology_change_detected)" = 0 ] &&
		[ "$(br_info sw2 br1 topology_change_detected)" = 0 ]
}
for _ in $(seq 60); do settled && break; sleep 0.5; done
settled || fail "STP did not settle"
for i in 1 2; do in_ns "h$i" ping -c 1 -W 2 192.0.2.254 >/dev/null || fail "no ping h$i -> br0"; done

# rvnet has no multicast snooping: what only snooping shows (the mcast_*
# and multicast_router attributes, the snoopers' groups 224.0.0.106 and
# ff02::6a that br0 joins) is left out of the comparison.
no_snooping='walk(if type == "object" then with_entries(select(.key | test("^(mcast|multicast)") | not)) else . end)'
fdb() {
	jq -S "sort_by(.ifname, .mac, .master // \"\") | map(select(.mac | test(\"^(01:00:5e:00:00|33:33:00:00:00):6a$\") | not))"
}
echo "---- BEGIN DUMP ----"
echo "== bridge -j fdb show (sorted)"
$S bridge -j fdb show | fdb
echo "== bridge -j fdb show (sw2, sorted)"
in_ns sw2 bridge -j fdb show | fdb
echo "== bridge -j -d link show"
$S bridge -j -d link show | jq -S "$no_snooping"
echo "== bridge -j -d link show (sw2)"
in_ns sw2 bridge -j -d link show | jq -S "$no_snooping"
for d in br0 swp1 swp2 swp3 swp4 swp5; do
	echo "== ip -d -j link show $d"
	$S ip -d -j link show "$d" | jq -S "$no_snooping"
done
for d in br1 up1 up2; do
	echo "== ip -d -j link show $d (sw2)"
	in_ns sw2 ip -d -j link show "$d" | jq -S "$no_snooping"
done
echo "---- END DUMP ----"
unload_module "$BRIDGE_MODULE"
