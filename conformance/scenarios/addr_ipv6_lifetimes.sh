#!/bin/bash
# IPv6 lifetimes: dynamic, counting down, deprecated when preferred is 0.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 2001:db8::1/64 dev v0 nodad valid_lft 3600 preferred_lft 1800
run ip addr add 2001:db8:1::1/64 dev v0 nodad valid_lft 100 preferred_lft 0
run ip addr add 2001:db8:2::1/64 dev v0 nodad valid_lft 100 preferred_lft 200
run ip addr add 2001:db8:3::1/64 dev v0 nodad valid_lft forever preferred_lft 60
run ip -6 addr show dev v0
run ip -6 addr show dev v0 dynamic
run ip -6 addr show dev v0 permanent
run ip -6 addr show dev v0 deprecated
run ip -j -6 addr show dev v0
