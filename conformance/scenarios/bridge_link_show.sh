#!/bin/bash
# `bridge link show` lists bridge ports (the AF_BRIDGE link dump), not every link.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
run ip link set v0 master br0
run bridge link show
run bridge -d link show
run ip link set br0 up
run ip link set v0 up
run ip link set v1 up
wait_dad
run bridge link show
run bridge -j -p link show
run ip link set v0 nomaster
run bridge link show
