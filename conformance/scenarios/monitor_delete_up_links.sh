#!/bin/bash
# Deleting links that are up: each is first announced down and loses its IPv6 addresses
# (dev_close_many), then its IPv4 addresses go in list order and the link is deleted; a
# deleted bridge port leaves its bridge first. Qdiscs read noop in RTM_DELLINK.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 192.0.2.2/24 dev v0
run ip addr add 10.0.0.1/8 dev v0
run ip addr add 2001:db8::1/64 dev v0 nodad
run ip addr add 2001:db8::2/64 dev v0 nodad
run ip addr add 2001:db8:1::1/64 dev v1 nodad
run ip link set v0 up
run ip link set v1 up
run ip link add br0 type bridge
run ip link add v2 type veth peer name v3
run ip link set v2 master br0
run ip addr add 198.51.100.1/24 dev v2
wait_dad
monitor_start monitor link address
run ip link del v0
run ip link del v2
monitor_stop
run ip -br link show
