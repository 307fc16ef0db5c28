#!/bin/bash
# Changing the transmit queue length.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set v0 txqlen 42
run ip link set v0 qlen 0
run ip link show v0
run ip link set v1 txqlen 4294967295
run ip link show v1
