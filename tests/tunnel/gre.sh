#!/bin/bash
# gre and gretap, as ip_gre.ko's: tunnels with key, checksums and sequence
# numbers pinged between two namespaces with exact counters and the GRE
# header checked on the wire; keys isolating tunnels between the same
# endpoints; receive checks counted as C counts them (checksum flag
# mismatch: rx_crc_errors; missing or old sequence numbers:
# rx_fifo_errors; a bad checksum: the underlay's rx_dropped); MTU
# defaults by flags and their change with the flags; ICMP errors about
# tunnel packets; gretap as a bridge port; erspan versions 1 and 2 pinged
# both ways with their headers checked on the wire, type I received; bad
# input with ip_gre.ko's errnos; the module removed with tunnels alive in
# several namespaces.
. "$RVNET_TESTS/lib.sh"

tunnel_underlay
L="in_ns left"
R="in_ns right"

# link_field NS DEV JQ: a field of `ip -d -j link show DEV` in NS.
link_field() {
	in_ns "$1" ip -d -j link show "$2" | jq -c ".[0] | $3"
}

$L ip link add g1 type gre local 10.0.0.1 remote 10.0.0.2 key 42 csum seq
$R ip link add g1 type gre local 10.0.0.2 remote 10.0.0.1 key 42 csum seq
$L ip addr add 192.168.1.1/30 dev g1
$R ip addr add 192.168.1.2/30 dev g1
# No IPv6 link-local addresses, so no packets but the pings (gre has IPv6).
$L ip link set g1 addrgenmode none
$R ip link set g1 addrgenmode none
$L ip link set g1 up
$R ip link set g1 up
$L ping -c 3 -W 2 -i 0.2 192.168.1.2 >/dev/null || fail "no ping through gre"
for ns in left right; do
	expect_counter $ns g1 tx_packets 3
	expect_counter $ns g1 rx_packets 3
	expect_counter $ns g1 tx_bytes 252
	expect_counter $ns g1 rx_bytes 252
done
[ "$(link_field left g1 '[.link_type, .mtu, .flags]')" = '["gre",1464,["POINTOPOINT","NOARP","UP","LOWER_UP"]]' ] ||
	fail "g1: $(link_field left g1 '[.link_type, .mtu, .flags]')"
pass "3 pings through gre with key, csum and seq; link/gre, MTU 1464"

# capture NS DEV PATTERN PING_ARGS...: one GRE packet (of at least
# $MIN_LEN bytes) captured verbosely (tcpdump $CAPTURE_OPTS) on DEV in NS
# while left pings; it must match PATTERN.
MIN_LEN=0
capture() {
	local ns=$1 dev=$2 pattern=$3 dump
	shift 3
	rm -f /tmp/wire.txt /tmp/wire.err
	in_ns "$ns" timeout 20 tcpdump -l -n ${CAPTURE_OPTS:--v} -c 1 -i "$dev" "ip proto 47 and greater $MIN_LEN" >/tmp/wire.txt 2>/tmp/wire.err &
	dump=$!
	wait_for grep -q "listening on" /tmp/wire.err || fail "tcpdump did not start on $dev"
	$L ping -c 2 -W 2 -i 0.3 "$@" >/dev/null || true
	wait $dump || true
	tr '\n' ' ' </tmp/wire.txt | tee /tmp/wire.one
	echo
	grep -qE -- "$pattern" /tmp/wire.one || fail "'$pattern' not seen on $dev"
}

