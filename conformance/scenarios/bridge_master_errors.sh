#!/bin/bash
# Master errors: missing master, non-bridge master, bridge into itself.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link add v0 type veth peer name v1
run ip link set v0 master nope
run ip link set v0 master v1
run ip link set br0 master br0
run ip link set lo master br0
run ip link show
