#!/bin/bash
# ip -d link for lo, veth and bridge port.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
run ip link set v0 master br0
run ip -d link show lo
run ip -d link show v1
run ip -d -j link show v1