# The fourth packet: sequence numbers count from 0.
capture right b0 "flags \[DF\], proto GRE \(47\).*10\.0\.0\.1 > 10\.0\.0\.2: GREv0, Flags \[checksum present, key present, sequence# present\], sum 0x[0-9a-f]+, off 0x0, key=0x2a, seq 3, .*192\.168\.1\.1 > 192\.168\.1\.2: ICMP echo request" 192.168.1.2
expect_counter right g1 rx_crc_errors 0
# `ip link set` keeps what it is not told (iproute2 reads the tunnel
# first): left stops checksums and sequence numbers.
$L ip link set g1 type gre nocsum noseq ttl 9 tos 0x10
capture right b0 "tos 0x10, ttl 9, .*GREv0, Flags \[key present\], key=0x2a, " 192.168.1.2
# The receiver still wants checksums: it counts the mismatch (these two
# pings) as C does.
expect_counter right g1 rx_crc_errors 2
expect_counter right g1 rx_errors 2
# Checksums again, but no sequence numbers for right's iseq.
$L ip link set g1 type gre csum ttl inherit tos 0
$L ping -c 1 -W 1 192.168.1.2 >/dev/null 2>&1 && fail "a ping without sequence numbers passed an iseq tunnel"
expect_counter right g1 rx_fifo_errors 1
expect_counter right g1 rx_errors 3
$R ip link set g1 type gre noiseq
$L ping -c 2 -W 2 -i 0.2 192.168.1.2 >/dev/null || fail "no ping after the flags changed"
pass "GRE on the wire: flags, checksum, key, sequence from 0; TTL and TOS; rx_crc_errors, rx_fifo_errors"

# MTU defaults from the flags, and their change with the flags.
$L ip link add m0 type gre remote 10.0.0.20
$L ip link add m1 type gre remote 10.0.0.21 key 1
$L ip link add m2 type gre remote 10.0.0.22 key 1 csum
$L ip link add m3 type gre remote 10.0.0.23 key 1 csum seq
$L ip link add m4 type gretap remote 10.0.0.24
$L ip link add m5 type gretap remote 10.0.0.25 key 1 csum seq
got=$(for d in m0 m1 m2 m3 m4 m5; do link_field left $d .mtu; done | tr '\n' ' ')
[ "$got" = "1476 1472 1468 1464 1462 1450 " ] || fail "MTUs by flags: $got"
$L ip link set m0 type gre key 1 csum
$L ip link set m3 type gre nokey nocsum noseq
$L ip link set m5 mtu 1000
$L ip link set m5 type gretap nokey nocsum noseq
got=$(for d in m0 m3 m5; do link_field left $d .mtu; done | tr '\n' ' ')
[ "$got" = "1468 1476 1012 " ] || fail "MTUs after flag changes: $got"
expect_fail "Invalid argument" $L ip link set m0 mtu 65504
$L ip link set m0 mtu 65503
expect_fail "Invalid argument" $L ip link set m4 mtu 65498
$L ip link set m4 mtu 65497
$L ip link add m6 mtu 65535 type gre remote 10.0.0.26
[ "$(link_field left m6 .mtu)" = 65511 ] || fail "m6's MTU not clamped: $(link_field left m6 .mtu)"
pass "MTU: 1476/1472/1468/1464, gretap 1462; flag changes move it; limits by header length"

# Keys isolate tunnels between the same endpoints: key 43 reaches only
# the key-43 tunnel; key 44, which no tunnel of right has, none (right's
# gre0 is down: port unreachable).
$L ip link add g3 type gre local 10.0.0.1 remote 10.0.0.2 key 43
$R ip link add g3 type gre local 10.0.0.2 remote 10.0.0.1 key 43
$L ip link add g4 type gre local 10.0.0.1 remote 10.0.0.2 key 44
$L ip addr add 192.168.3.1/30 dev g3
$R ip addr add 192.168.3.2/30 dev g3
$L ip addr add 192.168.4.1/30 dev g4
for d in g3 g4; do $L ip link set $d up; done
$R ip link set g3 up
rx1=$(tunnel_counter right g1 rx_packets)
$L ping -c 2 -W 2 -i 0.2 192.168.3.2 >/dev/null || fail "no ping through key 43"
expect_counter right g3 rx_packets 2
expect_counter right g1 rx_packets "$rx1"
$L ping -c 2 -W 1 -i 0.2 192.168.4.2 >/dev/null 2>&1 && fail "key 44 answered"
expect_counter right g3 rx_packets 2
expect_counter right g1 rx_packets "$rx1"
expect_counter right gre0 rx_packets 0
pass "keys isolate tunnels between the same endpoints"

