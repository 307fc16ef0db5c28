#!/bin/bash
# Going down removes link-local IPv6 and keeps IPv4 and manual IPv6.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 192.0.2.1/24 dev v0
run ip addr add 2001:db8::1/64 dev v0 nodad
run ip link set v0 up
run ip link set v1 up
wait_dad
run ip addr show dev v0
run ip link set v0 down
run ip addr show dev v0
