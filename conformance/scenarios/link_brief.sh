#!/bin/bash
# ip -br link in its several states.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
run ip link set lo up
run ip link set v0 up
run ip -br link
run ip -br link show v0
run ip -br -c=never link show type veth
