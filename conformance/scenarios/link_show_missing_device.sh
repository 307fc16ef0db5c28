#!/bin/bash
# Showing or deleting a link that does not exist.
. "$(dirname "$0")/../lib.sh"
run ip link show nope
run ip link del nope
run ip link set nope up
run ip addr show dev nope
run ip link show dev 42
