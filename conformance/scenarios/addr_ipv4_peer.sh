#!/bin/bash
# Point-to-point addresses with peer, and their deletion.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 10.0.0.1 peer 10.0.0.2 dev v0
run ip addr add 10.0.1.1/24 peer 10.0.2.0/24 dev v0
run ip addr add 10.0.0.1 peer 10.0.0.3 dev v0
run ip addr show dev v0
run ip -j addr show dev v0
run ip addr del 10.0.0.1 peer 10.0.0.2 dev v0
run ip addr del 10.0.0.1 dev v0
run ip addr show dev v0
