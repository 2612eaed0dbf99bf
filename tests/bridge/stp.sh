#!/bin/bash
# STP in one VM: bridge br0 (namespace s0, priority 4096) and br1 (s1,
# default priority) joined by two veth links a1-b1 and a2-b2, a loop;
# hello_time 1 s, forward_delay 2 s (the least STP allows), max_age 6 s.
# After convergence: br0 is the root (the root_id of all four ports is
# br0's bridge_id),
# br1's root port is b1 (the lower designated port id), b2 is the only
# blocking port of the four, br1's root path cost is b1's cost; a broadcast
# sent by br1 reaches br0 exactly once (no storm) and the bridges ping each
# other. Cutting a1-b1 makes b2 br1's root port, forwarding; restoring it
# brings the first topology back.
. "$RVNET_TESTS/lib.sh"

ns_pair s0 s1
for i in 1 2; do
	ip link add "a$i" netns s0 address "02:00:00:00:0a:0$i" type veth \
		peer name "b$i" netns s1 address "02:00:00:00:0b:0$i"
done
stp="stp_state 1 hello_time 100 forward_delay 200 max_age 600"
# shellcheck disable=SC2086 # options
in_ns s0 ip link add br0 type bridge $stp priority 4096
# shellcheck disable=SC2086
in_ns s1 ip link add br1 type bridge $stp
for i in 1 2; do
	in_ns s0 ip link set "a$i" master br0 up
	in_ns s1 ip link set "b$i" master br1 up
done
in_ns s0 ip addr add 192.0.2.1/24 dev br0
in_ns s1 ip addr add 192.0.2.2/24 dev br1
# Permanent neighbours: no ARP (a reachability probe seconds after a ping)
# adds to br0's receive count while the broadcast below is counted.
in_ns s0 ip neigh add 192.0.2.2 lladdr 02:00:00:00:0b:01 nud permanent dev br0
in_ns s1 ip neigh add 192.0.2.1 lladdr 02:00:00:00:0a:01 nud permanent dev br1
in_ns s0 ip link set br0 up
in_ns s1 ip link set br1 up
start=$(cut -d' ' -f1 /proc/uptime)

# view NS: "PORT=STATE..." for NS's bridge ports, then its bridge's root
# port, all from one `ip -d -j link show`. (iproute2 6.1 shows the bridge's
# own id as its root_id, so the root is read from the ports' root_id.)
view() {
	in_ns "$1" ip -d -j link show | jq -r '[(.[] | select(.linkinfo.info_slave_kind == "bridge") |
		"\(.ifname)=\(.linkinfo.info_slave_data.state)@\(.linkinfo.info_slave_data.root_id)"),
		(.[] | select(.linkinfo.info_kind == "bridge") | "root_port=\(.linkinfo.info_data.root_port)")] | join(" ")'
}
R=1000.2:0:0:0:a:1
# converged A1 A2 B1 B2 ROOT_PORT: a1 a2 b1 b2 are in these states, all
# with br0 as root, and br1's root port is ROOT_PORT (a port number).
converged() {
	[ "$(view s0)" = "a1=$1@$R a2=$2@$R root_port=0" ] &&
		[ "$(view s1)" = "b1=$3@$R b2=$4@$R root_port=$5" ]
}
wait_converged() {
	for _ in $(seq 60); do
		converged "$@" && return 0
		sleep 0.25
	done
	echo "s0: $(view s0)"
	echo "s1: $(view s1)"
	return 1
}
elapsed() { awk -v a="$start" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }'; }

wait_converged forwarding forwarding forwarding blocking 1 || fail "no convergence"
echo "converged after $(elapsed) s"
[ "$(br_info s0 br0 bridge_id)" = 1000.2:0:0:0:a:1 ] || fail "br0 bridge_id $(br_info s0 br0 bridge_id)"
[ "$(br_info s1 br1 bridge_id)" = 8000.2:0:0:0:b:1 ] || fail "br1 bridge_id $(br_info s1 br1 bridge_id)"
[ "$(br_info s0 br0 root_port)" = 0 ] || fail "the root has root port $(br_info s0 br0 root_port)"
[ "$(br_info s0 br0 root_path_cost)" = 0 ] || fail "the root's path cost $(br_info s0 br0 root_path_cost)"
[ "$(br_info s1 br1 root_path_cost)" = 2 ] || fail "br1's root path cost $(br_info s1 br1 root_path_cost)"
[ "$(slave_info s1 b2 bridge_id)" = 1000.2:0:0:0:a:1 ] || fail "b2's designated bridge $(slave_info s1 b2 bridge_id)"
[ "$(slave_info s1 b2 designated_port)" = 32770 ] || fail "b2's designated port $(slave_info s1 b2 designated_port)"
grep -q 'state blocking' <<<"$(in_ns s1 bridge link show dev b2)" || fail "bridge link show: $(in_ns s1 bridge link show dev b2)"
pass "br0 is the root, b2 the one blocking port"

in_ns s1 ping -c 2 -W 2 192.0.2.1 >/dev/null || fail "no ping br1 -> br0"
# No storm: one broadcast from br1 reaches br0 once.
before=$(rx_packets s0 br0)
in_ns s1 mausezahn br1 -q -c 1 -a 02:00:00:00:bb:01 -b ff:ff:ff:ff:ff:ff -t udp "dp=9"
# Once it has arrived (a busy debug VM can take a while), a loop would
# bring it back within a second.
br0_received_since() { [ "$(rx_packets s0 br0)" -gt "$1" ]; }
wait_for br0_received_since "$before" || fail "the broadcast did not reach br0"
sleep 1
after=$(rx_packets s0 br0)
[ $((after - before)) = 1 ] || fail "a broadcast reached br0 $((after - before)) times"
pass "ping; a broadcast is seen once: no loop"

# Cut the forwarding link: b2 takes over.
start=$(cut -d' ' -f1 /proc/uptime)
in_ns s0 ip link set a1 down
wait_converged disabled forwarding disabled forwarding 2 || fail "b2 did not take over"
echo "b2 forwarding after $(elapsed) s"
[ "$(br_info s1 br1 root_path_cost)" = 2 ] || fail "br1's root path cost $(br_info s1 br1 root_path_cost)"
in_ns s1 ping -c 2 -W 2 192.0.2.1 >/dev/null || fail "no ping over a2-b2"
pass "a1-b1 cut: b2 root port, forwarding; ping works"

# Restore it: back to b1 forwarding, b2 blocking.
in_ns s0 ip link set a1 up
wait_converged forwarding forwarding forwarding blocking 1 || fail "no convergence after a1-b1 came back"
in_ns s1 ping -c 2 -W 2 192.0.2.1 >/dev/null || fail "no ping after a1-b1 came back"
pass "a1-b1 back: b1 root port, b2 blocking again"

in_ns s0 ip link del br0
in_ns s1 ip link del br1
unload_module "$BRIDGE_MODULE"
