#!/bin/bash
# IPv6 /128, /0 and peer addresses.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip addr add 2001:db8::1/128 dev v0 nodad
run ip addr add 2001:db8::a peer 2001:db8::b dev v0 nodad
run ip addr add 2001:db8:ffff::1/0 dev v0 nodad
run ip -6 addr show dev v0
run ip -6 addr del 2001:db8::a peer 2001:db8::b dev v0
run ip -6 addr show dev v0