# ICMP errors about tunnel packets: right answered key 44 with port
# unreachable, which ipgre_err() ignores ("impossible event"); right
# routing g5's packets to nowhere answers net unreachable, which counts:
# the next pings within 30 s get host unreachable (dst_link_failure).
out=$($L ping -c 2 -i 0.3 -W 1 192.168.4.2 2>&1) && fail "ping through g4 answered: $out"
grep -q "Unreachable" <<<"$out" && fail "port unreachable about key 44 reached the sender: $out"
in_ns right sysctl -qw net.ipv4.ip_forward=1
$L ip route add 10.9.0.0/24 via 10.0.0.2
$L ip link add g5 type gre local 10.0.0.1 remote 10.9.0.9 key 55
$L ip addr add 192.168.5.1/30 dev g5
$L ip link set g5 up
out=$($L ping -c 3 -i 0.3 -W 1 192.168.5.2 2>&1) && fail "ping through g5 answered: $out"
grep -q "Destination Host Unreachable" <<<"$out" || fail "no host unreachable after the ICMP error: $out"
pass "ICMP errors about tunnel packets: port unreachable ignored, others host unreachable to the sender"

# Crafted packets (mausezahn) to a tunnel with key 47 and iseq: an echo
# request 192.168.1.1 > 192.168.1.2 behind GRE K|S headers; an old
# sequence number is rx_fifo_errors; a GRE checksum that does not verify
# is dropped before the lookup (the underlay's rx_dropped).
$R ip link add g7 type gre local 10.0.0.2 remote 10.0.0.1 ikey 47 iseq
$R ip link set g7 up
ECHO=45:00:00:2c:00:01:00:00:40:01:f7:7c:c0:a8:01:01:c0:a8:01:02:08:00:b4:35:12:34:00:01:72:76:6e:65:74:2d:65:63:6e:2d:74:65:73:74:21:21
ns_sysfs right
read -r bmac <"$NS_SYSFS/class/net/b0/address"
send_gre() {
	$L mausezahn a0 -q -c 1 -b "$bmac" -A 10.0.0.1 -B 10.0.0.2 -t ip "proto=47,ttl=64,p=$1:$ECHO"
}
send_gre 30:00:08:00:00:00:00:2f:00:00:00:64
wait_for [ "$(tunnel_counter right g7 rx_packets)" = 1 ] || fail "seq 100 not received"
send_gre 30:00:08:00:00:00:00:2f:00:00:00:32
send_gre 30:00:08:00:00:00:00:2f:00:00:00:65
wait_for [ "$(tunnel_counter right g7 rx_packets)" = 2 ] || fail "seq 101 not received"
expect_counter right g7 rx_fifo_errors 1
drops=$($R ip -j -s link show b0 | jq '.[0].stats64.rx.dropped')
send_gre b0:00:08:00:12:34:00:00:00:00:00:2f:00:00:00:66
wait_for [ "$($R ip -j -s link show b0 | jq '.[0].stats64.rx.dropped')" = $((drops + 1)) ] ||
	fail "a bad GRE checksum not counted on b0"
# A routing bit: refused by the parser too.
send_gre 70:00:08:00:00:00:00:2f:00:00:00:67
wait_for [ "$($R ip -j -s link show b0 | jq '.[0].stats64.rx.dropped')" = $((drops + 2)) ] ||
	fail "a GRE routing bit not counted on b0"
expect_counter right g7 rx_packets 2
expect_counter right g7 rx_crc_errors 0
pass "sequence numbers: old ones rx_fifo_errors; bad checksums and routing bits dropped as the underlay's rx_dropped"

# gretap: an Ethernet device with a random address, a bridge port on
# right joining left's gretap to a third namespace.
$L ip link add tap1 type gretap local 10.0.0.1 remote 10.0.0.2 key 9
$R ip link add tap1 type gretap local 10.0.0.2 remote 10.0.0.1 key 9
[ "$(link_field left tap1 '[.link_type, .mtu, .address != "00:00:00:00:00:00"]')" = '["ether",1458,true]' ] ||
	fail "tap1: $(link_field left tap1 '[.link_type, .mtu, .address]')"
