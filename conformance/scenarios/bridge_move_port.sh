#!/bin/bash
# Moving a port from one bridge to another directly.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add br1 type bridge
run ip link add v0 type veth peer name v1
run ip link set v0 master br0
run ip link set v0 master br1
run ip link show master br0
run ip link show master br1
run ip link del br1
run ip link show
