#!/bin/bash
# What the lower's events do to its macvlans: carrier and up/down reach
# them, an MTU shrink shrinks them but a growth does not
# grow them, a lower moving to another namespace keeps them, a lower that
# goes away takes them with it. A macvlan moved to another namespace keeps
# receiving.
. "$RVNET_TESTS/lib.sh"

# carrier_is NS DEV 0|1: whether DEV in NS has (1) or lacks (0) carrier.
carrier_is() {
	[ "$(in_ns "$1" cat "/sys/class/net/$2/carrier")" = "$3" ]
}
mtu_of() {
	in_ns "$1" cat "/sys/class/net/$2/mtu"
}

alias_lower
macvlans 2 mode bridge
wait_for carrier_is m1 mv1 1 || fail "mv1 has no carrier"
in_ns low ip link set a0 down
wait_for carrier_is m1 mv1 0 || fail "mv1 has carrier with a0 down"
in_ns low ip link set a0 up
wait_for carrier_is m1 mv1 1 || fail "mv1 has no carrier with a0 up again"
in_ns ext ip link set b0 down
wait_for carrier_is m2 mv2 0 || fail "mv2 has carrier while a0 has none"
in_ns ext ip link set b0 up
wait_for carrier_is m2 mv2 1 || fail "mv2 has no carrier with a0's back"
pass "the lower's state and carrier reach the macvlans"

in_ns low ip link set a0 mtu 1400
[ "$(mtu_of m1 mv1)" = 1400 ] || fail "mv1's MTU $(mtu_of m1 mv1) after a0 shrank to 1400"
in_ns low ip link set a0 mtu 1500
[ "$(mtu_of m1 mv1)" = 1400 ] || fail "mv1's MTU $(mtu_of m1 mv1) grew with a0"
in_ns m1 ip link set mv1 mtu 1500
out=$(in_ns m1 ip link set mv1 mtu 1501 2>&1) && fail "an MTU above the lower's was accepted"
grep -q "Invalid argument" <<<"$out" || fail "MTU above the lower's: $out"
pass "MTU: shrinks with the lower, never above it"

# A macvlan moved to another namespace still gets its frames.
ns_pair m9
in_ns m1 ip link set mv1 netns m9
in_ns m9 ip link set mv1 up
before=$(rx_packets m9 mv1)
send_udp ext b0 02:00:00:00:0e:01 02:00:00:00:01:01
sleep 0.3
[ $(($(rx_packets m9 mv1) - before)) = 1 ] || fail "mv1 gets nothing after its move"
[ "$(in_ns m9 ip -j -d link show mv1 | jq -r '.[0].link_netnsid')" != null ] ||
	fail "no link-netnsid on the moved macvlan"
pass "a moved macvlan keeps receiving, with its lower's netnsid"

# The lower moves: its macvlans stay, and work.
ns_pair low2
in_ns low ip link set a0 netns low2
in_ns low2 ip link set a0 up
in_ns m2 ip link show mv2 >/dev/null || fail "mv2 went with a0's move"
if [ -d /proc/net/alias ]; then
	# rvnet's /proc/net/alias/LOWER moves with its lower, and is renamed
	# with it.
	in_ns low2 grep -q "^mv2 kind macvlan mode bridge" /proc/net/alias/a0 || fail "no /proc/net/alias/a0 in low2"
	in_ns low test -e /proc/net/alias/a0 && fail "/proc/net/alias/a0 stayed in low"
	in_ns low2 ip link set a0 name a9
	in_ns low2 test -e /proc/net/alias/a9 || fail "no /proc/net/alias/a9 after the rename"
	in_ns low2 ip link set a9 name a0
	echo "ok: /proc/net/alias/a0 follows its lower's namespace and name"
fi
before=$(rx_packets m2 mv2)
send_udp ext b0 02:00:00:00:0e:01 02:00:00:00:01:02
sleep 0.3
[ $(($(rx_packets m2 mv2) - before)) = 1 ] || fail "mv2 gets nothing after a0's move"
pass "the lower's move keeps its macvlans"

in_ns low2 ip link del a0
in_ns m2 ip link show mv2 >/dev/null 2>&1 && fail "mv2 outlived its lower"
in_ns m9 ip link show mv1 >/dev/null 2>&1 && fail "mv1 outlived its lower"
pass "the lower's deletion deletes its macvlans"

unload_module "$ALIAS_MODULE"
