#!/bin/bash
# ipip's datapath, as ipip.ko's: point-to-point tunnels at both ends of a
# veth, pings with exact counters, the outer header on the wire (IPIP,
# TTL, TOS and ECN inherited or set, DF), the path MTU learnt from a
# smaller underlay (ICMP frag needed to the sender), the fallback tunl0
# receiving what no tunnel takes and sending NBMA by the route's gateway
# (Calico's "via ... onlink"), the error counters (no route: carrier; a
# route back through the tunnel: collisions), and ICMP errors about tunnel
# packets turning into host unreachable for 30 s (ipip_err), and an
# external (collect_md) tunnel sending by lightweight-tunnel routes.
. "$RVNET_TESTS/lib.sh"

tunnel_underlay
L="in_ns left"
R="in_ns right"
$L ip link add t1 type ipip local 10.0.0.1 remote 10.0.0.2
$R ip link add t1 type ipip local 10.0.0.2 remote 10.0.0.1
$L ip addr add 192.168.1.1/30 dev t1
$R ip addr add 192.168.1.2/30 dev t1
$L ip link set t1 up
$R ip link set t1 up

$L ping -c 3 -W 2 -i 0.2 192.168.1.2 >/dev/null || fail "no ping through the tunnel"
for ns in left right; do
	expect_counter $ns t1 tx_packets 3
	expect_counter $ns t1 rx_packets 3
	expect_counter $ns t1 tx_bytes 252
	expect_counter $ns t1 rx_bytes 252
done
pass "3 pings through ipip, counted once each way on both ends"

# capture NS DEV PATTERN PING_ARGS...: one IPIP packet captured verbosely
# on DEV in NS while left pings; it must match PATTERN.
capture() {
	local ns=$1 dev=$2 pattern=$3 dump
	shift 3
	rm -f /tmp/wire.txt /tmp/wire.err
	in_ns "$ns" timeout 20 tcpdump -l -n -v -c 1 -i "$dev" 'ip proto 4' >/tmp/wire.txt 2>/tmp/wire.err &
	dump=$!
	wait_for grep -q "listening on" /tmp/wire.err || fail "tcpdump did not start on $dev"
	$L ping -c 2 -W 2 -i 0.3 "$@" >/dev/null || true
	wait $dump || true
	tr '\n' ' ' </tmp/wire.txt | tee /tmp/wire.one
	echo
	grep -qE -- "$pattern" /tmp/wire.one || fail "'$pattern' not seen on $dev"
}

capture right b0 "tos 0x0, ttl 64, .*flags \[DF\], proto IPIP \(4\).*10\.0\.0\.1 > 10\.0\.0\.2: .*192\.168\.1\.1 > 192\.168\.1\.2: ICMP echo request" 192.168.1.2
pass "IPIP on the wire: TTL from the route, DF (pmtudisc), TOS 0"

$L ip link set t1 type ipip local 10.0.0.1 remote 10.0.0.2 ttl 33 tos 0x10
capture right b0 "tos 0x10, ttl 33, .*flags \[DF\], proto IPIP" 192.168.1.2
$L ip link set t1 type ipip local 10.0.0.1 remote 10.0.0.2 ttl inherit tos inherit
capture right b0 "tos 0x28, ttl 61, .*proto IPIP" -Q 0x28 -t 61 192.168.1.2
# CE inside: ECT(0) outside (RFC 6040), the DSCP inherited.
capture right b0 "tos 0xa,ECT\(0\), ttl 64, .*proto IPIP" -Q 0x0b 192.168.1.2
$L ip link set t1 type ipip local 10.0.0.1 remote 10.0.0.2 ttl inherit tos 0x20 nopmtudisc
capture right b0 "tos 0x21,ECT\(1\), ttl 64, id [0-9]+, offset 0, flags \[none\], proto IPIP" -Q 0x01 -M dont 192.168.1.2
capture right b0 "tos 0x20, ttl 64, .*flags \[DF\], proto IPIP" -M do 192.168.1.2
pass "TTL, TOS and ECN set or inherited; DF from the tunnel or the inner packet"

