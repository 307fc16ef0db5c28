#!/bin/bash
# Prefix lengths out of range and bad addresses (iproute2 and kernel errors).
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/33 dev v0
run ip addr add 2001:db8::1/129 dev v0
run ip addr add 192.0.2.256/24 dev v0
run ip addr add 0.0.0.0/0 dev v0
run ip addr add 224.0.0.1/24 dev v0
run ip addr add 2001:db8::1/64 dev v0 nodad valid_lft 10 preferred_lft 20
run ip addr show dev v0
