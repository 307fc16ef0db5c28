#!/bin/bash
# Setting links up and down changes flags and operstate.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link set br0 up
run ip link show br0
run ip link set br0 down
run ip link show br0
run ip link set dev br0 up
run ip link set dev br0 up
run ip link show br0