[ "$(link_field left gretap0 .address)" = '"00:00:00:00:00:00"' ] || fail "gretap0's address"
ip netns add far
ip link add c0 netns right type veth peer name d0 netns far
$R ip link add br0 type bridge
$R ip link set tap1 master br0
$R ip link set c0 master br0
for d in br0 tap1 c0; do $R ip link set $d up; done
in_ns far ip addr add 192.168.9.2/24 dev d0
in_ns far ip link set d0 up
$L ip addr add 192.168.9.1/24 dev tap1
$L ip link set tap1 up
$L ping -c 3 -W 2 -i 0.2 192.168.9.2 >/dev/null || fail "no ping through gretap and the bridge"
# A big ping, not the IPv6 neighbour traffic on the bridge.
MIN_LEN=300
capture right b0 "GREv0, Flags \[key present\], key=0x9, length 350 .*192\.168\.9\.1 > 192\.168\.9\.2: ICMP echo request" -s 300 192.168.9.2
$L ip link set tap1 address 02:00:00:00:00:09
[ "$(link_field left tap1 .address)" = '"02:00:00:00:00:09"' ] || fail "gretap address change"
pass "gretap: Ethernet over GRE through a bridge port, random address (gretap0's zero)"

# Bad input, errno for errno.
expect_fail "File exists" $L ip link add x1 type gre local 10.0.0.1 remote 10.0.0.2 key 43
expect_fail "File exists" $L ip link add x1 type gre
$L ip link add x1 type gre local 10.0.0.1 remote 10.0.0.2 key 45
expect_fail "Invalid argument" $L ip link add x2 type gre remote 10.0.0.30 ignore-df
$L ip link add x2 type gre remote 10.0.0.30 nopmtudisc ignore-df
expect_fail "Invalid argument" $L ip link set x2 type gre remote 10.0.0.30 pmtudisc
expect_fail "Invalid argument" $L ip link add x3 type gre remote 10.0.0.31 encap fou encap-dport 5555
$L ip link add e1 type gre external
[ "$(link_field left e1 .link_type)" = '"none"' ] || fail "external gre's link type: $(link_field left e1 .link_type)"
expect_fail "File exists" $L ip link add e2 type gre external
# collect_md transmit (gre_fb_xmit): the GRE flags and key from the
# lightweight-tunnel route's key, sequence numbers from 0; right's g1
# (key 42, checksums wanted) takes it and answers through left's g1. A
# route without metadata: dropped as tx_dropped. (Pings of 300 bytes:
# the capture takes packets over $MIN_LEN.)
$L ip link set e1 addrgenmode none
$L ip addr add 192.168.52.1/32 dev e1
$L ip link set e1 up
$L ip route add 192.168.52.2/32 encap ip id 42 dst 10.0.0.2 ttl 17 key csum seq dev e1
$R ip addr add 192.168.52.2/32 dev g1
$R ip route add 192.168.52.1/32 dev g1
rx=$(tunnel_counter right g1 rx_packets)
capture right b0 "tos 0x0, ttl 17, .*flags \[none\], proto GRE \(47\).*10\.0\.0\.1 > 10\.0\.0\.2: GREv0, Flags \[checksum present, key present, sequence# present\], sum 0x[0-9a-f]+, off 0x0, key=0x2a, seq 0, .*192\.168\.52\.1 > 192\.168\.52\.2: ICMP echo request" -s 300 -I 192.168.52.1 192.168.52.2
$L ping -c 2 -W 2 -i 0.2 -I 192.168.52.1 192.168.52.2 >/dev/null || fail "no ping through the external gre tunnel"
expect_counter left e1 tx_packets 4
expect_counter right g1 rx_packets $((rx + 4))
expect_counter right g1 rx_crc_errors 2
$L ip route change 192.168.52.2/32 encap ip id 0x12345678 dst 10.0.0.2 key dev e1
capture right b0 "ttl 64, .*GREv0, Flags \[key present\], key=0x12345678, .*192\.168\.52\.1 > 192\.168\.52\.2" -s 300 -I 192.168.52.1 192.168.52.2
$L ip route add 192.168.53.0/24 dev e1
$L ping -c 1 -W 1 -I 192.168.52.1 192.168.53.2 >/dev/null 2>&1 && fail "a ping without metadata passed"
expect_counter left e1 tx_dropped 1
expect_counter left e1 tx_errors 0
# External gretap: the same, Ethernet inside (a static neighbour: ARP
# requests have no route to take metadata from).
$L ip link add gtx type gretap external
$L ip addr add 192.168.54.1/24 dev gtx
$L ip link set gtx up
$L ip neigh add 192.168.54.2 lladdr 02:00:00:00:54:02 dev gtx
$L ip route add 192.168.54.2/32 encap ip id 7 dst 10.0.0.2 key dev gtx
capture right b0 "10\.0\.0\.1 > 10\.0\.0\.2: GREv0, Flags \[key present\], key=0x7, .*192\.168\.54\.1 > 192\.168\.54\.2: ICMP echo request" -s 300 -I 192.168.54.1 192.168.54.2
pass "external gre and gretap: transmit by encap ip routes (key, csum, seq, TTL from the route's key), counters as C"
expect_fail "Enabling collect_md on an existing device is not supported" $L ip link set g3 type gre external
expect_fail "Invalid argument" $L ip link set g3 type gre local 10.0.0.1 remote any key 43
expect_fail "Invalid argument" $L ip link set gre0 type gre ttl 3
expect_fail "Cannot assign requested address" $L ip link add x4 address 01:00:5e:00:00:01 type gretap remote 10.0.0.32
expect_fail "Cannot assign requested address" $L ip link add x4 address 00:00:00:00:00:00 type gretap remote 10.0.0.32
# iproute2 sends no remote 0.0.0.0: all-zero parameters, gretap0's.
expect_fail "File exists" $L ip link add x4 type gretap remote 0.0.0.0
$L ip link del gre0
$L ip link show gre0 >/dev/null || fail "ip link del gre0 deleted it"
ip netns add other
expect_fail "The interface netns is immutable" $L ip link set gretap0 netns other
pass "bad input refused as ip_gre.ko"

