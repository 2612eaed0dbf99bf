#!/bin/bash
# Transmit spread per mode, from the slaves' tx counters (ip -s -j link),
# with frames of fixed flows sent through the bond by mausezahn:
#   balance-rr: the slaves take turns (each gets half);
#   broadcast: each slave gets every frame;
#   balance-xor (layer2, layer2+3, layer3+4): a flow always leaves through
#   one slave, many flows use both, and the slave picked for fixed flows is
#   bonding.ko's (the expected picks below were recorded from bonding.ko).
. "$RVNET_TESTS/lib.sh"

command -v mausezahn >/dev/null || fail "mausezahn missing in the VM"
ns_pair host sw
bond_links host sw 2
H="in_ns host"
in_ns sw ip link set b0 up
in_ns sw ip link set b1 up
SMAC=02:00:00:00:0a:00

# mkbond OPTIONS...: bond0 over a0 and a1 (a0 first), up.
mkbond() {
	$H ip link del bond0 2>/dev/null || true
	$H ip link add bond0 type bond "$@"
	$H ip link set a0 master bond0
	$H ip link set a1 master bond0
	$H ip link set bond0 up
	[ "$($H cat /sys/class/net/bond0/address)" = $SMAC ] || fail "bond0 did not take a0's MAC"
	is_up() { [ "$(slave_info host a0 mii_status)" = UP ] && [ "$(slave_info host a1 mii_status)" = UP ]; }
	wait_for is_up || fail "slaves not up"
	sleep 0.3
}

# send N DST_MAC DST_IP SPORT DPORT: N UDP frames from 192.0.2.1 via bond0.
send() {
	$H mausezahn bond0 -q -c "$1" -d 0 -a $SMAC -b "$2" -A 192.0.2.1 -B "$3" \
		-t udp "sp=$4,dp=$5" >/dev/null 2>&1 || fail "mausezahn failed"
}

# tx_both: the tx packet counters of a0 and a1 (sysfs: one quick read).
tx_both() {
	$H cat /sys/class/net/a0/statistics/tx_packets /sys/class/net/a1/statistics/tx_packets | paste -sd' '
}

# spread N FLOW...: sends N frames of flow FLOW (send's args after N) and
# sets d0, d1 to the tx counts of a0 and a1 meanwhile.
spread() {
	local n=$1 t0 t1 u0 u1
	shift
	read -r t0 t1 < <(tx_both)
	send "$n" "$@"
	read -r u0 u1 < <(tx_both)
	d0=$((u0 - t0))
	d1=$((u1 - t1))
}

# pick FLOW...: the slave 10 frames of FLOW all left through.
pick() {
	spread 10 "$@"
	if [ $d0 -ge 10 ] && [ $d1 = 0 ]; then echo a0
	elif [ $d1 -ge 10 ] && [ $d0 = 0 ]; then echo a1
	else fail "flow '$*' split over both slaves: a0 $d0, a1 $d1"
	fi
}

mkbond mode balance-rr
spread 100 02:00:00:00:0b:00 192.0.2.2 1000 2000
echo "balance-rr, 100 frames: a0 $d0, a1 $d1"
[ $((d0 + d1)) -ge 100 ] && [ $d0 -ge 48 ] && [ $d1 -ge 48 ] || fail "balance-rr spread a0 $d0, a1 $d1"
pass "balance-rr: both slaves take half ($d0, $d1)"

mkbond mode broadcast
spread 100 02:00:00:00:0b:00 192.0.2.2 1000 2000
echo "broadcast, 100 frames: a0 $d0, a1 $d1"
[ $d0 -ge 100 ] && [ $d1 -ge 100 ] && [ $d0 -le 102 ] && [ $d1 -le 102 ] || fail "broadcast spread a0 $d0, a1 $d1"
pass "broadcast: each slave gets every frame ($d0, $d1)"

# xor POLICY VARY EXPECTED: balance-xor with POLICY; 8 flows differing in
# VARY (dmac, dip or sport; 10 frames each) must each leave through one
# slave, together use both, and leave through EXPECTED (8 slave names).
xor() {
	local policy=$1 vary=$2 expected=$3 i got=() n0=0 n1=0 dmac dip sport s
	mkbond mode balance-xor xmit_hash_policy "$policy"
	[ "$(bond_info host bond0 xmit_hash_policy)" = "$policy" ] || fail "xmit_hash_policy not $policy"
	for i in $(seq 0 7); do
		dmac=02:00:00:00:0b:00 dip=192.0.2.2 sport=1000
		case $vary in
		dmac) dmac=02:00:00:00:0b:${DMACS[i]} ;;
		dip) dip=192.0.2.${DIPS[i]} ;;
		sport) sport=${SPORTS[i]} ;;
		esac
		s=$(pick "$dmac" "$dip" "$sport" 2000)
		[ "$s" = a0 ] && n0=$((n0 + 1)) || n1=$((n1 + 1))
		got+=("$s")
	done
	echo "balance-xor $policy: 8 flows by $vary -> ${got[*]}; a0 $n0, a1 $n1"
	[ $n0 -gt 0 ] && [ $n1 -gt 0 ] || fail "$policy: 8 flows all on one slave (a0 $n0, a1 $n1)"
	[ "${got[*]}" = "$expected" ] || fail "$policy: picks '${got[*]}', bonding.ko picks '$expected'"
	pass "balance-xor $policy: one slave per flow, both used, picks as bonding.ko's"
}
# The flows: last byte of the destination MAC, of the destination IP, and
# the UDP source port (the destination port is 2000).
DMACS=(05 12 2a 31 44 7f c3 fe)
DIPS=(2 9 17 40 77 130 201 250)
SPORTS=(1000 1003 1017 2222 4000 53 8080 33333)
xor layer2 dmac "a1 a0 a0 a1 a0 a1 a1 a0"
xor layer2+3 dip "a1 a0 a0 a1 a0 a1 a0 a1"
xor layer3+4 sport "a1 a0 a1 a1 a1 a0 a1 a1"

$H ip link del bond0
unload_bond
