#!/bin/bash
# ip addr change: IPv4 takes the new metric (0 when none); IPv6 keeps the metric and peer unless given (inet6_addr_modify); peers and deletion by peer.
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0 metric 50
run ip addr change 192.0.2.1/24 dev v0
run ip -4 -o addr show dev v0
run ip addr change 192.0.2.1/24 dev v0 metric 70 noprefixroute
run ip -4 -o addr show dev v0
run ip addr add 2001:db8::1/64 dev v0 metric 50 nodad
run ip addr change 2001:db8::1/64 dev v0 metric 0 nodad
run ip -6 -o addr show dev v0
ip link add v0 type veth peer name v1
run ip addr add 2001:db8::1/64 peer 2001:db8:9::1/64 dev v0 nodad
run ip addr change 2001:db8::1/64 peer 2001:db8:9::2/64 dev v0 nodad
run ip -6 -o addr show dev v0
run ip addr change 2001:db8::1/64 dev v0 nodad
run ip -6 -o addr show dev v0
run ip addr add 2001:db8::1/64 peer 2001:db8:9::3/64 dev v0 nodad
run ip addr del 2001:db8::1/64 peer 2001:db8:9::7/64 dev v0
run ip -6 -o addr show dev v0
run ip addr add 192.0.2.1 peer 192.0.2.5/32 dev v0
run ip addr change 192.0.2.1 peer 192.0.2.6/32 dev v0
run ip addr change 192.0.2.1 peer 192.0.2.5/32 dev v0 valid_lft 50 preferred_lft 50
run ip addr change 192.0.2.1/32 dev v0 valid_lft 60 preferred_lft 60
run ip addr del 192.0.2.1/32 dev v0
run ip -4 -o addr show dev v0
