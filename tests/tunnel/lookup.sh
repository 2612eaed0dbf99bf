#!/bin/bash
# Which tunnel receives (ip_tunnel_lookup()'s order, as ipip.ko): the
# tunnel whose `link` is where the packet came in, from whichever pass;
# else the first candidate: exact (local, remote), (*, remote), (local, *),
# (*, *) (the collect_md tunnel and tunl0 among them, newest first); down
# tunnels skipped. The collect_md tunnel gets the packet with its outer
# header as metadata, and cannot answer without metadata of its own
# (tx_errors). With none of them up, the packet is refused.
. "$RVNET_TESTS/lib.sh"

tunnel_underlay
L="in_ns left"
R="in_ns right"
$L ip link add t1 type ipip local 10.0.0.1 remote 10.0.0.2
$L ip addr add 192.168.1.1/24 dev t1
$L ip link set t1 up
# Candidates on the right, each with its own address in 192.168.1.0/24 so
# that whichever receives answers from it; all deliver the echo request,
# the counters say which got it.
$R ip link add exact type ipip local 10.0.0.2 remote 10.0.0.1
$R ip link add anyl type ipip remote 10.0.0.1
$R ip link add anyl2 type ipip remote 10.0.0.1 dev b0
$R ip link add anyr type ipip local 10.0.0.2
$R ip link add wild type ipip dev b0
$R ip link add ext type ipip external
for d in exact anyl anyl2 anyr wild ext tunl0; do
	$R ip link set "$d" up
done
$R ip addr add 192.168.1.2/32 dev lo

# receiver: sends one echo request through t1 and prints which right-side
# device's rx_packets grew.
declare -A seen
snapshot() {
	local d
	for d in exact anyl anyl2 anyr wild ext tunl0; do
		seen[$d]=$(tunnel_counter right "$d" rx_packets)
	done
}
receiver() {
	local d got=()
	snapshot
	declare -A before
	for d in "${!seen[@]}"; do before[$d]=${seen[$d]}; done
	$L ping -c 1 -W 1 192.168.1.2 >/dev/null 2>&1 || true
	snapshot
	for d in "${!seen[@]}"; do
		[ "${seen[$d]}" != "${before[$d]}" ] && got+=("$d")
	done
	echo "${got[*]:-none}"
}
expect_receiver() {
	local got
	got=$(receiver)
	[ "$got" = "$1" ] || fail "received on '$got', expected '$1' ($2)"
	echo "ok: $2: $got"
}

# A `link` match returns at once, even from a later pass: anyl2 and wild
# (link b0, where the packet came in) beat the exact tunnel, which has no
# link.
expect_receiver anyl2 "(*, remote) with link b0, before exact without link"
$R ip link set anyl2 down
expect_receiver wild "(*, *) with link b0, before exact without link"
$R ip link set wild down
expect_receiver exact "exact (local, remote)"
$R ip link set exact down
expect_receiver anyl "(*, remote)"
$R ip link set anyl down
expect_receiver anyr "(local, *)"
$R ip link set anyr down
# The collect_md tunnel and tunl0 are (*, *) tunnels of the table too,
# the newer first.
$R ip route add 192.168.1.1/32 dev ext
expect_counter right ext tx_errors 0
expect_receiver ext "collect_md as (*, *)"
# Its answer, routed through it, had no metadata to go by.
expect_counter right ext tx_errors 1
expect_counter right ext tx_packets 0
$R ip link set ext down
expect_receiver tunl0 "tunl0"
$R ip link set tunl0 down
expect_receiver none "nothing up"
pass "ip_tunnel_lookup's order: a link match first, then exact, (*, remote), (local, *), (*, *) (collect_md, tunl0)"

no_ip_tunnel_module
unload_module "$IPIP_MODULE"
