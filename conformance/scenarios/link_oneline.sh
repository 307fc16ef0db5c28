#!/bin/bash
# ip -o link and addr.
. "$(dirname "$0")/../lib.sh"
run ip link add v0 type veth peer name v1
run ip link set lo up
run ip -o link
run ip -o addr
run ip -o -4 addr show lo
