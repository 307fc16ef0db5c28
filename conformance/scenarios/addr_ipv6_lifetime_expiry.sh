#!/bin/bash
# An IPv6 address with a short valid lifetime goes away when it expires.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 2001:db8::1/64 dev v0 nodad valid_lft 2 preferred_lft 1
run ip -6 addr show dev v0
sleep 1.5
run ip -6 addr show dev v0
sleep 2
run ip -6 addr show dev v0
