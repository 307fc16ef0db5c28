#!/bin/bash
# Deleting a primary deletes its secondaries (promote_secondaries off); deleting a secondary only itself.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 192.0.2.2/24 dev v0
run ip addr add 192.0.2.3/24 dev v0
run ip addr add 198.51.100.1/24 dev v0
run ip addr del 192.0.2.2/24 dev v0
run ip addr show dev v0
run ip addr del 192.0.2.1/24 dev v0
run ip addr show dev v0
