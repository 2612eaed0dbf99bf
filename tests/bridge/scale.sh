#!/bin/bash
# FDB scale: 100k source addresses (pktgen) are learned, each on the port it
# came in by, and the bridge goes on forwarding to a static entry among
# them; then ageing_time 1 s ages them all out. How the lookup cost holds up
# at that size is the benchmark's business (make bench).
. "$RVNET_TESTS/lib.sh"
many=100000
# The debug kernel (KASAN, kmemleak) takes minutes over 100k: 10k there.
[ -e /sys/kernel/debug/kmemleak ] && many=10000
# No frame may be dropped before the bridge sees it.
sysctl -qw net.core.netdev_max_backlog=$((many + 1000)) net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1
modprobe pktgen
ip link add br0 type bridge
ip link add a0 type veth peer name b0
ip link add c0 type veth peer name c1
ip link set a0 master br0
ip link set c1 master br0
for d in a0 b0 c0 c1 br0; do ip link set "$d" up; done
dst=$(cat /sys/class/net/b0/address)
bridge fdb replace "$dst" dev a0 master static

pg() { echo "$2" >"/proc/net/pktgen/$1"; }
pg kpktgend_0 rem_device_all
pg kpktgend_0 "add_device c0"
for s in "count $many" "clone_skb 0" "pkt_size 60" "delay 0" "dst 192.0.2.2" "dst_mac $dst" \
	"src_mac 02:10:00:00:00:00" "src_mac_count $many"; do
	pg c0 "$s"
done
rx0=$(cat /sys/class/net/b0/statistics/rx_packets)
pg pgctrl start
pg kpktgend_0 rem_device_all

# learned: the number of learned entries on c1.
learned() { bridge fdb show br br0 | grep -c ' dev c1 master br0 $' || true; }
n=0
for _ in $(seq 100); do
	n=$(learned)
	[ "$n" = "$many" ] && break
	sleep 0.2
done
[ "$n" = "$many" ] || fail "$n of $many addresses learned"
# (grep -q would end the pipe early: pipefail would count that as a failure)
bridge fdb show br br0 >/tmp/fdb
last=$(printf '02:10:00:%02x:%02x:%02x' $(((many - 1) >> 16)) $((((many - 1) >> 8) & 255)) $(((many - 1) & 255)))
for a in 02:10:00:00:00:00 02:10:00:00:00:ff "$last"; do
	grep -q "^$a dev c1 master br0 $" /tmp/fdb || fail "$a not learned on c1"
done
rx=$(($(cat /sys/class/net/b0/statistics/rx_packets) - rx0))
[ "$rx" = "$many" ] || fail "b0 received $rx of the $many frames to its static entry"
pass "$many addresses learned on their port; all $many frames forwarded to the static entry"

ip link set br0 type bridge ageing_time 100
for _ in $(seq 150); do
	n=$(learned)
	[ "$n" = 0 ] && break
	sleep 0.2
done
[ "$n" = 0 ] || fail "$n entries left 30 s after ageing_time 1 s"
[ "$(bridge fdb show br br0 | grep -c "^$dst dev a0 master br0 static")" = 1 ] || fail "the static entry aged out"
pass "all $many aged out; the static entry stays"

ip link del br0
ip link del a0
ip link del c0
unload_module "$BRIDGE_MODULE"
