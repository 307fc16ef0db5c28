#!/bin/bash
# An IPv6 address on an up link with carrier is tentative until DAD completes.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 up
run ip link set v1 up
run ip addr add 2001:db8::1/64 dev v0
run ip -6 addr show dev v0 tentative
wait_dad
run ip -6 addr show dev v0
run ip -6 addr show dev v0 tentative
