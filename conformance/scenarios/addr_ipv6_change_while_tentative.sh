#!/bin/bash
# Changing an IPv6 address still in DAD is silent until DAD completes; the prefix length
# never changes; flags a change does not set (autojoin) stay.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 up
run ip link set v1 up
wait_dad
monitor_start monitor address
run ip addr add 2001:db8::1/64 dev v0
run ip addr change 2001:db8::1/64 dev v0 valid_lft 100 preferred_lft 50
run ip addr change 2001:db8::1/48 dev v0 valid_lft 100 preferred_lft 50
wait_dad
run ip addr add 2001:db8::2/48 dev v0 nodad
run ip addr change 2001:db8::2/64 dev v0 nodad
run ip addr add ff02::9/128 dev v0 autojoin
run ip addr change ff02::9/128 dev v0
wait_dad
monitor_stop
run ip -6 -o addr show dev v0 scope global
