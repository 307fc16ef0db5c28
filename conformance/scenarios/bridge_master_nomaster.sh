#!/bin/bash
# Enslaving a veth end to a bridge and releasing it.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
run ip link set v0 master br0
run ip link show
run ip link show master br0
run ip link set v0 nomaster
run ip link show
run ip link show master br0