# Received (RFC 6040): CE over a not-ECT inner packet is dropped
# (rx_frame_errors), ECT(0) over not-ECT delivered; both logged while
# log_ecn_error is set. Outer headers crafted with mausezahn: an echo
# request 192.168.1.1 > 192.168.1.2, TOS 0.
ECHO=45:00:00:2c:00:01:00:00:40:01:f7:7c:c0:a8:01:01:c0:a8:01:02:08:00:b4:35:12:34:00:01:72:76:6e:65:74:2d:65:63:6e:2d:74:65:73:74:21:21
ns_sysfs right
read -r bmac <"$NS_SYSFS/class/net/b0/address"
send_ipip() {
	$L mausezahn a0 -q -c 1 -b "$bmac" -A 10.0.0.1 -B 10.0.0.2 -t ip "proto=4,ttl=64,tos=$1,p=$ECHO"
}
param=/sys/module/$IPIP_MODULE/parameters/log_ecn_error
[ "$(cat "$param")" = Y ] || fail "log_ecn_error is not Y by default"
dmesg -C
rx=$(tunnel_counter right t1 rx_packets)
send_ipip 3
send_ipip 2
wait_for grep -q "non-ECT from 10.0.0.1 with TOS=0x2" <(dmesg) || fail "no ECN log: $(dmesg)"
dmesg | grep -q "non-ECT from 10.0.0.1 with TOS=0x3" || fail "no ECN log for CE: $(dmesg)"
expect_counter right t1 rx_frame_errors 1
expect_counter right t1 rx_errors 1
expect_counter right t1 rx_packets $((rx + 1))
echo 0 >"$param"
dmesg -C
send_ipip 2
wait_for [ "$(tunnel_counter right t1 rx_packets)" = $((rx + 2)) ] || fail "ECT(0) over not-ECT not delivered"
dmesg | grep -q "non-ECT" && fail "logged with log_ecn_error=0"
echo 1 >"$param"
pass "ECN decapsulation: CE over not-ECT dropped, ECT over not-ECT delivered, logs as log_ecn_error says"

# A smaller underlay: the tunnel answers oversized DF packets itself with
# frag needed (MTU 1280 = 1300 - 20) and the inner route learns it.
$L ip link set a0 mtu 1300
$R ip link set b0 mtu 1300
out=$($L ping -c 1 -W 1 -M do -s 1400 192.168.1.2 2>&1) && fail "an oversized DF ping passed: $out"
$L ping -c 1 -W 2 -M do -s 1200 192.168.1.2 >/dev/null || fail "a 1228-byte DF ping did not pass"
$L ip route get 192.168.1.2 | grep -q "mtu 1280" || fail "no PMTU 1280: $($L ip route get 192.168.1.2)"
$L ping -c 1 -W 2 -M dont -s 1400 192.168.1.2 >/dev/null || fail "a fragmentable 1428-byte ping did not pass"
$L ip link set a0 mtu 1500
$R ip link set b0 mtu 1500
pass "path MTU from the underlay: frag needed, route MTU 1280"

# tunl0 takes what no tunnel matches (source 10.0.0.3), and sends NBMA by
# the route's gateway.
$L ip addr add 10.0.0.3/24 dev a0
$L ip link add t3 type ipip local 10.0.0.3 remote 10.0.0.2
$L ip addr add 192.168.3.1/32 dev t3
$L ip link set t3 up
$L ip route add 192.168.3.2/32 dev t3
$R ip addr add 192.168.3.2/32 dev tunl0
$R ip link set tunl0 up
$R ip route add 192.168.3.1/32 via 10.0.0.3 dev tunl0 onlink
$L ping -c 3 -W 2 -i 0.2 -I 192.168.3.1 192.168.3.2 >/dev/null || fail "no ping through tunl0"
expect_counter right tunl0 rx_packets 3
expect_counter right tunl0 tx_packets 3
expect_counter right t1 rx_packets "$(tunnel_counter right t1 rx_packets)"
$R ip -d link show tunl0 | grep -q "ipip any remote any local any" || fail "tunl0: $($R ip -d link show tunl0)"
pass "fallback tunl0: receive of unmatched packets, NBMA transmit via the gateway"

# Error counters: no route to the remote (carrier), the remote routed
# through the tunnel itself (collisions).
$L ip link add t4 type ipip local 10.0.0.1 remote 203.0.113.1
$L ip addr add 192.168.4.1/30 dev t4
$L ip link set t4 up
$L ping -c 1 -W 1 192.168.4.2 >/dev/null 2>&1 || true
expect_counter left t4 tx_carrier_errors 1
expect_counter left t4 tx_errors 1
$L ip link add t5 type ipip local 10.0.0.1 remote 192.168.5.9
$L ip addr add 192.168.5.1/24 dev t5
$L ip link set t5 up
$L ping -c 1 -W 1 192.168.5.2 >/dev/null 2>&1 || true
expect_counter left t5 collisions 1
expect_counter left t5 tx_errors 1
pass "no route: tx_carrier_errors; route through itself: collisions"

