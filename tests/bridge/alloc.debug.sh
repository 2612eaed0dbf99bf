#!/bin/bash
# Allocation failures (debug kernel only: fail-nth) in a bridge's creation,
# a port's addition and a static FDB entry's addition and deletion: each
# try fails with ENOMEM and leaves nothing behind, or succeeds fully.
. "$RVNET_TESTS/lib.sh"

failnth_ready
modprobe "$BRIDGE_MODULE"
port='ip link add d0 address 02:00:00:00:00:10 type dummy'
br='ip link add name br0 address 02:00:00:00:00:01 type bridge'
fdb='bridge fdb add 02:00:00:00:00:20 dev d0 master static'
state='failnth_state /sys/class/net/br0/brif /proc/net/bridge'
# bridge.ko leaks an FDB entry when its creation fails after
# br_vlan_bridge_event() added the bridge's own (kmemleak, and
# kmem_cache_destroy() at rmmod): only rvnet's creation is tried.
if [ "$RVNET_IMPL" = rust ]; then
	failnth_loop "$port" 'ip link add name br0 type bridge' "$state" 'ip link del br0; ip link del d0' \
		'ip link del br0'
fi
failnth_loop "$port; $br" 'ip link set d0 master br0' "$state" 'ip link del br0; ip link del d0' \
	'ip link set d0 nomaster'
state="$state; bridge fdb show br br0"
fdb_del='bridge fdb del 02:00:00:00:00:20 dev d0 master'
failnth_loop "$port; $br; ip link set d0 master br0" "$fdb" "$state" 'ip link del br0; ip link del d0' "$fdb_del"
failnth_loop "$port; $br; ip link set d0 master br0; $fdb" "$fdb_del" "$state" 'ip link del br0; ip link del d0' "$fdb"
unload_module "$BRIDGE_MODULE"
