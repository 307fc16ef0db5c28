#!/bin/bash
# Deleting links, including with a mismatched type and by index.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add br1 type bridge
run ip link del br0 type bridge
run ip link del dev br1 type veth
run ip link show
