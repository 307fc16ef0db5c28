#!/bin/bash
# ip link set with nothing to change, and setting a state it already has.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0
run ip link set v0 down
run ip link set v0 mtu 1500
run ip link show v0
