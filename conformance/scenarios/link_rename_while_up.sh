#!/bin/bash
# Renaming an up bridge is allowed (live rename); the old name is gone.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link set br0 up
run ip link set br0 name br1
run ip link set br0 down
run ip link set br0 name br1
run ip link show
