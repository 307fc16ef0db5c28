#!/bin/bash
# Deleting lo fails with EOPNOTSUPP; renaming and mtu are allowed.
. "$(dirname "$0")/../lib.sh"
run ip link del lo
run ip link del dev lo type veth
run ip link set lo mtu 1500
run ip link show lo
run ip link set lo mtu 100000
run ip link set lo mtu 0
run ip link show lo