# erspan, ip_gre.ko's third kind: version 1 (type II) and 2 (type III)
# tunnels, one each side with the same session id (key), carry pings
# both ways (as the kernel's mirror_gre selftests pair them); MTU 1450 and
# 1446; the GRE header with only S and the ERSPAN header on the wire;
# erspan0 in every namespace; the settings as `ip -d link` shows them.
$L ip link add sp1 type erspan local 10.0.0.1 remote 10.0.0.2 seq key 100 erspan_ver 1 erspan 123
$R ip link add sp1 type erspan local 10.0.0.2 remote 10.0.0.1 seq key 100 erspan_ver 1 erspan 321
$L ip link add sp2 type erspan local 10.0.0.1 remote 10.0.0.2 seq key 200 erspan_ver 2 erspan_dir egress erspan_hwid 7
$R ip link add sp2 type erspan local 10.0.0.2 remote 10.0.0.1 seq key 200 erspan_ver 2 erspan_dir ingress erspan_hwid 0x3f
for n in 1 2; do
	$L ip addr add 192.168.2$n.1/24 dev sp$n
	$R ip addr add 192.168.2$n.2/24 dev sp$n
	for side in "$L" "$R"; do
		$side ip link set sp$n addrgenmode none
		$side ip link set sp$n up
	done
done
$L ping -c 3 -W 2 -i 0.2 192.168.21.2 >/dev/null || fail "no ping through erspan version 1"
$R ping -c 3 -W 2 -i 0.2 192.168.21.1 >/dev/null || fail "no ping back through erspan version 1"
$L ping -c 3 -W 2 -i 0.2 192.168.22.2 >/dev/null || fail "no ping through erspan version 2"
$R ping -c 3 -W 2 -i 0.2 192.168.22.1 >/dev/null || fail "no ping back through erspan version 2"
[ "$(link_field left sp1 '[.link_type, .mtu, .address != "00:00:00:00:00:00"]')" = '["ether",1450,true]' ] ||
	fail "sp1: $(link_field left sp1 '[.link_type, .mtu, .address]')"
