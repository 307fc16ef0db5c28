#!/bin/bash
# Once IPv6 has seen a link ready, DAD runs even after the carrier is lost (IF_READY stays until down).
. "$(dirname "$0")/../lib.sh"
ip link add v0 type veth peer name v1
ip link set v0 up; ip link set v1 up
wait_dad
run ip link set v1 down
sleep 0.5
run ip addr add 2001:db8::3/64 dev v0
sleep 5
run ip -o -6 addr show dev v0 scope global
run ip link show dev v0
