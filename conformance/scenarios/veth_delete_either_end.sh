#!/bin/bash
# Deleting one end of a veth pair deletes both.
. "$(dirname "$0")/../lib.sh"
run ip link add a0 type veth peer name a1
run ip link add b0 type veth peer name b1
run ip link del a1
run ip link show
run ip link del dev b0
run ip link show