[ "$(link_field left sp2 .mtu)" = 1446 ] || fail "sp2's MTU: $(link_field left sp2 .mtu)"
$L ip -d link show sp1 | grep -q "erspan_index 123 erspan_ver 1\|erspan_ver 1 erspan_index 123" ||
	fail "sp1: $($L ip -d link show sp1)"
$R ip -d link show sp2 | grep -q "erspan_ver 2 erspan_dir ingress erspan_hwid 0x3f" ||
	fail "right's sp2: $($R ip -d link show sp2)"
$L ip -d link show sp2 | grep -q "erspan_ver 2 erspan_dir egress erspan_hwid 0x7" ||
	fail "left's sp2: $($L ip -d link show sp2)"
[ "$(link_field left erspan0 '[.link_type, .mtu, .address, .linkinfo.info_data.erspan_ver]')" = '["ether",1450,"00:00:00:00:00:00",1]' ] ||
	fail "erspan0: $(link_field left erspan0 '[.link_type, .mtu, .address, .linkinfo.info_data]')"
for ns in left right; do
	for n in 1 2; do expect_counter $ns sp$n rx_errors 0; done
done
pass "erspan versions 1 and 2: pings both ways, MTU 1450/1446, erspan0, settings shown"

# The wire: GRE with S only (the session id is the key), the ERSPAN
# header with the version, session id and index (v1) or direction and
# hardware id (v2). A big ping, not ARP.
MIN_LEN=300
# wire_hex: the captured packet's bytes from the outer IPv4 header on.
wire_hex() {
	grep -E '^\s+0x[0-9a-f]+:' /tmp/wire.txt | sed -E 's/^\s+0x[0-9a-f]+:\s+//; s/ //g' | tr -d '\n'
}
# After the 20-byte IPv4 header: GRE S, 0x88be, the sequence number; the
# base header (version 1, session 100) and the index 123.
CAPTURE_OPTS=-x capture right b0 "" -s 300 192.168.21.2
wire_hex | grep -qE '^.{40}100088be.{8}100000640000007b' || fail "ERSPAN v1 on the wire: $(wire_hex)"
# Version 2: 0x22eb; session 200; the timestamp; SGT 0, P, hardware id 7,
# direction egress.
CAPTURE_OPTS=-x capture right b0 "" -s 300 192.168.22.2
wire_hex | grep -qE '^.{40}100022eb.{8}200000c8.{8}00008078' || fail "ERSPAN v2 on the wire: $(wire_hex)"
MIN_LEN=0
# Type I (version 0): a 4-byte GRE header and the frame, crafted, to a
# version 0 tunnel found without a key.
$R ip link add sp0 type erspan local 10.0.0.2 remote 10.0.0.1 erspan_ver 0
$R ip link set sp0 up
send_gre 00:00:88:be:02:00:00:00:00:01:02:00:00:00:00:02:08:00:$ECHO
wait_for [ "$(tunnel_counter right sp0 rx_packets)" = 1 ] || fail "type I frame not received on sp0"
pass "ERSPAN on the wire: GRE S only, session id, index, direction, hardware id; type I received"

# erspan's bad input, errno for errno.
expect_fail "Invalid argument" $L ip link add x5 type erspan remote 10.0.0.60 key 5
expect_fail "Invalid argument" $L ip link add x5 type erspan remote 10.0.0.60 seq key 5 csum
expect_fail "Invalid argument" $L ip link add x5 type erspan remote 10.0.0.60 seq key 1024
expect_fail "Invalid argument" $L ip link add x5 type erspan remote 10.0.0.60 seq key 5 erspan_ver 2 erspan_hwid 64
expect_fail "File exists" $L ip link add x5 type erspan local 10.0.0.1 remote 10.0.0.2 seq key 100
expect_fail "Enabling collect_md on an existing device is not supported" $L ip link set sp1 type erspan external
$L ip link add x6 type erspan external
expect_fail "File exists" $L ip link add x7 type erspan external
$L ip link set sp1 type erspan erspan 77
$L ip -d link show sp1 | grep -q "erspan_index 77" || fail "sp1's new index: $($L ip -d link show sp1)"
$L ip link del erspan0
$L ip link show erspan0 >/dev/null || fail "ip link del erspan0 deleted it"
expect_fail "The interface netns is immutable" $L ip link set erspan0 netns far
# Its address is zero: it cannot come up (eth_validate_addr).
expect_fail "Cannot assign requested address" $L ip link set erspan0 up
pass "erspan's bad input refused as ip_gre.ko"

