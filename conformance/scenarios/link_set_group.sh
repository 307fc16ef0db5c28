#!/bin/bash
# Link groups: set, show by group, delete by group.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link add br0 type bridge
run ip link set v0 group 5
run ip link set br0 group 5
run ip link show group 5
run ip link show group default
run ip link set group 5 mtu 1400
run ip link show
run ip link del group 5
run ip link show
