#!/bin/bash
# Setting, showing and clearing an interface alias.
. "$(dirname "$0")/../lib.sh"
run ip link add br0 type bridge
run ip link set br0 alias "uplink bridge"
run ip link show br0
run ip -j link show br0
run ip link set br0 alias ""
run ip link show br0
