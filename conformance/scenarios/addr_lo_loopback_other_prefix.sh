#!/bin/bash
# ::1 with another prefix length on lo counts as present when lo comes up (ipv6_add_addr checks the address only); the same IPv6 address with another prefix is EEXIST.
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
run ip addr add 2001:db8::1/64 dev v0 nodad
run ip addr add 2001:db8::1/48 dev v0 nodad
run ip addr add 2001:db8::1/64 dev v1 nodad
run ip addr add ::1/64 dev lo
run ip addr add fe80::1/64 dev lo
run ip link set lo up
run ip -o addr show
run ip link set v0 up
run ip link set v1 up
wait_dad
run ip addr add fe80::200:ff:fe00:1/64 dev v0 nodad
run ip -o addr show dev v0
