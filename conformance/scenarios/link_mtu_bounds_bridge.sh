#!/bin/bash
# Bridge MTU bounds and MTU on creation.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 mtu 9000 type bridge
run ip link show br0
run ip link set br0 mtu 65536
run ip link set br0 mtu 67
run ip link set br0 mtu 1280
run ip link show br0
