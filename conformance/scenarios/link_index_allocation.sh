#!/bin/bash
# ifindex allocation is sequential and not reused after delete; explicit index.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link del v0
run ip link add v0 type veth peer name v1
run ip link add br0 index 42 type bridge
run ip link add br1 type bridge
run ip link add br2 index 42 type bridge
run ip link show
