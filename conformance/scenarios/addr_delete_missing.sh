#!/bin/bash
# Deleting addresses that are not there.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr del 192.0.2.1/24 dev v0
run ip addr del 2001:db8::1/64 dev v0
run ip addr add 192.0.2.1/24 dev v0
run ip addr del 192.0.2.1/25 dev v0
run ip addr del 192.0.2.1 dev v0
run ip addr show dev v0
run ip addr del dev v0
