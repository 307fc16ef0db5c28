#!/bin/bash
# A link going down loses its IPv6 addresses in list order (newest first within a scope,
# global before link-local), each announced with RTM_DELADDR (addrconf_ifdown).
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 2001:db8::1/64 dev v0 nodad
run ip addr add 2001:db8::2/64 dev v0 nodad
run ip addr add fe80::7/64 dev v0 nodad
run ip addr add 2001:db8::3/64 dev v0 nodad
run ip link set v0 up
run ip -o -6 addr show dev v0
monitor_start monitor address
run ip link set v0 down
monitor_stop
