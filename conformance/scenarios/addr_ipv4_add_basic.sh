#!/bin/bash
# An IPv4 address: defaults, broadcast, scope global.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0
run ip addr show dev v0
run ip -4 addr
run ip addr add 198.51.100.7 dev v0
run ip addr show dev v0