# ICMP errors about tunnel packets: right has no tunnel for 10.0.0.4 and
# tunl0 is down, so it answers port unreachable; the next packets within
# 30 s come back as host unreachable to the sender (ipip_err, dst_link_failure).
$R ip link set tunl0 down
$L ip addr add 10.0.0.4/24 dev a0
$L ip link add t6 type ipip local 10.0.0.4 remote 10.0.0.2
$L ip addr add 192.168.6.1/30 dev t6
$L ip link set t6 up
out=$($L ping -c 3 -i 0.3 -W 1 192.168.6.2 2>&1) && fail "ping through t6 answered: $out"
grep -q "Destination Host Unreachable" <<<"$out" || fail "no host unreachable after the ICMP error: $out"
expect_counter left t6 tx_packets 3
pass "ICMP errors about tunnel packets: host unreachable to the sender"

# collect_md transmit (ip_md_tunnel_xmit): an external tunnel sends by
# lightweight-tunnel routes (encap ip), the outer destination, TTL and TOS
# from the route's key, DF only if the key asks (not from the inner
# packet); right's point-to-point t1 takes it, and its answers come back
# the same way. A route without metadata: dropped as tx_errors.
$L ip link add ipipext type ipip external
$L ip addr add 192.168.50.1/32 dev ipipext
$L ip link set ipipext up
$L ip route add 192.168.50.0/24 encap ip id 0 dst 10.0.0.2 ttl 33 tos 0x28 dev ipipext
$R ip addr add 192.168.50.2/32 dev t1
$R ip route add 192.168.50.1/32 dev t1
rx=$(tunnel_counter right t1 rx_packets)
$L ping -c 3 -W 2 -i 0.2 -I 192.168.50.1 192.168.50.2 >/dev/null || fail "no ping through the external ipip tunnel"
expect_counter left ipipext tx_packets 3
expect_counter right t1 rx_packets $((rx + 3))
capture right b0 "tos 0x28, ttl 33, .*flags \[none\], proto IPIP \(4\).*10\.0\.0\.1 > 10\.0\.0\.2: .*192\.168\.50\.1 > 192\.168\.50\.2: ICMP echo request" -I 192.168.50.1 192.168.50.2
$R ping -c 2 -W 2 -i 0.2 -I 192.168.50.2 192.168.50.1 >/dev/null || fail "no ping back through the external ipip tunnel"
# TOS 1 and TTL 0 inherit from the inner packet.
$L ip route change 192.168.50.0/24 encap ip id 0 dst 10.0.0.2 tos 1 dev ipipext
capture right b0 "tos 0x2c, ttl 61, .*proto IPIP \(4\).*10\.0\.0\.1 > 10\.0\.0\.2: .*192\.168\.50\.1 > 192\.168\.50\.2" -Q 0x2c -t 61 -I 192.168.50.1 192.168.50.2
$L ip route add 192.168.51.0/24 dev ipipext
$L ping -c 1 -W 1 -I 192.168.50.1 192.168.51.2 >/dev/null 2>&1 && fail "a ping without metadata passed"
expect_counter left ipipext tx_errors 1
expect_counter left ipipext tx_dropped 0
# No route to the key's destination: tx_carrier_errors.
$L ip route add 192.168.52.0/24 encap ip id 0 dst 203.0.113.7 dev ipipext
$L ping -c 1 -W 1 -I 192.168.50.1 192.168.52.2 >/dev/null 2>&1 && fail "a ping to an unroutable key passed"
expect_counter left ipipext tx_carrier_errors 1
expect_counter left ipipext tx_errors 2
# NBMA tunl0 takes the destination from a route's metadata (without it,
# the route's next hop 192.168.55.2 would be unreachable).
$L ip link set tunl0 up
$L ip route add 192.168.55.2/32 encap ip id 0 dst 10.0.0.2 dev tunl0
capture right b0 "proto IPIP \(4\).*10\.0\.0\.1 > 10\.0\.0\.2: .* > 192\.168\.55\.2: ICMP echo request" 192.168.55.2
expect_counter left tunl0 tx_carrier_errors 0
pass "external ipip: transmit by encap ip routes (key's destination, TTL, TOS, inherit), counters as C; NBMA tunl0 to the key's destination"

no_ip_tunnel_module
unload_module "$IPIP_MODULE"
