#!/bin/bash
# STP between two VMs: each makes br0 over eth0+eth1 (the two links between
# the VMs, a loop) with STP (hello_time 1 s, forward_delay 2 s, max_age
# 6 s). This VM has priority 4096, the peer 8192: both agree that this VM's
# bridge is the root (the root_id of all ports), the peer's root port is
# eth0 (port 1, the lower designated port id), the peer's eth1 is the only
# blocking port of the four, and its root path cost is eth0's cost; ping
# works. Then the priorities are swapped: the peer's bridge becomes the root
# on both sides and this VM's eth1 the one blocking port.
. "$RVNET_TESTS/lib.sh"

setup="set -e
ip link add br0 type bridge stp_state 1 hello_time 100 forward_delay 200 max_age 600 priority \$PRIO
ip link set eth0 master br0
ip link set eth1 master br0
ip link set eth0 up
ip link set eth1 up
ip addr add \$ADDR/24 dev br0
ip link set br0 up"
PRIO=4096 ADDR=192.0.2.1 bash -c "$setup" || fail "set-up"
peer "PRIO=8192 ADDR=192.0.2.2 bash -c '$setup'" || fail "peer set-up"
mine=2:0:0:0:1:0 theirs=2:0:0:0:2:0

# VIEW: "PORT=STATE@ROOT_ID... root_port=N cost=C" of a VM's br0 (iproute2
# 6.1 shows the bridge's own id as its root_id: the ports' is used).
VIEW='ip -d -j link show | jq -r "[(.[] | select(.linkinfo.info_slave_kind == \"bridge\") |
	\"\(.ifname)=\(.linkinfo.info_slave_data.state)@\(.linkinfo.info_slave_data.root_id)\"),
	(.[] | select(.linkinfo.info_kind == \"bridge\") | \"root_port=\(.linkinfo.info_data.root_port) cost=\(.linkinfo.info_data.root_path_cost)\")] | join(\" \")"'
# converged ME PEER: this VM's view is ME and the peer's PEER.
converged() {
	[ "$(bash -c "$VIEW")" = "$1" ] && [ "$(peer "$VIEW")" = "$2" ]
}
wait_converged() {
	for _ in $(seq 40); do
		converged "$@" && return 0
		sleep 0.5
	done
	echo "this VM: $(bash -c "$VIEW")"
	echo "peer:    $(peer "$VIEW")"
	return 1
}

cost=$(ip -d -j link show eth0 | jq -r '.[0].linkinfo.info_slave_data.cost')
R=1000.$mine
wait_converged "eth0=forwarding@$R eth1=forwarding@$R root_port=0 cost=0" \
	"eth0=forwarding@$R eth1=blocking@$R root_port=1 cost=$cost" ||
	fail "no convergence with this VM's bridge as the root"
[ "$(ip -d -j link show br0 | jq -r '.[0].linkinfo.info_data.bridge_id')" = "$R" ] ||
	fail "bridge_id $(ip -d -j link show br0 | jq -r '.[0].linkinfo.info_data.bridge_id')"
ping -c 2 -W 2 192.0.2.2 >/dev/null || fail "no ping to the peer"
pass "this VM's bridge is the root; the peer's eth1 blocks (port cost $cost)"

# Swap the priorities.
ip link set br0 type bridge priority 8192
peer "ip link set br0 type bridge priority 4096" || fail "peer priority"
R=1000.$theirs
wait_converged "eth0=forwarding@$R eth1=blocking@$R root_port=1 cost=$cost" \
	"eth0=forwarding@$R eth1=forwarding@$R root_port=0 cost=0" ||
	fail "no re-election of the peer's bridge as the root"
ping -c 2 -W 2 192.0.2.2 >/dev/null || fail "no ping to the peer after re-election"
pass "priorities swapped: the peer's bridge is the root, this VM's eth1 blocks"

peer "ip link del br0" || fail "peer clean-up"
ip link del br0
unload_module "$BRIDGE_MODULE"
