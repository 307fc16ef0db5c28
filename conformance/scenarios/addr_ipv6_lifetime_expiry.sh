#!/bin/bash
# An IPv6 address with a short valid lifetime goes away when it expires.
# Linux checks IPv6 lifetimes from a deferrable work item: on an idle machine it can run
# a good fraction of a second late, so each look comes 1.5 s after the deadline.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 2001:db8::1/64 dev v0 nodad valid_lft 4 preferred_lft 1
run ip -6 addr show dev v0
sleep 2.5
run ip -6 addr show dev v0
sleep 3
run ip -6 addr show dev v0
