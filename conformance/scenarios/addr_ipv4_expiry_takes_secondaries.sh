#!/bin/bash
# An IPv4 primary whose valid lifetime runs out goes with its secondaries, as a deleted one does (check_lifetime).
# Each look comes at least 1.5 s after a deadline: Linux's lifetime work may run late (a
# second and more on a loaded machine).
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0 valid_lft 3 preferred_lft 1
run ip addr add 192.0.2.2/24 dev v0 valid_lft 5 preferred_lft 5
run ip addr add 192.0.2.3/24 dev v0
run ip -o addr show dev v0
sleep 2.5
run ip -o addr show dev v0
sleep 2
run ip -o addr show dev v0
sleep 2
run ip -o addr show dev v0
run ip addr add 198.51.100.1/24 dev v0 valid_lft 1 preferred_lft 1
run ip addr add 198.51.100.2/24 dev v0
wait_dad
run ip -o addr show dev v0
