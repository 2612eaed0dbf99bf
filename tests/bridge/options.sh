#!/bin/bash
# Bridge options through `ip link add ... type bridge ...` and `ip link set
# ... type bridge ...`, read back with `ip -d -j link show` (units: clock_t,
# 1/100 s, as bridge.ko reports them); then link-local frames
# (01:80:c2:00:00:0X): not forwarded by default, forwarded when bit X is set
# in the bridge's group_fwd_mask (or the ingress port's), 01:80:c2:00:00:00
# forwarded with STP off, pause frames (X = 1) never; no_linklocal_learn.
. "$RVNET_TESTS/lib.sh"

ns_pair sw
S="in_ns sw"

# check BR KEY=VALUE...: each .linkinfo.info_data.KEY of BR is VALUE.
check() {
	local br=$1 kv data
	shift
	data=$($S ip -d -j link show "$br" | jq -c '.[0].linkinfo.info_data')
	for kv in "$@"; do
		[ "$(jq -r ".${kv%%=*}" <<<"$data")" = "${kv#*=}" ] ||
			fail "$br: ${kv%%=*} is $(jq -r ".${kv%%=*}" <<<"$data"), expected ${kv#*=}"
	done
}

# Multicast snooping options are set but not checked: rvnet_bridge has no
# snooping and shows no mcast_* attributes (as bridge.ko built without
# CONFIG_BRIDGE_IGMP_SNOOPING).

# Defaults.
$S ip link add br0 address 02:00:00:00:0b:ff type bridge
check br0 forward_delay=1500 hello_time=200 max_age=2000 ageing_time=30000 stp_state=0 \
	priority=32768 vlan_filtering=0 bridge_id=8000.2:0:0:0:b:ff root_id=8000.2:0:0:0:b:ff \
	root_port=0 root_path_cost=0 topology_change=0 topology_change_detected=0 \
	group_fwd_mask=0 group_addr=01:80:c2:00:00:00 no_linklocal_learn=0
pass "defaults"

# At creation.
$S ip link add br1 address 02:00:00:00:0c:ff type bridge ageing_time 1234 forward_delay 400 \
	hello_time 300 max_age 1000 stp_state 1 priority 4096 group_fwd_mask 0x4000 \
	group_address 01:80:c2:00:00:0e no_linklocal_learn 1 mcast_snooping 0
check br1 ageing_time=1234 forward_delay=400 hello_time=300 max_age=1000 stp_state=1 \
	priority=4096 group_fwd_mask=0x4000 bridge_id=1000.2:0:0:0:c:ff root_id=1000.2:0:0:0:c:ff \
	group_addr=01:80:c2:00:00:0e no_linklocal_learn=1
pass "options at creation"

# Changed.
$S ip link set br0 type bridge ageing_time 500 forward_delay 200 hello_time 100 max_age 600 \
	stp_state 1 priority 61440 group_fwd_mask 0xfff8
check br0 ageing_time=500 forward_delay=200 hello_time=100 max_age=600 stp_state=1 \
	priority=61440 group_fwd_mask=0xfff8 bridge_id=f000.2:0:0:0:b:ff root_id=f000.2:0:0:0:b:ff
# forward_delay is applied before stp_state: with STP on, 0 is out of range
# even next to stp_state 0.
expect_fail "Numerical result out of range" $S ip link set br0 type bridge stp_state 0 forward_delay 0
check br0 stp_state=1 forward_delay=200
$S ip link set br0 type bridge stp_state 0
$S ip link set br0 type bridge priority 0 group_fwd_mask 0 forward_delay 0 \
	no_linklocal_learn 1 mcast_querier 1 mcast_igmp_version 3 mcast_mld_version 2
check br0 stp_state=0 priority=0 group_fwd_mask=0 forward_delay=0 bridge_id=0000.2:0:0:0:b:ff \
	no_linklocal_learn=1
# An option refused leaves those before it (in bridge.ko's order) applied.
if $S ip link set br0 type bridge forward_delay 300 hello_time 5000 max_age 700 2>/dev/null; then
	fail "hello_time 5000 accepted"
fi
check br0 forward_delay=300 hello_time=100 max_age=600
$S ip link del br1
pass "options changed; a refused one keeps the earlier ones"

# Timers run on an STP bridge with a port up (the root sends hellos).
$S ip link set br0 type bridge stp_state 1 forward_delay 200 hello_time 200
$S ip link add v0 type veth peer name v1
$S ip link set v0 master br0
$S ip link set v0 up
$S ip link set v1 up
$S ip link set br0 up
sleep 0.5
t=$(br_info sw br0 hello_timer)
awk -v t="$t" 'BEGIN { exit !(t > 0 && t <= 200) }' || fail "hello_timer $t on the STP root"
$S ip link del br0
$S ip link del v0 2>/dev/null || true
pass "hello_timer runs on the root"

# Link-local frames.
br_switch sw2 3
Sw="in_ns sw2"
H1=02:00:00:00:0a:01
ll() { echo "01:80:c2:00:00:$1"; }
expect_delivery "01:80:c2:00:00:00 (STP group), STP off" h 3 "0 1 1" send_frames h1 eth0 $H1 "$(ll 00)"
expect_delivery "01:80:c2:00:00:01 (pause)" h 3 "0 0 0" send_frames h1 eth0 $H1 "$(ll 01)"
for x in 02 03 0e 0f; do
	expect_delivery "$(ll $x), group_fwd_mask 0" h 3 "0 0 0" send_frames h1 eth0 $H1 "$(ll $x)"
done
$Sw ip link set br0 type bridge group_fwd_mask 0x4008
for x in 03 0e; do
	expect_delivery "$(ll $x), group_fwd_mask 0x4008" h 3 "0 1 1" send_frames h1 eth0 $H1 "$(ll $x)"
done
expect_delivery "$(ll 0f), group_fwd_mask 0x4008" h 3 "0 0 0" send_frames h1 eth0 $H1 "$(ll 0f)"
$Sw ip link set br0 type bridge group_fwd_mask 0
# A port's mask may even let LACP (X = 2) through, for frames it receives.
$Sw ip link set swp1 type bridge_slave group_fwd_mask 0x4
[ "$(slave_info sw2 swp1 group_fwd_mask)" = 0x4 ] || fail "swp1 group_fwd_mask $(slave_info sw2 swp1 group_fwd_mask)"
expect_delivery "$(ll 02) from swp1, its mask 0x4" h 3 "0 1 1" send_frames h1 eth0 $H1 "$(ll 02)"
expect_delivery "$(ll 02) from swp2" h 3 "0 0 0" send_frames h2 eth0 02:00:00:00:0a:02 "$(ll 02)"
pass "link-local frames forwarded as group_fwd_mask says"

# no_linklocal_learn: the source of a link-local frame is not learned.
M=02:00:00:00:aa:01
send_frames h1 eth0 $M "$(ll 0e)"
[ "$(fdb_port sw2 br0 $M)" = swp1 ] || fail "link-local source not learned by default"
$Sw ip link set br0 type bridge no_linklocal_learn 1 fdb_flush
send_frames h1 eth0 $M "$(ll 0e)"
[ "$(fdb_state sw2 br0 $M)" = none ] || fail "link-local source learned with no_linklocal_learn 1"
send_frames h1 eth0 $M ff:ff:ff:ff:ff:ff
[ "$(fdb_port sw2 br0 $M)" = swp1 ] || fail "broadcast source not learned with no_linklocal_learn 1"
pass "no_linklocal_learn"

$Sw ip link del br0
unload_module "$BRIDGE_MODULE"
