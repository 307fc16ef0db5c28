#!/bin/bash
# Carrier and protodown on kinds that do not support them.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
run ip link set v0 carrier off
run ip link set v0 protodown on
run ip link set br0 protodown on
run ip link show
