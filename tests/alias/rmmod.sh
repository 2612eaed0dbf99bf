#!/bin/bash
# Removing the module with macvlans alive in several namespaces (bridge
# ones on a0, a passthru one on a1 that changed a1's address): the module
# goes, the macvlans with it, a1 gets its address and promiscuity back,
# and both lowers are free again (a0 can become a bridge port).
. "$RVNET_TESTS/lib.sh"

alias_lower
macvlans 3 mode bridge
ns_pair p1
in_ns low ip link add a1 address 02:00:00:00:0a:02 type veth peer name b1 netns ext
in_ns low ip link set a1 up
in_ns low ip link add link a1 name pt0 netns p1 type macvlan mode passthru
in_ns p1 ip link set pt0 up
in_ns p1 ip link set pt0 address 02:00:00:00:0a:99
[ "$(in_ns low cat /sys/class/net/a1/address)" = 02:00:00:00:0a:99 ] || fail "pt0 did not change a1's address"
send_udp ext b0 02:00:00:00:0e:01 ff:ff:ff:ff:ff:ff

modprobe -r "$ALIAS_MODULE" || fail "$ALIAS_MODULE refused to go with macvlans alive"
grep -q "^$ALIAS_MODULE " /proc/modules && fail "$ALIAS_MODULE still loaded"
for i in 1 2 3; do
	in_ns "m$i" ip link show "mv$i" >/dev/null 2>&1 && fail "mv$i outlived the module"
done
in_ns p1 ip link show pt0 >/dev/null 2>&1 && fail "pt0 outlived the module"
[ "$(in_ns low cat /sys/class/net/a1/address)" = 02:00:00:00:0a:02 ] ||
	fail "a1 has $(in_ns low cat /sys/class/net/a1/address), not its own address back"
[ "$(in_ns low ip -d -j link show a1 | jq -r '.[0].promiscuity')" = 0 ] || fail "a1 still promiscuous"
in_ns low ip link add br0 type bridge
in_ns low ip link set a0 master br0 || fail "a0's receive handler still taken"
in_ns low ip link set a0 nomaster
pass "$ALIAS_MODULE removed with macvlans in four namespaces; lowers restored"

unload_module "$ALIAS_MODULE"
