#!/bin/bash
# ip addr flush by device, family and scope.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 192.0.2.2/24 dev v0
run ip addr add 198.51.100.1/24 dev v0 scope link
run ip addr add 2001:db8::1/64 dev v0 nodad
run ip addr flush dev v0 scope link
run ip addr show dev v0
run ip -4 addr flush dev v0
run ip addr show dev v0
run ip addr flush dev v0
run ip addr show dev v0
