#!/bin/bash
# Options given at creation show in `ip -d -j link` and change with
# `ip link set ... type bond`; MAC handling (the bond takes the first
# slave's MAC, slaves take the bond's, permanent MACs come back on release);
# MTU propagation; the slaves' info_slave_data.
. "$RVNET_TESTS/lib.sh"

ns_pair host sw
bond_links host sw 3
H="in_ns host"
for d in b0 b1 b2; do in_ns sw ip link set "$d" up; done

# expect DEV KEY=VALUE...: info_data of bond DEV.
expect() {
	local dev=$1 kv key want got json
	shift
	json=$($H ip -d -j link show "$dev")
	for kv in "$@"; do
		key=${kv%%=*} want=${kv#*=}
		got=$(jq -r ".[0].linkinfo.info_data.$key" <<<"$json")
		[ "$got" = "$want" ] || fail "$dev $key: '$got', expected '$want'"
	done
}

# MII monitoring, active-backup.
$H ip link add bond0 type bond mode active-backup miimon 100 updelay 200 downdelay 300 \
	peer_notify_delay 400 primary a0 primary_reselect better fail_over_mac active \
	xmit_hash_policy layer3+4 all_slaves_active 1 num_grat_arp 3 resend_igmp 5 min_links 1 \
	lp_interval 9
expect bond0 mode=active-backup miimon=100 updelay=200 downdelay=300 peer_notify_delay=400 \
	primary_reselect=better fail_over_mac=active xmit_hash_policy=layer3+4 \
	all_slaves_active=1 num_peer_notif=3 resend_igmp=5 min_links=1 lp_interval=9 \
	arp_interval=0
pass "active-backup options at creation"
$H ip link set bond0 type bond miimon 50 updelay 100 downdelay 0 primary_reselect failure \
	fail_over_mac follow xmit_hash_policy encap3+4 all_slaves_active 0 num_grat_arp 0 \
	resend_igmp 0 min_links 0
expect bond0 miimon=50 updelay=100 downdelay=0 primary_reselect=failure fail_over_mac=follow \
	xmit_hash_policy=encap3+4 all_slaves_active=0 num_peer_notif=0 resend_igmp=0 min_links=0
pass "active-backup options changed"

# ARP monitoring.
$H ip link add bond1 type bond mode active-backup arp_interval 250 \
	arp_ip_target 192.0.2.1,192.0.2.2 arp_validate all arp_all_targets all arp_missed_max 3
expect bond1 miimon=0 arp_interval=250 arp_validate=all arp_all_targets=all arp_missed_max=3
[ "$(bond_info host bond1 'arp_ip_target | join(",")')" = 192.0.2.1,192.0.2.2 ] ||
	fail "arp_ip_target $(bond_info host bond1 arp_ip_target)"
$H ip link set bond1 type bond arp_ip_target 198.51.100.7 arp_validate filter_backup arp_all_targets any
[ "$(bond_info host bond1 'arp_ip_target | join(",")')" = 198.51.100.7 ] ||
	fail "arp_ip_target after change $(bond_info host bond1 arp_ip_target)"
expect bond1 arp_validate=filter_backup arp_all_targets=any
# 16 targets at most.
$H ip link set bond1 type bond arp_ip_target "$(seq -s, -f '10.0.0.%g' 1 16)"
[ "$(bond_info host bond1 'arp_ip_target | length')" = 16 ] || fail "16 arp targets"
# Back to MII monitoring: arp_interval 0 first.
$H ip link set bond1 type bond arp_interval 0 arp_validate none
$H ip link set bond1 type bond miimon 100
expect bond1 miimon=100 arp_interval=0
pass "ARP monitoring options"

# 802.3ad.
$H ip link add bond2 type bond mode 802.3ad lacp_rate fast ad_select bandwidth min_links 2 \
	xmit_hash_policy layer2+3 ad_actor_sys_prio 100 ad_user_port_key 5 \
	ad_actor_system 02:00:00:00:ad:01 lacp_active off
expect bond2 mode=802.3ad ad_lacp_rate=fast ad_select=bandwidth min_links=2 \
	xmit_hash_policy=layer2+3 ad_actor_sys_prio=100 ad_user_port_key=5 \
	ad_actor_system=02:00:00:00:ad:01 ad_lacp_active=off miimon=100
$H ip link set bond2 type bond lacp_rate slow ad_select count lacp_active on
expect bond2 ad_lacp_rate=slow ad_select=count ad_lacp_active=on
pass "802.3ad options"

# balance-rr, balance-tlb.
$H ip link add bond3 type bond mode balance-rr packets_per_slave 7
expect bond3 mode=balance-rr packets_per_slave=7
$H ip link add bond4 type bond mode balance-tlb tlb_dynamic_lb 0
expect bond4 mode=balance-tlb tlb_dynamic_lb=0
pass "balance-rr, balance-tlb options"
for b in bond1 bond2 bond3 bond4; do $H ip link del "$b"; done

# MACs: bond0 has a random MAC until a0 comes; fail_over_mac none, so every
# slave takes the bond's MAC.
$H ip link set bond0 type bond fail_over_mac none
mac() { $H cat "/sys/class/net/$1/address"; }
m=$(mac bond0)
[ "$m" != 02:00:00:00:0a:00 ] || fail "bond0 has a0's MAC before enslaving"
for d in a0 a1 a2; do $H ip link set "$d" master bond0; done
$H ip link set bond0 up
[ "$(mac bond0)" = 02:00:00:00:0a:00 ] || fail "bond0 MAC $(mac bond0), not the first slave's"
for d in a0 a1 a2; do
	[ "$(mac "$d")" = 02:00:00:00:0a:00 ] || fail "$d MAC $(mac "$d"), not the bond's"
	[ "$(slave_info host "$d" perm_hwaddr)" = "02:00:00:00:0a:0${d#a}" ] ||
		fail "$d perm_hwaddr $(slave_info host "$d" perm_hwaddr)"
done
pass "bond takes the first slave's MAC, slaves take the bond's"

# Slave info.
is_up() { [ "$(slave_info host "$1" mii_status)" = UP ]; }
for d in a0 a1 a2; do wait_for is_up "$d" || fail "$d mii_status $(slave_info host "$d" mii_status)"; done
[ "$($H ip -d -j link show a1 | jq -r '.[0].linkinfo.info_slave_kind')" = bond ] || fail "info_slave_kind"
[ "$(slave_info host a0 state)" = ACTIVE ] || fail "a0 (primary) state $(slave_info host a0 state)"
[ "$(slave_info host a1 state)" = BACKUP ] || fail "a1 state $(slave_info host a1 state)"
[ "$(slave_info host a1 link_failure_count)" = 0 ] || fail "a1 link_failure_count"
[ "$(slave_info host a1 queue_id)" = 0 ] || fail "a1 queue_id"
$H ip link set a1 type bond_slave queue_id 5
[ "$(slave_info host a1 queue_id)" = 5 ] || fail "a1 queue_id after set $(slave_info host a1 queue_id)"
$H cat /proc/net/bonding/bond0 | grep -A6 "Interface: a1" | grep -q "Slave queue ID: 5" ||
	fail "queue id 5 not in /proc/net/bonding/bond0"
[ "$(bond_info host bond0 active_slave)" = a0 ] || fail "active_slave not the primary a0"
# primary shows once it is a slave.
[ "$(bond_info host bond0 primary)" = a0 ] || fail "primary $(bond_info host bond0 primary)"
[ "$(proc_bond host bond0 "Primary Slave")" = "a0 (primary_reselect failure)" ] ||
	fail "/proc primary: $(proc_bond host bond0 "Primary Slave")"
pass "info_slave_data: state, mii_status, perm_hwaddr, queue_id"

# Release restores the permanent MAC; the bond keeps its MAC.
$H ip link set a1 nomaster
[ "$(mac a1)" = 02:00:00:00:0a:01 ] || fail "a1 MAC $(mac a1) after release"
$H ip -d -j link show a1 | jq -e '.[0].linkinfo.info_slave_kind' >/dev/null && fail "a1 still a slave"
$H ip link set a0 nomaster
[ "$(mac a0)" = 02:00:00:00:0a:00 ] || fail "a0 MAC $(mac a0) after release"
[ "$(mac a2)" = 02:00:00:00:0a:00 ] || fail "a2 MAC changed when a0 left"
[ "$(bond_info host bond0 active_slave)" = a2 ] || fail "active_slave $(bond_info host bond0 active_slave) after a0 left"
pass "release restores permanent MACs"

# MTU propagates from the bond to the slaves, and to new slaves.
$H ip link set bond0 mtu 1400
[ "$($H cat /sys/class/net/a2/mtu)" = 1400 ] || fail "a2 MTU did not follow the bond"
$H ip link set a1 master bond0
[ "$($H cat /sys/class/net/a1/mtu)" = 1400 ] || fail "new slave a1 MTU $($H cat /sys/class/net/a1/mtu)"
$H ip link set a1 nomaster
[ "$($H cat /sys/class/net/a1/mtu)" = 1500 ] || fail "a1 MTU not restored on release"
pass "MTU propagates to slaves, the original comes back on release"

$H ip link del bond0
for d in a0 a1 a2; do
	[ "$(mac "$d")" = "02:00:00:00:0a:0${d#a}" ] || fail "$d MAC $(mac "$d") after the bond went"
done
unload_bond