# External erspan (erspan_fb_xmit): left's x6 takes the ERSPAN version,
# index, direction and hardware id from tc tunnel_key's erspan_opts and
# the session id from its id (right's sp1/sp2, sessions 100 and 200,
# find their sequence numbers old). Receive (erspan_rcv): right's external x8 attaches the
# options, which tc flower matches (session 300, no tunnel of its own).
$R ip link add x8 type erspan external
for side in "$L x6" "$R x8"; do
	${side% *} ip link set ${side##* } addrgenmode none
	${side% *} ip link set ${side##* } up
done
$L ip addr add 192.168.70.1/24 dev x6
$L ip neigh add 192.168.70.2 lladdr 02:00:00:00:70:02 dev x6
$L tc qdisc add dev x6 clsact
# tunnel_key_erspan ID OPTS: x6 sends with session ID and erspan_opts OPTS.
tunnel_key_erspan() {
	$L tc filter del dev x6 egress 2>/dev/null || true
	$L tc filter add dev x6 egress matchall action tunnel_key set src_ip 10.0.0.1 dst_ip 10.0.0.2 id "$1" erspan_opts "$2"
}
MIN_LEN=300
tunnel_key_erspan 100 1:123:0:0
CAPTURE_OPTS=-x capture right b0 "" -s 300 192.168.70.2
wire_hex | grep -qE '^.{40}100088be.{8}100000640000007b' || fail "external ERSPAN v1 on the wire: $(wire_hex)"
tunnel_key_erspan 200 2:0:1:7
CAPTURE_OPTS=-x capture right b0 "" -s 300 192.168.70.2
wire_hex | grep -qE '^.{40}100022eb.{8}200000c8.{8}00008078' || fail "external ERSPAN v2 on the wire: $(wire_hex)"
MIN_LEN=0
expect_counter left x6 tx_dropped 0
$R tc qdisc add dev x8 clsact
$R tc filter add dev x8 ingress pref 1 protocol all flower enc_key_id 300 erspan_opts 1:123:0:0 action pass
$R tc filter add dev x8 ingress pref 2 protocol all flower enc_key_id 300 erspan_opts 2:0:1:7 action pass
tunnel_key_erspan 300 1:123:0:0
$L ping -c 2 -W 1 -i 0.2 192.168.70.2 >/dev/null 2>&1 || true
tunnel_key_erspan 300 2:0:1:7
$L ping -c 3 -W 1 -i 0.2 192.168.70.2 >/dev/null 2>&1 || true
hits=$($R tc -s -j filter show dev x8 ingress | jq -c '[.[] | select(.options.actions) | .options.actions[0].stats.packets]')
[ "$hits" = "[2,3]" ] || fail "flower erspan_opts hits on x8: $hits"
expect_counter right x8 rx_packets 5
# Without ERSPAN options: dropped (tx_dropped).
$L tc filter del dev x6 egress
$L tc filter add dev x6 egress matchall action tunnel_key set src_ip 10.0.0.1 dst_ip 10.0.0.2 id 300
$L ping -c 1 -W 1 192.168.70.2 >/dev/null 2>&1 || true
expect_counter left x6 tx_dropped 1
pass "external erspan: versions 1 and 2 from tunnel_key's erspan_opts on the wire; received options matched by flower"

# NBMA gre (no remote) has ipgre_header_ops: a neighbour entry's
# link-layer address is the remote (10.0.0.2 for .2, 10.0.0.3 for .3,
# right's point-to-point n2 and n3). Without one the neighbour takes the
# device's address (its local 10.0.0.1): nb sends to itself.
$R ip addr add 10.0.0.3/24 dev b0
$L ip link add nb type gre local 10.0.0.1 key 77
$R ip link add n2 type gre local 10.0.0.2 remote 10.0.0.1 key 77
$R ip link add n3 type gre local 10.0.0.3 remote 10.0.0.1 key 77
$L ip addr add 192.168.60.1/24 dev nb
$R ip addr add 192.168.60.2/24 dev n2
$R ip addr add 192.168.60.3/32 dev n3
for side in "$L nb" "$R n2" "$R n3"; do
	${side% *} ip link set ${side##* } addrgenmode none
	${side% *} ip link set ${side##* } up
done
$L ip neigh add 192.168.60.2 lladdr 10.0.0.2 dev nb nud permanent
$L ip neigh add 192.168.60.3 lladdr 10.0.0.3 dev nb nud permanent
capture right b0 "10\.0\.0\.1 > 10\.0\.0\.2: GREv0, Flags \[key present\], key=0x4d, .*192\.168\.60\.1 > 192\.168\.60\.2: ICMP echo request" 192.168.60.2
capture right b0 "10\.0\.0\.1 > 10\.0\.0\.3: GREv0, Flags \[key present\], key=0x4d, .*192\.168\.60\.1 > 192\.168\.60\.3: ICMP echo request" 192.168.60.3
$L ping -c 2 -W 2 -i 0.2 192.168.60.3 >/dev/null || fail "no ping through nb to n3"
expect_counter right n2 rx_packets 2
expect_counter right n3 rx_packets 4
expect_counter left nb tx_packets 6
$L ping -c 1 -W 1 192.168.60.9 >/dev/null 2>&1 && fail "192.168.60.9 answered"
expect_counter left nb tx_packets 7
expect_counter left nb rx_packets 7
pass "NBMA gre: neighbour entries choose the remote (ipgre_header_ops); without one, the device's own address"

# ip tunnel (the ioctls on gre0): keys, checksums and sequence numbers;
# gretap has none.
$L ip tunnel add tg1 mode gre local 10.0.0.1 remote 10.0.0.40 key 5 csum seq ttl 8
expect_fail "File exists" $L ip tunnel add tg2 mode gre local 10.0.0.1 remote 10.0.0.40 key 5
$L ip tunnel change tg1 mode gre local 10.0.0.1 remote 10.0.0.40 ikey 5 okey 6
[ "$(link_field left tg1 '[.mtu, .min_mtu, .max_mtu]')" = "[1464,68,65499]" ] ||
	fail "tg1: $(link_field left tg1 '[.mtu, .min_mtu, .max_mtu]')"
shown=$($L ip tunnel show tg1)
echo "$shown"
read -ra words <<<"$shown"
[ "${words[*]}" = "tg1: gre/ip remote 10.0.0.40 local 10.0.0.1 ttl 8 ikey 5 okey 6" ] ||
	fail "ip tunnel show tg1: $(od -c <<<"$shown")"
# The change kept the checksum and sequence flags (iproute2 reads them first).
$L ip -d link show tg1 | grep -q "ikey 0.0.0.5 okey 0.0.0.6 iseq oseq icsum ocsum" ||
	fail "tg1's flags: $($L ip -d link show tg1)"
$L ip tunnel del tg1
pass "ip tunnel add/change/show/del mode gre"

# The module goes with tunnels alive in several namespaces.
ip -n other link add o1 type gre remote 10.9.9.9 key 3
ip -n other link add o2 type gretap remote 10.9.9.9
ip -n other link add o3 type erspan remote 10.9.9.9 seq key 3
ip -n other link set gre0 up
modprobe -r "$GRE_MODULE" || fail "$GRE_MODULE did not unload with tunnels alive"
for ns in left right other far; do
	left=$(ip -n $ns -j link show | jq -r '.[] | select(.link_type == "gre" or .ifname == "tap1" or .ifname == "sp1") | .ifname')
	[ -z "$left" ] || fail "gre devices left in $ns: $left"
done
pass "module removed with tunnels in several namespaces"
no_ip_tunnel_module
unload_module "$GRE_MODULE"
