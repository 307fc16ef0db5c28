#!/bin/bash
# IPv4 addresses accept lifetimes too.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0 valid_lft 300 preferred_lft 100
run ip addr add 192.0.2.2/24 dev v0 valid_lft 300 preferred_lft 0
run ip addr show dev v0
run ip addr add 192.0.2.3/24 dev v0 valid_lft 100 preferred_lft 300
