#!/bin/bash
# A link brought up at MTU 1200 gets no link-local until its MTU reaches 1280.
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
ip link set v0 mtu 1200
ip link set v0 up; ip link set v1 up
wait_dad
run ip -6 -o addr show dev v0
run ip link set v0 mtu 1500
wait_dad
run ip -6 -o addr show dev v0
run ip link set v0 mtu 1000
wait_dad
run ip -6 -o addr show dev v0
run ip addr add 2001:db8::1/64 dev v0
